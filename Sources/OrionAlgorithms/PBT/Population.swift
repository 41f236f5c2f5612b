import Foundation
import OrionCore

/// The members of a population-based search and their lineages, shared by ``PBT`` and ``PB2``.
///
/// A member is one trial: a configuration at one generation's fidelity. The first generation is drawn at random
/// (`population_size` members that are not broken); every member that completes a generation other than the last
/// is queued, and taken from the queue to make one offspring at the next generation: itself promoted (same
/// hyperparameters, its trial as `parent`, so that the script continues from its checkpoint), or, when the
/// ``Exploit`` says it is among the worst, a copy of a better member with explored hyperparameters (the better
/// member as `parent`). A member that breaks after the first generation sends the member it came from back to the
/// queue for another try.
///
/// State is plain arrays of members with indices for links, so that it encodes to the same JSON for the same
/// history; look-up tables are rebuilt after decoding.
struct Population: Codable, Sendable {
    /// Where a member stands.
    enum Status: String, Codable, Sendable {
        /// Registered and not finished (new, reserved, suspended, interrupted).
        case pending
        /// Completed with a finite objective.
        case completed
        /// Broken, or completed without a finite objective.
        case broken
    }

    /// One trial of the population.
    struct Member: Codable, Sendable, Hashable {
        /// The parameters, fidelity included.
        var parameters: Parameters
        /// The configuration's rendering (fidelity at its upper bound).
        var configuration: String
        /// The generation: the index of the member's fidelity in ``Population/fidelities``.
        var generation: Int
        /// The trial's id, once observed.
        var trialID: String?
        /// Where the member stands.
        var status: Status = .pending
        /// The objective, once completed.
        var objective: Double?
        /// The member it was promoted or copied from.
        var parent: Int?
        /// The member it replaced, when it is a copy of another member (Oríon's lineage "base").
        var replaced: Int?
    }

    /// What to do with a queued member now.
    enum Offspring {
        /// Not enough completed members to decide: keep it queued.
        case wait
        /// No new configuration could be made: the lineage ends here.
        case drop
        /// A child of `source` with these parameters (`source` is the queued member when it is promoted).
        case child(source: Int, parameters: Parameters)
    }

    /// The name of the fidelity dimension.
    let fidelityName: String
    /// The fidelity of each generation, increasing.
    let fidelities: [Double]
    /// `population_size`.
    let populationSize: Int
    /// The longest time, in seconds, spent looking for a new configuration for one member.
    let forkTimeout: Double
    /// The source of every random choice.
    var generator: SeededGenerator
    /// Every member, in the order they were made or observed.
    private(set) var members: [Member] = []
    /// The members of the first generation, by position in ``members``.
    private(set) var roots: [Int] = []
    /// Completed members waiting for an offspring, oldest first.
    private(set) var queue: [Int] = []
    /// The written members of the last save, shared by copies (neither encoded nor compared).
    let membersMemo = SharedWrittenRows<Member>()

    /// `configuration@generation` → member.
    private var index: [String: Int] = [:]
    /// The configuration of every member, any generation.
    private var configurations: Set<String> = []
    /// Trial id → member.
    private var byTrial: [String: Int] = [:]
    /// Generation → its members.
    private var byGeneration: [[Int]] = []
    /// Member → its children.
    private var children: [[Int]] = []
    /// Member → whether another member replaced it (Oríon's lineage "jumps").
    private var wasReplaced: [Bool] = []

    /// The most attempts at making an offspring that is not already a member.
    static let maxAttempts = 100

    /// Creates an empty population.
    ///
    /// - Parameters:
    ///   - fidelities: the fidelity of each generation.
    ///   - populationSize: `population_size`.
    ///   - forkTimeout: `fork_timeout`, in seconds.
    ///   - seed: the seed, `nil` for one from the system's entropy.
    ///   - context: the search space.
    init(fidelities: [Double], populationSize: Int, forkTimeout: Double, seed: Int?, context: AlgorithmContext) {
        fidelityName = context.space.fidelity?.name ?? ""
        self.fidelities = fidelities
        self.populationSize = populationSize
        self.forkTimeout = forkTimeout
        generator = seed.map { SeededGenerator(seed: UInt64(bitPattern: Int64($0))) } ?? SeededGenerator()
        byGeneration = Array(repeating: [], count: fidelities.count)
    }

    private enum CodingKeys: String, CodingKey {
        case fidelityName, fidelities, populationSize, forkTimeout, generator, members, roots, queue
    }

    /// Decodes the state and rebuilds the look-up tables.
    ///
    /// - Throws: `DecodingError` when a member is missing or invalid.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fidelityName = try container.decode(String.self, forKey: .fidelityName)
        fidelities = try container.decode([Double].self, forKey: .fidelities)
        populationSize = try container.decode(Int.self, forKey: .populationSize)
        forkTimeout = try container.decode(Double.self, forKey: .forkTimeout)
        generator = try container.decode(SeededGenerator.self, forKey: .generator)
        let members = try container.decode([Member].self, forKey: .members)
        roots = try container.decode([Int].self, forKey: .roots)
        queue = try container.decode([Int].self, forKey: .queue)
        byGeneration = Array(repeating: [], count: fidelities.count)
        for member in members {
            let known = self.members.count
            let earlier = { (link: Int?) in link.map { (0..<known).contains($0) } ?? true }
            guard (0..<fidelities.count).contains(member.generation), earlier(member.parent), earlier(member.replaced)
            else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: [CodingKeys.members], debugDescription: "a member refers to a later one")
                )
            }
            append(member)
        }
        guard (roots + queue).allSatisfy({ members.indices.contains($0) }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.queue], debugDescription: "bad member"))
        }
    }

    /// Encodes the state (the look-up tables are derived).
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fidelityName, forKey: .fidelityName)
        try container.encode(fidelities, forKey: .fidelities)
        try container.encode(populationSize, forKey: .populationSize)
        try container.encode(forkTimeout, forKey: .forkTimeout)
        try container.encode(generator, forKey: .generator)
        try container.encode(members, forKey: .members)
        try container.encode(roots, forKey: .roots)
        try container.encode(queue, forKey: .queue)
    }

    // MARK: Fidelities

    /// The fidelity of each generation: `generations + 1` values from `low` to `high`, evenly spaced for `base`
    /// 1 and geometrically otherwise (Oríon's `compute_fidelities`); when both bounds are integers, each value is
    /// rounded to the nearest integer and repeats are dropped, so that a script reading `--epochs` as an integer
    /// works.
    ///
    /// - Parameters:
    ///   - space: the search space.
    ///   - generations: `generations`.
    ///   - algorithm: the wire name, for messages.
    /// - Returns: the fidelities, increasing.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` without exactly one fidelity dimension.
    static func fidelities(of space: Space, generations: Int, algorithm: String) throws -> [Double] {
        let fidelities = space.dimensions.filter { $0.kind == .fidelity }
        guard fidelities.count == 1, case .fidelity(let low, let high, let base) = fidelities[0].prior else {
            let found = fidelities.isEmpty ? "none" : fidelities.map(\.name).joined(separator: ", ")
            throw AlgorithmError(
                .unsupportedSpace,
                "\(algorithm) needs exactly one fidelity dimension in the search space (found: \(found)); "
                    + "add one prior such as --epochs~'fidelity(1, 10, base=1)'"
            )
        }
        let geometric = base != 1 && low > 0
        let count = generations + 1
        var values = (0..<count).map { step -> Double in
            let share = Double(step) / Double(count - 1)
            var value = geometric ? exp(log(low) + (log(high) - log(low)) * share) : low + (high - low) * share
            // Exact where the arithmetic is (2^2 must be 4, not 3.999999999999999).
            if abs(value - value.rounded()) <= 1e-9 * max(1, abs(value)) { value = value.rounded() }
            return min(max(value, low), high)
        }
        if low == low.rounded(), high == high.rounded() {
            values = values.map { $0.rounded() }
            values = values.enumerated().filter { $0.offset == 0 || values[$0.offset - 1] != $0.element }
                .map(\.element)
        }
        return values
    }

    /// The generation of a fidelity value, if it is one of ``fidelities``.
    func generation(of fidelity: Double) -> Int? {
        fidelities.firstIndex { abs($0 - fidelity) <= 1e-9 * max(1, abs($0)) }
    }

    // MARK: Queries

    /// The members of generation `generation`.
    func members(of generation: Int) -> [Int] { byGeneration[generation] }

    /// The first-generation members that are not broken.
    var liveRoots: Int { roots.reduce(0) { $0 + (members[$1].status == .broken ? 0 : 1) } }

    /// Whether a first-generation member can still be drawn: the population is short, the space has another
    /// configuration, and fewer than ``offspringTries`` members per place in the population were drawn (a first
    /// level where every trial fails or returns NaN drew new members for ever, the hunt never ending; Oríon keeps
    /// such members and ends).
    func canSampleRoot(_ context: AlgorithmContext) -> Bool {
        liveRoots < populationSize && roots.count < Self.offspringTries * populationSize
            && Double(roots.count) < context.space.cardinality
    }

    /// Whether the search is over: `population_size` members completed the last generation, or no member is
    /// pending, none is queued and no first-generation member can be drawn.
    func isDone(context: AlgorithmContext) -> Bool {
        let final = byGeneration[fidelities.count - 1].reduce(0) { $0 + (members[$1].status == .completed ? 1 : 0) }
        if final >= populationSize { return true }
        return queue.isEmpty && !canSampleRoot(context) && !members.contains { $0.status == .pending }
    }

    /// The trial id of a member.
    func trialID(of member: Int) -> String? { members[member].trialID }

    /// The member it replaced if it is a copy, else the member it came from (Oríon's "true ancestor").
    func trueAncestor(of member: Int) -> Int? { members[member].replaced ?? members[member].parent }

    /// The objective used for ranking: the objective of a completed member, `+inf` otherwise.
    func score(_ member: Int) -> Double {
        members[member].status == .completed ? members[member].objective ?? .infinity : .infinity
    }

    /// The best completed member on the path from `member` up through true ancestors (the oldest on ties), or `nil`
    /// when none is completed.
    func bestOnPath(from member: Int) -> Int? {
        var best = member
        var current = trueAncestor(of: member)
        while let ancestor = current {
            if score(ancestor) <= score(best) { best = ancestor }
            current = trueAncestor(of: ancestor)
        }
        return members[best].status == .completed ? best : nil
    }

    /// Oríon's lineage elites up to `depth`: for every lineage (a leaf of a first-generation member's tree, taken
    /// back to `depth`), the best member on its path; lineages whose member at `depth` was replaced are skipped.
    ///
    /// A lineage is cut at its last member at or below `depth`: a backtracking copy's child skips levels (a
    /// first-level checkpoint continued at the fifth), and a member past `depth` taken as an elite would be copied
    /// into a child at its own level, trained for no epoch at all.
    func elites(upTo depth: Int) -> [Int] {
        var result: [Int] = []
        var added = Set<Int>()
        for root in roots {
            var trimmed = Set<Int>()
            var stack = [root]
            while let node = stack.popLast() {
                let within = children[node].filter { members[$0].generation <= depth }
                if within.count < children[node].count { trimmed.insert(node) }
                if within.isEmpty || members[node].generation >= depth {
                    trimmed.insert(node)
                } else {
                    stack += within
                }
            }
            for node in trimmed.sorted() {
                if wasReplaced[node] && members[node].generation < depth { continue }
                if let best = bestOnPath(from: node), added.insert(best).inserted { result.append(best) }
            }
        }
        return result
    }

    // MARK: Suggestions

    /// Up to `count` suggestions: new first-generation members while the population is short, then offspring of
    /// queued members.
    ///
    /// - Parameters:
    ///   - count: the most suggestions.
    ///   - context: the search space.
    ///   - exploit: the exploit configuration.
    ///   - explore: new hyperparameters for a copy of a member (the population, the member copied, the space).
    /// - Returns: the suggestions; offspring carry their parent's trial id.
    mutating func suggest(
        count: Int,
        context: AlgorithmContext,
        exploit: Exploit,
        explore: (Population, Int, Int, AlgorithmContext, inout SeededGenerator) -> Parameters
    ) -> [Suggestion] {
        var suggestions: [Suggestion] = []
        while suggestions.count < count, canSampleRoot(context), let root = sampleRoot(context) {
            suggestions.append(root)
        }
        var skipped: [Int] = []
        while suggestions.count < count, !queue.isEmpty {
            let member = queue.removeFirst()
            switch offspring(of: member, context: context, exploit: exploit, explore: explore) {
            case .wait:
                skipped.append(member)
            case .drop:
                continue
            case .child(let source, let parameters):
                var child = Member(
                    parameters: parameters,
                    configuration: context.space.configuration(of: parameters).representation,
                    generation: members[member].generation + 1
                )
                child.parent = source
                if source != member { child.replaced = member }
                append(child)
                suggestions.append(Suggestion(parameters, parent: members[source].trialID))
            }
        }
        queue = skipped + queue
        return suggestions
    }

    /// Draws a first-generation member that is not one already.
    private mutating func sampleRoot(_ context: AlgorithmContext) -> Suggestion? {
        let space = context.space
        let finite = space.cardinality <= 1e6
        var attempts = finite ? max(100, 20 * Int(space.cardinality)) : 10
        while attempts > 0 {
            attempts -= 1
            let point = space.sample(using: &generator)
                .replacing(fidelityName, with: SuccessiveHalving.value(fidelities[0]))
            let configuration = space.configuration(of: point).representation
            guard index[Self.key(configuration, 0)] == nil else { continue }
            roots.append(members.count)
            append(Member(parameters: point, configuration: configuration, generation: 0))
            return Suggestion(point)
        }
        return nil
    }

    /// The offspring of a queued member: promoted, copied from a better one, or nothing.
    ///
    /// A copy must have a configuration no member has had at any generation: one equal to a member's (two copies
    /// of the same member perturbed the same way, 1.2 × x twice) would take the slot that member's own promotion
    /// needs later, and that lineage would end. When no new configuration is found, the member goes on with its
    /// own weights (as a member that is not exploited does), so the population keeps its size.
    private mutating func offspring(
        of member: Int,
        context: AlgorithmContext,
        exploit: Exploit,
        explore: (Population, Int, Int, AlgorithmContext, inout SeededGenerator) -> Parameters
    ) -> Offspring {
        let start = Date()
        for _ in 0..<Self.maxAttempts {
            var source: Int
            if let chosen = select(member, exploit) {
                source = chosen
            } else if canSampleRoot(context) || members.contains(where: { $0.status == .pending }) {
                return .wait
            } else {
                source = member  // Nobody left to compare with: the member goes on.
            }
            // The level after the member's, also for a copy of an older checkpoint (backtracking): its script resumes
            // from that checkpoint and trains up to this level. At the level after the checkpoint's, as Oríon does, a
            // loss that grows with the fidelity (over-fitting) sent every lineage back to the first level for ever.
            let generation = members[member].generation + 1
            var parameters = members[source].parameters
            if source != member {
                var local = generator
                parameters = explore(self, source, generation, context, &local)
                generator = local
            }
            parameters = parameters.replacing(fidelityName, with: SuccessiveHalving.value(fidelities[generation]))
            let configuration = context.space.configuration(of: parameters).representation
            let free =
                source == member
                ? index[Self.key(configuration, generation)] == nil : !configurations.contains(configuration)
            if free, context.space.contains(parameters) {
                return .child(source: source, parameters: parameters)
            }
            if source == member {
                if let taken = index[Self.key(configuration, generation)], members[taken].status == .broken {
                    return copyOfItself(member, start: start, context: context, explore: explore)
                }
                break
            }
            if Date().timeIntervalSince(start) > forkTimeout { break }
        }
        // No new configuration for a copy: the member goes on, when its own promotion is not a member already.
        let generation = members[member].generation + 1
        let parameters = members[member].parameters.replacing(
            fidelityName,
            with: SuccessiveHalving.value(fidelities[generation])
        )
        if index[Self.key(members[member].configuration, generation)] == nil {
            return .child(source: member, parameters: parameters)
        }
        return .drop
    }

    /// The offspring of a member whose own continuation broke: a failed trial is not run again under the same id, so
    /// the member goes on as a copy of itself with explored hyperparameters (a new configuration), and its lineage
    /// does not end; `.drop` when none is found within `fork_timeout`.
    private mutating func copyOfItself(
        _ member: Int,
        start: Date,
        context: AlgorithmContext,
        explore: (Population, Int, Int, AlgorithmContext, inout SeededGenerator) -> Parameters
    ) -> Offspring {
        let generation = members[member].generation + 1
        let fidelity = SuccessiveHalving.value(fidelities[generation])
        for _ in 0..<Self.maxAttempts {
            var local = generator
            let parameters = explore(self, member, generation, context, &local).replacing(fidelityName, with: fidelity)
            generator = local
            let configuration = context.space.configuration(of: parameters).representation
            if !configurations.contains(configuration), context.space.contains(parameters) {
                return .child(source: member, parameters: parameters)
            }
            if Date().timeIntervalSince(start) > forkTimeout { break }
        }
        return .drop
    }

    /// The member to continue from, by `exploit`: `member` itself, another one, or `nil` to wait.
    private mutating func select(_ member: Int, _ exploit: Exploit) -> Int? {
        switch exploit {
        case .pipeline(let stages):
            for stage in stages {
                guard let chosen = select(member, stage) else { return nil }
                if chosen != member { return chosen }
            }
            return member
        case .truncate(let options):
            return truncate(member, among: byGeneration[members[member].generation], options)
        case .backtrack(let options):
            let depth = members[member].generation
            // Never a member past the one it replaces: its child would run at its own level.
            let elites = elites(upTo: depth).filter { members[$0].generation <= depth }
            return truncate(member, among: elites + [member], options)
        }
    }

    /// Oríon's truncation selection among `candidates`.
    private mutating func truncate(_ member: Int, among candidates: [Int], _ options: Exploit.Truncation) -> Int? {
        var unique = Set<Int>()
        let completed = candidates.filter { members[$0].status == .completed && unique.insert($0).inserted }
        guard completed.count >= options.minForkingPopulation else { return nil }
        let ranked = completed.sorted {
            (score($0), members[$0].configuration, $0) < (score($1), members[$1].configuration, $1)
        }
        let cut = Int(options.truncationQuantile * Double(ranked.count))
        guard ranked[min(cut, ranked.count)...].contains(member) else { return member }
        let pool = Int(options.candidatePoolRatio * Double(ranked.count))
        guard pool > 0 else { return nil }
        return ranked[Int.random(in: 0..<pool, using: &generator)]
    }

    // MARK: Observations

    /// Records the status and result of trials; a member that finishes is queued (or, broken, its ancestor).
    ///
    /// A trial the search did not suggest joins the population when it fits: at the first generation's fidelity
    /// without a parent (while the population is short), or at a later generation with a known parent. So a
    /// search rebuilt from the stored trials knows its lineages again.
    ///
    /// - Parameters:
    ///   - trials: the changed trials.
    ///   - context: the search space.
    mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        let located = trials.compactMap { trial -> (Trial, Int)? in
            guard context.space.contains(trial.params), let value = trial.params[fidelityName]?.doubleValue,
                let generation = generation(of: value)
            else { return nil }
            return (trial, generation)
        }
        for (trial, generation) in located.sorted(by: { $0.1 < $1.1 }) {
            let configuration = context.space.configuration(of: trial.params).representation
            let position: Int
            if let known = index[Self.key(configuration, generation)] {
                position = known
            } else if let adopted = adopt(trial, configuration: configuration, generation: generation) {
                position = adopted
            } else {
                continue
            }
            update(position, with: trial)
        }
    }

    /// Ends the members the driver did not register because their trials exist already (a point a user
    /// inserted at that fidelity): each counts as broken, so its lineage goes on as after a failed trial (a copy of
    /// itself, or its ancestor queued again) instead of waiting for a result that will not come under it.
    ///
    /// - Parameters:
    ///   - suggestions: the suggestions dropped.
    ///   - context: the search space.
    mutating func dropped(_ suggestions: [Suggestion], context: AlgorithmContext) {
        for suggestion in suggestions {
            guard let value = suggestion.parameters[fidelityName]?.doubleValue,
                let generation = generation(of: value),
                let position = index[
                    Self.key(context.space.configuration(of: suggestion.parameters).representation, generation)
                ],
                members[position].trialID == nil
            else { continue }
            finish(position, status: .broken, objective: nil)
        }
    }

    /// Adds a trial the search did not suggest, when it fits the population.
    private mutating func adopt(_ trial: Trial, configuration: String, generation: Int) -> Int? {
        var member = Member(parameters: trial.params, configuration: configuration, generation: generation)
        if generation == 0 {
            guard trial.parent == nil, liveRoots < populationSize else { return nil }
            roots.append(members.count)
        } else {
            guard let parentID = trial.parent, let parent = byTrial[parentID],
                members[parent].generation < generation
            else { return nil }
            member.parent = parent
            // The member it continues: its parent when promoted; when a copy, the one it replaced is unknown, and
            // taken to be the worst member of the previous generation still waiting (truncation replaces the worst).
            var continued = parent
            if configuration != members[parent].configuration {
                let waiting = queue.filter { members[$0].generation == generation - 1 && $0 != parent }
                if let worst = waiting.max(by: { (score($0), $0) < (score($1), $1) }) {
                    member.replaced = worst
                    continued = worst
                }
            }
            queue.removeAll { $0 == continued }
        }
        append(member)
        return members.count - 1
    }

    /// Updates a member from its trial; queues it (or its ancestor) when it finishes.
    private mutating func update(_ position: Int, with trial: Trial) {
        let objective = trial.objective.flatMap { $0.isFinite ? $0 : nil }
        let status: Status
        switch trial.status {
        case .completed: status = objective == nil ? .broken : .completed
        case .broken: status = .broken
        default: status = .pending
        }
        members[position].trialID = trial.id
        byTrial[trial.id] = position
        finish(position, status: status, objective: objective)
    }

    /// Sets a member's status; queues it (or its ancestor) when it finishes.
    private mutating func finish(_ position: Int, status: Status, objective: Double?) {
        let previous = members[position].status
        members[position].status = status
        members[position].objective = status == .completed ? objective : nil
        guard previous == .pending, status != .pending else { return }
        if status == .completed {
            if members[position].generation < fidelities.count - 1 { queue.append(position) }
        } else if let ancestor = trueAncestor(of: position), members[ancestor].status == .completed,
            !queue.contains(ancestor), brokenOffspring(of: ancestor) < Self.offspringTries
        {
            queue.append(ancestor)
        }
    }

    /// How many offspring of one member may break (or complete without a finite objective) before its lineage ends:
    /// a level that fails for every configuration (a model that always diverges there) made new offspring for ever
    /// (252 trials at that level in 30 s, the hunt never ending); a failure now and then still gets its retries (with
    /// 20% of trials failing at random, 3 tries lost a lineage in 2 of 4 runs of 6 members over 9 levels).
    static let offspringTries = 5

    /// The members made for `member`'s lineage (its continuation or copies replacing it) that broke.
    private func brokenOffspring(of member: Int) -> Int {
        members.indices.reduce(0) { count, other in
            count + (members[other].status == .broken && trueAncestor(of: other) == member ? 1 : 0)
        }
    }

    /// Appends a member and indexes it.
    private mutating func append(_ member: Member) {
        let position = members.count
        members.append(member)
        index[Self.key(member.configuration, member.generation)] = position
        configurations.insert(member.configuration)
        if let id = member.trialID { byTrial[id] = position }
        byGeneration[member.generation].append(position)
        children.append([])
        wasReplaced.append(false)
        if let parent = member.parent { children[parent].append(position) }
        if let replaced = member.replaced { wasReplaced[replaced] = true }
    }

    /// The index key of a configuration at a generation.
    private static func key(_ configuration: String, _ generation: Int) -> String { "\(configuration)@\(generation)" }
}
