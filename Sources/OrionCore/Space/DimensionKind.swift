/// The kind of a search-space dimension, as Oríon stores it in a trial parameter's `type`.
///
/// `real` and `integer` come from the numeric priors (`integer` when `discrete=True` or for `randint`),
/// `categorical` from `choices`, and `fidelity` from `fidelity` (the budget dimension of multi-fidelity algorithms).
public enum DimensionKind: String, Codable, Sendable, Hashable {
    /// A continuous numeric dimension; values are `.double`.
    case real
    /// A discrete numeric dimension; values are `.int`.
    case integer
    /// A set of categories; values are the categories themselves.
    case categorical
    /// The fidelity (budget) dimension; sampled values are always its upper bound.
    case fidelity
}
