import Foundation
import OrionCore

/// Small builders for plotly's figure JSON.
enum PlotlyJSON {
    /// A number; plotly reads `null` as a gap, so NaN and the infinities become `null`.
    static func number(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .double(value)
    }

    /// Numbers (see ``number(_:)``).
    static func numbers(_ values: [Double]) -> JSONValue { .array(values.map { number($0) }) }

    /// Numbers, whole ones as integers when `integers` (as plotly.py writes a discrete dimension's values).
    static func numbers(_ values: [Double], integers: Bool) -> JSONValue {
        guard integers else { return numbers(values) }
        return .array(
            values.map { value in
                guard value.isFinite else { return .null }
                guard value == value.rounded(), abs(value) < 1e15 else { return .double(value) }
                return .int(Int(value))
            }
        )
    }

    /// `{"text": text}`: plotly's title object.
    static func title(_ text: String) -> JSONValue { ["text": .string(text)] }

    /// An axis with a title, plus `extra` members.
    static func axis(_ title: String?, _ extra: [String: JSONValue] = [:]) -> JSONValue {
        var members = extra
        if let title { members["title"] = self.title(title) }
        return .object(members)
    }

    /// A figure: `{"data": traces, "layout": layout}`.
    static func figure(_ traces: [JSONValue], _ layout: [String: JSONValue]) -> JSONValue {
        ["data": .array(traces), "layout": .object(layout)]
    }

    /// A time as plotly.py writes a Python `datetime` (its `isoformat()`), in UTC: `2026-12-02T10:01:42.123456`,
    /// `2026-12-02T10:01:42` on a whole second.
    static func time(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let whole = date.timeIntervalSince1970.rounded(.down)
        let micros = min(Int(((date.timeIntervalSince1970 - whole) * 1_000_000).rounded()), 999_999)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(width - text.count, 0)) + text
        }
        return .string(
            "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
                + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))"
                + (micros == 0 ? "" : ".\(pad(micros, 6))")
        )
    }

    /// Oríon's hover text of a trial's parameters: `<br>  /x: 1.2346<br>  /y: adam` (reals with 5 significant
    /// digits).
    static func parameters(_ params: Parameters) -> String {
        params.map { "<br>  \($0.name): \(format($0.value))" }.joined()
    }

    /// A value as the hover text shows it: reals with 5 significant digits (Python's `.5G`), lists in brackets.
    static func format(_ value: JSONValue) -> String {
        switch value {
        case .double(let number) where number.isFinite: String(format: "%.5G", number)
        case .array(let values): "[" + values.map(format).joined(separator: ",") + "]"
        default: value.pythonString
        }
    }

    /// A parameter value for an axis: its number, or its text for a category (plotly then draws a category axis).
    static func axisValue(_ value: JSONValue?) -> JSONValue {
        guard let value else { return .null }
        if case .int = value { return value }
        if let number = value.doubleValue, value.boolValue == nil { return self.number(number) }
        return .string(value.pythonString)
    }

    /// The hover template of a trial point: id, value, time, and with `verbose`, the parameters.
    static func trialHover(verbose: Bool) -> String {
        "<b>ID: %{customdata[0]}</b><br>value: %{y}<br>time: %{customdata[1]|%Y-%m-%d %H:%M:%S}<br>"
            + (verbose ? "parameters: %{customdata[2]}" : "") + "<extra></extra>"
    }

    /// A color scale by name, as a `colorscale` member: ColorBrewer's sequential scales that Oríon's figures use
    /// are written out as plotly.py writes them (nine stops, light for low values), since plotly.js's built-in
    /// scales of the same names run the other way and are other colors (`Blues` is grey to royal blue there), and
    /// plotly.py reverses a name it reads; any other name is left to plotly.js.
    static func colorscale(_ name: String) -> [String: JSONValue] {
        guard let stops = colorBrewer[name] else { return ["colorscale": .string(name)] }
        let last = Double(stops.count - 1)
        let scale = stops.enumerated().map { index, hex -> JSONValue in
            let value = Int(hex, radix: 16) ?? 0
            let rgb = "rgb(\(value >> 16),\((value >> 8) & 0xFF),\(value & 0xFF))"
            return .array([.double(Double(index) / last), .string(rgb)])
        }
        return ["colorscale": .array(scale)]
    }

    /// ColorBrewer's nine-class sequential scales (Brewer, colorbrewer2.org), light to dark.
    static let colorBrewer: [String: [String]] = [
        "Blues": ["f7fbff", "deebf7", "c6dbef", "9ecae1", "6baed6", "4292c6", "2171b5", "08519c", "08306b"],
        "Greens": ["f7fcf5", "e5f5e0", "c7e9c0", "a1d99b", "74c476", "41ab5d", "238b45", "006d2c", "00441b"],
        "Greys": ["ffffff", "f0f0f0", "d9d9d9", "bdbdbd", "969696", "737373", "525252", "252525", "000000"],
        "YlGnBu": ["ffffd9", "edf8b1", "c7e9b4", "7fcdbb", "41b6c4", "1d91c0", "225ea8", "253494", "081d58"],
        "YlOrRd": ["ffffcc", "ffeda0", "fed976", "feb24c", "fd8d3c", "fc4e2a", "e31a1c", "bd0026", "800026"],
    ]

    /// The y-axis title of an objective: `Objective 'loss'`.
    static func objectiveTitle(_ name: String?) -> String {
        name.map { "Objective '\($0)'" } ?? "Objective unknown"
    }
}
