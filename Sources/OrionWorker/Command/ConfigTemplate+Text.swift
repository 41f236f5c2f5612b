import Foundation

// Oríon's generic templating: a configuration file that is not YAML or JSON (`.cfg`, `.ini`, `.txt`, a Python
// file, ...) may hold priors written `name~prior(...)` anywhere in its text.
extension ConfigTemplate {
    /// The largest file read for priors when it is neither YAML nor JSON (10 MiB); a larger one is passed as written.
    static let maxTextSize = 10 << 20

    /// The text of a file that is neither YAML nor JSON when it may hold priors: `nil` when it is not a regular file,
    /// is larger than ``maxTextSize`` or is not UTF-8 text (a checkpoint, an archive), so that the script gets it as
    /// written, as before.
    ///
    /// - Parameter path: the file's absolute path.
    /// - Returns: the file's text, or `nil`.
    static func templatableText(at path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            ((attributes[.size] as? NSNumber)?.intValue ?? 0) <= maxTextSize,
            let data = FileManager.default.contents(atPath: path), !data.contains(0)
        else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// The priors of a text file and its segments: each `name~prior(...)` (`lr = lr~loguniform(1e-5, 1)`) is a
    /// dimension `/name` (leading `/` and `-` dropped: `/model/depth~...` is `/model/depth`), replaced as a whole by
    /// the trial's value.
    ///
    /// The name is the run of letters, digits, `_`, `-` and `/` just before the `~`; the prior is a lower-case name
    /// and its parenthesized arguments on the same line, parentheses inside quotes ignored. Anything else with a `~`
    /// (`~/data`, `a~b`) is text.
    ///
    /// - Parameters:
    ///   - text: the file's content.
    ///   - path: the file's path, for messages.
    /// - Returns: dimension name → prior expression, the dimensions marked as added (`name~+prior(...)`), and the
    ///   file cut at the priors.
    /// - Throws: ``CommandError`` `.duplicateDimension` for a name given twice.
    static func textPriors(
        in text: String,
        path: String
    ) throws(CommandError) -> (priors: [String: String], additions: Set<String>, segments: [Segment]) {
        let scalars = Array(text.unicodeScalars)
        var priors: [String: String] = [:]
        var additions: Set<String> = []
        var segments: [Segment] = []
        var position = 0
        var index = 0
        while index < scalars.count {
            defer { index += 1 }
            guard scalars[index] == "~" else { continue }
            var start = index
            while start > position, isNameScalar(scalars[start - 1]) { start -= 1 }
            let name = String(String.UnicodeScalarView(scalars[start..<index]))
            let dimension = "/" + name.drop { $0 == "/" || $0 == "-" }
            guard dimension != "/" else { continue }
            var expressionStart = index + 1
            let marked = expressionStart < scalars.count && scalars[expressionStart] == "+"
            if marked { expressionStart += 1 }
            /// Parses `prior` as written here, to say a mistake in it with its place.
            func check(_ prior: String) throws(CommandError) {
                let (line, column) = Self.place(of: start, in: scalars)
                let written = name + (marked ? "~+" : "~")
                try checkPrior(prior, of: dimension, written: written, path: path, line: line, column: column)
            }
            guard let end = priorEnd(scalars, from: expressionStart) else {
                // `lr~'uniform(0, 1)'`: quoted, the prior was text, the script got it as written, in silence
                // (hBP's re-check; Oríon stops with a syntax error).
                if expressionStart < scalars.count, scalars[expressionStart] == "'" || scalars[expressionStart] == "\"",
                    let quotedEnd = priorEnd(scalars, from: expressionStart + 1), quotedEnd < scalars.count,
                    scalars[quotedEnd] == scalars[expressionStart]
                {
                    try check(String(String.UnicodeScalarView(scalars[expressionStart...quotedEnd])))
                }
                continue
            }
            let expression = String(String.UnicodeScalarView(scalars[expressionStart..<end]))
            if marked { additions.insert(dimension) }
            if priors[dimension] != nil {
                throw CommandError(
                    .duplicateDimension,
                    "configuration file '\(path)': dimension '\(dimension)' is defined twice: keep one of them"
                )
            }
            try check(expression)
            priors[dimension] = expression
            if start > position {
                segments.append(.text(String(String.UnicodeScalarView(scalars[position..<start]))))
            }
            segments.append(.value(dimension: dimension))
            position = end
            index = end - 1
        }
        if position < scalars.count {
            segments.append(.text(String(String.UnicodeScalarView(scalars[position...]))))
        }
        return (priors, additions, segments)
    }

    /// The 1-based line and column of the scalar at `index`.
    private static func place(of index: Int, in scalars: [Unicode.Scalar]) -> (line: Int, column: Int) {
        let lineStart = scalars[..<index].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        return (1 + scalars[..<index].count(where: { $0 == "\n" }), index - lineStart + 1)
    }

    /// Whether `scalar` may be part of a dimension name in a text file.
    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
            || scalar == "/"
    }

    /// The index just past the prior `name(...)` that starts at `start`, or `nil` when there is none: a lower-case
    /// letter, letters, digits and `_`, then parentheses balanced on the same line (those inside quotes ignored).
    private static func priorEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start < scalars.count, ("a"..."z").contains(scalars[start]) else { return nil }
        var index = start + 1
        while index < scalars.count,
            ("a"..."z").contains(scalars[index]) || ("0"..."9").contains(scalars[index]) || scalars[index] == "_"
        {
            index += 1
        }
        guard index < scalars.count, scalars[index] == "(" else { return nil }
        var depth = 0
        var quote: Unicode.Scalar?
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" { return nil }
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "'" || scalar == "\"" {
                quote = scalar
            } else if scalar == "(" {
                depth += 1
            } else if scalar == ")" {
                depth -= 1
                if depth == 0 { return index + 1 }
            }
            index += 1
        }
        return nil
    }
}
