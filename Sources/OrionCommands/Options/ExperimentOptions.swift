import ArgumentParser

/// Oríon's "basic" options, shared by `hunt`, `insert`, `list`, `status` and `info`.
struct ExperimentOptions: ParsableArguments {
    @Option(name: [.customShort("n"), .long], help: "The experiment's name.")
    var name: String?

    @Option(name: [.customShort("u"), .long], help: "The user recorded in the experiment's metadata (default: $USER).")
    var user: String?

    @Option(
        name: [.customShort("v"), .customLong("version")],
        help: "The experiment's version (default: the latest)."
    )
    var version: Int?

    @Option(name: [.customShort("c"), .long], help: "An Oríon configuration file (YAML).")
    var config: String?

    @Option(
        name: .long,
        help: "Where experiments are stored: sqlite:///path/orion.db (default: ~/.local/share/orion/orion.db), memory:."
    )
    var storage: String?

    @Flag(name: .long, help: "Print the cause of errors in full.")
    var verbose = false
}
