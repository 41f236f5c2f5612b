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
        let transform = GPBO.transform(
            AlgorithmContext(
                space: try Space(priors: ["/x1": "uniform(0, 1)", "/x2": "uniform(0, 1)", "/x3": "uniform(0, 1)"])
            )
        )
        func objective(_ x: [Double]) -> Double {
            // A bowl with a flat bottom: once a trial reaches it, no later one improves.
            max(x.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) }, 0.02)
        }
        func run() throws -> (points: [[Double]], local: Int, outside: Int, smallest: Double) {
            var local = 0
            var outside = 0
            var smallest = Double.infinity
            let (points, _) = try runSequentially(
                try GPBO.Options.decode(["seed": 4, "trust_region": true], algorithm: "gp"),
                width: 3,
                count: 36,
                objective: objective
            ) { before, gp, point in
                let completed = before.records.filter { $0.kind == .completed }
                guard completed.count >= 10 else { return }
                let region = try region(of: gp, completed: completed, transform)
                let inside = point.indices.allSatisfy {
                    point[$0] >= region.lower[$0] - 1e-9 && point[$0] <= region.upper[$0] + 1e-9
                }
                if gp.isLocalStep(completed: completed.count, batchIndex: 0) {
                    XCTAssertTrue(inside, "local suggestion \(completed.count) \(point) outside \(region)")
                    local += 1
                    smallest = min(smallest, region.length)
                } else if !inside {
                    outside += 1
                }
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
        var copy = gp
        return try XCTUnwrap(copy.trustRegion(model, completed: completed, in: transform))
    }

    // MARK: Version 2

    /// Version 2's success threshold is 10⁻³ of the range of the values so far: a constant shift changes nothing
    /// (it does change version 1's, relative to the best's magnitude).
    func testV2LengthIgnoresAShiftOfTheObjective() {
        func length(_ values: [Double], design: Int = 1, range: Bool) -> Double {
            GPBO.trustRegionLength(values: values, designCount: design, width: 2, relativeToRange: range)
        }
        let values: [Double] = [1, 0.9, 0.8, 0.7, 0.7, 0.69, 0.6, 0.6, 0.6, 0.6, 0.6]
        for shift in [1000.0, -250.0, 1e6] {
            let shifted = values.map { $0 + shift }
            XCTAssertEqual(length(shifted, range: true), length(values, range: true), "shift \(shift)")
        }
        XCTAssertEqual(length([1, 0.9, 0.8, 0.7], range: true), 1.6, "three improvements double the side")
        XCTAssertEqual(length([1001, 1000.9, 1000.8, 1000.7, 1000.6], range: false), 0.4, "version 1 fails at 1000")
        XCTAssertEqual(length([1001, 1000.9, 1000.8, 1000.7, 1000.6], range: true), 1.6)
        // A range of 10: improving by 0.001 is below 10⁻³ × 10, four failures halve the side.
        XCTAssertEqual(length([0, 10, -0.001, -0.002, -0.003, -0.004], design: 2, range: true), 0.4)
        XCTAssertEqual(length([0, 10, -0.02, -0.04, -0.06], design: 2, range: true), 1.6)
    }

    /// Options of version 2 with `seed`.
    private func v2(_ seed: Int, _ extra: [String: JSONValue] = [:]) throws -> GPBO.Options {
        try GPBO.Options.decode(["seed": .int(seed), "trust_region": "v2"].merging(extra) { $1 }, algorithm: "gp")
    }

    /// Runs `gp` for `count` trials on `objective` over the unit cube of `width` reals (``runSequentially``); calls
    /// `inspect` with the algorithm before each suggestion and the suggestion's vector.
    private func run(
        _ options: GPBO.Options,
        width: Int = 3,
        count: Int,
        objective: ([Double]) -> Double,
        inspect: (GPBO, [Double]) throws -> Void = { _, _ in }
    ) throws -> [[Double]] {
        try runSequentially(options, width: width, count: count, objective: objective) { before, _, point in
            try inspect(before, point)
        }.points
    }

    private static func bowl(_ x: [Double]) -> Double {
        max(x.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) }, 0.02)
    }

    /// Before its trigger, version 2 suggests exactly what `gp` without a local phase does; the trigger fires on
    /// this bowl, when the last trial lies in the box; the state remembers it.
    func testV2MakesNoLocalSuggestionBeforeTheTrigger() throws {
        let base = try run(GPBO.Options.decode(["seed": 4], algorithm: "gp"), count: 36, objective: Self.bowl)
        var start: Int?
        var last: GPBO?
        let points = try run(v2(4), count: 36, objective: Self.bowl) { gp, _ in
            if start == nil, gp.localPhaseFrom != nil { start = gp.records.count }
            last = gp
        }
        let trigger = try XCTUnwrap(start, "the local phase started")
        XCTAssertGreaterThan(trigger, 10, "not during the design")
        XCTAssertEqual(Array(points.prefix(trigger - 1)), Array(base.prefix(trigger - 1)), "global until the trigger")
        XCTAssertNotEqual(points, base)
        let state = try XCTUnwrap(last)
        XCTAssertEqual(
            try JSONDecoder().decode(GPBO.self, from: JSONEncoder().encode(state)).localPhaseFrom,
            state.localPhaseFrom
        )
        XCTAssertEqual(points, try run(v2(4), count: 36, objective: Self.bowl), "same seed, same run")
    }

    /// Version 2's box is centred on the best observed trial (clipped to the cube), whatever the posterior mean
    /// says.
    func testV2BoxIsCentredOnTheBestTrial() throws {
        var checked = 0
        _ = try run(v2(7), count: 30, objective: Self.bowl) { gp, _ in
            let completed = gp.records.filter { $0.kind == .completed }
            guard gp.localPhaseFrom != nil, let fit = gp.lastFit else { return }
            var copy = gp
            let model = try self.model(fit, completed: completed, width: 3, gp: gp)
            let region = try XCTUnwrap(copy.trustRegion(model, completed: completed, in: Self.unitCube(3)))
            let best = try XCTUnwrap(completed.min { $0.objective! < $1.objective! })
            let expected = GPBO.trustRegion(
                center: best.vector,
                lengthscales: model.process.hyperparameters.lengthscales,
                length: region.length
            )
            XCTAssertEqual(region, expected)
            XCTAssertTrue(GPBO.contains(region, best.vector))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 5)
    }

    /// The transform of `width` reals in [0, 1] (`/x1`, `/x2`, …).
    private static func unitCube(_ width: Int) throws -> SpaceTransform {
        let space = try Space(
            priors: Dictionary(uniqueKeysWithValues: (1...width).map { ("/x\($0)", "uniform(0, 1)") })
        )
        return GPBO.transform(AlgorithmContext(space: space))
    }

    /// A log-EI model on `completed` with the log-hyperparameters `fit`, in `width` unit coordinates.
    private func model(_ fit: [Double], completed: [GPBO.Record], width: Int, gp: GPBO) throws -> AcquisitionModel {
        try logEIModel(fit, completed: completed, structure: gp.kernelStructure(Self.unitCube(width)))
    }

    /// After the trigger, every other suggestion lies in version 2's box; shifting the objective by a constant
    /// leaves the run's suggestions (nearly) unchanged.
    func testV2LocalSuggestionsStayInTheBoxAndIgnoreAShift() throws {
        var local = 0
        let points = try run(v2(5), count: 32, objective: Self.bowl) { gp, point in
            let completed = gp.records.filter { $0.kind == .completed }
            guard gp.localPhaseFrom != nil, gp.isLocalStep(completed: completed.count, batchIndex: 0),
                let fit = gp.lastFit
            else { return }
            var copy = gp
            let region = try XCTUnwrap(
                copy.trustRegion(
                    try self.model(fit, completed: completed, width: 3, gp: gp),
                    completed: completed,
                    in: Self.unitCube(3)
                )
            )
            XCTAssertTrue(
                point.indices.allSatisfy {
                    point[$0] >= region.lower[$0] - 1e-9 && point[$0] <= region.upper[$0] + 1e-9
                },
                "local suggestion \(point) outside \(region)"
            )
            local += 1
        }
        XCTAssertGreaterThan(local, 3)
        let shifted = try run(v2(5), count: 32, objective: { Self.bowl($0) + 1000 })
        var largest = 0.0
        for (a, b) in zip(points, shifted) { for (p, q) in zip(a, b) { largest = max(largest, abs(p - q)) } }
        XCTAssertLessThan(largest, 1e-3, "a shift of the objective moved a suggestion by \(largest)")
    }

    func testV2OptionIsDecodedAndSaved() throws {
        let options = try v2(1)
        XCTAssertTrue(options.trustRegion)
        XCTAssertEqual(options.trustRegionVersion, 2)
        let encoded = try JSONEncoder().encode(options)
        XCTAssertEqual(try JSONDecoder().decode(GPBO.Options.self, from: encoded).trustRegionVersion, 2)
        XCTAssertEqual(try GPBO.Options.decode(["trust_region": true], algorithm: "gp").trustRegionVersion, 1)
        XCTAssertFalse(try GPBO.Options.decode(["trust_region": .null], algorithm: "gp").trustRegion)
        XCTAssertThrowsError(try GPBO.Options.decode(["trust_region": "v5"], algorithm: "gp")) { error in
            XCTAssertTrue(
                "\(error)".contains("'trust_region' must be true, false, \"v2\", \"v2l\", \"v3\", \"v3l\" or \"v4\""),
                "\(error)"
            )
        }
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
