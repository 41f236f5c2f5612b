import Foundation
import OrionCore

/// Why a value does not fit its key: `must be an integer >= 1, not 'abc'`, and an example of a good value.
struct ValueProblem: Error {
    /// What is wrong, without the subject (`must be an integer >= 0, not 'abc'`).
    var text: String
    /// A good value, for the fix (`100`).
    var example: String
}

extension ConfigurationLayer {
    /// The type and range of a scalar key.
    enum Kind {
        case string
        case integer(minimum: Int, maximum: Int)
        case seconds
    }

    /// The kind of each scalar key, with a good example value; `nil` for keys that are not plain scalars.
    static func kind(of key: String) -> (kind: Kind, example: String)? {
        switch key {
        case "experiment.name", "experiment.user": (.string, "my-exp")
        case "experiment.working_dir": (.string, "/scratch/exp")
        case "worker.user_script_config": (.string, "config")
        case "experiment.version": (.integer(minimum: 1, maximum: .max), "1")
        case "experiment.max_trials", "worker.max_trials": (.integer(minimum: 0, maximum: .max), "100")
        case "experiment.max_broken", "worker.max_broken": (.integer(minimum: 1, maximum: .max), "3")
        case "worker.n_workers": (.integer(minimum: 1, maximum: .max), "4")
        case "worker.pool_size": (.integer(minimum: 0, maximum: .max), "0")
        case "worker.interrupt_signal_code": (.integer(minimum: 1, maximum: 255), "130")
        case "worker.heartbeat": (.seconds, "120")
        case "worker.idle_timeout": (.seconds, "60")
        default: nil
        }
    }

    /// Sets the scalar key `key` from a value read in a file or a variable, checking its type and range.
    ///
    /// - Parameters:
    ///   - key: Oríon's key (`experiment.max_trials`).
    ///   - value: the value; a string is parsed for numeric keys (environment variables are strings).
    ///   - text: the value as written, used for string keys (`name: 1e3` is the name `1e3`).
    ///   - source: where it came from.
    /// - Throws: ``ValueProblem`` when the value has the wrong type or is out of range.
    mutating func assign(_ key: String, _ value: JSONValue, text: String, source: String) throws(ValueProblem) {
        guard let (kind, example) = Self.kind(of: key) else {
            throw ValueProblem(text: "is not a setting", example: "")
        }
        let trimmed = value.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines)
        switch kind {
        case .string:
            switch value {
            case .string, .int, .double: break
            default: throw ValueProblem(text: "must be a string, not \(Self.describe(value))", example: example)
            }
            try assignString(key, text)
        case .integer(let minimum, let maximum):
            let number: Int? = value.intValue ?? trimmed.flatMap { Int($0) }
            guard let number, value.boolValue == nil else {
                throw ValueProblem(text: "must be an integer, not \(Self.describe(value))", example: example)
            }
            guard number >= minimum, number <= maximum else {
                let range = maximum == .max ? ">= \(minimum)" : "from \(minimum) to \(maximum)"
                throw ValueProblem(text: "must be an integer \(range), not \(number)", example: example)
            }
            assignInteger(key, number)
        case .seconds:
            let number: Double? = value.doubleValue ?? trimmed.flatMap { Double($0) }
            guard let number, number.isFinite else {
                throw ValueProblem(text: "must be a number of seconds, not \(Self.describe(value))", example: example)
            }
            guard number > 0 else {
                throw ValueProblem(text: "must be a number of seconds > 0, not \(text)", example: example)
            }
            if key == "worker.heartbeat" { worker.heartbeat = number } else { worker.idleTimeout = number }
        }
        sources[key] = source
    }

    private mutating func assignString(_ key: String, _ text: String) throws(ValueProblem) {
        switch key {
        case "experiment.name": experiment.name = text
        case "experiment.user": experiment.user = text
        case "experiment.working_dir": experiment.workingDir = text
        default: worker.userScriptConfig = text
        }
    }

    private mutating func assignInteger(_ key: String, _ number: Int) {
        switch key {
        case "experiment.version": experiment.version = number
        case "experiment.max_trials": experiment.maxTrials = number
        case "experiment.max_broken": experiment.maxBroken = number
        case "worker.n_workers": worker.nWorkers = number
        case "worker.pool_size": worker.poolSize = number
        case "worker.max_trials": worker.maxTrials = number
        case "worker.max_broken": worker.maxBroken = number
        default: worker.interruptSignalCode = Int32(clamping: number)
        }
    }

    /// A value as quoted in messages: `'abc'`, `true`, `a list`, `a mapping`.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "'\(text)'"
        case .array: "a list"
        case .object: "a mapping"
        case .null: "null"
        default: value.pythonString.lowercased()
        }
    }
}
