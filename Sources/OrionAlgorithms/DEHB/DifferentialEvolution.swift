import Foundation
import OrionCore

/// DEHB's subpopulations, one per fidelity, and how children are bred from them and compete with them.
///
/// Breeding is mutation, crossover and boundary fix; competing is selection. Vectors are points of the unit cube
/// (``SpaceTransform``).
struct DifferentialEvolution: Codable, Sendable, Hashable {
    /// One configuration of a subpopulation.
    struct Member: Codable, Sendable, Hashable {
        /// The configuration in the unit cube.
        var vector: [Double]
        /// Its objective at the subpopulation's fidelity.
        var fitness: Double
        /// How many selections it survived.
        var age = 0
    }

    /// The configurations evaluated at one fidelity that won their selections.
    struct Subpopulation: Codable, Sendable, Hashable {
        /// The fidelity.
        var fidelity: Double
        /// The most members: the largest rung at this fidelity.
        var size: Int
        /// The members.
        var members: [Member] = []
        /// The member the next child is crossed with (and an untargeted result is compared with), in turn.
        var next = 0
    }

    /// Where a pending child's target is.
    struct Target: Codable, Sendable, Hashable {
        /// The subpopulation.
        var population: Int
        /// The member.
        var member: Int
    }

    /// The options that shape children.
    let options: DEHB.Options
    /// The subpopulations, by increasing fidelity.
    private(set) var populations: [Subpopulation]
    /// `configuration@fidelity` of a child → its target, until its result arrives.
    private(set) var targets: [String: Target] = [:]

    /// Empty subpopulations for the fidelities of `plans`, each as large as its largest rung.
    ///
    /// - Parameters:
    ///   - options: the mutation and crossover options.
    ///   - plans: Hyperband's brackets.
    init(options: DEHB.Options, plans: [[SuccessiveHalving.RungPlan]]) {
        self.options = options
        var sizes: [Double: Int] = [:]
        for rung in plans.joined() { sizes[rung.fidelity] = max(sizes[rung.fidelity] ?? 0, rung.capacity) }
        populations = sizes.keys.sorted().map { Subpopulation(fidelity: $0, size: sizes[$0] ?? 1) }
    }

    /// The key of a configuration at a fidelity.
    static func key(_ configuration: Parameters, _ fidelity: Double) -> String {
        "\(configuration.representation)@\(fidelity)"
    }

    /// A child for rung `rung` of `bracket`, or `nil` when there are too few donors (the caller then samples or
    /// promotes as Hyperband does).
    ///
    /// - Parameters:
    ///   - bracket: the bracket.
    ///   - rung: the rung the child enters.
    ///   - context: the search space.
    ///   - rng: the random source.
    /// - Returns: the child's point (its fidelity is replaced by the caller).
    mutating func child(
        bracket: SuccessiveHalving.Bracket,
        rung: Int,
        context: AlgorithmContext,
        using rng: inout SeededGenerator
    ) -> Parameters? {
        let fidelity = bracket.plan[rung].fidelity
        let width = context.transform.width
        guard width > 0, let p = populations.firstIndex(where: { $0.fidelity == fidelity }) else { return nil }
        // Donors: the subpopulation at a bracket's bottom, the parent rung's best above it.
        var donors: [[Double]]
        if rung == 0 {
            donors = populations[p].members.map(\.vector)
        } else {
            donors = bracket.ranked(rung - 1).prefix(bracket.plan[rung].capacity).compactMap {
                try? context.transform.encode($0.parameters)
            }
        }
        let needed = options.mutationStrategy.donors + 1
        if donors.count < needed {
            donors += populations.flatMap { $0.members.map(\.vector) }
        }
        // Distinct donors: a promoted configuration is in two subpopulations, and equal donors cancel out.
        var distinct = Set<[Double]>()
        donors = donors.filter { distinct.insert($0).inserted }
        guard donors.count >= needed else { return nil }
        var target: Target?
        if !populations[p].members.isEmpty {
            let member = populations[p].next % populations[p].members.count
            populations[p].next = member + 1
            target = Target(population: p, member: member)
        }
        let current = target.map { populations[$0.population].members[$0.member].vector }
        let best = (rung == 0 ? populations[p].members.min { $0.fitness < $1.fitness }?.vector : donors.first)
        let mutant = mutation(donors: donors, current: current ?? donors[0], best: best ?? donors[0], using: &rng)
        var vector = current.map { crossover(target: $0, mutant: mutant, using: &rng) } ?? mutant
        fixBoundaries(&vector, using: &rng)
        let point = context.transform.decode(vector)
        if let target { targets[Self.key(context.space.configuration(of: point), fidelity)] = target }
        return point
    }

    /// The mutant of `options.mutationStrategy`, from distinct random donors.
    func mutation(donors: [[Double]], current: [Double], best: [Double], using rng: inout SeededGenerator) -> [Double] {
        var picks = Array(donors.indices)
        picks.shuffle(using: &rng)
        let r = picks.prefix(options.mutationStrategy.donors).map { donors[$0] }
        let f = options.mutationFactor
        func add(_ a: [Double], _ b: [Double], _ scale: Double) -> [Double] { zip(a, b).map { $0 + scale * $1 } }
        func difference(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }
        switch options.mutationStrategy {
        case .rand1: return add(r[0], difference(r[1], r[2]), f)
        case .rand2: return add(add(r[0], difference(r[1], r[2]), f), difference(r[3], r[4]), f)
        case .rand2dir: return add(r[0], difference(difference(r[0], r[1]), r[2]), f / 2)
        case .best1: return add(best, difference(r[0], r[1]), f)
        case .best2: return add(add(best, difference(r[0], r[1]), f), difference(r[2], r[3]), f)
        case .currenttobest1: return add(add(current, difference(best, current), f), difference(r[0], r[1]), f)
        case .randtobest1: return add(add(r[0], difference(best, r[0]), f), difference(r[1], r[2]), f)
        }
    }

    /// The child of `target` and `mutant` by `options.crossoverStrategy`: at least one coordinate from the mutant.
    func crossover(target: [Double], mutant: [Double], using rng: inout SeededGenerator) -> [Double] {
        let width = target.count
        guard width > 0 else { return target }
        var child = target
        let start = Int.random(in: 0..<width, using: &rng)
        switch options.crossoverStrategy {
        case .bin:
            for coordinate in 0..<width where Double.random(in: 0..<1, using: &rng) < options.crossoverProb {
                child[coordinate] = mutant[coordinate]
            }
            child[start] = mutant[start]
        case .exp:
            var length = 0
            repeat {
                let coordinate = (start + length) % width
                child[coordinate] = mutant[coordinate]
                length += 1
            } while length < width && Double.random(in: 0..<1, using: &rng) < options.crossoverProb
        }
        return child
    }

    /// Brings the coordinates outside the unit cube back in.
    ///
    /// `random` draws them again uniformly; `clip` sets them to `min_clip` (below 0) or `max_clip` (above 1), 0 and
    /// 1 by default. Coordinates inside are kept.
    func fixBoundaries(_ vector: inout [Double], using rng: inout SeededGenerator) {
        for coordinate in vector.indices where !(0...1).contains(vector[coordinate]) {
            switch options.boundaryFixType {
            case .random: vector[coordinate] = Double.random(in: 0..<1, using: &rng)
            case .clip: vector[coordinate] = vector[coordinate] < 0 ? options.minClip ?? 0 : options.maxClip ?? 1
            }
        }
    }

    /// DE's selection for a result at `fidelity`: against the child's target when it has one, else it joins a
    /// subpopulation that is not full or competes with the member whose turn it is.
    ///
    /// - Parameters:
    ///   - vector: the configuration.
    ///   - fitness: its objective.
    ///   - fidelity: the fidelity it was evaluated at.
    ///   - key: `configuration@fidelity`.
    mutating func select(vector: [Double], fitness: Double, fidelity: Double, key: String) {
        guard let p = populations.firstIndex(where: { $0.fidelity == fidelity }) else { return }
        if let target = targets.removeValue(forKey: key), target.member < populations[p].members.count {
            compete(Member(vector: vector, fitness: fitness), population: p, member: target.member)
            return
        }
        guard !populations[p].members.contains(where: { $0.vector == vector }) else { return }
        if populations[p].members.count < populations[p].size {
            populations[p].members.append(Member(vector: vector, fitness: fitness))
        } else {
            let member = populations[p].next % populations[p].members.count
            populations[p].next = member + 1
            compete(Member(vector: vector, fitness: fitness), population: p, member: member)
        }
    }

    /// Drops the target of a child that will have no result (a broken trial).
    ///
    /// - Parameter key: `configuration@fidelity`.
    mutating func forget(key: String) { targets[key] = nil }

    /// Replaces member `member` by `challenger` when at least as good or too old; otherwise the member ages.
    private mutating func compete(_ challenger: Member, population p: Int, member: Int) {
        let incumbent = populations[p].members[member]
        if challenger.fitness <= incumbent.fitness || options.maxAge.map({ incumbent.age >= $0 }) == true {
            populations[p].members[member] = challenger
        } else {
            populations[p].members[member].age += 1
        }
    }
}
