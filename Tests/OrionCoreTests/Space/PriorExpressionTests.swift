import XCTest

@testable import OrionCore

final class PriorExpressionTests: XCTestCase {
    private func canonical(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            return try PriorExpression.parse(text, name: "/x").priorString
        } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return nil
        }
    }

    private func assertError(
        _ text: String,
        _ code: SpaceError.Code,
        column: Int?,
        containing fragment: String? = nil,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        do {
            let dimension = try PriorExpression.parse(text, name: "/lr")
            XCTFail("\(text) parsed as \(dimension.priorString)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.code, code, "\(text): \(error)", file: file, line: line)
            XCTAssertEqual(error.column, column, "\(text): \(error)", file: file, line: line)
            XCTAssertEqual(error.dimension, "/lr", file: file, line: line)
            XCTAssertFalse(error.message.contains("\n"), file: file, line: line)
            XCTAssertTrue(error.message.hasPrefix("dimension '/lr'"), error.message, file: file, line: line)
            if let fragment {
                XCTAssertTrue(error.message.contains(fragment), "\(error.message)", file: file, line: line)
            }
        }
    }

    func testCanonicalStringsOfOrion() {
        let cases: [(String, String)] = [
            ("uniform(-5, 5)", "uniform(-5, 5)"),
            ("loguniform(0.001, 1)", "loguniform(0.001, 1)"),
            ("uniform(1, 10, discrete=True)", "uniform(1, 10, discrete=True)"),
            ("uniform(-5, 5, default_value=0, discrete=True)", "uniform(-5, 5, default_value=0, discrete=True)"),
            ("choices(['a', 'b', 3])", "choices(['a', 'b', 3])"),
            ("choices({'a': 0.2, 'b': 0.8})", "choices({'a': 0.2, 'b': 0.8})"),
            ("fidelity(1, 81, base=3)", "fidelity(1, 81, base=3)"),
            ("uniform(0, 1, precision=2)", "uniform(0, 1, precision=2)"),
            ("normal(0, 1)", "normal(0, 1)"),
            ("randint(1, 6)", "randint(1, 6)"),
            // Oríon stores low + (high - low): a float lower bound makes the upper one a float (found side by side:
            // an imported experiment could not be resumed).
            ("uniform(0.5, 1000)", "uniform(0.5, 1000.0)"),
            ("uniform(1e-5, 1)", "uniform(1e-05, 1.0)"),
            ("uniform(-0.5, 3, discrete=True)", "uniform(-0.5, 3.0, discrete=True)"),
            ("uniform(0, 1.5)", "uniform(0, 1.5)"),
            // The form of Oríon's documentation: low and high are its fidelity's own parameters.
            ("fidelity(low=1, high=81, base=3)", "fidelity(1, 81, base=3)"),
            ("fidelity(1, high=27)", "fidelity(1, 27)"),
            ("fidelity(high=27, low=3, base=3)", "fidelity(3, 27, base=3)"),
            // Options Oríon reads as unset, and a whole float default of an integer dimension.
            ("uniform(0, 1, default_value=None)", "uniform(0, 1)"),
            ("uniform(0, 1, shape=None)", "uniform(0, 1)"),
            ("uniform(0, 10, discrete=True, default_value=3.0)", "uniform(0, 10, default_value=3, discrete=True)"),
            ("choices([None, 'a'], default_value=None)", "choices([None, 'a'], default_value=None)"),
        ]
        for (text, expected) in cases { XCTAssertEqual(canonical(text), expected, text) }
        assertError(
            "fidelity(1, low=2, high=5)",
            .invalidArguments,
            column: 13,
            containing: "lower bound of 'fidelity' is given twice"
        )
        // scipy's names for normal's mean and standard deviation, which Oríon passes to scipy's `norm`.
        XCTAssertEqual(canonical("normal(loc=0, scale=1)"), "normal(0, 1)")
        XCTAssertEqual(canonical("normal(0, scale=2.5)"), "normal(0, 2.5)")
    }

    func testLiteralsAliasesAndWhitespace() {
        let cases: [(String, String)] = [
            ("  uniform\t( 0 ,\n1 )  ", "uniform(0, 1)"),
            ("uniform(0, 1.0)", "uniform(0, 1.0)"),
            ("uniform(0.0, 1)", "uniform(0.0, 1.0)"),
            ("uniform(.5, 2.)", "uniform(0.5, 2.0)"),
            ("uniform(1e-3, 1E3)", "uniform(0.001, 1000.0)"),
            ("uniform(1_000, 2_000)", "uniform(1000, 2000)"),
            ("loguniform(1e-5, 1)", "loguniform(1e-05, 1)"),
            ("reciprocal(0.001, 1)", "loguniform(0.001, 1)"),
            ("gaussian(-3, +2)", "normal(-3, 2)"),
            ("norm(0.5, 0.1)", "normal(0.5, 0.1)"),
            ("normal(0, 1, discrete=True)", "normal(0, 1, discrete=True)"),
            ("loguniform(1, 1000, discrete=True)", "loguniform(1, 1000, discrete=True)"),
            ("uniform(0, 1, discrete=False)", "uniform(0, 1)"),
            ("uniform(0, 1, precision=4)", "uniform(0, 1)"),
            ("uniform(0, 1, precision=None)", "uniform(0, 1, precision=None)"),
            ("uniform(0, 1, default_value=0.5, precision=2)", "uniform(0, 1, default_value=0.5, precision=2)"),
            ("uniform(0, 1, shape=3)", "uniform(0, 1, shape=3)"),
            ("uniform(0, 1, shape=(3,))", "uniform(0, 1, shape=3)"),
            ("uniform(0, 1, shape=(2,3))", "uniform(0, 1, shape=(2, 3))"),
            ("uniform(0, 1, shape=[2, 3])", "uniform(0, 1, shape=(2, 3))"),
            ("randint(1, 6, discrete=True)", "randint(1, 6)"),
            ("randint(-3, 3, default_value=-3)", "randint(-3, 3, default_value=-3)"),
            ("choices('a', \"b\", 3)", "choices(['a', 'b', 3])"),
            ("choices([1, 2, 3],)", "choices([1, 2, 3])"),
            ("choices([True, False, None, 1.5])", "choices([True, False, None, 1.5])"),
            (
                "choices(['it\\'s', \"a\\nb\", 'tab\\t', '\\x41\\u00e9'])",
                "choices([\"it's\", 'a\\nb', 'tab\\t', 'Aé'])"
            ),
            ("choices({'a': 0.5, 'b': 0.5})", "choices(['a', 'b'])"),
            ("choices({1: 0.1, 'x': 0.9}, default_value='x')", "choices({1: 0.1, 'x': 0.9}, default_value='x')"),
            (
                "choices(['x', 'y'], shape=2, default_value=['x', 'y'])",
                "choices(['x', 'y'], shape=2, default_value=['x', 'y'])"
            ),
            ("fidelity(1, 81, 3)", "fidelity(1, 81, base=3)"),
            ("fidelity(1, 81, base=2)", "fidelity(1, 81)"),
            ("fidelity(1.0, 100.0)", "fidelity(1, 100)"),
            ("fidelity(1, 10, base=1)", "fidelity(1, 10, base=1)"),
            ("fidelity(0.25, 1)", "fidelity(0.25, 1)"),
        ]
        for (text, expected) in cases { XCTAssertEqual(canonical(text), expected, text) }
    }

    func testParsedDimensions() throws {
        let lr = try PriorExpression.parse("loguniform(1e-5, 1)", name: "/lr")
        XCTAssertEqual(lr, SpaceDimension(name: "/lr", prior: .logUniform(low: 1e-5, high: 1), kind: .real))
        XCTAssertTrue(lr.isLogScale)
        XCTAssertEqual(lr.precision, 4)

        let layers = try PriorExpression.parse("uniform(1, 4, discrete=True, shape=(2, 3))", name: "/l")
        XCTAssertEqual(layers.kind, .integer)
        XCTAssertEqual(layers.shape, [2, 3])
        XCTAssertNil(layers.precision)

        let dice = try PriorExpression.parse("randint(1, 7)", name: "/d")
        XCTAssertEqual(dice.prior, .randint(low: 1, high: 7))
        XCTAssertEqual(dice.kind, .integer)

        let act = try PriorExpression.parse("choices({'relu': 0.75, 'tanh': 0.25})", name: "/act")
        XCTAssertEqual(act.prior, .choices(values: ["relu", "tanh"], probabilities: [0.75, 0.25]))
        XCTAssertEqual(act.kind, .categorical)

        let epochs = try PriorExpression.parse("fidelity(1, 81, base=3)", name: "/epochs")
        XCTAssertEqual(epochs.prior, .fidelity(low: 1, high: 81, base: 3))
        XCTAssertEqual(epochs.defaultValue, .int(81))

        let noRounding = try PriorExpression.parse("normal(0, 1, precision=None)", name: "/n")
        XCTAssertNil(noRounding.precision)
        XCTAssertEqual(noRounding.kind, .real)
    }

    func testCanonicalStringsRoundTrip() throws {
        let texts = [
            "uniform(-5, 5)", "uniform(0, 1.0)", "uniform(0.0, 1)", "uniform(0.1, 0.3, precision=None)",
            "loguniform(1e-5, 1)", "loguniform(1, 1024, discrete=True, default_value=8)", "normal(0, 1, precision=7)",
            "gaussian(1e3, 2.0, discrete=True)", "randint(0, 10, shape=4)", "choices(['a', 'b', 3, 2.5, None])",
            "choices({'a': 0.1, 'b': 0.2, 'c': 0.7}, default_value='c')", "choices('x', 'y', shape=(2, 2))",
            "fidelity(1, 81, base=3)", "fidelity(0.5, 1.5, base=1.5)",
            "uniform(0, 10, default_value=2.5, shape=2)"
                .replacingOccurrences(of: "default_value=2.5, shape=2", with: "shape=2, default_value=[2.5, 1]"),
            "uniform(-1e-7, 1e+20)", "choices(['\\\\', '\"', \"'\"])",
        ]
        for text in texts {
            let first = try PriorExpression.parse(text, name: "/x")
            let second = try PriorExpression.parse(first.priorString, name: "/x")
            XCTAssertEqual(first, second, "\(text) → \(first.priorString)")
            XCTAssertEqual(first.priorString, second.priorString)
        }
    }

    func testSyntaxErrors() {
        assertError("", .syntax, column: 1, containing: "empty prior")
        assertError("   ", .syntax, column: 1)
        assertError("uniform", .syntax, column: 8, containing: "expected '('")
        assertError("uniform 0, 1", .syntax, column: 9, containing: "expected '(' after the prior name 'uniform'")
        assertError("uniform(0, 1", .syntax, column: 13, containing: "expected ')' after the arguments of 'uniform'")
        assertError("uniform(0, 1))", .syntax, column: 14, containing: "remove it")
        assertError("uniform(0, 1) x", .syntax, column: 15, containing: "unexpected 'x'")
        assertError("uniform(0 1)", .syntax, column: 11, containing: "expected ',' or ')'")
        assertError("uniform(0, 1);", .syntax, column: 14, containing: "';'")
        assertError("uniform(0, x)", .syntax, column: 12, containing: "unexpected name 'x'")
        assertError("uniform(0, 'abc)", .syntax, column: 12, containing: "unterminated string")
        assertError("uniform(0, 1e400)", .syntax, column: 12, containing: "too large")
        assertError("uniform(0, 1e)", .syntax, column: 13, containing: "exponent")
        assertError("uniform(0, [1, 2)", .syntax, column: 17, containing: "expected ',' or ']'")
        assertError("choices([1, 2", .syntax, column: 14, containing: "never closed")
        assertError("choices({'a' 0.5})", .syntax, column: 14, containing: "expected ':'")
        assertError("uniform(0, precision=2, 1)", .syntax, column: 25, containing: "positional argument")
        assertError("uniform(0, 1, precision=2, precision=3)", .syntax, column: 28, containing: "twice")
        assertError("uniform(0, -'a')", .syntax, column: 13, containing: "expected a number after '-'")
        assertError("uniform(0, 1.2.3)", .syntax, column: 15)
        assertError("(0, 1)", .syntax, column: 1, containing: "expected a prior name")
        // Quotes that reached orion (hBH's probe: the message showed a valid prior refused).
        assertError(
            "'uniform(0,1)'",
            .syntax,
            column: 1,
            containing: "inside quotes that reached orion: 'uniform(0,1)'"
        )
        assertError("\"loguniform(1e-5, 1)\"", .syntax, column: 1, containing: "inside quotes")
        assertError("'abc'", .syntax, column: 1, containing: "expected a prior name, e.g. uniform(0, 1), found 'abc'")
        assertError("uniform(0, 1, __import__('os'))", .syntax, column: 15, containing: "unexpected name")
        assertError("uniform(0, 1 @ 2)", .syntax, column: 14, containing: "unexpected character '@'")
    }

    /// Arithmetic and numpy's constants and functions, as Oríon's `eval` reads them (values from Python 3 and
    /// numpy 2).
    func testArithmeticAndNumpyAsInOrion() throws {
        let values: [(String, String)] = [
            ("loguniform(np.exp(-10), np.exp(10))", "loguniform(4.5399929762484854e-05, 22026.465794806718)"),
            ("uniform(0, 2*np.pi)", "uniform(0, 6.283185307179586)"),
            ("uniform(1, 2**10, discrete=True)", "uniform(1, 1024, discrete=True)"),
            ("uniform(-2**2, 2**-1)", "uniform(-4, 0.5)"),
            ("uniform(-7//2, 7//2)", "uniform(-4, 3)"),
            ("uniform(-7%3, 7%-3 + 10)", "uniform(2, 8)"),
            ("uniform(10/4, (1+2)*3)", "uniform(2.5, 9.0)"),  // Oríon prints low + (high - low)
            ("loguniform(1e-5*3, np.power(10., -3))", "loguniform(3.0000000000000004e-05, 0.001)"),
            ("uniform(np.log10(1000) - np.sqrt(2), np.e)", "uniform(1.5857864376269049, 2.718281828459045)"),
            ("uniform(-7.5//2, 7.5%-2 + 3 - -2)", "uniform(-4.0, 4.5)"),
            ("normal(-np.pi, 2*3**2)", "normal(-3.141592653589793, 18)"),
            ("uniform(+-+1, --1)", "uniform(-1, 1)"),
            ("choices([1 + 1, 'a', 3 * 0.5])", "choices([2, 'a', 1.5])"),
            // CPython's float floor division and remainder (1 // 0.1 is 9.0), numpy's integer abs and power.
            ("uniform(1 // 0.1, 9.5 % 0.1 + 10)", "uniform(9.0, 10.1)"),
            ("randint(np.abs(-3), np.power(2, 3))", "randint(3, 8)"),
            ("randint(np.floor(2), np.ceil(8))", "randint(2, 8)"),
        ]
        for (text, canonical) in values {
            XCTAssertEqual(try PriorExpression.parse(text, name: "/x").priorString, canonical, text)
        }
        assertError("uniform(0, 1/0)", .syntax, column: 13, containing: "division by zero")
        assertError("uniform(0, 2**64)", .syntax, column: 13, containing: "beyond 64 bits")
        assertError("uniform(0, np.log(-1))", .syntax, column: 12, containing: "np.log(...) is nan")
        assertError("uniform(0, np.inf)", .syntax, column: 15, containing: "'np.inf' is not available")
        assertError("uniform(0, np.random.rand())", .syntax, column: 15, containing: "np.exp(...)")
        assertError("uniform(0, np.exp(1, 2))", .syntax, column: 18, containing: "takes one argument, got 2")
        assertError("uniform(0, np.exp('a'))", .syntax, column: 19, containing: "must be a number")
        assertError("uniform(0, 'a' * 2)", .syntax, column: 12, containing: "works on numbers only")
        assertError("uniform(0, math.pi)", .syntax, column: 12, containing: "np.pi")
        assertError("uniform(0, (-8) ** 0.5)", .syntax, column: 17, containing: "not a real number")
        assertError(
            "uniform(0, " + String(repeating: "np.abs(", count: 70) + "1" + String(repeating: ")", count: 70) + ")",
            .syntax,
            column: 12 + 7 * 64 + 6,
            containing: "calls are nested more than 64 levels"
        )
        // The scipy hint is for scipy families only.
        assertError("uniform(0, 1, low=0)", .invalidOption, column: 15, containing: "write the bounds as arguments")
        assertError("uniform(loc=0, scale=1)", .invalidOption, column: 9, containing: "only for normal")
        // The 65th '**' of a chain is refused before the parser's recursion goes deeper; a long run of signs is no
        // recursion at all (99,999 minuses make -1).
        assertError(
            "uniform(0, " + String(repeating: "2**", count: 70) + "1)",
            .syntax,
            column: 205,
            containing: "chained"
        )
        assertError("uniform(1, " + String(repeating: "-", count: 99_999) + "1)", .invalidArguments, column: 12)
    }

    func testUnknownPriors() {
        assertError(
            "lalala(2, 3)",
            .unknownPrior,
            column: 1,
            containing: "uniform, loguniform, normal (or gaussian), "
                + "choices, randint, fidelity, and the scipy.stats distributions beta"
        )
        assertError("  zipf(3)", .unknownPrior, column: 3, containing: "unknown prior 'zipf'")
        assertError("Uniform(0, 1)", .unknownPrior, column: 1, containing: "lower case: 'uniform'")
    }

    func testInvalidArguments() {
        assertError("uniform(1, 0)", .invalidArguments, column: 12, containing: "greater than the lower bound")
        assertError("uniform(1, 1)", .invalidArguments, column: 12)
        assertError("uniform(1)", .invalidArguments, column: 10, containing: "scipy")
        assertError("uniform()", .invalidArguments, column: 9, containing: "needs two arguments")
        assertError("uniform(0, 1, 2)", .invalidArguments, column: 15, containing: "too many arguments")
        assertError("uniform(0, 'a')", .invalidArguments, column: 12, containing: "must be a number")
        assertError("uniform(True, 2)", .invalidArguments, column: 9)
        assertError("uniform(0.2, 0.8, discrete=True)", .invalidArguments, column: 9, containing: "no integer")
        assertError("loguniform(0, 1)", .invalidArguments, column: 12, containing: "> 0")
        assertError("loguniform(-1, 1)", .invalidArguments, column: 12)
        assertError("normal(0, 0)", .invalidArguments, column: 11, containing: "standard deviation")
        assertError("randint(1.5, 6)", .invalidArguments, column: 9, containing: "integers")
        assertError("randint(6, 1)", .invalidArguments, column: 12, containing: "high excluded")
        assertError("randint(5)", .invalidArguments, column: 10)
        assertError("choices()", .invalidArguments, column: 9, containing: "needs categories")
        assertError("choices([])", .invalidArguments, column: 9, containing: "empty")
        assertError("choices({})", .invalidArguments, column: 9, containing: "empty")
        assertError("choices({'a': 0.5, 'b': 0.4})", .invalidArguments, column: 9, containing: "sum to 0.9")
        assertError("choices({'a': 1.5, 'b': -0.5})", .invalidArguments, column: 15, containing: "[0, 1]")
        assertError("choices({'a': 'x'})", .invalidArguments, column: 15)
        assertError("choices(['a', 'a'])", .invalidArguments, column: 15, containing: "appears twice")
        assertError("choices([1, 1.0])", .invalidArguments, column: 13, containing: "appears twice")
        assertError("choices(['a'], ['b'])", .invalidArguments, column: 9, containing: "one list or dict")
        assertError("choices([[1, 2]])", .invalidArguments, column: 10, containing: "a category must be")
        assertError("choices((1, 2))", .invalidArguments, column: 9)
        assertError("fidelity(0, 10)", .invalidArguments, column: 10, containing: "> 0")
        assertError("fidelity(10, 1)", .invalidArguments, column: 14)
        assertError("fidelity(1, 10, 2, base=3)", .invalidArguments, column: 17, containing: "twice")
    }

    func testInvalidOptions() {
        assertError("uniform(0, 1, precision=0)", .invalidOption, column: 25, containing: "positive integer")
        assertError("uniform(0, 1, precision=2.5)", .invalidOption, column: 25)
        assertError("uniform(0, 1, precision=True)", .invalidOption, column: 25)
        assertError(
            "uniform(0, 1, foo=1)",
            .invalidOption,
            column: 15,
            containing: "valid options: discrete, precision, shape, default_value"
        )
        assertError("choices(['a'], discrete=True)", .invalidOption, column: 16, containing: "shape, default_value")
        assertError("fidelity(1, 10, shape=2)", .invalidOption, column: 17, containing: "valid options: base")
        assertError("uniform(0, 1, default_value=2)", .invalidOption, column: 29, containing: "not inside")
        assertError("uniform(0, 1, default_value='a')", .invalidOption, column: 29)
        assertError("uniform(0, 5, discrete=True, default_value=2.5)", .invalidOption, column: 44)
        assertError(
            "uniform(0, 1, shape=2, default_value=0.5)",
            .invalidOption,
            column: 38,
            containing: "list of that shape"
        )
        assertError("choices(['a', 'b'], default_value='c')", .invalidOption, column: 35)
        assertError("randint(0, 3, default_value=3)", .invalidOption, column: 29)
        assertError("uniform(0, 1, default_value={'a': 1})", .invalidOption, column: 29)
        assertError("uniform(0, 1, seed=1)", .invalidOption, column: 15, containing: "seeded once per experiment")
        assertError("uniform(0, 1, random_state=1)", .invalidOption, column: 15)
        assertError("uniform(0, 1, size=3)", .invalidOption, column: 15, containing: "use shape=")
        assertError("uniform(low=0, high=1)", .invalidOption, column: 9, containing: "clip")
        assertError("uniform(0, 1, high=0.5)", .invalidOption, column: 15, containing: "clip")
        assertError("uniform(loc=0, scale=1)", .invalidOption, column: 9, containing: "scipy")
        assertError("uniform(0, 1, discrete='x')", .invalidOption, column: 24, containing: "True or False")
        assertError(
            "uniform(0, 1, discrete=True, precision=2)",
            .invalidOption,
            column: 30,
            containing: "real dimensions only"
        )
        assertError("randint(0, 3, discrete=False)", .invalidOption, column: 24)
        assertError("uniform(0, 1, shape=0)", .invalidOption, column: 21, containing: "shape=(2, 3)")
        assertError("uniform(0, 1, shape=(2, 'a'))", .invalidOption, column: 25)
        assertError("uniform(0, 1, shape=())", .invalidOption, column: 21)
        assertError("fidelity(1, 10, base=0.5)", .invalidOption, column: 22, containing: ">= 1")
    }

    func testErrorMessageFormat() {
        do {
            _ = try PriorExpression.parse("uniform(0, 1", name: "/lr")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(
                error.description,
                "dimension '/lr', column 13: expected ')' after the arguments of 'uniform'; the '(' at column 8 is "
                    + "never closed"
            )
        }
        XCTAssertEqual(SpaceError(.emptySpace, "no dimension").description, "no dimension")
        XCTAssertEqual(SpaceError(.outOfBounds, dimension: "/x", "too big").message, "dimension '/x': too big")
    }

    // MARK: Limits

    func testShapesBeyondTheLimitsAreRefusedBeforeAnyAllocation() throws {
        assertError("uniform(0, 1, shape=1000000000)", .invalidOption, column: 21, containing: "1000000000 values")
        assertError("uniform(0, 1, shape=(100, 101))", .invalidOption, column: 21, containing: "limit of 10000 values")
        assertError(
            "uniform(0, 1, shape=(4294967296, 4294967296, 4294967296))",
            .invalidOption,
            column: 21,
            containing: "more than \(Int.max) values"
        )
        let axes = "(" + Array(repeating: "1", count: 33).joined(separator: ", ") + ")"
        assertError("choices([1, 2], shape=\(axes))", .invalidOption, column: 23, containing: "33 axes")
        let largest = try PriorExpression.parse("uniform(0, 1, shape=(100, 100))", name: "/x")
        XCTAssertEqual(largest.elementCount, PriorExpression.maxShapeElements)
        let manyAxes = "(" + Array(repeating: "1", count: 32).joined(separator: ", ") + ")"
        XCTAssertEqual(try PriorExpression.parse("uniform(0, 1, shape=\(manyAxes))", name: "/x").shape.count, 32)
    }

    func testDeepNestingIsASyntaxErrorNotAStackOverflow() throws {
        for depth in [PriorExpression.maxNestingDepth + 1, 20_000, 200_000] {
            let text =
                "choices(" + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + ")"
            assertError(text, .syntax, column: 9 + PriorExpression.maxNestingDepth, containing: "nested more than 64")
            let list = "choices(" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + ")"
            assertError(list, .syntax, column: 9 + PriorExpression.maxNestingDepth, containing: "nested more than")
        }
        let nested = String(repeating: "(", count: 64) + "'a'" + String(repeating: ")", count: 64)
        XCTAssertEqual(
            try PriorExpression.parse("choices(\(nested), 'b')", name: "/x").priorString,
            "choices(['a', 'b'])"
        )
    }

    /// Oríon takes `discrete=1` (Python's truth value): read as True, stored as `discrete=True`.
    func testDiscreteTakesOneAndZero() throws {
        XCTAssertEqual(canonical("uniform(0, 10, discrete=1)"), "uniform(0, 10, discrete=True)")
        XCTAssertEqual(canonical("uniform(0, 10, discrete=0)"), "uniform(0, 10)")
        assertError("uniform(0, 1, discrete=2)", .invalidOption, column: 24, containing: "True or False (or 1 or 0)")
        assertError("uniform(0, 1, discrete='yes')", .invalidOption, column: 24, containing: "got 'yes'")
    }

    func testDiscreteBoundsBeyondSixtyFourBitIntegersAreRefusedNotClamped() throws {
        assertError("uniform(0, 1e19, discrete=True)", .invalidArguments, column: 12, containing: "upper bound 1e+19")
        assertError("uniform(-1e19, 0, discrete=True)", .invalidArguments, column: 9, containing: "9.2e18")
        assertError("loguniform(1, 1e300, discrete=True)", .invalidArguments, column: 15, containing: "64-bit")
        assertError("uniform(0, 9223372036854775808.0, discrete=True)", .invalidArguments, column: 12)
        assertError("normal(0, 1e18, discrete=True)", .invalidArguments, column: 11, containing: "mean ± 10 sd")
        assertError("fidelity(1, 1e19)", .invalidArguments, column: 13, containing: "larger units")
        // The largest accepted bounds are sampled as they are, not clamped to ±9.0e18.
        let wide = try PriorExpression.parse("uniform(9.2e18, 9.22e18, discrete=True)", name: "/x")
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<100 {
            let value = try XCTUnwrap(wide.sample(using: &rng).intValue)
            XCTAssertTrue((9_200_000_000_000_000_000...9_220_000_000_000_000_000).contains(value), "\(value)")
        }
        XCTAssertNoThrow(try PriorExpression.parse("uniform(-9.2e18, 9.2e18, discrete=True)", name: "/x"))
        XCTAssertNoThrow(try PriorExpression.parse("fidelity(1, 9.2e18)", name: "/x"))
        XCTAssertNoThrow(try PriorExpression.parse("normal(0, 1e17, discrete=True)", name: "/x"))
        XCTAssertNoThrow(try PriorExpression.parse("uniform(0, 1e300)", name: "/x"))
    }

    /// Found by fuzzing: the lexer read graphemes, so a combining mark merged with the quote or the escape digit
    /// before it and the canonical string of such a category did not parse.
    func testCombiningMarksDoNotHideQuotesOrEscapeDigits() throws {
        let halves = Prior.uniformProbabilities(count: 2)
        let dimension = SpaceDimension(
            name: "/x",
            prior: .choices(values: ["\u{0}\u{6E1}u", "b"], probabilities: halves),
            kind: .categorical
        )
        XCTAssertEqual(dimension.priorString, "choices(['\\x00\u{6E1}u', 'b'])")
        XCTAssertEqual(try PriorExpression.parse(dimension.priorString, name: "/x"), dimension)
        let accent = try PriorExpression.parse("choices(['\u{301}a', \"\u{301}\"])", name: "/x")
        XCTAssertEqual(accent.prior, .choices(values: ["\u{301}a", "\u{301}"], probabilities: halves))
        assertError("uniform(0, 1\u{301})", .syntax, column: 13, containing: "after a number")
    }

    /// Found by fuzzing: an integer bound that a double cannot hold was printed as the integer it rounded to, which
    /// for -9223372036854775807 is -2^63, a literal the parser refuses.
    func testIntegersADoubleCannotHoldPrintAsTheFloatTheyBecame() throws {
        for (text, expected) in [
            ("normal(-9223372036854775807, 1)", "normal(-9.223372036854776e+18, 1)"),
            ("uniform(0, 9007199254740993)", "uniform(0, 9007199254740992.0)"),
            ("uniform(-9223372036854775807, 0, discrete=True)", "uniform(-9.223372036854776e+18, 0.0, discrete=True)"),
            ("uniform(0, 9007199254740992)", "uniform(0, 9007199254740992)"),
        ] {
            let dimension = try PriorExpression.parse(text, name: "/x")
            XCTAssertEqual(dimension.priorString, expected)
            XCTAssertEqual(try PriorExpression.parse(dimension.priorString, name: "/x"), dimension, text)
        }
    }

    /// Duplicate categories used to be found by comparing each with all before it: 50,000 categories took minutes.
    func testManyCategoriesAreCheckedForDuplicatesAtOnce() throws {
        let many = (0..<50_000).map(String.init).joined(separator: ", ")
        let dimension = try PriorExpression.parse("choices([\(many)])", name: "/x")
        guard case .choices(let values, _) = dimension.prior else { return XCTFail("not choices") }
        XCTAssertEqual(values.count, 50_000)
        assertError(
            "choices([\(many), 49999.0])",
            .invalidArguments,
            column: many.count + 12,
            containing: "49999.0 appears twice"
        )
        assertError("choices(['a', 1, 'a'])", .invalidArguments, column: 18, containing: "'a' appears twice")
        assertError("choices([1.0, True, 1])", .invalidArguments, column: 21, containing: "1 appears twice")
        XCTAssertNoThrow(try PriorExpression.parse("choices([1, True, '1', None, 0, False, 'None'])", name: "/y"))
    }
}
