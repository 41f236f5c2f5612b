import Foundation
import OrionCore
import Synchronization

/// Reads the results file a script writes at `$ORION_RESULTS_PATH`:
/// `[{"name": "loss", "type": "objective", "value": 0.1}, ...]`.
///
/// The file is read as Python's `json` module writes it: bare `NaN`, `Infinity` and `-Infinity` are numbers, and a
/// key given twice keeps its last value. A file larger than ``maxSize`` is refused without being read, so that a
/// script cannot make every later `orion status` load megabytes of statistics.
public enum ResultsFile {
    /// Why a results file was rejected; the message is one line that says how to fix it.
    public struct Problem: Error, CustomStringConvertible, Sendable, Equatable {
        /// What is wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The largest results file accepted, in bytes (1 MiB).
    public static let maxSize = 1 << 20

    /// Reads, parses and validates the results file at `path`.
    ///
    /// - Parameter path: the file the script wrote (`$ORION_RESULTS_PATH`).
    /// - Returns: the results, in the file's order.
    /// - Throws: ``Problem`` when the file is missing, empty, not a regular file (nor a link to one) or larger than
    ///   ``maxSize``, and for every reason ``parse(_:path:)`` gives.
    public static func read(path: String) throws(Problem) -> [TrialResult] {
        let missing = Problem(
            message: "the script wrote no results file: write a JSON list of results to $ORION_RESULTS_PATH (\(path))"
        )
        guard var attributes = try? FileManager.default.attributesOfItem(atPath: path) else { throw missing }
        if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
            // A link to a regular file is read through, as Oríon's `open` does; a broken link is no file.
            var status = stat()
            guard stat(path, &status) == 0 else { throw missing }
            attributes[.type] = (status.st_mode & S_IFMT) == S_IFREG ? FileAttributeType.typeRegular : .typeUnknown
            attributes[.size] = NSNumber(value: Int(status.st_size))
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw Problem(message: "results file \(path) is not a regular file; write the results to a plain file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        if size > maxSize { throw tooLarge(path: path, size: size) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw missing }
        defer { try? handle.close() }
        // Read at most one byte past the limit, in case the file grew since its size was taken.
        let data = (try? handle.read(upToCount: maxSize + 1)) ?? nil
        guard let data, !data.isEmpty else { throw missing }
        return try parse(data, path: path)
    }

    private static func tooLarge(path: String, size: Int) -> Problem {
        Problem(
            message: "results file \(path) has \(size) bytes, more than the limit of \(maxSize) bytes (1 MiB);"
                + " report numbers, and write large outputs to files in $ORION_WORKING_DIR instead"
        )
    }

    /// Parses and validates results from `data` (see ``read(path:)``).
    ///
    /// - Parameters:
    ///   - data: the file's contents.
    ///   - path: the file's path, for messages.
    /// - Returns: the results, in the file's order.
    /// - Throws: ``Problem`` when `data` is larger than ``maxSize``, is not JSON, is not a list of
    ///   `{name, type, value}` objects, or has an unknown type, a non-numeric objective or constraint, a gradient
    ///   that is not a list of numbers, or no objective.
    public static func parse(_ data: Data, path: String) throws(Problem) -> [TrialResult] {
        if data.count > maxSize { throw tooLarge(path: path, size: data.count) }
        let json: JSONValue
        do {
            json = try JSONValue(parsingJSON: data)
        } catch {
            let snippet = String(decoding: data.prefix(60), as: UTF8.self).map { $0.isNewline ? " " : $0 }
            throw Problem(
                message: "results file \(path) is not valid JSON: \(error) (starts with '\(String(snippet))')"
            )
        }
        guard let entries = json.arrayValue else {
            throw Problem(
                message: "results file \(path) must hold a JSON list of {\"name\", \"type\", \"value\"} objects"
            )
        }
        var results: [TrialResult] = []
        for (index, entry) in entries.enumerated() { results.append(try self.result(entry, index: index, path: path)) }
        // Several objectives are kept as reported, the first optimized, as by Oríon (``severalObjectivesWarning(_:)``).
        guard results.contains(where: { $0.type == .objective }) else {
            throw Problem(message: "results file \(path) has no result of type \"objective\"")
        }
        return results
    }

    /// Whether the warning for several objectives was written by this process.
    private static let warnedOfSeveralObjectives = Mutex(false)

    /// The warning for a results file with more than one objective (a script written for Oríon 0.2.7, which warns
    /// and optimizes the first), `nil` with one.
    ///
    /// - Parameter results: a script's results.
    /// - Returns: the warning, which names the objectives and the one optimized.
    public static func severalObjectivesWarning(_ results: [TrialResult]) -> String? {
        let objectives = results.filter { $0.type == .objective }.map(\.name)
        guard objectives.count > 1, let first = objectives.first else { return nil }
        let names = objectives.prefix(4).map { "'\($0)'" }.joined(separator: ", ")
        return
            "Warning: the script reports \(objectives.count) objectives (\(names)\(objectives.count > 4 ? ", ..." : ""));"
            + " multi-objective optimization is not supported: '\(first)', the first, is optimized, and the others"
            + " are kept with the trial, as by Oríon (report them as \"statistic\" to silence this)"
    }

    /// Writes ``severalObjectivesWarning(_:)`` to stderr, once per process (Oríon warns at every trial).
    static func warnOnceOfSeveralObjectives(_ results: [TrialResult]) {
        guard let warning = severalObjectivesWarning(results) else { return }
        let first = warnedOfSeveralObjectives.withLock { warned in
            defer { warned = true }
            return !warned
        }
        if first { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
    }

    /// One validated entry of the list.
    private static func result(_ entry: JSONValue, index: Int, path: String) throws(Problem) -> TrialResult {
        let shape = "expected {\"name\": ..., \"type\": ..., \"value\": ...}"
        guard let object = entry.objectValue else {
            throw Problem(message: "results file \(path), entry \(index): \(shape), not \(entry.pythonRepr)")
        }
        // Which key is missing, or not a string, is said: `expected {...}` alone left the reader comparing.
        let missing = ["name", "type", "value"].filter { object[$0] == nil }
        guard missing.isEmpty else {
            let quoted = missing.map { "'\($0)'" }
            let keys =
                quoted.count == 1
                ? quoted[0] : quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
            throw Problem(
                message: "results file \(path), entry \(index): no \(keys) (\(shape))"
            )
        }
        // A name that is a number, a boolean or null (`report_objective(v, name=None)`, `name=args.metric` left at
        // its default) is kept as Python's `str()` writes it, as Oríon completes such a trial.
        let name: String? =
            switch object["name"] {
            case .string(let text): text
            case .null, .bool, .int, .double: object["name"]?.pythonString
            default: nil
            }
        guard let name, let typeName = object["type"]?.stringValue, let value = object["value"] else {
            let key = name == nil ? "name" : "type"
            throw Problem(
                message: "results file \(path), entry \(index): '\(key)' must be a string, not "
                    + (object[key]?.pythonRepr ?? "nothing")
            )
        }
        guard let kind = TrialResult.Kind(rawValue: typeName), kind != .lie else {
            throw Problem(
                message: "results file \(path), entry \(index): unknown type '\(typeName)'"
                    + " (use objective, constraint, gradient or statistic)"
            )
        }
        let result = TrialResult(name: name, type: kind, value: value)
        try check(result, at: "results file \(path), entry \(index)")
        return result
    }

    /// Checks one result's value against its type: a number for an objective or a constraint, a list of numbers
    /// for a gradient.
    ///
    /// - Parameters:
    ///   - result: the result.
    ///   - place: where it was given, to start the message (`results file PATH, entry 2`).
    /// - Throws: ``Problem`` naming the result and its value.
    static func check(_ result: TrialResult, at place: String) throws(Problem) {
        let (name, value) = (result.name, result.value)
        switch result.type {
        case .objective, .constraint, .lie:
            guard value.doubleValue != nil else {
                throw Problem(
                    message: "\(place): the \(result.type.rawValue) '\(name)' must be a number, not \(summary(value))"
                )
            }
        case .gradient:
            guard let items = value.arrayValue, items.allSatisfy({ $0.doubleValue != nil }) else {
                throw Problem(
                    message: "\(place): the gradient '\(name)' must be a list of numbers, not \(summary(value))"
                )
            }
        case .statistic:
            break
        }
    }

    /// Checks results given through the library (`ExperimentClient.observe`, `insert(_:results:)`) as a results
    /// file is checked: each value against its type, one objective, and at most ``maxSize`` bytes as JSON.
    ///
    /// - Parameters:
    ///   - results: the results.
    ///   - owner: what they are the results of, to start the message (`the results of trial 0a1b...`).
    /// - Throws: ``Problem`` with a one-line message.
    public static func validate(_ results: [TrialResult], of owner: String) throws(Problem) {
        for (index, result) in results.enumerated() { try check(result, at: "\(owner), result \(index)") }
        try checkOneObjective(results, word: "result", at: owner, type: "statistic")
        guard results.contains(where: { $0.type == .objective }) else {
            throw Problem(message: "\(owner) have no result of type 'objective'")
        }
        let size = results.reduce(0) { $0 + $1.name.utf8.count + $1.value.pythonJSON.utf8.count + 40 }
        guard size <= maxSize else {
            throw Problem(
                message: "\(owner) take about \(size) bytes as JSON, more than \(maxSize) (1 MiB): keep large data in a"
                    + " file and report its path as a statistic"
            )
        }
    }

    /// Throws when `results` hold a second objective, naming both by their place (`results file PATH, entry 3`).
    private static func checkOneObjective(
        _ results: [TrialResult],
        word: String,
        at place: String,
        type statistic: String
    ) throws(Problem) {
        guard let first = results.firstIndex(where: { $0.type == .objective }),
            let second = results[(first + 1)...].firstIndex(where: { $0.type == .objective })
        else { return }
        throw Problem(
            message: "\(place), \(word) \(second): a second objective '\(results[second].name)' (\(word) \(first),"
                + " '\(results[first].name)', is the objective); report one objective and give the others the type"
                + " \(statistic)"
        )
    }

    /// A value's Python `repr`, cut short for a message.
    private static func summary(_ value: JSONValue) -> String {
        let text = value.pythonRepr
        return text.count <= 60 ? text : text.prefix(57) + "..."
    }
}
