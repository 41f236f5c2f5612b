import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The script an earlier run of a trial left running on this machine: its `orion hunt` and that hunt's guardian
/// were both killed (`pkill -9 orion`, `killall -9 orion`), so nothing ended the script's process group, and the
/// trial was released to another worker.
///
/// While a script runs, its process group is recorded in the trial's directory: the machine (host name and boot),
/// the group's id and its leader's start time, which tells the group apart from a later one that reused the id. The
/// record goes once the script has been reaped. Whichever local worker takes the trial over finds the record when the
/// earlier run did not end cleanly, and ends what is left of that group first (SIGTERM, SIGKILL after the grace
/// period), as it cancels an earlier Slurm job (``EarlierSlurmJob``), so that the trial never runs twice at once in
/// its directory. Linux only (the leader's start time is read in `/proc`).
enum EarlierScriptRun {
    /// The file in the trial's directory where the running script's group is recorded.
    static let fileName = ".orion-script-group"

    /// A script's process group, as recorded.
    struct Record: Equatable {
        /// The host the script ran on.
        var host: String
        /// The boot of that host (`/proc/sys/kernel/random/boot_id`): after a reboot no earlier group is alive.
        var boot: String
        /// The group's id, the leader's pid.
        var group: pid_t
        /// The leader's start time, in clock ticks since boot (the 22nd field of `/proc/<pid>/stat`).
        var start: String

        /// The record's text; the last line says that it was written whole.
        var text: String {
            "host \(host)\nboot \(boot)\ngroup \(group)\nstart \(start)\nend\n"
        }

        /// Reads a record written whole; `nil` for anything else.
        init?(text: String) {
            var fields: [String: String] = [:]
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count == 6, lines[4] == "end", lines[5].isEmpty else { return nil }
            for line in lines.prefix(4) {
                guard let space = line.firstIndex(of: " ") else { return nil }
                fields[String(line[..<space])] = String(line[line.index(after: space)...])
            }
            guard let host = fields["host"], let boot = fields["boot"], let start = fields["start"],
                let group = fields["group"].flatMap({ pid_t($0) }), group > 1
            else { return nil }
            self.init(host: host, boot: boot, group: group, start: start)
        }

        init(host: String, boot: String, group: pid_t, start: String) {
            self.host = host
            self.boot = boot
            self.group = group
            self.start = start
        }
    }

    /// This machine's host name and boot, `nil` where they cannot be read (read once).
    static let thisMachine: (host: String, boot: String)? = {
        guard
            let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), !boot.isEmpty
        else { return nil }
        return (ProcessInfo.processInfo.hostName, boot)
    }()

    /// The start time of the process `pid`, `nil` when it is gone.
    static func startTime(of pid: pid_t) -> String? {
        guard let fields = ProcessTable.statFields(of: pid), fields.count > 19 else { return nil }
        return String(fields[19])
    }

    /// Records the group `group` (its leader just started) in `directory`; nothing when it cannot be (a run without
    /// the record is as safe as one before it existed: its guardian still ends the group with the hunt).
    static func record(group: pid_t, in directory: String) {
        guard let machine = thisMachine, let start = startTime(of: group) else { return }
        let text = Record(host: machine.host, boot: machine.boot, group: group, start: start).text
        let file = open(directory + "/" + fileName, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard file >= 0 else { return }
        // One short write: a record cut short by a kill lacks its last line and is not read.
        _ = text.utf8CString.withUnsafeBufferPointer { write(file, $0.baseAddress, $0.count - 1) }
        close(file)
    }

    /// Removes the record: the script was reaped.
    static func forget(in directory: String) {
        unlink(directory + "/" + fileName)
    }

    /// What is to be done about a recorded group.
    enum Finding: Equatable {
        /// Nothing of it is left (or the record cannot be read).
        case gone
        /// Its leader, or members of its group, still run here.
        case running
        /// It ran on another machine, or before this one's last boot: it cannot be checked from here.
        case elsewhere(host: String)
    }

    /// Whether the group recorded in `record` still runs, seen from `machine`.
    static func find(_ record: Record, machine: (host: String, boot: String)) -> Finding {
        guard record.host == machine.host else { return .elsewhere(host: record.host) }
        // Same host, another boot: everything it ran then has ended.
        guard record.boot == machine.boot else { return .gone }
        if let start = startTime(of: record.group) {
            // A process with the leader's pid: the leader itself, or a later process that reused the pid (while it
            // lives, no group can have that id unless it made it, so the earlier group is gone).
            return start == record.start && ProcessGroup.hasLiveMembers(record.group) ? .running : .gone
        }
        // The leader is gone but the group's id cannot be reused while the group has members: they are the script's.
        return ProcessGroup.hasLiveMembers(record.group) ? .running : .gone
    }

    /// Ends the group recorded in `directory` when it still runs here (SIGTERM, SIGKILL after `grace`, then waits
    /// at most 5 s more for it to go), and removes the record.
    ///
    /// - Parameters:
    ///   - directory: the trial's working directory.
    ///   - grace: how long the group has between SIGTERM and SIGKILL.
    ///   - warn: told when the group cannot be ended from here (another machine, another user's).
    ///   - note: told when the group is ended here: the user sees why the script stopped.
    static func end(
        in directory: String,
        grace: Duration,
        warn: (@Sendable (String) -> Void)? = nil,
        note: (@Sendable (String) -> Void)? = nil
    ) async {
        let path = directory + "/" + fileName
        defer { unlink(path) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let record = Record(text: text),
            let machine = thisMachine
        else { return }
        switch find(record, machine: machine) {
        case .gone:
            return
        case .elsewhere(let host):
            warn?(
                "the trial's earlier run on \(host) (its hunt was killed) may still run its script, process group"
                    + " \(record.group), beside this run in the same directory; `kill -- -\(record.group)` on \(host)"
                    + " if it does"
            )
            return
        case .running:
            break
        }
        note?(
            "the trial's earlier run (its hunt and that hunt's guardian were killed) left its script running, process"
                + " group \(record.group): it is ended, so that the trial runs here and not twice at once"
        )
        guard kill(-record.group, SIGTERM) == 0 else {
            warn?(
                "the trial's earlier script, process group \(record.group), cannot be ended from here"
                    + " (\(String(cString: strerror(errno)))), so it may still run beside this run"
            )
            return
        }
        if await waitUntilGone(record.group, for: grace) { return }
        _ = kill(-record.group, SIGKILL)
        _ = await waitUntilGone(record.group, for: .seconds(5))
    }

    /// Waits at most `duration` until the group `group` has no live member; returns whether it has none.
    private static func waitUntilGone(_ group: pid_t, for duration: Duration) async -> Bool {
        let deadline = ContinuousClock.now + duration
        while ProcessGroup.hasLiveMembers(group) {
            // A hunt being torn down does not wait: the caller's SIGKILL follows at once.
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
