/// Where an experiment sits in its version tree: Oríon's `refers` document.
///
/// A child version (a new version of the same name, or a new name with `--branch-to`) points to the experiment it
/// branched from, shares its root, and lists the adapters that carry the parent's trials over to it.
public struct ExperimentRefers: Codable, Sendable, Hashable {
    /// The id of the tree's root (the experiment's own id for a root).
    public var rootID: String
    /// The id of the experiment this one branched from; `nil` for a root.
    public var parentID: String?
    /// How the parent's trials are carried over, applied in order (empty for a root).
    public var adapters: [Adapter]

    /// Creates a reference.
    ///
    /// - Parameters:
    ///   - rootID: the id of the tree's root.
    ///   - parentID: the parent's id, `nil` for a root.
    ///   - adapters: the adapters from the parent to this experiment.
    public init(rootID: String, parentID: String? = nil, adapters: [Adapter] = []) {
        self.rootID = rootID
        self.parentID = parentID
        self.adapters = adapters
    }
}

/// The version of a script's code: its git repository's state, as Oríon records it in `metadata.VCS`.
public struct CodeVersion: Codable, Sendable, Hashable {
    /// The version control system (`git`).
    public var type: String
    /// Whether the working tree had uncommitted changes.
    public var isDirty: Bool
    /// The commit checked out.
    public var headSHA: String
    /// The branch checked out (`HEAD` when detached).
    public var activeBranch: String?
    /// A digest of the uncommitted changes (`git diff`), so that two dirty trees can be told apart.
    public var diffSHA: String?

    /// Creates a code version.
    ///
    /// - Parameters:
    ///   - type: the version control system.
    ///   - isDirty: whether there were uncommitted changes.
    ///   - headSHA: the commit.
    ///   - activeBranch: the branch.
    ///   - diffSHA: a digest of the uncommitted changes.
    public init(type: String = "git", isDirty: Bool, headSHA: String, activeBranch: String?, diffSHA: String?) {
        self.type = type
        self.isDirty = isDirty
        self.headSHA = headSHA
        self.activeBranch = activeBranch
        self.diffSHA = diffSHA
    }

    /// `HEAD` with ` (dirty)` when there were uncommitted changes, and the start of their digest, as shown in
    /// messages: `d65821975e78 (dirty, diff 3f2a9c1b)`, so that two dirty trees on one commit read apart (probe p43f).
    public var shortDescription: String {
        guard isDirty else { return String(headSHA.prefix(12)) }
        let diff = diffSHA.map { ", diff " + $0.prefix(8) } ?? ""
        return String(headSHA.prefix(12)) + " (dirty\(diff))"
    }
}
