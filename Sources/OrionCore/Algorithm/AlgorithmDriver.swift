import Foundation

/// The bookkeeping around any ``Algorithm``: which trials exist, duplicate suggestions, retries, trial creation.
///
/// Algorithms only produce suggestions and learn from trials; the driver turns suggestions into ``Trial``s (with
/// their parent), drops those that already exist as trials (asking the algorithm again, up to ``maxRetries``
/// times): it alone deduplicates, against the ids it saw in this process and the storage's own index of trial ids
/// (``AlgorithmSnapshot/existingTrials``), so that its saved state does not grow with the experiment. It hands the algorithm an
/// ``AlgorithmContext`` (the space, the budget) at every call. Its whole state is saved as JSON (see
/// ``encodedState()``) under the experiment's algorithm lock, and
/// ``step(snapshot:cached:experiment:factory:count:now:)`` is the one function a worker runs under that lock.
public struct AlgorithmDriver: Sendable {
    /// The experiment whose trials the driver produces.
    public let experimentID: String
    /// The search space.
    public var space: Space { context.space }
    /// What the algorithm is told at every call: the space and the experiment's budget.
    public let context: AlgorithmContext
    /// The algorithm configuration the driver was made from (the experiment's, as stored).
    public let configuration: AlgorithmConfig
    /// The algorithm.
    public private(set) var algorithm: any Algorithm
    /// The trials this driver produced or observed in this process: a cache in front of the storage's index, not
    /// saved with the state (a restored driver starts with none).
    public private(set) var known: KnownTrials
    /// Whether a stored state was discarded because it was made for another algorithm configuration.
    ///
    /// The new algorithm has then seen none of the experiment's trials; callers that change the algorithm should
    /// also call `Storage.resetAlgorithm(of:)` so that the next step observes every trial.
    public private(set) var restartedFromScratch: Bool
    /// How many more times ``produce(count:now:)`` asks the algorithm when a round gives only known points.
    public var maxRetries: Int = 100

    /// Creates a driver with a fresh algorithm.
    ///
    /// - Parameters:
    ///   - experiment: the experiment; its `algorithm`, `space` and `maxTrials` make the algorithm.
    ///   - factory: makes the algorithm (e.g. `AlgorithmRegistry.standard`).
    /// - Throws: ``AlgorithmError`` when the configuration is invalid or the algorithm cannot search the space.
    public init(experiment: Experiment, factory: any AlgorithmFactory) throws {
        let algorithm = try factory.makeAlgorithm(
            experiment.algorithm,
            space: experiment.space,
            maxTrials: experiment.maxTrials
        )
        self.init(experiment: experiment, algorithm: algorithm, known: KnownTrials(), restarted: false)
    }

    /// Restores a driver from a state saved by ``encodedState()``.
    ///
    /// When the state was saved for another algorithm name or other options than `experiment.algorithm`, it is
    /// discarded: the driver starts with a fresh algorithm and ``restartedFromScratch`` is `true`.
    ///
    /// - Parameters:
    ///   - experiment: the experiment the state belongs to.
    ///   - factory: decodes the algorithm's state.
    ///   - state: JSON written by ``encodedState()``.
    /// - Throws: ``AlgorithmError`` `.corruptState` when the state cannot be decoded; the factory's errors.
    public init(experiment: Experiment, factory: any AlgorithmFactory, state: Data) throws {
        let stored = try StoredState(decoding: state)
        guard stored.name == experiment.algorithm.name,
            JSONValue.object(stored.configuration).sameStoredValue(as: .object(experiment.algorithm.options))
        else {
            let algorithm = try factory.makeAlgorithm(
                experiment.algorithm,
                space: experiment.space,
                maxTrials: experiment.maxTrials
            )
            self.init(experiment: experiment, algorithm: algorithm, known: KnownTrials(), restarted: true)
            return
        }
        let algorithm = try factory.decodeAlgorithm(named: stored.name, from: stored.algorithm)
        self.init(experiment: experiment, algorithm: algorithm, known: KnownTrials(), restarted: false)
    }

    private init(experiment: Experiment, algorithm: any Algorithm, known: KnownTrials, restarted: Bool) {
        self.experimentID = experiment.id
        self.context = AlgorithmContext(space: experiment.space, maxTrials: experiment.maxTrials)
        self.configuration = experiment.algorithm
        self.algorithm = algorithm
        self.known = known
        self.restartedFromScratch = restarted
    }

    /// The driver's state as JSON: `{"algorithm": {...}, "configuration": {...}, "name": "random"}`.
    ///
    /// - Returns: UTF-8 JSON of the algorithm (written by the algorithm itself when it is ``StateWriting``) and its
    ///   configuration only: no list of trials, so that saving it at every production costs the same whatever the
    ///   number of trials.
    /// - Throws: ``AlgorithmError`` `.invalidState` naming the algorithm and the value when JSON cannot hold its
    ///   state (a non-finite number: `var best = Double.infinity`), or the algorithm's own encoding error.
    public func encodedState() throws -> Data {
        let algorithmJSON: Data
        do {
            algorithmJSON =
                try (algorithm as? any StateWriting)?.writtenState() ?? StoredState.makeEncoder().encode(algorithm)
        } catch let EncodingError.invalidValue(value, context) {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw AlgorithmError(
                .invalidState,
                "algorithm '\(configuration.name)' cannot save its state: \(value) at '\(path)' cannot be written as"
                    + " JSON; keep such a value optional (nil) or finite in the state"
            )
        }
        return try StoredState(
            name: configuration.name,
            configuration: configuration.options,
            algorithm: algorithmJSON
        ).encoded()
    }

    /// Whether nothing more can be produced, as the algorithm says.
    ///
    /// The driver does not count trials against the space's cardinality: with a fidelity dimension, one
    /// configuration may be several trials, and only the algorithm knows when its last rung is done.
    public var isDone: Bool {
        algorithm.isDone(context: context)
    }

    /// Empties the in-process set of known trials (``known``), leaving deduplication to the storage's index.
    ///
    /// ``step(snapshot:cached:experiment:factory:count:now:)`` does it at every round, so that a worker's cached
    /// driver neither grows with the experiment nor gets copied whole when it is reused.
    public mutating func forgetKnownTrials() {
        known = KnownTrials()
    }

    /// Records trials as known and passes them to the algorithm.
    ///
    /// - Parameter trials: trials that were registered or changed status.
    public mutating func observe(_ trials: [Trial]) {
        guard !trials.isEmpty else { return }
        for trial in trials { known.insert(trial.id) }
        algorithm.observe(trials, context: context)
    }

    /// Asks the algorithm for up to `count` new trials.
    ///
    /// Suggestions that are already trials (produced or observed before, or suggested twice; the same
    /// configuration at another fidelity is a new trial) are dropped, the algorithm is told which
    /// (``Algorithm/dropped(_:context:)``) and asked again, up to
    /// ``maxRetries`` more times; an empty answer ends the search early. Real values given as integers are turned
    /// into doubles, so the trial id does not depend on how the algorithm wrote them. The new trials are `new`,
    /// submitted at `now`, carry their suggestion's parent, and are known from now on.
    ///
    /// - Parameters:
    ///   - count: the most trials wanted.
    ///   - now: the trials' submission time.
    ///   - existing: the storage's index of the experiment's trial ids (``AlgorithmSnapshot/existingTrials``);
    ///     by default only the trials this driver has seen count as existing.
    /// - Returns: between 0 and `count` trials with distinct, previously unknown ids.
    /// - Throws: the index's error when the storage cannot be read; ``AlgorithmError`` `.invalidSuggestion` when
    ///   the algorithm suggests a point outside the space.
    /// - Complexity: O(`count` × `maxRetries`) suggestions and index look-ups in the worst case, independent of the
    ///   number of trials.
    public mutating func produce(count: Int, now: Date, existing: TrialIndex = .containing([])) throws -> [Trial] {
        var produced: [Trial] = []
        var retries = 0
        while produced.count < count, !isDone {
            let suggestions = algorithm.suggest(count: count - produced.count, context: context)
            guard !suggestions.isEmpty else { break }
            var candidates: [(trial: Trial, suggestion: Suggestion)] = []
            var dropped: [Suggestion] = []
            for suggestion in suggestions where produced.count + candidates.count < count {
                let parameters = normalized(suggestion.parameters)
                // Never hand a script a value its prior cannot give (NaN, a value past a bound): stop instead.
                guard context.space.contains(parameters) else {
                    throw AlgorithmError(
                        .invalidSuggestion,
                        "algorithm '\(configuration.name)' suggested {\(Trial.parametersRepresentation(parameters))}, "
                            + "which is not a point of the search space, and nothing was registered; this is a bug "
                            + "in the algorithm: please report it with the experiment's configuration (orion info)"
                    )
                }
                let trial = Trial(
                    experimentID: experimentID,
                    params: parameters,
                    submitTime: now,
                    parent: suggestion.parent
                )
                if known.insert(trial.id) {
                    candidates.append((trial, suggestion))
                } else {
                    dropped.append(suggestion)
                }
            }
            let stored = try existing.existing(candidates.map(\.trial.id))
            let fresh = candidates.filter { !stored.contains($0.trial.id) }.map(\.trial)
            dropped += candidates.filter { stored.contains($0.trial.id) }.map(\.suggestion)
            if !dropped.isEmpty { algorithm.dropped(dropped, context: context) }
            produced += fresh
            let gotNew = !fresh.isEmpty
            if !gotNew {
                retries += 1
                if retries > maxRetries { break }
            }
        }
        return produced
    }

    /// `parameters` with integral real values written as doubles (unchanged when there are none).
    private func normalized(_ parameters: Parameters) -> Parameters {
        guard parameters.contains(where: { $0.type == .real && $0.value.hasIntegers }) else { return parameters }
        return Parameters(
            parameters.map { param in
                guard param.type == .real else { return param }
                return Trial.Param(name: param.name, type: param.type, value: param.value.promotingIntegersToDoubles())
            }
        )
    }
}
