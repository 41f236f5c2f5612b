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
            orion -d VERB ... (--debug): use an in-memory database; nothing is read or kept.
            """,
        version: "orion \(OrionVersion.current)",
        subcommands: [
            Hunt.self, InitOnly.self, Insert.self, List.self, Status.self, Info.self, Db.self, Benchmark.self,
            Clean.self, Serve.self, Plot.self,
        ]
            + NotImplemented.commands
    )

    /// `-V`: Oríon's short form of `--version`.
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
        do {
            var command = try parseAsRoot(moveGlobalOptions(Array(CommandLine.arguments.dropFirst())))
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
    /// The arguments with Oríon's global `-d/--debug`, given before the verb (`orion -d hunt ...`), moved just
    /// after it (after `db <sub>` for `orion db`), where each command parses it.
    ///
    /// - Parameter arguments: the arguments without the program's name.
    /// - Returns: the arguments to parse.
    static func moveGlobalOptions(_ arguments: [String]) -> [String] {
        guard let verb = arguments.firstIndex(where: { !$0.hasPrefix("-") }) else { return arguments }
        let global = arguments[..<verb]
        guard global.contains(where: { $0 == "-d" || $0 == "--debug" }) else { return arguments }
        var rest = Array(global.filter { $0 != "-d" && $0 != "--debug" })
        var position = verb + 1
        if arguments[verb] == "db", position < arguments.count, !arguments[position].hasPrefix("-") { position += 1 }
        rest += arguments[verb..<position]
        rest.append("--debug")
        rest += arguments[position...]
        return rest
    }
}
