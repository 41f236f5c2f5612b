import ArgumentParser
import Foundation
import OrionCore
import OrionWorker

extension ConflictPolicy: ExpressibleByArgument {}

/// `orion db load FILE`: experiments from a dump, into the configured database.
struct DbLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load the experiments of a dump file (all, or -n NAME [-v VERSION]) into the database.",
        discussion: """
            An experiment that exists already (same name and version) stops the load, unless --resolve says what to \
            do: ignore (keep the stored one), overwrite (replace it), bump (load as a new version).
            """
    )

    @OptionGroup var options: ExperimentOptions

    @Argument(help: "The dump file (written by orion db dump or scripts/import-orion.py); - reads the standard input.")
    var file: String

    @Option(name: [.customShort("r"), .long], help: "On an existing experiment: ignore, overwrite or bump.")
    var resolve: ConflictPolicy?

    @Flag(
        name: [.customShort("f"), .long],
        help:
            "With --resolve overwrite: replace experiments whose trials are running (their workers' results are lost)."
    )
    var force = false

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let data: Data
            do {
                // `-` is the standard input (`orion db dump -o - | ssh host orion db load -`).
                data =
                    file == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                let reason = TextFile.whyNotReadable(file).map { "it " + $0 } ?? error.localizedDescription
                throw UsageError("cannot read \(file): \(reason)")
            }
            var dump = try ExperimentDump.decode(data, source: file)
            // The experiment may be named in the -c file too (Oríon merges its `experiment:` section; probe p44c).
            let configured = try CommandContext.resolveConfiguration(options: options)
            let version = options.version ?? (options.name == nil ? configured.experiment.version : nil)
            if let name = options.name ?? configured.experiment.name {
                dump.experiments = dump.experiments.filter {
                    $0.experiment.name == name && (version == nil || $0.experiment.version == version)
                }
                guard !dump.experiments.isEmpty else {
                    let which = version.map { " with version \($0)" } ?? ""
                    throw ExperimentError(.notFound, "\(file) has no experiment named '\(name)'\(which) to load")
                }
            }
            // Oríon takes any name; ours follow a rule (`ExperimentName`). Such an experiment loads and can be read,
            // but no hunt can name it: said before anything is written.
            var unusable: Set<String> = []
            for entry in dump.experiments {
                let name = entry.experiment.name
                guard let problem = ExperimentName.problem(with: name), unusable.insert(name).inserted else { continue }
                StandardStream.emit(
                    "note: experiment \(ExperimentName.display(name)) \(problem): it is loaded and can be read"
                        + " (status, info, plot, serve), but `orion hunt` cannot name it; to resume it, rename it in"
                        + " \(file) (\(ExperimentName.rule)) and load it again\n",
                    to: 2
                )
            }
            // Before the target is opened: a refused file leaves no new, empty database behind.
            try dump.check()
            let context = try CommandContext(options: options, createStorage: true)
            let report = try await context.closingStorage {
                if resolve == .overwrite, !force { try await Self.refuseLiveOverwrite(of: dump, in: context.storage) }
                return try await dump.load(checkedInto: context.storage, resolve: resolve)
            }
            for name in report.overwritten { print("Overwritten \(name)") }
            for name in report.ignored { print("Ignored \(name): it exists already") }
            print(
                "Loaded \(report.loaded.count) experiment(s) and \(report.trials) trial(s)"
                    + (report.loaded.isEmpty ? "" : ": " + Self.names(report.loaded))
            )
            if report.repeated > 0 {
                print(
                    "Left out \(report.repeated) trial(s) whose values repeat another trial's of the same experiment"
                        + " (such as 1 and 1.0 of a real dimension, two trials in Oríon 0.2.7, one value here)"
                )
            }
        }
    }

    /// Throws when `--resolve overwrite` would replace an experiment whose trials are running.
    ///
    /// Its hunts would go on under the same id, their results landing in the replaced experiment, and what had
    /// completed would be gone (a live overwrite deleted 20 results, and 15 trials ran twice). `--force` replaces it
    /// anyway.
    static func refuseLiveOverwrite(of dump: ExperimentDump, in storage: any Storage) async throws {
        var live: [String] = []
        for entry in dump.experiments {
            let dumped = entry.experiment
            guard let stored = try await storage.experiment(named: dumped.name, version: dumped.version),
                let running = try await storage.countTrials(of: stored.id)[.reserved], running > 0
            else { continue }
            live.append("\(stored.displayName) (\(running) running)")
        }
        guard !live.isEmpty else { return }
        throw UsageError(
            "--resolve overwrite would replace experiments whose trials are running: \(live.joined(separator: ", "));"
                + " stop every worker of these experiments first (if they are gone already, `orion db release` their"
                + " trials), or give --force to replace them anyway"
        )
    }

    /// The loaded versions' names for the summary line: all of them up to 20, else the first ones and how many more
    /// (a dump of 1,000 experiments printed a line of 10 KB).
    static func names(_ loaded: [String]) -> String {
        ExperimentDump.listed(loaded) + (loaded.count > ExperimentDump.listedAtMost ? " (orion list shows them)" : "")
    }
}
