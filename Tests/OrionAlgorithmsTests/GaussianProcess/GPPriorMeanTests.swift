import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// `prior_mean`: the GP's constant prior mean, the targets' mean (default) or the worst target observed.
final class GPPriorMeanTests: XCTestCase {
    /// Five 1-D observations of a bowl, its worst at x = 0.95.
    private let inputs: [Double] = [0.1, 0.3, 0.45, 0.6, 0.95]
    private var values: [Double] { inputs.map { 4 * ($0 - 0.4) * ($0 - 0.4) + 1 } }

    private func fit(_ priorMean: PriorMean) -> GPFit {
        GPFit(
            inputs: inputs,
            width: 1,
            values: values,
            starts: [],
            maxIterations: 50,
            priorMean: priorMean,
            fixed: GPHyperparameters(lengthscales: [0.1], signalVariance: 1, noiseVariance: 1e-6)
        )
    }

    /// Far from the data the posterior returns to the prior mean: the targets' mean (0) by default, the worst target
    /// with `worst`; at an observed point both interpolate the observation.
    func testThePosteriorReturnsToTheWorstTargetFarFromTheData() throws {
        let mean = fit(.mean)
        let worst = fit(.worst)
        let output = OutputTransform(fitting: values)
        let standardized = values.map { output($0) }
        let largest = try XCTUnwrap(standardized.max())
        XCTAssertEqual(worst.targets, standardized.map { $0 - largest })
        XCTAssertEqual(mean.targets, standardized)
        let far = [-2.0]  // 21 lengthscales from the nearest input
        XCTAssertEqual(try XCTUnwrap(mean.process).predict(far, count: 1).mean[0], 0, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(worst.process).predict(far, count: 1).mean[0] + largest, largest, accuracy: 1e-9)
        for (index, x) in inputs.enumerated() {
            XCTAssertEqual(
                try XCTUnwrap(mean.process).predict([x], count: 1).mean[0],
                standardized[index],
                accuracy: 1e-3
            )
            XCTAssertEqual(
                try XCTUnwrap(worst.process).predict([x], count: 1).mean[0] + largest,
                standardized[index],
                accuracy: 1e-3
            )
        }
        // The constant moves the mean only: the variance is the same everywhere.
        for x in [-2.0, 0.2, 0.75] {
            XCTAssertEqual(
                try XCTUnwrap(mean.process).predict([x], count: 1).variance[0],
                try XCTUnwrap(worst.process).predict([x], count: 1).variance[0],
                accuracy: 1e-12
            )
        }
    }

    /// The hyperparameters are fitted to the standardized targets whatever the prior mean.
    func testTheHyperparametersDoNotDependOnThePriorMean() {
        func fitted(_ priorMean: PriorMean) -> GPHyperparameters {
            GPFit(
                inputs: inputs,
                width: 1,
                values: values,
                starts: [[log(0.3), 0, log(1e-4)]],
                maxIterations: 50,
                priorMean: priorMean
            ).hyperparameters
        }
        XCTAssertEqual(fitted(.mean), fitted(.worst))
    }

    /// Every value of `prior_mean` (the quadratic trend's own tests: `GPTrendTests`).
    func testOptionIsDecodedSavedAndRefused() throws {
        for kind in [PriorMean.worst, .quadratic] {
            try assertStringOption(
                "prior_mean",
                value: kind.rawValue,
                defaultValue: "mean",
                allowed: ["mean", "worst", "quadratic"],
                refused: "max",
                read: \.priorMean
            )
            let options = try GPBO.Options.decode(["prior_mean": .string(kind.rawValue)], algorithm: "gp")
            XCTAssertEqual(options.priorMeanKind, kind)
        }
    }

    /// The design is the same; the model's suggestions differ; the state keeps the option.
    func testARunWithTheWorstMeanDiffersAfterTheDesign() throws {
        func options(_ priorMean: String) throws -> GPBO.Options {
            try GPBO.Options.decode(
                [
                    "seed": 5, "matern_nu": 1.5, "trust_region": "v2l", "additive": "global",
                    "prior_mean": .string(priorMean),
                ],
                algorithm: "gp"
            )
        }
        let bowl = { (x: [Double]) in x.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) } }
        let base = try runSequentially(options("mean"), width: 2, count: 20, objective: bowl)
        let worst = try runSequentially(options("worst"), width: 2, count: 20, objective: bowl)
        XCTAssertEqual(base.points.prefix(10), worst.points.prefix(10))
        XCTAssertNotEqual(base.points, worst.points)
        let (_, _, restored) = try stateRoundTrip(worst.gp)
        XCTAssertEqual(restored.options.priorMeanKind, .worst)
    }

    /// `AlgorithmConformance` with each prior mean besides the default (the quadratic trend with the local phase of
    /// mixed spaces, which it was measured with).
    func testConformanceWithEveryPriorMean() throws {
        let options: [[String: JSONValue]] = [
            ["prior_mean": "worst", "matern_nu": 1.5], ["prior_mean": "quadratic", "trust_region": "v3"],
        ]
        for option in options {
            try AlgorithmConformance.checkAll(
                factory: AlgorithmRegistry.standard,
                config: AlgorithmConfig(name: "gp", options: option),
                braninThreshold: 0.6
            )
        }
    }
}
