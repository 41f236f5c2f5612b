import OrionCore

/// Partial dependencies: the surrogate's mean prediction as one parameter (or a pair) moves along a grid.
///
/// Friedman, "Greedy function approximation: a gradient boosting machine", 2001,
/// https://doi.org/10.1214/aos/1013203451; Oríon's `orion.analysis.partial_dependency`. The prediction is averaged
/// over random points of the space, the other parameters left as sampled.
///
/// The surrogate (``RandomForest``) is fitted on the completed trials. The random points are drawn from the priors
/// (uniformly in the ``FeatureSpace``), the fidelity, if any, at its upper bound as Oríon samples it. Categorical
/// and small integer parameters are gridded on each of their values.
public struct PartialDependence: Codable, Sendable, Hashable {
    /// How the dependencies are computed (Oríon's `partial_dependencies` parameters and defaults).
    public struct Options: Sendable, Hashable {
        /// The parameters to show (names, or a dimension's name for all its elements); `nil` for all, in the
        /// space's order.
        public var params: [String]?
        /// Grid points along each parameter (Oríon's `n_grid_points`, default 10).
        public var gridPoints = 10
        /// Random points the prediction is averaged over (Oríon's `n_samples`, default 50).
        public var samples = 50
        /// How the forest is grown.
        public var forest = RandomForest.Options()
        /// The seed of the forest and of the random points (default 0).
        public var seed: UInt64 = 0
        /// The most trials the surrogate is fitted on (see ``LocalParameterImportance/Options/maxTrials``).
        public var maxTrials = 2000

        /// The defaults.
        public init() {}
    }

    /// The dependency on one parameter.
    public struct Curve: Codable, Sendable, Hashable {
        /// The parameter.
        public var name: String
        /// The grid, in the parameter's own values (numbers, or categories).
        public var grid: [JSONValue]
        /// The mean prediction at each grid value.
        public var mean: [Double]
        /// The standard deviation of the predictions at each grid value.
        public var standardDeviation: [Double]
    }

    /// The dependency on a pair of parameters.
    public struct Surface: Codable, Sendable, Hashable {
        /// The first parameter (horizontal axis).
        public var x: String
        /// The second parameter (vertical axis).
        public var y: String
        /// The first parameter's grid.
        public var xGrid: [JSONValue]
        /// The second parameter's grid.
        public var yGrid: [JSONValue]
        /// The mean prediction, one row per ``yGrid`` value, one column per ``xGrid`` value.
        public var mean: [[Double]]
        /// The standard deviations, laid out as ``mean``.
        public var standardDeviation: [[Double]]
    }

    /// The parameters shown, in order.
    public var params: [String]
    /// One curve per parameter, in ``params`` order; empty without completed trials.
    public var curves: [Curve]
    /// One surface per pair `(params[i], params[j])`, `i < j`, in that order.
    public var surfaces: [Surface]

    /// Computes the dependencies.
    ///
    /// - Parameters:
    ///   - trials: the experiment's trials; completed ones with a finite objective are used.
    ///   - space: the experiment's space.
    ///   - options: how to compute them.
    /// - Throws: ``InsightError`` `.invalidOption` for a parameter that is not in the space.
    /// - Complexity: O(forest fitting + p² · gridPoints² · samples · trees · depth) for p parameters.
    public init(trials: [Trial], space: Space, options: Options = Options()) throws(InsightError) {
        let features = FeatureSpace(space: space)
        let selected = try Self.select(options.params, in: features)
        params = selected.map { features.features[$0].name }
        var rng = SeededGenerator(seed: options.seed)
        let data = SurrogateData(trials: trials, features: features, limit: options.maxTrials, using: &rng)
        guard !data.inputs.isEmpty else {
            curves = []
            surfaces = []
            return
        }
        var forestGenerator = rng.split()
        let forest = RandomForest(
            inputs: data.inputs,
            targets: data.targets,
            options: options.forest,
            using: &forestGenerator
        )
        let samples: [[Double]] = (0..<max(options.samples, 1)).map { _ in
            features.features.map { feature in
                feature.coordinate == nil ? 1 : Double.random(in: 0..<1, using: &rng)
            }
        }
        func predict(_ settings: [(Int, Double)]) -> (mean: Double, std: Double) {
            let predictions = samples.map { sample in
                var point = sample
                for (index, u) in settings { point[index] = u }
                return forest.predict(point)
            }
            return (Statistics.mean(predictions), Statistics.variance(predictions).squareRoot())
        }
        let grids = selected.map { features.grid(of: $0, count: max(options.gridPoints, 2)) }
        let values = zip(selected, grids).map { index, grid in grid.map { features.value(of: index, at: $0) } }
        var curves: [Curve] = []
        var surfaces: [Surface] = []
        for (i, xIndex) in selected.enumerated() {
            let line = grids[i].map { predict([(xIndex, $0)]) }
            curves.append(
                Curve(
                    name: params[i],
                    grid: values[i],
                    mean: line.map(\.mean),
                    standardDeviation: line.map(\.std)
                )
            )
            for j in (i + 1)..<selected.count {
                let yIndex = selected[j]
                let table = grids[j].map { v in grids[i].map { u in predict([(xIndex, u), (yIndex, v)]) } }
                surfaces.append(
                    Surface(
                        x: params[i],
                        y: params[j],
                        xGrid: values[i],
                        yGrid: values[j],
                        mean: table.map { $0.map(\.mean) },
                        standardDeviation: table.map { $0.map(\.std) }
                    )
                )
            }
        }
        self.curves = curves
        self.surfaces = surfaces
    }

    /// The feature indices of the requested parameters (a dimension's name selects all its elements).
    static func select(_ names: [String]?, in features: FeatureSpace) throws(InsightError) -> [Int] {
        guard let names else { return Array(features.features.indices) }
        var selected: [Int] = []
        for name in names {
            let matching = features.features.indices.filter {
                features.features[$0].name == name || features.features[$0].dimension.name == name
            }
            guard !matching.isEmpty else {
                throw InsightError(
                    .invalidOption,
                    "parameter '\(name)' is not in the search space; its parameters are "
                        + features.names.joined(separator: ", ")
                )
            }
            selected += matching.filter { !selected.contains($0) }
        }
        return selected.sorted()
    }
}
