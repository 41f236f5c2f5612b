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

    /// `-c/--config`, `--storage`, `--verbose` and `-d/--debug`, which commands that name no experiment take alone.
    @OptionGroup var common: StorageOptions

    /// `-c/--config`: an Oríon configuration file.
    var config: String? {
        get { common.config }
        set { common.config = newValue }
    }

    /// `--storage`: the storage address.
    var storage: String? {
        get { common.storage }
        set { common.storage = newValue }
    }

    /// `--verbose`: print the chain of causes under an error.
    var verbose: Bool {
        get { common.verbose }
        set { common.verbose = newValue }
    }

    /// `orion -d/--debug VERB`: an in-memory storage, whatever the configuration says (Oríon's EphemeralDB);
    /// ``OrionCommand/moveGlobalOptions(_:)`` moves the flag after the verb, where it is parsed.
    var debug: Bool {
        get { common.debug }
        set { common.debug = newValue }
    }

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
