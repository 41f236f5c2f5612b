import Foundation
import OrionBenchmark
import XCTest

final class LearningCurveTests: XCTestCase {
    private let bestLearningRate = pow(10, -1.6)

    /// Deterministic points of the unit cube (a fixed linear congruential sequence), mapped to the space.
    private func points(_ count: Int) -> [(lr: Double, momentum: Double, dropout: Double)] {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0..<count).map { _ in (pow(10, -4 + 4 * next()), next(), next()) }
    }

    /// The asymptote is smallest (0.1) at the best configuration, and every other point's is larger.
    func testTheBestAsymptoteIsTheMinimum() {
        XCTAssertEqual(LearningCurve.asymptote(lr: bestLearningRate, momentum: 0.8, dropout: 0.3), 0.1, accuracy: 1e-12)
        for point in points(500) {
            XCTAssertGreaterThan(
                LearningCurve.asymptote(lr: point.lr, momentum: point.momentum, dropout: point.dropout),
                LearningCurve.bestAsymptote
            )
        }
    }

    /// Curves decay with epochs toward their asymptote, and at 27 epochs the best one has converged.
    func testCurvesDecayTowardTheAsymptote() {
        for point in points(100) {
            let values = [1.0, 3, 9, 27].map {
                LearningCurve.clean(lr: point.lr, momentum: point.momentum, dropout: point.dropout, epochs: $0)
            }
            XCTAssertEqual(values, values.sorted(by: >))
            XCTAssertGreaterThan(
                values[3],
                LearningCurve.asymptote(lr: point.lr, momentum: point.momentum, dropout: point.dropout)
            )
        }
        XCTAssertEqual(
            LearningCurve.clean(lr: bestLearningRate, momentum: 0.8, dropout: 0.3, epochs: 27),
            0.1,
            accuracy: 1e-4
        )
    }

    /// A fast learner (large learning rate) looks better than the best configuration at 1 and 3 epochs and worse
    /// from 9 on; over a sample, the best configuration at 1 epoch is not the best at 27.
    func testCurvesCross() {
        func clean(_ lr: Double, _ epochs: Double) -> Double {
            LearningCurve.clean(lr: lr, momentum: 0.8, dropout: 0.3, epochs: epochs)
        }
        let fast = pow(10, -0.4)
        XCTAssertLessThan(clean(fast, 1), clean(bestLearningRate, 1))
        XCTAssertLessThan(clean(fast, 3), clean(bestLearningRate, 3))
        XCTAssertGreaterThan(clean(fast, 9), clean(bestLearningRate, 9))
        XCTAssertGreaterThan(clean(fast, 27), clean(bestLearningRate, 27))

        let sample = points(200)
        func best(at epochs: Double) -> Int? {
            sample.indices.min { a, b in
                LearningCurve.clean(
                    lr: sample[a].lr,
                    momentum: sample[a].momentum,
                    dropout: sample[a].dropout,
                    epochs: epochs
                )
                    < LearningCurve.clean(
                        lr: sample[b].lr,
                        momentum: sample[b].momentum,
                        dropout: sample[b].dropout,
                        epochs: epochs
                    )
            }
        }
        XCTAssertNotEqual(best(at: 1), best(at: 27))
    }

    /// The noise is within ±0.01, the same for the same arguments, and changes with the seed.
    func testNoiseIsBoundedDeterministicAndSeeded() {
        var differences = 0
        for point in points(200) {
            let noise = LearningCurve.noise(
                lr: point.lr,
                momentum: point.momentum,
                dropout: point.dropout,
                epochs: 3,
                seed: 4
            )
            XCTAssertLessThanOrEqual(abs(noise), 0.01)
            XCTAssertEqual(
                noise,
                LearningCurve.noise(lr: point.lr, momentum: point.momentum, dropout: point.dropout, epochs: 3, seed: 4)
            )
            let other = LearningCurve.noise(
                lr: point.lr,
                momentum: point.momentum,
                dropout: point.dropout,
                epochs: 3,
                seed: 5
            )
            if abs(other - noise) > 1e-6 { differences += 1 }
        }
        XCTAssertGreaterThan(differences, 190)
    }

    /// The same values as `learning_curve` of Benchmarks/peers/multifidelity_orion.py, which Oríon 0.2.7 is run
    /// on (printed by that function for these points).
    func testMatchesThePythonHarness() {
        let reference: [(Double, Double, Double, Double, Int, Double, Double)] = [
            (0.0001, 0, 0, 1, 0, 1.56590422769216, 1.5636054162575665),
            (0.025118864315095794, 0.8, 0.3, 27, 0, 0.10271808666940463, 0.1000305850264643),
            (0.3, 0.5, 0.9, 3, 7, 0.5170012355936547, 0.5082802068403749),
            (0.01, 0.2, 0.6, 9, 3, 0.34339011094217164, 0.34932512103806257),
            (1.0, 1.0, 1.0, 27, 11, 0.3461091900225611, 0.3380000182335962),
        ]
        for (lr, momentum, dropout, epochs, seed, value, clean) in reference {
            XCTAssertEqual(
                LearningCurve.value(lr: lr, momentum: momentum, dropout: dropout, epochs: epochs, seed: seed),
                value,
                accuracy: 1e-9
            )
            XCTAssertEqual(
                LearningCurve.clean(lr: lr, momentum: momentum, dropout: dropout, epochs: epochs),
                clean,
                accuracy: 1e-12
            )
        }
    }
}
