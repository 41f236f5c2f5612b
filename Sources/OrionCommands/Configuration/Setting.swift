import OrionCore

/// One configuration setting, declared once in ``all`` (`Setting+Table.swift`): its YAML key, `ORION_*` variable,
/// flag, type, default and one-line summary.
///
/// Everything else derives from the declarations: the keys each YAML section accepts, the variables read from the
/// environment, the flags' layer, the precedence (``ConfigurationLoader/resolve(_:)`` merges key by key over the
/// table), the type and range checks (one ``Kind`` per setting, so a flag, a variable and a file get the same
/// check and the same message), and the table in docs/configuration.md (``markdownTable``).
public struct Setting: Sendable {
    /// A setting's type and range; a value from any source is checked against it.
    public enum Kind: Sendable, Equatable {
        /// Any text.
        case string
        /// An experiment name, checked by `ExperimentName`.
        case experimentName
        /// An integer in `minimum...maximum`.
        case integer(minimum: Int, maximum: Int)
        /// A finite number of seconds in `minimum...maximum`.
        case seconds(minimum: Double, maximum: Double)
        /// An algorithm: a name or a mapping (files only).
        case algorithm
        /// A storage address (its environment variables and YAML forms are read by their own code).
        case storageAddress
        /// `true` or `false` (`1/0`, `yes/no`, `on/off` from a variable); a flag without a value sets `true`.
        case boolean
        /// One of a few words (`noeffect`, `unsure`, `break`).
        case choice([String])
        /// A list of words: a YAML list, or one text split on `:` (Oríon's form for variables and flags).
        case list
    }

    /// The most seconds a duration may be: 365 days.
    public static let maximumSeconds: Double = 365 * 24 * 3600

    /// Oríon's key, `section.name` (`worker.heartbeat`).
    public let key: String
    /// The `ORION_*` variable, if any.
    public let variable: String?
    /// Deprecated variables with the same meaning (read before ``variable``, which wins).
    public let deprecatedVariables: [String]
    /// The flags, canonical first (`["--exp-max-trials", "--max-trials"]`, `["-n", "--name"]`).
    public let flags: [String]
    /// The type and range.
    public let kind: Kind
    /// The default, as documented (`120`, `unlimited`).
    public let defaultText: String
    /// A good value, shown in the fix of an error message.
    public let example: String
    /// What the setting means, in one line.
    public let summary: String
    /// Copies a value parsed by ``Kind/parse(_:text:)`` into a layer.
    let store: @Sendable (SettingValue, inout ConfigurationLayer) -> Void
    /// Copies the layer's value of this setting into a configuration.
    let copy: @Sendable (ConfigurationLayer, inout OrionConfiguration) -> Void
    /// Where a layer keeps this setting's value (a key path to a stored property: immutable, safe to share).
    nonisolated(unsafe) let layerPath: PartialKeyPath<ConfigurationLayer>

    /// The section (`worker`).
    public var section: String { String(key.prefix { $0 != "." }) }
    /// The key within its section (`heartbeat`).
    public var name: String { String(key.drop { $0 != "." }.dropFirst()) }
    /// The canonical long flag (`--heartbeat`), used in sources and messages.
    public var flag: String? { flags.first { $0.hasPrefix("--") } ?? flags.first }

    /// The name of this setting's flag that `arguments` uses first (`--max-idle-time` where the user typed Oríon's
    /// name; first, since the script's own options come after orion's), or ``flag`` when it uses none.
    ///
    /// - Parameter arguments: a command line.
    /// - Returns: the flag to name in a message about its value.
    func flag(asTypedIn arguments: [String]) -> String? {
        let typed = arguments.first { argument in
            flags.contains { argument == $0 || ($0.hasPrefix("--") && argument.hasPrefix($0 + "=")) }
        }
        return typed.flatMap { argument in flags.first { argument == $0 || argument.hasPrefix($0 + "=") } } ?? flag
    }

    /// The setting with the key `key`.
    static func named(_ key: String) -> Setting? {
        all.first { $0.key == key }
    }

    /// The settings of one section, in table order.
    static func settings(in section: String) -> [Setting] {
        all.filter { $0.section == section }
    }
}

/// A value checked against a setting's ``Setting/Kind``.
enum SettingValue: Sendable {
    case string(String)
    case integer(Int)
    case seconds(Double)
    case algorithm(AlgorithmConfig)
    case boolean(Bool)
    case list([String])
}

/// A type a setting's value can be stored as.
protocol SettingField: Sendable {
    /// The value, or `nil` when `value` is of another kind.
    init?(setting value: SettingValue)
}

extension String: SettingField {
    init?(setting value: SettingValue) {
        guard case .string(let text) = value else { return nil }
        self = text
    }
}

extension Int: SettingField {
    init?(setting value: SettingValue) {
        guard case .integer(let number) = value else { return nil }
        self = number
    }
}

extension Int32: SettingField {
    init?(setting value: SettingValue) {
        guard case .integer(let number) = value, let exact = Int32(exactly: number) else { return nil }
        self = exact
    }
}

extension Double: SettingField {
    init?(setting value: SettingValue) {
        guard case .seconds(let seconds) = value else { return nil }
        self = seconds
    }
}

extension Duration: SettingField {
    init?(setting value: SettingValue) {
        // Finite and within Setting.maximumSeconds: the conversion cannot trap.
        guard case .seconds(let seconds) = value, seconds.isFinite, abs(seconds) <= Setting.maximumSeconds else {
            return nil
        }
        self = .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}

extension Bool: SettingField {
    init?(setting value: SettingValue) {
        guard case .boolean(let flag) = value else { return nil }
        self = flag
    }
}

extension [String]: SettingField {
    init?(setting value: SettingValue) {
        guard case .list(let items) = value else { return nil }
        self = items
    }
}

extension ChangeType: SettingField {
    init?(setting value: SettingValue) {
        guard case .string(let text) = value, let type = ChangeType(rawValue: text) else { return nil }
        self = type
    }
}

extension AlgorithmConfig: SettingField {
    init?(setting value: SettingValue) {
        guard case .algorithm(let algorithm) = value else { return nil }
        self = algorithm
    }
}

extension Optional: SettingField where Wrapped: SettingField {
    init?(setting value: SettingValue) {
        guard let wrapped = Wrapped(setting: value) else { return nil }
        self = .some(wrapped)
    }
}

extension Setting {
    /// Declares an `experiment:` setting stored at `path`.
    init<Value: SettingField>(
        _ key: String,
        variable: String? = nil,
        deprecatedVariables: [String] = [],
        flags: [String] = [],
        kind: Kind,
        default defaultText: String,
        example: String,
        summary: String,
        experiment path: WritableKeyPath<OrionConfiguration.ExperimentSection, Value> & Sendable
    ) {
        self.init(
            key,
            variable: variable,
            deprecatedVariables: deprecatedVariables,
            flags: flags,
            kind: kind,
            default: defaultText,
            example: example,
            summary: summary,
            layerSection: \.experiment,
            section: \.experiment,
            path: path
        )
    }

    /// Declares a `worker:` setting stored at `path`.
    init<Value: SettingField>(
        _ key: String,
        variable: String? = nil,
        deprecatedVariables: [String] = [],
        flags: [String] = [],
        kind: Kind,
        default defaultText: String,
        example: String,
        summary: String,
        worker path: WritableKeyPath<OrionConfiguration.WorkerSection, Value> & Sendable
    ) {
        self.init(
            key,
            variable: variable,
            deprecatedVariables: deprecatedVariables,
            flags: flags,
            kind: kind,
            default: defaultText,
            example: example,
            summary: summary,
            layerSection: \.worker,
            section: \.worker,
            path: path
        )
    }

    /// Declares a `storage:` setting stored at `path`.
    init<Value: SettingField>(
        _ key: String,
        variable: String? = nil,
        flags: [String] = [],
        kind: Kind,
        default defaultText: String,
        example: String,
        summary: String,
        storage path: WritableKeyPath<OrionConfiguration.StorageSection, Value> & Sendable
    ) {
        self.init(
            key,
            variable: variable,
            deprecatedVariables: [],
            flags: flags,
            kind: kind,
            default: defaultText,
            example: example,
            summary: summary,
            layerSection: \.storage,
            section: \.storage,
            path: path
        )
    }

    /// Declares an `evc:` setting stored at `path`.
    init<Value: SettingField>(
        _ key: String,
        variable: String? = nil,
        flags: [String] = [],
        kind: Kind,
        default defaultText: String,
        example: String,
        summary: String,
        evc path: WritableKeyPath<OrionConfiguration.EVCSection, Value> & Sendable
    ) {
        self.init(
            key,
            variable: variable,
            deprecatedVariables: [],
            flags: flags,
            kind: kind,
            default: defaultText,
            example: example,
            summary: summary,
            layerSection: \.evc,
            section: \.evc,
            path: path
        )
    }

    /// Declares a setting stored at `path` of one section, the same in a layer and in the resolved configuration.
    private init<Section, Value: SettingField>(
        _ key: String,
        variable: String?,
        deprecatedVariables: [String],
        flags: [String],
        kind: Kind,
        default defaultText: String,
        example: String,
        summary: String,
        layerSection: WritableKeyPath<ConfigurationLayer, Section> & Sendable,
        section: WritableKeyPath<OrionConfiguration, Section> & Sendable,
        path: WritableKeyPath<Section, Value> & Sendable
    ) {
        self.init(
            key: key,
            variable: variable,
            deprecatedVariables: deprecatedVariables,
            flags: flags,
            kind: kind,
            defaultText: defaultText,
            example: example,
            summary: summary,
            store: { value, layer in
                if let value = Value(setting: value) { layer[keyPath: layerSection][keyPath: path] = value }
            },
            copy: { layer, configuration in
                configuration[keyPath: section][keyPath: path] = layer[keyPath: layerSection][keyPath: path]
            },
            layerPath: layerSection.appending(path: path)
        )
    }
}
