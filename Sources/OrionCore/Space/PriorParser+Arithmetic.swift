import Foundation

/// Arithmetic on numbers and numpy's constants and functions, as Oríon's `eval` of a prior allows
/// (`loguniform(np.exp(-10), np.exp(10))`, `uniform(0, 2 * np.pi)`, `uniform(1, 2**10, discrete=True)`).
///
/// Only numbers are computed, with Python's rules: `+ - * // % **` keep integers integers (an integer that
/// overflows 64 bits is an error), `/` gives a float, `**` with a negative integer exponent gives a float. The
/// names are numpy's, behind `np.`: ``numpyConstants`` and ``numpyFunctions``. Nothing else is evaluated.
///
/// Grammar (Python's precedence): `value := term (('+' | '-') term)*`, `term := unary (('*' | '/' | '//' | '%')
/// unary)*`, `unary := ('+' | '-')* power`, `power := primary ['**' unary]`.
extension PriorParser {
    /// The constants read as `np.NAME`.
    static let numpyConstants: [String: Double] = ["pi": Double.pi, "e": M_E]

    /// The functions read as `np.NAME(x)` (`np.power(x, y)` takes two).
    static let numpyFunctions: [String: @Sendable (Double) -> Double] = [
        "exp": { exp($0) }, "log": { log($0) }, "log10": { log10($0) }, "log2": { log2($0) },
        "log1p": { log1p($0) }, "expm1": { expm1($0) }, "sqrt": { $0.squareRoot() }, "abs": { abs($0) },
        "floor": { $0.rounded(.down) }, "ceil": { $0.rounded(.up) },
    ]

    /// A value: a literal, a container, or an arithmetic expression of numbers (a signed literal only when
    /// ``PriorParser/arithmetic`` is off).
    mutating func parseValue() throws(SpaceError) -> PythonLiteral {
        var left = try parseTerm()
        while arithmetic && (isPunctuation("+") || isPunctuation("-")) {
            let symbol = isPunctuation("+") ? "+" : "-"
            let column = current.column
            position += 1
            left = try combine(left, symbol, try parseTerm(), at: column)
        }
        return left
    }

    private mutating func parseTerm() throws(SpaceError) -> PythonLiteral {
        var left = try parseUnary()
        while arithmetic, case .arithmetic(let symbol) = current.kind, symbol != "**" {
            let column = current.column
            position += 1
            left = try combine(left, symbol, try parseUnary(), at: column)
        }
        return left
    }

    private mutating func parseUnary() throws(SpaceError) -> PythonLiteral {
        var negate = false
        var sign: PriorToken?
        while isPunctuation("+") || isPunctuation("-") {
            if isPunctuation("-") { negate.toggle() }
            sign = sign ?? current
            position += 1
        }
        let operand = try parsePower()
        guard let sign else { return operand }
        guard operand.number != nil else {
            throw error(operand.column, "expected a number after \(sign.display), found \(operand.display)")
        }
        guard negate else { return PythonLiteral(value: operand.value, column: sign.column) }
        switch operand.value {
        case .int(let value):
            let (negated, overflow) = Int(0).subtractingReportingOverflow(value)
            if overflow { throw error(sign.column, "the integer -(\(value)) is too large") }
            return PythonLiteral(value: .int(negated), column: sign.column)
        case .float(let value):
            return PythonLiteral(value: .float(-value), column: sign.column)
        default:
            return operand
        }
    }

    private mutating func parsePower() throws(SpaceError) -> PythonLiteral {
        let base = try parsePrimary()
        guard arithmetic, case .arithmetic("**") = current.kind else { return base }
        let column = current.column
        position += 1
        try enterLevel(at: column, "'**' is chained more than \(PriorExpression.maxNestingDepth) times")
        defer { depth -= 1 }
        return try combine(base, "**", try parseUnary(), at: column)
    }

    /// Goes one level deeper in the recursion (a `**` or an `np.` call), refusing to go beyond
    /// ``PriorExpression/maxNestingDepth`` before the parser's stack can overflow; the caller goes back up.
    private mutating func enterLevel(at column: Int, _ message: String) throws(SpaceError) {
        guard depth < PriorExpression.maxNestingDepth else { throw error(column, message) }
        depth += 1
    }

    /// `np.NAME` or `np.NAME(arguments)`, the current token being the `.` after `np` (`name` is the `np` token).
    mutating func parseNumpy(_ name: PriorToken) throws(SpaceError) -> PythonLiteral {
        position += 1  // the `.`
        guard case .identifier(let member) = current.kind else {
            throw error(current.column, "expected a name after 'np.', e.g. np.pi or np.exp(1)")
        }
        let memberColumn = current.column
        position += 1
        if let constant = Self.numpyConstants[member], !isPunctuation("(") {
            return PythonLiteral(value: .float(constant), column: name.column)
        }
        let function = Self.numpyFunctions[member]
        guard function != nil || member == "power", isPunctuation("(") else {
            let names =
                Self.numpyConstants.keys.sorted().map { "np.\($0)" }
                + (Self.numpyFunctions.keys.sorted() + ["power"]).map { "np.\($0)(...)" }
            throw error(
                memberColumn,
                "'np.\(member)' is not available in a prior; use one of " + names.joined(separator: ", ")
            )
        }
        let open = current.column
        position += 1
        try enterLevel(at: open, "calls are nested more than \(PriorExpression.maxNestingDepth) levels deep")
        defer { depth -= 1 }
        let (arguments, _) = try parseSequence(close: ")", openColumn: open, what: "the arguments of 'np.\(member)'")
        let expected = member == "power" ? 2 : 1
        guard arguments.count == expected else {
            throw error(
                open,
                "'np.\(member)' takes \(expected == 1 ? "one argument" : "two arguments"), got \(arguments.count)"
            )
        }
        var numbers: [Double] = []
        for argument in arguments {
            guard let number = argument.number else {
                throw error(argument.column, "the argument of 'np.\(member)' must be a number, got \(argument.display)")
            }
            numbers.append(number)
        }
        // numpy 2 keeps integers integers in `abs`, `floor`, `ceil`, and `power` with a non-negative exponent.
        if ["abs", "floor", "ceil"].contains(member), case .int(let value) = arguments[0].value, value != .min {
            return PythonLiteral(value: .int(member == "abs" ? Swift.abs(value) : value), column: name.column)
        }
        if member == "power", case .int(let base) = arguments[0].value, case .int(let exponent) = arguments[1].value,
            exponent >= 0, let value = try integerResult(base, "**", exponent, at: open)
        {
            return PythonLiteral(value: .int(value), column: name.column)
        }
        let result = function.map { $0(numbers[0]) } ?? pow(numbers[0], numbers[1])
        return try finite(result, at: name.column, "np.\(member)(...)")
    }

    /// A float result, refused when it is not finite (priors take finite numbers).
    private func finite(_ value: Double, at column: Int, _ what: String) throws(SpaceError) -> PythonLiteral {
        guard value.isFinite else {
            throw error(
                column,
                "\(what) is \(PythonFloat.repr(value)); a prior takes finite numbers"
            )
        }
        return PythonLiteral(value: .float(value), column: column)
    }

    /// `left symbol right` with Python's rules for ints and floats.
    private func combine(
        _ left: PythonLiteral,
        _ symbol: String,
        _ right: PythonLiteral,
        at column: Int
    ) throws(SpaceError) -> PythonLiteral {
        for operand in [left, right] where operand.number == nil {
            throw error(
                operand.column,
                "'\(symbol)' works on numbers only here, got \(operand.display)"
            )
        }
        let start = left.column
        if case .int(let a) = left.value, case .int(let b) = right.value {
            if let integer = try integerResult(a, symbol, b, at: column) {
                return PythonLiteral(value: .int(integer), column: start)
            }
        }
        let (a, b) = (left.number ?? 0, right.number ?? 0)
        let result: Double
        switch symbol {
        case "+": result = a + b
        case "-": result = a - b
        case "*": result = a * b
        case "/", "//", "%":
            guard b != 0 else { throw error(column, "division by zero") }
            // CPython's float divmod: the remainder from fmod, the quotient from it (`1 // 0.1` is 9.0, not 10.0).
            var remainder = fmod(a, b)
            var quotient = (a - remainder) / b
            if remainder != 0 && (remainder < 0) != (b < 0) {
                remainder += b
                quotient -= 1
            }
            var floored = quotient.rounded(.down)
            if quotient - floored > 0.5 { floored += 1 }
            switch symbol {
            case "/": result = a / b
            case "//": result = floored
            default: result = remainder
            }
        default:
            if a < 0 && b != b.rounded() {
                throw error(column, "a negative number to a fractional power is not a real number")
            }
            if a == 0 && b < 0 { throw error(column, "0 to a negative power is a division by zero") }
            result = pow(a, b)
        }
        return try finite(result, at: start, "the result of '\(symbol)'")
    }

    /// The integer result of `a symbol b`, or `nil` when Python's result is a float (`/`, `**` with a negative
    /// exponent).
    private func integerResult(_ a: Int, _ symbol: String, _ b: Int, at column: Int) throws(SpaceError) -> Int? {
        let (value, overflow): (Int, Bool)
        switch symbol {
        case "+": (value, overflow) = a.addingReportingOverflow(b)
        case "-": (value, overflow) = a.subtractingReportingOverflow(b)
        case "*": (value, overflow) = a.multipliedReportingOverflow(by: b)
        case "//", "%":
            guard b != 0 else { throw error(column, "division by zero") }
            guard !(a == .min && b == -1) else { throw error(column, "the integer result of '\(symbol)' is too large") }
            // Python floors the quotient; the remainder takes the divisor's sign.
            var quotient = a / b
            var remainder = a % b
            if remainder != 0 && (remainder < 0) != (b < 0) {
                quotient -= 1
                remainder += b
            }
            return symbol == "//" ? quotient : remainder
        case "**":
            guard b >= 0 else { return nil }
            // By squaring: a squared base that overflows is always multiplied into the result later, unless the
            // exponent is used up (it then is not squared).
            var (result, base, exponent, failed) = (1, a, b, false)
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let (product, over) = result.multipliedReportingOverflow(by: base)
                    (result, failed) = (product, failed || over)
                }
                exponent >>= 1
                if exponent > 0 {
                    let (square, over) = base.multipliedReportingOverflow(by: base)
                    (base, failed) = (square, failed || over)
                }
            }
            (value, overflow) = (result, failed)
        default:
            return nil
        }
        if overflow { throw error(column, "the integer result of '\(symbol)' is beyond 64 bits") }
        return value
    }
}
