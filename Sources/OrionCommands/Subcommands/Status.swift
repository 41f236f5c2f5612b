import ArgumentParser
import OrionCore

/// `orion status`: trial counts by status and the best objective, per experiment.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the number of trials by status and the best objective of each experiment."
    )

    @OptionGroup var options: ExperimentOptions

    @Flag(name: [.customShort("a"), .long], help: "List every trial with its status and objective.")
    var all = false

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let context = try CommandContext(options: options)
            let text = try await Reports.status(
                storage: context.storage,
                name: options.name ?? context.configuration.experiment.name,
                version: options.version,
                all: all
            )
            print(text, terminator: "")
        }
    }
}
