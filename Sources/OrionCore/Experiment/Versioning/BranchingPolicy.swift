/// How the conflicts of a changed experiment are resolved: the markers in the command line and Oríon's `evc`
/// options (`--algorithm-change`, `--code-change-type`, `--manual-resolution`, ...).
public struct BranchingPolicy: Sendable, Hashable {
    /// The markers written in the command line (`~+`, `~-`, `~>`).
    public var markers: BranchingMarkers
    /// Whether an algorithm change is accepted explicitly (`--algorithm-change`).
    public var algorithmChange: Bool
    /// How a code change affects results (`--code-change-type`); `nil` means not given (Oríon's default, `break`).
    public var codeChangeType: ChangeType?
    /// How a command-line change affects results (`--cli-change-type`); `nil` means not given (`break`).
    public var commandLineChangeType: ChangeType?
    /// How a change of the script's configuration file affects results (`--config-change-type`); `nil` means not
    /// given (`break`).
    public var configChangeType: ChangeType?
    /// Whether code changes are not conflicts at all (`--ignore-code-changes`).
    public var ignoreCodeChanges: Bool
    /// Script arguments whose changes are not conflicts (`--non-monitored-arguments a:b`), without dashes.
    public var nonMonitoredArguments: [String]
    /// Whether only explicitly marked resolutions count (`--manual-resolution`); the others are refused, since
    /// swift-orion has no interactive prompt.
    public var manualResolution: Bool

    /// Creates a policy; by default every conflict is resolved automatically, as in Oríon.
    ///
    /// - Parameters:
    ///   - markers: the command line's markers.
    ///   - algorithmChange: `--algorithm-change`.
    ///   - codeChangeType: `--code-change-type`.
    ///   - commandLineChangeType: `--cli-change-type`.
    ///   - configChangeType: `--config-change-type`.
    ///   - ignoreCodeChanges: `--ignore-code-changes`.
    ///   - nonMonitoredArguments: `--non-monitored-arguments`.
    ///   - manualResolution: `--manual-resolution`.
    public init(
        markers: BranchingMarkers = BranchingMarkers(),
        algorithmChange: Bool = false,
        codeChangeType: ChangeType? = nil,
        commandLineChangeType: ChangeType? = nil,
        configChangeType: ChangeType? = nil,
        ignoreCodeChanges: Bool = false,
        nonMonitoredArguments: [String] = [],
        manualResolution: Bool = false
    ) {
        self.markers = markers
        self.algorithmChange = algorithmChange
        self.codeChangeType = codeChangeType
        self.commandLineChangeType = commandLineChangeType
        self.configChangeType = configChangeType
        self.ignoreCodeChanges = ignoreCodeChanges
        self.nonMonitoredArguments = nonMonitoredArguments
        self.manualResolution = manualResolution
    }
}

/// The branching markers of a command line: `--z~+'prior'` (add or change), `--y~-` / `--y~-0.5` (remove, with the
/// value the parent's trials must have), `--lr~>learning_rate` (rename).
public struct BranchingMarkers: Sendable, Hashable, Codable {
    /// Dimensions written with `~+`.
    public var additions: Set<String>
    /// Dimensions written with `~-`, with the value after the marker as written (`nil` when none).
    public var removals: [String: String?]
    /// Dimensions written with `~>`: old name → new name.
    public var renames: [String: String]

    /// Creates markers; by default none.
    ///
    /// - Parameters:
    ///   - additions: `~+` dimensions.
    ///   - removals: `~-` dimensions and their values.
    ///   - renames: `~>` renamings.
    public init(additions: Set<String> = [], removals: [String: String?] = [:], renames: [String: String] = [:]) {
        self.additions = additions
        self.removals = removals
        self.renames = renames
    }

    /// Whether there is no marker.
    public var isEmpty: Bool { additions.isEmpty && removals.isEmpty && renames.isEmpty }
}
