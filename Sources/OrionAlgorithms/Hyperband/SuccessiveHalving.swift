import Foundation
import OrionCore
import OrionNumerics

/// The rung and bracket bookkeeping shared by ``Hyperband`` and ``ASHA``: successive halving over a fidelity.
///
/// A bracket is a list of rungs, each a fidelity with a capacity; new configurations enter a bracket's bottom rung
/// and the best ones are promoted, one rung at a time, to the fidelity above (the same configuration, the lower
/// trial as its `parent`). A repetition is one set of brackets; a new one starts when every bracket of the last
/// one is full, until `repetitions` have started.
///
/// Promotions are either asynchronous (ASHA: any configuration in the top `1/base` of the completed trials of a
/// rung), or synchronous (Hyperband: once every trial of a rung is completed or broken, its best ones up to the
/// next rung's capacity). Pending trials are never promoted, broken ones never. The state is plain arrays, so that
/// it encodes to the same JSON for the same history, stored compactly (``StoredBrackets``: each configuration once,
/// each entry a short array); an index from point to entry is rebuilt after decoding.
struct SuccessiveHalving: Codable, Sendable {
    /// One rung of a bracket's template: a fidelity and how many configurations it holds.
    struct RungPlan: Codable, Sendable, Hashable {
        /// The fidelity value of the rung's trials.
        var fidelity: Double
        /// The most configurations the rung holds.
        var capacity: Int
    }

    /// What a rung knows about one of its trials.
    struct Entry: Codable, Sendable, Hashable {
        /// The rendering of the configuration (fidelity at its upper bound): the same in every rung.
        var configuration: String
        /// The trial's parameters, at the rung's fidelity.
        var parameters: Parameters
        /// The trial's id, once the trial was observed.
        var trialID: String?
        /// The objective once completed with a finite one.
        var objective: Double?
        /// Whether the trial has a result, good or broken.
        var isFinished = false
        /// Whether the trial is broken (or completed without a finite objective): never promoted.
        var broken = false
        /// The configuration of the lower entry this one was bred from in place of promoting it (DEHB), if any.
        var source: String?
    }

    /// One bracket: its rungs' entries, rung by rung.
    struct Bracket: Codable, Sendable, Hashable {
        /// The plan of each rung.
        var plan: [RungPlan]
        /// The entries of each rung, in the order they entered it.
        var rungs: [[Entry]]
        /// The repetition the bracket belongs to, from 0.
        var repetition: Int

        /// Whether the bottom rung takes no more new configurations.
        func isBottomFull(exhausted: Bool) -> Bool { exhausted || rungs[0].count >= plan[0].capacity }

        /// The completed (not broken) entries of rung `index`, best first (ties by configuration).
        func ranked(_ index: Int) -> [Entry] {
            rungs[index].filter { $0.isFinished && !$0.broken }.sorted {
                ($0.objective ?? .infinity, $0.configuration) < ($1.objective ?? .infinity, $1.configuration)
            }
        }

        /// Whether every entry of rung `index` is finished and the rung will receive no more configurations.
        func isComplete(_ index: Int, exhausted: Bool) -> Bool {
            guard rungs[index].allSatisfy(\.isFinished) else { return false }
            if index == 0 { return isBottomFull(exhausted: exhausted) }
            guard isComplete(index - 1, exhausted: exhausted) else { return false }
            return rungs[index].count >= min(plan[index].capacity, ranked(index - 1).count)
        }

        /// Whether rung `index` of an asynchronous bracket will receive nothing more: every entry finished, its
        /// bottom full (or the space exhausted), and nothing left to promote into it from below.
        func settled(_ index: Int, base: Double, exhausted: Bool) -> Bool {
            guard rungs[index].allSatisfy(\.isFinished) else { return false }
            if index == 0 { return isBottomFull(exhausted: exhausted) }
            return settled(index - 1, base: base, exhausted: exhausted)
                && candidate(index - 1, synchronous: false, base: base, exhausted: exhausted) == nil
        }

        /// The entry of rung `index` to promote to rung `index + 1` now, if any: the best completed entry not
        /// promoted yet, when it ranks among the rung's top (``ranked(_:)``: the first of the top not promoted).
        ///
        /// - Complexity: O(n) for n entries in the rung (no sort: the entry is the best one not promoted, and its
        ///   place in the ranking is the number of completed entries ranked before it).
        func candidate(_ index: Int, synchronous: Bool, base: Double, exhausted: Bool) -> Entry? {
            guard index + 1 < rungs.count, rungs[index + 1].count < plan[index + 1].capacity else { return nil }
            let entries = rungs[index]
            let completed = entries.reduce(0) { $0 + ($1.isFinished && !$1.broken ? 1 : 0) }
            let top: Int
            if synchronous {
                guard isComplete(index, exhausted: exhausted) else { return nil }
                top = min(plan[index + 1].capacity, completed)
            } else {
                var fraction = Int((Double(completed) / base).rounded(.down))
                // A rung that will receive nothing more (a small finite space, every configuration tried) with fewer
                // than `base` completed: its best is promoted, so that the search reaches the top fidelity (6
                // configurations at `base=3` never ran above the second rung).
                if fraction == 0, completed > 0, settled(index, base: base, exhausted: exhausted) { fraction = 1 }
                top = min(fraction, plan[index + 1].capacity)
            }
            guard top > 0 else { return nil }
            let promoted = Set(rungs[index + 1].map { $0.source ?? $0.configuration })
            func precedes(_ a: Entry, _ b: Entry) -> Bool {
                (a.objective ?? .infinity, a.configuration) < (b.objective ?? .infinity, b.configuration)
            }
            // The best entry not promoted (the first of equals, as the stable sort of `ranked` keeps them).
            var best: Int?
            for position in entries.indices where entries[position].isFinished && !entries[position].broken {
                if let current = best, !precedes(entries[position], entries[current]) { continue }
                if promoted.contains(entries[position].configuration) { continue }
                best = position
            }
            guard let best else { return nil }
            // Its place in the ranking: the completed entries before it in the sorted order.
            var place = 0
            for position in entries.indices where entries[position].isFinished && !entries[position].broken {
                if precedes(entries[position], entries[best])
                    || (position < best && !precedes(entries[best], entries[position]))
                {
                    place += 1
                }
            }
            return place < top ? entries[best] : nil
        }

        /// The first promotion available, from the highest rung down: (rung it goes to, entry promoted).
        func promotion(synchronous: Bool, base: Double, exhausted: Bool) -> (Int, Entry)? {
            for index in stride(from: rungs.count - 2, through: 0, by: -1) {
                if let entry = candidate(index, synchronous: synchronous, base: base, exhausted: exhausted) {
                    return (index + 1, entry)
                }
            }
            return nil
        }

        /// Whether the bracket has nothing left to run: its bottom is full, no trial pending, no promotion left.
        func isDone(synchronous: Bool, base: Double, exhausted: Bool) -> Bool {
            isBottomFull(exhausted: exhausted) && rungs.allSatisfy { $0.allSatisfy(\.isFinished) }
                && promotion(synchronous: synchronous, base: base, exhausted: exhausted) == nil
        }
    }

    /// Makes the point of a new entry in place of a random sample or of a promotion (BOHB's model, DEHB's evolution).
    ///
    /// Called with `promoted` `nil` for a sample into the bottom rung, or with the entry promoted to rung `rung` of
    /// `bracket`; returning `nil` keeps the sample or the promotion. The fidelity of the point it returns is
    /// replaced by the rung's.
    typealias Breeder = (_ rng: inout SeededGenerator, _ bracket: Bracket, _ rung: Int, _ promoted: Entry?) ->
        Parameters?

    /// Where an entry is: bracket, rung, position.
    struct Location: Hashable, Sendable {
        var bracket: Int
        var rung: Int
        var entry: Int
    }

    /// The name of the fidelity dimension.
    let fidelityName: String
    /// The brackets of one repetition.
    let plans: [[RungPlan]]
    /// `base`: the reduction factor.
    let base: Double
    /// Whether promotions wait for complete rungs (Hyperband) rather than happen as results arrive (ASHA).
    let synchronous: Bool
    /// The most repetitions, `nil` for no limit.
    let repetitions: Int?
    /// The source of every random choice.
    private(set) var generator: SeededGenerator
    /// Every bracket started so far, oldest first.
    private(set) var brackets: [Bracket] = []
    /// The repetitions started so far.
    private(set) var started = 0
    /// The seed of the scrambled Halton sequence new configurations are drawn from.
    private(set) var designSeed: UInt64
    /// The index of the next point of that sequence.
    private(set) var designIndex = 0
    /// The configurations sampled or observed, for small finite spaces; `nil` for others.
    private var seen: Set<String>?
    /// `configuration@fidelity` → location of its entry; rebuilt after decoding.
    private var index: [String: Location] = [:]
    /// The bytes of the last saved brackets, so that the next save writes only what changed
    /// (``StoredBracketsMemo``); shared by copies, never encoded.
    let stateMemo = StoredBracketsMemo()

    /// Creates the bookkeeping of an empty search.
    ///
    /// - Parameters:
    ///   - plans: the brackets of one repetition, each its rungs from the lowest fidelity up.
    ///   - base: the reduction factor.
    ///   - synchronous: `true` for Hyperband's promotions, `false` for ASHA's.
    ///   - repetitions: the most repetitions, `nil` for no limit.
    ///   - seed: the seed, `nil` for one from the system's entropy.
    ///   - context: the search space.
    init(
        plans: [[RungPlan]],
        base: Double,
        synchronous: Bool,
        repetitions: Int?,
        seed: Int?,
        context: AlgorithmContext
    ) {
        fidelityName = context.space.fidelity?.name ?? ""
        self.plans = plans
        self.base = base
        self.synchronous = synchronous
        self.repetitions = repetitions
        generator = seed.map { SeededGenerator(seed: UInt64(bitPattern: Int64($0))) } ?? SeededGenerator()
        designSeed = generator.next()
        seen = context.space.cardinality <= RandomSearch.trackedCardinality ? [] : nil
    }

    private enum CodingKeys: String, CodingKey {
        case fidelityName, plans, base, synchronous, repetitions, generator, brackets, started, seen, designSeed
        case designIndex, fields, configurations
    }

    /// Decodes the state, in the compact form or the former one (``StoredBrackets``), and rebuilds the index.
    ///
    /// - Throws: `DecodingError` when a member is missing or invalid.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fidelityName = try container.decode(String.self, forKey: .fidelityName)
        plans = try container.decode([[RungPlan]].self, forKey: .plans)
        base = try container.decode(Double.self, forKey: .base)
        synchronous = try container.decode(Bool.self, forKey: .synchronous)
        repetitions = try container.decodeIfPresent(Int.self, forKey: .repetitions)
        generator = try container.decode(SeededGenerator.self, forKey: .generator)
        if container.contains(.configurations) {
            brackets = try StoredBrackets.expand(
                fields: try container.decode([StoredBrackets.Field].self, forKey: .fields),
                configurations: try container.decode([StoredBrackets.Configuration].self, forKey: .configurations),
                brackets: try container.decode([StoredBrackets.Bracket].self, forKey: .brackets),
                fidelityName: fidelityName
            )
        } else {
            // The former form: every entry an object with its rendering and its whole parameters.
            brackets = try container.decode([Bracket].self, forKey: .brackets)
        }
        started = try container.decode(Int.self, forKey: .started)
        seen = try container.decodeIfPresent([String].self, forKey: .seen).map(Set.init)
        // States saved before the quasi-random design have no design seed: the generator's next value stands in.
        if let designSeed = try container.decodeIfPresent(UInt64.self, forKey: .designSeed) {
            self.designSeed = designSeed
        } else {
            designSeed = generator.next()
        }
        designIndex = try container.decodeIfPresent(Int.self, forKey: .designIndex) ?? 0
        for (b, bracket) in brackets.enumerated() {
            for (r, rung) in bracket.rungs.enumerated() {
                for (e, entry) in rung.enumerated() {
                    index[Self.key(entry.configuration, bracket.plan[r].fidelity)] = Location(
                        bracket: b,
                        rung: r,
                        entry: e
                    )
                }
            }
        }
    }

    /// Encodes the state in the compact form (``StoredBrackets``); the seen configurations sorted, so that equal
    /// states give equal JSON.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fidelityName, forKey: .fidelityName)
        try container.encode(plans, forKey: .plans)
        try container.encode(base, forKey: .base)
        try container.encode(synchronous, forKey: .synchronous)
        try container.encode(repetitions, forKey: .repetitions)
        try container.encode(generator, forKey: .generator)
        let compact = StoredBrackets.compact(brackets, fidelityName: fidelityName)
        try container.encode(compact.fields, forKey: .fields)
        try container.encode(compact.configurations, forKey: .configurations)
        try container.encode(compact.brackets, forKey: .brackets)
        try container.encode(started, forKey: .started)
        try container.encodeIfPresent(seen?.sorted(), forKey: .seen)
        try container.encode(designSeed, forKey: .designSeed)
        try container.encode(designIndex, forKey: .designIndex)
    }

    /// This state without its brackets: the members ``writtenState()`` leaves to `JSONEncoder`.
    var withoutBrackets: SuccessiveHalving {
        var copy = self
        copy.brackets = []
        copy.index = [:]
        return copy
    }

    /// The fidelity dimension of `space`, refusing spaces without exactly one.
    ///
    /// - Parameters:
    ///   - space: the search space.
    ///   - algorithm: the algorithm's wire name, for the message.
    /// - Returns: the fidelity's bounds and base.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` naming the missing `fidelity(...)` prior.
    static func fidelity(of space: Space, algorithm: String) throws -> (low: Double, high: Double, base: Double) {
        let fidelities = space.dimensions.filter { $0.kind == .fidelity }
        guard fidelities.count == 1, case .fidelity(let low, let high, let base) = fidelities[0].prior else {
            let found = fidelities.isEmpty ? "none" : fidelities.map(\.name).joined(separator: ", ")
            throw AlgorithmError(
                .unsupportedSpace,
                "\(algorithm) needs exactly one fidelity dimension in the search space (found: \(found)); "
                    + "add one prior such as --epochs~'fidelity(1, 81, base=3)'"
            )
        }
        guard base >= 2 else {
            throw AlgorithmError(
                .unsupportedSpace,
                "\(algorithm) needs a fidelity base >= 2 (the reduction factor), got \(base) for \(fidelities[0].name); "
                    + "write e.g. fidelity(\(low.formatted()), \(high.formatted()), base=3)"
            )
        }
        return (low, high, base)
    }

    /// Whether the search is over: no new configuration can be sampled and no bracket has work left.
    func isDone(context: AlgorithmContext) -> Bool {
        let exhausted = isExhausted(context)
        let canStart = !exhausted && (repetitions.map { started < $0 } ?? true)
        let open = brackets.contains { !$0.isBottomFull(exhausted: exhausted) }
        if canStart || open { return false }
        return brackets.allSatisfy { $0.isDone(synchronous: synchronous, base: base, exhausted: exhausted) }
    }

    /// Whether every configuration of a small finite space was sampled or observed.
    private func isExhausted(_ context: AlgorithmContext) -> Bool {
        guard let seen else { return false }
        return Double(seen.count) >= context.space.cardinality
    }

    /// Up to `count` suggestions: promotions first (oldest bracket first), then new configurations.
    ///
    /// - Parameters:
    ///   - count: the most suggestions.
    ///   - context: the search space.
    ///   - chooseBracket: picks the bracket (index into `brackets`) for a new configuration among the open ones,
    ///     or `nil` to start a new repetition.
    ///   - breed: makes new points in place of random samples and promotions, if given.
    /// - Returns: the suggestions.
    mutating func suggest(
        count: Int,
        context: AlgorithmContext,
        chooseBracket: (inout SeededGenerator, [Bracket], [Int]) -> Int?,
        breed: Breeder? = nil
    ) -> [Suggestion] {
        var suggestions: [Suggestion] = []
        while suggestions.count < count {
            let exhausted = isExhausted(context)
            if let suggestion = promote(exhausted: exhausted, context: context, breed: breed) {
                suggestions.append(suggestion)
                continue
            }
            guard !exhausted, let suggestion = sample(context: context, chooseBracket: chooseBracket, breed: breed)
            else { break }
            suggestions.append(suggestion)
        }
        return suggestions
    }

    /// Enters the first available promotion (or what `breed` makes in its place) as a pending entry and returns it
    /// as a suggestion.
    private mutating func promote(exhausted: Bool, context: AlgorithmContext, breed: Breeder?) -> Suggestion? {
        for b in brackets.indices {
            guard
                let (rung, entry) = brackets[b].promotion(synchronous: synchronous, base: base, exhausted: exhausted)
            else { continue }
            let fidelity = brackets[b].plan[rung].fidelity
            // A bred point that repeats a trial of the rung (reals have 4 significant digits by default) is bred
            // again, a few times, before the promotion is kept.
            for _ in 0..<Self.breedingAttempts {
                guard let bred = breed?(&generator, brackets[b], rung, entry) else { break }
                let parameters = bred.replacing(fidelityName, with: Self.value(fidelity))
                let configuration = context.space.configuration(of: parameters).representation
                if index[Self.key(configuration, fidelity)] == nil {
                    seen?.insert(configuration)
                    add(
                        Entry(configuration: configuration, parameters: parameters, source: entry.configuration),
                        bracket: b,
                        rung: rung
                    )
                    return Suggestion(parameters)
                }
            }
            let parameters = entry.parameters.replacing(fidelityName, with: Self.value(fidelity))
            add(Entry(configuration: entry.configuration, parameters: parameters), bracket: b, rung: rung)
            return Suggestion(parameters, parent: entry.trialID)
        }
        return nil
    }

    /// How many times a breeder is asked again when its point repeats a trial of the rung.
    static let breedingAttempts = 10

    /// Samples a new configuration into the bottom rung of an open bracket, starting a repetition if needed.
    private mutating func sample(
        context: AlgorithmContext,
        chooseBracket: (inout SeededGenerator, [Bracket], [Int]) -> Int?,
        breed: Breeder?
    ) -> Suggestion? {
        let open = brackets.indices.filter {
            brackets[$0].repetition == started - 1 && !brackets[$0].isBottomFull(exhausted: false)
        }
        var target = open.isEmpty ? nil : chooseBracket(&generator, brackets, open)
        if target == nil {
            guard let started = startRepetition() else { return nil }
            target = chooseBracket(&generator, brackets, Array(started))
        }
        guard let b = target else { return nil }
        let space = context.space
        var point = breed?(&generator, brackets[b], 0, nil) ?? designPoint(context)
        let bottom = brackets[b].plan[0].fidelity
        // A configuration already in the bottom rung (a small discrete space that is not tracked) is drawn again,
        // a few times; one that still repeats a trial is dropped by the driver (``dropped(_:context:)``).
        var redraws = 0
        while index[Self.key(space.configuration(of: point).representation, bottom)] != nil, redraws < 10 {
            point = space.sample(using: &generator)
            redraws += 1
        }
        if seen != nil {
            var attempts = max(100, 20 * Int(min(space.cardinality, 1e6)))
            while seen?.contains(space.configuration(of: point).representation) == true, attempts > 0 {
                point = space.sample(using: &generator)
                attempts -= 1
            }
            if attempts == 0 { return nil }
        }
        let configuration = space.configuration(of: point).representation
        seen?.insert(configuration)
        let parameters = point.replacing(fidelityName, with: Self.value(brackets[b].plan[0].fidelity))
        add(Entry(configuration: configuration, parameters: parameters), bracket: b, rung: 0)
        return Suggestion(parameters)
    }

    /// The next point of the scrambled Halton sequence over the space's unit cube.
    ///
    /// New configurations then cover the space more evenly than independent draws, as GPBO's initial design; the
    /// fidelity is at its upper bound (the caller replaces it). A space whose only dimension is the fidelity gets a
    /// plain sample.
    private mutating func designPoint(_ context: AlgorithmContext) -> Parameters {
        let transform = context.transform
        guard transform.width > 0 else { return context.space.sample(using: &generator) }
        var scrambler = SeededGenerator(seed: designSeed)
        let halton = ScrambledHalton(dimensions: transform.width, using: &scrambler)
        defer { designIndex += 1 }
        return transform.decode(halton.point(designIndex))
    }

    /// Starts a repetition, unless `repetitions` have started.
    ///
    /// Hyperband's brackets are new, empty ones; ASHA's (asynchronous) are the same brackets with room for as many
    /// configurations again, so that a rung's top `1/base` is taken over every configuration it has seen, as in
    /// Li et al. (2020).
    ///
    /// - Returns: the indices of the brackets that take the repetition's new configurations, `nil` when none may
    ///   start.
    private mutating func startRepetition() -> Range<Int>? {
        if let repetitions, started >= repetitions { return nil }
        let first: Int
        if synchronous || brackets.count < plans.count {
            first = brackets.count
            brackets += plans.map { plan in
                Bracket(plan: plan, rungs: Array(repeating: [], count: plan.count), repetition: started)
            }
        } else {
            first = brackets.count - plans.count
            for (offset, plan) in plans.enumerated() {
                for rung in plan.indices { brackets[first + offset].plan[rung].capacity += plan[rung].capacity }
                brackets[first + offset].repetition = started
            }
        }
        started += 1
        return first..<brackets.count
    }

    /// Where a trial the search did not suggest (inserted, or from before the state was rebuilt) goes: the rung
    /// above the same configuration's entry when that rung has this fidelity and room (a promotion already run),
    /// else the bottom rung of an open bracket of this fidelity, starting a repetition when none is open and the
    /// latest one is full.
    private mutating func place(configuration: String, fidelity: Double) -> (bracket: Int, rung: Int)? {
        for b in brackets.indices {
            let plan = brackets[b].plan
            for rung in plan.indices.dropFirst() where plan[rung].fidelity == fidelity {
                guard let below = index[Self.key(configuration, plan[rung - 1].fidelity)], below.bracket == b,
                    below.rung == rung - 1, brackets[b].rungs[rung].count < plan[rung].capacity
                else { continue }
                return (b, rung)
            }
        }
        func open() -> Int? {
            brackets.indices.last {
                brackets[$0].plan[0].fidelity == fidelity && !brackets[$0].isBottomFull(exhausted: false)
            }
        }
        if let b = open() { return (b, 0) }
        let latest = brackets.indices.filter { brackets[$0].repetition == started - 1 }
        guard plans.contains(where: { $0[0].fidelity == fidelity }),
            latest.allSatisfy({ brackets[$0].isBottomFull(exhausted: false) }), startRepetition() != nil,
            let b = open()
        else { return nil }
        return (b, 0)
    }

    /// Appends `entry` to a rung and indexes it.
    private mutating func add(_ entry: Entry, bracket: Int, rung: Int) {
        let key = Self.key(entry.configuration, brackets[bracket].plan[rung].fidelity)
        index[key] = Location(bracket: bracket, rung: rung, entry: brackets[bracket].rungs[rung].count)
        brackets[bracket].rungs[rung].append(entry)
    }

    /// Records the status and result of trials: pending, completed (with its objective) or broken.
    ///
    /// A trial the search did not suggest (inserted, or from before the state was rebuilt) joins the rung above its
    /// configuration's entry when it is that rung's fidelity (so that a rebuilt search has its rungs, and BOHB's
    /// model its observations, back), else the bottom rung of an open bracket of its fidelity, starting a
    /// repetition when needed; otherwise only its configuration is remembered.
    ///
    /// - Parameters:
    ///   - trials: the changed trials.
    ///   - context: the search space.
    mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        for trial in trials where context.space.contains(trial.params) {
            guard let fidelity = trial.params[fidelityName]?.doubleValue else { continue }
            let configuration = context.space.configuration(of: trial.params).representation
            if seen != nil, context.space.isOnGrid(trial.params) { seen?.insert(configuration) }
            let key = Self.key(configuration, fidelity)
            if index[key] == nil {
                guard let (bracket, rung) = place(configuration: configuration, fidelity: fidelity) else { continue }
                add(Entry(configuration: configuration, parameters: trial.params), bracket: bracket, rung: rung)
                // A new configuration of a state rebuilt from its trials (a `db load`, a reset state) stands for a
                // draw of the sequence: the next draws go on past it instead of starting the sequence again, whose
                // first points, drawn into a later bracket at a higher fidelity, were the trials that the bottom
                // rung's promotions would run (they ran there without a parent and the promotions were lost).
                if rung == 0 { designIndex += 1 }
            }
            guard let location = index[key] else { continue }
            var entry = brackets[location.bracket].rungs[location.rung][location.entry]
            entry.trialID = trial.id
            let objective = trial.objective.flatMap { $0.isFinite ? $0 : nil }
            entry.objective = trial.status == .completed ? objective : nil
            entry.isFinished = trial.status == .completed || trial.status == .broken
            entry.broken = entry.isFinished && entry.objective == nil
            brackets[location.bracket].rungs[location.rung][location.entry] = entry
        }
    }

    /// Ends the entries the driver did not register because their trials exist already: each counts as broken
    /// (never promoted), so that its rung does not wait for it, and an earlier entry of the same configuration at
    /// that fidelity gets its results again.
    ///
    /// - Parameters:
    ///   - suggestions: the suggestions dropped.
    ///   - context: the search space.
    mutating func dropped(_ suggestions: [Suggestion], context: AlgorithmContext) {
        for suggestion in suggestions {
            guard let fidelity = suggestion.parameters[fidelityName]?.doubleValue else { continue }
            let configuration = context.space.configuration(of: suggestion.parameters).representation
            // The same configuration at this fidelity may be in several entries (drawn twice in one step).
            var entries: [Location] = []
            for b in brackets.indices {
                for (rung, plan) in brackets[b].plan.enumerated() where plan.fidelity == fidelity {
                    for (e, entry) in brackets[b].rungs[rung].enumerated() where entry.configuration == configuration {
                        entries.append(Location(bracket: b, rung: rung, entry: e))
                    }
                }
            }
            func entry(_ location: Location) -> Entry {
                brackets[location.bracket].rungs[location.rung][location.entry]
            }
            guard let target = entries.last(where: { entry($0).trialID == nil && !entry($0).isFinished }) else {
                continue
            }
            brackets[target.bracket].rungs[target.rung][target.entry].isFinished = true
            brackets[target.bracket].rungs[target.rung][target.entry].broken = true
            // The index keeps the entry that gets (or has) the trial: one observed, else one still waiting.
            let live = entries.first { entry($0).trialID != nil || !entry($0).isFinished }
            index[Self.key(configuration, fidelity)] = live ?? target
        }
    }

    /// The index key of a configuration at a fidelity.
    private static func key(_ configuration: String, _ fidelity: Double) -> String { "\(configuration)@\(fidelity)" }

    /// A fidelity as a parameter value: an integer when integral, as Oríon's `int()` budgets are.
    static func value(_ fidelity: Double) -> JSONValue {
        if fidelity == fidelity.rounded(), abs(fidelity) < 0x1p53 { return .int(Int(fidelity)) }
        return .double(fidelity)
    }
}
