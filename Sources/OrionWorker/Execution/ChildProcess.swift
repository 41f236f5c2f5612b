import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process spawned directly with `posix_spawn` (argv, never a shell), in its own process group, with its
/// stdout and stderr copied both to files and, optionally, to this process's own stdout and stderr.
final class ChildProcess: @unchecked Sendable {
    /// How the child ended.
    struct Termination: Sendable {
        /// The exit status when the child exited.
        var exitCode: Int32?
        /// The signal that killed the child, if any.
        var signal: Int32?
        /// The last bytes the child wrote to stderr.
        var stderrTail: String
    }

    /// Why the child could not be started.
    struct SpawnError: Error {
        var errno: Int32
    }

    let pid: pid_t

    private let stdoutRead: Int32
    private let stderrRead: Int32

    /// Spawns `argv[0]` with `argv` and `environment`.
    ///
    /// - Throws: `SpawnError` with the `errno` of the failed exec (`ENOENT`, `EACCES`, ...).
    init(argv: [String], environment: [String: String]) throws(SpawnError) {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw SpawnError(errno: errno) }
        for fd in [outPipe[0], errPipe[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        posix_spawn_file_actions_addclose(&actions, outPipe[1])
        posix_spawn_file_actions_addclose(&actions, errPipe[1])

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group (so signals are forwarded deliberately), default signal dispositions and an empty mask
        // (the hunt ignores SIGINT/SIGTERM itself; the child must not inherit that).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        )

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var childPID: pid_t = 0
        let status = posix_spawn(&childPID, argv[0], &actions, &attributes, cArguments, cEnvironment)
        close(outPipe[1])
        close(errPipe[1])
        guard status == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw SpawnError(errno: status)
        }
        pid = childPID
        stdoutRead = outPipe[0]
        stderrRead = errPipe[0]
    }

    /// Copies the child's output until it closes both streams, then reaps it.
    ///
    /// Blocks the calling thread: call it from a dedicated thread, not from Swift concurrency's pool.
    func pumpAndWait(stdoutFile: Int32, stderrFile: Int32, echo: Bool, tailLimit: Int = 4096) -> Termination {
        var tail: [UInt8] = []
        var fds = [
            pollfd(fd: stdoutRead, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stderrRead, events: Int16(POLLIN), revents: 0),
        ]
        var open = 2
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open > 0 {
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
                if count <= 0 {
                    if count < 0 && errno == EINTR { continue }
                    close(fds[index].fd)
                    fds[index].fd = -1
                    open -= 1
                    continue
                }
                let isErr = index == 1
                buffer.withUnsafeBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    writeAll(isErr ? stderrFile : stdoutFile, base, count)
                    if echo { writeAll(isErr ? 2 : 1, base, count) }
                }
                if isErr {
                    tail.append(contentsOf: buffer[0..<count])
                    if tail.count > tailLimit { tail.removeFirst(tail.count - tailLimit) }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = String(decoding: tail, as: UTF8.self)
        // WIFEXITED / WEXITSTATUS / WTERMSIG by hand (the macros are not imported into Swift).
        let signal = status & 0x7f
        if signal == 0 {
            return Termination(exitCode: (status >> 8) & 0xff, signal: nil, stderrTail: text)
        }
        return Termination(exitCode: nil, signal: signal, stderrTail: text)
    }

    /// Sends `signal` to the child's whole process group.
    func send(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    private func writeAll(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) {
        var offset = 0
        while offset < count {
            let written = write(fd, base + offset, count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
