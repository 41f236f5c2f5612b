import OrionCore

extension UserCommand {
    /// The argv of one trial: the priors replaced by the trial's values, the templates by their values.
    ///
    /// Values are written the way Python's `str()` writes them (``JSONValue/pythonString``): `1e-05`, `0.5`, `7`,
    /// `adam`, `[0.1, 0.2]`. Templates (`{trial.id}`, `{exp.name}`, ...) are replaced anywhere in the user's items,
    /// never inside the sampled values; `{{` and `}}` write literal braces. The configuration file's path is replaced
    /// by its copy in the trial's working directory (written by ``renderConfigFile(values:directory:)``).
    ///
    /// - Parameters:
    ///   - values: the trial's parameters (looked up by dimension name, `/lr`).
    ///   - context: the values of the templates.
    /// - Returns: the argv: the absolute program path first (the script, or the interpreter and the script).
    /// - Throws: ``CommandError`` `.missingValue` when `values` lacks one of the priors' dimensions,
    ///   `.unknownTemplate` or `.invalidArgument` for a bad template.
    public func render(values: Parameters, context: TemplateContext) throws(CommandError) -> [String] {
        var argv = launch
        argv.reserveCapacity(argv.count + pieces.count + priors.count)
        for piece in pieces {
            switch piece {
            case .text(let item):
                argv.append(try TemplateContext.expand(item, with: context))
            case .option(let flag, let dimension):
                argv.append(flag)
                argv.append(try Self.value(of: dimension, in: values))
            case .value(let prefix, let dimension):
                argv.append(prefix + (try Self.value(of: dimension, in: values)))
            case .configFile(let prefix):
                argv.append(prefix + context.trialWorkingDir + "/" + (configTemplate?.trialFileName ?? ""))
            }
        }
        return argv
    }

    /// The rendered value of `dimension`.
    private static func value(of dimension: String, in values: Parameters) throws(CommandError) -> String {
        guard let value = values[dimension] else {
            let known = values.names.joined(separator: ", ")
            throw CommandError(
                .missingValue,
                "the trial has no value for '\(dimension)' (it has \(known.isEmpty ? "none" : known)):"
                    + " the command and the experiment's space disagree;"
                    + " use the command the experiment was created with"
            )
        }
        return value.pythonString
    }
}

/// The values of the templates a command line may hold: `{trial.id}`, `{trial.working_dir}`,
/// `{trial.hash_params}`, `{trial.legacy_id}`, `{exp.id}`, `{exp.name}`, `{exp.version}`, `{exp.working_dir}`,
/// `{exp.max_trials}`, `{exp.max_broken}`, `{trial.params[/x]}` and `{exp.metadata[user]}`: the attributes of
/// Oríon's trial and experiment a command line uses (Oríon formats with the objects themselves).
public struct TemplateContext: Sendable {
    /// `{trial.id}`: the trial's id.
    public var trialID: String
    /// `{trial.working_dir}`: the trial's working directory.
    public var trialWorkingDir: String
    /// `{trial.hash_params}`: the hash of the trial's parameters without the fidelity (``Trial/hashParams``).
    public var trialHashParams: String
    /// `{trial.legacy_id}`: Oríon's deprecated id that includes the experiment (``Trial/legacyID``).
    public var trialLegacyID: String
    /// `{exp.id}`: the experiment's id.
    public var experimentID: String
    /// `{exp.name}`: the experiment's name.
    public var experimentName: String
    /// `{exp.version}`: the experiment's version.
    public var experimentVersion: Int
    /// `{exp.working_dir}`: the experiment's working directory.
    public var experimentWorkingDir: String
    /// `{trial.params[/x]}`: the trial's parameters.
    public var trialParams: Parameters
    /// `{exp.max_trials}`: the experiment's maximum of trials (`None` without one, as Python writes it).
    public var experimentMaxTrials: Int?
    /// `{exp.max_broken}`: the experiment's maximum of broken trials.
    public var experimentMaxBroken: Int?
    /// `{exp.metadata[KEY]}`: the experiment's metadata (`user`, `user_script`, `orion_version`).
    public var experimentMetadata: [String: String]
    /// `{trial.parent}`: the id of the trial's parent (a promotion's, a fork's), `None` without one, as Oríon writes it.
    public var trialParent: String?

    /// Creates a context.
    public init(
        trialID: String,
        trialWorkingDir: String,
        trialHashParams: String,
        trialLegacyID: String,
        experimentID: String,
        experimentName: String,
        experimentVersion: Int,
        experimentWorkingDir: String,
        trialParams: Parameters = [],
        experimentMaxTrials: Int? = nil,
        experimentMaxBroken: Int? = nil,
        experimentMetadata: [String: String] = [:],
        trialParent: String? = nil
    ) {
        self.trialID = trialID
        self.trialWorkingDir = trialWorkingDir
        self.trialHashParams = trialHashParams
        self.trialLegacyID = trialLegacyID
        self.experimentID = experimentID
        self.experimentName = experimentName
        self.experimentVersion = experimentVersion
        self.experimentWorkingDir = experimentWorkingDir
        self.trialParams = trialParams
        self.experimentMaxTrials = experimentMaxTrials
        self.experimentMaxBroken = experimentMaxBroken
        self.experimentMetadata = experimentMetadata
        self.trialParent = trialParent
    }

    /// The names of the templates, in the order the documentation lists them (besides the indexed ones,
    /// ``indexedNames``).
    public static let names = [
        "trial.id", "trial.working_dir", "trial.hash_params", "trial.legacy_id", "trial.parent",
        "trial.exp_working_dir",
        "exp.id", "exp.name", "exp.version", "exp.working_dir", "exp.max_trials", "exp.max_broken",
    ]

    /// The templates indexed by a key, as Python's `str.format` indexes a dictionary: `{trial.params[/x]}` (a
    /// dimension's name) and `{exp.metadata[user]}` (`user`, `user_script`, `orion_version`).
    public static let indexedNames = ["trial.params", "exp.metadata"]

    /// The metadata keys `{exp.metadata[KEY]}` knows.
    public static let metadataKeys = ["user", "user_script", "orion_version"]

    /// Whether `name` (without braces) is a template: one of ``names``, or an indexed one with a key.
    static func isTemplate(_ name: String) -> Bool {
        if names.contains(name) { return true }
        guard let (base, key) = indexed(name) else { return false }
        return base == "trial.params" || metadataKeys.contains(key)
    }

    /// `("trial.params", "/x")` for `trial.params[/x]`, else `nil`.
    private static func indexed(_ name: String) -> (base: String, key: String)? {
        guard name.hasSuffix("]"), let open = name.firstIndex(of: "[") else { return nil }
        let base = String(name[..<open])
        let key = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
        guard indexedNames.contains(base), !key.isEmpty else { return nil }
        return (base, key)
    }

    /// The value of the template `name` (without braces), or `nil` if there is no such template (or the trial has
    /// no such parameter).
    public func value(of name: String) -> String? {
        typedValue(of: name)?.pythonString
    }

    /// The value of the template `name` with its Python type (an integer for `exp.version`, `None` for a missing
    /// maximum), for a format specification.
    func typedValue(of name: String) -> JSONValue? {
        switch name {
        case "trial.id": return .string(trialID)
        case "trial.working_dir": return .string(trialWorkingDir)
        case "trial.hash_params": return .string(trialHashParams)
        case "trial.legacy_id": return .string(trialLegacyID)
        case "trial.parent": return trialParent.map(JSONValue.string) ?? .null
        case "trial.exp_working_dir": return .string(experimentWorkingDir)
        case "exp.id": return .string(experimentID)
        case "exp.name": return .string(experimentName)
        case "exp.version": return .int(experimentVersion)
        case "exp.working_dir": return .string(experimentWorkingDir)
        case "exp.max_trials": return experimentMaxTrials.map(JSONValue.int) ?? .null
        case "exp.max_broken": return experimentMaxBroken.map(JSONValue.int) ?? .null
        default: break
        }
        guard let (base, key) = Self.indexed(name) else { return nil }
        if base == "exp.metadata" { return experimentMetadata[key].map(JSONValue.string) }
        // Oríon's keys are the dimension names with their `/`; the name without it is accepted too.
        return trialParams[key] ?? trialParams["/" + key]
    }

    /// A value of the type of the template `name`, to check a format specification before any trial: `nil` where
    /// the type is not known before (a parameter, a maximum that may be `None`).
    static func sampleValue(of name: String) -> JSONValue? {
        switch name {
        case "exp.version": .int(1)
        case "exp.max_trials", "exp.max_broken", "trial.parent": nil
        default: names.contains(name) || name.hasPrefix("exp.metadata[") ? .string("") : nil
        }
    }

    /// `item` with its templates replaced; with no context, only checks them (and replaces them by nothing).
    static func expand(_ item: String, with context: TemplateContext?) throws(CommandError) -> String {
        guard item.contains(where: { $0 == "{" || $0 == "}" }) else { return item }
        var output = ""
        var index = item.startIndex
        while index < item.endIndex {
            let character = item[index]
            let next = item.index(after: index)
            if character == "}" {
                guard next < item.endIndex, item[next] == "}" else {
                    throw CommandError(
                        .invalidArgument,
                        "single '}' in argument '\(item)': write '}}' for a literal brace"
                    )
                }
                output.append("}")
                index = item.index(after: next)
            } else if character == "{" {
                if next < item.endIndex, item[next] == "{" {
                    output.append("{")
                    index = item.index(after: next)
                    continue
                }
                guard let close = item[next...].firstIndex(of: "}") else {
                    throw CommandError(
                        .invalidArgument,
                        "unclosed '{' in argument '\(item)': write '{{' for a literal brace"
                    )
                }
                // `{name:spec}`: a Python format specification after the name (`{exp.version:03d}`).
                let field = String(item[next..<close])
                let colon = field.firstIndex(of: ":")
                let name = colon.map { String(field[..<$0]) } ?? field
                let specification = try colon.map { colon throws(CommandError) in
                    try FormatSpecification(String(field[field.index(after: colon)...]), in: field)
                }
                guard Self.isTemplate(name) else {
                    let known = (Self.names + ["trial.params[/x]", "exp.metadata[user]"]).map { "{\($0)}" }
                        .joined(separator: ", ")
                    throw CommandError(
                        .unknownTemplate,
                        "unknown template '{\(name)}' in argument '\(item)': use one of \(known),"
                            + " or write '{{' and '}}' for literal braces"
                    )
                }
                if context == nil, let specification, let sample = Self.sampleValue(of: name),
                    specification.format(sample) == nil
                {
                    let kind = sample == .string("") ? "text" : "an integer"
                    let format = field.drop { $0 != ":" }.dropFirst()
                    throw CommandError(
                        .invalidArgument,
                        "template '{\(field)}' in argument '\(item)': its value, \(kind), does not take the format"
                            + " '\(format)'"
                    )
                }
                if let context {
                    guard let typed = context.typedValue(of: name) else {
                        // Only an indexed template can miss: a parameter the trial lacks, or metadata not given.
                        let known =
                            name.hasPrefix("trial.params[")
                            ? " (the trial's parameters: " + context.trialParams.names.joined(separator: ", ") + ")"
                            : ""
                        throw CommandError(
                            .missingValue,
                            "template '{\(name)}' in argument '\(item)' has no value for this trial\(known)"
                        )
                    }
                    guard let value = specification.map({ $0.format(typed) }) ?? typed.pythonString else {
                        throw CommandError(
                            .invalidArgument,
                            "template '{\(field)}' in argument '\(item)': its value \(typed.pythonRepr) does not take"
                                + " the format '\(field.drop { $0 != ":" }.dropFirst())'"
                        )
                    }
                    output += value
                }
                index = item.index(after: close)
            } else {
                output.append(character)
                index = next
            }
        }
        return output
    }
}

/// Why a user command cannot be parsed or rendered.
///
/// The message is one line that says how to fix it.
public struct CommandError: OrionError, Equatable {
    /// What kind of problem it is.
    public enum Code: String, Sendable, Equatable {
        /// There is no script after Oríon's options (or after `python`).
        case missingScript
        /// The script (or program) does not exist.
        case scriptNotFound
        /// The script exists but cannot be executed (`chmod +x`), or is a directory.
        case notExecutable
        /// Two priors define the same dimension.
        case duplicateDimension
        /// An argument is malformed: a misplaced `orion~`, a branching marker, an unmatched brace.
        case invalidArgument
        /// An argument holds a template that does not exist.
        case unknownTemplate
        /// A trial lacks the value of one of the command's dimensions.
        case missingValue
        /// The script's configuration file cannot be read, or a prior in it cannot be replaced.
        case configFile
    }

    /// What kind of problem it is.
    public var code: Code
    /// One line: what is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Always ``ErrorKind/usage``: the command is what the user wrote.
    public var kind: ErrorKind { .usage }
}
