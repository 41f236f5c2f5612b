import ArgumentParser
import OrionCore
import OrionWorker

/// `orion status`: trial counts by status and the best objective, per experiment.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the number of trials by status and the best objective of each experiment."
    )

    @OptionGroup var options: ExperimentOptions

    @Flag(name: [.customShort("a"), .long], help: "List every trial with its status and objective.")
    var all = false

    @Flag(name: [.customShort("C"), .long], help: "Count the trials of an experiment's child versions with it.")
    var collapse = false

    @Flag(name: [.customShort("e"), .customLong("expand-versions")], help: "Show each version of an experiment.")
    var expandVersions = false

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let context = try CommandContext(options: options)
            let name = options.name ?? context.configuration.experiment.name
            // With a name, a version starts the tree there (as in Oríon); without one, there is no tree to start.
            if options.version != nil, name == nil, collapse || expandVersions {
                throw UsageError(
                    "--collapse and --expand-versions with --version need the experiment's name (-n NAME)"
                )
            }
            // A named experiment that does not exist is an error, as with `orion info` (exit 1, one line); with no
            // name, an empty database prints "No experiment found" (exit 0), as in Oríon.
            // A version named by the -c file counts as -v (Oríon merges them), unless the flags ask for every version.
            let fileVersion = collapse || expandVersions ? nil : context.configuration.experiment.version
            let version = try await context.resolvedVersion(of: name, options.version ?? fileVersion)
            if let name, try await context.storage.experiment(named: name, version: version) == nil {
                let which = version.map { " and version \($0)" } ?? ""
                throw ExperimentError(.notFound, "no experiment named '\(name)'\(which); run `orion list` to see them")
            }
            let text = try await Reports.status(
                storage: context.storage,
                name: name,
                version: version,
                all: all,
                collapse: collapse,
                expandVersions: expandVersions
            )
            print(text, terminator: "")
        }
    }
}
