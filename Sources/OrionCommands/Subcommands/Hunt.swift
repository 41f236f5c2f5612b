import ArgumentParser
import Foundation
import OrionAlgorithms
import OrionCore
import OrionWorker

/// `orion hunt`: create or resume an experiment and run trials of the user's script until it is done.
struct Hunt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an optimization: create or resume an experiment and execute trials of the user's command.",
        discussion: """
            Oríon options come before the user's script; everything after the script goes to it. Priors are written
            after a tilde: ./train.py --lr~'loguniform(1e-5, 1)' --opt~'choices(["adam", "sgd"])'
            """
    )

    @OptionGroup var options: ExperimentOptions
    @OptionGroup var huntOptions: HuntOptions

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("The user's script and its arguments, with priors.", valueName: "script-and-args")
    )
    var userArguments: [String] = []

    func run() async throws {
        // The passthrough argument captures `--help` when it comes first: answer it as help.
        if let first = userArguments.first, ["-h", "--help", "-help"].contains(first) {
            throw CleanExit.helpRequest(self)
        }
        Self.warnDeprecated(in: CommandLine.arguments, userArguments: userArguments)
        var huntOptions = huntOptions
        huntOptions.preferCanonicalFlags(in: CommandLine.arguments, userArguments: userArguments)
        try await CommandRunner.run(verbose: options.verbose) {
            try await HuntSession(options: options, huntOptions: huntOptions, userArguments: userArguments).run()
        }
    }
}

extension Hunt {
    /// Oríon's deprecation warnings for what this command was given before the user's script (whose own arguments
    /// are not looked at): `init_only`, `--max-trials`, `--worker-trials`, which still work.
    ///
    /// - Parameters:
    ///   - arguments: the command line, the program first.
    ///   - userArguments: the user's script and its arguments, at the end of `arguments`.
    ///   - initOnly: whether the command is `init_only`.
    /// - Returns: the warnings, one line each.
    static func deprecationWarnings(in arguments: [String], userArguments: [String], initOnly: Bool = false)
        -> [String]
    {
        let own = arguments.dropFirst().dropLast(userArguments.count)
        var warnings: [String] = []
        if initOnly {
            warnings.append(
                "Warning: Command init_only is deprecated and will be removed in v0.3. Use orion hunt --init-only"
                    + " instead."
            )
        }
        for (flag, replacement) in deprecatedFlags where own.contains(where: { $0 == flag || $0.hasPrefix(flag + "=") })
        {
            warnings.append("Warning: \(flag) is deprecated and will be removed in v0.3. Use \(replacement) instead")
        }
        return warnings
    }

    /// The deprecated flags and the flags that replace them, which win when both are given.
    static let deprecatedFlags = [("--max-trials", "--exp-max-trials"), ("--worker-trials", "--worker-max-trials")]

    /// Prints ``deprecationWarnings(in:userArguments:initOnly:)`` on stderr.
    static func warnDeprecated(in arguments: [String], userArguments: [String], initOnly: Bool = false) {
        for warning in deprecationWarnings(in: arguments, userArguments: userArguments, initOnly: initOnly) {
            StandardStream.emit(warning + "\n", to: 2)
        }
    }
}

/// `orion init-only`: `orion hunt --init-only` (deprecated in Oríon, kept for scripts that use it).
struct InitOnly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-only",
        abstract: "Create or update an experiment without running trials (same as hunt --init-only).",
        aliases: ["init_only"]
    )

    @OptionGroup var options: ExperimentOptions
    @OptionGroup var huntOptions: HuntOptions

    @Argument(parsing: .captureForPassthrough, help: "The user's script and its arguments, with priors.")
    var userArguments: [String] = []

    func run() async throws {
        if let first = userArguments.first, ["-h", "--help", "-help"].contains(first) {
            throw CleanExit.helpRequest(self)
        }
        Hunt.warnDeprecated(in: CommandLine.arguments, userArguments: userArguments, initOnly: true)
        var huntOptions = huntOptions
        huntOptions.preferCanonicalFlags(in: CommandLine.arguments, userArguments: userArguments)
        var session = HuntSession(options: options, huntOptions: huntOptions, userArguments: userArguments)
        session.huntOptions.initOnly = true
        try await CommandRunner.run(verbose: options.verbose) { try await session.run() }
    }
}
