/// A plain text table like Python's `tabulate` (Oríon's `orion status`): a header, a dashed rule, right-aligned
/// numbers and left-aligned text, two spaces between columns.
struct Table {
    var headers: [String]
    var rows: [[String]]

    func render() -> String {
        let columns = headers.count
        var widths = headers.map(\.count)
        var numeric = [Bool](repeating: true, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns {
                widths[index] = max(widths[index], cell.count)
                if Double(cell) == nil { numeric[index] = false }
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return numeric[index] ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.map { $0.replacingTrailingSpaces() }.joined(separator: "\n")
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
