/// One step that carries a parent experiment's trials over to a child version, as Oríon's EVC adapters do.
///
/// ``forward(_:)`` maps a parent trial's parameters into the child's space, or drops the trial when it has no
/// counterpart there. A child's adapters are applied in order (renamings, deletions, prior changes, additions,
/// then the algorithm, code, command-line and script-configuration changes).
public enum Adapter: Codable, Sendable, Hashable {
    /// A dimension the child has and the parent had not: parent trials get `value`, the new dimension's default;
    /// without a default no parent trial carries over.
    case dimensionAddition(name: String, type: DimensionKind, value: JSONValue?)
    /// A dimension the parent had and the child has not: parent trials whose value equals `value` carry over
    /// without it; without a value, none do.
    case dimensionDeletion(name: String, type: DimensionKind, value: JSONValue?)
    /// A dimension whose prior changed: parent trials whose value lies in `newPrior` carry over.
    case dimensionPriorChange(name: String, oldPrior: String, newPrior: String)
    /// A dimension renamed from `oldName` to `newName`: parent trials carry over with the new name.
    case dimensionRenaming(oldName: String, newName: String)
    /// The algorithm changed: every trial carries over.
    case algorithmChange
    /// The script's code changed; the change type says whether trials carry over.
    case codeChange(ChangeType)
    /// The script's non-prior arguments changed; the change type says whether trials carry over.
    case commandLineChange(ChangeType)
    /// The script's configuration file changed; the change type says whether trials carry over.
    case scriptConfigChange(ChangeType)

    /// A parent trial's parameters as the child sees them, or `nil` when the trial does not carry over.
    ///
    /// - Parameter params: the parameters, in the space before this adapter.
    /// - Returns: the parameters in the space after it, or `nil`.
    public func forward(_ params: Parameters) -> Parameters? {
        switch self {
        case .dimensionAddition(let name, let type, let value):
            guard let value else { return nil }
            guard params.param(named: name) == nil else { return params }
            return Parameters(Array(params) + [Trial.Param(name: name, type: type, value: value)])
        case .dimensionDeletion(let name, _, let value):
            guard let current = params[name] else { return params }
            guard let value, Self.same(current, value) else { return nil }
            return Parameters(params.filter { $0.name != name })
        case .dimensionPriorChange(let name, _, let newPrior):
            return Self.retyped(params, name, into: try? Space(priors: [name: newPrior])[name])
        case .dimensionRenaming(let oldName, let newName):
            guard params.param(named: oldName) != nil else { return params }
            return Parameters(
                params.map { param in
                    param.name == oldName ? Trial.Param(name: newName, type: param.type, value: param.value) : param
                }
            )
        case .algorithmChange:
            return params
        case .codeChange(let type), .commandLineChange(let type), .scriptConfigChange(let type):
            return type.passesTrialsForward ? params : nil
        }
    }

    /// `params` with the value of `name` seen in `dimension` (a changed prior), or `nil` when it is outside: a whole real value (`3.0`) is
    /// the integer `3` of an integer prior, as Oríon's `Integer.__contains__` takes it (probe p44a: a change from
    /// `uniform(0, 10)` to `uniform(0, 10, discrete=True)` carried no trial over); other values are kept as they are.
    static func retyped(_ params: Parameters, _ name: String, into dimension: SpaceDimension?) -> Parameters? {
        guard let param = params.param(named: name) else { return params }
        guard let dimension else { return nil }
        guard dimension.kind == .integer, let whole = wholeNumbers(param.value) else {
            return dimension.contains(param.value) ? params : nil
        }
        guard dimension.contains(whole) else { return nil }
        return Parameters(params.map { $0.name == name ? Trial.Param(name: name, type: .integer, value: whole) : $0 })
    }

    /// `value` with every real number replaced by its integer, or `nil` when one is not whole (or beyond 2^53).
    private static func wholeNumbers(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .int: return value
        case .double(let number):
            guard number.isFinite, number.rounded() == number, abs(number) <= 9_007_199_254_740_992 else { return nil }
            return .int(Int(number))
        case .array(let items):
            var whole: [JSONValue] = []
            for item in items {
                guard let converted = wholeNumbers(item) else { return nil }
                whole.append(converted)
            }
            return .array(whole)
        default: return nil
        }
    }

    /// A child trial's parameters as the parent sees them (Oríon's `backward`), or `nil` when the trial does not
    /// carry back: an added dimension keeps the trials at its default value, without it; a deleted one gives its
    /// value back (none without one); a changed prior keeps the trials inside the old prior; a renaming is undone;
    /// a code, command-line or configuration change carries trials back only when its type is `noeffect`.
    ///
    /// - Parameter params: the parameters, in the space after this adapter.
    /// - Returns: the parameters in the space before it, or `nil`.
    public func backward(_ params: Parameters) -> Parameters? {
        switch self {
        case .dimensionAddition(let name, let type, let value):
            return Self.dimensionDeletion(name: name, type: type, value: value).forward(params)
        case .dimensionDeletion(let name, let type, let value):
            return Self.dimensionAddition(name: name, type: type, value: value).forward(params)
        case .dimensionPriorChange(let name, let oldPrior, _):
            return Self.retyped(params, name, into: try? Space(priors: [name: oldPrior])[name])
        case .dimensionRenaming(let oldName, let newName):
            return Self.dimensionRenaming(oldName: newName, newName: oldName).forward(params)
        case .algorithmChange:
            return params
        case .codeChange(let type), .commandLineChange(let type), .scriptConfigChange(let type):
            return type == .noEffect ? params : nil
        }
    }

    /// Child trials as the parent sees them: each trial's parameters through every adapter backwards, the last
    /// first, those that do not carry back left out.
    ///
    /// - Parameters:
    ///   - adapters: the child's adapters.
    ///   - params: the child trials' parameters.
    /// - Returns: for each trial that carries back, its index in `params` and its parameters in the parent's space.
    public static func backward(_ adapters: [Adapter], _ params: [Parameters]) -> [(index: Int, params: Parameters)] {
        let steps = adapters.reversed().map { $0.prepared(forward: false) }
        return params.enumerated().compactMap { index, point in
            var current = point
            for step in steps {
                guard let next = step(current) else { return nil }
                current = next
            }
            return (index, current)
        }
    }

    /// Parent trials as the child sees them: each trial's parameters through every adapter, in order, those that
    /// do not carry over left out.
    ///
    /// - Parameters:
    ///   - adapters: the child's adapters.
    ///   - params: the parent trials' parameters.
    /// - Returns: for each trial that carries over, its index in `params` and its parameters in the child's space.
    public static func forward(_ adapters: [Adapter], _ params: [Parameters]) -> [(index: Int, params: Parameters)] {
        let steps = adapters.map { $0.prepared(forward: true) }
        return params.enumerated().compactMap { index, point in
            var current = point
            for step in steps {
                guard let next = step(current) else { return nil }
                current = next
            }
            return (index, current)
        }
    }

    /// Whether ``forward(_:)`` gives every trial back unchanged: an algorithm change, or a code, command-line or
    /// configuration change that carries trials over.
    public var keepsParameters: Bool {
        switch self {
        case .algorithmChange: true
        case .codeChange(let type), .commandLineChange(let type), .scriptConfigChange(let type):
            type.passesTrialsForward
        case .dimensionAddition, .dimensionDeletion, .dimensionPriorChange, .dimensionRenaming: false
        }
    }

    /// ``forward(_:)`` or ``backward(_:)`` for many trials: a changed prior is parsed once, not once per trial.
    private func prepared(forward: Bool) -> (Parameters) -> Parameters? {
        guard case .dimensionPriorChange(let name, let oldPrior, let newPrior) = self else {
            return forward ? { self.forward($0) } : { self.backward($0) }
        }
        let dimension = try? Space(priors: [name: forward ? newPrior : oldPrior])[name]
        return { params in Self.retyped(params, name, into: dimension) }
    }

    /// The adapter as Oríon's `configuration` gives it (what its `orion info` prints): `of_type`, the class name in
    /// lower case, and the adapter's fields under Oríon's keys (`param: {name, type, value}` for an added or deleted
    /// dimension, `name`, `old_prior` and `new_prior` for a changed prior, `old_name` and `new_name` for a renaming,
    /// `change_type` for a code, command-line or script-configuration change).
    public var orionConfiguration: JSONValue {
        func param(_ name: String, _ type: DimensionKind, _ value: JSONValue?) -> JSONValue {
            .object(["name": .string(name), "type": .string(type.rawValue), "value": value ?? .null])
        }
        switch self {
        case .dimensionAddition(let name, let type, let value):
            return .object(["of_type": "dimensionaddition", "param": param(name, type, value)])
        case .dimensionDeletion(let name, let type, let value):
            return .object(["of_type": "dimensiondeletion", "param": param(name, type, value)])
        case .dimensionPriorChange(let name, let oldPrior, let newPrior):
            return .object([
                "of_type": "dimensionpriorchange", "name": .string(name), "old_prior": .string(oldPrior),
                "new_prior": .string(newPrior),
            ])
        case .dimensionRenaming(let oldName, let newName):
            return .object(["of_type": "dimensionrenaming", "old_name": .string(oldName), "new_name": .string(newName)])
        case .algorithmChange:
            return .object(["of_type": "algorithmchange"])
        case .codeChange(let type):
            return .object(["of_type": "codechange", "change_type": .string(type.rawValue)])
        case .commandLineChange(let type):
            return .object(["of_type": "commandlinechange", "change_type": .string(type.rawValue)])
        case .scriptConfigChange(let type):
            return .object(["of_type": "scriptconfigchange", "change_type": .string(type.rawValue)])
        }
    }

    /// A one-line description of the adapter, as Oríon's `repr` of it (`orion info` prints ``orionConfiguration``).
    public var description: String {
        switch self {
        case .dimensionAddition(let name, _, let value):
            "DimensionAddition(\(name), default: \(value?.pythonRepr ?? "None"))"
        case .dimensionDeletion(let name, _, let value):
            "DimensionDeletion(\(name), default: \(value?.pythonRepr ?? "None"))"
        case .dimensionPriorChange(let name, let oldPrior, let newPrior):
            "DimensionPriorChange(\(name), \(oldPrior) -> \(newPrior))"
        case .dimensionRenaming(let oldName, let newName):
            "DimensionRenaming(\(oldName) -> \(newName))"
        case .algorithmChange:
            "AlgorithmChange()"
        case .codeChange(let type):
            "CodeChange(\(type.rawValue))"
        case .commandLineChange(let type):
            "CommandLineChange(\(type.rawValue))"
        case .scriptConfigChange(let type):
            "ScriptConfigChange(\(type.rawValue))"
        }
    }

    /// Whether two values are equal, numbers compared by value (`1` equals `1.0`).
    private static func same(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue, lhs.boolValue == nil, rhs.boolValue == nil {
            return left == right
        }
        return lhs == rhs
    }
}
