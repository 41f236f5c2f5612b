import Foundation
import OrionAlgorithms
import OrionCore
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
        XCTAssertEqual(registry.names, ["gridsearch", "random"])
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

    func testUnknownAlgorithm() {
        assertError(
            try registry.resolve(AlgorithmConfig(name: "foo")),
            .unknownAlgorithm,
            "unknown algorithm 'foo'; valid algorithms: gridsearch, random"
        )
        let space = try? Space(priors: ["/x": "uniform(0, 1)"])
        XCTAssertNotNil(space)
        if let space {
            assertError(
                try registry.makeAlgorithm(AlgorithmConfig(name: "tpee"), space: space, maxTrials: nil),
                .unknownAlgorithm,
                "unknown algorithm 'tpee'; valid algorithms: gridsearch, random"
            )
        }
        assertError(
            try registry.decodeAlgorithm(named: "foo", from: Data("{}".utf8)),
            .unknownAlgorithm,
            "unknown algorithm 'foo'; valid algorithms: gridsearch, random"
        )
    }

    func testUnknownOptions() {
        assertError(
            try registry.resolve(AlgorithmConfig(name: "random", options: ["sed": 1])),
            .unknownOption,
            "unknown option 'sed' for algorithm 'random'; valid options: seed"
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
        XCTAssertEqual(algorithm.configuration, ["seed": 5])
        let data = try JSONEncoder().encode(algorithm)
        var decoded = try registry.decodeAlgorithm(named: "random", from: data)
        XCTAssertEqual(algorithm.suggest(count: 3), decoded.suggest(count: 3))
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
        var algorithm = try custom.makeAlgorithm(AlgorithmConfig(name: "fixed"), space: space, maxTrials: nil)
        XCTAssertEqual(algorithm.suggest(count: 1), [["/x": 0.5]])
    }
}

/// An algorithm that suggests `/x = value` once.
private struct FixedPoint: Algorithm {
    static let name = "fixed"
    static let defaultOptions: [String: JSONValue] = ["value": 0.5]
    var configuration: [String: JSONValue]
    var done = false

    init(space: Space, options: [String: JSONValue], maxTrials: Int?) throws {
        configuration = options
    }

    mutating func suggest(count: Int) -> [[String: JSONValue]] {
        guard !done, let value = configuration["value"] else { return [] }
        done = true
        return [["/x": value]]
    }

    mutating func observe(_ trials: [Trial]) {}

    var isDone: Bool { done }
}
