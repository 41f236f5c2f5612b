import Foundation
import OrionCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The user's command line: the script to run and the priors written in its arguments.
///
/// `orion hunt -n exp ./train.py --lr~'loguniform(1e-5, 1)' --epochs 10` gives the command
/// `["./train.py", "--lr~loguniform(1e-5, 1)", "--epochs", "10"]` (the shell removed the quotes). Each trial runs it
/// with the prior arguments replaced by the trial's values: `/abs/train.py --lr 0.00123 --epochs 10`.
///
/// Prior forms, as in Oríon (see `docs/script-protocol.md`):
/// - `-x~prior` → `-x <value>`, `--lr~prior` → `--lr <value>` (dimension `/x`, `/lr`);
/// - `--lr orion~prior` → `--lr <value>`; `--lr=orion~prior` → `--lr=<value>`;
/// - `name~prior` before any option → `<value>`, dimension `/_pos_<index>` where index counts the items of the
///   command from 0 (the script), so `./train.py p~'uniform(0, 1)'` defines `/_pos_1`.
/// - Branching markers for experiment version control (``markers``, docs/versioning.md): `~+prior` is a prior
///   marked as added or changed; `--y~-`, `--y~-VALUE` (removed) and `--old~>new` (renamed) are not passed to the
///   script.
///
/// As Oríon, an item that is exactly an option of one letter with two dashes is passed with one (`--y~prior` →
/// `-y <value>`, `--q 3` → `-q 3`; `--q=3` is kept): scripts run under Oríon were given `-y`. Deliberate
/// differences from Oríon: existing relative file paths in the arguments are kept as written (the script runs in
/// the hunt's directory, so they still resolve), templates are applied to the user's text only (never inside
/// sampled values), and `{{`/`}}` write literal braces.
public struct UserCommand: Sendable, Hashable, Codable {
    /// The command as given, priors included: kept in the experiment's metadata.
    public private(set) var arguments: [String]
    /// The absolute path of the program that is executed: the script, or the interpreter for `python script.py`.
    public private(set) var executable: String
    /// The absolute path of the user's script; `nil` when the command is a program found on `PATH`.
    public private(set) var script: String?
    /// The interpreter's options before the script (`-u` in `python3 -u train.py`).
    public private(set) var interpreterOptions: [String] = []
    /// The priors: dimension name (`/lr`) → prior expression (`loguniform(1e-5, 1)`), the configuration file's
    /// included.
    public internal(set) var priors: [String: String]
    /// The script's configuration file with priors (the value of its `--config` option), rendered for each trial;
    /// `nil` when there is none, or when it holds no prior (the script then gets the file as given).
    public internal(set) var configTemplate: ConfigTemplate?
    /// The branching markers (`--z~+prior`, `--y~-`, `--lr~>rate`) for experiment version control.
    ///
    /// A `~+` prior is also in ``priors``, while `~-` and `~>` arguments are not passed to the script. An
    /// `orion~+prior` in the configuration file is an addition too.
    public internal(set) var markers: BranchingMarkers

    /// What the command line does that the user may not expect, one line each (with ``ValuesAfterAPrior/orionList``,
    /// an option given a prior and another value, which is then not a prior).
    public private(set) var notes: [String] = []

    /// How a word after an option's prior is read (`--a~'uniform(0, 1)' extra`).
    public enum ValuesAfterAPrior: Sendable {
        /// The option stays a prior and the word is passed after its value (`-a 0.42 extra`): swift-orion's rule, a
        /// deliberate difference (docs/script-protocol.md).
        case keepPrior
        /// As Oríon's parser, which gives an option every item up to the next option: the option has several values,
        /// a list, and is not a prior; its items are passed as written (`-a orion~uniform(0, 1) extra`). What an
        /// experiment created by Oríon from such a command line was given, so that it resumes with its space.
        case orionList
    }

    /// The script's arguments as parsed, in order.
    var pieces: [Piece]

    /// One item of the script's arguments as parsed.
    enum Piece: Sendable, Hashable, Codable {
        /// An item passed as written, after template expansion.
        case text(String)
        /// `-x~prior`: the flag, then the value, as two items.
        case option(flag: String, dimension: String)
        /// The value as one item, after a fixed prefix (`--lr=`, or nothing for `--lr orion~prior` and positionals).
        case value(prefix: String, dimension: String)
        /// The configuration file's path, after a fixed prefix (`--config=`, or nothing): replaced by the path of
        /// the trial's rendered copy.
        case configFile(prefix: String)
    }

    /// Parses the command that follows Oríon's options.
    ///
    /// The first item is the script (or `python`/`python3` followed by the script). A script given with a `/`
    /// (`./train.py`) or found in `currentDirectory` must exist and be executable; any other program is looked up on
    /// `environmentPath`. A script run through an interpreter must exist but need not be executable.
    ///
    /// - Parameters:
    ///   - arguments: the command, quotes already removed by the shell.
    ///   - currentDirectory: the directory relative paths are relative to (where the hunt runs).
    ///   - environmentPath: the `PATH` to look programs up on; `nil` uses `/usr/local/bin:/usr/bin:/bin`.
    ///   - configOption: the name of the script's option whose value is a configuration file that may hold priors
    ///     (`worker.user_script_config`, Oríon's `config`: `--config train.yaml`, `--config=train.yaml`).
    ///   - storedConfigText: the configuration file's text stored with the experiment, read instead of the file (a
    ///     resume with the stored command); `nil` reads the file.
    ///   - valuesAfterAPrior: how a word after an option's prior is read.
    /// - Throws: ``CommandError`` when there is no script, it does not exist or cannot be executed, a prior marker is
    ///   misplaced or unsupported, two priors define the same dimension (also between the command line and the
    ///   configuration file), an argument holds an unknown template, or the configuration file cannot be read.
    public init(
        arguments: [String],
        currentDirectory: String,
        environmentPath: String?,
        configOption: String = "config",
        storedConfigText: String? = nil,
        valuesAfterAPrior: ValuesAfterAPrior = .keepPrior
    ) throws(CommandError) {
        guard let first = arguments.first, !first.isEmpty else {
            throw CommandError(
                .missingScript,
                "no script to run: give it after the options, e.g. `orion hunt -n exp ./train.py --lr~'uniform(0, 1)'`"
            )
        }
        let searchPath = environmentPath ?? "/usr/local/bin:/usr/bin:/bin"
        let firstArgument: Int
        // The interpreter's own options that take no value (`python3 -u train.py`): the script follows them.
        let flags =
            Self.isPythonInterpreter(first) ? arguments.dropFirst().prefix(while: Self.interpreterFlags.contains) : []
        interpreterOptions = Array(flags)
        if Self.isPythonInterpreter(first), arguments.count > 1 + flags.count, Self.isOption(arguments[1 + flags.count])
        {
            // Other interpreter options (`python3 -m package.train`, `-c`, `-W ignore`): the interpreter is the
            // program, as any program on PATH, and everything after it its arguments (priors included), as Oríon.
            executable = try Self.resolveProgram(first, currentDirectory: currentDirectory, searchPath: searchPath)
            script = nil
            interpreterOptions = []
            firstArgument = 1
        } else if Self.isPythonInterpreter(first) {
            guard arguments.count > 1 + flags.count, !arguments[1 + flags.count].isEmpty else {
                throw CommandError(.missingScript, "no script after '\(first)': write `\(first) ./train.py ...`")
            }
            let scriptArgument = arguments[1 + flags.count]
            executable = try Self.resolveProgram(first, currentDirectory: currentDirectory, searchPath: searchPath)
            let scriptPath = Self.absolute(scriptArgument, in: currentDirectory)
            switch Self.fileKind(scriptPath) {
            case .file: break
            case .directory:
                throw CommandError(
                    .notExecutable,
                    "script '\(scriptArgument)' is a directory: give the path of the file to run"
                )
            case nil:
                throw CommandError(.scriptNotFound, Self.notFoundMessage(scriptArgument, currentDirectory))
            }
            script = scriptPath
            firstArgument = 2 + flags.count
        } else if first.contains("/") || Self.fileKind(Self.absolute(first, in: currentDirectory)) == .file {
            let scriptPath = try Self.checkedScript(first, currentDirectory: currentDirectory)
            executable = scriptPath
            script = scriptPath
            firstArgument = 1
        } else {
            guard let found = Self.lookUp(first, searchPath: searchPath, currentDirectory: currentDirectory) else {
                throw CommandError(
                    .scriptNotFound,
                    "script '\(first)' not found (looked in \(currentDirectory) and on PATH \(searchPath))"
                )
            }
            executable = found
            script = nil
            firstArgument = 1
        }
        self.arguments = arguments
        var reader = ScriptArgumentReader(firstIndex: firstArgument, configOption: Self.dimensionName(configOption))
        reader.listsAfterPriors = valuesAfterAPrior == .orionList
        for item in arguments.dropFirst(firstArgument) {
            try reader.consume(item)
        }
        try reader.checkRepeatedPriorOptions()
        pieces = reader.pieces
        priors = reader.priors
        markers = reader.markers
        notes = reader.notes
        configTemplate = nil
        if let argument = reader.configArguments.first {
            if reader.configArguments.count > 1 {
                try Self.refuseRepeatedConfigFiles(
                    reader.configArguments,
                    currentDirectory: currentDirectory,
                    storedText: storedConfigText
                )
            }
            try attachConfigFile(argument, currentDirectory: currentDirectory, storedText: storedConfigText)
        }
    }

    /// The branching markers a stored command line holds (`metadata.userArgs`: the script, then its arguments), read
    /// as ``init(arguments:currentDirectory:environmentPath:configOption:storedConfigText:valuesAfterAPrior:)``
    /// reads them, without looking at the script or its files.
    ///
    /// An experiment made by a renaming (`--lr~>rate`) keeps the marker in its command line; the same command run
    /// again, or a branch of that version, finds the renaming applied already. An item that does not read (stored
    /// by an older version) is skipped.
    ///
    /// - Parameter arguments: the stored command line.
    /// - Returns: its markers.
    public static func storedMarkers(_ arguments: [String]) -> BranchingMarkers {
        var reader = ScriptArgumentReader(firstIndex: 1, configOption: "/config")
        for item in arguments.dropFirst() {
            try? reader.consume(item)
        }
        return reader.markers
    }

    /// The programs that start the trial's argv: the script, or the interpreter (with its options) and the script.
    var launch: [String] {
        if let script, script != executable { return [executable] + interpreterOptions + [script] }
        return [executable]
    }

    /// The Python interpreter's options that take no value; after them comes the script (`python3 -u train.py`).
    static let interpreterFlags: Set<String> = [
        "-b", "-bb", "-B", "-d", "-E", "-I", "-O", "-OO", "-P", "-q", "-R", "-s", "-S", "-u", "-v", "-x",
    ]
}

// MARK: - Script arguments

extension UserCommand {
    /// Reads the script's arguments one by one, recognizing the prior forms.
    struct ScriptArgumentReader {
        /// The index in the full command of the next item.
        var index: Int
        var pieces: [Piece] = []
        var priors: [String: String] = [:]
        var markers = BranchingMarkers()
        /// The item that defined each dimension, for the duplicate message.
        var origins: [String: String] = [:]
        /// Whether an option was seen: positional priors are recognized only before the first one.
        var sawOption = false
        /// The name of the option just read, when it can take a value-form prior (`--lr orion~prior`).
        var pendingOption: String?
        /// The configuration file option's dimension-style name (`/config`).
        let configOption: String
        /// The values of the configuration file option, in order (the first one is read).
        var configArguments: [ConfigArgument] = []
        /// The options given a prior, as the script gets them (`-x`, `--lr`), with the item.
        var priorFlags: [String: String] = [:]
        /// The other options, as the script gets them, with the item and how many times.
        var plainFlags: [String: (item: String, count: Int)] = [:]
        /// The prior given by the last option (`--a~prior`, `--a orion~prior`, `--a=orion~prior`), while no other
        /// item followed it: its dimension, its first piece, the items the script gets if it is not a prior after
        /// all, and the items that defined it.
        var lastPrior: (name: String, piece: Int, asText: [String], items: [String])?
        /// See ``UserCommand/notes``.
        var notes: [String] = []
        /// Whether a word after an option's prior makes the option a list, not a prior
        /// (``UserCommand/ValuesAfterAPrior/orionList``).
        var listsAfterPriors = false

        init(firstIndex: Int, configOption: String) {
            index = firstIndex
            self.configOption = configOption
        }

        mutating func consume(_ item: String) throws(CommandError) {
            defer { index += 1 }
            if UserCommand.isOption(item) {
                sawOption = true
                pendingOption = nil
                lastPrior = nil
                try consumeOption(item)
                return
            }
            // Oríon reads any item that starts with `-` (`-1` too) as the next option.
            if listsAfterPriors, lastPrior != nil, !item.hasPrefix("-"),
                !item.trimmingCharacters(in: .whitespaces).isEmpty
            {
                demoteLastPrior(followedBy: item)
                try appendText(item)
                return
            }
            let option = pendingOption
            pendingOption = nil
            // Oríon's `orion~` anywhere; another word's `~` only as an option's value (a word after a value is more of
            // that value, and one before any option is a positional prior, below).
            if let expression = UserCommand.valuePrior(item), item.hasPrefix("orion~") || option != nil {
                guard UserCommand.isPriorExpression(expression) else {
                    throw CommandError(
                        .invalidArgument,
                        "'\(item)' has no prior after 'orion~': write e.g. `--lr orion~'uniform(0, 1)'`"
                    )
                }
                let prior = try UserCommand.additionMarker(expression, in: item)
                if let option {
                    try define(UserCommand.dimensionName(option), prior, by: item, marked: prior != expression)
                    lastPrior = (UserCommand.dimensionName(option), pieces.count, [item], [option, item])
                    pieces.append(.value(prefix: "", dimension: UserCommand.dimensionName(option)))
                    let flag = UserCommand.scriptFlag(option)
                    plainFlags[flag]?.count -= 1
                    priorFlags[flag] = option + " " + item
                } else if !sawOption {
                    try definePositional(prior, by: item, marked: prior != expression)
                } else {
                    throw CommandError(
                        .invalidArgument,
                        "'\(item)' does not follow an option name: write `--name orion~...` or `--name~...`"
                    )
                }
                return
            }
            if let option, UserCommand.dimensionName(option) == configOption {
                configArguments.append(
                    ConfigArgument(piece: pieces.count, path: item, prefix: "", written: option + " " + item)
                )
            }
            if !sawOption, let tilde = item.firstIndex(of: "~"), tilde != item.startIndex {
                let expression = String(item[item.index(after: tilde)...])
                if UserCommand.isPriorExpression(expression) {
                    let prior = try UserCommand.additionMarker(expression, in: item)
                    try definePositional(prior, by: item, marked: prior != expression)
                    return
                }
            }
            try appendText(item)
        }

        private mutating func consumeOption(_ item: String) throws(CommandError) {
            let tilde = item.firstIndex(of: "~")
            let equals = item.firstIndex(of: "=")
            if let tilde, equals.map({ tilde < $0 }) ?? true {
                let flag = String(item[..<tilde])
                let expression = String(item[item.index(after: tilde)...])
                guard UserCommand.isPriorExpression(expression) else {
                    // `--x~` and `--x~/path` are not priors (Oríon's rule): passed as written.
                    try appendText(item)
                    return
                }
                let name = UserCommand.dimensionName(flag)
                guard name != "/" else {
                    throw CommandError(
                        .invalidArgument,
                        "'\(item)' has no name before '~': write e.g. `--lr~'\(expression)'`"
                    )
                }
                if try consumeMarker(expression, of: name, in: item) { return }
                let prior = try UserCommand.additionMarker(expression, in: item)
                try define(name, prior, by: item, marked: prior != expression)
                lastPrior = (name, pieces.count, [UserCommand.scriptFlag(flag), "orion~" + expression], [item])
                pieces.append(.option(flag: UserCommand.scriptFlag(flag), dimension: name))
                priorFlags[UserCommand.scriptFlag(flag)] = item
                return
            }
            if let equals {
                let flag = String(item[..<equals])
                let value = String(item[item.index(after: equals)...])
                if let expression = UserCommand.valuePrior(value) {
                    guard UserCommand.isPriorExpression(expression) else {
                        throw CommandError(
                            .invalidArgument,
                            "'\(item)' has no prior after 'orion~': write e.g. `\(flag)=orion~'uniform(0, 1)'`"
                        )
                    }
                    let prior = try UserCommand.additionMarker(expression, in: item)
                    let name = UserCommand.dimensionName(flag)
                    try define(name, prior, by: item, marked: prior != expression)
                    lastPrior = (name, pieces.count, [item], [item])
                    pieces.append(.value(prefix: flag + "=", dimension: name))
                    priorFlags[UserCommand.scriptFlag(flag)] = item
                    return
                }
                if UserCommand.dimensionName(flag) == configOption {
                    configArguments.append(
                        ConfigArgument(piece: pieces.count, path: value, prefix: flag + "=", written: item)
                    )
                }
                notePlain(UserCommand.scriptFlag(flag), item)
                try appendText(item)
                return
            }
            pendingOption = item
            notePlain(UserCommand.scriptFlag(item), item)
            try appendText(UserCommand.scriptFlag(item))
        }

        /// Makes the last option's prior an ordinary argument because `item` follows it
        /// (``UserCommand/ValuesAfterAPrior/orionList``): the option is a list of values, not a prior, and its items
        /// are passed as written (`-a orion~uniform(0, 1) extra`).
        private mutating func demoteLastPrior(followedBy item: String) {
            guard let prior = lastPrior else { return }
            lastPrior = nil
            priors[prior.name] = nil
            origins[prior.name] = nil
            markers.additions.remove(prior.name)
            pieces.replaceSubrange(prior.piece..<(prior.piece + 1), with: prior.asText.map(Piece.text))
            if let flag = priorFlags.first(where: { $0.value == prior.items.joined(separator: " ") })?.key {
                priorFlags[flag] = nil
                // `--a orion~prior`: the option counts as one of the plain ones again.
                if prior.items.count == 2 { plainFlags[flag]?.count += 1 }
            }
            let given = (prior.items + [item]).map { "'\($0)'" }.joined(separator: " ")
            notes.append(
                "\(given) gives the option several values, so it is not a prior and its items are passed as written, "
                    + "as Oríon read this command line when it created the experiment"
            )
        }

        private mutating func notePlain(_ flag: String, _ item: String) {
            plainFlags[flag] = (plainFlags[flag]?.item ?? item, (plainFlags[flag]?.count ?? 0) + 1)
        }

        /// Refuses an option given both a prior and a value (`-x~'uniform(0, 1)' ... -x 3`).
        ///
        /// The script would get both and keep one (argparse keeps the last), and every trial would run with the
        /// value while the experiment records a search. Oríon refuses any repeated option; other repeats are passed
        /// as written.
        func checkRepeatedPriorOptions() throws(CommandError) {
            for (flag, prior) in priorFlags.sorted(by: { $0.key < $1.key }) {
                guard let plain = plainFlags[flag], plain.count > 0 else { continue }
                throw CommandError(
                    .duplicateDimension,
                    "option \(flag) is given both a prior ('\(prior)') and a value ('\(plain.item) ...'): the script"
                        + " would get both and use one; keep one of them"
                )
            }
        }

        private mutating func definePositional(
            _ expression: String,
            by item: String,
            marked: Bool
        ) throws(CommandError) {
            let name = "/_pos_\(index)"
            try define(name, expression, by: item, marked: marked)
            pieces.append(.value(prefix: "", dimension: name))
        }

        /// Records `--y~-[value]` (a removal) or `--old~>new` (a renaming): nothing is passed to the script.
        ///
        /// - Returns: whether `expression` was one of these markers.
        private mutating func consumeMarker(
            _ expression: String,
            of name: String,
            in item: String
        ) throws(CommandError) -> Bool {
            guard let marker = expression.first, marker == "-" || marker == ">" else { return false }
            let rest = String(expression.dropFirst())
            if let previous = origins[name] {
                throw CommandError(
                    .duplicateDimension,
                    "dimension '\(name)' is defined twice, by '\(previous)' and by '\(item)': keep one of them"
                )
            }
            origins[name] = item
            if marker == "-" {
                markers.removals[name] = .some(rest.isEmpty ? nil : rest)
                return true
            }
            // `~>rate`, `~>/rate` (as the dimension is named) or `~>--rate`: one dimension; `~>/` names none.
            let target = rest.drop { $0 == "/" || $0 == "-" }
            guard !target.isEmpty, !target.contains("~") else {
                throw CommandError(
                    .invalidArgument,
                    "'\(item)' has no new name after '~>': write e.g. `\(item.prefix { $0 != "~" })~>new_name` with a"
                        + " prior for --new_name"
                )
            }
            markers.renames[name] = "/" + target
            return true
        }

        private mutating func define(
            _ name: String,
            _ expression: String,
            by item: String,
            marked: Bool = false
        ) throws(CommandError) {
            if marked { markers.additions.insert(name) }
            if let previous = origins[name] {
                throw CommandError(
                    .duplicateDimension,
                    "dimension '\(name)' is defined twice, by '\(previous)' and by '\(item)': keep one of them"
                )
            }
            origins[name] = item
            priors[name] = expression
        }

        private mutating func appendText(_ item: String) throws(CommandError) {
            // Validate templates now, so that a typo fails the hunt before any trial runs.
            _ = try TemplateContext.expand(item, with: nil)
            pieces.append(.text(item))
        }
    }

    /// Whether `item` starts an option: `-x`, `--lr`, but not `-`, `--`, or a negative number like `-1` or `-.5`.
    static func isOption(_ item: String) -> Bool {
        guard item.hasPrefix("-"), item != "-", item != "--" else { return false }
        let second = item[item.index(after: item.startIndex)]
        return !(second.isNumber || second == ".")
    }

    /// Whether the text after `~` is a prior: not empty and not a path (`--x~/data` is an ordinary argument).
    static func isPriorExpression(_ expression: String) -> Bool {
        !expression.isEmpty && !expression.hasPrefix("/")
    }

    /// The prior expression of an option's value (`--lr VALUE`, `--lr=VALUE`) when the value is a prior: after
    /// Oríon's `orion~`, or after any other word and a `~` when a name and `(` follow, with an optional `+`
    /// (`lr~loguniform(1e-5, 1)`, `x~+uniform(0, 1)`), as Oríon reads every `<word>~<expression>` value and as a
    /// string value of the script's configuration file is read (``ConfigTemplate``); `nil` for other values (`~/data`,
    /// `a~b`, `v1~2`), which are text.
    static func valuePrior(_ value: String) -> String? {
        if value.hasPrefix("orion~") { return String(value.dropFirst("orion~".count)) }
        guard let tilde = value.firstIndex(of: "~"), tilde != value.startIndex else { return nil }
        let expression = String(value[value.index(after: tilde)...])
        let body = expression.hasPrefix("+") ? expression.dropFirst() : Substring(expression)
        guard let first = body.first, first.isLetter || first == "_" else { return nil }
        let name = body.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard body.dropFirst(name.count).drop(while: \.isWhitespace).first == "(" else { return nil }
        return expression
    }

    /// The prior of an expression that may start with the branching marker `+` (`~+uniform(0, 1)`); the markers
    /// `-` and `>` are accepted only in the form `--name~-` / `--name~>new`.
    ///
    /// - Returns: the expression without its `+`.
    /// - Throws: ``CommandError`` `.invalidArgument` for `~-`/`~>` in another form, or `~+` without a prior.
    static func additionMarker(_ expression: String, in item: String) throws(CommandError) -> String {
        guard let marker = expression.first, "+->".contains(marker) else { return expression }
        guard marker == "+" else {
            throw CommandError(
                .invalidArgument,
                "'\(item)': the branching marker '~\(marker)' is written after an option name, e.g. `--y~-` or"
                    + " `--lr~>learning_rate`"
            )
        }
        let prior = String(expression.dropFirst())
        guard isPriorExpression(prior), !"+->".contains(prior.first ?? " ") else {
            throw CommandError(.invalidArgument, "'\(item)' has no prior after '~+': write e.g. `--z~+'uniform(0, 1)'`")
        }
        return prior
    }

    /// The option as the script gets it: one letter written with two dashes gets one (`--y` → `-y`), as Oríon,
    /// which renders every option so, passes it; anything else as written.
    static func scriptFlag(_ flag: String) -> String {
        guard flag.hasPrefix("--"), flag.count == 3, let letter = flag.last, letter.isLetter || letter == "_" else {
            return flag
        }
        return "-" + String(letter)
    }

    /// `/` and the option name without its leading dashes: `--lr` → `/lr`, `-x` → `/x`.
    static func dimensionName(_ flag: String) -> String {
        "/" + flag.drop(while: { $0 == "-" })
    }
}
