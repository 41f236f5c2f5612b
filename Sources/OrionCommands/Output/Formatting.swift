import Foundation
import OrionCore

/// How the CLI prints numbers, dates, durations and experiment summaries.
enum Formatting {
    /// A number the way Python prints it (Oríon's output), or `-` for none.
    static func number(_ value: Double?) -> String {
        guard let value else { return "-" }
        return PythonFloat.repr(value)
    }

    /// `2026-11-25 07:44:01.123456`, the way Python prints a datetime.
    static func date(_ date: Date?) -> String {
        guard let date else { return "None" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        return formatter.string(from: date)
    }

    /// `0:01:02.500000`, the way Python prints a timedelta.
    static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, seconds)
        let hours = Int(total) / 3600
        let minutes = (Int(total) % 3600) / 60
        let secs = total - Double(hours * 3600 + minutes * 60)
        return String(format: "%d:%02d:%09.6f", hours, minutes, secs)
    }

    /// A short human duration for progress lines: `42s`, `3m05s`, `1h02m`.
    static func shortDuration(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }

    /// The name of the experiment's objective, from its best or any completed trial.
    static func objectiveName(_ trials: [Trial]) -> String? {
        for trial in trials where trial.status == .completed {
            if let result = trial.results.first(where: { $0.type == .objective }) { return result.name }
        }
        return nil
    }

    /// The `Stats` block of `orion hunt` and `orion info`.
    static func stats(_ stats: ExperimentStats, experiment: Experiment) -> String {
        guard stats.completed > 0 || stats.total > 0 else { return "Stats".underlined + "\nNo trials executed...\n" }
        var lines = ["Stats".underlined]
        let done = stats.reachedMaxTrials
        lines.append("completed: \(done ? "True" : "False")")
        lines.append("trials completed: \(stats.completed)")
        if let best = stats.bestTrial {
            lines.append("best trial:")
            lines.append("  id: \(best.id)")
            lines.append("  evaluation: \(number(best.objective))")
            lines.append("  params:")
            for param in best.params { lines.append("    \(param.name): \(param.value.pythonString)") }
        }
        lines.append("start time: \(date(stats.startTime))")
        lines.append("finish time: \(date(stats.finishTime))")
        let end = stats.finishTime ?? Date()
        lines.append("elapsed_time: \(duration(end.timeIntervalSince(stats.startTime)))")
        return lines.joined(separator: "\n") + "\n"
    }
}
