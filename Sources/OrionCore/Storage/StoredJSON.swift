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

/// A trial as a database backend stores it: its JSON document and the fields that queries filter and sort on.
///
/// The document is written by a ``StoredJSON`` encoder; SQLite and PostgreSQL store the same columns.
public struct StoredTrialColumns: Sendable {
    /// The experiment's id.
    public var experimentID: String
    /// The trial's id.
    public var id: String
    /// The status's wire name.
    public var status: String
    /// Seconds since 1970.
    public var submitTime: Double
    /// Seconds since 1970.
    public var startTime: Double?
    /// Seconds since 1970.
    public var endTime: Double?
    /// Seconds since 1970.
    public var heartbeat: Double?
    /// The worker holding or having run the trial.
    public var worker: String?
    /// The objective of a completed trial, for the index that finds the best one (NaN is stored as NULL).
    public var objective: Double?
    /// The whole trial as JSON.
    public var document: String

    /// The columns of `trial`.
    ///
    /// - Parameters:
    ///   - trial: the trial.
    ///   - encoder: a ``StoredJSON/encoder()``.
    /// - Throws: the encoder's error.
    public init(_ trial: Trial, encoder: JSONEncoder) throws {
        experimentID = trial.experimentID
        id = trial.id
        status = trial.status.rawValue
        submitTime = trial.submitTime.timeIntervalSince1970
        startTime = trial.startTime?.timeIntervalSince1970
        endTime = trial.endTime?.timeIntervalSince1970
        heartbeat = trial.heartbeat?.timeIntervalSince1970
        worker = trial.worker
        objective = trial.status == .completed ? trial.objective.flatMap { $0.isNaN ? nil : $0 } : nil
        document = String(decoding: try encoder.encode(trial), as: UTF8.self)
    }
}
