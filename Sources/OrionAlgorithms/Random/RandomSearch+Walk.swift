import OrionCore

extension RandomSearch {
    /// Every configuration of a finite space, once each, in a pseudo-random order, with a state of four integers.
    ///
    /// Random search draws with replacement in a finite space it does not track (more than
    /// ``RandomSearch/trackedCardinality`` configurations); once nearly every configuration has a trial, almost every
    /// draw repeats one, and the last free configurations take thousands of draws to hit. The walk finds them in at
    /// most one pass: position `i` is configuration `(multiplier · i + offset) mod count`
    /// (``Space/configuration(at:)``), a permutation of `0..<count` because the multiplier is prime to the count.
    ///
    /// Only spaces whose every dimension can be listed (``SpaceDimension/enumeratedCount``: categories, integers, a
    /// fidelity at its upper bound) with at most 2³² configurations can be walked.
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
            guard let count = space.enumeratedCount(upTo: Self.maxCount) else { return nil }
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
            let index = (multiplier * position + offset) % count
            position += 1
            return space.configuration(at: index)
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
