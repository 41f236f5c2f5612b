import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// Two reals, a categorical of three (one-hot in coordinates 2–4), and an integer of 11 cells (coordinate 5), with
/// nine snapped points of it and a function of them: the mixed data of several GP unit tests.
enum MixedSpaceData {
    /// The space.
    static let space = try! Space(priors: [
        "/a": "uniform(-5, 5)", "/b": "uniform(-5, 5)", "/c": "choices(['p', 'q', 'r'])",
        "/k": "uniform(0, 10, discrete=True)",
    ])
    /// Its unit-cube view, categories one-hot (width 6).
    static var transform: SpaceTransform { SpaceTransform(space, categoricalEncoding: .oneHot) }

    /// Nine snapped points of the space (seeded) and their targets.
    static func data() -> (inputs: [Double], targets: [Double]) {
        var generator = SeededGenerator(seed: 11)
        var inputs: [Double] = []
        var targets: [Double] = []
        for _ in 0..<9 {
            let point = transform.snap((0..<transform.width).map { _ in Double.random(in: 0..<1, using: &generator) })
            inputs += point
            targets.append(sin(5 * point[0]) + point[1] + 2 * point[3] - point[5])
        }
        return (inputs, targets)
    }
}

/// Eight points in the unit square and a smooth function of them: the data of several GP unit tests.
enum UnitSquareData {
    /// The points, row by row (width 2).
    static let inputs: [Double] = [
        0.1, 0.2, 0.8, 0.3, 0.5, 0.5, 0.3, 0.9, 0.9, 0.9, 0.05, 0.6, 0.65, 0.1, 0.4, 0.75,
    ]
    /// `sin(6 x) + cos(4 y)` at each point.
    static let targets: [Double] = stride(from: 0, to: inputs.count, by: 2).map {
        sin(6 * inputs[$0]) + cos(4 * inputs[$0 + 1])
    }
}

/// Asserts that `gp.predictWithGradient(point)` gives the batch prediction's mean and variance at `point`, and
/// gradients equal, coordinate by coordinate, to central differences of the batch prediction.
///
/// - Parameters:
///   - gp: the fitted process.
///   - point: where to compare.
///   - valueAccuracy: the tolerance on the mean and variance.
func assertPredictionGradientMatchesFiniteDifferences(
    _ gp: GaussianProcess,
    at point: [Double],
    valueAccuracy: Double = 1e-12,
    file: StaticString = #filePath,
    line: UInt = #line
) {
    let (mean, variance, dMean, dVariance) = gp.predictWithGradient(point)
    let batch = gp.predict(point, count: 1)
    XCTAssertEqual(mean, batch.mean[0], accuracy: valueAccuracy, file: file, line: line)
    XCTAssertEqual(variance, batch.variance[0], accuracy: valueAccuracy, file: file, line: line)
    for c in point.indices {
        var up = point
        var down = point
        up[c] += 1e-6
        down[c] -= 1e-6
        let plus = gp.predict(up, count: 1)
        let minus = gp.predict(down, count: 1)
        let slope = (plus.mean[0] - minus.mean[0]) / 2e-6
        let varianceSlope = (plus.variance[0] - minus.variance[0]) / 2e-6
        XCTAssertEqual(dMean[c], slope, accuracy: 1e-5, "coordinate \(c)", file: file, line: line)
        XCTAssertEqual(dVariance[c], varianceSlope, accuracy: 1e-5, "coordinate \(c)", file: file, line: line)
    }
}

/// Asserts that each acquisition's `scoreWithGradient` gives its batch score at `point`, and a gradient equal,
/// coordinate by coordinate, to central differences of the score.
func assertAcquisitionGradientsMatchFiniteDifferences(
    _ model: AcquisitionModel,
    at point: [Double],
    file: StaticString = #filePath,
    line: UInt = #line
) {
    for function in Acquisition.allCases {
        let (value, gradient) = model.scoreWithGradient(function, point)
        XCTAssertEqual(
            value,
            model.scores([point])[function.rawValue][0],
            accuracy: 1e-9,
            "\(function)",
            file: file,
            line: line
        )
        for c in point.indices {
            var up = point
            var down = point
            up[c] += 1e-6
            down[c] -= 1e-6
            let numeric = (model.scoreWithGradient(function, up).0 - model.scoreWithGradient(function, down).0) / 2e-6
            XCTAssertEqual(
                gradient[c],
                numeric,
                accuracy: 1e-4 * max(1, abs(numeric)),
                "\(function) x[\(c)]",
                file: file,
                line: line
            )
        }
    }
}

/// Asserts that the gradient `objective` returns at `theta` equals, parameter by parameter, central differences of
/// its value, and that the value is finite.
func assertGradientMatchesFiniteDifferences(
    _ objective: ([Double]) -> (Double, [Double]),
    at theta: [Double],
    _ label: String = "",
    file: StaticString = #filePath,
    line: UInt = #line
) {
    let (base, gradient) = objective(theta)
    XCTAssertTrue(base.isFinite, label, file: file, line: line)
    for p in theta.indices {
        var up = theta
        var down = theta
        up[p] += 1e-6
        down[p] -= 1e-6
        let numeric = (objective(up).0 - objective(down).0) / 2e-6
        XCTAssertEqual(
            gradient[p],
            numeric,
            accuracy: 1e-4 * max(1, abs(gradient[p])),
            "\(label) θ[\(p)]",
            file: file,
            line: line
        )
    }
}
