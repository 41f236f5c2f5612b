import Foundation
import OrionCore
import OrionWorker
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows a hunt's progress on stderr, so that stdout is what Oríon prints: on a terminal, one live line (done/total,
/// broken, best so far at 6 significant digits, elapsed, ETA) kept below the scripts' output, cleared and redrawn
/// around each of their writes as tqdm and cargo do; off a terminal, one log line per finished trial.
final class ProgressReporter: Sendable {
    private struct State {
        var completed = 0
        /// The completed trials of parent versions the experiment inherits: they count toward its max trials.
        var inherited = 0
        var broken = 0
        var best: Double?
        var start = ContinuousClock.now
        var completedThisRun = 0
        var waitingSaid = false
        var finished = false
        var stoppingSaid = false
        /// The trials this process runs now (started, not yet finished or lost).
        var running: Set<String> = []
    }

    private let experiment: Experiment
    private let interactive: Bool
    private let state = Mutex(State())
    private let line: PinnedLine
    private let heartbeat: Duration
    /// The storage the counts are read from again while the live line ticks (other processes' trials count too).
    private let storage = Mutex<(any Storage)?>(nil)

    /// Creates a reporter.
    ///
    /// - Parameters:
    ///   - experiment: the experiment being hunted.
    ///   - interactive: whether stderr is a terminal (a live line) or not (log lines).
    ///   - outputIsTerminal: whether stdout is the same terminal (the scripts' stdout then also moves the line).
    ///   - heartbeat: the workers' `--heartbeat`, named when a worker waits on another's trial.
    init(experiment: Experiment, interactive: Bool, outputIsTerminal: Bool = false, heartbeat: Duration = .seconds(120))
    {
        self.experiment = experiment
        self.interactive = interactive
        self.heartbeat = heartbeat
        self.line = PinnedLine(terminalStreams: interactive ? (outputIsTerminal ? [1, 2] : [2]) : [])
    }

    /// Where the scripts' output goes: through the pinned line on a terminal (cleared before, redrawn after each
    /// complete line), unchanged otherwise.
    var echo: OutputEcho {
        // Off a terminal too, so that the line knows whether a script left its last line unfinished.
        let line = self.line
        return OutputEcho(write: { stream, bytes in line.write(stream, bytes) }, endLine: { line.endLine($0) })
    }

    /// Starts the counts of a resumed experiment where they were, from its summary (without reading every trial).
    func start(storage: any Storage) async {
        self.storage.withLock { $0 = storage }
        // The inherited trials come from the worker, which reads them anyway (``WorkerEvent/inherited(count:)``).
        let summary = try? await ExperimentSummary(experiment: experiment, storage: storage, inheritedCompleted: 0)
        state.withLock { state in
            if let summary {
                state.completed = summary.completed
                state.broken = summary.broken
                state.best = summary.bestTrial?.objective
            }
            state.start = .now
        }
    }

    func handle(_ event: WorkerEvent) {
        switch event {
        case .started(let trial): state.withLock { _ = $0.running.insert(trial.id) }
        case .finished(let trial), .lost(let trial): state.withLock { _ = $0.running.remove(trial.id) }
        default: break
        }
        if case .inherited(let count) = event {
            state.withLock { $0.inherited = count }
            return
        }
        if case .storageFailing(let trial, let reason) = event {
            warn(Self.storageWarning(trial: trial, reason: reason))
            return
        }
        if case .parentDirectoryMissing(let trial, let parent) = event {
            warn(
                "note: trial \(trial.id.prefix(8)) starts without its parent's files: the parent's directory \(parent)"
                    + " is gone, so the script finds no checkpoint to start from"
            )
            return
        }
        if case .requeued(let trial, let reason) = event {
            warn("note: trial \(trial.id.prefix(8)): \(reason); it runs again")
            return
        }
        if case .algorithmRebuilt(let reason) = event {
            warn(
                "Warning: \(reason); the algorithm's state was reset and rebuilt from the experiment's trials "
                    + "(none is lost)"
            )
            return
        }
        if case .lost(let trial) = event {
            warn(Self.lostWarning(trial: trial))
            return
        }
        if case .stoppingWhileRunning(let reason, let count) = event {
            let who = reason == .experimentBroken ? "the experiment has" : "this worker has"
            let why = who + " reached its max broken trials"
            let trials = count == 1 ? "the trial that still runs" : "the \(count) trials that still run"
            warn("note: \(why): no new trial starts; waiting for \(trials) to end (Ctrl-C interrupts)")
            return
        }
        if case .waitingForStoppedWorker(let trials) = event {
            warn(Self.stoppingNote(trials: trials))
            return
        }
        if case .waitingForOthers(let trials) = event {
            // Once per hunt: every worker slot of this process sees the same trials.
            let first = state.withLock { state -> Bool in
                defer { state.waitingSaid = true }
                return !state.waitingSaid
            }
            if first { warn(Self.waitingNote(trials: trials, heartbeat: heartbeat)) }
            return
        }
        guard case .finished(let trial) = event else { return }
        let (text, log) = state.withLock { state -> (String, String) in
            switch trial.status {
            case .completed:
                state.completed += 1
                state.completedThisRun += 1
                if let value = trial.objective, !value.isNaN { state.best = min(state.best ?? value, value) }
            case .broken: state.broken += 1
            default: break
            }
            let logged = !interactive || trial.status == .broken
            return (interactive ? progressLine(state) : "", logged ? logLine(trial, state) : "")
        }
        if interactive {
            // Why a trial broke is said on a terminal too, above the live line (probe p44e: only the count showed,
            // and the line is erased at the end).
            if trial.status == .broken { line.writeLine(log) }
            line.draw(text)
        } else {
            line.writeLine(log)
        }
    }

    /// The warning for a trial this worker ran but no longer held when it ended: another worker took it as lost
    /// (its heartbeat was late by that worker's `--heartbeat`), or a command moved it (`orion db release`, `db set`,
    /// `db rm`, `db load -r overwrite`), so this run's outcome is not stored.
    static func lostWarning(trial: Trial) -> String {
        // Interrupted: this worker stopped the script when it found the trial gone; killed by a signal this worker did
        // not send: most likely the new holder ended it (``EarlierScriptRun``, probe p43d).
        let stopped =
            trial.status == .interrupted
            || (trial.status == .broken && trial.failure?.hasPrefix("the script was killed by signal") == true)
        let outcome =
            stopped
            ? "this run was stopped and is not stored" : "this run's outcome (\(trial.status.rawValue)) is not stored"
        return "Warning: trial \(trial.id.prefix(8)) was taken from this worker while it ran here (another worker found"
            + " its heartbeat late by its --heartbeat, or an orion db command released, changed or removed it); "
            + outcome
    }

    /// The note for trials held by a dead worker of this host whose guardian is still stopping their scripts: they
    /// run here once it has (the wait, up to the grace period, was silent; hBJ's re-check).
    static func stoppingNote(trials: [Trial]) -> String {
        let ids =
            trials.prefix(3).map { String($0.id.prefix(8)) }.joined(separator: ", ")
            + (trials.count > 3 ? " and \(trials.count - 3) more" : "")
        let which = trials.count == 1 ? "trial \(ids) was" : "trials \(ids) were"
        let worker = trials.first?.worker.map { " (\($0))" } ?? ""
        return "note: \(which) held by a worker of this host that died\(worker); its scripts are being stopped"
            + " (SIGKILL at most 10 s after its death), and \(trials.count == 1 ? "it runs" : "they run") here once"
            + " they have ended"
    }

    /// The note for a worker that has had nothing to run for its idle timeout but waits on trials other workers
    /// hold and have not refreshed since: they may be dead, and their trials come back once the heartbeat is late.
    static func waitingNote(trials: [Trial], heartbeat: Duration) -> String {
        let held =
            trials.prefix(3).map { trial in
                "\(trial.id.prefix(8))" + (trial.worker.map { " (worker \($0))" } ?? "")
            }.joined(separator: ", ") + (trials.count > 3 ? " and \(trials.count - 3) more" : "")
        let late = Formatting.shortDuration(heartbeat.seconds)
        guard trials.count > 1 else {
            return
                "note: nothing to run for the --idle-timeout, but trial \(held) has not reported since this worker"
                + " became idle: waiting until it ends, or its heartbeat is \(late) late (--heartbeat) and it runs here"
        }
        return "note: nothing to run for the --idle-timeout, but trials \(held) have not reported since this worker"
            + " became idle: waiting until they end, or their heartbeat is \(late) late (--heartbeat) and they run here"
    }

    /// The warning for a storage that keeps failing: the worker retries a result until it is stored, anything
    /// else for a while, so the hunt looks stuck unless it says so.
    static func storageWarning(trial: Trial?, reason: String) -> String {
        guard let trial else { return "Warning: the storage keeps failing (\(reason)); retrying" }
        return "Warning: the result of trial \(trial.id.prefix(8)) is not stored yet (\(reason)); retrying until it "
            + "is (Ctrl-C twice stops the hunt and says where the result is kept)"
    }

    /// Writes `text` as a line of its own on stderr, above the live line on a terminal.
    private func warn(_ text: String) {
        line.writeLine(text)
    }

    /// Redraws the live line (elapsed time and ETA move while long trials run); does nothing off a terminal.
    func redraw() {
        guard interactive, let text = state.withLock({ $0.finished ? nil : progressLine($0) }) else { return }
        line.draw(text)
    }

    /// Draws the live line now, then redraws it every second until `finish()`; off a terminal, reads the counts
    /// every other second, so that each log line's `[done/total]` is the experiment's, not this process's.
    func startTicking() -> Task<Void, Never>? {
        guard interactive else {
            return Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(2))
                    await self?.refreshCounts()
                }
            }
        }
        redraw()
        return Task { [weak self] in
            var tick = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                tick += 1
                // Every other second, the experiment's counts as stored: hunts in other processes (or on other
                // machines) complete trials of it too, and `[done/total]` is the experiment's.
                if tick % 2 == 0 { await self?.refreshCounts() }
                self?.redraw()
            }
        }
    }

    /// Reads the experiment's completed and broken counts from the storage (one count query).
    func refreshCounts() async {
        guard let storage = storage.withLock({ $0 }),
            let counts = try? await storage.countTrials(of: experiment.id)
        else { return }
        state.withLock { state in
            state.completed = counts[.completed, default: 0]
            state.broken = counts[.broken, default: 0]
        }
    }

    /// The live line's text now.
    var liveText: String { state.withLock { progressLine($0) } }

    /// Clears the live line, so that what follows starts on a clean line.
    func finish() {
        state.withLock { $0.finished = true }
        line.clear()
    }

    /// After the first interrupt (`signal`): when the hunt is still stopping `delay` later (scripts that take their
    /// time to exit, results the storage does not take yet, a storage call that waits for the server), says so once,
    /// and how to stop at once; a hunt that stops quickly prints nothing more than Oríon's `Orion is interrupted.`.
    func noteStopping(signal: Int32 = SIGINT, after delay: Duration = .seconds(3)) {
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard let self else { return }
            let running = self.state.withLock { state -> Int? in
                defer { state.stoppingSaid = true }
                return !state.finished && !state.stoppingSaid ? state.running.count : nil
            }
            guard let running else { return }
            self.warn(Self.stoppingNote(signal: signal, running: running))
        }
    }

    /// How many trials this process runs now, as the events tell.
    var runningCount: Int { state.withLock { $0.running.count } }

    /// The line for a hunt still stopping a few seconds after the first interrupt, `signal`, with `running` trials.
    static func stoppingNote(signal: Int32, running: Int) -> String {
        let again =
            switch signal {
            case SIGINT: "Ctrl-C again stops at once"
            case SIGTERM: "a second SIGTERM (or Ctrl-C) stops at once"
            default: "Ctrl-C or SIGTERM stops at once"
            }
        guard running > 0 else {
            return "Stopping: waiting for the storage to answer (for 20 s at most); \(again)"
        }
        let trials = running == 1 ? "the running trial is" : "the \(running) running trials are"
        let killed = running == 1 ? "killed after 10 s if it does not" : "killed after 10 s if they do not"
        return
            "Stopping: \(trials) asked to stop (\(killed)) and \(running == 1 ? "its outcome is" : "their outcomes are") "
            + "being stored (for 20 s at most while the storage fails); \(again) (a result not stored yet is kept in "
            + "its trial's directory)"
    }

    private func progressLine(_ state: State) -> String {
        let elapsed = (ContinuousClock.now - state.start).seconds
        let total = experiment.maxTrials.map(String.init) ?? "∞"
        var parts = ["[\(state.completed + state.inherited)/\(total)]"]
        if state.broken > 0 { parts.append("broken \(state.broken)") }
        if let best = state.best { parts.append("best \(String(format: "%g", best))") }
        parts.append("elapsed \(Formatting.shortDuration(elapsed))")
        if let maxTrials = experiment.maxTrials, state.completedThisRun > 0 {
            let remaining = Double(max(0, maxTrials - state.completed - state.inherited))
            parts.append("ETA \(Formatting.shortDuration(elapsed / Double(state.completedThisRun) * remaining))")
        }
        return parts.joined(separator: " · ")
    }

    private func logLine(_ trial: Trial, _ state: State) -> String {
        let params = trial.params.map { "\($0.name)=\($0.value.pythonString)" }.joined(separator: " ")
        let total = experiment.maxTrials.map(String.init) ?? "inf"
        switch trial.status {
        case .completed:
            return "[\(state.completed + state.inherited)/\(total)] trial \(trial.id.prefix(8)) completed: "
                + "\(Formatting.number(trial.objectiveValue)) (\(params))"
        case .broken:
            let reason = trial.failure?.split(separator: "\n").first.map(String.init) ?? "unknown reason"
            let done = state.completed + state.inherited
            return "[\(done)/\(total)] trial \(trial.id.prefix(8)) broken: \(reason) (\(params))"
        default:
            return "trial \(trial.id.prefix(8)) \(trial.status.rawValue) (\(params))"
        }
    }
}

/// One status line kept at the bottom of a terminal, below output that other writers add: before each write to
/// the terminal the line is erased, after a write that ends a line it is drawn again (cargo's and tqdm's way).
///
/// While a write left a line unfinished (a script's own `\r` progress bar, a prompt), the line waits for the next
/// newline rather than glue itself to that text. Whether a line is unfinished is kept per destination: stdout and
/// stderr count as one when they are the same terminal, pipe or file (`> log 2>&1`), and as two otherwise, so that a
/// script's unfinished stdout line does not put an empty line in a separate stderr file (probe p43g). The line is cut
/// to the terminal's width, or a narrow terminal would wrap it and keep every wrapped copy.
final class PinnedLine: Sendable {
    private struct State {
        /// The line as drawn: cut to the terminal's width.
        var text = ""
        var drawn = false
        /// The destinations whose last write left a line unfinished.
        var unfinished: Set<Destination> = []
        /// Set by ``clear()``: the line is not drawn again (a tick after the hunt's last words drew it below them).
        var closed = false
    }

    /// What a descriptor writes to: the same for stdout and stderr when they are one terminal, pipe or file.
    private struct Destination: Hashable {
        let device: UInt64
        let inode: UInt64
        /// The descriptor itself, when it cannot be looked at (closed).
        let descriptor: Int32?

        init(_ descriptor: Int32) {
            var info = stat()
            if fstat(descriptor, &info) == 0 {
                device = UInt64(info.st_dev)
                inode = UInt64(info.st_ino)
                self.descriptor = nil
            } else {
                device = 0
                inode = 0
                self.descriptor = descriptor
            }
        }
    }

    private let state = Mutex(State())
    private let terminalStreams: Set<Int32>
    private let descriptor: Int32
    /// Where the line itself is written.
    private let own: Destination
    /// The destinations of the descriptors written to, looked at once each.
    private let destinations = Mutex<[Int32: Destination]>([:])

    /// Creates a line.
    ///
    /// - Parameters:
    ///   - terminalStreams: the descriptors that write to the terminal the line is on (stderr, and stdout when it
    ///     is the same terminal).
    ///   - descriptor: where the line is written (stderr).
    init(terminalStreams: Set<Int32>, descriptor: Int32 = 2) {
        self.terminalStreams = terminalStreams
        self.descriptor = descriptor
        self.own = Destination(descriptor)
    }

    /// Shows `text` as the line (now, or after the current unfinished line of output), cut to the terminal's width.
    func draw(_ text: String) {
        let fitted = Self.fitted(text, columns: Self.columns(of: descriptor))
        state.withLock { state in
            guard !state.closed else { return }
            state.text = fitted
            guard !state.unfinished.contains(own) else { return }
            emit("\r\u{1B}[K" + fitted)
            state.drawn = true
        }
    }

    /// Erases the line and stops showing it for good; what follows (the hunt's last words) starts on a line of its
    /// own, after a script's unfinished last line too.
    func clear() {
        state.withLock { state in
            if state.drawn { emit("\r\u{1B}[K") }
            if state.unfinished.contains(own) { emit("\n") }
            state.drawn = false
            state.text = ""
            state.unfinished.remove(own)
            state.closed = true
        }
    }

    /// Writes `text` and a newline on a line of its own, above the line: after a newline when a script's output
    /// left its line unfinished (orion's line was glued to it: `loss=0.3[1/2] trial ... completed`).
    func writeLine(_ text: String) {
        state.withLock { state in
            let line = (state.unfinished.contains(own) ? "\n" : "") + text + "\n"
            _ = Array(line.utf8).withUnsafeBytes { write(descriptor, own, $0, &state) }
        }
    }

    /// Ends the line where `stream` writes if the last write there left it unfinished (a trial whose output ended
    /// mid-line is over; a line ended by another stream of the same destination is not ended twice).
    func endLine(_ stream: Int32) {
        let target = destination(of: stream)
        state.withLock { state in
            guard state.unfinished.contains(target) else { return }
            _ = Array("\n".utf8).withUnsafeBytes { write(stream, target, $0, &state) }
        }
    }

    /// Writes a script's output to `stream` around the line.
    ///
    /// - Returns: `false` when `stream` can no longer be written.
    func write(_ stream: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let target = destination(of: stream)
        return state.withLock { write(stream, target, bytes, &$0) }
    }

    /// ``write(_:_:)`` with the state locked.
    private func write(_ stream: Int32, _ target: Destination, _ bytes: UnsafeRawBufferPointer, _ state: inout State)
        -> Bool
    {
        guard terminalStreams.contains(stream) else {
            let written = OutputEcho.writeAll(stream, bytes)
            if written { Self.note(bytes, to: target, in: &state) }
            return written
        }
        if state.drawn {
            emit("\r\u{1B}[K")
            state.drawn = false
        }
        let written = OutputEcho.writeAll(stream, bytes)
        // What could not be written does not leave a line unfinished (`orion hunt | head`: nothing more shows).
        if written { Self.note(bytes, to: target, in: &state) }
        if !state.unfinished.contains(own), !state.text.isEmpty {
            emit(state.text)
            state.drawn = true
        }
        return written
    }

    /// Notes whether `bytes`, written to `target`, left a line unfinished there.
    private static func note(_ bytes: UnsafeRawBufferPointer, to target: Destination, in state: inout State) {
        guard let last = bytes.last else { return }
        if last == UInt8(ascii: "\n") {
            state.unfinished.remove(target)
        } else {
            state.unfinished.insert(target)
        }
    }

    /// Where `descriptor` writes, looked at once.
    private func destination(of descriptor: Int32) -> Destination {
        destinations.withLock { known in
            if let destination = known[descriptor] { return destination }
            let destination = Destination(descriptor)
            known[descriptor] = destination
            return destination
        }
    }

    /// Writes `text` where the line is.
    private func emit(_ text: String) {
        Array(text.utf8).withUnsafeBytes { _ = OutputEcho.writeAll(descriptor, $0) }
    }

    /// The width of the terminal `descriptor` writes to; `nil` when it is not a terminal or does not say.
    static func columns(of descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// `text` cut to fit in `columns - 1` columns: whole ` · `-separated parts while they fit, then characters.
    ///
    /// The last column is left free (a line that fills it wraps on some terminals). One character is taken as one
    /// column (the line is ASCII but for `·` and `∞`).
    static func fitted(_ text: String, columns: Int?) -> String {
        guard let columns else { return text }
        let room = max(1, columns - 1)
        guard text.count > room else { return text }
        var kept = ""
        for part in text.components(separatedBy: " · ") {
            let next = kept.isEmpty ? part : kept + " · " + part
            guard next.count <= room else { break }
            kept = next
        }
        return kept.isEmpty ? String(text.prefix(room)) : kept
    }
}

/// Writes to this process's standard output or error, ignoring failures.
///
/// `FileHandle.write(_:)` traps when the write fails; a closed pipe (`orion hunt ... | head`) or a terminal that
/// went away (an ssh disconnect) must not stop a hunt, so what cannot be shown is dropped.
enum StandardStream {
    /// Writes `text` to `descriptor` (1: stdout, 2: stderr), unbuffered.
    static func emit(_ text: String, to descriptor: Int32 = 1) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
