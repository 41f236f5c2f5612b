/// Statuses as JSON object keys: a `[TrialStatus: Int]` encodes as `{"completed": 3, "new": 1}` instead of a flat
/// array of alternating keys and values.
extension TrialStatus: CodingKeyRepresentable {}
