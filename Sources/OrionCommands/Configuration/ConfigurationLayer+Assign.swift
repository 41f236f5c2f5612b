import Foundation
import OrionCore

/// Why a value does not fit its key: `must be an integer >= 1, not 'abc'`, and an example of a good value.
struct ValueProblem: Error {
    /// What is wrong, without the subject (`must be an integer >= 0, not 'abc'`).
    var text: String
    /// A good value, for the fix (`100`).
    var example: String
}

extension Setting.Kind {
    /// Checks a value read in a file, a variable or a flag against this kind.
    ///
    /// - Parameters:
    ///   - value: the value; a string is parsed for numeric kinds (variables and flags are strings).
    ///   - text: the value as written, used for string kinds (`name: 1e3` is the name `1e3`).
    /// - Returns: the checked value.
    /// - Throws: ``ValueProblem`` (without its example) when the value has the wrong type or is out of range.
    func parse(_ value: JSONValue, text: String) throws(ValueProblem) -> SettingValue {
        let trimmed = value.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines)
        switch self {
        case .string, .experimentName, .storageAddress:
            switch value {
            case .string, .int, .double: break
            default:
                throw ValueProblem(text: "must be a string, not \(ConfigurationLayer.describe(value))", example: "")
            }
            if self == .experimentName, let problem = ExperimentName.problem(with: text) {
                throw ValueProblem(
                    text: "is not a valid experiment name: \(ExperimentName.display(text)) \(problem) (use"
                        + " \(ExperimentName.rule))",
                    example: ""
                )
            }
            return .string(text)
        case .integer(let minimum, let maximum):
            // A whole number however it is written (`1000`, `1e3`, `2.0`), in a file, a variable or a flag alike.
            let number: Int? = value.intValue ?? trimmed.flatMap { Int($0) ?? Double($0).flatMap { Int(exactly: $0) } }
            guard let number, value.boolValue == nil else {
                throw ValueProblem(text: "must be an integer, not \(ConfigurationLayer.describe(value))", example: "")
            }
            guard number >= minimum, number <= maximum else {
                let range = maximum == .max ? ">= \(minimum)" : "from \(minimum) to \(maximum)"
                throw ValueProblem(text: "must be an integer \(range), not \(number)", example: "")
            }
            return .integer(number)
        case .seconds(let minimum, let maximum):
            let number: Double? = value.doubleValue ?? trimmed.flatMap { Double($0) }
            guard let number, number.isFinite, value.boolValue == nil else {
                throw ValueProblem(
                    text: "must be a number of seconds, not \(ConfigurationLayer.describe(value))",
                    example: ""
                )
            }
            let written = text.isEmpty ? Self.seconds(number) : text
            guard number > 0 else {
                throw ValueProblem(text: "must be a number of seconds > 0, not \(written)", example: "")
            }
            guard number >= minimum, number <= maximum else {
                throw ValueProblem(
                    text:
                        "must be from \(Self.seconds(minimum)) to \(Self.seconds(maximum)) seconds\(Self.days(maximum)),"
                        + " not \(written)",
                    example: ""
                )
            }
            return .seconds(number)
        case .boolean:
            if let flag = value.boolValue { return .boolean(flag) }
            guard case .string(let text) = value, let flag = ConfigurationLoader.boolean(text) else {
                throw ValueProblem(
                    text: "must be true or false, not \(ConfigurationLayer.describe(value))",
                    example: ""
                )
            }
            return .boolean(flag)
        case .choice(let words):
            guard let trimmed, words.contains(trimmed), value.boolValue == nil else {
                throw ValueProblem(
                    text: "must be one of \(words.joined(separator: ", ")), not \(ConfigurationLayer.describe(value))",
                    example: ""
                )
            }
            return .string(trimmed)
        case .list:
            switch value {
            case .string(let text):
                return .list(text.split(separator: ":").map(String.init))
            case .array(let items):
                var words: [String] = []
                for item in items {
                    guard let word = item.stringValue, item.boolValue == nil else {
                        throw ValueProblem(
                            text: "must be a list of names, not \(ConfigurationLayer.describe(value))",
                            example: ""
                        )
                    }
                    words.append(word)
                }
                return .list(words)
            case .null:
                return .list([])
            default:
                throw ValueProblem(
                    text: "must be a list of names, not \(ConfigurationLayer.describe(value))",
                    example: ""
                )
            }
        case .algorithm:
            do {
                return .algorithm(try ConfigurationLoader.algorithm(from: value))
            } catch {
                throw ValueProblem(text: error.text, example: error.example)
            }
        }
    }

    /// ` (365 days)` for a whole number of days, else nothing.
    static func days(_ seconds: Double) -> String {
        seconds >= 86400 && seconds.truncatingRemainder(dividingBy: 86400) == 0 ? " (\(Int(seconds / 86400)) days)" : ""
    }

    /// A number of seconds as written in messages: `0.1`, `31536000`.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension ConfigurationLayer {
    /// Sets the setting `key` from a value read in a file, a variable or a flag, checking its type and range.
    ///
    /// - Parameters:
    ///   - key: Oríon's key (`experiment.max_trials`).
    ///   - value: the value; a string is parsed for numeric keys (environment variables are strings).
    ///   - text: the value as written, used for string keys (`name: 1e3` is the name `1e3`).
    ///   - source: where it came from.
    /// - Throws: ``ValueProblem`` when the value has the wrong type or is out of range, with the setting's example.
    mutating func assign(_ key: String, _ value: JSONValue, text: String, source: String) throws(ValueProblem) {
        guard let setting = Setting.named(key) else {
            throw ValueProblem(text: "is not a setting", example: "")
        }
        let parsed: SettingValue
        do {
            parsed = try setting.kind.parse(value, text: text)
        } catch {
            throw ValueProblem(text: error.text, example: error.example.isEmpty ? setting.example : error.example)
        }
        setting.store(parsed, &self)
        sources[key] = source
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
