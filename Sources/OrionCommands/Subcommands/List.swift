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
            if let note = Self.orionDatabaseNote(
                empty: try await context.storage.experiments().isEmpty,
                address: context.configuration.storage.address,
                environment: ProcessInfo.processInfo.environment
            ) {
                StandardStream.emit(note, to: 2)
            }
        }
    }

    /// A note for someone who moved from Oríon, whose experiments are in Oríon's default PickledDB.
    ///
    /// This program does not read that file, and its own default database is empty. `nil` otherwise.
    static func orionDatabaseNote(empty: Bool, address: String?, environment: [String: String]) -> String? {
        guard empty, address?.isEmpty ?? true else { return nil }
        let data =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        let pickled = data + "/orion.core/orion/orion_db.pkl"
        guard FileManager.default.fileExists(atPath: pickled) else { return nil }
        return "note: Oríon's database \(pickled) exists; this orion keeps its own (SQLite): to see Oríon's "
            + "experiments here, convert it with scripts/import-orion.py and `orion db load` "
            + "(docs/migrating-from-orion.md)\n"
    }
}
