import ArgumentParser
import Foundation
import OrionCore

/// `orion`: the root command; each verb is one file in `Subcommands/`.
public struct OrionCommand: AsyncParsableCommand {
    /// The verbs, with Oríon's names.
    public static let configuration = CommandConfiguration(
        commandName: "orion",
        abstract: "Asynchronous hyperparameter and black-box optimization (Oríon, in Swift).",
        discussion: """
            Start with:  orion hunt -n demo --exp-max-trials 50 ./train.py --lr~'loguniform(1e-5, 1)'
            Then:        orion status    orion info -n demo    orion list
            orion --version (or -V): print the version.
            Before the verb, as in Oríon:
              -d, --debug   use an in-memory database: nothing is read or kept
              -v, -vv       add each error's cause
              --logdir DIR  accepted; orion's messages go to stderr
            """,
        subcommands: [
            Hunt.self, InitOnly.self, Insert.self, List.self, Status.self, Info.self, Db.self, Benchmark.self,
            Clean.self, Serve.self, Frontend.self, Plot.self,
        ]
    )

    /// `-V`: Oríon's short form of `--version`.
    ///
    /// `orion --version` itself is read before parsing (``runFromCommandLine()``): as a flag of this command it would
    /// also be read after the verb, where each verb that takes an experiment has its own `-v/--version N`; and
    /// ArgumentParser's automatic version flag shows on every verb's help, where it does not work.
    @Flag(name: .customShort("V"), help: "Print the version (same as --version).")
    var printVersion = false

    /// Creates the command (ArgumentParser).
    public init() {}

    /// With `-V`, prints `orion <version>`; with no verb, the help.
    public func run() throws {
        guard printVersion else { throw CleanExit.helpRequest(self) }
        print("orion \(OrionVersion.current)")
    }
}

extension OrionCommand {
    /// Parses `CommandLine.arguments`, runs the chosen verb and exits with its code (the `orion` executable).
    public static func runFromCommandLine() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `orion --version`, `orion -V`, also after Oríon's global verbosity flags (`orion -v -V`, as Oríon).
        let globalFlags: Set<String> = ["-v", "-vv", "-vvv", "--verbose", "-d", "--debug"]
        // Before the verb, whatever follows (`orion --version hunt`), as argparse's version action does.
        if ["--version", "-V"].contains(arguments.first { !globalFlags.contains($0) }) {
            print("orion \(OrionVersion.current)")
            Foundation.exit(0)
        }
        // Oríon prints the help of `hunt`, `init_only` and `insert` given nothing else (exit 0).
        if arguments.count == 1, let verb = verbsShowingHelpAlone[arguments[0]] {
            print(helpMessage(for: verb), terminator: "")
            Foundation.exit(0)
        }
        let (withoutLogDirectory, logDirectory) = removeLogDirectory(arguments)
        switch verbProblem(withoutLogDirectory) {
        case .none: break
        case .noVerb:
            // `orion -v` alone: the help, as Oríon prints it (exit 0).
            print(helpMessage(for: OrionCommand.self))
            Foundation.exit(0)
        case .unknown(let message):
            StandardStream.emit("Error: \(message)\n", to: 2)
            Foundation.exit(2)
        }
        if let logDirectory {
            StandardStream.emit(
                "note: --logdir \(logDirectory) is accepted for Oríon's command lines, but orion writes its messages"
                    + " to stderr (redirect them with 2>>FILE)\n",
                to: 2
            )
        }
        do {
            var command = try parseSplittingAttachedValues(withoutLogDirectory.map(escapingTripleDash))
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            // Oríon (argparse) exits with 2 on a usage error; ArgumentParser's own code for them is 64.
            if exitCode(for: error) == .validationFailure {
                StandardStream.emit(fullMessage(for: error) + "\n", to: 2)
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

extension OrionCommand {
    /// The verbs whose help Oríon prints when nothing follows them.
    static let verbsShowingHelpAlone: [String: any ParsableCommand.Type] = [
        "hunt": Hunt.self, "init-only": InitOnly.self, "init_only": InitOnly.self, "insert": Insert.self,
    ]

    /// The names the verbs of `command` can be given by (`init-only` and `init_only`), each with its verb.
    static func verbs(of command: any ParsableCommand.Type) -> [(name: String, verb: any ParsableCommand.Type)] {
        var names: [(name: String, verb: any ParsableCommand.Type)] = []
        let parent: CommandConfiguration = command.configuration
        for verb in parent.subcommands {
            let verbConfiguration: CommandConfiguration = verb.configuration
            names.append((verbConfiguration.commandName ?? verb._commandName, verb))
            for alias in verbConfiguration.aliases { names.append((alias, verb)) }
        }
        return names
    }

    /// What is wrong with the verb of a command line, before ArgumentParser reads it.
    enum VerbProblem: Equatable {
        /// Only Oríon's global flags (`orion -v`, `orion -d`): no verb.
        case noVerb
        /// A word that is not a verb (`orion hunnt -n x`), with the message: ArgumentParser blamed the option after
        /// it (`Unknown option '-n'`) or said `Unexpected argument`.
        case unknown(String)
    }

    /// The problem with the verb of `arguments` (without `--logdir`), or with the verb after it for the verbs that
    /// have their own (`orion db lod`), or `nil` when the verbs are known, or the arguments are for ArgumentParser to
    /// judge (`--help`, `-V`, an unknown option before the verb).
    static func verbProblem(_ arguments: [String]) -> VerbProblem? {
        let globalFlags: Set<String> = ["-v", "-vv", "-vvv", "--verbose", "-d", "--debug"]
        let rest = arguments.drop { globalFlags.contains($0) }
        guard !rest.isEmpty else { return arguments.isEmpty ? nil : .noVerb }
        var command: any ParsableCommand.Type = OrionCommand.self
        var path = "orion"
        for word in rest {
            let verbs = verbs(of: command)
            // `help` is ArgumentParser's, which prints the main help with exit 0 for a verb it does not know
            // (`orion help hunnt`): the verbs after it are checked as if they came alone.
            if word == "help", path == "orion" {
                let asked = Array(rest.dropFirst())
                guard !asked.isEmpty else { return nil }
                if let problem = verbProblem(asked), problem != .noVerb { return problem }
                // A word after a command without sub-commands was ignored (`orion help hunt hunnt`: hunt's help).
                var command: any ParsableCommand.Type = OrionCommand.self
                var named: [String] = []
                for word in asked where !word.hasPrefix("-") {
                    guard let verb = OrionCommand.verbs(of: command).first(where: { $0.name == word })?.verb else {
                        return .unknown("'\(word)' is not a command of 'orion \(named.joined(separator: " "))'")
                    }
                    command = verb
                    named.append(word)
                }
                return nil
            }
            // An option is the verb's to judge.
            guard !verbs.isEmpty, !word.hasPrefix("-"), word != "help" else { return nil }
            if let verb = verbs.first(where: { $0.name == word })?.verb {
                command = verb
                path += " " + word
                continue
            }
            let names = verbs.map(\.name)
            // The closest of those that start as the word does: `ls` is not `db`, an empty word has none.
            let guess = word.first.flatMap { first in
                Spelling.closest(to: word, in: names.filter { $0.first == first }).map { " (did you mean '\($0)'?)" }
            }
            let listed = names.filter { !$0.contains("_") }.joined(separator: ", ")
            let what = path == "orion" ? "command" : "\(path.dropFirst("orion ".count)) command"
            let see = path == "orion" ? "orion --help" : "\(path) --help"
            return .unknown(
                "unknown \(what) '\(word)'\(guess ?? ""); the \(what)s are \(listed) (see \(see))"
            )
        }
        return nil
    }

    /// Oríon's global `--logdir DIR` (or `--logdir=DIR`) removed from the options before the verb.
    ///
    /// Oríon writes its log there instead of stderr; swift-orion's messages are its stderr, so the option is
    /// accepted (a job script that passes it still runs) and the caller says that it has no effect.
    ///
    /// - Parameter arguments: the arguments without the program's name.
    /// - Returns: the arguments without the option, and its directory when it was given.
    static func removeLogDirectory(_ arguments: [String]) -> (arguments: [String], directory: String?) {
        var remaining: [String] = []
        var directory: String?
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("-") {
            let argument = arguments[index]
            if argument == "--logdir", index + 1 < arguments.count {
                directory = arguments[index + 1]
                index += 2
                continue
            }
            if argument.hasPrefix("--logdir=") {
                directory = String(argument.dropFirst("--logdir=".count))
            } else {
                remaining.append(argument)
            }
            index += 1
        }
        return (remaining + arguments[index...], directory)
    }

    /// What marks an argument that starts with `---` while the command line is parsed.
    static let tripleDashMark: Character = "\u{1F}"

    /// `argument` hidden from the argument parser when it starts with `---` (a script's own `---foo`, which the
    /// parser refuses as a malformed option before `hunt` can pass it on); ``unescapingTripleDash(_:)`` restores it.
    static func escapingTripleDash(_ argument: String) -> String {
        argument.hasPrefix("---") ? String(tripleDashMark) + argument : argument
    }

    /// A user argument as typed (see ``escapingTripleDash(_:)``).
    static func unescapingTripleDash(_ argument: String) -> String {
        argument.first == tripleDashMark ? String(argument.dropFirst()) : argument
    }

    /// The short options that take a value (`-n NAME`, `-v VERSION`, `-c FILE`, ...), which argparse also takes with
    /// the value attached (`-nNAME`, `-v2`, `-c../orion.yaml`).
    static let shortOptionsTakingValues: Set<Character> = ["b", "c", "n", "o", "p", "r", "s", "t", "u", "v"]

    /// Parses `arguments`, and when that fails, again with short options whose value is attached (`-nexp`, `-v2`)
    /// split from it, one at a time from the left, as argparse reads them; when no split helps, the error reported
    /// is the one of the arguments split furthest (it names the option that is wrong).
    ///
    /// Splitting only after a failure leaves a script's own arguments (after the script, which `hunt` and `insert`
    /// pass on as they are) untouched whenever orion's own options parse.
    ///
    /// - Parameter arguments: the arguments without the program's name.
    /// - Returns: the command to run.
    /// - Throws: the parse error of `arguments` as given.
    static func parseSplittingAttachedValues(_ arguments: [String]) throws -> any ParsableCommand {
        // Read as bundled flags, `-nmatched` holds `-h`: a help nobody asked for is a failure too.
        let asksForHelp = arguments.contains { ["-h", "--help", "help"].contains($0) }
        let parsed = Result { try parse(moveGlobalOptions(arguments)) }
        switch parsed {
        case .success(let command) where asksForHelp || String(describing: type(of: command)) != "HelpCommand":
            return command
        case .failure(let error) where asksForHelp && error is CleanExit:
            throw error
        default:
            break
        }
        var current = arguments
        var lastError: (any Error)?
        while let split = splittingFirstAttachedValue(current) {
            current = split
            do {
                return try parse(moveGlobalOptions(current))
            } catch {
                // Split far enough to read the options: what is left to report is this error, not the first.
                if !fullMessage(for: error).hasPrefix("Error: Unknown option"), !(error is CleanExit) { throw error }
                lastError = error is CleanExit ? lastError : error
            }
        }
        if let lastError { throw lastError }
        return try parsed.get()
    }

    /// The arguments with the first attached short option value split off (`-nexp` into `-n`, `exp`; `-anexp` into
    /// `-a`, `-n`, `exp`), or `nil`.
    ///
    /// Only short options of a verb that take a value count; options before the verb (`orion -vv hunt`) and those
    /// of `benchmark` (whose `-v` is a flag) are left alone.
    static func splittingFirstAttachedValue(_ arguments: [String]) -> [String]? {
        guard let verb = arguments.firstIndex(where: { !$0.hasPrefix("-") }), arguments[verb] != "benchmark" else {
            return nil
        }
        for index in arguments.indices.dropFirst(verb + 1) {
            let argument = arguments[index]
            guard argument.count > 2, argument.hasPrefix("-"), !argument.hasPrefix("--") else { continue }
            let letters = Array(argument.dropFirst())
            // Flags bundled before an option that takes a value, as argparse reads them: `-anNAME` is `-a -n NAME`,
            // `-an NAME` is `-a -n NAME`.
            guard let position = letters.firstIndex(where: { shortOptionsTakingValues.contains($0) }),
                letters[..<position].allSatisfy({ $0.isLetter }),
                position > 0 || letters.count > 1
            else { continue }
            var pieces = position > 0 ? ["-" + String(letters[..<position])] : []
            pieces.append("-" + String(letters[position]))
            if position + 1 < letters.count { pieces.append(String(letters[(position + 1)...])) }
            var split = arguments
            split.replaceSubrange(index...index, with: pieces)
            return split
        }
        return nil
    }

    /// Parses `arguments` as moved by ``moveGlobalOptions(_:)``: first with the global `--verbose` after the verb,
    /// then, when the verb has no such option (`orion -v db setup`), without it.
    ///
    /// - Parameter moved: the arguments and whether Oríon's global verbosity was given.
    /// - Returns: the command to run.
    /// - Throws: the parse error of the arguments without `--verbose`.
    static func parse(_ moved: (arguments: [String], verbose: [String])) throws -> any ParsableCommand {
        if moved.verbose != moved.arguments, let command = try? parseAsRoot(moved.verbose) { return command }
        return try parseAsRoot(moved.arguments)
    }

    /// Oríon's global options given before the verb, moved just after it (after `db <sub>` and `benchmark <sub>`),
    /// where each command parses them: `-d/--debug` (`orion -d hunt ...`), and the verbosity `-v`, `-vv`
    /// (`orion -v hunt ...`) or `--verbose`, which becomes `--verbose` (after the verb `-v` is the version).
    ///
    /// - Parameter arguments: the arguments without the program's name.
    /// - Returns: the arguments to parse, and the same with `--verbose` after the verb when a verbosity was given
    ///   (else the same arguments).
    static func moveGlobalOptions(_ arguments: [String]) -> (arguments: [String], verbose: [String]) {
        guard let verb = arguments.firstIndex(where: { !$0.hasPrefix("-") }) else { return (arguments, arguments) }
        let global = arguments[..<verb]
        func isDebug(_ flag: String) -> Bool { flag == "-d" || flag == "--debug" }
        func isVerbosity(_ flag: String) -> Bool {
            flag == "--verbose" || (flag.count > 1 && flag.hasPrefix("-") && flag.dropFirst().allSatisfy { $0 == "v" })
        }
        let debug = global.contains(where: isDebug)
        let verbose = global.contains(where: isVerbosity)
        guard debug || verbose else { return (arguments, arguments) }
        let kept = Array(global.filter { !isDebug($0) && !isVerbosity($0) })
        var position = verb + 1
        if ["db", "benchmark"].contains(arguments[verb]), position < arguments.count,
            !arguments[position].hasPrefix("-")
        {
            position += 1
        }
        let head = kept + arguments[verb..<position] + (debug ? ["--debug"] : [])
        let tail = Array(arguments[position...])
        return (head + tail, verbose ? head + ["--verbose"] + tail : head + tail)
    }
}
