import Foundation

/// Which slice of an experiment's trials to read, in which order: the paging and filtering of `orion serve`'s
/// `/trials/:name` and of the dashboard's trials table.
public struct TrialPageQuery: Sendable, Hashable {
    /// The column trials are ordered by.
    public enum SortKey: String, Sendable, Hashable, CaseIterable {
        /// Submission order (the storage's default order).
        case submitTime
        /// When the trial started running (trials that never started come last).
        case startTime
        /// When the trial ended (trials that have not ended come last).
        case endTime
        /// The objective of completed trials (trials without one come last).
        case objective
        /// The status's name.
        case status
        /// The trial's id.
        case id
    }

    /// Only trials with one of these statuses; every trial when `nil`.
    public var statuses: [TrialStatus]?
    /// The order.
    public var sort: SortKey
    /// Whether the order is descending (trials without a value still come last; ties in reverse submission order).
    public var descending: Bool
    /// How many trials to skip.
    public var offset: Int
    /// How many trials at most to return.
    public var limit: Int

    /// Creates a query.
    ///
    /// - Parameters:
    ///   - statuses: the statuses to keep (`nil`: all; repeated ones count once).
    ///   - sort: the order.
    ///   - descending: whether the order is descending.
    ///   - offset: how many trials to skip (negative counts as 0).
    ///   - limit: how many trials at most (negative counts as 0).
    public init(
        statuses: [TrialStatus]? = nil,
        sort: SortKey = .submitTime,
        descending: Bool = false,
        offset: Int = 0,
        limit: Int = 100
    ) {
        self.statuses = statuses.map { list in list.reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }
        self.sort = sort
        self.descending = descending
        self.offset = max(0, offset)
        self.limit = max(0, limit)
    }
}

/// One page of an experiment's trials, with the number of trials that match the query.
public struct TrialPage: Sendable, Hashable {
    /// The trials that match the query, whatever the page.
    public var total: Int
    /// The page's trials, in the query's order.
    public var trials: [Trial]

    /// Creates a page.
    ///
    /// - Parameters:
    ///   - total: how many trials match.
    ///   - trials: the page.
    public init(total: Int, trials: [Trial]) {
        self.total = total
        self.trials = trials
    }

    /// The page of `trials` that `query` selects, computed in memory.
    ///
    /// - Parameters:
    ///   - trials: every trial of an experiment, in submission order.
    ///   - query: the query.
    /// - Returns: the page.
    /// - Complexity: O(n log n) in the number of trials.
    public static func select(from trials: [Trial], query: TrialPageQuery) -> TrialPage {
        let kept = query.statuses.map { wanted in trials.filter { wanted.contains($0.status) } } ?? trials
        let ordered = kept.enumerated().sorted { lhs, rhs in
            switch compare(lhs.element, rhs.element, by: query.sort, descending: query.descending) {
            case .some(let isBefore): isBefore
            // Ties keep submission order, reversed with a descending order.
            case nil: query.descending ? lhs.offset > rhs.offset : lhs.offset < rhs.offset
            }
        }.map(\.element)
        let start = min(query.offset, ordered.count)
        let end = min(start + query.limit, ordered.count)
        return TrialPage(total: ordered.count, trials: Array(ordered[start..<end]))
    }

    /// Whether `lhs` comes before `rhs`, `nil` when they tie.
    ///
    /// Missing values come last in either direction.
    private static func compare(_ lhs: Trial, _ rhs: Trial, by key: TrialPageQuery.SortKey, descending: Bool) -> Bool? {
        func order<T: Comparable>(_ left: T?, _ right: T?) -> Bool? {
            switch (left, right) {
            case (let left?, let right?): left == right ? nil : (descending ? left > right : left < right)
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): nil
            }
        }
        switch key {
        case .submitTime: return order(lhs.submitTime, rhs.submitTime)
        case .startTime: return order(lhs.startTime, rhs.startTime)
        case .endTime: return order(lhs.endTime, rhs.endTime)
        case .objective: return order(rankedObjective(lhs), rankedObjective(rhs))
        case .status: return order(lhs.status.rawValue, rhs.status.rawValue)
        case .id: return order(lhs.id, rhs.id)
        }
    }

    /// The objective of a completed trial, unless NaN (stored as no value).
    static func rankedObjective(_ trial: Trial) -> Double? {
        guard trial.status == .completed, let objective = trial.objective, !objective.isNaN else { return nil }
        return objective
    }
}

extension Storage {
    /// Reads every trial and selects the page in memory.
    ///
    /// Correct for any backend, O(n log n) in the number of trials; SQLite answers with one query instead.
    ///
    /// - Parameters:
    ///   - experimentID: the experiment.
    ///   - query: the statuses, order and page.
    /// - Returns: the page and the number of matching trials.
    /// - Throws: the storage's errors.
    public func trialPage(of experimentID: String, query: TrialPageQuery) async throws -> TrialPage {
        TrialPage.select(from: try await trials(of: experimentID, status: query.statuses), query: query)
    }
}
