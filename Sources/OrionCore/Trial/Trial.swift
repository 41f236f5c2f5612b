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

        /// Creates a parameter.
        public init(name: String, type: DimensionKind, value: JSONValue) {
            self.name = name
            self.type = type
            self.value = value
        }

        /// Decodes a parameter, restoring `.double` for real values that JSON wrote without a decimal point.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            type = try container.decode(DimensionKind.self, forKey: .type)
            value = try container.decode(JSONValue.self, forKey: .value)
            if type == .real { value = value.promotingIntegersToDoubles() }
        }
    }

    /// The trial's identifier: a stable hash of the experiment and the parameters (see ``Trial/makeID(experimentID:params:)``).
    public var id: String
    /// The experiment this trial belongs to.
    public var experimentID: String
    /// The parameters, sorted by name.
    public var params: [Param]
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
    /// The worker that holds or last held it, as `host:pid`.
    public var worker: String?
    /// The id of the trial this one was forked from (population-based algorithms), if any.
    public var parent: String?
    /// The exit code of the script's last run, when it ran.
    public var exitCode: Int?
    /// Why the trial broke: the reason and the tail of the script's stderr.
    public var failure: String?

    /// Creates a `new` trial with an id derived from the experiment and the parameters.
    public init(experimentID: String, params: [Param], submitTime: Date = Date(), parent: String? = nil) {
        let sorted = params.sorted { $0.name < $1.name }
        self.id = Trial.makeID(experimentID: experimentID, params: sorted)
        self.experimentID = experimentID
        self.params = sorted
        self.status = .new
        self.results = []
        self.submitTime = submitTime
        self.parent = parent
    }

    /// The parameters as a dictionary from dimension name to value.
    public var values: [String: JSONValue] {
        Dictionary(params.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The value of the first `objective` result, if any.
    public var objective: Double? {
        results.first { $0.type == .objective }?.value.doubleValue
    }

    /// Oríon's rendering of the parameters, `"/x:-4.504,/y:0.09233"` (names sorted, Python `str` of values).
    public static func parametersRepresentation(_ params: [Param]) -> String {
        params.sorted { $0.name < $1.name }.map { "\($0.name):\($0.value.pythonString)" }.joined(separator: ",")
    }

    /// The trial id: the MD5 of the experiment id and Oríon's parameter rendering, as 32 hex digits.
    public static func makeID(experimentID: String, params: [Param]) -> String {
        MD5.hex(experimentID + "|" + parametersRepresentation(params))
    }

    /// The MD5 of the parameters alone: the id Oríon 0.2.7 would give this trial.
    public var paramsHash: String { MD5.hex(Trial.parametersRepresentation(params)) }
}

extension JSONValue {
    /// The value with every `.int` (also inside arrays) turned into a `.double`.
    public func promotingIntegersToDoubles() -> JSONValue {
        switch self {
        case .int(let value): .double(Double(value))
        case .array(let values): .array(values.map { $0.promotingIntegersToDoubles() })
        default: self
        }
    }
}
