import OrionCore
import Yams

// Finding the priors in the file's tree, then their exact place in its text.
extension ConfigTemplate {
    /// A prior found in the tree: its dimension, and where and how its scalar is written.
    struct Slot {
        var dimension: String
        var line: Int
        var column: Int
        var style: Node.Scalar.Style
        var value: String
    }

    /// Walks the file's tree and collects the string values that are priors.
    struct PriorFinder {
        let path: String
        var priors: [String: String] = [:]
        var additions: Set<String> = []
        var slots: [Slot] = []
        /// Where each dimension's prior is, for the message when two keys make one dimension.
        var places: [String: (line: Int, column: Int)] = [:]

        init(path: String) {
            self.path = path
        }

        /// Visits `node`, whose dimension name would be `name`.
        mutating func visit(_ node: Node, name: String) throws(CommandError) {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    try visit(value, name: name + "/" + (key.string ?? "\(key)"))
                }
            case .sequence(let sequence):
                for (index, item) in sequence.enumerated() {
                    try visit(item, name: name + "/" + String(index))
                }
            case .scalar(let scalar):
                guard var expression = ConfigTemplate.priorExpression(in: scalar.string) else { return }
                if let marker = expression.first, "->".contains(marker) {
                    throw CommandError(
                        .invalidArgument,
                        "'\(scalar.string)' uses the branching marker '~\(marker)' inside a configuration file: write"
                            + " removals and renamings on the command line (`--name~\(marker)...`, docs/versioning.md)"
                    )
                }
                guard let mark = scalar.mark else { return }
                let dimension = name.isEmpty ? "/" : name
                if expression.first == "+" {
                    // `orion~+prior`: a new dimension, as `--name~+prior` on the command line.
                    expression.removeFirst()
                    additions.insert(dimension)
                }
                if let other = places[dimension] {
                    // A key holding `/` and nested keys of the same path (`a/b:` and `a: {b:}`): one dimension,
                    // whose value the copy would write in both places, one of them outside its prior.
                    throw CommandError(
                        .duplicateDimension,
                        "configuration file '\(path)', line \(mark.line), column \(mark.column): this prior makes the"
                            + " dimension '\(dimension)', as the one at line \(other.line), column \(other.column)"
                            + " does (a key holding '/' and nested keys give the same name); rename one of the keys"
                    )
                }
                try ConfigTemplate.checkPrior(
                    expression,
                    of: dimension,
                    written: additions.contains(dimension) ? "orion~+" : "orion~",
                    path: path,
                    line: mark.line,
                    column: mark.column
                )
                places[dimension] = (mark.line, mark.column)
                priors[dimension] = expression
                slots.append(
                    Slot(
                        dimension: dimension,
                        line: mark.line,
                        column: mark.column,
                        style: scalar.style,
                        value: scalar.string
                    )
                )
            case .alias:
                return
            }
        }
    }

    /// Parses `expression` as the prior of `dimension`, so that a mistake in it is said with its place in the file
    /// (the space, built later from every prior, knows only the dimension).
    ///
    /// - Parameters:
    ///   - expression: the prior (`uniform(0, 1)`).
    ///   - dimension: its dimension (`/lr`).
    ///   - written: what comes before the prior in the file (`orion~`, `orion~+`, `lr~`), for the advice.
    ///   - path: the file's path.
    ///   - line: the 1-based line of the value holding the prior.
    ///   - column: the 1-based column where that value starts.
    /// - Throws: ``CommandError`` `.invalidArgument`: `configuration file 'c.yaml', line 2, column 5: dimension
    ///   '/lr', column 11: expected ')' …`; for a prior inside quotes (`orion~'uniform(0, 1)'`), how to write it.
    static func checkPrior(
        _ expression: String,
        of dimension: String,
        written: String,
        path: String,
        line: Int,
        column: Int
    ) throws(CommandError) {
        let place = "configuration file '\(path)', line \(line), column \(column)"
        if let quote = expression.first, quote == "'" || quote == "\"", expression.count > 2, expression.last == quote {
            throw CommandError(
                .invalidArgument,
                "\(place): the prior of dimension '\(dimension)' is inside quotes, \(expression); remove them:"
                    + " \(written)\(expression.dropFirst().dropLast())"
            )
        }
        do {
            _ = try Space(priors: [dimension: expression])
        } catch {
            throw CommandError(.invalidArgument, "\(place): \(error.message)")
        }
    }

    /// The prior expression of a string value `anything~name(...)`, such as Oríon's `orion~uniform(0, 1)`.
    ///
    /// A value is a prior when it starts with Oríon's `orion~`, or when a name and `(` follow its `~`
    /// (`lr~uniform(`); its expression is then parsed as a prior, so a malformed one (`orion~uniform(0, 1`) is an
    /// error naming its dimension instead of a value silently kept as text. Other values with a `~` (`~/data`,
    /// `a~b`) are text. Branching markers (`~+...`, `~-`, `~>name`) are returned as they are.
    /// - Returns: the expression, or `nil` when the value is not a prior.
    static func priorExpression(in value: String) -> String? {
        guard let tilde = value.firstIndex(of: "~"), tilde != value.startIndex else { return nil }
        let expression = String(value[value.index(after: tilde)...])
        guard let first = expression.first else { return nil }
        if "+->".contains(first) { return expression }
        if value[..<tilde] == "orion" { return expression }
        guard first.isLetter || first == "_" else { return nil }
        let name = expression.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard expression.dropFirst(name.count).drop(while: \.isWhitespace).first == "(" else { return nil }
        return expression
    }

    /// Cuts `text` into the parts kept as written and the places of the priors' values.
    static func cut(_ text: String, at slots: [Slot], path: String) throws(CommandError) -> [Segment] {
        guard !slots.isEmpty else { return [.text(text)] }
        let scalars = Array(text.unicodeScalars)
        let lineStarts = Self.lineStarts(scalars)
        var spans: [(range: Range<Int>, dimension: String)] = []
        for slot in slots {
            let place = "configuration file '\(path)', line \(slot.line), column \(slot.column)"
            guard slot.line >= 1, slot.line <= lineStarts.count else {
                throw CommandError(.configFile, "\(place): cannot locate the prior '\(slot.value)'")
            }
            let start = lineStarts[slot.line - 1] + slot.column - 1
            if start < scalars.count, scalars[start] == "&" || scalars[start] == "!" {
                // The node starts with its anchor or tag: the value is not where a rendered copy could write it.
                throw CommandError(
                    .configFile,
                    "\(place): the prior '\(slot.value)' carries a YAML \(scalars[start] == "&" ? "anchor" : "tag");"
                        + " write the prior without it (e.g. lr: 'orion~loguniform(1e-5, 1)'), and give each"
                        + " dimension its own prior"
                )
            }
            guard let end = Self.end(of: slot, in: scalars, from: start) else {
                throw CommandError(
                    .configFile,
                    "\(place): the prior '\(slot.value)' must be written on one line, as a plain or quoted string"
                        + " (e.g. lr: 'orion~loguniform(1e-5, 1)')"
                )
            }
            spans.append((start..<end, slot.dimension))
        }
        let places = Dictionary(zip(spans.map(\.range.lowerBound), slots)) { first, _ in first }
        spans.sort { $0.range.lowerBound < $1.range.lowerBound }
        var segments: [Segment] = []
        var position = 0
        for (index, span) in spans.enumerated() {
            guard span.range.lowerBound >= position else {
                // One prior reached by two paths: a YAML alias (`*base`) or merge key (`<<: *base`) of an anchored
                // mapping that holds it; each path is a dimension, which one place of the text cannot hold.
                let slot = places[span.range.lowerBound]
                let names = [spans[index - 1].dimension, span.dimension].map {
                    $0.replacingOccurrences(of: "/<</", with: "/")
                }
                throw CommandError(
                    .configFile,
                    "configuration file '\(path)', line \(slot?.line ?? 0), column \(slot?.column ?? 0): the prior "
                        + "'\(slot?.value ?? "")' is reached as both \(names[0]) and \(names[1]) "
                        + "(a YAML alias or merge key); write the prior under each key instead of sharing it"
                )
            }
            if span.range.lowerBound > position {
                segments.append(.text(Self.string(scalars[position..<span.range.lowerBound])))
            }
            segments.append(.value(dimension: span.dimension))
            position = span.range.upperBound
        }
        if position < scalars.count { segments.append(.text(Self.string(scalars[position...]))) }
        return segments
    }

    /// Where the scalar of `slot`, starting at `start`, ends (exclusive); `nil` when it is not written the way it
    /// reads (a block scalar, a plain scalar folded over lines).
    private static func end(of slot: Slot, in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start >= 0, start < scalars.count else { return nil }
        switch slot.style {
        case .singleQuoted:
            guard scalars[start] == "'" else { return nil }
            var index = start + 1
            while index < scalars.count {
                if scalars[index] == "'" {
                    if index + 1 < scalars.count, scalars[index + 1] == "'" {
                        index += 2
                        continue
                    }
                    return index + 1
                }
                index += 1
            }
            return nil
        case .doubleQuoted:
            guard scalars[start] == "\"" else { return nil }
            var index = start + 1
            while index < scalars.count {
                if scalars[index] == "\\" {
                    index += 2
                    continue
                }
                if scalars[index] == "\"" { return index + 1 }
                index += 1
            }
            return nil
        case .plain:
            let value = Array(slot.value.unicodeScalars)
            let end = start + value.count
            guard end <= scalars.count, Array(scalars[start..<end]) == value else { return nil }
            return end
        default:
            return nil
        }
    }

    /// The offset of the first character of each line, counting line breaks as libyaml does (`\n`, `\r\n`, `\r`).
    private static func lineStarts(_ scalars: [Unicode.Scalar]) -> [Int] {
        var starts = [0]
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                index += 2
                starts.append(index)
                continue
            }
            index += 1
            if scalar == "\n" || scalar == "\r" { starts.append(index) }
        }
        return starts
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
