import ArgumentParser

/// The options of a command that reads storage but names no experiment (`orion serve`): the configuration file,
/// the storage address and `--verbose`, without `ExperimentOptions`' `-n/-u/-v`, which such a command would ignore.
struct StorageOptions: ParsableArguments {
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

    /// The same settings as experiment options with no experiment named, for ``CommandContext``.
    ///
    /// - Throws: never in practice (parsing no arguments).
    func experimentOptions() throws -> ExperimentOptions {
        var options = try ExperimentOptions.parse([])
        options.common = self
        return options
    }
}
