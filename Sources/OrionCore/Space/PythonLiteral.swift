/// A Python literal read from a prior expression, with the 1-based column where it starts.
struct PythonLiteral: Sendable {
    /// The literal's value.
    enum Value: Sendable {
        case int(Int)
        case float(Double)
        case string(String)
        case bool(Bool)
        case none
        case list([PythonLiteral])
        case tuple([PythonLiteral])
        case dict([(key: PythonLiteral, value: PythonLiteral)])
    }

    var value: Value
    var column: Int

    /// The numeric value of an int or float literal (not of a bool).
    var number: Double? {
        switch value {
        case .int(let value): Double(value)
        case .float(let value): value
        default: nil
        }
    }

    /// Whether the literal is a float (`1.0`, `1e3`) rather than an int.
    var isFloat: Bool {
        if case .float = value { return true }
        return false
    }

    /// Whether the literal is a float, or an int that a `Double` cannot hold exactly (beyond 2^53, such as
    /// `9007199254740993`): both are kept as rounded doubles, so both print in float form.
    var isInexactOrFloat: Bool {
        switch value {
        case .float: true
        case .int(let value): Double(exactly: value) == nil
        default: false
        }
    }

    /// The literal as a scalar ``JSONValue``, or `nil` for lists, tuples and dicts.
    var scalar: JSONValue? {
        switch value {
        case .int(let value): .int(value)
        case .float(let value): .double(value)
        case .string(let value): .string(value)
        case .bool(let value): .bool(value)
        case .none: .null
        case .list, .tuple, .dict: nil
        }
    }

    /// The literal as a ``JSONValue`` (lists and tuples become arrays), or `nil` for a dict.
    var json: JSONValue? {
        switch value {
        case .list(let items), .tuple(let items):
            var values: [JSONValue] = []
            for item in items {
                guard let value = item.json else { return nil }
                values.append(value)
            }
            return .array(values)
        case .dict:
            return nil
        default:
            return scalar
        }
    }

    /// How the literal reads in a message: Python's `repr` for scalars, a word for containers.
    var display: String {
        switch value {
        case .list: "a list"
        case .tuple: "a tuple"
        case .dict: "a dict"
        default: scalar?.pythonRepr ?? "a value"
        }
    }
}

/// A token of a prior expression.
struct PriorToken: Sendable {
    enum Kind: Equatable, Sendable {
        case identifier(String)
        case int(Int)
        case float(Double)
        case string(String)
        case punctuation(Character)
        /// An arithmetic operator other than `+` and `-` (which are punctuation, being also signs): `*`, `**`, `/`,
        /// `//` or `%`.
        case arithmetic(String)
        case end
    }

    var kind: Kind
    /// The 1-based column of the token's first character (one past the text for `end`).
    var column: Int

    /// How the token reads in a message.
    var display: String {
        switch kind {
        case .identifier(let name): "'\(name)'"
        case .int(let value): "'\(value)'"
        case .float(let value): "'\(PythonFloat.repr(value))'"
        case .string(let value): PythonFloat.quote(value)
        case .punctuation(let character): "'\(character)'"
        case .arithmetic(let symbol): "'\(symbol)'"
        case .end: "the end of the expression"
        }
    }
}
