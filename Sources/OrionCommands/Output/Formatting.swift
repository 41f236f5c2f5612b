import Foundation
import OrionCore

/// How the CLI prints numbers, dates, durations and experiment summaries.
enum Formatting {
    /// A number the way Python prints it (Oríon's output), or `-` for none.
    static func number(_ value: Double?) -> String {
        guard let value else { return "-" }
        return PythonFloat.repr(value)
    }

    /// A reported number as Python prints it: `2` for an integer, `2.0` for a double; `-` for none.
    static func number(_ value: JSONValue?) -> String {
        guard let value else { return "-" }
        return value.pythonString
    }

    /// `2026-11-25 07:44:01.123456`, the way Python prints a datetime (to the microsecond, UTC).
    static func date(_ date: Date?) -> String {
        guard let date else { return "None" }
        let seconds = date.timeIntervalSince1970
        var whole = seconds.rounded(.down)
        var micro = Int(((seconds - whole) * 1_000_000).rounded())
        if micro == 1_000_000 {
            whole += 1
            micro = 0
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: whole)) + String(format: ".%06d", micro)
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

    /// The name of the experiment's objective: from a completed trial, else from any trial that holds one.
    static func objectiveName(_ trials: [Trial]) -> String? {
        // A completed trial's first, else any trial's (one set back to another status keeps its results).
        for trial in trials.filter({ $0.status == .completed }) + trials.filter({ $0.status != .completed }) {
            if let result = trial.results.first(where: { $0.type == .objective }) { return result.name }
        }
        return nil
    }

    /// The `Stats` block of `orion hunt` and `orion info`, ending with a newline; `No trials executed...` until a
    /// trial completed, as Oríon.
    ///
    /// - Parameters:
    ///   - stats: the experiment's figures.
    ///   - done: whether the experiment is done (`completed: True`): its budget reached or its space exhausted.
    /// - Returns: the block's text.
    static func stats(_ stats: ExperimentStats, done: Bool) -> String {
        guard stats.completed > 0 else { return "Stats".underlined + "\nNo trials executed...\n" }
        var lines = ["Stats".underlined]
        lines.append("completed: \(done ? "True" : "False")")
        lines.append("trials completed: \(stats.completed)")
        if let best = stats.bestTrial {
            lines.append("best trial:")
            lines.append("  id: \(best.id)")
            lines.append("  evaluation: \(number(best.objectiveValue))")
            lines.append("  params:")
            for param in best.params { lines.append("    \(param.name): \(param.value.pythonString)") }
        }
        lines.append("start time: \(date(stats.startTime))")
        lines.append("finish time: \(date(stats.finishTime))")
        lines.append("elapsed_time: \(duration(stats.elapsedTime))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A mapping as Oríon's `orion info` prints one (its `format_dict`): `key: value` lines sorted by key, values as
    /// Python's `str()`; a nested mapping or a list under `key:`, indented by `width` spaces, a list between `[` and `]`
    /// lines with one item per line (a mapping item as its lines, one after the other, as Oríon's `format_list`); an
    /// empty mapping or list as its bare key.
    ///
    /// - Parameters:
    ///   - value: the mapping (a list prints as Oríon's list; anything else as one line).
    ///   - depth: the nesting level.
    ///   - width: the spaces per level (Oríon's `width`: 4, and 2 for the adapters of `Parent experiment`).
    /// - Returns: the lines, each ending with a newline.
    static func dictionary(_ value: JSONValue, depth: Int = 0, width: Int = 4) -> String {
        let text = orionDictionary(value, depth: depth, width: width)
        return text.isEmpty ? "" : text + "\n"
    }

    /// Oríon's `format_dict`, without its trailing newlines.
    private static func orionDictionary(_ value: JSONValue, depth: Int, width: Int) -> String {
        if case .array(let items) = value { return orionList(items, depth: depth, width: width) }
        let tab = String(repeating: " ", count: width * depth)
        guard case .object(let members) = value else { return tab + value.pythonString }
        var text = ""
        for key in members.keys.sorted() {
            guard let member = members[key] else { continue }
            switch member {
            case .object(let nested) where nested.isEmpty: text += tab + key + "\n"
            case .array(let items) where items.isEmpty: text += tab + key + "\n"
            case .object, .array:
                text += tab + key + ":\n" + orionDictionary(member, depth: depth + 1, width: width) + "\n"
            default: text += tab + key + ": " + member.pythonString + "\n"
            }
        }
        return withoutTrailingNewlines(text.replacingOccurrences(of: " \n", with: "\n"))
    }

    /// Oríon's `format_list`: `[`, the items one level deeper, `]`.
    private static func orionList(_ items: [JSONValue], depth: Int, width: Int) -> String {
        let tab = String(repeating: " ", count: width * depth)
        let itemTab = String(repeating: " ", count: width * (depth + 1))
        var text = ""
        for item in items {
            switch item {
            case .object, .array: text += orionDictionary(item, depth: depth + 1, width: width) + "\n"
            default: text += itemTab + item.pythonString + "\n"
            }
        }
        return tab + "[\n" + withoutTrailingNewlines(text) + "\n" + tab + "]"
    }

    private static func withoutTrailingNewlines(_ text: String) -> String {
        var text = text
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// `name: value`, or `name:` with no value, and a newline.
    static func field(_ name: String, _ value: String?) -> String {
        value.map { "\(name): \($0)\n" } ?? "\(name):\n"
    }
}
