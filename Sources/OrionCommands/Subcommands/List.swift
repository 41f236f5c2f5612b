import ArgumentParser
import OrionCore

/// `orion list`: the stored experiments.
struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the stored experiments.")

    @OptionGroup var options: ExperimentOptions

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let context = try CommandContext(options: options)
            let text = try await Reports.list(storage: context.storage, name: options.name, version: options.version)
            print(text, terminator: "")
        }
    }
}
