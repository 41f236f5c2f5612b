/// A plot of one experiment: Oríon's four kinds (`lpi`, `parallel_coordinates`, `partial_dependencies`, `regret`)
/// and two of ours (`durations`, `rungs`), under their wire names.
public enum PlotKind: String, CaseIterable, Codable, Sendable {
    /// Local parameter importance: a bar per parameter (``LocalParameterImportance``).
    case lpi
    /// One line per completed trial across the parameters and the objective (``ParallelCoordinates``).
    case parallelCoordinates = "parallel_coordinates"
    /// The surrogate's dependence on each parameter and each pair (``PartialDependence``).
    case partialDependencies = "partial_dependencies"
    /// Each trial's objective and the best so far (``RegretAnalysis``).
    case regret
    /// Time per trial and busy workers over time (``DurationAnalysis``).
    case durations
    /// Objectives by fidelity for multi-fidelity experiments (``RungAnalysis``).
    case rungs

    /// The kind called `name`.
    ///
    /// - Parameter name: a wire name such as `parallel_coordinates` (a `-` reads as `_`).
    /// - Throws: ``InsightError`` `.invalidOption` naming the kinds.
    public init(named name: String) throws(InsightError) {
        guard let kind = PlotKind(rawValue: name.replacingOccurrences(of: "-", with: "_")) else {
            throw InsightError(
                .invalidOption,
                "unknown plot kind '\(name)'; choose one of "
                    + PlotKind.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        self = kind
    }
}
