import Foundation

/// An ``Algorithm`` that writes its own state's JSON, faster than `JSONEncoder` for a state that grows with the
/// trials.
///
/// ``AlgorithmDriver/encodedState()`` saves the state after every production; for an algorithm whose state holds
/// an entry per trial, `JSONEncoder`'s cost per value dominates a long run. The JSON written must decode with the
/// algorithm's `Decodable` conformance to the same state, and should be the bytes `JSONEncoder` writes with sorted
/// keys and unescaped slashes, so that equal states still give equal JSON.
public protocol StateWriting {
    /// The algorithm's state as JSON.
    ///
    /// - Returns: UTF-8 JSON that the algorithm's `init(from:)` decodes.
    /// - Throws: `EncodingError` when a value cannot be written (a non-finite number).
    func writtenState() throws -> Data
}
