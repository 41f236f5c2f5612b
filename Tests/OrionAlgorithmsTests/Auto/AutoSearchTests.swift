import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

final class AutoSearchTests: XCTestCase {
    func testConformance() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "auto"),
            braninThreshold: 1
        )
    }

    func testOptions() throws {
        let resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "auto"))
        XCTAssertEqual(resolved.options, ["seed": .null])
        XCTAssertThrowsError(try AutoSearch.Options.decode(["n_initial_points": 3], algorithm: "auto")) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .unknownOption)
        }
    }

    /// The rules, in order: fidelity, small finite space, very wide, many numeric coordinates, otherwise gp.
    func testChoiceFollowsTheSpaceAndTheBudget() throws {
        func choice(_ priors: [String: String], maxTrials: Int? = 100) throws -> AutoSearch.Choice {
            AutoSearch.choose(for: AlgorithmContext(space: try Space(priors: priors), maxTrials: maxTrials))
        }
        XCTAssertEqual(try choice(["x": "uniform(0, 1)", "e": "fidelity(1, 16, base=2)"]), .asha)
        XCTAssertEqual(try choice(["c": "choices(['a', 'b', 'c'])", "k": "randint(0, 30)"]), .random)
        XCTAssertEqual(try choice(["c": "choices(['a', 'b', 'c'])", "k": "randint(0, 40)"]), .gp, "120 > 100")
        XCTAssertEqual(try choice(["c": "choices(['a', 'b', 'c'])", "k": "randint(0, 30)"], maxTrials: nil), .gp)
        XCTAssertEqual(
            try choice(["a": "choices(['a', 'b'])", "b": "choices(['a', 'b', 'c'])", "x": "uniform(0, 1)"]),
            .gp
        )
        let letters = (0..<21).map { "'c\($0)'" }.joined(separator: ", ")
        XCTAssertEqual(try choice(["a": "choices([\(letters)])", "b": "choices([\(letters)])"]), .tpe, "42 > 40")
        XCTAssertEqual(try choice(["x": "uniform(0, 1, shape=9)", "c": "choices(['a', 'b', 'c'])"]), .gp)
        XCTAssertEqual(try choice(["x": "uniform(0, 1, shape=10)"]), .cmaes)
        XCTAssertEqual(
            try choice(["x": "uniform(0, 1, shape=8)", "k": "uniform(0, 9, discrete=True, shape=2)"]),
            .cmaes
        )
        XCTAssertEqual(try choice(["x": "uniform(-5, 10)", "y": "loguniform(1e-3, 1)"]), .gp)
    }

    /// The state is the choice and the chosen algorithm's state; it decodes to an algorithm that continues with the
    /// same suggestions.
    func testStateKeepsTheChoice() throws {
        let space = try TestSpaces.branin()
        let context = AlgorithmContext(space: space, maxTrials: 50)
        var auto = try AutoSearch(options: AutoSearch.Options.decode(["seed": 4], algorithm: "auto"), context: context)
        XCTAssertEqual(auto.choice, .gp)
        XCTAssertTrue(auto.delegate is GPBO)
        let first = auto.suggest(count: 3, context: context)
        let data = try JSONEncoder().encode(auto)
        let object = try JSONDecoder().decode(JSONValue.self, from: data)
        XCTAssertEqual(object.objectValue?["choice"], "gp")
        XCTAssertNotNil(object.objectValue?["state"]?.objectValue?["design_index"])
        var restored = try JSONDecoder().decode(AutoSearch.self, from: data)
        XCTAssertEqual(restored.choice, .gp)
        XCTAssertEqual(restored.suggest(count: 2, context: context), auto.suggest(count: 2, context: context))
        XCTAssertEqual(first.count, 3)
        XCTAssertThrowsError(
            try JSONDecoder().decode(AutoSearch.self, from: Data(#"{"choice": "hebo", "state": {}}"#.utf8))
        )
    }
}
