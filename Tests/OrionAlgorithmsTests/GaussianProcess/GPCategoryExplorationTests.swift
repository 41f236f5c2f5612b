import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// `category_exploration`: on a space with categories, every k-th suggestion searches a category combination drawn at
/// random (`GPBO+CategoryExploration.swift`).
final class GPCategoryExplorationTests: XCTestCase {
    /// What `auto` runs on mixed spaces, with `extra`.
    private func options(_ extra: [String: JSONValue]) throws -> GPBO.Options {
        try GPBO.Options.decode(["seed": 3, "trust_region": "v3"].merging(extra) { $1 }, algorithm: "gp")
    }

    /// A kernel of 3 and two reals in [0, 1]: `linear` is a plateau near 0.3 that ignores `x2`; `rbf` a bowl with its
    /// minimum 0 at (0.8, 0.2); `poly` 0.6 + a bowl.
    private static let space = try! Space(priors: [
        "/kernel": "choices(['linear', 'rbf', 'poly'])", "/x1": "uniform(0, 1, precision=None)",
        "/x2": "uniform(0, 1, precision=None)",
    ])

    private static func objective(_ parameters: Parameters) -> Double {
        let kernel = parameters["/kernel"]?.stringValue ?? ""
        let x1 = parameters["/x1"]?.doubleValue ?? 0
        let x2 = parameters["/x2"]?.doubleValue ?? 0
        switch kernel {
        case "linear": return 0.3 + 0.05 * (x1 - 0.4) * (x1 - 0.4)
        case "rbf":
            return 4 * ((x1 - 0.8) * (x1 - 0.8) + (x2 - 0.2) * (x2 - 0.2))
        default: return 0.6 + (x1 - 0.5) * (x1 - 0.5) + (x2 - 0.5) * (x2 - 0.5)
        }
    }

    private func run(_ options: GPBO.Options, count: Int) throws -> [Parameters] {
        let transform = GPBO.transform(AlgorithmContext(space: Self.space))
        return try runSequentially(options, space: Self.space, count: count) { parameters, _ in
            Self.objective(parameters)
        }.points.map { transform.decode($0) }
    }

    /// Which suggestions explore: every k-th by the trials before it, after the design, on a space with categories
    /// only, none with the option off.
    func testEveryKthSuggestionAfterTheDesignExplores() throws {
        let gp = GPBO(options: try options(["category_exploration": 4]), context: AlgorithmContext(space: Self.space))
        let transform = GPBO.transform(AlgorithmContext(space: Self.space))
        XCTAssertEqual(
            (8..<17).map { gp.isCategoryExplorationStep(completed: $0, batchIndex: 0, transform) },
            [false, false, false, false, true, false, false, false, true],
            "after the 10 design points, at 12 and 16"
        )
        XCTAssertTrue(gp.isCategoryExplorationStep(completed: 14, batchIndex: 2, transform), "a batch counts too")
        let reals = try Space(priors: ["/x": "uniform(0, 1)"])
        let realGP = GPBO(options: try options(["category_exploration": 4]), context: AlgorithmContext(space: reals))
        XCTAssertFalse(
            realGP.isCategoryExplorationStep(
                completed: 12,
                batchIndex: 0,
                GPBO.transform(AlgorithmContext(space: reals))
            )
        )
        let off = GPBO(options: try options([:]), context: AlgorithmContext(space: Self.space))
        XCTAssertFalse(off.isCategoryExplorationStep(completed: 12, batchIndex: 0, transform))
    }

    /// The drawn combination is never the incumbent's when there is another, and every other one is drawn.
    func testTheCombinationDrawnIsNotTheIncumbents() throws {
        var gp = GPBO(options: try options(["category_exploration": 4]), context: AlgorithmContext(space: Self.space))
        let transform = GPBO.transform(AlgorithmContext(space: Self.space))
        let groups = GPBO.categoryGroups(transform)
        XCTAssertEqual(groups.count, 1, "one categorical: the kernel")
        var incumbent = [Double](repeating: 0.5, count: transform.width)
        for index in groups[0] { incumbent[index] = index == groups[0].lowerBound ? 1 : 0 }
        var drawn = Set<[Int]>()
        for _ in 0..<200 {
            let combination = gp.randomCombination(groups, avoiding: incumbent)
            XCTAssertEqual(combination.count, 1)
            drawn.insert(combination)
        }
        XCTAssertEqual(drawn, [[1], [2]], "the two other kernels, and not the incumbent's")
    }

    /// Each exploring suggestion leaves the incumbent's kernel for another, both others are searched, and the run is
    /// the default's before its first exploring suggestion.
    func testExploringSuggestionsLeaveTheIncumbentsCategory() throws {
        let count = 40
        let base = try run(options([:]), count: count)
        let exploring = try run(options(["category_exploration": 4]), count: count)
        XCTAssertEqual(Array(exploring.prefix(12)), Array(base.prefix(12)), "the same run before trial 12")
        var kernels = Set<String>()
        for index in stride(from: 12, to: count, by: 4) {
            let incumbent = try XCTUnwrap(exploring.prefix(index).min { Self.objective($0) < Self.objective($1) })
            let kernel = try XCTUnwrap(exploring[index]["/kernel"]?.stringValue)
            XCTAssertNotEqual(kernel, incumbent["/kernel"]?.stringValue, "suggestion \(index)")
            kernels.insert(kernel)
        }
        XCTAssertGreaterThanOrEqual(kernels.count, 2, "both other kernels searched: \(kernels)")
    }

    /// The option is saved and read back, refused below 0; `AlgorithmConformance` with it.
    func testOptionRoundTripsAndConforms() throws {
        let options = try options(["category_exploration": 4])
        let decoded = try JSONDecoder().decode(GPBO.Options.self, from: JSONEncoder().encode(options))
        XCTAssertEqual(decoded.categoryExploration, 4)
        XCTAssertThrowsError(try self.options(["category_exploration": -1])) { error in
            XCTAssertTrue("\(error)".contains("category_exploration"), "\(error)")
        }
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "gp", options: ["trust_region": "v3", "category_exploration": 4]),
            braninThreshold: 0.6
        )
    }
}
