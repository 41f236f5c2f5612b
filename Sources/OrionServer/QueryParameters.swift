import Foundation
import Hummingbird
import OrionCore

/// A request's query parameters, checked the way Oríon checks them: an unknown name or a malformed value is a 400
/// `Invalid parameter` that says what was expected.
struct QueryParameters {
    /// The parameters, decoded, last value winning.
    let values: [String: String]
    /// Every value of each parameter, for the lists (`status=new&status=completed`).
    let lists: [String: [String]]

    /// Reads the query of `request` and refuses names outside `supported`, or drops them with `ignoringOthers`.
    ///
    /// - Parameters:
    ///   - request: the request.
    ///   - supported: the accepted names.
    ///   - ignoringOthers: whether other names are dropped rather than refused (Oríon's routes that read no
    ///     query, such as `/plots/...`, ignore whatever they are given).
    /// - Throws: ``APIError`` `Invalid parameter` naming the first unknown parameter.
    init(_ request: Request, supported: [String], ignoringOthers: Bool = false) throws {
        var values: [String: String] = [:]
        var lists: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters {
            // Hummingbird decodes the values, not the names: `?st%61tus=completed` is `status`, as falcon reads it.
            let name = String(key).removingPercentEncoding ?? String(key)
            // `?&version=1`: an empty pair is no parameter (falcon skips it); `?=1` is a parameter named "" (falcon
            // refuses it, probe p44b).
            if name.isEmpty, value.isEmpty { continue }
            if ignoringOthers, !supported.contains(name) { continue }
            guard supported.contains(name) else {
                let expected =
                    supported.count == 1
                    ? "parameter \"\(supported[0])\"."
                    : "one of [" + supported.sorted().map { "'\($0)'" }.joined(separator: ", ") + "]."
                throw APIError.invalidParameter("Parameter \"\(name)\" is not supported. Expected \(expected)")
            }
            values[name] = String(value)
            lists[name, default: []].append(String(value))
        }
        self.values = values
        self.lists = lists
    }

    /// Whether any of `names` was given.
    func containsAny(_ names: [String]) -> Bool { names.contains { values[$0] != nil } }

    /// An integer parameter, at least `minimum`.
    ///
    /// - Throws: ``APIError`` when it is not an integer (Oríon's message, falcon's) or is too small (Oríon answers a
    ///   negative `version` with a 500).
    ///   Digits beyond `Int`'s range read as its bound, as Python's unbounded `int` would compare: a version that
    ///   large does not exist (404, as Oríon answers).
    func integer(_ name: String, minimum: Int = 0) throws -> Int? {
        // Python's `int` takes spaces around the digits (`?version=%201`), as falcon reads it.
        guard let text = values[name]?.trimmingCharacters(in: .whitespaces) else { return nil }
        guard let value = Int(text) ?? Self.saturated(text) else {
            throw APIError.invalidParameter("The \"\(name)\" parameter is invalid. The value must be an integer.")
        }
        guard value >= minimum else {
            throw APIError.invalidParameter(
                "The \"\(name)\" parameter is invalid. The value must be an integer of at least \(minimum)."
            )
        }
        return value
    }

    /// `Int.max` or `Int.min` for an integer written with more digits than `Int` holds, else `nil`.
    private static func saturated(_ text: String) -> Int? {
        let negative = text.hasPrefix("-")
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return negative ? Int.min : Int.max
    }

    /// A boolean parameter, written as falcon's `get_param_as_bool` reads it: `true`, `True`, `t`, `yes`, `y`, `1`,
    /// `on`, or `false`, `False`, `f`, `no`, `n`, `0`, `off` (no other case: `TRUE` is refused, as by Oríon); given
    /// blank (`?ancestors`), true, as Oríon reads it (falcon's `blank_as_true`).
    ///
    /// - Throws: ``APIError`` for any other text.
    func boolean(_ name: String) throws -> Bool? {
        guard let text = values[name] else { return nil }
        switch text {
        case "": return true
        case "true", "True", "t", "yes", "y", "1", "on": return true
        case "false", "False", "f", "no", "n", "0", "off": return false
        default:
            throw APIError.invalidParameter(
                "The \"\(name)\" parameter is invalid. The value of the parameter must be \"true\" or \"false\"."
            )
        }
    }

    /// Trial statuses: every value of `name`, each possibly a comma-separated list; blank (`?status=`), no filter,
    /// as Oríon reads it (every trial, not none).
    ///
    /// - Throws: ``APIError`` for a name that is not a status, listing the valid ones as Oríon does.
    func statuses(_ name: String = "status") throws -> [TrialStatus]? {
        let texts = (lists[name] ?? []).flatMap { $0.split(separator: ",") }
        guard !texts.isEmpty else { return nil }
        return try texts.map { text in
            guard let status = TrialStatus(rawValue: String(text)) else {
                let valid = TrialStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                throw APIError.invalidParameter(
                    "The \"\(name)\" parameter is invalid. The value of the parameter must be one of [\(valid)]"
                )
            }
            return status
        }
    }
}

extension RequestContext {
    /// A path parameter, percent-decoded (experiment names may hold spaces and `+ = @`).
    ///
    /// - Throws: ``APIError`` 404 when the route has no such parameter.
    func pathParameter(_ name: String) throws -> String {
        guard let raw = parameters.get(name) else { throw APIError.bare(.notFound) }
        return raw.removingPercentEncoding ?? raw
    }
}
