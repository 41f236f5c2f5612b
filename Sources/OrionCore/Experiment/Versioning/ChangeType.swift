/// How a change of code, command line or script configuration affects results, as Oríon's `--code-change-type`,
/// `--cli-change-type` and `--config-change-type` say it.
public enum ChangeType: String, Codable, Sendable, CaseIterable {
    /// Results are unaffected: the parent's trials are reused as they are.
    case noEffect = "noeffect"
    /// Results may be affected: the parent's trials are reused by the child (Oríon also keeps them from flowing
    /// back up).
    case unsure
    /// Results are not comparable: none of the parent's trials are reused.
    case breaking = "break"

    /// Whether trials flow from the parent to the child.
    public var passesTrialsForward: Bool { self != .breaking }
}
