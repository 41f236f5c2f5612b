import ArgumentParser
import Foundation
import OrionCore
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
            let dump = try await context.closingStorage {
                try await ExperimentDump.read(from: context.storage, name: options.name, version: options.version)
            }
            let trials = dump.experiments.map(\.trials.count).reduce(0, +)
            let summary = "Dumped \(dump.experiments.count) experiment(s) and \(trials) trial(s) to"
            if toStandardOutput {
                // `-` is the standard output (`orion db dump -o - | gzip`); the summary goes to stderr.
                FileHandle.standardOutput.write(try dump.encoded())
                StandardStream.emit("\(summary) the standard output\n", to: 2)
                return
            }
            do {
                try dump.encoded().write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw UsageError(
                    "cannot write \(output): \(TextFile.whyNotWritable(output) ?? error.localizedDescription)"
                )
            }
            print("\(summary) \(output)")
        }
    }
}
