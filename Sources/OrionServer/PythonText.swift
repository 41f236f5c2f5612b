import Foundation

/// The text Python's `str()` gives for the dates and durations of Oríon's JSON responses, which Oríon's clients
/// parse: `2024-05-01 10:20:30.123456` for a (naive, UTC) datetime, `1 day, 2:03:04.500000` for a timedelta.
enum PythonText {
    /// `str(datetime)`: `YYYY-MM-DD HH:MM:SS`, then `.ffffff` unless the microseconds are 0 (UTC).
    ///
    /// - Parameter date: the date.
    /// - Returns: the text.
    static func datetime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        var microseconds = Int(((seconds - whole) * 1_000_000).rounded())
        var base = Date(timeIntervalSince1970: whole)
        if microseconds == 1_000_000 {
            microseconds = 0
            base = base.addingTimeInterval(1)
        }
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: base)
        let text = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d",
            parts.year ?? 0,
            parts.month ?? 0,
            parts.day ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0,
            parts.second ?? 0
        )
        return microseconds == 0 ? text : text + String(format: ".%06d", microseconds)
    }

    /// `str(datetime)` of an optional date: `"None"` when absent, as Oríon's trial responses write it.
    ///
    /// - Parameter date: the date, if any.
    /// - Returns: the text.
    static func datetimeOrNone(_ date: Date?) -> String {
        date.map(datetime) ?? "None"
    }

    /// `str(timedelta)`: `[D day[s], ]H:MM:SS[.ffffff]`.
    ///
    /// - Parameter interval: a non-negative duration in seconds (negative ones count as 0).
    /// - Returns: the text.
    static func timedelta(_ interval: TimeInterval) -> String {
        let total = Int((max(0, interval.isFinite ? interval : 0) * 1_000_000).rounded())
        let microseconds = total % 1_000_000
        let seconds = total / 1_000_000
        let days = seconds / 86_400
        let clock = String(format: "%d:%02d:%02d", (seconds % 86_400) / 3600, (seconds % 3600) / 60, seconds % 60)
        let fraction = microseconds == 0 ? "" : String(format: ".%06d", microseconds)
        let prefix = days == 0 ? "" : "\(days) day\(days == 1 ? "" : "s"), "
        return prefix + clock + fraction
    }
}
