import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

final class AlgorithmRegistryTests: XCTestCase {
    private let registry = AlgorithmRegistry.standard

    private func assertError(
        _ expression: @autoclosure () throws -> some Any,
        _ code: AlgorithmError.Code,
        _ message: String,
        line: UInt = #line
    ) {
        XCTAssertThrowsError(try expression(), line: line) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, code, line: line)
            XCTAssertEqual((error as? AlgorithmError)?.message, message, line: line)
        }
    }

    func testNames() {
        // Every built-in, sorted (engineers append algorithms: the list is not spelled out here).
        XCTAssertEqual(registry.names, registry.names.sorted())
        XCTAssertTrue(
            Set(registry.names).isSuperset(of: ["asha", "cmaes", "gp", "gridsearch", "hyperband", "random", "tpe"]),
            "\(registry.names)"
        )
    }

    func testResolveFillsDefaults() throws {
        XCTAssertEqual(
            try registry.resolve(AlgorithmConfig(name: "random")),
            AlgorithmConfig(name: "random", options: ["seed": nil])
        )
        XCTAssertEqual(
            try registry.resolve(AlgorithmConfig(name: "gridsearch")),
            AlgorithmConfig(name: "gridsearch", options: ["n_values": 100])
        )
        XCTAssertEqual(
            try registry.resolve(AlgorithmConfig(name: "Random", options: ["seed": 3])),
            AlgorithmConfig(name: "random", options: ["seed": 3])
        )
    }

    /// Every algorithm searches a space of scipy distributions (`beta`, `gamma`, `poisson`, ...): its suggestions
    /// are values of the space, none twice.
    func testEveryAlgorithmSearchesScipyDistributions() throws {
        let space = try TestSpaces.scipy()
        for name in registry.names where name != "gridsearch" {
            let config = AlgorithmConfig(name: name)
            XCTAssertNoThrow(
                try AlgorithmConformance.checkSuggestionsInsideSpace(factory: registry, config: config, space: space),
                name
            )
            XCTAssertNoThrow(
                try AlgorithmConformance.checkNoDuplicates(factory: registry, config: config, space: space),
                name
            )
        }
    }

    func testUnknownAlgorithm() {
        let valid = registry.names.joined(separator: ", ")
        assertError(
            try registry.resolve(AlgorithmConfig(name: "foo")),
            .unknownAlgorithm,
            "unknown algorithm 'foo'; valid algorithms: \(valid)"
        )
        let space = try? Space(priors: ["/x": "uniform(0, 1)"])
        XCTAssertNotNil(space)
        if let space {
            assertError(
                try registry.makeAlgorithm(AlgorithmConfig(name: "tpee"), space: space, maxTrials: nil),
                .unknownAlgorithm,
                "unknown algorithm 'tpee'; valid algorithms: \(valid)"
            )
        }
        assertError(
            try registry.decodeAlgorithm(named: "foo", from: Data("{}".utf8)),
            .unknownAlgorithm,
            "unknown algorithm 'foo'; valid algorithms: \(valid)"
        )
        // Oríon's plugins are named as such, with the closest of ours.
        assertError(
            try registry.resolve(AlgorithmConfig(name: "AxOptimizer")),
            .unknownAlgorithm,
            "algorithm 'axoptimizer' is one of Oríon's plugins (a Python package), which swift-orion does not provide;"
                + " gp is the closest here; valid algorithms: \(valid)"
        )
    }

    func testUnknownOptions() {
        assertError(
            try registry.resolve(AlgorithmConfig(name: "random", options: ["sed": 1])),
            .unknownOption,
            "unknown option 'sed' for algorithm 'random'; valid options: seed (did you mean 'seed'?)"
        )
        assertError(
            try registry.resolve(AlgorithmConfig(name: "gridsearch", options: ["b": 1, "a": 2, "n_values": 3])),
            .unknownOption,
            "unknown options 'a', 'b' for algorithm 'gridsearch'; valid options: n_values"
        )
    }

    func testMakeAndDecode() throws {
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        var algorithm = try registry.makeAlgorithm(
            AlgorithmConfig(name: "random", options: ["seed": 5]),
            space: space,
            maxTrials: nil
        )
        XCTAssertTrue(algorithm is RandomSearch)
        let data = try JSONEncoder().encode(algorithm)
        var decoded = try registry.decodeAlgorithm(named: "random", from: data)
        let context = AlgorithmContext(space: space)
        XCTAssertEqual(algorithm.suggest(count: 3, context: context), decoded.suggest(count: 3, context: context))
        let grid = try registry.makeAlgorithm(AlgorithmConfig(name: "gridsearch"), space: space, maxTrials: 10)
        XCTAssertTrue(grid is GridSearch)
    }

    func testCorruptState() {
        XCTAssertThrowsError(try registry.decodeAlgorithm(named: "gridsearch", from: Data("{\"x\": 1}".utf8))) {
            error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .corruptState)
        }
    }

    func testInvalidOptionValues() throws {
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        assertError(
            try registry.makeAlgorithm(
                AlgorithmConfig(name: "gridsearch", options: ["n_values": 0]),
                space: space,
                maxTrials: nil
            ),
            .invalidOption,
            "gridsearch: n_values must be a positive integer, not 0"
        )
    }

    func testCustomRegistryAddsAnAlgorithmInOneLine() throws {
        let custom = AlgorithmRegistry(algorithms: [RandomSearch.self, GridSearch.self, FixedPoint.self])
        XCTAssertEqual(custom.names, ["fixed", "gridsearch", "random"])
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        XCTAssertEqual(try custom.resolve(AlgorithmConfig(name: "fixed")).options, ["value": 0.5])
        var algorithm = try custom.makeAlgorithm(AlgorithmConfig(name: "fixed"), space: space, maxTrials: nil)
        let context = AlgorithmContext(space: space)
        XCTAssertEqual(
            algorithm.suggest(count: 1, context: context),
            [Suggestion([Trial.Param(name: "/x", type: .real, value: 0.5)])]
        )
        XCTAssertTrue(algorithm.isDone(context: context))
    }

    func testWrongOptionTypesAreRejectedWhenResolving() {
        assertError(
            try registry.resolve(AlgorithmConfig(name: "random", options: ["seed": "abc"])),
            .invalidOption,
            "random: option 'seed' must be an integer or null, not 'abc'"
        )
        assertError(
            try registry.resolve(AlgorithmConfig(name: "gridsearch", options: ["n_values": -1])),
            .invalidOption,
            "gridsearch: n_values must be a positive integer, not -1"
        )
        assertError(
            try registry.resolve(AlgorithmConfig(name: "gridsearch", options: ["n_values": [1, 2]])),
            .invalidOption,
            "gridsearch: n_values must be a positive integer or a mapping of dimension names to positive integers"
                + " (n_values: {lr: 10}), not [1, 2]"
        )
        // An option whose range or names every probe fails is named by its default's kind (it said "a valid
        // value"; probe p42f).
        assertError(
            try registry.resolve(AlgorithmConfig(name: "evolutiones", options: ["nums_population": "abc"])),
            .invalidOption,
            "evolutiones: option 'nums_population' must be an integer or null, not 'abc'"
        )
        assertError(
            try registry.resolve(AlgorithmConfig(name: "dehb", options: ["crossover_strategy": 5])),
            .invalidOption,
            "dehb: option 'crossover_strategy' must be a string such as 'bin' or null, not 5"
        )
    }

    /// Experiments stored before the typed options keep exactly the same configuration, so their state is reused.
    func testStoredConfigurationsResolveToThemselves() throws {
        for options: [String: JSONValue] in [["seed": nil], ["seed": 3]] {
            let config = AlgorithmConfig(name: "random", options: options)
            XCTAssertEqual(try registry.resolve(config), config)
        }
        for options: [String: JSONValue] in [["n_values": 100], ["n_values": ["/x": 4, "y": 2]]] {
            let config = AlgorithmConfig(name: "gridsearch", options: options)
            XCTAssertEqual(try registry.resolve(config), config)
        }
    }
}

/// An algorithm that suggests `/x = value` once.
private struct FixedPoint: Algorithm {
    struct Options: AlgorithmOptions {
        var value = 0.5
        enum CodingKeys: String, CodingKey { case value }
    }

    static let name = "fixed"
    var value: Double
    var done = false

    init(options: Options, context: AlgorithmContext) {
        value = options.value
    }

    mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        guard !done else { return [] }
        done = true
        return [Suggestion([Trial.Param(name: "/x", type: .real, value: .double(value))])]
    }

    mutating func observe(_ trials: [Trial], context: AlgorithmContext) {}

    func isDone(context: AlgorithmContext) -> Bool { done }
}
