import ArgumentParser
import OrionCore
import OrionWorker

/// `orion db set NAME QUERY UPDATE`: change the status of some trials (Oríon's query syntax).
struct DbSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set the status of an experiment's trials: orion db set NAME status=broken status=new",
        usage: "orion db set [<options>] [NAME] QUERY UPDATE",
        discussion:
            "NAME is the experiment's name (or -n NAME); QUERY is *, status=<status> or id=<trial id>; UPDATE is"
            + " status=<status>."
    )

    @OptionGroup var options: ExperimentOptions

    @Argument(help: "NAME (or -n NAME), QUERY (*, status=<status> or id=<trial id>) and UPDATE (status=<status>).")
    var words: [String] = []

    @Flag(name: [.customShort("f"), .long], help: "Do not ask to type the name again.")
    var force = false

    /// The experiment's name, the query and the update, from the arguments and `-n`.
    func parts() throws -> (name: String?, query: String, update: String) {
        let named = options.name != nil
        switch words.count {
        case 3: return (try DbSupport.name(argument: words[0], flag: options.name, verb: "set"), words[1], words[2])
        case 2 where named: return (options.name, words[0], words[1])
        default:
            throw UsageError(
                "orion db set takes \(named ? "QUERY UPDATE after -n NAME" : "NAME QUERY UPDATE")"
                    + " (e.g. status=broken status=new), got \(words.count) argument\(words.count == 1 ? "" : "s")"
            )
        }
    }

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let (experimentName, query, update) = try parts()
            let trialQuery = try DatabaseMaintenance.TrialQuery(parsing: query)
            _ = try DatabaseMaintenance.statusUpdate(parsing: update)  // checked before anything is said or asked
            let context = try CommandContext(options: options)
            try await context.closingStorage {
                let experiment = try await DbSupport.experiment(
                    named: experimentName,
                    version: options.version,
                    storage: context.storage,
                    verb: "set"
                )
                // As in Oríon, the update applies to the experiment and to its child versions.
                let stored = try await context.storage.experiments()
                // Refused before the prompt, and before any version is changed.
                try await DatabaseMaintenance.checkSet(
                    matching: trialQuery,
                    update: update,
                    of: ExperimentTree.versions(under: experiment, in: stored),
                    storage: context.storage
                )
                try DbSupport.confirm(
                    root: experiment,
                    stored: stored,
                    effect: "The trials matching `\(query)` in these experiments will be changed to `\(update)`.",
                    hints: ["To act on one version and the versions below it, use -v VERSION; its parents stay."],
                    action: "set",
                    force: force
                )
                var modified = 0
                for version in ExperimentTree.versions(under: experiment, in: stored) {
                    modified += try await DatabaseMaintenance.setTrials(
                        matching: trialQuery,
                        update: update,
                        of: version,
                        storage: context.storage
                    )
                }
                print("\(modified) trials modified")
            }
        }
    }
}
