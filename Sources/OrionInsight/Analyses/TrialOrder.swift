import Foundation
import OrionCore

/// Which time orders trials in a regret curve: Oríon's `order_by` (`suggested`, `reserved`, `completed`).
public enum TrialOrder: String, CaseIterable, Codable, Sendable {
    /// When the trial was registered (``Trial/submitTime``).
    case suggested
    /// When a worker last reserved it (``Trial/startTime``).
    case reserved
    /// When it completed (``Trial/endTime``).
    case completed

    /// The trial's time in this order, if it has one.
    ///
    /// - Parameter trial: the trial.
    /// - Returns: its submit, start or end time.
    public func time(of trial: Trial) -> Date? {
        switch self {
        case .suggested: trial.submitTime
        case .reserved: trial.startTime
        case .completed: trial.endTime
        }
    }

    /// `trials` sorted by this order's time; trials without one come last, ties by submit time, then id.
    ///
    /// - Parameter trials: the trials.
    /// - Returns: the sorted trials.
    /// - Complexity: O(n log n).
    public func sorted(_ trials: [Trial]) -> [Trial] {
        trials.sorted { lhs, rhs in
            switch (time(of: lhs), time(of: rhs)) {
            case (let left?, let right?) where left != right: return left < right
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (lhs.submitTime, lhs.id) < (rhs.submitTime, rhs.id)
            }
        }
    }
}
