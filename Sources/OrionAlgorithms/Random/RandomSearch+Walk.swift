import OrionCore

extension RandomSearch {
    /// Every configuration of a finite space, once each, in a pseudo-random order, with a state of four integers.
    ///
    /// Random search draws with replacement in a finite space it does not track (more than
    /// ``RandomSearch/trackedCardinality`` configurations); once nearly every configuration has a trial, almost every
    /// draw repeats one, and the last free configurations take thousands of draws to hit. The walk finds them in at
    /// most one pass: position `i` is configuration `(multiplier · i + offset) mod count`, a permutation of
    /// `0..<count` because the multiplier is prime to the count. A configuration's index is read in mixed radix, the
    /// last dimension (in name order) varying fastest.
    ///
    /// Only spaces of scalar categorical, integer and fidelity dimensions (a fidelity at its upper bound, as
    /// sampled) with at most 2³² configurations can be walked.
    struct Walk: Codable, Equatable {
        /// The number of configurations.
        var count: UInt64
        /// Prime to `count`, in `1..<count` (1 when `count` is 1).
        var multiplier: UInt64
        /// In `0..<count`.
        var offset: UInt64
        /// How many configurations the walk has given.
        var position: UInt64

        /// The largest space walked: `multiplier · position` stays below 2⁶⁴.
        static let maxCount: UInt64 = 1 << 32

        /// A walk of `space` starting at a random configuration with a random stride; `nil` when the space has a
        /// real dimension, a shaped one, an unbounded integer, or more than ``maxCount`` configurations.
        ///
        /// - Parameters:
        ///   - space: the search space.
        ///   - generator: draws the stride and the start.
        init?(space: Space, using generator: inout SeededGenerator) {
            var count: UInt64 = 1
            for dimension in space.dimensions {
                guard let size = Self.size(of: dimension) else { return nil }
                let (product, overflow) = count.multipliedReportingOverflow(by: size)
                guard !overflow, product <= Self.maxCount else { return nil }
                count = product
            }
            var multiplier: UInt64 = 1
            if count > 1 {
                repeat {
                    multiplier = UInt64.random(in: 1..<count, using: &generator)
                } while Self.gcd(multiplier, count) != 1
            }
            self.count = count
            self.multiplier = multiplier
            offset = UInt64.random(in: 0..<count, using: &generator)
            position = 0
        }

        /// Whether every configuration has been given.
        var isOver: Bool { position >= count }

        /// The next configuration of the walk, or `nil` once it is over.
        ///
        /// - Parameter space: the space the walk was made for.
        /// - Returns: its parameters, as ``Space/sample(using:)`` writes them.
        mutating func next(in space: Space) -> Parameters? {
            guard !isOver else { return nil }
            var index = (multiplier * position + offset) % count
            position += 1
            var values: [JSONValue] = []
            for dimension in space.dimensions.reversed() {
                let size = Self.size(of: dimension) ?? 1
                values.append(Self.value(of: dimension, at: Int(index % size)))
                index /= size
            }
            return Parameters(
                zip(space.dimensions, values.reversed()).map { dimension, value in
                    Trial.Param(name: dimension.name, type: dimension.kind, value: value)
                }
            )
        }

        /// The number of values of a scalar dimension that can be walked, or `nil`.
        private static func size(of dimension: SpaceDimension) -> UInt64? {
            guard dimension.shape.isEmpty else { return nil }
            switch dimension.kind {
            case .fidelity:
                return 1
            case .categorical, .integer:
                let cardinality = dimension.cardinality
                guard cardinality.isFinite, cardinality >= 1, cardinality <= Double(maxCount) else { return nil }
                return UInt64(cardinality)
            default:
                return nil
            }
        }

        /// The value at `index` of a dimension that ``size(of:)`` accepts.
        private static func value(of dimension: SpaceDimension, at index: Int) -> JSONValue {
            switch (dimension.kind, dimension.prior) {
            case (.categorical, .choices(let values, _)):
                return values[index]
            case (.integer, _):
                return .int(Int(dimension.interval?.low ?? 0) + index)
            default:
                // A fidelity: its upper bound, whatever the generator.
                var unused = SeededGenerator(seed: 0)
                return dimension.sample(using: &unused)
            }
        }

        private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
            var (a, b) = (a, b)
            while b != 0 { (a, b) = (b, a % b) }
            return a
        }
    }

    /// The draws that decide when random search starts its walk (``Walk``): a window of at least
    /// ``RandomSearch/walkWindow`` draws of which at least 95% repeated a trial.
    struct Misses: Codable, Equatable {
        /// Points suggested in the window.
        var drawn = 0
        /// Of those, the ones dropped as repeats.
        var dropped = 0
    }
}
