/// Where a trial is in its life, with Oríon's wire names.
///
/// `new` → `reserved` (a worker took it) → `completed` | `broken` | `interrupted`; `interrupted` and `suspended`
/// trials can be reserved again. `completed` is final.
public enum TrialStatus: String, Codable, Sendable, CaseIterable, Comparable {
    case new
    case reserved
    case suspended
    case completed
    case interrupted
    case broken

    /// Statuses a worker may reserve.
    public static let reservable: [TrialStatus] = [.new, .interrupted, .suspended]

    /// Statuses that still need a worker: new, reserved, interrupted or suspended.
    public static let pending: [TrialStatus] = [.new, .reserved, .interrupted, .suspended]

    /// Whether a worker may reserve a trial with this status.
    public var isReservable: Bool { Self.reservable.contains(self) }

    /// Orders statuses by name, as `orion status` lists them.
    public static func < (lhs: TrialStatus, rhs: TrialStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}
