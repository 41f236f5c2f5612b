import Foundation

/// The trials an ``AlgorithmDriver`` has seen, as 64-bit fingerprints of their ids.
///
/// The driver saves this set with its state at every production, so its encoding must stay cheap as experiments
/// grow: 8 bytes a trial, base64 in the state's JSON, written in the order the trials became known (no sorting).
/// Two different ids share a fingerprint with probability about n²/2⁶⁵ (10⁻¹² for a million trials).
public struct KnownTrials: Sendable, Equatable {
    private var fingerprints: Set<UInt64> = []
    private var order: [UInt64] = []

    /// An empty set.
    public init() {}

    /// The number of known trials.
    public var count: Int { order.count }

    /// Whether a trial with this id is known.
    public func contains(_ id: String) -> Bool { fingerprints.contains(Self.fingerprint(id)) }

    /// Records a trial id.
    ///
    /// - Returns: `false` when it was known already.
    @discardableResult
    public mutating func insert(_ id: String) -> Bool {
        let fingerprint = Self.fingerprint(id)
        guard fingerprints.insert(fingerprint).inserted else { return false }
        order.append(fingerprint)
        return true
    }

    /// The fingerprints, little-endian, in base64: the form saved in the driver's state.
    public var encoded: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(order.count * 8)
        for fingerprint in order {
            for shift in stride(from: 0, to: 64, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: fingerprint >> shift))
            }
        }
        return Data(bytes).base64EncodedString()
    }

    /// Reads ``encoded``.
    ///
    /// - Returns: `nil` when `text` is not base64 of whole 8-byte words.
    public init?(encoded text: String) {
        guard let data = Data(base64Encoded: text), data.count % 8 == 0 else { return nil }
        let bytes = [UInt8](data)
        for start in stride(from: 0, to: bytes.count, by: 8) {
            var fingerprint: UInt64 = 0
            for index in 0..<8 { fingerprint |= UInt64(bytes[start + index]) << (8 * UInt64(index)) }
            if fingerprints.insert(fingerprint).inserted { order.append(fingerprint) }
        }
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
