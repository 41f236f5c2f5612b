import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What an earlier run of a trial left running on this machine: mostly, its `orion hunt` and that hunt's guardian
/// were both killed (`killall -9 /path/to/orion`, `kill -9 -1`, the OOM killer or a cgroup kill of the whole job;
/// `pkill -9 orion` spares the guardian, named `trial-guardian`), so nothing ended the script, and the trial was
/// released to another worker; also what a script started outside its group and left behind (`setsid`, a daemon).
///
/// The script and what it started carry the trial in their environment (`ORION_EXPERIMENT_ID`, `ORION_TRIAL_ID`,
/// which `orion` sets for each run), readable in `/proc/<pid>/environ` by their user. A worker that runs a trial in a
/// directory where a run started before (its `orion.stdout.log` is there: a resumed, released or re-set trial) looks
/// for such processes first and ends them (SIGTERM, SIGKILL after the grace period), as it cancels an earlier Slurm
/// job (``EarlierSlurmJob``), so that the trial never runs twice at once in its directory. A first run, nearly every
/// one, costs one `stat`. A process that cleared its environment and left the script's group is not found. Linux
/// only.
enum EarlierScriptRun {
    /// A process found, with its start time (the 22nd field of `/proc/<pid>/stat`, in clock ticks since boot), so
    /// that a pid reused meanwhile by another process is not signalled.
    struct Found: Equatable {
        var pid: pid_t
        var start: String
    }

    /// The live processes of this machine readable by this user whose environment names the trial `trialID` of the
    /// experiment `experimentID`, this process excepted.
    ///
    /// Two small reads per process (its state, its environment), into one buffer, the environment searched for both
    /// variables as whole entries (probe p43d measured 60–150 µs per process with a first version that read through
    /// Foundation and split each environment into an array). Processes in uninterruptible sleep (`D`: a hung network
    /// mount) are skipped, since reading their environment could block the worker with them.
    static func processes(experimentID: String, trialID: String) -> [Found] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        // Whole entries: NUL before and after (the buffer starts with a NUL, and one is added after what is read).
        let trial = Array("\0ORION_TRIAL_ID=\(trialID)\0".utf8)
        let experiment = Array("\0ORION_EXPERIMENT_ID=\(experimentID)\0".utf8)
        let me = getpid()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var found: [Found] = []
        for entry in entries {
            guard let pid = pid_t(entry), pid != me, canRead(pid, buffer: &buffer) else { continue }
            let length = contents(of: "/proc/\(pid)/environ", into: &buffer)
            guard length > 0 else { continue }
            let matches = buffer.withUnsafeBytes { bytes in
                holds(bytes, length: length, trial) && holds(bytes, length: length, experiment)
            }
            if matches, let start = liveStartTime(of: pid) { found.append(Found(pid: pid, start: start)) }
        }
        return found
    }

    /// Whether `pid`'s environment may be read: it runs, and is not in uninterruptible sleep (`D`) or a zombie (read
    /// from `/proc/<pid>/stat` into `buffer`, without Foundation: this runs for every process of the machine).
    private static func canRead(_ pid: pid_t, buffer: inout [UInt8]) -> Bool {
        let length = contents(of: "/proc/\(pid)/stat", into: &buffer)
        guard length > 0 else { return false }
        // The state is the first field after the command's last `)` (the command may hold spaces and parentheses).
        var index = length - 1
        while index > 0, buffer[index] != UInt8(ascii: ")") { index -= 1 }
        guard index > 0, index + 2 < length else { return false }
        return !"DZX".utf8.contains(buffer[index + 2])
    }

    /// Whether the first `length` bytes of `bytes`, NUL-separated entries after a NUL, hold `entry` (a NUL, an entry,
    /// a NUL) at the start of one of them.
    private static func holds(_ bytes: UnsafeRawBufferPointer, length: Int, _ entry: [UInt8]) -> Bool {
        guard let base = bytes.baseAddress, length >= entry.count else { return false }
        return entry.withUnsafeBytes { needle in
            guard let pattern = needle.baseAddress else { return false }
            var offset = 0
            while offset + entry.count <= length {
                if memcmp(base + offset, pattern, entry.count) == 0 { return true }
                // The next entry starts at the next NUL.
                guard let next = memchr(base + offset + 1, 0, length - offset - 1) else { return false }
                offset = base.distance(to: UnsafeRawPointer(next))
            }
            return false
        }
    }

    /// Reads the file at `path` into `buffer` after a NUL, with a NUL after it (the buffer grows as needed); returns
    /// the length used, 0 when it cannot be read (another user's process, gone).
    private static func contents(of path: String, into buffer: inout [UInt8]) -> Int {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return 0 }
        defer { close(file) }
        buffer[0] = 0
        var length = 1
        while true {
            if buffer.count - length < 4096 { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return read(file, base + length, bytes.count - length - 1)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            length += count
        }
        buffer[length] = 0
        return length + 1
    }

    /// The start time of `pid` when it runs (not a zombie), else `nil`.
    static func liveStartTime(of pid: pid_t) -> String? {
        guard let fields = ProcessTable.statFields(of: pid), fields.count > 19, fields[0] != "Z", fields[0] != "X"
        else { return nil }
        return String(fields[19])
    }

    /// Whether `found` still runs (its pid not reused since).
    static func isRunning(_ found: Found) -> Bool {
        liveStartTime(of: found.pid) == found.start
    }

    /// Ends the processes of this machine that run the trial `trialID` of `experimentID` (SIGTERM to each and to the
    /// group it leads, SIGKILL to those left after `grace`, or at once when `stopNow` turns true meanwhile: the hunt
    /// was interrupted; then a wait of at most 5 s more).
    ///
    /// - Parameters:
    ///   - experimentID: the trial's experiment.
    ///   - trialID: the trial.
    ///   - grace: how long they have between SIGTERM and SIGKILL.
    ///   - stopNow: whether the hunt was interrupted since (read every 20 ms of the grace).
    ///   - note: told when processes are found: the user sees why they stop.
    /// - Returns: the processes found.
    @discardableResult
    static func end(
        experimentID: String,
        trialID: String,
        grace: Duration,
        stopNow: @Sendable () -> Bool = { false },
        note: (@Sendable (String) -> Void)? = nil
    ) async -> [Found] {
        let found = processes(experimentID: experimentID, trialID: trialID)
        guard !found.isEmpty else { return [] }
        let pids = found.map { String($0.pid) }
        let listed = pids.prefix(5).joined(separator: ", ") + (pids.count > 5 ? " and \(pids.count - 5) more" : "")
        let one = found.count == 1
        note?(
            "the trial's earlier run left \(one ? "a process" : "processes") running (pid \(listed)):"
                + " \(one ? "it gets" : "they get") SIGTERM, and SIGKILL after \(Self.seconds(grace)), so that the"
                + " trial does not run twice at once in its directory"
        )
        signal(found, SIGTERM)
        if await waitUntilGone(found, for: grace, stopNow: stopNow) { return found }
        signal(found, SIGKILL)
        _ = await waitUntilGone(found, for: .seconds(5), stopNow: { false })
        return found
    }

    /// `10 s`, `1.5 s`.
    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// Sends `signal` to each process still running and to the group it leads, with SIGCONT after it (a stopped
    /// process, its hunt stopped with SIGSTOP before it lost the trial, acts on SIGTERM only once continued).
    private static func signal(_ found: [Found], _ signal: Int32) {
        for process in found where isRunning(process) {
            let leads =
                ProcessTable.statFields(of: process.pid).map { $0.count > 2 && $0[2] == Substring(String(process.pid)) }
                == true
            for target in leads ? [-process.pid, process.pid] : [process.pid] {
                _ = kill(target, signal)
                _ = kill(target, SIGCONT)
            }
        }
    }

    /// Waits at most `duration` until none of `found` runs; returns whether none does.
    ///
    /// A hunt interrupted or torn down meanwhile does not wait: the caller's SIGKILL follows at once, before the hunt
    /// exits.
    private static func waitUntilGone(
        _ found: [Found],
        for duration: Duration,
        stopNow: @Sendable () -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + duration
        while found.contains(where: isRunning) {
            guard ContinuousClock.now < deadline, !Task.isCancelled, !stopNow() else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
