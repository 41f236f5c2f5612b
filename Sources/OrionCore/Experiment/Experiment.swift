import Foundation

/// An optimization experiment: a named, versioned search over a space with one algorithm.
public struct Experiment: Codable, Sendable, Hashable, Identifiable {
    /// The storage's identifier for the experiment.
    public var id: String
    /// The experiment's name (`-n`).
    public var name: String
    /// The version; `(name, version)` is unique.
    public var version: Int
    /// The search space.
    public var space: Space
    /// The algorithm and its options.
    public var algorithm: AlgorithmConfig
    /// The number of completed trials after which the experiment is done; `nil` is unlimited.
    public var maxTrials: Int?
    /// The number of broken trials after which the experiment is considered broken.
    public var maxBroken: Int
    /// The directory under which each trial gets its working directory; `nil` means a temporary directory.
    public var workingDir: String?
    /// Who created it, when, and with what command.
    public var metadata: ExperimentMetadata
    /// Where the experiment sits in its version tree (root, parent, adapters); `nil` for an experiment created
    /// without experiment version control, which is its own root.
    public var refers: ExperimentRefers?

    /// Creates an experiment record.
    public init(
        id: String = Experiment.makeID(),
        name: String,
        version: Int = 1,
        space: Space,
        algorithm: AlgorithmConfig,
        maxTrials: Int? = nil,
        maxBroken: Int = 3,
        workingDir: String? = nil,
        metadata: ExperimentMetadata = ExperimentMetadata(),
        refers: ExperimentRefers? = nil
    ) {
        self.refers = refers
        self.id = id
        self.name = name
        self.version = version
        self.space = space
        self.algorithm = algorithm
        self.maxTrials = maxTrials
        self.maxBroken = maxBroken
        self.workingDir = workingDir
        self.metadata = metadata
    }

    /// A new random experiment id (24 hex digits, like a MongoDB ObjectId).
    public static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<3).map { _ in
            let word = String(generator.next() as UInt32, radix: 16)
            return String(repeating: "0", count: 8 - word.count) + word
        }.joined()
    }

    /// `<name>-v<version>`, how the CLI names an experiment.
    public var displayName: String { "\(name)-v\(version)" }
}

/// Who created an experiment, when, and with which command line.
public struct ExperimentMetadata: Codable, Sendable, Hashable {
    /// The user who created it (`$USER`).
    public var user: String
    /// When it was created.
    public var datetime: Date
    /// The version of swift-orion that created it.
    public var orionVersion: String
    /// The path of the user's script, if any.
    public var userScript: String?
    /// The user's command line as typed, priors included (`./train.py --lr~'loguniform(1e-5, 1)'`).
    public var userArgs: [String]
    /// The working directory the hunt was started from.
    public var startDirectory: String?
    /// The version of the script's code (its git repository) when the experiment was created; `nil` when the
    /// script is not in a git repository.
    public var vcs: CodeVersion?
    /// A digest of the script's configuration file (`--config train.yaml`) with its priors left out: what a change of
    /// the file's other values is detected on; `nil` without a configuration file.
    public var scriptConfig: String?
    /// The text of the script's configuration file as the experiment was last run with a whole command line: what
    /// `orion hunt -n NAME` (the stored command) renders each trial's copy from, as Oríon renders from the copy it
    /// stores, so that an edit of the file or its removal does not change a resumed experiment; `nil` without one.
    public var scriptConfigText: String?
    /// The option of the script that names its configuration file (`worker.user_script_config`, `config` by
    /// default) as the experiment was last run with a whole command line; `nil` for experiments stored before it.
    public var configOption: String?
    /// A candidate's ``scriptConfig`` as versions before its `2:` prefix computed it (the keys of the priors
    /// counted), to compare with a parent that stored one; not stored.
    public var legacyScriptConfig: String?

    private enum CodingKeys: String, CodingKey {
        case user, datetime, orionVersion, userScript, userArgs, startDirectory, vcs, scriptConfig, scriptConfigText
        case configOption
    }

    /// This candidate's ``scriptConfig`` of the kind `stored` is: ``legacyScriptConfig`` for a digest stored before
    /// the `2:` ones (when the candidate has it), so that only a change of the file's values differs.
    ///
    /// - Parameter stored: the digest a stored experiment has.
    /// - Returns: the digest to compare with it; `nil` without a configuration file.
    public func scriptConfig(comparableWith stored: String) -> String? {
        stored.hasPrefix("2:") ? scriptConfig : legacyScriptConfig ?? scriptConfig
    }

    /// Creates metadata; the user defaults to ``currentUser(environment:)``.
    public init(
        user: String = ExperimentMetadata.currentUser(),
        datetime: Date = Date(),
        orionVersion: String = OrionVersion.current,
        userScript: String? = nil,
        userArgs: [String] = [],
        startDirectory: String? = nil,
        vcs: CodeVersion? = nil,
        scriptConfig: String? = nil,
        scriptConfigText: String? = nil,
        configOption: String? = nil,
        legacyScriptConfig: String? = nil
    ) {
        self.legacyScriptConfig = legacyScriptConfig
        self.vcs = vcs
        self.scriptConfig = scriptConfig
        self.scriptConfigText = scriptConfigText
        self.configOption = configOption
        self.user = user
        self.datetime = datetime
        self.orionVersion = orionVersion
        self.userScript = userScript
        self.userArgs = userArgs
        self.startDirectory = startDirectory
    }
}

/// The version of this package.
public enum OrionVersion {
    /// The version string printed by `orion --version`.
    public static let current = "0.1.0"
}

/// An algorithm name with its options, stored the way Oríon stores it: `{"random": {"seed": 1}}`.
public struct AlgorithmConfig: Codable, Sendable, Hashable {
    /// The wire name (`random`, `gridsearch`, `tpe`), lowercase.
    public var name: String
    /// The options; after the registry resolved them, every option with its value (defaults filled in).
    public var options: [String: JSONValue]

    /// Creates a configuration.
    public init(name: String, options: [String: JSONValue] = [:]) {
        self.name = name.lowercased()
        self.options = options
    }

    /// Decodes `{"name": {options}}`, or a bare string `"name"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let name = try? container.decode(String.self) {
            self.init(name: name)
            return
        }
        let object = try container.decode([String: [String: JSONValue]].self)
        guard object.count == 1, let (name, options) = object.first else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "algorithm must have exactly one name")
            )
        }
        self.init(name: name, options: options)
    }

    /// Encodes `{"name": {options}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode([name: options])
    }
}
