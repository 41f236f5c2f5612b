import ArgumentParser
import OrionCore

/// `orion info`: everything about one experiment.
struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an experiment's configuration, space, algorithm, statistics and best trial."
    )

    @OptionGroup var options: ExperimentOptions

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let context = try CommandContext(options: options)
            guard let name = options.name ?? context.configuration.experiment.name else {
                throw UsageError("orion info needs an experiment name: orion info -n NAME")
            }
            let version = try await context.resolvedVersion(
                of: name,
                context.configuration.experiment.version
            )
            print(
                try await Reports.info(storage: context.storage, name: name, version: version),
                terminator: ""
            )
        }
    }
}
