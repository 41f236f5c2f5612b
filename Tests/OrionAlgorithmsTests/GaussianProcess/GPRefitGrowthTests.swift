import Foundation
import OrionCore
import XCTest

@testable import OrionAlgorithms

/// `refit_growth`: a model's hyperparameters refitted only once the completed trials have grown by a fraction since
/// its last fit, the posterior always on all the trials (`GPBO+Suggest.swift`, `fit`).
final class GPRefitGrowthTests: XCTestCase {
    /// What `auto` runs on reals, and `extra`.
    private func options(_ seed: Int, _ extra: [String: JSONValue]) throws -> GPBO.Options {
        try GPBO.Options.decode(
            ["seed": .int(seed), "matern_nu": 1.5, "trust_region": "v2", "additive": "global"].merging(extra) { $1 },
            algorithm: "gp"
        )
    }

    /// A tilted bowl on the unit cube.
    private static func objective(_ x: [Double]) -> Double {
        x.enumerated().reduce(0) { $0 + Double($1.offset + 1) * ($1.element - 0.3) * ($1.element - 0.3) }
            + 0.1 * sin(7 * x[0])
    }

    private static let prior = "uniform(0, 1, precision=None)"

    private func run(
        _ options: GPBO.Options,
        count: Int,
        inspect: (GPBO, GPBO, [Double]) throws -> Void = { _, _, _ in }
    ) throws -> (points: [[Double]], gp: GPBO) {
        try runSequentially(
            options,
            width: 3,
            prior: Self.prior,
            count: count,
            objective: Self.objective,
            inspect: inspect
        )
    }

    private static func context() throws -> AlgorithmContext {
        AlgorithmContext(space: try Space(priors: ["/x1": prior, "/x2": prior, "/x3": prior]))
    }

    func testOptionIsDecodedSavedAndRefused() throws {
        let options = try GPBO.Options.decode(["refit_growth": 0.3], algorithm: "gp")
        XCTAssertEqual(options.refitGrowth, 0.3)
        let encoded = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
        XCTAssertTrue(encoded.contains("\"refit_growth\":0.3"), encoded)
        XCTAssertEqual(try JSONDecoder().decode(GPBO.Options.self, from: Data(encoded.utf8)).refitGrowth, 0.3)
        // Options written before the option existed (without it) read as the default, 0.
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? [String: Any])
        object["refit_growth"] = nil
        let old = try JSONDecoder().decode(GPBO.Options.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(old.refitGrowth, 0)
        XCTAssertEqual(try GPBO.Options.decode(["refit_growth": 0], algorithm: "gp").refitGrowth, 0)
        for bad: JSONValue in [-0.5, -1] {
            XCTAssertThrowsError(try GPBO.Options.decode(["refit_growth": bad], algorithm: "gp")) { error in
                XCTAssertTrue("\(error)".contains("gp: option 'refit_growth' must be a finite number ≥ 0"), "\(error)")
            }
        }
    }

    /// Each model's hyperparameters change only when the completed trials have grown by the fraction since its last
    /// fit (and then the count is kept); without the option they change at each of its suggestions.
    func testHyperparametersAreRefittedOnlyAfterTheTrialsGrew() throws {
        var refits = [0, 0]
        var kept = [0, 0]
        _ = try run(options(4, ["refit_growth": 0.3]), count: 48) { before, after, _ in
            let completed = before.records.filter { $0.kind == .completed }.count
            let models: [([Double]?, [Double]?, Int?, Int?)] = [
                (before.lastFit, after.lastFit, before.lastFitCount, after.lastFitCount),
                (before.lastLocalFit, after.lastLocalFit, before.lastLocalFitCount, after.lastLocalFitCount),
            ]
            for (index, (old, new, oldCount, newCount)) in models.enumerated() {
                if old != new || oldCount != newCount {
                    refits[index] += 1
                    XCTAssertEqual(newCount, completed, "a refit keeps its count of trials")
                    if let oldCount {
                        XCTAssertGreaterThanOrEqual(Double(completed), 1.3 * Double(oldCount), "refitted too soon")
                    }
                } else if let oldCount, completed > oldCount {
                    kept[index] += 1
                }
            }
        }
        XCTAssertGreaterThan(refits[0], 2, "the additive model is refitted as the trials grow")
        XCTAssertGreaterThan(refits[1], 2, "so is the product model")
        XCTAssertGreaterThan(kept[0] + kept[1], 20, "most suggestions keep the last fit")

        var changes = 0
        let (points, plain) = try run(options(4, [:]), count: 48) { before, after, _ in
            if before.lastFit != after.lastFit || before.lastLocalFit != after.lastLocalFit { changes += 1 }
        }
        XCTAssertGreaterThan(changes, 30, "without the option each suggestion refits its model")
        XCTAssertNil(plain.lastFitCount)
        XCTAssertNil(plain.lastLocalFitCount)
        XCTAssertNotEqual(points, try run(options(4, ["refit_growth": 0.3]), count: 48).points)
    }

    /// The same seed gives the same suggestions; the state keeps the counts, writes the bytes of `JSONEncoder` and
    /// reads back to the same suggestions; a state without the counts (as main wrote it) loads and refits.
    func testDeterministicAndStateRoundTrip() throws {
        let context = try Self.context()
        var (points, gp) = try run(options(6, ["refit_growth": 0.3]), count: 30)
        XCTAssertEqual(points, try run(options(6, ["refit_growth": 0.3]), count: 30).points)
        var (text, data, restored) = try stateRoundTrip(gp)
        XCTAssertTrue(text.contains("\"last_fit_count\":"), text)
        XCTAssertTrue(text.contains("\"last_local_fit_count\":"), text)
        XCTAssertTrue(text.contains("\"refit_growth\":0.3"), text)
        XCTAssertEqual(restored.lastFitCount, gp.lastFitCount)
        XCTAssertEqual(restored.lastLocalFitCount, gp.lastLocalFitCount)
        XCTAssertEqual(restored.suggest(count: 2, context: context), gp.suggest(count: 2, context: context))

        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["last_fit_count"] = nil
        object["last_local_fit_count"] = nil
        var old = try JSONDecoder().decode(GPBO.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertNil(old.lastFitCount)
        XCTAssertEqual(old.suggest(count: 2, context: context).count, 2)
        XCTAssertNotNil(old.lastFitCount ?? old.lastLocalFitCount, "a state without the counts refits")

        // Without the option the state has no counts.
        let (_, plain) = try run(options(6, [:]), count: 16)
        XCTAssertFalse(String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("fit_count"))
    }
}
