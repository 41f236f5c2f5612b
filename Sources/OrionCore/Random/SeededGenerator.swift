/// A seedable, `Codable` random number generator (xoshiro256**), so that an algorithm's randomness is part of
/// its stored state: same seed and same observations give the same suggestions, across processes.
public struct SeededGenerator: RandomNumberGenerator, Codable, Sendable, Hashable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole sequence is determined by `seed` (expanded with SplitMix64).
    public init(seed: UInt64) {
        var splitmix = seed
        func next() -> UInt64 {
            splitmix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitmix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    /// Creates a generator from an algorithm's `seed` option: determined by it when set (its bits as a `UInt64`),
    /// else seeded from the system's entropy.
    public init(seed: Int?) {
        if let seed {
            self.init(seed: UInt64(bitPattern: Int64(seed)))
        } else {
            self.init()
        }
    }

    /// Creates a generator seeded from the system's entropy.
    public init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Derives an independent generator (for a sub-task) without disturbing the sequence's reproducibility.
    public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }

    private enum CodingKeys: CodingKey { case s }

    /// Decodes the four state words.
    public init(from decoder: any Decoder) throws {
        let words = try decoder.container(keyedBy: CodingKeys.self).decode([UInt64].self, forKey: .s)
        guard words.count == 4 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "need 4 words"))
        }
        state = (words[0], words[1], words[2], words[3])
    }

    /// Encodes the four state words.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([state.0, state.1, state.2, state.3], forKey: .s)
    }

    /// Compares the state words.
    public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool {
        lhs.state == rhs.state
    }

    /// Hashes the state words.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(state.0)
        hasher.combine(state.1)
        hasher.combine(state.2)
        hasher.combine(state.3)
    }
}
