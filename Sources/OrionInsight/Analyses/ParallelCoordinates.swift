import OrionCore

/// The data of a parallel coordinates plot: one axis per parameter and one for the objective, one line per
/// completed trial (Oríon's `parallel_coordinates`).
///
/// Categorical values are their index in the prior's list (the axis names the categories); an element of a
/// dimension with a shape is its own axis (`/w[0]`). By default the axes are in the space's order (by name), the
/// fidelity first, as Oríon orders them.
public struct ParallelCoordinates: Codable, Sendable, Hashable {
    /// One axis.
    public struct Axis: Codable, Sendable, Hashable {
        /// The parameter's name, or the objective's.
        public var label: String
        /// One value per trial, in ``ParallelCoordinates/trialIDs`` order.
        public var values: [Double]
        /// The axis range: the prior's bounds, or the values' span for `normal` priors and the objective.
        public var range: [Double]?
        /// For a categorical parameter: the category indices.
        public var tickValues: [Int]?
        /// For a categorical parameter: the categories, as Python prints them.
        public var tickText: [String]?
        /// Whether the parameter is spread on a log scale (`loguniform`, fidelity).
        public var isLogScale: Bool
        /// Whether the values are whole numbers: a category's index, or an integer dimension's (or fidelity's)
        /// values.
        public var isInteger = false
    }

    /// The trials drawn, in suggestion order.
    public var trialIDs: [String]
    /// The parameter axes, in order, then the objective's.
    public var axes: [Axis]
    /// The objective's name (`objective` when no trial names it).
    public var objectiveName: String

    /// Builds the axes.
    ///
    /// - Parameters:
    ///   - trials: the experiment's trials; completed ones with a finite objective are drawn.
    ///   - space: the experiment's space.
    ///   - order: the parameters to show, in this order (names, or a dimension's name for all its elements);
    ///     `nil` for all, fidelity first.
    /// - Throws: ``InsightError`` `.invalidOption` for a parameter that is not in the space.
    public init(trials: [Trial], space: Space, order: [String]? = nil) throws(InsightError) {
        let features = FeatureSpace(space: space)
        var selected: [Int]
        if let order {
            selected = []
            for name in order {
                let matching = try PartialDependence.select([name], in: features)
                selected += matching.filter { !selected.contains($0) }
            }
        } else {
            let fidelity = features.features.indices.filter { features.features[$0].dimension.kind == .fidelity }
            selected = fidelity + features.features.indices.filter { !fidelity.contains($0) }
        }
        let drawn = TrialOrder.suggested.sorted(
            trials.filter { trial in
                trial.status == .completed && (trial.objective?.isFinite ?? false) && space.contains(trial.params)
            }
        )
        trialIDs = drawn.map(\.id)
        objectiveName = drawn.first?.results.first { $0.type == .objective }?.name ?? "objective"
        var axes = selected.map { index in Self.axis(features.features[index], index, features, drawn) }
        let objectives = drawn.compactMap(\.objective)
        axes.append(
            Axis(
                label: objectiveName,
                values: objectives,
                range: objectives.min().map { [$0, objectives.max() ?? $0] },
                isLogScale: false
            )
        )
        self.axes = axes
    }

    static func axis(_ feature: FeatureSpace.Feature, _ index: Int, _ features: FeatureSpace, _ trials: [Trial])
        -> Axis
    {
        let raw = trials.map { features.value(of: index, in: $0.params) ?? .null }
        let integers =
            feature.dimension.kind != .real
            && raw.allSatisfy { value in
                if case .int = value { true } else { false }
            }
        switch feature.dimension.prior {
        case .choices(let categories, _):
            return Axis(
                label: feature.name,
                values: raw.map { value in
                    Double(categories.firstIndex { SpaceDimension.sameCategory($0, value) } ?? -1)
                },
                tickValues: Array(categories.indices),
                tickText: categories.map(\.pythonString),
                isLogScale: false,
                isInteger: true
            )
        case .uniform(let low, let high), .logUniform(let low, let high), .fidelity(let low, let high, _):
            return Axis(
                label: feature.name,
                values: raw.map { $0.doubleValue ?? .nan },
                range: [low, high],
                isLogScale: feature.dimension.isLogScale || feature.dimension.kind == .fidelity,
                isInteger: integers
            )
        case .randint(let low, let high):
            return Axis(
                label: feature.name,
                values: raw.map { $0.doubleValue ?? .nan },
                range: [Double(low), Double(high - 1)],
                isLogScale: false,
                isInteger: true
            )
        case .normal, .scipy:
            let values = raw.map { $0.doubleValue ?? .nan }
            let finite = values.filter(\.isFinite)
            return Axis(
                label: feature.name,
                values: values,
                range: finite.min().map { [$0, finite.max() ?? $0] },
                isLogScale: false,
                isInteger: integers
            )
        }
    }
}
