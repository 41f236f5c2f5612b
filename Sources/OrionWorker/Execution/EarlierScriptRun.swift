import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What an earlier run of a trial left running on this machine: its `orion hunt` and that hunt's guardian were both
/// killed (`killall -9 /path/to/orion`, `kill -9 -1`, the OOM killer or a cgroup kill of the whole job; `pkill -9
/// orion` spares the guardian, named `trial-guardian`), so nothing ended the script, and the trial was released to
/// another worker.
///
/// The script and what it started carry the trial in their environment (`ORION_EXPERIMENT_ID`, `ORION_TRIAL_ID`,
/// which `orion` sets for each run), readable in `/proc/<pid>/environ` by their user. A worker that runs a trial in a
/// directory where a run started before (its `orion.stdout.log` is there) looks for such processes first and ends
/// them (SIGTERM, SIGKILL after the grace period), as it cancels an earlier Slurm job (``EarlierSlurmJob``), so that
/// the trial never runs twice at once in its directory. A first run, nearly every one, costs one `stat`. Children
/// that left the script's group (`setsid`, `start_new_session=True`) are found too; a process that cleared its
/// environment is not. Linux only.
enum EarlierScriptRun {
    /// A process found, with its start time (the 22nd field of `/proc/<pid>/stat`, in clock ticks since boot), so
    /// that a pid reused meanwhile by another process is not signalled.
    struct Found: Equatable {
        var pid: pid_t
        var start: String
    }

    /// The live processes of this machine readable by this user whose environment names the trial `trialID` of the
    /// experiment `experimentID`, this process excepted.
    static func processes(experimentID: String, trialID: String) -> [Found] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let trial = Array("ORION_TRIAL_ID=\(trialID)".utf8)
        let experiment = Array("ORION_EXPERIMENT_ID=\(experimentID)".utf8)
        let me = getpid()
        var found: [Found] = []
        for entry in entries {
            // /proc's files say they are empty: read to the end, not by their size. Another user's cannot be opened.
            guard let pid = pid_t(entry), pid != me,
                let handle = FileHandle(forReadingAtPath: "/proc/\(entry)/environ")
            else { continue }
            let environment = (try? handle.readToEnd()) ?? nil
            try? handle.close()
            guard let environment else { continue }
            var namesTrial = false
            var namesExperiment = false
            for variable in environment.split(separator: 0) {
                if variable.elementsEqual(trial) { namesTrial = true }
                if variable.elementsEqual(experiment) { namesExperiment = true }
            }
            guard namesTrial, namesExperiment, let start = liveStartTime(of: pid) else { continue }
            found.append(Found(pid: pid, start: start))
        }
        return found
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
            "the trial's earlier run left \(one ? "a process" : "processes") running (pid \(listed); its hunt was"
                + " killed with that hunt's guardian, or lost the trial): \(one ? "it gets" : "they get") SIGTERM, and"
                + " SIGKILL after \(Self.seconds(grace)), so that the trial runs here and not twice at once"
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
