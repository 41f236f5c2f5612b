import OrionCore

/// Oríon's parallel strategies: the objective a trial without a result is given ("lie") while it runs, so that
/// the model does not suggest the same region to every worker.
///
/// Written as in Oríon (`parallel_strategy: {of_type: StatusBasedParallelStrategy, strategy_configs: {broken:
/// {of_type: MaxParallelStrategy}}}`, class names matched case-insensitively):
/// - `NoParallelStrategy`: no lie, the trial is left out of the model.
/// - `MaxParallelStrategy` (`default_result`, default +∞): the largest (worst) objective observed so far.
/// - `MeanParallelStrategy` (`default_result`): the mean of the objectives observed so far (at least two).
/// - `StubParallelStrategy` (`stub_value`, default null: no lie): a constant.
/// - `StatusBasedParallelStrategy` (`strategy_configs`: status → strategy, `default_strategy`, default
///   `NoParallelStrategy`): a strategy per trial status (`new`, `reserved`, `suspended`, `interrupted`, `broken`).
indirect enum ParallelStrategy: Hashable, Sendable {
    /// No lie.
    case none
    /// The worst objective so far, or `fallback` before any.
    case max(fallback: Double)
    /// The mean objective so far, or `fallback` before two.
    case mean(fallback: Double)
    /// A constant, or no lie.
    case stub(Double?)
    /// One strategy per status, and one for the others.
    case statusBased([TrialStatus: ParallelStrategy], otherwise: ParallelStrategy)

    /// Oríon's default for TPE: broken trials lie with the worst objective, running ones are left out.
    static let orionDefault: JSONValue = .object([
        "of_type": .string("StatusBasedParallelStrategy"),
        "strategy_configs": .object(["broken": .object(["of_type": .string("MaxParallelStrategy")])]),
    ])

    /// The option with its numbers as doubles, the type they are read as.
    ///
    /// `default_result` and `stub_value`, nested strategies' too: stored JSON writes a whole double `1.0` as `1`,
    /// and `orion info` must print `1.0` as Oríon does. Anything else is left as it is, for ``init(_:)`` to judge.
    ///
    /// - Parameter value: a `parallel_strategy` option.
    /// - Returns: the same option, numbers as doubles.
    static func normalized(_ value: JSONValue) -> JSONValue {
        guard var object = value.objectValue else { return value }
        for key in ["default_result", "stub_value"] {
            if case .int(let number) = object[key] { object[key] = .double(Double(number)) }
        }
        if let strategy = object["default_strategy"] { object["default_strategy"] = normalized(strategy) }
        if var configs = object["strategy_configs"]?.objectValue {
            for (status, config) in configs { configs[status] = normalized(config) }
            object["strategy_configs"] = .object(configs)
        }
        return .object(object)
    }

    /// The objectives observed so far, summarized for the lies.
    struct Observed: Sendable {
        /// The largest objective, if any.
        var largest: Double?
        /// The sum of the objectives.
        var sum = 0.0
        /// The number of objectives.
        var count = 0

        /// Adds an objective.
        mutating func add(_ value: Double) {
            largest = Swift.max(largest ?? value, value)
            sum += value
            count += 1
        }
    }

    /// The lie for a trial of `status`, or `nil` to leave it out.
    func lie(for status: TrialStatus, observed: Observed) -> Double? {
        switch self {
        case .none: nil
        case .max(let fallback): observed.largest ?? fallback
        case .mean(let fallback): observed.count >= 2 ? observed.sum / Double(observed.count) : fallback
        case .stub(let value): value
        case .statusBased(let strategies, let otherwise):
            (strategies[status] ?? otherwise).lie(for: status, observed: observed)
        }
    }

    /// Parses Oríon's configuration.
    ///
    /// - Parameter value: `{of_type: ..., ...}`.
    /// - Throws: ``AlgorithmError`` `.invalidOption` naming the valid strategies, statuses or keys.
    init(_ value: JSONValue) throws {
        let kinds = [
            "NoParallelStrategy", "MaxParallelStrategy", "MeanParallelStrategy", "StubParallelStrategy",
            "StatusBasedParallelStrategy",
        ]
        guard let object = value.objectValue, let type = object["of_type"]?.stringValue else {
            throw AlgorithmError(
                .invalidOption,
                "tpe: parallel_strategy must be a mapping with 'of_type' (one of \(kinds.joined(separator: ", "))), "
                    + "not \(value.pythonRepr)"
            )
        }
        func number(_ key: String, _ fallback: Double?) throws -> Double? {
            guard let entry = object[key], entry != .null else { return fallback }
            // Oríon's default `default_result` is infinity, which its users copy (`.inf`).
            if let infinity = entry.infinity { return infinity }
            guard let number = entry.doubleValue else {
                throw AlgorithmError(
                    .invalidOption,
                    "tpe: parallel_strategy '\(key)' must be a number, not \(entry.pythonRepr)"
                )
            }
            return number
        }
        func allow(_ keys: Set<String>) throws {
            let unknown = Set(object.keys).subtracting(keys.union(["of_type"])).sorted()
            guard unknown.isEmpty else {
                throw AlgorithmError(
                    .invalidOption,
                    "tpe: unknown key\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) for "
                        + "parallel_strategy \(type); valid keys: "
                        + (["of_type"] + keys.sorted()).joined(separator: ", ")
                )
            }
        }
        switch type.lowercased() {
        case "noparallelstrategy":
            try allow([])
            self = .none
        case "maxparallelstrategy":
            try allow(["default_result"])
            self = .max(fallback: try number("default_result", .infinity) ?? .infinity)
        case "meanparallelstrategy":
            try allow(["default_result"])
            self = .mean(fallback: try number("default_result", .infinity) ?? .infinity)
        case "stubparallelstrategy":
            try allow(["stub_value"])
            self = .stub(try number("stub_value", nil))
        case "statusbasedparallelstrategy":
            try allow(["strategy_configs", "default_strategy"])
            var strategies: [TrialStatus: ParallelStrategy] = [:]
            for (name, config) in object["strategy_configs"]?.objectValue ?? [:] {
                guard let status = TrialStatus(rawValue: name), status != .completed else {
                    throw AlgorithmError(
                        .invalidOption,
                        "tpe: parallel_strategy has a strategy for '\(name)', which is not a status of a trial "
                            + "without result; use new, reserved, suspended, interrupted or broken"
                    )
                }
                strategies[status] = try ParallelStrategy(config)
            }
            let otherwise = try object["default_strategy"].flatMap { $0 == .null ? nil : try ParallelStrategy($0) }
            self = .statusBased(strategies, otherwise: otherwise ?? .none)
        default:
            throw AlgorithmError(
                .invalidOption,
                "tpe: unknown parallel_strategy '\(type)'; valid strategies: \(kinds.joined(separator: ", "))"
            )
        }
    }
}
