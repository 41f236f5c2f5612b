import Foundation
import OrionCore

/// Reads the results file a script writes at `$ORION_RESULTS_PATH`:
/// `[{"name": "loss", "type": "objective", "value": 0.1}, ...]`.
public enum ResultsFile {
    /// Why a results file was rejected; the message is one line that says how to fix it.
    public struct Problem: Error, CustomStringConvertible, Sendable, Equatable {
        /// What is wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// Parses and validates results.
    ///
    /// - Throws: ``Problem`` when the file is missing or empty, is not a JSON list of `{name, type, value}`
    ///   objects, has an unknown type, a non-numeric objective, or no objective.
    public static func read(path: String) throws(Problem) -> [TrialResult] {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            throw Problem(
                message: "the script wrote no results file: write a JSON list of results to $ORION_RESULTS_PATH"
                    + " (\(path))"
            )
        }
        return try parse(data, path: path)
    }

    /// Parses and validates results from `data` (see ``read(path:)``).
    public static func parse(_ data: Data, path: String) throws(Problem) -> [TrialResult] {
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            let snippet = String(decoding: data.prefix(60), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            throw Problem(message: "results file \(path) is not valid JSON (starts with '\(snippet)')")
        }
        guard let entries = json.arrayValue else {
            throw Problem(
                message: "results file \(path) must hold a JSON list of {\"name\", \"type\", \"value\"} objects"
            )
        }
        var results: [TrialResult] = []
        for (index, entry) in entries.enumerated() {
            guard let object = entry.objectValue, let name = object["name"]?.stringValue,
                let typeName = object["type"]?.stringValue, let value = object["value"]
            else {
                throw Problem(
                    message:
                        "results file \(path), entry \(index): expected {\"name\": ..., \"type\": ..., \"value\": ...}"
                )
            }
            guard let kind = TrialResult.Kind(rawValue: typeName), kind != .lie else {
                throw Problem(
                    message: "results file \(path), entry \(index): unknown type '\(typeName)'"
                        + " (use objective, constraint, gradient or statistic)"
                )
            }
            if kind == .objective || kind == .constraint, value.doubleValue == nil {
                throw Problem(
                    message: "results file \(path), entry \(index): the \(kind.rawValue) '\(name)' must be a number,"
                        + " not \(value.pythonRepr)"
                )
            }
            results.append(TrialResult(name: name, type: kind, value: value))
        }
        guard results.contains(where: { $0.type == .objective }) else {
            throw Problem(message: "results file \(path) has no result of type \"objective\"")
        }
        return results
    }
}
