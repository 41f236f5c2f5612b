/// A check of a YAML text's shape before it is parsed: what no configuration needs and what makes YAML composition
/// blow up.
///
/// Complex mapping keys (`? key`), whose nested key nodes Yams compares in exponential time, and flow collections
/// (`[...]`, `{...}`) nested deeper than ``maxFlowDepth`` are refused. Fuzzing the settings reader found both
/// (docs/fuzzing.md); every YAML text swift-orion reads (settings, the scripts' configuration files) is checked.
public enum YAMLShape {
    /// How deep flow collections may nest.
    public static let maxFlowDepth = 32

    /// What is wrong with a text's shape.
    public struct Problem: Sendable, Hashable {
        /// The 1-based line where it is.
        public var line: Int
        /// What is wrong and what to write instead, without the location.
        public var message: String
    }

    /// The first problem in `text`, if any.
    ///
    /// - Parameter text: a YAML document.
    /// - Returns: the problem, or `nil` when the text may be parsed.
    /// - Complexity: O(length of `text`).
    public static func problem(in text: String) -> Problem? {
        var depth = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line.drop { $0 == " " || $0 == "\t" }
            while rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop { $0 == " " || $0 == "\t" } }
            if rest == "?" || rest.hasPrefix("? ") || rest.hasPrefix("?\t") || rest.hasPrefix("?\r") {
                return Problem(
                    line: index + 1,
                    message: "complex mapping keys ('? ...') are not supported; write plain 'key: value' pairs"
                )
            }
            var quote: Character?
            for character in line {
                if let open = quote {
                    if character == open { quote = nil }
                    continue
                }
                switch character {
                case "\"", "'": quote = character
                case "#": break
                case "[", "{": depth += 1
                case "]", "}": depth = max(0, depth - 1)
                default: continue
                }
                if character == "#" { break }
                if depth > maxFlowDepth {
                    return Problem(
                        line: index + 1,
                        message: "lists or mappings nested more than \(maxFlowDepth) levels deep;"
                            + " a configuration needs a few levels at most"
                    )
                }
            }
        }
        return nil
    }
}
