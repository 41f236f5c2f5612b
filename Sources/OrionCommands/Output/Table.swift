import Foundation

/// A plain text table laid out as Python's `tabulate` does by default (Oríon's `orion status`): each column as wide
/// as its widest cell or its header plus two, two spaces between columns, a dashed rule under the header; text
/// left-aligned, numbers right-aligned on their decimal point, floats with 6 significant digits (`%g`); no trailing
/// spaces.
struct Table {
    /// One cell: text, a number, or nothing.
    enum Cell: Hashable {
        /// Text, left-aligned (a column with any text cell is a text column).
        case text(String)
        /// An integer, right-aligned.
        case integer(Int)
        /// A float, written with `%g` (6 significant digits) and aligned on its decimal point.
        case number(Double)
        /// No value (a shorter row): an empty cell.
        case missing

        /// Whether the cell holds a number.
        var isNumber: Bool {
            switch self {
            case .integer, .number: true
            case .text, .missing: false
            }
        }
    }

    var headers: [String]
    var rows: [[Cell]]

    func render() -> String {
        // As tabulate: as many columns as the longest row (headers beyond it are left out), shorter rows padded.
        let columns = rows.isEmpty ? headers.count : min(headers.count, rows.map(\.count).max() ?? 0)
        let headers = Array(self.headers.prefix(columns))
        let texts = rows.map { row in (0..<columns).map { index in index < row.count ? row[index] : .missing } }
        // A column is numeric when it has numbers and no text; an empty column is text.
        let numeric = (0..<columns).map { index in
            texts.contains { $0[index].isNumber }
                && !texts.contains { if case .text = $0[index] { true } else { false } }
        }
        var strings = texts.map { row in row.map(Self.string) }
        // Numbers are aligned on their decimal point: pad each on the right to the most digits after the point.
        for index in 0..<columns where numeric[index] {
            let decimals = strings.map { Self.afterPoint($0[index]) }
            let most = decimals.max() ?? -1
            for row in strings.indices {
                strings[row][index] += String(repeating: " ", count: max(0, most - decimals[row]))
            }
        }
        var widths = headers.map { $0.count + 2 }
        for row in strings {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return numeric[index] ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingTrailingSpaces()
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += strings.map(line)
        return lines.joined(separator: "\n")
    }

    /// The text of a cell.
    static func string(_ cell: Cell) -> String {
        switch cell {
        case .text(let text): text
        case .integer(let value): String(value)
        case .number(let value): String(format: "%g", value)
        case .missing: ""
        }
    }

    /// The number of characters after the decimal point (or the exponent's `e`) of a number's text, -1 for an
    /// integer or text without one (tabulate's rule).
    static func afterPoint(_ text: String) -> Int {
        guard !text.isEmpty, Int(text) == nil else { return -1 }
        guard let point = text.lastIndex(of: ".") ?? text.lastIndex(where: { $0 == "e" || $0 == "E" }) else {
            return -1
        }
        return text.distance(from: point, to: text.endIndex) - 1
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }

    /// The string underlined with `=`, as Oríon titles its sections.
    var underlined: String { self + "\n" + String(repeating: "=", count: count) }
}
