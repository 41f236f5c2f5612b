import Foundation
import OrionCore
import XCTest

/// Options shaped like a model-based algorithm's.
private struct Options: AlgorithmOptions {
    var seed: Int?
    var nInitialPoints = 20
    var gamma = 0.25
    var ratio = 1.0
    var equalWeight = false
    var strategy = "max"
    var fidelities: [Int] = []

    enum CodingKeys: String, CodingKey {
        case seed, gamma, ratio, strategy, fidelities
        case nInitialPoints = "n_initial_points"
        case equalWeight = "equal_weight"
    }
}

final class AlgorithmOptionsTests: XCTestCase {
    private func assertError(
        _ object: [String: JSONValue],
        _ code: AlgorithmError.Code,
        _ message: String,
        line: UInt = #line
    ) {
        XCTAssertThrowsError(try Options.decode(object, algorithm: "tpe"), line: line) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, code, line: line)
            XCTAssertEqual("\(error)", message, line: line)
        }
    }

    func testDefaultsListEveryKeyNullIncluded() throws {
        XCTAssertEqual(
            try Options().jsonObject(),
            [
                "seed": nil, "n_initial_points": 20, "gamma": 0.25, "ratio": .double(1), "equal_weight": false,
                "strategy": "max", "fidelities": [],
            ]
        )
        XCTAssertEqual(
            try Options.names(),
            ["equal_weight", "fidelities", "gamma", "n_initial_points", "ratio", "seed", "strategy"]
        )
    }

    func testDecodesOrionsKeysAndFillsDefaults() throws {
        let options = try Options.decode(["seed": 3, "n_initial_points": 5, "gamma": 1], algorithm: "tpe")
        XCTAssertEqual(options.seed, 3)
        XCTAssertEqual(options.nInitialPoints, 5)
        XCTAssertEqual(options.gamma, 1.0)
        XCTAssertEqual(options.strategy, "max")
        XCTAssertEqual(try Options.decode(try options.jsonObject(), algorithm: "tpe"), options)
    }

    func testUnknownKeysNameTheValidOnes() {
        assertError(
            ["n_initial_point": 5],
            .unknownOption,
            "unknown option 'n_initial_point' for algorithm 'tpe'; valid options: equal_weight, fidelities, gamma, "
                + "n_initial_points, ratio, seed, strategy (did you mean 'n_initial_points'?)"
        )
    }

    func testBadValuesSayWhatIsExpected() {
        assertError(["seed": "x"], .invalidOption, "tpe: option 'seed' must be an integer or null, not 'x'")
        assertError(["seed": 1.5], .invalidOption, "tpe: option 'seed' must be an integer or null, not 1.5")
        assertError(
            ["n_initial_points": 2.5],
            .invalidOption,
            "tpe: option 'n_initial_points' must be an integer, not 2.5"
        )
        assertError(
            ["n_initial_points": nil],
            .invalidOption,
            "tpe: option 'n_initial_points' must be an integer, not None"
        )
        assertError(["gamma": "high"], .invalidOption, "tpe: option 'gamma' must be a number, not 'high'")
        assertError(["equal_weight": 1], .invalidOption, "tpe: option 'equal_weight' must be a boolean, not 1")
        assertError(["strategy": 3], .invalidOption, "tpe: option 'strategy' must be a string, not 3")
        assertError(["fidelities": 3], .invalidOption, "tpe: option 'fidelities' must be a list, not 3")
    }

    func testNoOptions() throws {
        XCTAssertEqual(try NoOptions().jsonObject(), [:])
        XCTAssertEqual(try NoOptions.decode([:], algorithm: "none"), NoOptions())
        XCTAssertThrowsError(try NoOptions.decode(["x": 1], algorithm: "none")) {
            XCTAssertEqual("\($0)", "unknown option 'x' for algorithm 'none'; valid options: none")
        }
    }
}
