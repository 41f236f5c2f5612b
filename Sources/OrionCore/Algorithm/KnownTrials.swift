import Foundation

/// The trials an ``AlgorithmDriver`` has seen in this process, as 64-bit fingerprints of their ids.
///
/// A cache in front of the storage's index of trial ids (``AlgorithmSnapshot/existingTrials``): it is never saved,
/// so it costs nothing when the driver's state is written. Two different ids share a fingerprint with probability
/// about n²/2⁶⁵ (10⁻¹² for a million trials); a collision can only make the driver skip a suggestion.
public struct KnownTrials: Sendable, Equatable {
    private var fingerprints: Set<UInt64> = []

    /// An empty set.
    public init() {}

    /// The number of known trials.
    public var count: Int { fingerprints.count }

    /// Whether a trial with this id is known.
    public func contains(_ id: String) -> Bool { fingerprints.contains(Self.fingerprint(id)) }

    /// Records a trial id.
    ///
    /// - Returns: `false` when it was known already.
    @discardableResult
    public mutating func insert(_ id: String) -> Bool {
        fingerprints.insert(Self.fingerprint(id)).inserted
    }

    /// FNV-1a, 64 bits, of the id's UTF-8 bytes.
    static func fingerprint(_ id: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
