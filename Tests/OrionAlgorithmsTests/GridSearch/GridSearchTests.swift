import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

/// A grid search with its context, giving points as dictionaries for short assertions.
private struct Grid {
    var algorithm: GridSearch
    let context: AlgorithmContext

    var size: Int { algorithm.size }
    var isDone: Bool { algorithm.isDone(context: context) }

    mutating func suggest(count: Int) -> [[String: JSONValue]] {
        algorithm.suggest(count: count, context: context).map { suggestion in
            XCTAssertNil(suggestion.parent)
            XCTAssertTrue(context.space.contains(suggestion.parameters), "\(suggestion.parameters)")
            return Dictionary(uniqueKeysWithValues: suggestion.parameters.map { ($0.name, $0.value) })
        }
    }

    /// The grid after a round trip through its JSON state.
    func roundTrip() throws -> Grid {
        let state = try JSONEncoder().encode(algorithm)
        return Grid(algorithm: try JSONDecoder().decode(GridSearch.self, from: state), context: context)
    }
}

final class GridSearchTests: XCTestCase {
    private func make(
        _ priors: [String: String],
        nValues: JSONValue = 100,
        maxTrials: Int? = nil
    ) throws -> Grid {
        let options = try GridSearch.Options.decode(["n_values": nValues], algorithm: "gridsearch")
        let context = AlgorithmContext(space: try Space(priors: priors), maxTrials: maxTrials)
        return Grid(algorithm: try GridSearch(options: options, context: context), context: context)
    }

    /// Every grid point, in order.
    private func all(_ grid: Grid) -> [[String: JSONValue]] {
        var grid = grid
        return grid.suggest(count: grid.size)
    }

    private func column(_ grid: Grid, _ name: String) -> [JSONValue] {
        all(grid).compactMap { $0[name] }
    }

    func testConformance() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "gridsearch")
        )
    }

    func testUniformIsLinspace() throws {
        let grid = try make(["/x": "uniform(0, 1)"], nValues: 5)
        XCTAssertEqual(column(grid, "/x"), [0.0, 0.25, 0.5, 0.75, 1.0])
        XCTAssertEqual(try make(["/x": "uniform(-5, 10)"], nValues: 1).size, 1)
        XCTAssertEqual(column(try make(["/x": "uniform(-5, 10)"], nValues: 1), "/x"), [-5.0])
    }

    /// Bounds whose difference overflows a double still give evenly spaced, finite values inside them (they gave
    /// NaN and Infinity, which reached the script and made the dump impossible to load).
    func testBoundsWhoseWidthOverflowsGiveFiniteValues() throws {
        XCTAssertEqual(column(try make(["/x": "uniform(-1e308, 1e308)"], nValues: 3), "/x"), [-1e308, 0.0, 1e308])
        let wide = column(try make(["/x": "uniform(-1.7e308, 1.7e308, precision=None)"], nValues: 5), "/x")
            .compactMap(\.doubleValue)
        XCTAssertEqual(wide.count, 5)
        for (value, expected) in zip(wide, [-1.7e308, -8.5e307, 0.0, 8.5e307, 1.7e308]) {
            XCTAssertEqual(value, expected, accuracy: 1e293)
        }
    }

    /// Integer ranges at the ends of 64 bits are gridded exactly, inside their bounds (the conversion of
    /// 2^63 as a double trapped: the hunt died with signal 4).
    func testIntegerRangesAtTheEndsOf64Bits() throws {
        let full = column(try make(["/k": "randint(0, 9223372036854775807)"], nValues: 3), "/k")
        XCTAssertEqual(full.first, .int(0))
        XCTAssertEqual(full.last, .int(Int.max - 1))
        XCTAssertEqual(full.count, 3)
        let top = column(try make(["/k": "randint(9223372036854775800, 9223372036854775807)"], nValues: 100), "/k")
        XCTAssertEqual(top, (9_223_372_036_854_775_800...(Int.max - 1)).map(JSONValue.int))
        let bottom = column(try make(["/k": "randint(-9223372036854775807, -9223372036854775805)"]), "/k")
        XCTAssertEqual(bottom, [.int(Int.min + 1), .int(Int.min + 2)])
    }

    func testRealsAreRoundedToPrecisionAsInOrion() throws {
        let values = column(try make(["/x": "uniform(0, 1)"]), "/x")
        XCTAssertEqual(values.count, 100)
        XCTAssertEqual(Array(values.prefix(3)), [0.0, 0.0101, 0.0202])
        XCTAssertEqual(values.last, 1.0)
        // One significant digit: 0.15000000000000002 (from linspace) rounds to 0.2, a duplicate that is dropped.
        let coarse = column(try make(["/x": "uniform(0, 1, precision=1)"], nValues: 21), "/x")
        XCTAssertEqual(Set(coarse).count, coarse.count)
        XCTAssertLessThan(coarse.count, 21)
        XCTAssertEqual(Array(coarse.prefix(4)), [0.0, 0.05, 0.1, 0.2])
    }

    func testLogUniformIsLogspace() throws {
        let grid = try make(["/lr": "loguniform(1e-3, 1)"], nValues: 4)
        XCTAssertEqual(column(grid, "/lr"), [0.001, 0.01, 0.1, 1.0])
    }

    func testIntegersAreRoundedAndDeduplicated() throws {
        XCTAssertEqual(column(try make(["/k": "uniform(0, 10, discrete=True)"]), "/k"), (0...10).map(JSONValue.int))
        XCTAssertEqual(column(try make(["/k": "uniform(0, 10, discrete=True)"], nValues: 3), "/k"), [0, 5, 10])
        XCTAssertEqual(column(try make(["/k": "randint(0, 5)"]), "/k"), [0, 1, 2, 3, 4])
        XCTAssertEqual(column(try make(["/k": "randint(0, 100)"], nValues: 5), "/k"), [0, 25, 50, 74, 99])
        XCTAssertEqual(
            column(try make(["/k": "loguniform(1, 1000, discrete=True)"], nValues: 4), "/k"),
            [1, 10, 100, 1000]
        )
        // Log spacing crowds the small integers, which collapse to fewer values.
        let crowded = column(try make(["/k": "loguniform(1, 20, discrete=True)"], nValues: 15), "/k")
        XCTAssertEqual(crowded, crowded.sorted { ($0.intValue ?? 0) < ($1.intValue ?? 0) })
        XCTAssertEqual(Set(crowded).count, crowded.count)
        XCTAssertLessThan(crowded.count, 15)
    }

    func testCategoriesAndFidelity() throws {
        let grid = try make(["/c": "choices(['a', 2, 3.5])", "/f": "fidelity(1, 16, base=2)"])
        XCTAssertEqual(all(grid), [["/c": "a", "/f": 16], ["/c": 2, "/f": 16], ["/c": 3.5, "/f": 16]])
    }

    func testUnboundedPriorsAreRejected() {
        for (prior, shown) in [("normal(0, 1)", "normal(0, 1)"), ("gamma(2,scale=3)", "gamma(2, scale=3)")] {
            XCTAssertThrowsError(try make(["/x": prior])) { error in
                XCTAssertEqual((error as? AlgorithmError)?.code, .unsupportedSpace)
                XCTAssertEqual(
                    "\(error)",
                    "gridsearch cannot search dimension '/x' with prior \(shown): a grid needs bounded priors; "
                        + "use uniform(low, high), loguniform(low, high) or a bounded scipy distribution (beta, "
                        + "triang, truncnorm, binom, bernoulli) instead, or another algorithm such as random"
                )
            }
        }
    }

    func testBoundedScipyDistributionsAreGriddedOverTheirSupport() throws {
        // The support of beta(2, 3, loc=1, scale=2) is [1, 3]; binom(3, 0.9) has 4 integers, all on a 5-value grid.
        let grid = try make(["/b": "beta(2, 3, loc=1, scale=2)", "/k": "binom(3, 0.9)"], nValues: 5)
        let expected: [[String: JSONValue]] = [1.0, 1.5, 2.0, 2.5, 3.0].flatMap { b in
            (0...3).map { k in ["/b": .double(b), "/k": .int(k)] }
        }
        XCTAssertEqual(all(grid), expected)
    }

    func testProductOrderLastDimensionFastest() throws {
        let grid = try make(["/a": "choices(['x', 'y'])", "/b": "uniform(0, 1)"], nValues: 3)
        XCTAssertEqual(
            all(grid),
            [
                ["/a": "x", "/b": 0.0], ["/a": "x", "/b": 0.5], ["/a": "x", "/b": 1.0],
                ["/a": "y", "/b": 0.0], ["/a": "y", "/b": 0.5], ["/a": "y", "/b": 1.0],
            ]
        )
    }

    func testShapeIsFlattenedPerElement() throws {
        let grid = try make(["/s": "uniform(0, 1, shape=2)"], nValues: 2)
        XCTAssertEqual(column(grid, "/s"), [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    }

    func testPerDimensionNValues() throws {
        let grid = try make(
            ["/x": "uniform(0, 1)", "/y": "uniform(0, 1)", "/z": "randint(0, 50)"],
            nValues: ["/x": 3, "y": 2]
        )
        XCTAssertEqual(grid.size, 3 * 2 * 50)
        XCTAssertThrowsError(try make(["/x": "uniform(0, 1)"], nValues: ["/w": 3])) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .invalidOption)
            XCTAssertEqual("\(error)", "gridsearch: n_values names '/w', which is not a dimension; dimensions: /x")
        }
        XCTAssertThrowsError(try make(["/x": "uniform(0, 1)"], nValues: 2.5))
        XCTAssertThrowsError(try make(["/x": "uniform(0, 1)"], nValues: true))
    }

    /// Oríon 0.2.7 runs `0.0, 0.0101, 0.0202, 0.0303, 0.0404` here; the shrunk grid covers the interval.
    func testGridShrinksToMaxTrialsAndCoversTheSpace() throws {
        let single = try make(["/x": "uniform(0, 1)"], maxTrials: 5)
        XCTAssertEqual(column(single, "/x"), [0.0, 0.25, 0.5, 0.75, 1.0])

        let square = try make(["/x": "uniform(-5, 10)", "/y": "uniform(0, 15)"], maxTrials: 100)
        XCTAssertEqual(square.size, 100)
        XCTAssertEqual(Set(column(square, "/x")).count, 10)
        XCTAssertEqual(Set(column(square, "/y")).count, 10)

        // 2 × 2 = 4 fits in 5; 3 × 2 = 6 does not.
        XCTAssertEqual(try make(["/x": "uniform(0, 1)", "/y": "uniform(0, 1)"], maxTrials: 5).size, 4)
        // The largest dimension shrinks first: /k keeps its 3 values.
        let uneven = try make(["/k": "randint(0, 3)", "/x": "uniform(0, 1)"], maxTrials: 12)
        XCTAssertEqual(uneven.size, 12)
        XCTAssertEqual(Set(column(uneven, "/k")).count, 3)
        // Categories cannot shrink: the numeric dimension gets one value.
        let categorical = try make(["/c": "choices(['a', 'b', 'c'])", "/x": "uniform(0, 1)"], maxTrials: 2)
        XCTAssertEqual(categorical.size, 3)
    }

    func testUnlimitedExperimentsCapTheGridAtTenThousand() throws {
        let grid = try make(["/x": "uniform(0, 1)", "/y": "uniform(0, 1)", "/z": "uniform(0, 1)"])
        XCTAssertEqual(grid.size, 22 * 21 * 21)
        XCTAssertEqual(try make(["/x": "uniform(0, 1)", "/y": "uniform(0, 1)"]).size, 10_000)
    }

    func testExhaustsThenIsDone() throws {
        var grid = try make(["/x": "uniform(0, 1)"], nValues: 3)
        XCTAssertEqual(grid.suggest(count: 2).count, 2)
        XCTAssertFalse(grid.isDone)
        var restored = try grid.roundTrip()
        XCTAssertEqual(restored.suggest(count: 5), [["/x": 1.0]])
        XCTAssertTrue(restored.isDone)
        XCTAssertEqual(restored.suggest(count: 1), [])
    }

    /// The state saved before the typed interface (with its options) still loads and continues.
    func testStateSavedByEarlierVersionsLoads() throws {
        let grid = try make(["/x": "uniform(0, 1)"], nValues: 3)
        let legacy = Data(
            (#"{"axes":[{"kind":"real","name":"/x","shape":[],"values":[0,0.5,1]}],"configuration":{"n_values":3},"#
                + #""cursor":1,"size":3}"#).utf8
        )
        var restored = Grid(algorithm: try JSONDecoder().decode(GridSearch.self, from: legacy), context: grid.context)
        XCTAssertEqual(restored.suggest(count: 5), [["/x": 0.5], ["/x": 1.0]])
        XCTAssertTrue(restored.isDone)
    }

    func testOptionsDecodeFromTheStoredShapeAndEncodeBack() throws {
        XCTAssertEqual(try GridSearch.Options().jsonObject(), ["n_values": 100])
        let perDimension = try GridSearch.Options.decode(["n_values": ["x": 3, "/y": 2]], algorithm: "gridsearch")
        XCTAssertEqual(perDimension.nValues, .perDimension(["x": 3, "/y": 2]))
        XCTAssertEqual(try perDimension.jsonObject(), ["n_values": ["x": 3, "/y": 2]])
        XCTAssertEqual(try GridSearch.Options.decode(["n_values": 7.0], algorithm: "gridsearch").nValues, .all(7))
        XCTAssertThrowsError(try GridSearch.Options.decode(["n_values": ["x": 0]], algorithm: "gridsearch")) {
            XCTAssertEqual("\($0)", "gridsearch: n_values['x'] must be a positive integer, not 0")
        }
    }

    /// Issue 9, item 10: `n_values: 100000000` used to build 10^8 values for minutes before shrinking the grid.
    func testHugeNValuesFailsAtOnceNamingTheLimitAndTheGridSize() throws {
        XCTAssertThrowsError(try make(["/x": "uniform(0, 1)", "/y": "uniform(0, 1)"], nValues: 100_000_000)) {
            XCTAssertEqual(($0 as? AlgorithmError)?.code, .tooLarge)
            XCTAssertEqual(
                "\($0)",
                "gridsearch: n_values asks for 100000000 values of '/x', a grid of up to 1e+16 points; the limit is "
                    + "100000 values per dimension: lower n_values (the grid is shrunk to max_trials anyway)"
            )
        }
        XCTAssertThrowsError(try make(["/k": "randint(0, 5)", "/x": "uniform(0, 1)"], nValues: ["/x": 200_000])) {
            XCTAssertEqual(
                "\($0)",
                "gridsearch: n_values asks for 200000 values of '/x', a grid of up to 1000000 points; the limit is "
                    + "100000 values per dimension: lower n_values (the grid is shrunk to max_trials anyway)"
            )
        }
        XCTAssertEqual(try make(["/x": "uniform(0, 1)"], nValues: 100_000, maxTrials: 3).size, 3)
    }

    func testDeterministicProgressOnBranin() throws {
        let best = try AlgorithmConformance.checkProgressOnBranin(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "gridsearch"),
            space: TestSpaces.branin(),
            threshold: 2
        )
        XCTAssertGreaterThan(best, Objectives.braninMinimum)
    }
}
