import Foundation
import OrionCore
import OrionWorker
import Synchronization

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

    /// Reads the counts of a resumed experiment so the line starts where it was.
    func start(storage: any Storage) async {
        guard let trials = try? await storage.trials(of: experiment.id, status: [.completed, .broken]) else { return }
        state.withLock { state in
            for trial in trials {
                if trial.status == .completed {
                    state.completed += 1
                    if let value = trial.objective, !value.isNaN { state.best = min(state.best ?? value, value) }
                } else {
                    state.broken += 1
                }
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
        FileHandle.standardOutput.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    /// Redraws the live line (elapsed time and ETA move while long trials run); does nothing off a terminal.
    func redraw() {
        guard interactive else { return }
        let line = state.withLock { progressLine($0) }
        FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
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
        if interactive { FileHandle.standardOutput.write(Data("\n".utf8)) }
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
