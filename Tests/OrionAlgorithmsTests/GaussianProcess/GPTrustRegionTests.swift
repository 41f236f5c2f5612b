import Foundation
import OrionCore
import XCTest

@testable import OrionAlgorithms

/// `gp`'s local phase (`trust_region`): TuRBO's side rule replayed over the run, the box, the local suggestions.
final class GPTrustRegionTests: XCTestCase {
    func testLengthFollowsTuRBOsRuleOverTheRun() {
        func length(_ values: [Double], design: Int = 1, width: Int = 2) -> Double {
            GPBO.trustRegionLength(values: values, designCount: design, width: width)
        }
        XCTAssertEqual(length([5, 4, 3], design: 3), 0.8, "the design only sets the best")
        XCTAssertEqual(length([10, 9, 8, 7]), 1.6, "three improvements double the side")
        XCTAssertEqual(length([10, 9, 8, 7, 6, 5, 4]), 1.6, "at most 1.6")
        XCTAssertEqual(length([10, 9, 8, 11, 7]), 0.8, "a non-improvement resets the count of improvements")
        XCTAssertEqual(length([1, 2, 2, 2, 2]), 0.4, "max(4, 2) non-improvements halve it")
        XCTAssertEqual(length([1, 2, 2, 2, 2], width: 5), 0.8, "in 5 dimensions it takes 5")
        XCTAssertEqual(length([1, 0.9999, 0.9998, 0.9997, 0.9996]), 0.4, "improving by < 10⁻³ of the best fails")
        XCTAssertEqual(length([1] + Array(repeating: 2, count: 24)), 0.8 / 64, accuracy: 1e-15)
        XCTAssertEqual(length([1] + Array(repeating: 2, count: 28)), 0.8, "below 0.5⁷ it starts again")
        XCTAssertEqual(length([1, 2, 2, 2, 0.5]), 0.8, "an improvement resets the count of failures")
    }

    func testBoxIsStretchedByTheLengthscalesAndClippedToTheCube() {
        let box = GPBO.trustRegion(center: [0.5, 0.5], lengthscales: [0.1, 0.4], length: 0.4)
        // Geometric mean 0.2: weights 0.5 and 2, half-sides 0.1 and 0.4.
        XCTAssertEqual(box.lower[0], 0.4, accuracy: 1e-12)
        XCTAssertEqual(box.upper[0], 0.6, accuracy: 1e-12)
        XCTAssertEqual(box.lower[1], 0.1, accuracy: 1e-12)
        XCTAssertEqual(box.upper[1], 0.9, accuracy: 1e-12)
        let clipped = GPBO.trustRegion(center: [0.95, 0.5], lengthscales: [1e-4, 100], length: 0.2)
        // Lengthscales clipped to 0.005 and 2 (geometric mean 0.1): weights 0.05 and 20.
        XCTAssertEqual(clipped.lower[0], 0.945, accuracy: 1e-12)
        XCTAssertEqual(clipped.upper[0], 0.955, accuracy: 1e-12)
        XCTAssertEqual(clipped.lower[1], 0)
        XCTAssertEqual(clipped.upper[1], 1)
    }

    /// Every other suggestion after the design lies in the box around the trial of lowest posterior mean, rebuilt
    /// here from the hyperparameters `gp` fitted for it; the others may leave it; same seed, same run.
    func testLocalSuggestionsStayInTheTrustRegion() throws {
        let space = try Space(priors: ["/x1": "uniform(0, 1)", "/x2": "uniform(0, 1)", "/x3": "uniform(0, 1)"])
        let context = AlgorithmContext(space: space)
        let transform = GPBO.transform(context)
        func objective(_ x: [Double]) -> Double {
            // A bowl with a flat bottom: once a trial reaches it, no later one improves.
            max(x.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) }, 0.02)
        }
        func run() throws -> (points: [[Double]], local: Int, outside: Int, smallest: Double) {
            var gp = GPBO(
                options: try GPBO.Options.decode(["seed": 4, "trust_region": true], algorithm: "gp"),
                context: context
            )
            var points: [[Double]] = []
            var local = 0
            var outside = 0
            var smallest = Double.infinity
            for index in 0..<36 {
                let completed = gp.records.filter { $0.kind == .completed }
                let suggestion = try XCTUnwrap(gp.suggest(count: 1, context: context).first)
                let point = try transform.encode(suggestion.parameters)
                if completed.count >= 10 {
                    let region = try region(of: gp, completed: completed, transform)
                    let inside = point.indices.allSatisfy {
                        point[$0] >= region.lower[$0] - 1e-9 && point[$0] <= region.upper[$0] + 1e-9
                    }
                    if gp.isLocalStep(completed: completed.count, batchIndex: 0) {
                        XCTAssertTrue(inside, "local suggestion \(index) \(point) outside \(region)")
                        local += 1
                        smallest = min(smallest, region.length)
                    } else if !inside {
                        outside += 1
                    }
                }
                var trial = Trial(experimentID: "e", params: suggestion.parameters)
                trial.id = "t\(index)"
                trial.status = .completed
                trial.results = [.objective(objective(point))]
                gp.observe([trial], context: context)
                points.append(point)
            }
            return (points, local, outside, smallest)
        }
        let first = try run()
        XCTAssertEqual(first.local, 13)
        XCTAssertGreaterThan(first.outside, 0, "the global suggestions are not confined to the box")
        XCTAssertLessThan(first.smallest, 0.8, "the side shrank as the results stopped improving")
        XCTAssertEqual(first.points, try run().points)
    }

    /// The box `gp` used for its last suggestion: its fitted hyperparameters on `completed`.
    private func region(
        of gp: GPBO,
        completed: [GPBO.Record],
        _ transform: SpaceTransform
    ) throws -> GPBO.TrustRegion {
        let values = completed.compactMap(\.objective)
        let output = OutputTransform(fitting: values)
        let w = transform.width
        let hyper = GPHyperparameters(
            logVector: try XCTUnwrap(gp.lastFit),
            width: w,
            warped: [],
            structure: gp.kernelStructure(transform)
        )
        let process = try GaussianProcess(
            inputs: completed.flatMap(\.vector),
            width: w,
            targets: values.map { output($0) },
            hyperparameters: hyper
        )
        let model = AcquisitionModel(
            process: process,
            best: 0,
            bestInputs: [],
            functions: [.logExpectedImprovement],
            kappa: 1.96
        )
        return try XCTUnwrap(gp.trustRegion(model, completed: completed))
    }

    func testOptionDefaultsOffAndIsSaved() throws {
        XCTAssertFalse(try GPBO.Options.decode([:], algorithm: "gp").trustRegion)
        let space = try Space(priors: ["x": "uniform(-5, 10)", "c": "choices(['a', 'b'])"])
        let options = try GPBO.Options.decode(["seed": 1, "trust_region": true], algorithm: "gp")
        let gp = GPBO(options: options, context: AlgorithmContext(space: space))
        XCTAssertTrue(try JSONDecoder().decode(GPBO.self, from: JSONEncoder().encode(gp)).options.trustRegion)
        XCTAssertThrowsError(try GPBO.Options.decode(["trust_region": "yes"], algorithm: "gp"))
    }
}
