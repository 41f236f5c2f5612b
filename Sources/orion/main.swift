import OrionCommands
import OrionWorker

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The signals the parent left ignored (`nohup`: SIGHUP) stay so, for the hunt and its scripts: recorded before any
// disposition below changes.
InheritedSignals.record()

// A closed stdout or stderr (`orion hunt ... | head`) must never kill orion in the middle of a hunt: writes to it
// fail with EPIPE instead, and the hunt goes on. Scripts get the default disposition back (see ChildProcess).
signal(SIGPIPE, SIG_IGN)
// A parent that ignores SIGCHLD (a supervisor, `trap '' CHLD`, Python code that did `signal(SIGCHLD, SIG_IGN)`) passes
// that on, and then the kernel reaps the scripts by itself: their exit statuses were lost, and every trial broke with
// "the script exited with code 255". Its default disposition back, before any script starts.
signal(SIGCHLD, SIG_DFL)

#if canImport(Glibc)
    // Under a limit on the address space (`ulimit -v`, set on some clusters' login nodes), glibc's per-thread malloc
    // arenas (64 MB of address space each) used it up: with 300 MB, thread creation failed and orion crashed (150 MB:
    // it hung). Two arenas are enough for orion's few busy threads. Before any thread starts.
    // `mallopt` (malloc.h, not in Swift's Glibc module) is looked up at run time; M_ARENA_MAX is -8.
    var addressSpace = rlimit()
    if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &addressSpace) == 0, addressSpace.rlim_cur != rlim_t.max,
        let symbol = dlsym(nil, "mallopt")
    {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, 2)
    }
    // Below what the runtime needs, a thread could not start, and orion hung for ever in silence or crashed (hBL's
    // probe: `orion list` at 130 MB, `orion hunt` at 150 and 170 MB). What it needs: about 168 MiB, and a thread stack
    // for each processor (Swift's concurrency) and a few more (measured on 2 processors: 200 MB hung 1 run in 6,
    // 240 MB none).
    if addressSpace.rlim_cur != rlim_t.max {
        var stack = rlimit()
        let stackBytes: UInt64 =
            getrlimit(__rlimit_resource_t(RLIMIT_STACK.rawValue), &stack) == 0 && stack.rlim_cur != rlim_t.max
            ? min(UInt64(stack.rlim_cur), 8 << 20) : 8 << 20
        let processors = UInt64(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let needed = (168 << 20) + (processors + 6) * stackBytes
        if UInt64(addressSpace.rlim_cur) < needed {
            let kib = { (bytes: UInt64) in bytes / 1024 }
            let message =
                "Error: the limit on this process's address space (ulimit -v \(kib(UInt64(addressSpace.rlim_cur)))) is"
                + " below what orion needs on this machine (\(kib(needed)) KiB for \(processors) processors): it"
                + " would hang or crash; raise it (`ulimit -v \(kib(needed))`, or `ulimit -v unlimited`)\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            exit(1)
        }
    }
#endif

await OrionCommand.runFromCommandLine()
