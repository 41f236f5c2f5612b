import Foundation
import OrionCore
import Yams

/// A configuration file of the user's script whose values may be priors: `lr: 'orion~loguniform(1e-5, 1)'`.
///
/// Oríon's config-file templating. The file given after the script's `--config` option (the option is named by
/// `worker.user_script_config`) is read when the hunt starts. A YAML or JSON file (by its extension: `.yaml`, `.yml`,
/// `.json`) may hold string values of the form `orion~PRIOR` (any text before the `~` is ignored, as in Oríon): each
/// is a dimension named after its path in the file, `/` + the keys (and list indices) joined by `/`
/// (`optimizer: {lr: ...}` → `/optimizer/lr`, the second item of `layers` → `/layers/1`).
///
/// Each trial gets a rendered copy of the file in its working directory, under the file's own name, with every prior
/// replaced by the trial's value and everything else (comments, keys' order, quoting, layout) kept as written. Values
/// are written so that PyYAML and Python's `json` read them back with their type: `0.001`, `1.0e-05` (PyYAML reads
/// `1e-05` as a string), `64`, `"relu"`, `true`, `[0.1, 0.2]`.
public struct ConfigTemplate: Sendable, Hashable, Codable {
    /// How the file is written.
    public enum Format: String, Sendable, Hashable, Codable {
        /// `.yaml` or `.yml`.
        case yaml
        /// `.json`.
        case json
        /// Any other extension: Oríon's generic templating, `name~prior(...)` anywhere in the text
        /// (`lr = lr~loguniform(1e-5, 1)`), each replaced by the value as Python's `str()` writes it.
        case text
    }

    /// One part of the file: text kept as written, or the place of a prior's value.
    enum CodingKeys: String, CodingKey {
        case path, text, format, priors, segments
    }

    enum Segment: Sendable, Hashable, Codable {
        case text(String)
        case value(dimension: String)
    }

    /// The absolute path of the file as the user gave it.
    public private(set) var path: String
    /// The file's text as it was read (stored with the experiment, so that a resume renders the same file).
    public private(set) var text: String
    /// How the file is written.
    public private(set) var format: Format
    /// The priors the file holds: dimension name (`/optimizer/lr`) → prior expression (`loguniform(1e-4, 1)`).
    public private(set) var priors: [String: String]
    /// The dimensions the file marks as new (`orion~+uniform(0, 1, default_value=0.5)`), for a new version's
    /// conflict resolution as `--name~+prior` on the command line; not stored (read again from the text).
    public private(set) var additions: Set<String> = []
    /// The file, cut at the priors.
    private(set) var segments: [Segment]

    /// The name of each trial's copy (in the trial's working directory): the file's own name.
    public var fileName: String { (path as NSString).lastPathComponent }
    /// The name of each trial's rendered copy in its working directory: `orion.<fileName>` (`orion.train.yaml`).
    ///
    /// The script's own copy of its configuration (`shutil.copy(args.config, wd + "/train.yaml")`, to keep it with
    /// the checkpoints) does not overwrite it. Oríon names it `trial_<random>.conf`.
    public var trialFileName: String { "orion." + fileName }

    /// The format of a file named `path`, from its extension; `nil` for a file that is not templated.
    ///
    /// - Parameter path: a file name or path.
    /// - Returns: `.yaml` for `.yaml`/`.yml`, `.json` for `.json` (any case), else `.text`.
    public static func format(ofFileNamed path: String) -> Format {
        switch (path as NSString).pathExtension.lowercased() {
        case "yaml", "yml": .yaml
        case "json": .json
        default: .text
        }
    }

    /// Reads a configuration file.
    ///
    /// - Parameter path: the file's absolute path; its extension says its format.
    /// - Throws: ``CommandError`` `.configFile` when the file cannot be read, it is not valid YAML/JSON, or a prior
    ///   is written where it cannot be replaced (a multi-line or block scalar, a mapping key); `.invalidArgument` for
    ///   a removal or renaming marker (`~-`, `~>`); `.duplicateDimension` for a name given twice in a text file.
    public init(path: String) throws(CommandError) {
        let format = Self.format(ofFileNamed: path)
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw CommandError(
                .configFile,
                "configuration file '\(path)' \(error.reason): check the path given to the script"
            )
        }
        try self.init(text: text, format: format, path: path)
    }

    /// Reads a configuration from its text.
    ///
    /// - Parameters:
    ///   - text: the file's content.
    ///   - format: how it is written.
    ///   - path: the file's path, for the messages and the copies' name.
    /// - Throws: ``CommandError`` as ``init(path:)``.
    public init(text: String, format: Format, path: String) throws(CommandError) {
        self.path = path
        self.text = text
        self.format = format
        if format == .text {
            (priors, additions, segments) = try Self.textPriors(in: text, path: path)
            return
        }
        if format == .json {
            // YAML reads JSON's superset: a trailing comma, single quotes or comments passed, and every trial then
            // broke in the script's `json.load`. Python's reader is the measure, as Oríon's.
            do {
                try StrictJSON.check(text)
            } catch {
                throw CommandError(
                    .configFile,
                    "configuration file '\(path)', line \(error.line), column \(error.column): not valid JSON: "
                        + error.message
                )
            }
        }
        if let problem = YAMLShape.problem(in: text) {
            throw CommandError(.configFile, "configuration file '\(path)', line \(problem.line): \(problem.message)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Self.parseError(error, path: path, format: format)
        }
        var finder = PriorFinder(path: path)
        if let root { try finder.visit(root, name: "") }
        priors = finder.priors
        additions = finder.additions
        segments = try Self.cut(text, at: finder.slots, path: path)
    }

    /// The one-line error for a file that does not parse: where, and what.
    ///
    /// A key given twice in one mapping is refused, in JSON too (valid there, and Python's loaders, Oríon's, keep
    /// the last value): the value the script reads and the prior the search fills in could be different ones.
    static func parseError(_ error: any Error, path: String, format: Format) -> CommandError {
        guard let yamlError = error as? YamlError else {
            return CommandError(.configFile, "configuration file '\(path)' is not valid \(format.name): \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text), \(problem)" } ?? problem
            return CommandError(
                .configFile,
                "configuration file '\(path)', line \(mark.line), column \(mark.column): not valid \(format.name):"
                    + " \(detail)"
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return CommandError(
                .configFile,
                "configuration file '\(path)', line \(context.mark.line), column \(context.mark.column): key \(keys)"
                    + " given twice in the same mapping; keep one (the script's loader would read one value, the"
                    + " search could fill in the other)"
            )
        default:
            let text = "\(yamlError)".split(whereSeparator: \.isNewline).joined(separator: " ")
            return CommandError(.configFile, "configuration file '\(path)' is not valid \(format.name): \(text)")
        }
    }

    /// The file with the priors replaced by the trial's values.
    ///
    /// - Parameter values: the trial's parameters (looked up by dimension name).
    /// - Returns: the text of the trial's copy.
    /// - Throws: ``CommandError`` `.missingValue` when `values` lacks one of the file's dimensions.
    public func render(values: Parameters) throws(CommandError) -> String {
        var output = ""
        for segment in segments {
            switch segment {
            case .text(let text):
                output += text
            case .value(let dimension):
                guard let value = values[dimension] else {
                    throw CommandError(
                        .missingValue,
                        "the trial has no value for '\(dimension)' of the configuration file '\(path)':"
                            + " the file and the experiment's space disagree"
                    )
                }
                output += Self.literal(value, format: format)
            }
        }
        return output
    }

    /// `value` written as a YAML or JSON literal that PyYAML or Python's `json` reads back with its type; in a text
    /// file, as Python's `str()` writes it (Oríon's generic templating).
    static func literal(_ value: JSONValue, format: Format) -> String {
        if format == .text { return value.pythonString }
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let integer): return String(integer)
        case .double(let real) where format == .yaml: return yamlFloat(real)
        case .double(let real): return real.isFinite ? PythonFloat.repr(real) : JSONValue.nonFiniteName(real)
        case .string(let text): return quoted(text)
        case .array(let items): return "[" + items.map { literal($0, format: format) }.joined(separator: ", ") + "]"
        case .object(let members):
            let body = members.sorted { $0.key < $1.key }.map {
                quoted($0.key) + ": " + literal($0.value, format: format)
            }
            return "{" + body.joined(separator: ", ") + "}"
        }
    }

    /// A float as PyYAML writes it: Python's `repr`, lower case, with `.0` before a bare exponent (`1.0e-05`),
    /// `.inf`, `-.inf`, `.nan`.
    static func yamlFloat(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        let repr = PythonFloat.repr(value).lowercased()
        guard !repr.contains("."), let exponent = repr.firstIndex(of: "e") else { return repr }
        return repr[..<exponent] + ".0" + repr[exponent...]
    }

    /// A string as a double-quoted literal, valid in YAML and in JSON.
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    output += String(format: "\\u%04x", scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}

extension ConfigTemplate.Format {
    /// `YAML`, `JSON` or `TEXT`, for messages.
    var name: String { rawValue.uppercased() }
}
