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
        try await CommandRunner.run(verbose: options.verbose) {
            try await HuntSession(options: options, huntOptions: huntOptions, userArguments: userArguments).run()
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
        var session = HuntSession(options: options, huntOptions: huntOptions, userArguments: userArguments)
        session.huntOptions.initOnly = true
        try await CommandRunner.run(verbose: options.verbose) { try await session.run() }
    }
}
