import ArgumentParser
import Foundation
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
            // Someone who moved from Oríon finds nothing here: say where their experiments are.
            if !options.debug,
                let pickled = Self.orionDatabase(
                    address: context.configuration.storage.address,
                    environment: ProcessInfo.processInfo.environment
                ), try await context.storage.experiments().isEmpty
            {
                StandardStream.emit(
                    "note: Oríon's database \(pickled) exists; this orion keeps its own (SQLite): to see Oríon's "
                        + "experiments here, convert it with scripts/import-orion.py and `orion db load` "
                        + "(docs/migrating-from-orion.md)\n",
                    to: 2
                )
            }
        }
    }

    /// Oríon's default PickledDB, where someone who moved from Oríon has their experiments.
    ///
    /// `nil` when it does not exist or a storage address is given.
    static func orionDatabase(address: String?, environment: [String: String]) -> String? {
        guard address?.isEmpty ?? true else { return nil }
        let pickled = StorageFactory.dataDirectory(environment: environment) + "/orion.core/orion/orion_db.pkl"
        return FileManager.default.fileExists(atPath: pickled) ? pickled : nil
    }
}
