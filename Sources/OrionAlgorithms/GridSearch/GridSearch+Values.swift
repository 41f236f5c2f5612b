import Foundation
import OrionCore

extension GridSearch {
    /// The grid values of one element of `dimension` for `count` requested values.
    ///
    /// - `uniform` reals: `count` evenly spaced values from `low` to `high` (both included, as numpy's
    ///   `linspace`), rounded to the dimension's precision; `loguniform` reals: evenly spaced in log scale.
    /// - integers (`uniform`/`loguniform` with `discrete=True`, `randint`): every integer of the support when there
    ///   are at most `count`, else `count` evenly spaced (log-spaced for `loguniform`) values rounded to integers,
    ///   duplicates removed.
    /// - `choices`: every category, in order; `fidelity`: the upper bound only.
    /// - a scipy distribution with a bounded support (`beta`, `triang`, `truncnorm`, `binom`, `bernoulli`): as
    ///   `uniform` over the support (its integers for a discrete family or `discrete=True`).
    ///
    /// - Parameters:
    ///   - dimension: the dimension.
    ///   - count: the number of values wanted (at least 1); ignored for categories and fidelities.
    /// - Returns: the distinct values, in increasing order for numbers.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for a `normal` prior or an unbounded scipy distribution.
    static func values(of dimension: SpaceDimension, count: Int) throws -> [JSONValue] {
        let count = max(1, count)
        switch dimension.prior {
        case .choices(let values, _):
            return values
        case .fidelity:
            // The value every sampler gives a fidelity (its upper bound), so that trials match other algorithms'.
            var generator = SeededGenerator(seed: 0)
            return [dimension.sample(using: &generator)]
        case .scipy(let distribution) where distribution.support.low.isFinite && distribution.support.high.isFinite:
            guard let (low, high) = dimension.interval else { return [] }
            if dimension.kind == .integer {
                return integers(from: int(low), through: int(high), count: count, log: false).map(JSONValue.int)
            }
            let raw = linspace(low, high, count)
            return unique(raw.map { round($0, digits: dimension.precision, inside: low, high) }).map(JSONValue.double)
        case .normal, .scipy:
            throw AlgorithmError(
                .unsupportedSpace,
                "gridsearch cannot search dimension '\(dimension.name)' with prior \(dimension.priorString): "
                    + "a grid needs bounded priors; use uniform(low, high), loguniform(low, high) or a bounded scipy "
                    + "distribution (beta, triang, truncnorm, binom, bernoulli) instead, "
                    + "or another algorithm such as random"
            )
        case .uniform(let low, let high), .logUniform(let low, let high):
            let log = dimension.isLogScale
            if dimension.kind == .integer {
                guard let (first, last) = dimension.interval else { return [] }
                return integers(from: int(first), through: int(last), count: count, log: log).map(JSONValue.int)
            }
            let raw = log ? logspace(low, high, count) : linspace(low, high, count)
            return unique(raw.map { round($0, digits: dimension.precision, inside: low, high) }).map(JSONValue.double)
        case .randint(let low, let high):
            return integers(from: low, through: high - 1, count: count, log: false).map(JSONValue.int)
        }
    }

    /// Every integer of `[first, last]` if there are at most `count`, else `count` evenly spaced ones.
    ///
    /// The bounds are integers, so that a range near the ends of 64 bits (`randint(0, 9223372036854775807)`) is
    /// exact; the spacing is in doubles, each value rounded and kept inside the bounds.
    private static func integers(from first: Int, through last: Int, count: Int, log: Bool) -> [Int] {
        guard first <= last else { return [] }
        let span = last.subtractingReportingOverflow(first)
        if !span.overflow, span.partialValue < count { return Array(first...last) }
        let (low, high) = (Double(first), Double(last))
        let raw = log && first > 0 ? logspace(low, high, count) : linspace(low, high, count)
        return unique(
            raw.map { value in
                let rounded = value.rounded()
                // Strictly between the bounds' doubles, a value is below 2^63 in magnitude: it converts.
                return rounded <= low ? first : rounded >= high ? last : Int(rounded)
            }
        )
    }

    /// An integral double as an `Int`, clamped to 64 bits.
    private static func int(_ value: Double) -> Int {
        Int(min(max(value.rounded(), -0x1p63), 0x1p63.nextDown))
    }

    /// `count` evenly spaced values from `low` to `high`, both included (`[low]` when `count` is 1).
    ///
    /// Where `high − low` overflows (`uniform(-1e308, 1e308)`), each value is the weighted mean
    /// `low · (1 − t) + high · t`, which stays finite and inside the bounds.
    static func linspace(_ low: Double, _ high: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return [low] }
        let last = Double(count - 1)
        let width = high - low
        return (0..<count).map { index in
            let t = Double(index) / last
            if index == count - 1 { return high }
            return width.isFinite ? low + width * t : min(max(low * (1 - t) + high * t, low), high)
        }
    }

    /// `count` values evenly spaced in log scale from `low` to `high`, both included; `0 < low`.
    static func logspace(_ low: Double, _ high: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return [low] }
        let logs = linspace(Foundation.log(low), Foundation.log(high), count)
        return logs.enumerated().map { index, value in
            index == 0 ? low : index == count - 1 ? high : exp(value)
        }
    }

    /// `value` rounded to `digits` significant digits, or unrounded when that would leave `[low, high]`.
    static func round(_ value: Double, digits: Int?, inside low: Double, _ high: Double) -> Double {
        guard let digits, (1...17).contains(digits), value.isFinite,
            let rounded = Double(String(format: "%.\(digits - 1)e", value))
        else { return value }
        return rounded >= low && rounded <= high ? rounded : value
    }

    /// The elements in their first order, duplicates removed.
    private static func unique<Element: Hashable>(_ elements: [Element]) -> [Element] {
        var seen: Set<Element> = []
        return elements.filter { seen.insert($0).inserted }
    }
}

extension GridSearch {
    /// The number of values wanted per dimension, in the space's order, from the `n_values` option.
    ///
    /// - Throws: ``AlgorithmError`` `.invalidOption` when a count names no dimension.
    static func requestedCounts(_ option: ValueCounts, space: Space) throws -> [Int] {
        switch option {
        case .all(let count):
            return Array(repeating: count, count: space.dimensions.count)
        case .perDimension(let members):
            var counts = Array(repeating: defaultValueCount, count: space.dimensions.count)
            let names = space.names
            for key in members.keys.sorted() {
                guard let value = members[key] else { continue }
                guard let index = names.firstIndex(of: key) ?? names.firstIndex(of: "/" + key) else {
                    throw AlgorithmError(
                        .invalidOption,
                        "gridsearch: n_values names '\(key)', which is not a "
                            + "dimension; dimensions: " + names.joined(separator: ", ")
                    )
                }
                counts[index] = value
            }
            return counts
        }
    }

    /// Checks, before any value is built, that no dimension asks more than ``maximumValueCount`` values.
    ///
    /// - Throws: ``AlgorithmError`` `.tooLarge` naming the dimension, the limit and the grid size it would make.
    static func checkLimit(_ requested: [Int], space: Space) throws {
        guard let index = requested.indices.first(where: { requested[$0] > maximumValueCount }) else { return }
        var size = 1.0
        for (dimension, count) in zip(space.dimensions, requested) {
            let elements = Double(dimension.elementCount)
            size *= pow(min(Double(count), pow(dimension.cardinality, 1 / elements)), elements)
        }
        let dimension = space.dimensions[index]
        throw AlgorithmError(
            .tooLarge,
            "gridsearch: n_values asks for \(requested[index]) values of '\(dimension.name)', a grid of up to "
                + "\(size < 1e15 ? String(Int(size)) : String(format: "%.3g", size)) points; the limit is \(maximumValueCount) values per "
                + "dimension: lower n_values (the grid is shrunk to max_trials anyway)"
        )
    }

    /// The counts to use so that the grid has at most `budget` points, when it can.
    ///
    /// Numeric dimensions are capped at a common count `k`, the largest for which the grid fits (dimensions
    /// asking fewer values keep theirs); then, in name order, capped dimensions get `k + 1` values while the grid
    /// still fits. This is where Oríon's "lower the largest dimension first" ends, computed directly. Categories
    /// and fidelities cannot shrink: when they alone exceed the budget, numeric dimensions get one value each.
    static func fittedCounts(space: Space, requested: [Int], budget: Int) throws -> [Int] {
        let dimensions = space.dimensions
        let shrinkable = dimensions.map { [.real, .integer].contains($0.kind) }
        func gridSize(_ counts: [Int]) throws -> Double {
            var total = 1.0
            for (dimension, count) in zip(dimensions, counts) {
                total *= pow(Double(try values(of: dimension, count: count).count), Double(dimension.elementCount))
            }
            return total
        }
        func capped(_ cap: Int) -> [Int] {
            zip(requested, shrinkable).map { count, canShrink in canShrink ? min(count, cap) : count }
        }
        let limit = Double(budget)
        guard try gridSize(requested) > limit else { return requested }
        var low = 1
        var high = requested.max() ?? 1
        while low < high {
            let middle = (low + high + 1) / 2
            if try gridSize(capped(middle)) <= limit { low = middle } else { high = middle - 1 }
        }
        var counts = capped(low)
        for index in counts.indices where shrinkable[index] && requested[index] > low {
            var bumped = counts
            bumped[index] = low + 1
            if try gridSize(bumped) <= limit { counts = bumped }
        }
        return counts
    }
}
