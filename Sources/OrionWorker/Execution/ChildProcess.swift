import COrionSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process spawned directly (argv, never a shell), in its own process group, with its stdout and stderr
/// copied both to files and, optionally, to this process's own stdout and stderr.
///
/// A stream whose copy goes to a terminal reaches the child as a pseudo-terminal of that terminal's size rather than
/// a pipe, so that a script asking whether its output is a terminal (`isatty`: tqdm, Keras, rich, colours) gets the
/// answer it would get when `orion` is not between them, as under Oríon, which lets its scripts inherit the terminal.
/// The pseudo-terminal is not the child's controlling terminal and does not translate newlines, so the log files
/// get the bytes the script wrote; it follows the terminal's size when the window is resized (``TerminalResizer``).
///
/// The main process is reaped independently of the pipes: a background child that keeps them open
/// (`tensorboard &`) does not keep the trial alive. Stopping it (interrupt, cancellation, time limit) signals the
/// whole process group, and kills the group when it is still there after a grace period. While it runs, its group is
/// on the list of a ``GroupGuardian``, which ends the group if this process dies.
final class ChildProcess: Sendable {
    /// How the child ended.
    struct Termination: Sendable {
        /// The exit status when the child exited.
        var exitCode: Int32?
        /// The signal that killed the child, if any.
        var signal: Int32?
        /// The last bytes the child wrote to stderr.
        var stderrTail: String
        /// Whether the child ran past its time limit (and was stopped).
        var timedOut: Bool
        /// Whether the child was asked to stop (interrupt, cancellation or time limit) before it ended.
        var stopRequested: Bool
    }

    /// Why the child could not be started.
    struct SpawnError: Error {
        var errno: Int32
    }

    /// When the child is stopped and how long it is given to stop.
    struct Limits: Sendable {
        /// The longest the main process may run; past it the group gets SIGTERM, then SIGKILL.
        var timeout: Duration?
        /// How long a stopped process group has between the stop signal and SIGKILL.
        var grace: Duration
        /// How long output is still read once the main process has exited (from background children).
        var drain: Duration = .milliseconds(100)
    }

    struct StopState {
        var requestedAt: ContinuousClock.Instant?
        var killed = false
        var finished = false
    }

    /// The child's pid, also its process group id.
    let pid: pid_t
    /// What ends the child's group if this process dies (Linux; `nil` elsewhere).
    private let guardian: GroupGuardian?

    private let stdoutRead: Int32
    private let stderrRead: Int32
    let stopState = Mutex(StopState())

    /// Spawns `argv[0]` with `argv` and `environment`, and puts its process group on `guardian`'s list.
    ///
    /// - Parameters:
    ///   - argv: the program (a path) and its arguments.
    ///   - environment: the child's whole environment.
    ///   - guardian: what ends the child's group if this process dies; `nil`: nothing does.
    ///   - terminalStreams: the child's streams (`1`, `2`) given a pseudo-terminal of the size of this process's
    ///     same descriptor instead of a pipe (a pipe when no pseudo-terminal can be opened).
    ///   - directory: the child's current directory; `nil`: this process's.
    /// - Throws: `SpawnError` with the `errno` of the failed exec (`ENOENT`, `EACCES`, ...).
    init(
        argv: [String],
        environment: [String: String],
        guardian: GroupGuardian?,
        terminalStreams: Set<Int32> = [],
        directory: String? = nil
    ) throws(SpawnError) {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard Self.openStream(&outPipe, terminal: terminalStreams.contains(1) ? 1 : nil) else {
            throw SpawnError(errno: errno)
        }
        guard Self.openStream(&errPipe, terminal: terminalStreams.contains(2) ? 2 : nil) else {
            let error = errno
            close(outPipe[0])
            close(outPipe[1])
            throw SpawnError(errno: error)
        }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        let (status, childPID) = Self.spawn(
            argv: cArguments,
            environment: cEnvironment,
            stdout: outPipe[1],
            stderr: errPipe[1],
            directory: directory,
            guardian: guardian
        )
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
        for (master, sizedAs) in [(outPipe[0], Int32(1)), (errPipe[0], Int32(2))]
        where terminalStreams.contains(sizedAs) && isatty(master) == 1 {
            TerminalResizer.shared.follow(master, sizedAs: sizedAs, group: childPID)
        }
        self.guardian = guardian
    }

    /// Starts the child; returns 0 or the errno of the failure, and the pid.
    ///
    /// On Linux with COrionSpawn's `orion_spawn`, whose child puts its group on `guardian`'s list before the script
    /// runs: a `kill -9` of this process at any moment leaves no script running unlisted (with `posix_spawn` and the
    /// message sent from here, 17 of 1,409 runs outlived their hunt in 240 kills on a loaded machine). Elsewhere with
    /// `posix_spawn`, and no guardian.
    private static func spawn(
        argv: [UnsafeMutablePointer<CChar>?],
        environment: [UnsafeMutablePointer<CChar>?],
        stdout: Int32,
        stderr: Int32,
        directory: String?,
        guardian: GroupGuardian?
    ) -> (status: Int32, pid: pid_t) {
        #if os(Linux)
            func start(channel: Int32) -> (status: Int32, pid: pid_t, watchError: Int32) {
                var childPID: pid_t = 0
                var watchError: Int32 = 0
                let status = argv.withUnsafeBufferPointer { arguments in
                    environment.withUnsafeBufferPointer { variables in
                        withOptionalCString(directory) { directoryPointer in
                            var request = orion_spawn_request(
                                path: arguments[0],
                                argv: arguments.baseAddress,
                                envp: variables.baseAddress,
                                stdout_fd: stdout,
                                stderr_fd: stderr,
                                directory: directoryPointer,
                                guardian_channel: channel
                            )
                            return orion_spawn(&request, &childPID, &watchError)
                        }
                    }
                }
                return (status, childPID, watchError)
            }
            guard let guardian else {
                let result = start(channel: -1)
                return (result.status, result.pid)
            }
            return guardian.spawn(start(channel:))
        #else
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, stdout, 1)
            posix_spawn_file_actions_adddup2(&actions, stderr, 2)
            posix_spawn_file_actions_addclose(&actions, stdout)
            posix_spawn_file_actions_addclose(&actions, stderr)
            if let directory {
                let code = orion_spawn_add_chdir(&actions, directory)
                if code != 0 { return (code, 0) }
            }
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            // Own process group (so signals are forwarded deliberately), default signal dispositions and an empty
            // mask (the hunt ignores SIGINT/SIGTERM/SIGHUP/SIGUSR1/SIGUSR2/SIGPIPE/SIGWINCH, and SIGTTOU once it
            // lends the terminal, itself; the child must not inherit that).
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in [
                SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTTOU, SIGTTIN, SIGTSTP,
                SIGXFSZ,
            ] {
                sigaddset(&defaults, signal)
            }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            var emptyMask = sigset_t()
            sigemptyset(&emptyMask)
            posix_spawnattr_setsigmask(&attributes, &emptyMask)
            posix_spawnattr_setpgroup(&attributes, 0)
            var flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
            #if canImport(Darwin)
                flags |= POSIX_SPAWN_CLOEXEC_DEFAULT
                posix_spawn_file_actions_addinherit_np(&actions, 0)
            #endif
            posix_spawnattr_setflags(&attributes, Int16(flags))
            var childPID: pid_t = 0
            let status = argv.withUnsafeBufferPointer { arguments in
                environment.withUnsafeBufferPointer { variables in
                    posix_spawn(
                        &childPID,
                        arguments[0],
                        &actions,
                        &attributes,
                        arguments.baseAddress,
                        variables.baseAddress
                    )
                }
            }
            return (status, childPID)
        #endif
    }

    /// Runs `body` with `text` as a C string, or with a null pointer when there is no text.
    private static func withOptionalCString<T>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
        guard let text else { return body(nil) }
        return text.withCString { body($0) }
    }

    /// Opens the two ends of one of the child's output streams into `ends` (read, write), both close-on-exec from the
    /// start (another thread may spawn a script meanwhile): a pseudo-terminal (master, slave) with the window size of
    /// this process's descriptor `terminal` when it is given and one can be opened, a pipe otherwise.
    ///
    /// - Returns: `false` when not even a pipe can be opened (`errno` says why).
    private static func openStream(_ ends: inout [Int32], terminal: Int32?) -> Bool {
        var master: Int32 = -1
        var slave: Int32 = -1
        if let terminal, orion_output_pty(terminal, &master, &slave) == 0 {
            ends = [master, slave]
            return true
        }
        var pair: [Int32] = [-1, -1]
        let error = pair.withUnsafeMutableBufferPointer { orion_output_pipe($0.baseAddress) }
        guard error == 0 else {
            errno = error
            return false
        }
        ends = pair
        return true
    }

    /// Asks the child's process group to stop with `signal`; the group is killed if it is still there one grace
    /// period after the first request.
    func requestStop(signal: Int32) {
        let running = stopState.withLock { state -> Bool in
            if state.finished { return false }
            if state.requestedAt == nil { state.requestedAt = .now }
            return true
        }
        if running { _ = kill(-pid, signal) }
    }

    /// Kills the child's process group at once (a second Ctrl-C).
    func forceKill() {
        let running = stopState.withLock { state -> Bool in
            if state.finished { return false }
            if state.requestedAt == nil { state.requestedAt = .now }
            state.killed = true
            return true
        }
        if running { _ = kill(-pid, SIGKILL) }
    }

    /// Copies the child's output until its main process has exited, then returns how it ended.
    ///
    /// Output still written by background children is read for `limits.drain` after the main process exits; then the
    /// pipes are closed. When the child was asked to stop, what is left of its process group gets SIGTERM, and
    /// SIGKILL at the end of the grace period. Blocks the calling thread: call it from a dedicated thread, not from
    /// Swift concurrency's pool.
    func run(stdoutFile: Int32, stderrFile: Int32, echo: OutputEcho?, limits: Limits, tailLimit: Int = 4096)
        -> Termination
    {
        let started = ContinuousClock.now
        var tail: [UInt8] = []
        var fds = [
            pollfd(fd: stdoutRead, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stderrRead, events: Int16(POLLIN), revents: 0),
        ]
        var echoing = [echo != nil, echo != nil]
        // The echo is written by a thread of its own: a reader that does not read never holds up this loop (its
        // time limit, its stop, its reads of the script's pipes).
        let pump = echo.map { EchoPump($0) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var status: Int32?
        var exitedAt: ContinuousClock.Instant?
        var timedOut = false
        var idleWait: Duration = .milliseconds(1)
        var terminal = TerminalUse()
        while true {
            if exitedAt == nil, hasExited(status: &status) { exitedAt = .now }
            if exitedAt == nil { followStops(&terminal, echo: echo) }
            let now = ContinuousClock.now
            let wait: Duration
            if let exitedAt {
                let drained = now - exitedAt
                if fds.allSatisfy({ $0.fd < 0 }) || drained >= limits.drain { break }
                wait = limits.drain - drained
            } else {
                if let timeout = limits.timeout, !timedOut, now - started >= timeout {
                    timedOut = true
                    requestStop(signal: SIGTERM)
                }
                killIfPastGrace(limits.grace, now: now)
                if fds.contains(where: { $0.fd >= 0 }) {
                    wait = .milliseconds(50)
                } else {
                    // Both streams closed but the main process still runs: check on it, more and more rarely.
                    wait = idleWait
                    idleWait = min(idleWait * 2, .milliseconds(50))
                }
            }
            let ready = poll(&fds, nfds_t(fds.count), Self.milliseconds(wait))
            if ready == 0 && exitedAt != nil { break }  // nothing more to read from background children
            if ready <= 0 { continue }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 {
                    TerminalResizer.shared.forget(fds[index].fd)
                    close(fds[index].fd)
                    fds[index].fd = -1
                    continue
                }
                buffer.withUnsafeBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    Self.writeAll(index == 1 ? stderrFile : stdoutFile, base, count)
                    // A closed terminal or pipe (`orion hunt ... | head`, an ssh disconnect) stops the echo only.
                    if echoing[index], let pump {
                        echoing[index] = pump.enqueue(
                            index == 1 ? 2 : 1,
                            UnsafeRawBufferPointer(start: base, count: count)
                        )
                    }
                }
                if index == 1 {
                    tail.append(contentsOf: buffer[0..<count])
                    if tail.count > tailLimit { tail.removeFirst(tail.count - tailLimit) }
                }
            }
        }
        for entry in fds where entry.fd >= 0 {
            TerminalResizer.shared.forget(entry.fd)
            close(entry.fd)
        }
        if terminal.held { giveTerminalBack(status: status) }
        let stopRequested = stopState.withLock { $0.requestedAt != nil }
        // All of the output is shown before the trial ends, as before; a stopped script's is waited for one second.
        pump?.finish(abandoning: stopRequested || timedOut)
        if stopRequested { terminateLeftovers(grace: limits.grace) }
        // No signal is sent to the group once the main process is reaped: its id could then be reused.
        stopState.withLock { $0.finished = true }
        guardian?.forget(pid)

        let raw = status ?? reap()
        let text = String(decoding: tail, as: UTF8.self)
        // WIFEXITED / WEXITSTATUS / WTERMSIG by hand (the macros are not imported into Swift).
        let signal = raw & 0x7f
        return Termination(
            exitCode: signal == 0 ? (raw >> 8) & 0xff : nil,
            signal: signal == 0 ? nil : signal,
            stderrTail: text,
            timedOut: timedOut,
            stopRequested: stopRequested
        )
    }

    /// Whether the main process has exited.
    ///
    /// On Linux it is not reaped yet: until it is, its pid (the group's id) cannot be reused, so signals sent to the
    /// group reach nothing else, and the group's other members are looked up in /proc. Elsewhere it is reaped at
    /// once (its wait status goes in `status`), so that `kill(-pid, 0)` tells whether other members are left.
    private func hasExited(status: inout Int32?) -> Bool {
        #if os(Linux)
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 {
                if errno != EINTR { return true }
            }
            return info._sifields._sigchld.si_pid == pid
        #else
            var raw: Int32 = 0
            while true {
                let result = waitpid(pid, &raw, WNOHANG)
                if result == pid {
                    status = raw
                    return true
                }
                if result == 0 { return false }
                if errno != EINTR {
                    status = 0xff00
                    return true
                }
            }
        #endif
    }

    /// Reaps the main process (which has exited) and returns its wait status (`0xff00`, exit code 255, if it cannot
    /// be waited for).
    private func reap() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 0xff00 }
        }
        return status
    }

    /// Sends SIGKILL to the group once a stop request is older than the grace period.
    private func killIfPastGrace(_ grace: Duration, now: ContinuousClock.Instant) {
        let due = stopState.withLock { state -> Bool in
            guard let requestedAt = state.requestedAt, !state.killed, now - requestedAt >= grace else { return false }
            state.killed = true
            return true
        }
        if due { _ = kill(-pid, SIGKILL) }
    }

    /// After a stop, ends what is left of the process group (background children that ignored SIGINT): SIGTERM,
    /// then SIGKILL at the end of the grace period.
    private func terminateLeftovers(grace: Duration) {
        guard ProcessGroup.hasLiveMembers(pid) else { return }
        _ = kill(-pid, SIGTERM)
        let deadline = (stopState.withLock { $0.requestedAt } ?? .now) + grace
        while ContinuousClock.now < deadline {
            guard ProcessGroup.hasLiveMembers(pid) else { return }
            usleep(20_000)
        }
        _ = kill(-pid, SIGKILL)
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let value = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, value))
    }

    /// Writes everything, retrying on EINTR; returns `false` when the descriptor cannot be written any more.
    @discardableResult
    private static func writeAll(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let written = write(fd, base + offset, count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}

/// What `/proc` says of a process (Linux).
enum ProcessTable {
    /// The fields of `/proc/<pid>/stat` after the command's closing parenthesis (the command may hold spaces): the
    /// state first (`S`, `T` stopped, `Z` zombie, ...), then the parent, the process group, ...; `nil` when the
    /// process is gone or there is no `/proc`.
    static func statFields(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}

/// What can be known about a process group from outside it.
enum ProcessGroup {
    /// Whether the group `id` still has a member that is not a zombie.
    ///
    /// A zombie left by a background child whose parent died is reaped by init; where init does not reap
    /// (some containers), `kill(-id, 0)` would still succeed, so on Linux the members are looked up in /proc.
    static func hasLiveMembers(_ id: pid_t) -> Bool {
        guard kill(-id, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return true }
            for entry in entries {
                // After "pid (comm)": state, ppid, pgrp, ...
                guard let pid = Int32(entry), let fields = ProcessTable.statFields(of: pid), fields.count > 2,
                    fields[2] == Substring(String(id))
                else { continue }
                if fields[0] != "Z" && fields[0] != "X" { return true }
            }
            return false
        #else
            return true
        #endif
    }
}
