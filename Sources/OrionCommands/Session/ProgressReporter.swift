import Foundation
import OrionCore
import OrionWorker
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows a hunt's progress: a live line (done/total, broken, best so far, elapsed, ETA) on a terminal, one log
/// line per finished trial otherwise.
final class ProgressReporter: Sendable {
    private struct State {
        var completed = 0
        var broken = 0
        var best: Double?
        var start = ContinuousClock.now
        var completedThisRun = 0
    }

    private let experiment: Experiment
    private let interactive: Bool
    private let state = Mutex(State())

    init(experiment: Experiment, interactive: Bool) {
        self.experiment = experiment
        self.interactive = interactive
    }

    /// Starts the counts of a resumed experiment where they were, from its summary (without reading every trial).
    func start(storage: any Storage) async {
        let summary = try? await ExperimentSummary(experiment: experiment, storage: storage)
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
        guard case .finished(let trial) = event else { return }
        let line = state.withLock { state -> String in
            switch trial.status {
            case .completed:
                state.completed += 1
                state.completedThisRun += 1
                if let value = trial.objective, !value.isNaN { state.best = min(state.best ?? value, value) }
            case .broken: state.broken += 1
            default: break
            }
            return interactive ? progressLine(state) : logLine(trial, state)
        }
        // Written unbuffered, so that it interleaves correctly with the scripts' own output.
        StandardStream.emit(interactive ? "\r\u{1B}[K" + line : line + "\n")
    }

    /// Redraws the live line (elapsed time and ETA move while long trials run); does nothing off a terminal.
    func redraw() {
        guard interactive else { return }
        let line = state.withLock { progressLine($0) }
        StandardStream.emit("\r\u{1B}[K" + line)
    }

    /// Redraws the live line every second until `finish()`.
    func startTicking() -> Task<Void, Never>? {
        guard interactive else { return nil }
        return Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                self?.redraw()
            }
        }
    }

    func finish() {
        if interactive { StandardStream.emit("\n") }
    }

    private func progressLine(_ state: State) -> String {
        let elapsed = (ContinuousClock.now - state.start).seconds
        let total = experiment.maxTrials.map(String.init) ?? "∞"
        var parts = ["[\(state.completed)/\(total)]"]
        if state.broken > 0 { parts.append("broken \(state.broken)") }
        if let best = state.best { parts.append("best \(Formatting.number(best))") }
        parts.append("elapsed \(Formatting.shortDuration(elapsed))")
        if let maxTrials = experiment.maxTrials, state.completedThisRun > 0 {
            let remaining = Double(max(0, maxTrials - state.completed))
            parts.append("ETA \(Formatting.shortDuration(elapsed / Double(state.completedThisRun) * remaining))")
        }
        return parts.joined(separator: " · ")
    }

    private func logLine(_ trial: Trial, _ state: State) -> String {
        let params = trial.params.map { "\($0.name)=\($0.value.pythonString)" }.joined(separator: " ")
        let total = experiment.maxTrials.map(String.init) ?? "inf"
        switch trial.status {
        case .completed:
            return "[\(state.completed)/\(total)] trial \(trial.id.prefix(8)) completed: "
                + "\(Formatting.number(trial.objective)) (\(params))"
        case .broken:
            let reason = trial.failure?.split(separator: "\n").first.map(String.init) ?? "unknown reason"
            return "[\(state.completed)/\(total)] trial \(trial.id.prefix(8)) broken: \(reason) (\(params))"
        default:
            return "trial \(trial.id.prefix(8)) \(trial.status.rawValue) (\(params))"
        }
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
