import Foundation
import OrionCore
import XCTest

@testable import OrionAlgorithms

/// The fit step `gp` and `turbo` share: output transform, hyperparameters on a subset, pending points believed.
final class GPFitTests: XCTestCase {
    /// Twelve points of a smooth 2-D function with a heavy tail, inputs in the unit cube.
    private static func data() -> (inputs: [Double], values: [Double]) {
        var generator = SeededGenerator(seed: 3)
        var inputs: [Double] = []
        var values: [Double] = []
        for _ in 0..<12 {
            let x = Double.random(in: 0..<1, using: &generator)
            let y = Double.random(in: 0..<1, using: &generator)
            inputs += [x, y]
            values.append(exp(4 * x) + sin(6 * y))
        }
        return (inputs, values)
    }

    func testTargetsKeepTheOrderOfTheValuesAndAreStandardized() throws {
        let (inputs, values) = Self.data()
        let fit = GPFit(inputs: inputs, width: 2, values: values, starts: [], maxIterations: 30)
        XCTAssertEqual(fit.targets.count, values.count)
        let byValue = values.indices.sorted { values[$0] < values[$1] }
        let byTarget = fit.targets.indices.sorted { fit.targets[$0] < fit.targets[$1] }
        XCTAssertEqual(byValue, byTarget)
        let mean = fit.targets.reduce(0, +) / Double(fit.targets.count)
        let variance = fit.targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(fit.targets.count)
        XCTAssertEqual(mean, 0, accuracy: 1e-9)
        XCTAssertEqual(variance, 1, accuracy: 1e-9)
        let process = try XCTUnwrap(fit.process)
        XCTAssertEqual(process.count, values.count)
    }

    func testHyperparametersAreFittedOnTheSubsetAndThePosteriorUsesEveryTrial() throws {
        let (inputs, values) = Self.data()
        let chosen = [0, 2, 3, 5, 7, 8, 11]
        let fit = GPFit(inputs: inputs, width: 2, values: values, starts: [], maxIterations: 30) { _ in chosen }
        let direct = GaussianProcess.fitHyperparameters(
            inputs: chosen.flatMap { [inputs[2 * $0], inputs[2 * $0 + 1]] },
            width: 2,
            targets: chosen.map { fit.targets[$0] },
            starts: [],
            maxIterations: 30
        )
        XCTAssertEqual(fit.hyperparameters, direct)
        let all = GPFit(inputs: inputs, width: 2, values: values, starts: [], maxIterations: 30)
        XCTAssertNotEqual(all.hyperparameters, direct, "fitting on every trial gives other hyperparameters")
        XCTAssertEqual(try XCTUnwrap(fit.process).count, values.count)
    }

    func testPendingPointsEnterAtTheirPosteriorMeanAndCollapseTheVariance() throws {
        let (inputs, values) = Self.data()
        let pending = [0.5, 0.5]
        let plain = GPFit(inputs: inputs, width: 2, values: values, starts: [], maxIterations: 30)
        let believed = GPFit(inputs: inputs, width: 2, values: values, pending: pending, starts: [], maxIterations: 30)
        XCTAssertEqual(believed.hyperparameters, plain.hyperparameters, "pending points do not enter the fit")
        let before = try XCTUnwrap(plain.process).predict(pending, count: 1)
        let process = try XCTUnwrap(believed.process)
        XCTAssertEqual(process.count, values.count + 1)
        let after = process.predict(pending, count: 1)
        XCTAssertEqual(after.mean[0], before.mean[0], accuracy: 1e-6)
        // One more observation at the point, with noise σ²: the latent variance v becomes v σ² / (v + σ²).
        let noise = plain.hyperparameters.noiseVariance
        let expected = before.variance[0] * noise / (before.variance[0] + noise)
        XCTAssertEqual(after.variance[0], expected, accuracy: 1e-6 * before.variance[0] + 1e-12)
    }
}
