import Foundation

/// One evaluation of the user's objective at one point of the search space.
public struct Trial: Codable, Sendable, Hashable, Identifiable {
    /// One parameter of a trial: `{name, type, value}` as Oríon stores it.
    public struct Param: Codable, Sendable, Hashable {
        /// The dimension name, such as `/lr`.
        public var name: String
        /// The dimension kind.
        public var type: DimensionKind
        /// The value.
        public var value: JSONValue

        /// Creates a parameter; a real value written as an integer (a `default_value=1`, an EVC adapter's default)
        /// becomes a `.double`, as a decoded one does, so that one real value always renders alike (`1.0`) and
        /// gives one trial id.
        public init(name: String, type: DimensionKind, value: JSONValue) {
            self.name = name
            self.type = type
            self.value = type == .real ? value.promotingIntegersToDoubles() : value
        }

        private enum CodingKeys: String, CodingKey {
            case name, type, value
            /// The value's Python literal, written when JSON would lose it (see ``encode(to:)``).
            case literal
        }

        /// Decodes a parameter, restoring `.double` for real values that JSON wrote without a decimal point, and
        /// for other kinds the value of its Python literal when one was written.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            type = try container.decode(DimensionKind.self, forKey: .type)
            value = try container.decode(JSONValue.self, forKey: .value)
            if type == .real {
                value = value.promotingIntegersToDoubles()
            } else if let literal = try container.decodeIfPresent(String.self, forKey: .literal),
                let parsed = JSONValue(pythonLiteral: literal)
            {
                value = parsed
            }
        }

        /// Encodes the parameter.
        ///
        /// JSON writes a whole float as an integer (`2.0` as `2`), which a real dimension restores; a value of
        /// another kind holding one (a category `2.0`, in a list `[1, 2.0]`) also gets its Python literal
        /// (`"literal": "2.0"`), so that it decodes as it was and not as the integer `2` (which is another
        /// category, another trial id and another command-line argument).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(type, forKey: .type)
            try container.encode(value, forKey: .value)
            if let literal = storedLiteral { try container.encode(literal, forKey: .literal) }
        }

        /// The Python literal the stored form keeps beside the value (`"literal"`), or `nil` when JSON keeps the
        /// value as it is: a value that is not real and holds a whole float (a real is always a float).
        public var storedLiteral: String? {
            type != .real && value.hasWholeDoubles ? value.pythonRepr : nil
        }
    }

    /// The trial's identifier: a stable hash of the experiment and the parameters (see ``Trial/makeID(experimentID:params:)``).
    public var id: String
    /// The experiment this trial belongs to.
    public var experimentID: String
    /// The parameters, sorted by name.
    public var params: Parameters
    /// The current status.
    public var status: TrialStatus
    /// The results reported by the script (empty until completed).
    public var results: [TrialResult]
    /// When the trial was registered.
    public var submitTime: Date
    /// When a worker reserved it (last reservation).
    public var startTime: Date?
    /// When it completed or failed.
    public var endTime: Date?
    /// The last heartbeat of the worker running it.
    public var heartbeat: Date?
    /// The trial's own working directory.
    public var workingDir: String?
    /// The worker that holds or last held it, as `host@machine:pid`.
    public var worker: String?
    /// The id of the trial this one comes from, if any.
    ///
    /// The same configuration at a lower fidelity (a promotion), or the member a population-based child was copied
    /// from. Its script gets the parent's id and working directory in its environment.
    public var parent: String?
    /// The exit code of the script's last run, when it ran.
    public var exitCode: Int?
    /// Why the trial broke: the reason and the tail of the script's stderr.
    public var failure: String?

    /// Creates a `new` trial with an id derived from the experiment and the parameters.
    ///
    /// The id does not depend on `parent`: the same parameters (fidelity included) are the same trial, whoever
    /// suggested them.
    ///
    /// - Parameters:
    ///   - experimentID: the experiment's id.
    ///   - params: the parameters.
    ///   - submitTime: when the trial is registered.
    ///   - parent: the id of the trial this one comes from (see ``parent``).
    public init(experimentID: String, params: Parameters, submitTime: Date = Date(), parent: String? = nil) {
        self.id = Trial.makeID(experimentID: experimentID, params: params)
        self.experimentID = experimentID
        self.params = params
        self.status = .new
        self.results = []
        self.submitTime = submitTime
        self.parent = parent
    }

    /// The parameters, looked up by name: `trial.values["/lr"]?.doubleValue` (the same value as ``params``).
    public var values: Parameters { params }

    /// The value of the first `objective` result, if any, as a `Double` (what algorithms and rankings read).
    public var objective: Double? {
        results.first { $0.type == .objective }?.value.doubleValue
    }

    /// The value of the first `objective` result as the script reported it, if any: `.int(2)` for `2`,
    /// `.double(2.0)` for `2.0` (what outputs print, as Oríon prints the Python number).
    public var objectiveValue: JSONValue? {
        results.first { $0.type == .objective }?.value
    }

    /// Oríon's rendering of the parameters, `"/x:-4.504,/y:0.09233"` (names sorted, Python `str` of values).
    ///
    /// - Parameter params: the parameters.
    /// - Returns: ``Parameters/representation``.
    public static func parametersRepresentation(_ params: Parameters) -> String {
        params.representation
    }

    /// The trial id: the MD5 of the experiment id and Oríon's parameter rendering, as 32 hex digits.
    ///
    /// - Parameters:
    ///   - experimentID: the experiment's id.
    ///   - params: the parameters, fidelity included.
    /// - Returns: 32 lowercase hex digits.
    public static func makeID(experimentID: String, params: Parameters) -> String {
        MD5.hex(experimentID + "|" + params.representation)
    }

    /// The MD5 of the parameters alone: the id Oríon 0.2.7 would give this trial.
    public var paramsHash: String { MD5.hex(params.representation) }

    /// The ids Oríon 0.2.7 may have given this trial, were it without a parent.
    ///
    /// ``paramsHash``, and, when a real parameter holds a whole number, the MD5 with such numbers written as integers
    /// (`/y:1`): Oríon keeps the Python type a value was given with, so `orion insert -y=1` or `default_value=1`
    /// hashes `1` where a sampled value hashes `1.0`. A trial with a parent: ``orionIDs(of:)``.
    public var orionIDs: Set<String> { Set(orionRepresentations.map { MD5.hex($0) }) }

    /// Oríon's renderings of the parameters this trial may have been hashed from (see ``orionIDs``).
    private var orionRepresentations: [String] {
        let integral = Parameters(
            params.map { param in
                guard param.type == .real else { return param }
                var copy = param
                copy.value = param.value.demotingWholeDoublesToIntegers()
                return copy
            }
        )
        return integral != params ? [params.representation, integral.representation] : [params.representation]
    }

    /// The ids Oríon 0.2.7 may have given each of `trials`, by trial id.
    ///
    /// Oríon's id hashes the parameters followed by the parent's own Oríon id (`md5(params + parent id)`), so a
    /// promoted trial's depends on its whole lineage. A parent that is not among `trials` (in another version) is
    /// taken by the id stored.
    ///
    /// - Parameter trials: trials of one experiment.
    /// - Returns: for each trial id, the ids Oríon may have given it.
    /// - Complexity: O(n) for n trials (each lineage is followed once).
    public static func orionIDs(of trials: [Trial]) -> [String: Set<String>] {
        let byID = Dictionary(trials.map { ($0.id, $0) }) { first, _ in first }
        var ids: [String: Set<String>] = [:]
        func compute(_ trial: Trial, depth: Int) -> Set<String> {
            if let known = ids[trial.id] { return known }
            var parents: Set<String> = [""]
            if let parent = trial.parent {
                parents =
                    byID[parent].map { depth < trials.count ? compute($0, depth: depth + 1) : [$0.id] } ?? [parent]
            }
            var result: Set<String> = []
            for representation in trial.orionRepresentations {
                for parent in parents { result.insert(MD5.hex(representation + parent)) }
            }
            ids[trial.id] = result
            return result
        }
        for trial in trials { _ = compute(trial, depth: 0) }
        return ids
    }

    /// Oríon's `Trial.hash_params` (`{trial.hash_params}`): the MD5 of the parameters without the fidelity, the
    /// same for one configuration at every fidelity.
    public var hashParams: String { MD5.hex(Parameters(params.filter { $0.type != .fidelity }).representation) }

    /// Oríon's deprecated `Trial.legacy_id` (`{trial.legacy_id}`, its trial id before 0.2.5): the MD5 of the
    /// parameters, fidelity included, then the experiment's id, then the parent trial's id if any.
    public var legacyID: String { MD5.hex(params.representation + experimentID + (parent ?? "")) }
}

extension JSONValue {
    /// Whether the value is an `.int` or an array holding one.
    var hasIntegers: Bool {
        switch self {
        case .int: true
        case .array(let values): values.contains { $0.hasIntegers }
        default: false
        }
    }

    /// Whether the value is a whole finite `.double` or a list holding one: JSON writes it without a decimal point.
    /// (A dictionary is left as JSON reads it.)
    var hasWholeDoubles: Bool {
        switch self {
        case .double(let value): value.isFinite && value == value.rounded()
        case .array(let values): values.contains { $0.hasWholeDoubles }
        default: false
        }
    }

    /// The value of a Python literal (`2.0`, `[1, 2.0]`), or `nil` when the text is not one (or is a dictionary).
    init?(pythonLiteral text: String) {
        do throws(SpaceError) {
            var parser = try PriorParser(text: text, dimension: "literal")
            guard let value = try parser.parseLiteral().json else { return nil }
            self = value
        } catch {
            return nil
        }
    }

    /// The value with every `.int` (also inside arrays) turned into a `.double`.
    public func promotingIntegersToDoubles() -> JSONValue {
        switch self {
        case .int(let value): .double(Double(value))
        case .array(let values): .array(values.map { $0.promotingIntegersToDoubles() })
        default: self
        }
    }

    /// The value with every whole `.double` (also inside arrays) written as an `.int`, as Python writes a value
    /// given as an integer.
    func demotingWholeDoublesToIntegers() -> JSONValue {
        switch self {
        case .double(let value): Int(exactly: value).map(JSONValue.int) ?? self
        case .array(let values): .array(values.map { $0.demotingWholeDoublesToIntegers() })
        default: self
        }
    }
}
