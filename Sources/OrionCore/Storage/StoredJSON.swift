import Foundation

/// How the backends write trials and experiments as JSON documents: object keys sorted (equal values give equal
/// bytes), dates as `Date`'s own number (seconds since 2001-01-01 UTC, exact), and NaN/±Infinity as the strings `NaN`, `Infinity`, `-Infinity` (an
/// objective may be any of them).
///
/// SQLite and PostgreSQL store the same documents, so a trial reads back the same from either.
public enum StoredJSON {
    /// A new encoder for stored documents.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .deferredToDate
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        return encoder
    }

    /// A new decoder matching ``encoder()``.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .deferredToDate
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        return decoder
    }
}
