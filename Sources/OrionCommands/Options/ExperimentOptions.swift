import ArgumentParser

/// Oríon's "basic" options, shared by `hunt`, `insert`, `list`, `status` and `info`; the settings' names, help and
/// checks come from the settings table.
struct ExperimentOptions: ParsableArguments {
    @Option(
        name: Setting.argumentNames("experiment.name"),
        parsing: .unconditional,
        help: Setting.argumentHelp("experiment.name")
    )
    var name: String?

    @Option(
        name: Setting.argumentNames("experiment.user"),
        parsing: .unconditional,
        help: Setting.argumentHelp("experiment.user")
    )
    var user: String?

    @Option(
        name: Setting.argumentNames("experiment.version"),
        parsing: .unconditional,
        help: Setting.argumentHelp("experiment.version")
    )
    var version: Int?

    @Option(name: [.customShort("c"), .long], help: "An Oríon configuration file (YAML).")
    var config: String?

    @Option(
        name: Setting.argumentNames("storage.address"),
        parsing: .unconditional,
        help: Setting.argumentHelp("storage.address")
    )
    var storage: String?

    @Flag(name: .long, help: "Print the chain of causes under an error, one line each.")
    var verbose = false

    /// `orion -d/--debug VERB`: an in-memory storage, whatever the configuration says (Oríon's EphemeralDB);
    /// ``OrionCommand/moveGlobalOptions(_:)`` moves the flag after the verb, where it is parsed.
    @Flag(name: [.customShort("d"), .long], help: .hidden)
    var debug = false

    /// Each setting's flag value, by key (`nil` when the flag is not given).
    var settings: [(key: String, text: String?)] {
        [
            ("experiment.name", name),
            ("experiment.version", version.map(String.init)),
            ("experiment.user", user),
            ("storage.address", storage),
        ]
    }
}
