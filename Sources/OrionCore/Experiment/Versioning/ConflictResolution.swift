/// Turns conflicts into the adapters of a child version, by Oríon's rules: automatic resolution by default,
/// markers and flags where given, and with `--manual-resolution` only what is marked explicitly.
public enum ConflictResolution {
    /// The adapters that resolve `conflicts`, in the order they apply to a parent trial.
    ///
    /// Automatic resolution (the default): a new dimension is added with its `default_value` (parent trials
    /// without it do not carry over when it has none); a missing one is removed, parent trials carrying over when
    /// their value equals the value after `~-` or else the dimension's default; a changed prior keeps the parent
    /// trials inside the new prior; `--old~>new` renames; the algorithm change lets every trial through; code and
    /// command-line and script-configuration changes take their change type (`break` when not given). With `policy.manualResolution`, a
    /// conflict counts as resolved only when its marker or flag is given.
    ///
    /// - Parameters:
    ///   - conflicts: from ``Conflict/detect(parent:candidate:policy:)``.
    ///   - parent: the stored experiment (its space gives the removed dimensions' types and defaults).
    ///   - candidate: the configuration asked for (its space gives the added dimensions' types and defaults).
    ///   - policy: the markers and flags.
    ///   - parentRenames: the renamings the parent's stored command line carries, old name to new (the caller reads
    ///     them with the parser of the command line; the marker syntax is not this layer's): a marker among them
    ///     is applied already.
    /// - Returns: the adapters.
    /// - Throws: ``BranchingError`` `.invalidMarker` for a marker that does not fit the spaces, `.unresolved`
    ///   naming each unresolved conflict with the marker or flag that resolves it.
    public static func adapters(
        for conflicts: [Conflict],
        parent: Experiment,
        candidate: Experiment,
        policy: BranchingPolicy,
        parentRenames: [String: String] = [:]
    ) throws(BranchingError) -> [Adapter] {
        let markers = policy.markers
        let manual = policy.manualResolution
        var renamings: [Adapter] = []
        var deletions: [Adapter] = []
        var priorChanges: [Adapter] = []
        var additions: [Adapter] = []
        var others: [Adapter] = []
        var unresolved: [Conflict] = []

        let newNames = Set(conflicts.compactMap { if case .newDimension(let name, _) = $0 { name } else { nil } })
        var renamedTargets: Set<String> = []
        for (old, new) in markers.renames.sorted(by: { $0.key < $1.key }) {
            guard let oldDimension = parent.space[old] else {
                // Applied already: the stored version was made by this renaming (the same command run again, a
                // resume with the stored command line, a branch from that version), as Oríon resumes it.
                // So is one its stored command line carries (a later version made by another change, or a branch
                // of the renamed version, whose job script keeps the marker).
                let renaming = Adapter.dimensionRenaming(oldName: old, newName: new)
                let applied =
                    parent.refers?.adapters.contains(renaming) == true
                    || parentRenames[old] == new
                if applied, candidate.space[new] != nil { continue }
                throw BranchingError(
                    .invalidMarker,
                    "'\(Conflict.marker(old, new))' renames \(old), which the stored space does not have; remove"
                        + " the marker"
                )
            }
            guard newNames.contains(new), let newDimension = candidate.space[new] else {
                if parent.space[new] != nil {
                    throw BranchingError(
                        .invalidMarker,
                        "'\(Conflict.marker(old, new))' renames \(old) to \(new), which the stored space has already:"
                            + " rename it to a new name, or remove \(old) with `\(Conflict.flag(old))~-`"
                    )
                }
                throw BranchingError(
                    .invalidMarker,
                    "'\(Conflict.marker(old, new))' renames \(old) to \(new), which is not a new dimension: give"
                        + " \(new) a prior, e.g. `\(Conflict.flag(new))~'\(oldDimension.priorString)'`"
                )
            }
            guard renamedTargets.insert(new).inserted else {
                // Two dimensions renamed to one: the child would carry one of the two values and drop the other's.
                let other = markers.renames.first { $0.key != old && $0.value == new }?.key ?? "?"
                throw BranchingError(
                    .invalidMarker,
                    "'\(Conflict.marker(old, new))' and '\(Conflict.marker(other, new))' rename two dimensions to"
                        + " \(new): rename each to its own name, or remove one with `\(Conflict.flag(old))~-`"
                )
            }
            renamings.append(.dimensionRenaming(oldName: old, newName: new))
            if oldDimension.priorString != newDimension.priorString {
                priorChanges.append(
                    .dimensionPriorChange(
                        name: new,
                        oldPrior: oldDimension.priorString,
                        newPrior: newDimension.priorString
                    )
                )
            }
        }

        for conflict in conflicts {
            switch conflict {
            case .newDimension(let name, _):
                if renamedTargets.contains(name) { continue }
                guard !manual || markers.additions.contains(name), let dimension = candidate.space[name] else {
                    unresolved.append(conflict)
                    continue
                }
                additions.append(.dimensionAddition(name: name, type: dimension.kind, value: dimension.defaultValue))
            case .missingDimension(let name, _):
                if markers.renames[name] != nil { continue }
                guard let dimension = parent.space[name] else { continue }
                let marked = markers.removals[name]
                guard !manual || marked != nil else {
                    unresolved.append(conflict)
                    continue
                }
                var value = dimension.defaultValue
                if let written = marked ?? nil {
                    do {
                        value = try dimension.cast(.string(written))
                    } catch {
                        throw BranchingError(
                            .invalidMarker,
                            "'\(Conflict.flag(name))~-\(written)': \(error.message); give a value of"
                                + " \(name)~\(dimension.priorString), or none"
                        )
                    }
                }
                deletions.append(.dimensionDeletion(name: name, type: dimension.kind, value: value))
            case .changedDimension(let name, let oldPrior, let newPrior):
                guard !manual || markers.additions.contains(name) else {
                    unresolved.append(conflict)
                    continue
                }
                priorChanges.append(.dimensionPriorChange(name: name, oldPrior: oldPrior, newPrior: newPrior))
            case .algorithm:
                guard !manual || policy.algorithmChange else {
                    unresolved.append(conflict)
                    continue
                }
                others.append(.algorithmChange)
            case .code:
                guard !manual || policy.codeChangeType != nil else {
                    unresolved.append(conflict)
                    continue
                }
                others.append(.codeChange(policy.codeChangeType ?? .breaking))
            case .commandLine:
                guard !manual || policy.commandLineChangeType != nil else {
                    unresolved.append(conflict)
                    continue
                }
                others.append(.commandLineChange(policy.commandLineChangeType ?? .breaking))
            case .scriptConfig:
                guard !manual || policy.configChangeType != nil else {
                    unresolved.append(conflict)
                    continue
                }
                others.append(.scriptConfigChange(policy.configChangeType ?? .breaking))
            }
        }
        for name in markers.removals.keys.sorted() where candidate.space[name] != nil {
            throw BranchingError(
                .invalidMarker,
                "'\(Conflict.flag(name))~-' removes \(name), but the command line also gives it a prior: keep one"
            )
        }
        guard unresolved.isEmpty else {
            let listed = unresolved.map { "\($0.description): \($0.resolution)" }
            throw BranchingError(
                .unresolved,
                "experiment '\(parent.name)' v\(parent.version) changed and --manual-resolution resolves only what is"
                    + " marked (orion has no interactive prompt); unresolved: " + listed.joined(separator: "; ")
            )
        }
        return renamings + deletions + priorChanges + additions + others
    }
}
