import Foundation
import OrionCore
import Yams

/// Reads one YAML configuration into a ``ConfigurationLayer``, with `path:line:column` in every error.
///
/// The sections themselves are read in `YAMLLayerReader+Sections.swift`.
struct YAMLLayerReader {
    /// One `key: value` pair of a mapping, the key normalized (`max-trials` → `max_trials`).
    struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    /// The file's path, for sources and messages.
    let path: String
    /// What was read so far.
    var layer = ConfigurationLayer()
    /// The lines of the text read, for what the parsed nodes do not keep (the anchor a key's value is given).
    private var lines: [Substring] = []
    /// Whether the file is a global one, where Oríon's own `orion db setup` writes a top-level `database:` (not
    /// noted as deprecated there).
    let isGlobal: Bool

    init(path: String, isGlobal: Bool = false) {
        self.path = path
        self.isGlobal = isGlobal
    }

    /// How deep flow collections (`[...]`, `{...}`) may nest in a configuration file.
    static let maxFlowDepth = YAMLShape.maxFlowDepth

    /// Parses `text` and reads its sections.
    mutating func read(_ text: String) throws(ConfigurationError) {
        try checkShape(text)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw syntaxError(error)
        }
        guard let root, !isNull(root) else { return }
        let merged: Node
        do {
            merged = try YAMLMerge.expanded(root)
        } catch {
            throw failure(
                at: error.node,
                "a merge key '<<' takes a mapping or a list of mappings (aliases of them), not \(describe(error.node))"
            )
        }
        try readTopLevel(merged)
    }

    /// Refuses, before parsing, what no configuration needs and what makes YAML composition blow up
    /// (``YAMLShape``).
    ///
    /// - Complexity: O(length of `text`).
    func checkShape(_ text: String) throws(ConfigurationError) {
        if let problem = YAMLShape.problem(in: text) {
            throw ConfigurationError("\(path):\(problem.line): \(problem.message)")
        }
    }

    // MARK: - Mappings and keys

    /// The pairs of the mapping `node`, keys normalized, each checked against `allowed` (canonical keys, listed in
    /// the message) and `alsoAccepted` (deprecated or ignored keys, not listed).
    func entries(
        of node: Node,
        section: String,
        allowed: [String],
        alsoAccepted: [String] = []
    ) throws(ConfigurationError) -> [Entry] {
        guard case .mapping(let mapping) = node else {
            let subject = section.isEmpty ? "the configuration" : "'\(section)'"
            throw failure(
                at: node,
                "\(subject) must be a mapping of keys (\(allowed.joined(separator: ", "))), not \(describe(node))"
            )
        }
        var result: [Entry] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw failure(at: keyNode, "the keys of '\(section)' must be names, not \(describe(keyNode))")
            }
            let key = scalar.string.replacingOccurrences(of: "-", with: "_")
            guard allowed.contains(key) || alsoAccepted.contains(key) else {
                var message = unknownKey(scalar.string, at: keyNode, section: section, allowed: allowed)
                if section.isEmpty {
                    // The other keys an Oríon file may have at the top level, which the list leaves out (they
                    // configure Oríon's other commands, or are deprecated places of section keys).
                    message.message += "; Oríon's debug, frontends_uri, gunicorn and producer are accepted too"
                    if givesAnAnchor(keyNode) {
                        // `base: &b {...}` kept only to be merged elsewhere (Oríon ignores the key).
                        message.message += "; a key kept only for its YAML anchor is refused: write its values in place"
                    }
                    if Self.holdsPriors(node) {
                        message.message +=
                            "; this file holds priors (orion~...): a script's configuration goes after the script"
                            + " (./script.py --config FILE), -c is orion's own"
                    }
                }
                throw message
            }
            result.append(Entry(key: key, keyNode: keyNode, value: value))
        }
        return result
    }

    /// Whether the key `keyNode` gives its value an anchor on its own line (`base: &b {...}`, `base: &b`); the
    /// parsed nodes do not keep anchors.
    func givesAnAnchor(_ keyNode: Node) -> Bool {
        let index = keyNode.mark.map { $0.line - 1 } ?? -1
        guard lines.indices.contains(index), let colon = lines[index].firstIndex(of: ":") else { return false }
        return lines[index][lines[index].index(after: colon)...].drop { $0 == " " || $0 == "\t" }.first == "&"
    }

    /// Whether a value anywhere under `node` is a prior written for a script's configuration file (`orion~...`).
    static func holdsPriors(_ node: Node) -> Bool {
        switch node {
        case .scalar(let scalar): return scalar.string.hasPrefix("orion~")
        case .mapping(let mapping): return mapping.contains { holdsPriors($0.value) }
        case .sequence(let sequence): return sequence.contains { holdsPriors($0) }
        default: return false
        }
    }

    /// The error for a key that does not exist, with the valid keys and the closest one.
    func unknownKey(_ key: String, at node: Node, section: String, allowed: [String]) -> ConfigurationError {
        let place = section.isEmpty ? "at the top level" : "under '\(section)'"
        var message = "unknown key '\(key)' \(place): use one of \(allowed.sorted().joined(separator: ", "))"
        if let candidate = Spelling.closest(to: key, in: allowed) { message += " (did you mean '\(candidate)'?)" }
        return failure(at: node, message)
    }

    // MARK: - Values

    /// Sets the scalar key `key` (`experiment.max_trials`) from `entry`; `null` leaves it unset.
    mutating func assign(_ key: String, _ entry: Entry) throws(ConfigurationError) {
        guard !isNull(entry.value) else { return }
        let text: String
        if case .scalar(let scalar) = entry.value { text = scalar.string } else { text = "" }
        do {
            try layer.assign(key, jsonValue(entry.value), text: text, source: source(entry.keyNode))
        } catch {
            let name = key.split(separator: ".").last.map(String.init) ?? key
            throw failure(at: entry.value, "'\(key)' \(error.text); write e.g. `\(name): \(error.example)`")
        }
    }

    /// The string value of a scalar, or `nil` for `null`.
    func string(_ entry: Entry, of key: String) throws(ConfigurationError) -> String? {
        if isNull(entry.value) { return nil }
        guard case .scalar(let scalar) = entry.value else {
            throw failure(at: entry.value, "'\(key)' must be a string, not \(describe(entry.value))")
        }
        return scalar.string
    }

    /// A YAML value as JSON: tags decide (`1` is an integer, `'1'` a string, `1.0` and `1e9` doubles).
    func jsonValue(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch node.tag.description {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue:
                if scalar.string.contains(":") {
                    // YAML 1.1's base 60 (`1:30` is 90): Yams traps when it overflows, so it is computed here.
                    return Self.sexagesimal(scalar.string).map(JSONValue.int)
                        ?? node.float.map(JSONValue.double) ?? .string(scalar.string)
                }
                if let value = node.int { return .int(value) }
                return node.float.map(JSONValue.double) ?? .string(scalar.string)
            case Tag.Name.float.rawValue: return node.float.map(JSONValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping { members[key.string ?? "\(key)"] = jsonValue(value) }
            return .object(members)
        case .sequence:
            return .array(node.array().map(jsonValue))
        case .alias:
            return .null
        }
    }

    /// The value of a base-60 integer such as `-1:30` (YAML 1.1), or `nil` when it is not one or does not fit in
    /// an `Int`.
    static func sexagesimal(_ text: String) -> Int? {
        var digits = Substring(text.filter { $0 != "_" })
        var sign = 1
        if let first = digits.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            digits = digits.dropFirst()
        }
        var value = 0
        for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(part) else {
                return nil
            }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 60)
            let (sum, carry) = shifted.addingReportingOverflow(number)
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return sign * value
    }

    /// Whether `node` is YAML's null (`~`, `null`, or nothing).
    func isNull(_ node: Node) -> Bool {
        guard case .scalar = node else { return false }
        return node.tag.description == Tag.Name.null.rawValue
    }

    /// How a node is named in messages.
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar): isNull(node) ? "null" : "'\(scalar.string)'"
        }
    }

    // MARK: - Positions

    /// `file /path/orion.yaml:3:5`: the source of a value whose key is `node`.
    func source(_ node: Node) -> String {
        "file " + location(node)
    }

    /// `/path/orion.yaml:3:5`.
    func location(_ node: Node) -> String {
        guard let mark = node.mark else { return path }
        return "\(path):\(mark.line):\(mark.column)"
    }

    /// An error at `node`: `path:line:column: message`.
    func failure(at node: Node, _ message: String) -> ConfigurationError {
        ConfigurationError("\(location(node)): \(message)")
    }

    /// A note at `node`.
    mutating func note(at node: Node, _ message: String) {
        layer.notes.append("\(location(node)): \(message)")
    }

    /// The error for YAML that does not parse.
    private func syntaxError(_ error: any Error) -> ConfigurationError {
        let fix = "fix the YAML syntax (indent with spaces, quote values holding ': ' or '#')"
        guard let yamlError = error as? YamlError else {
            return ConfigurationError("\(path): invalid YAML (\(error)); \(fix)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text), \(problem)" } ?? problem
            return ConfigurationError("\(path):\(mark.line):\(mark.column): invalid YAML: \(detail); \(fix)")
        case .reader(let problem, let offset, let value, let yaml):
            // One line, as the others (probe p44c: Yams's text of it spans three, with the line it quotes).
            let bytes = Array(yaml.utf8.prefix(offset ?? 0))
            let line = bytes.count { $0 == UInt8(ascii: "\n") } + 1
            let column = bytes.count - (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            let character = String(format: "U+%04X", value)
            return ConfigurationError(
                "\(path):\(line):\(column): invalid YAML: \(problem) (\(character)); \(fix) and save it as UTF-8 text"
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            let fix = duplicates.contains("<<") ? "merge several mappings with one key, `<<: [*a, *b]`" : "keep one"
            return ConfigurationError(
                "\(path):\(context.mark.line):\(context.mark.column): key \(keys) given twice in the same mapping;"
                    + " \(fix)"
            )
        default:
            return ConfigurationError("\(path): invalid YAML (\(yamlError)); \(fix)")
        }
    }
}
