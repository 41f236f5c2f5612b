import Foundation
import OrionCore

/// Registers a trial with chosen values (`orion insert`, `ExperimentClient.insert` in Oríon): validated against the
/// space, missing dimensions filled with their default (a fidelity with its maximum), stored as `new` to be run by a
/// later hunt, or as `completed` when its results are given.
public enum TrialInsertion {
    /// Checks `values` against the experiment's space and makes the trial.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - values: dimension name (`/x`) → value; each is cast to its dimension's type.
    /// - Returns: a `new` trial of the experiment.
    /// - Throws: ``TrialInsertionError`` for an unknown dimension or a missing value without default; `SpaceError`
    ///   for a value outside its prior.
    public static func trial(for experiment: Experiment, values: [String: JSONValue]) throws -> Trial {
        try trial(for: experiment, labelledValues: values.sorted { $0.key < $1.key }.map { ($0.key, $0.key, $0.value) })
    }

    /// Makes the trial of `orion insert`'s arguments: each `-x=1.5`, `--lr=0.01` or `x=1.5` sets dimension `/x` or
    /// `/lr` (Oríon's pattern `\W*(name)=(value)`); a values file (`--config=vals.yaml`, `--config vals.yaml`, or
    /// the first argument after the script when it names an existing file) sets those written `orion=VALUE` in it,
    /// as Oríon's insert reads one (`model: {lr: orion=0.01}` sets `/model/lr`); other arguments (the script) are
    /// ignored.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - arguments: the command line after the options.
    ///   - currentDirectory: the directory a relative values file is in.
    /// - Returns: a `new` trial of the experiment.
    /// - Throws: ``TrialInsertionError`` for an unknown dimension, a missing value without default, a dimension named
    ///   without `=VALUE` (`--lr 0.9`), a dimension set both in the values file and by an argument, or a values file
    ///   that cannot be read; `SpaceError` for a value outside its prior.
    public static func trial(
        for experiment: Experiment,
        arguments: [String],
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> Trial {
        let (file, rest) = try splitValuesFile(arguments, currentDirectory: currentDirectory)
        var labelled: [(label: String, name: String, value: JSONValue)] = []
        if let file {
            for (name, value) in try values(inFile: file.label, path: file.path, currentDirectory: currentDirectory) {
                labelled.append(("\(file.label) (\(name))", name, value))
            }
        }
        for (index, argument) in rest.enumerated() {
            let trimmed = argument.drop { $0 == "-" }
            guard let equals = trimmed.firstIndex(of: "="), equals != trimmed.startIndex else {
                // `--lr 0.9` names a dimension without `=`: its value would be dropped for the default (Oríon drops
                // it silently too).
                if argument.hasPrefix("-"), !trimmed.isEmpty, experiment.space["/" + trimmed] != nil {
                    let next = rest.dropFirst(index + 1).first
                    throw TrialInsertionError(
                        .missingEquals,
                        "'\(([argument] + (next.map { [$0] } ?? [])).joined(separator: " "))': orion insert reads"
                            + " NAME=VALUE; write \(argument)=\(next ?? "VALUE")"
                    )
                }
                // `-x~0.5` (a prior's marker) or `-x0.5`, `--lr0.5` (argparse's attached value) for a dimension:
                // dropped the same way.
                if argument.hasPrefix("-"), let (flag, value) = attachedValue(trimmed, in: experiment.space) {
                    let dashes = argument.prefix { $0 == "-" }
                    throw TrialInsertionError(
                        .missingEquals,
                        "'\(argument)': orion insert reads NAME=VALUE; write \(dashes)\(flag)=\(value)"
                    )
                }
                continue
            }
            // Without dashes, only a plain name (`x=1.5`), so that a path or a value holding `=` is not read as one.
            let plainName = trimmed[..<equals].allSatisfy { $0.isLetter || $0.isNumber || "_-/".contains($0) }
            guard argument.hasPrefix("-") || plainName else { continue }
            let raw = String(trimmed[trimmed.index(after: equals)...])
            let name = "/" + trimmed[..<equals]
            if let earlier = labelled.first(where: { $0.name == name }) {
                throw TrialInsertionError(
                    .duplicateValue,
                    "\(argument): \(name) is set twice (also by \(earlier.label)); keep one of them"
                )
            }
            labelled.append((argument, name, literal(raw)))
        }
        return try trial(for: experiment, labelledValues: labelled, valuesFile: file?.label)
    }

    /// The dimension and value of an option written `x~0.5` or `x0.5` (without its dashes) for a dimension of
    /// `space`, when the value reads as a number; `nil` for any other option (the script's own).
    static func attachedValue(_ option: Substring, in space: Space) -> (name: String, value: String)? {
        if let tilde = option.firstIndex(of: "~"), space["/" + option[..<tilde]] != nil {
            return (String(option[..<tilde]), String(option[option.index(after: tilde)...]))
        }
        for dimension in space.dimensions {
            let name = dimension.name.dropFirst()
            guard option.count > name.count, option.hasPrefix(name) else { continue }
            let value = option.dropFirst(name.count)
            if Double(value) != nil { return (String(name), String(value)) }
        }
        return nil
    }

    /// Inserts a trial: `new`, or `completed` with `results`.
    ///
    /// - Parameters:
    ///   - trial: a trial of the experiment (from ``trial(for:values:)``).
    ///   - results: its results, when it was evaluated elsewhere; they must hold an objective.
    ///   - experiment: the experiment.
    ///   - storage: the storage holding it.
    ///   - now: the insertion time (submit, start and end time of a trial inserted with results).
    /// - Returns: the stored trial.
    /// - Throws: ``TrialInsertionError`` `.duplicate` when a trial with these values exists, `.noObjective` when
    ///   `results` hold no objective; the storage's errors.
    @discardableResult
    public static func insert(
        _ trial: Trial,
        results: [TrialResult]? = nil,
        into experiment: Experiment,
        storage: any Storage,
        now: Date = Date()
    ) async throws -> Trial {
        var trial = trial
        trial.submitTime = now
        if let results {
            guard results.contains(where: { $0.type == .objective }) else {
                throw TrialInsertionError(
                    .noObjective,
                    "the results of the inserted trial have no result of type 'objective': add one"
                )
            }
            trial.status = .completed
            trial.results = results
            trial.startTime = now  // Oríon's stats crash on a completed trial without a start time
            trial.endTime = now
        }
        guard let stored = try await storage.registerTrials([trial]).first else {
            // A trial's id hashes its values as Python prints them (Oríon's id): the category "2" and the category
            // 2 print alike, so the stored trial may hold other values.
            let existing = try await storage.trial(id: trial.id, of: experiment.id)
            if let existing, existing.params != trial.params {
                let values = existing.params.map { "\($0.name)=\($0.value.pythonRepr)" }.joined(separator: " ")
                throw TrialInsertionError(
                    .duplicate,
                    "a trial whose values print the same exists already in \(experiment.displayName) (\(values)):"
                        + " a trial's id is made from its values as text, as in Oríon, so these two cannot both be"
                        + " stored"
                )
            }
            throw TrialInsertionError(
                .duplicate,
                "a trial with these values exists already in \(experiment.displayName)"
            )
        }
        return stored
    }

    /// A value typed on the command line: a number, `True`/`False`/`None`, a JSON list or string, else text.
    ///
    /// - Parameter raw: the text after `=`.
    /// - Returns: its value.
    public static func literal(_ raw: String) -> JSONValue {
        if let value = Int(raw) { return .int(value) }
        // Not `nan` or `inf`, which Python does not read as numbers either: Oríon keeps them as text (a category).
        if let value = Double(raw), value.isFinite { return .double(value) }
        switch raw {
        case "True", "true": return .bool(true)
        case "False", "false": return .bool(false)
        case "None", "null": return .null
        default: break
        }
        let json = raw.replacingOccurrences(of: "'", with: "\"")
        if let data = json.data(using: .utf8), let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            return value
        }
        return .string(raw)
    }

    /// The trial of values checked in order; `label` names a value in errors (the argument that gave it).
    private static func trial(
        for experiment: Experiment,
        labelledValues: [(label: String, name: String, value: JSONValue)],
        valuesFile: String? = nil
    ) throws -> Trial {
        var values: [String: JSONValue] = [:]
        for (label, name, value) in labelledValues {
            guard let dimension = experiment.space[name] else {
                throw TrialInsertionError(
                    .unknownDimension,
                    "\(label): \(experiment.displayName) has no dimension \(name) (its dimensions: "
                        + experiment.space.names.joined(separator: ", ") + ")"
                )
            }
            values[name] = try dimension.cast(value)
        }
        for dimension in experiment.space.dimensions where values[dimension.name] == nil {
            if let value = dimension.defaultValue {
                values[dimension.name] = value
            } else if dimension.kind == .fidelity {
                var generator = SeededGenerator(seed: 0)  // a fidelity dimension always samples its maximum
                values[dimension.name] = dimension.sample(using: &generator)
            } else {
                throw TrialInsertionError(
                    .missingValue,
                    "dimension \(dimension.name) is unspecified and has no default value:"
                        + " add \(dimension.name.dropFirst())=VALUE"
                        + (valuesFile.map { ", or write it orion=VALUE in \($0)" } ?? "")
                )
            }
        }
        return Trial(experimentID: experiment.id, params: experiment.space.params(from: values))
    }
}

/// Why a trial could not be inserted.
public struct TrialInsertionError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A value names a dimension the space does not have.
        case unknownDimension
        /// A dimension has no value and no default.
        case missingValue
        /// An argument names a dimension without `=VALUE` (`--lr 0.9`).
        case missingEquals
        /// A dimension is given a value twice (in the values file and by an argument, or by two arguments).
        case duplicateValue
        /// The values file (`--config=vals.yaml`) cannot be read, or is not YAML or JSON.
        case valuesFile
        /// A trial with the same values exists already.
        case duplicate
        /// The results given hold no objective.
        case noObjective
    }

    /// What went wrong.
    public var code: Code
    /// One line saying what happened and how to fix it.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: one line saying what happened and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A mistake in the values or results given; a duplicate is a conflict with what is stored.
    public var kind: ErrorKind { code == .duplicate ? .conflict : .usage }

    /// A mistake in what was given (exit code 2); a duplicate is a conflict with what is stored, which fails the
    /// command (exit code 1), as Oríon's `DuplicateKeyError` does.
    public var isUsageError: Bool { code != .duplicate }
}
