import Foundation
import OrionCore

/// Evolution strategy over Hyperband's rungs (`evolutiones`): a population evaluated fidelity after fidelity, each
/// generation made by pairwise tournaments in which the loser becomes a mutated copy of the winner.
///
/// The tournament evolution of [Real et al., 2019](https://arxiv.org/abs/1802.01548) with the rungs of
/// Hyperband, as Oríon's `EvolutionES` runs it ([So et al., 2019](https://arxiv.org/abs/1901.11117)'s progressive
/// evaluation). The rungs are the fidelities of Hyperband's most exploratory bracket (`fidelity(1, 27, base=3)`:
/// 1, 3, 9, 27), or every integer from `low` to `high` for `base=1`. `nums_population` configurations are drawn at
/// the first rung. Once every trial of a rung is completed or broken, `nums_population / 2` disjoint pairs are
/// drawn; in each, the member with the higher objective (broken: `+inf`) is replaced by a copy of the other with
/// `max(1, int(0.3 · d))` of its `d` hyperparameters mutated (``Mutation``). The whole population then runs at the
/// next rung, each member with the trial it continues from as `parent` (itself for a winner, the winner for a
/// mutated loser). A member that would repeat a trial is mutated again, up to `max_retries` times, then left out.
/// Workers do not wait for a rung: meanwhile they get the next repetition's first rung, up to `repetitions` (no
/// limit when null).
///
/// - Complexity: O(p · d) per generation for a population of p and d dimensions, O(1) per observed trial.
public struct EvolutionES: Algorithm {
    /// The options of EvolutionES, Oríon's names and defaults.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `repetitions`: how many times the rungs are run; null (the default) for no limit (Oríon's `inf`).
        public var repetitions: Int?
        /// `nums_population`: the population's size; 20 by default.
        public var numsPopulation = 20
        /// `mutate`: the mutation's factors; null (the default) for Oríon's `default_mutate` defaults.
        public var mutate: Mutation?
        /// `max_retries`: how many times a member that repeats a trial is mutated again; 1000 by default.
        public var maxRetries = 1000

        /// Oríon's option names.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `repetitions`.
            case repetitions
            /// `nums_population`.
            case numsPopulation = "nums_population"
            /// `mutate`.
            case mutate
            /// `max_retries`.
            case maxRetries = "max_retries"
        }

        /// `repetitions`: null is Oríon's `inf`.
        public static let unlimitedCounts: Set<String> = ["repetitions"]

        /// The defaults: `seed: null, repetitions: null, nums_population: 20, mutate: null, max_retries: 1000`.
        public init() {}

        /// Decodes the options, every key present (the registry fills the defaults).
        ///
        /// - Throws: `DecodingError` for a value of the wrong type, ``AlgorithmError`` for one out of range.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            repetitions = try container.decodeUnlimitedCount(forKey: .repetitions)
            numsPopulation = try container.decodeIfPresent(Int.self, forKey: .numsPopulation) ?? 20
            mutate = try container.decodeIfPresent(Mutation.self, forKey: .mutate)
            maxRetries = try container.decodeIfPresent(Int.self, forKey: .maxRetries) ?? 1000
            guard numsPopulation >= 2 else {
                throw AlgorithmError(
                    .invalidOption,
                    "evolutiones: option 'nums_population' must be at least 2, not \(numsPopulation)"
                )
            }
            guard maxRetries >= 0 else {
                throw AlgorithmError(
                    .invalidOption,
                    "evolutiones: option 'max_retries' must be 0 or more, not \(maxRetries)"
                )
            }
            if let repetitions, repetitions < 1 {
                throw AlgorithmError(
                    .invalidOption,
                    "evolutiones: option 'repetitions' must be at least 1, or null for no limit, not \(repetitions)"
                )
            }
        }

        /// Encodes every option, null ones included.
        ///
        /// - Throws: `EncodingError` when a value cannot be encoded.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(repetitions, forKey: .repetitions)
            try container.encode(numsPopulation, forKey: .numsPopulation)
            try container.encode(mutate, forKey: .mutate)
            try container.encode(maxRetries, forKey: .maxRetries)
        }
    }

    /// One trial of a rung.
    struct Entry: Codable, Sendable, Hashable {
        /// The parameters, at the rung's fidelity.
        var parameters: Parameters
        /// The configuration's rendering (fidelity at its upper bound).
        var configuration: String
        /// The trial it continues from.
        var parent: String?
        /// The trial's id, once observed.
        var trialID: String?
        /// The objective once completed with a finite one.
        var objective: Double?
        /// Whether the trial has a result, good or broken.
        var isFinished = false
        /// Whether it was handed out as a suggestion.
        var isSuggested = false
    }

    /// One run of the rungs.
    struct Repetition: Codable, Sendable, Hashable {
        /// The entries of each rung.
        var rungs: [[Entry]]
        /// How many rungs have their generation made (rung 0 counts once it is full).
        var generated = 1
        /// Whether the first rung takes no more new configurations.
        var isBottomClosed = false
        /// Whether the last generation holds fewer members than it was made with (`true`; `nil` otherwise).
        ///
        /// A state rebuilt from the trials (a `db load`, a reset state) knows only the members that had trials; the
        /// others are made again (``topUp(repetition:context:)``) before any is handed out.
        var shortGeneration: Bool?
    }

    /// `evolutiones`.
    public static let name = "evolutiones"

    /// `true`: it fills brackets (rungs, populations) with the trials it observes.
    public static let schedulesFidelity = true

    let fidelityName: String
    /// The fidelity of each rung.
    let fidelities: [Double]
    let numsPopulation: Int
    let mutation: Mutation
    let maxRetries: Int
    let repetitionLimit: Int?
    private(set) var generator: SeededGenerator
    private(set) var repetitions: [Repetition] = []
    private(set) var seen: Set<String>?
    private var index: [String: Location] = [:]
    /// The written rungs of the last save, shared by copies (neither encoded nor compared).
    let memo = EvolutionESMemo()

    /// Where an entry is.
    struct Location: Hashable, Sendable {
        var repetition: Int
        var rung: Int
        var entry: Int
    }

    private enum CodingKeys: String, CodingKey {
        case fidelityName, fidelities, numsPopulation, mutation, maxRetries, repetitionLimit, generator, repetitions
        case seen
    }

    /// Creates an EvolutionES search.
    ///
    /// - Parameters:
    ///   - options: `seed`, `repetitions`, `nums_population`, `mutate`, `max_retries`.
    ///   - context: the search space, which must have exactly one `fidelity(low, high, base)` dimension with base 1
    ///     or at least 2.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for a space without such a fidelity.
    public init(options: Options, context: AlgorithmContext) throws {
        let fidelities = context.space.dimensions.filter { $0.kind == .fidelity }
        guard fidelities.count == 1, case .fidelity(let low, let high, let base) = fidelities[0].prior else {
            let found = fidelities.isEmpty ? "none" : fidelities.map(\.name).joined(separator: ", ")
            throw AlgorithmError(
                .unsupportedSpace,
                "evolutiones needs exactly one fidelity dimension in the search space (found: \(found)); "
                    + "add one prior such as --epochs~'fidelity(1, 81, base=3)'"
            )
        }
        if base == 1 {
            self.fidelities = Array(stride(from: low, through: high, by: 1))
        } else if base >= 2 {
            self.fidelities = Hyperband.brackets(low: low, high: high, base: base)[0].map(\.fidelity)
        } else {
            throw AlgorithmError(
                .unsupportedSpace,
                "evolutiones needs a fidelity base of 1 (every integer) or >= 2, got \(base) for "
                    + "\(fidelities[0].name)"
            )
        }
        fidelityName = fidelities[0].name
        numsPopulation = options.numsPopulation
        mutation = options.mutate ?? Mutation()
        maxRetries = options.maxRetries
        repetitionLimit = options.repetitions
        generator = options.seed.map { SeededGenerator(seed: UInt64(bitPattern: Int64($0))) } ?? SeededGenerator()
        seen = context.space.cardinality <= RandomSearch.trackedCardinality ? [] : nil
    }

    /// Decodes the state and rebuilds the index.
    ///
    /// - Throws: `DecodingError` when a member is missing or invalid.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fidelityName = try container.decode(String.self, forKey: .fidelityName)
        fidelities = try container.decode([Double].self, forKey: .fidelities)
        numsPopulation = try container.decode(Int.self, forKey: .numsPopulation)
        mutation = try container.decode(Mutation.self, forKey: .mutation)
        maxRetries = try container.decode(Int.self, forKey: .maxRetries)
        repetitionLimit = try container.decodeIfPresent(Int.self, forKey: .repetitionLimit)
        generator = try container.decode(SeededGenerator.self, forKey: .generator)
        repetitions = try container.decode([Repetition].self, forKey: .repetitions)
        seen = try container.decodeIfPresent([String].self, forKey: .seen).map(Set.init)
        for (r, repetition) in repetitions.enumerated() {
            for (g, rung) in repetition.rungs.enumerated() {
                for (e, entry) in rung.enumerated() {
                    index[Self.key(entry.configuration, g)] = Location(repetition: r, rung: g, entry: e)
                }
            }
        }
    }

    /// Encodes the state; the seen configurations sorted, so that equal states give equal JSON.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fidelityName, forKey: .fidelityName)
        try container.encode(fidelities, forKey: .fidelities)
        try container.encode(numsPopulation, forKey: .numsPopulation)
        try container.encode(mutation, forKey: .mutation)
        try container.encode(maxRetries, forKey: .maxRetries)
        try container.encode(repetitionLimit, forKey: .repetitionLimit)
        try container.encode(generator, forKey: .generator)
        try container.encode(repetitions, forKey: .repetitions)
        try container.encodeIfPresent(seen?.sorted(), forKey: .seen)
    }

    /// The capacity of rung `rung`: the population at the first, `2 · (nums_population / 2)` after.
    private func capacity(_ rung: Int) -> Int { rung == 0 ? numsPopulation : 2 * (numsPopulation / 2) }

    /// Whether every configuration of a small finite space was drawn or observed.
    private func isExhausted(_ context: AlgorithmContext) -> Bool {
        guard let seen else { return false }
        return Double(seen.count) >= context.space.cardinality
    }

    /// Whether every trial of a rung has a result and the rung takes no more.
    private func isComplete(_ repetition: Repetition, _ rung: Int) -> Bool {
        let entries = repetition.rungs[rung]
        guard entries.allSatisfy(\.isFinished) else { return false }
        // A rebuilt last generation waits for the members it is to be completed with.
        if repetition.shortGeneration == true, rung == repetition.generated - 1 { return false }
        return rung == 0 ? repetition.isBottomClosed : rung < repetition.generated
    }

    /// Whether a repetition has nothing left to run.
    private func isOver(_ repetition: Repetition) -> Bool {
        let last = repetition.generated - 1
        guard isComplete(repetition, last) else { return false }
        return last == fidelities.count - 1 || repetition.rungs[last].isEmpty
    }

    /// Up to `count` suggestions: members of new generations first, then new configurations.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions; members of later generations carry the trial they continue from.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        if isExhausted(context) {
            for r in repetitions.indices { repetitions[r].isBottomClosed = true }
        }
        var suggestions: [Suggestion] = []
        while suggestions.count < count {
            if let waiting = nextWaiting(context: context) {
                suggestions.append(waiting)
            } else if let sampled = sample(context: context) {
                suggestions.append(sampled)
            } else {
                break
            }
        }
        return suggestions
    }

    /// The next member of a generation not handed out yet, making generations of complete rungs first.
    private mutating func nextWaiting(context: AlgorithmContext) -> Suggestion? {
        for r in repetitions.indices {
            if repetitions[r].shortGeneration == true { topUp(repetition: r, context: context) }
            let last = repetitions[r].generated - 1
            if last + 1 < fidelities.count, isComplete(repetitions[r], last), !repetitions[r].rungs[last].isEmpty {
                makeGeneration(repetition: r, from: last, context: context)
            }
            let rung = repetitions[r].generated - 1
            guard rung > 0, let e = repetitions[r].rungs[rung].firstIndex(where: { !$0.isSuggested }) else { continue }
            repetitions[r].rungs[rung][e].isSuggested = true
            let entry = repetitions[r].rungs[rung][e]
            return Suggestion(entry.parameters, parent: entry.parent)
        }
        return nil
    }

    /// Draws a new configuration into the open first rung, starting a repetition when none is open.
    private mutating func sample(context: AlgorithmContext) -> Suggestion? {
        guard !isExhausted(context) else {
            for r in repetitions.indices { repetitions[r].isBottomClosed = true }
            return nil
        }
        if repetitions.last.map({ $0.isBottomClosed }) ?? true {
            if let repetitionLimit, repetitions.count >= repetitionLimit { return nil }
            repetitions.append(Repetition(rungs: Array(repeating: [], count: fidelities.count)))
        }
        let r = repetitions.count - 1
        let space = context.space
        var point = space.sample(using: &generator)
        var configuration = space.configuration(of: point).representation
        var attempts = seen == nil ? 10 : max(100, 20 * Int(min(space.cardinality, 1e6)))
        while index[Self.key(configuration, 0)] != nil || seen?.contains(configuration) == true {
            attempts -= 1
            if attempts == 0 {
                repetitions[r].isBottomClosed = true
                return nil
            }
            point = space.sample(using: &generator)
            configuration = space.configuration(of: point).representation
        }
        seen?.insert(configuration)
        let parameters = point.replacing(fidelityName, with: SuccessiveHalving.value(fidelities[0]))
        var entry = Entry(parameters: parameters, configuration: configuration)
        entry.isSuggested = true
        add(entry, repetition: r, rung: 0)
        if repetitions[r].rungs[0].count >= capacity(0) || isExhausted(context) { repetitions[r].isBottomClosed = true }
        return Suggestion(parameters)
    }

    /// Makes the generation of rung `rung + 1` from the complete rung `rung`: tournaments, then mutated copies.
    private mutating func makeGeneration(repetition r: Int, from rung: Int, context: AlgorithmContext) {
        let next = rung + 1
        for member in offspring(repetition: r, from: rung, context: context) {
            add(member, repetition: r, rung: next)
        }
        repetitions[r].generated = next + 1
    }

    /// Completes a rebuilt last generation (``Repetition/shortGeneration``) with members made as
    /// ``makeGeneration(repetition:from:context:)`` makes them, each of a configuration the rung does not hold, up to
    /// the size a generation of its rung below has; once.
    private mutating func topUp(repetition r: Int, context: AlgorithmContext) {
        repetitions[r].shortGeneration = nil
        let rung = repetitions[r].generated - 1
        guard rung > 0, isComplete(repetitions[r], rung - 1) else { return }
        let size = min(repetitions[r].rungs[rung - 1].count, capacity(rung))
        for member in offspring(repetition: r, from: rung - 1, context: context) {
            guard repetitions[r].rungs[rung].count < size else { break }
            add(member, repetition: r, rung: rung)
        }
    }

    /// The members of a generation of rung `rung + 1` made from the complete rung `rung` (not added), each with the
    /// trial it continues from: tournaments, then mutated copies of the winners; none of a configuration that rung `rung + 1`
    /// holds already (mutated again, up to `max_retries` times, else left out).
    private mutating func offspring(
        repetition r: Int,
        from rung: Int,
        context: AlgorithmContext
    ) -> [Entry] {
        let entries = repetitions[r].rungs[rung]
        var genes = entries.map(\.parameters)
        var parents = entries.map(\.trialID)
        let performance = entries.map { $0.objective ?? .infinity }
        let pairs = min(numsPopulation / 2, entries.count / 2)
        var positions = Array(entries.indices)
        positions.shuffle(using: &generator)
        let red = Array(positions.prefix(pairs))
        let blue = Array(positions.dropFirst(pairs).prefix(pairs))
        let mutable = context.space.dimensions.filter { $0.kind != .fidelity }
        let genesToMutate = max(1, Int(Double(mutable.count) * 0.3))
        for (first, second) in zip(red, blue) {
            // On a tie, a member with a trial wins over one the driver dropped (it has no trial to continue from).
            let firstWins =
                (performance[first], parents[first] == nil ? 1 : 0)
                < (performance[second], parents[second] == nil ? 1 : 0)
            let (winner, loser) = firstWins ? (first, second) : (second, first)
            genes[loser] = mutate(genes[winner], dimensions: mutable, count: genesToMutate)
            parents[loser] = entries[winner].trialID
        }
        // A member whose parent broke (a winner of two broken members, or one left out of the tournaments) does not
        // go on from it: the broken trial left no checkpoint and its hyperparameters broke. It becomes a mutated
        // copy of the rung's best completed member instead, or ends when none completed.
        let broken = Set(entries.indices.filter { !performance[$0].isFinite }.compactMap { entries[$0].trialID })
        let best = entries.indices.filter { performance[$0].isFinite && entries[$0].trialID != nil }
            .min { performance[$0] < performance[$1] }
        for i in entries.indices {
            guard let parent = parents[i], broken.contains(parent) else { continue }
            if let best {
                genes[i] = mutate(entries[best].parameters, dimensions: mutable, count: genesToMutate)
                parents[i] = entries[best].trialID
            } else {
                parents[i] = nil
            }
        }
        let next = rung + 1
        let fidelity = SuccessiveHalving.value(fidelities[next])
        var members: [Entry] = []
        var taken: Set<String> = []
        for i in 0..<min(entries.count, capacity(next)) {
            guard let parent = parents[i] else { continue }
            var parameters = genes[i].replacing(fidelityName, with: fidelity)
            var configuration = context.space.configuration(of: parameters).representation
            func isTaken(_ configuration: String) -> Bool {
                index[Self.key(configuration, next)] != nil || taken.contains(configuration)
            }
            var retries = 0
            while isTaken(configuration), retries <= maxRetries {
                retries += 1
                parameters = mutate(parameters, dimensions: mutable, count: genesToMutate)
                configuration = context.space.configuration(of: parameters).representation
            }
            guard !isTaken(configuration) else { continue }
            seen?.insert(configuration)
            taken.insert(configuration)
            members.append(Entry(parameters: parameters, configuration: configuration, parent: parent))
        }
        return members
    }

    /// `parameters` with `count` of `dimensions` (drawn without replacement) mutated.
    private mutating func mutate(_ parameters: Parameters, dimensions: [SpaceDimension], count: Int) -> Parameters {
        var chosen = dimensions
        chosen.shuffle(using: &generator)
        var result = parameters
        for dimension in chosen.prefix(count) {
            guard let value = parameters[dimension.name] else { continue }
            result = result.replacing(
                dimension.name,
                with: mutation.mutate(value, dimension: dimension, using: &generator)
            )
        }
        return result
    }

    /// Appends an entry to a rung and indexes it.
    private mutating func add(_ entry: Entry, repetition: Int, rung: Int) {
        let location = Location(repetition: repetition, rung: rung, entry: repetitions[repetition].rungs[rung].count)
        index[Self.key(entry.configuration, rung)] = location
        repetitions[repetition].rungs[rung].append(entry)
    }

    /// Records the status and objective of trials.
    ///
    /// A trial the search did not suggest (inserted, or from before the state was rebuilt) joins the open first
    /// rung when it is at the first fidelity (starting a repetition when none is open); a trial of a later rung
    /// whose parent is in the rung below rejoins that repetition's generation, so that a rebuilt search carries
    /// on from its last generation; otherwise only its configuration is remembered.
    ///
    /// - Parameters:
    ///   - trials: the changed trials.
    ///   - context: the search space.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        for trial in trials where context.space.contains(trial.params) {
            guard let value = trial.params[fidelityName]?.doubleValue,
                let rung = fidelities.firstIndex(where: { abs($0 - value) <= 1e-9 * max(1, abs($0)) })
            else { continue }
            let configuration = context.space.configuration(of: trial.params).representation
            if seen != nil, context.space.isOnGrid(trial.params) { seen?.insert(configuration) }
            let key = Self.key(configuration, rung)
            if index[key] == nil {
                if rung == 0 {
                    if repetitions.last.map(\.isBottomClosed) ?? true {
                        guard repetitionLimit.map({ repetitions.count < $0 }) ?? true else { continue }
                        repetitions.append(Repetition(rungs: Array(repeating: [], count: fidelities.count)))
                    }
                    let r = repetitions.count - 1
                    var entry = Entry(parameters: trial.params, configuration: configuration)
                    entry.isSuggested = true
                    add(entry, repetition: r, rung: 0)
                    if repetitions[r].rungs[0].count >= capacity(0) { repetitions[r].isBottomClosed = true }
                } else {
                    // A member of a generation: it rejoins the repetition whose rung below holds its parent.
                    guard let parent = trial.parent,
                        let r = repetitions.indices.first(where: { r in
                            repetitions[r].rungs[rung - 1].contains { $0.trialID == parent }
                        }), repetitions[r].rungs[rung].count < capacity(rung)
                    else { continue }
                    var entry = Entry(parameters: trial.params, configuration: configuration, parent: parent)
                    entry.isSuggested = true
                    add(entry, repetition: r, rung: rung)
                    repetitions[r].isBottomClosed = true
                    repetitions[r].generated = max(repetitions[r].generated, rung + 1)
                    repetitions[r].shortGeneration = repetitions[r].rungs[rung].count < capacity(rung) ? true : nil
                }
            }
            guard let location = index[key] else { continue }
            var entry = repetitions[location.repetition].rungs[location.rung][location.entry]
            entry.trialID = trial.id
            // A member of a generation not handed out yet whose trial exists (a user inserted it): nothing to run.
            entry.isSuggested = true
            let objective = trial.objective.flatMap { $0.isFinite ? $0 : nil }
            entry.objective = trial.status == .completed ? objective : nil
            entry.isFinished = trial.status == .completed || trial.status == .broken
            repetitions[location.repetition].rungs[location.rung][location.entry] = entry
        }
    }

    /// Ends the members the driver did not register because their trials exist already (a point a user inserted
    /// at that fidelity): each counts as broken (it loses its tournament), so that its rung completes.
    ///
    /// - Parameters:
    ///   - suggestions: the suggestions dropped.
    ///   - context: the search space.
    public mutating func dropped(_ suggestions: [Suggestion], context: AlgorithmContext) {
        for suggestion in suggestions {
            guard let value = suggestion.parameters[fidelityName]?.doubleValue,
                let rung = fidelities.firstIndex(where: { abs($0 - value) <= 1e-9 * max(1, abs($0)) }),
                let location = index[
                    Self.key(context.space.configuration(of: suggestion.parameters).representation, rung)
                ]
            else { continue }
            let entry = repetitions[location.repetition].rungs[location.rung][location.entry]
            guard entry.trialID == nil else { continue }
            repetitions[location.repetition].rungs[location.rung][location.entry].isFinished = true
        }
    }

    /// `true` once no repetition can start and every one has run its last generation.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the search is over.
    public func isDone(context: AlgorithmContext) -> Bool {
        let exhausted = isExhausted(context)
        let canStart = !exhausted && (repetitionLimit.map { repetitions.count < $0 } ?? true)
        let open = repetitions.contains { !$0.isBottomClosed } && !exhausted
        if canStart || open { return false }
        return repetitions.allSatisfy { repetition in
            isOver(repetition) && repetition.rungs.allSatisfy { $0.allSatisfy(\.isSuggested) }
        }
    }

    /// The index key of a configuration at a rung.
    private static func key(_ configuration: String, _ rung: Int) -> String { "\(configuration)@\(rung)" }
}
