/// A parsed prior call, `name(positional..., keyword=value...)`, before its arguments are checked.
struct PriorCall: Sendable {
    /// A `keyword=value` argument.
    struct Keyword: Sendable {
        var name: String
        var column: Int
        var value: PythonLiteral
    }

    var name: String
    var nameColumn: Int
    var positional: [PythonLiteral]
    var keywords: [Keyword]
    /// The column of the closing `)`.
    var closeColumn: Int
}

/// A recursive-descent parser of prior expressions over ``PriorLexer`` tokens; it evaluates arithmetic on numbers
/// and numpy's constants and functions (PriorParser+Arithmetic.swift), nothing else.
///
/// Grammar: `call := NAME '(' [argument (',' argument)* [',']] ')' END`, `argument := [NAME '='] value`, `value`
/// an arithmetic expression whose primaries are `NUMBER | STRING | True | False | None | np.NAME | np.NAME(...) |
/// list | tuple | dict`.
struct PriorParser {
    private let tokens: [PriorToken]
    private let dimension: String
    var position = 0
    /// How many lists, tuples and dicts enclose the value being parsed.
    var depth = 0
    /// Whether values may be arithmetic expressions (prior arguments); off for a value given alone by a user
    /// (``parseLiteral()``), where `0-1` is text, not -1.
    var arithmetic = true

    init(text: String, dimension: String) throws(SpaceError) {
        var lexer = PriorLexer(text: text, dimension: dimension)
        self.tokens = try lexer.tokens()
        self.dimension = dimension
    }

    var current: PriorToken { tokens[min(position, tokens.count - 1)] }

    func peekKind(_ offset: Int) -> PriorToken.Kind {
        tokens[min(position + offset, tokens.count - 1)].kind
    }

    func error(_ column: Int, _ detail: String) -> SpaceError {
        SpaceError(.syntax, dimension: dimension, column: column, detail)
    }

    func isPunctuation(_ character: Character) -> Bool { current.kind == .punctuation(character) }

    /// Parses a text that holds one literal (`1.5`, `-3`, `'a'`, `[1, 2]`), as a value given by a user.
    mutating func parseLiteral() throws(SpaceError) -> PythonLiteral {
        arithmetic = false
        let value = try parseValue()
        if current.kind != .end {
            throw error(current.column, "unexpected \(current.display) after the value; give a single value")
        }
        return value
    }

    /// Parses the whole expression.
    mutating func parseCall() throws(SpaceError) -> PriorCall {
        guard case .identifier(let name) = current.kind else {
            if current.kind == .end { throw error(1, "empty prior; write one such as uniform(0, 1)") }
            // Quotes that reached orion (a command line from a YAML file or a Makefile, quoted twice): the message
            // showed `found 'uniform(0,1)'`, which reads as a valid prior refused.
            if case .string(let text) = current.kind, text.contains("(") {
                throw error(
                    current.column,
                    "the prior is inside quotes that reached orion: \(current.display); remove them (write"
                        + " --x~'uniform(0, 1)' in a shell, where the quotes are the shell's)"
                )
            }
            throw error(current.column, "expected a prior name, e.g. uniform(0, 1), found \(current.display)")
        }
        let nameColumn = current.column
        position += 1
        guard isPunctuation("(") else {
            throw error(current.column, "expected '(' after the prior name '\(name)', e.g. \(name)(...)")
        }
        let openColumn = current.column
        position += 1
        var call = PriorCall(name: name, nameColumn: nameColumn, positional: [], keywords: [], closeColumn: 0)
        while !isPunctuation(")") {
            if current.kind == .end {
                throw closingError(
                    found: current,
                    open: "(",
                    close: ")",
                    openColumn: openColumn,
                    what: "the arguments of '\(name)'"
                )
            }
            try parseArgument(into: &call)
            if isPunctuation(",") {
                position += 1
            } else if !isPunctuation(")") {
                throw closingError(
                    found: current,
                    open: "(",
                    close: ")",
                    openColumn: openColumn,
                    what: "the arguments of '\(name)'"
                )
            }
        }
        call.closeColumn = current.column
        position += 1
        if current.kind != .end {
            throw error(
                current.column,
                "unexpected \(current.display) after the closing ')' of '\(name)'; remove it"
            )
        }
        return call
    }

    private func closingError(
        found: PriorToken,
        open: Character,
        close: Character,
        openColumn: Int,
        what: String
    ) -> SpaceError {
        if found.kind == .end {
            return error(
                found.column,
                "expected '\(close)' after \(what); the '\(open)' at column \(openColumn) is never closed"
            )
        }
        return error(found.column, "expected ',' or '\(close)' in \(what), found \(found.display)")
    }

    private mutating func parseArgument(into call: inout PriorCall) throws(SpaceError) {
        if case .identifier(let keyword) = current.kind, peekKind(1) == .punctuation("=") {
            let column = current.column
            position += 2
            if call.keywords.contains(where: { $0.name == keyword }) {
                throw error(column, "the option '\(keyword)' is given twice; keep one")
            }
            call.keywords.append(.init(name: keyword, column: column, value: try parseValue()))
            return
        }
        let column = current.column
        let value = try parseValue()
        if !call.keywords.isEmpty {
            throw error(column, "positional argument after keyword arguments; put it before the options")
        }
        call.positional.append(value)
    }

    /// One value that is not an arithmetic expression: a literal, a container, or a name of numpy's (`np.pi`,
    /// `np.exp(1)`: ``parseNumpy(_:)``).
    mutating func parsePrimary() throws(SpaceError) -> PythonLiteral {
        let token = current
        position += 1
        let opensContainer = [.punctuation("["), .punctuation("("), .punctuation("{")].contains(token.kind)
        if opensContainer {
            guard depth < PriorExpression.maxNestingDepth else {
                throw error(
                    token.column,
                    "lists, tuples and dicts are nested more than \(PriorExpression.maxNestingDepth) levels deep;"
                        + " a prior needs only a few levels"
                )
            }
            depth += 1
        }
        defer { if opensContainer { depth -= 1 } }
        switch token.kind {
        case .int(let value): return PythonLiteral(value: .int(value), column: token.column)
        case .float(let value): return PythonLiteral(value: .float(value), column: token.column)
        case .string(let value): return PythonLiteral(value: .string(value), column: token.column)
        case .identifier("True"): return PythonLiteral(value: .bool(true), column: token.column)
        case .identifier("False"): return PythonLiteral(value: .bool(false), column: token.column)
        case .identifier("None"): return PythonLiteral(value: .none, column: token.column)
        case .identifier("np") where arithmetic && current.kind == .punctuation("."):
            return try parseNumpy(token)
        case .identifier(let name):
            throw error(
                token.column,
                "unexpected name '\(name)'; quote strings ('\(name)'), and use only literals (numbers, strings, True,"
                    + " False, None, lists, tuples and dicts), arithmetic and numpy's np.pi, np.e, np.exp(...), ..."
            )
        case .punctuation("["):
            let items = try parseItems(close: "]", openColumn: token.column, what: "the list")
            return PythonLiteral(value: .list(items), column: token.column)
        case .punctuation("("):
            let (items, trailingComma) = try parseSequence(close: ")", openColumn: token.column, what: "the tuple")
            if items.count == 1 && !trailingComma { return items[0] }
            return PythonLiteral(value: .tuple(items), column: token.column)
        case .punctuation("{"):
            return try parseDict(openColumn: token.column)
        default:
            throw error(
                token.column,
                "expected a value (a number, a string, True, False, None, a list, a tuple "
                    + "or a dict), found \(token.display)"
            )
        }
    }

    private mutating func parseItems(
        close: Character,
        openColumn: Int,
        what: String
    ) throws(SpaceError) -> [PythonLiteral] {
        try parseSequence(close: close, openColumn: openColumn, what: what).items
    }

    mutating func parseSequence(
        close: Character,
        openColumn: Int,
        what: String
    ) throws(SpaceError) -> (items: [PythonLiteral], trailingComma: Bool) {
        var items: [PythonLiteral] = []
        var trailingComma = false
        while !isPunctuation(close) {
            if current.kind == .end {
                throw closingError(
                    found: current,
                    open: close == "]" ? "[" : "(",
                    close: close,
                    openColumn: openColumn,
                    what: what
                )
            }
            items.append(try parseValue())
            trailingComma = false
            if isPunctuation(",") {
                position += 1
                trailingComma = true
            } else if !isPunctuation(close) {
                throw closingError(
                    found: current,
                    open: close == "]" ? "[" : "(",
                    close: close,
                    openColumn: openColumn,
                    what: what
                )
            }
        }
        position += 1
        return (items, trailingComma)
    }

    private mutating func parseDict(openColumn: Int) throws(SpaceError) -> PythonLiteral {
        var pairs: [(key: PythonLiteral, value: PythonLiteral)] = []
        while !isPunctuation("}") {
            if current.kind == .end {
                throw closingError(found: current, open: "{", close: "}", openColumn: openColumn, what: "the dict")
            }
            let key = try parseValue()
            guard isPunctuation(":") else {
                throw error(current.column, "expected ':' after a key of the dict, found \(current.display)")
            }
            position += 1
            pairs.append((key, try parseValue()))
            if isPunctuation(",") {
                position += 1
            } else if !isPunctuation("}") {
                throw closingError(found: current, open: "{", close: "}", openColumn: openColumn, what: "the dict")
            }
        }
        position += 1
        return PythonLiteral(value: .dict(pairs), column: openColumn)
    }
}
