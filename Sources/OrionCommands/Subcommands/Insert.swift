import ArgumentParser
import Foundation
import OrionCore
import OrionWorker

/// `orion insert`: register a trial with chosen values, run later by `orion hunt`.
struct Insert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register a trial with given values: orion insert -n NAME ./script.py -x=1.5 --lr=0.01"
    )

    @OptionGroup var options: ExperimentOptions

    @Argument(parsing: .captureForPassthrough, help: "The script, then name=value for each dimension.")
    var userArguments: [String] = []

    func run() async throws {
        if let first = userArguments.first, ["-h", "--help", "-help"].contains(first) {
            throw CleanExit.helpRequest(self)
        }
        try await CommandRunner.run(verbose: options.verbose) {
            let context = try CommandContext(options: options, createStorage: true)
            try await context.closingStorage {
                guard let name = options.name ?? context.configuration.experiment.name else {
                    throw UsageError("orion insert needs an experiment name: orion insert -n NAME ./script.py -x=1.5")
                }
                guard let experiment = try await context.storage.experiment(named: name, version: options.version)
                else {
                    throw ExperimentError(
                        .notFound,
                        "no experiment named '\(name)'; create it with orion hunt --init-only"
                    )
                }
                let trial = try TrialInsertion.trial(for: experiment, arguments: userArguments)
                guard try await !context.storage.registerTrials([trial]).isEmpty else {
                    throw UsageError("a trial with these values exists already in \(experiment.displayName)")
                }
            }
        }
    }
}

/// Turns `-x=1.5 --lr=0.01` into a trial of an experiment.
enum TrialInsertion {
    static func trial(for experiment: Experiment, arguments: [String]) throws -> Trial {
        var values: [String: JSONValue] = [:]
        for argument in arguments {
            let trimmed = argument.drop { $0 == "-" }
            guard let equals = trimmed.firstIndex(of: "="), argument.hasPrefix("-") else { continue }
            let key = "/" + trimmed[..<equals]
            let raw = String(trimmed[trimmed.index(after: equals)...])
            guard let dimension = experiment.space[key] else {
                throw UsageError(
                    "\(argument): \(experiment.displayName) has no dimension \(key) (its dimensions: "
                        + experiment.space.names.joined(separator: ", ") + ")"
                )
            }
            values[key] = try dimension.cast(literal(raw))
        }
        for dimension in experiment.space.dimensions where values[dimension.name] == nil {
            if let value = dimension.defaultValue {
                values[dimension.name] = value
            } else if dimension.kind == .fidelity {
                var generator = SeededGenerator(seed: 0)  // a fidelity dimension always samples its maximum
                values[dimension.name] = dimension.sample(using: &generator)
            } else {
                throw UsageError(
                    "dimension \(dimension.name) is unspecified and has no default value: add \(dimension.name.dropFirst())=VALUE"
                )
            }
        }
        return Trial(experimentID: experiment.id, params: experiment.space.params(from: values))
    }

    /// A value typed on the command line: a number, `True`/`False`/`None`, a JSON list or string, else text.
    static func literal(_ raw: String) -> JSONValue {
        if let value = Int(raw) { return .int(value) }
        if let value = Double(raw) { return .double(value) }
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
}
