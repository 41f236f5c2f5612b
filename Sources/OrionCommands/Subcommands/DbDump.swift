import ArgumentParser
import Foundation
import OrionCore
import OrionSQLite
import OrionWorker

/// `orion db dump`: experiments with their trials, to a JSON file (docs/dump-format.md).
struct DbDump: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Write experiments and their trials to a JSON file (all, or -n NAME [-v VERSION]).",
        discussion: "Load the file into any database with orion db load; the format is in docs/dump-format.md."
    )

    @OptionGroup var options: ExperimentOptions

    @Option(name: [.customShort("o"), .long], help: "The file to write; - writes to the standard output.")
    var output = "dump.json"

    @Flag(name: [.customShort("f"), .long], help: "Overwrite the output file if it exists.")
    var force = false

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let toStandardOutput = output == "-"
            if !toStandardOutput, !force, FileManager.default.fileExists(atPath: output) {
                throw UsageError("\(output) exists already: add -f (--force) to overwrite it, or choose -o PATH")
            }
            let context = try CommandContext(options: options)
            // The experiment may be named in the -c file too, as for `orion status` (Oríon merges the file's
            // `experiment:` section; probe p44c: every experiment was dumped).
            let name = options.name ?? context.configuration.experiment.name
            let version = options.version ?? (options.name == nil ? context.configuration.experiment.version : nil)
            if !toStandardOutput, let database = context.storage as? SQLiteStorage,
                let file = Self.databaseFile(database.path, writtenBy: output)
            {
                try await context.closingStorage {
                    throw UsageError(
                        "-o \(output) is the database's own file (\(file)): a dump cannot replace the database it"
                            + " reads; choose another -o PATH"
                    )
                }
            }
            // The text is written as it is made, one experiment's trials in memory at a time; a file is written
            // beside its name and renamed into place at the end, so a failed dump leaves no partial file.
            if toStandardOutput {
                // `-` is the standard output (`orion db dump -o - | gzip`); the summary goes to stderr.
                let written = try await context.closingStorage {
                    try await ExperimentDump.write(from: context.storage, name: name, version: version) {
                        FileHandle.standardOutput.write($0)
                    }
                }
                StandardStream.emit("\(Self.summary(written)) the standard output\n", to: 2)
                return
            }
            let file = try PartialFile(replacing: output)
            let written: ExperimentDump.Written
            do {
                written = try await context.closingStorage {
                    try await ExperimentDump.write(from: context.storage, name: name, version: version) {
                        try file.write($0)
                    }
                }
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
            print("\(Self.summary(written)) \(output)")
        }
    }

    /// The file of the SQLite database at `path` (itself, its journal, its write-ahead log or its index of it) that
    /// `output` is, if any: Oríon refuses a dump to its database too (probe p44c: `-o orion.db -f` replaced it).
    static func databaseFile(_ path: String, writtenBy output: String) -> String? {
        var target = stat()
        guard stat(output, &target) == 0 else { return nil }
        return [path, path + "-journal", path + "-wal", path + "-shm"].first { file in
            var info = stat()
            return stat(file, &info) == 0 && info.st_dev == target.st_dev && info.st_ino == target.st_ino
        }
    }

    /// The first words of the line that reports a dump.
    static func summary(_ written: ExperimentDump.Written) -> String {
        "Dumped \(written.experiments) experiment(s) and \(written.trials) trial(s) to"
    }
}
