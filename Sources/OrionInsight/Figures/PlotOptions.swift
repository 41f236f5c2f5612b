/// The options of every plot kind, with Oríon's defaults; each kind reads the ones it has.
public struct PlotOptions: Sendable, Hashable {
    /// Whether trials inherited from parent versions count (Oríon's `with_evc_tree`, default `true`).
    public var withEVCTree = true
    /// `regret`: the order of the trials (Oríon's `order_by`, default `suggested`).
    public var order = TrialOrder.suggested
    /// `regret`, `partial_dependencies`: whether the hover text lists each trial's parameters (Oríon's
    /// `verbose_hover`, default `true`).
    public var verboseHover = true
    /// `parallel_coordinates`: the parameters, in order (Oríon's `order`); `nil` for all, fidelity first.
    public var parameterOrder: [String]?
    /// `parallel_coordinates`: the lines' color scale (default `YlOrRd`).
    public var parallelColorscale = "YlOrRd"
    /// `lpi`: how the importance is computed (`n_points`, `n_runs`, the forest, the seed).
    public var lpi = LocalParameterImportance.Options()
    /// `partial_dependencies`: which parameters, the grid, the samples, the forest, the seed.
    public var partialDependence = PartialDependence.Options()
    /// `partial_dependencies`: the contours' smoothing (Oríon's `smoothing`, default 0.85).
    public var smoothing = 0.85
    /// `partial_dependencies`: the contours' color scale (Oríon's `colorscale`, default `Blues`).
    public var colorscale = "Blues"

    /// The defaults.
    public init() {}
}
