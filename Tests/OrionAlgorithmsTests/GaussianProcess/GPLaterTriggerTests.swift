import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// `trust_region: "v4"`: version 3 whose local phase, on a space of reals, starts only once the last `max(4, d)`
/// trials lie in the box; on other spaces version 3 itself.
final class GPLaterTriggerTests: XCTestCase {
    private func options(_ version: String, seed: Int = 4, initial: Int? = nil) throws -> GPBO.Options {
        var values: [String: JSONValue] = ["seed": .int(seed), "trust_region": .string(version)]
        if let initial { values["n_initial_points"] = .int(initial) }
        return try GPBO.Options.decode(values, algorithm: "gp")
    }

    private static func bowl(_ x: [Double]) -> Double {
        max(x.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) }, 0.02)
    }

    /// A 2-D space of reals and its transform.
    private func plane() throws -> SpaceTransform {
        GPBO.transform(AlgorithmContext(space: try Space(priors: ["/x1": "uniform(0, 1)", "/x2": "uniform(0, 1)"])))
    }

    /// Whether `gp`, having seen `trials` (vector, objective; completed) in `transform`'s space, starts its local
    /// phase when asked for the next box (unit lengthscales).
    private func fires(
        _ options: GPBO.Options,
        _ trials: [([Double], Double)],
        _ transform: SpaceTransform
    ) throws -> Bool {
        var gp = GPBO(
            options: options,
            context: AlgorithmContext(space: try Space(priors: ["/x1": "uniform(0, 1)", "/x2": "uniform(0, 1)"]))
        )
        gp.records = trials.enumerated().map { index, trial in
            GPBO.Record(id: "t\(index)", vector: trial.0, kind: .completed, objective: trial.1)
        }
        let model = try logEIModel([0, 0, 0, -6], completed: gp.records, structure: try gp.kernelStructure(plane()))
        _ = gp.trustRegion(model, completed: gp.records, in: transform)
        return gp.localPhaseFrom != nil
    }

    /// Three design points (the best at the centre), one global suggestion far from it, then three close to it: no
    /// improvement in four, so the side halves to 0.4 and the box is [0.3, 0.7]². Version 2 starts its local phase
    /// (the last trial lies in the box), version 4 does not until the last four do; on a space that is not all reals,
    /// version 4 triggers as version 2.
    func testVersion4WaitsUntilTheLastMaxFourDTrialsLieInTheBox() throws {
        let trials: [([Double], Double)] = [
            ([0.5, 0.5], 0), ([0, 0], 5), ([1, 1], 6),
            ([0.95, 0.05], 4), ([0.55, 0.45], 1), ([0.45, 0.55], 1), ([0.6, 0.4], 1.5),
        ]
        let transform = try plane()
        XCTAssertEqual(
            GPBO.trustRegionLength(values: trials.map(\.1), designCount: 3, width: 2, relativeToRange: true),
            0.4
        )
        XCTAssertTrue(try fires(options("v2", initial: 3), trials, transform))
        XCTAssertTrue(try fires(options("v3", initial: 3), trials, transform))
        XCTAssertFalse(try fires(options("v4", initial: 3), trials, transform), "the 4th last trial is outside")
        XCTAssertTrue(try fires(options("v4", initial: 3), trials + [([0.52, 0.5], 2)], transform))
        XCTAssertFalse(
            try fires(options("v4", initial: 3), Array(trials.prefix(3)) + Array(trials.suffix(3)), transform),
            "three suggestions after the design are not four"
        )
        let mixed = GPBO.transform(
            AlgorithmContext(space: try Space(priors: ["/x1": "uniform(0, 1)", "/k": "uniform(0, 8, discrete=True)"]))
        )
        XCTAssertTrue(try fires(options("v4", initial: 3), trials, mixed), "an integer: version 3's trigger")
        let gp = GPBO(
            options: try options("v4"),
            context: AlgorithmContext(space: try Space(priors: ["/x": "uniform(0, 1)"]))
        )
        XCTAssertEqual(gp.triggerWindow(reals: true, width: 2), 4)
        XCTAssertEqual(gp.triggerWindow(reals: true, width: 7), 7)
        XCTAssertEqual(gp.triggerWindow(reals: false, width: 7), 1)
    }

    /// On reals, version 4 is `gp` without a local phase until its trigger, which comes no earlier than version 2's;
    /// same seed, same run; the state keeps the trigger and the option, and continues the run to the bit.
    func testVersion4OnRealsIsGlobalUntilItsLaterTrigger() throws {
        func start(_ version: String) throws -> (points: [[Double]], start: Int?, gp: GPBO) {
            var start: Int?
            let run = try runSequentially(options(version), width: 3, count: 40, objective: Self.bowl) { before, _, _ in
                if start == nil, before.localPhaseFrom != nil { start = before.records.count }
            }
            return (run.points, start, run.gp)
        }
        let plain = try GPBO.Options.decode(["seed": 4], algorithm: "gp")
        let base = try runSequentially(plain, width: 3, count: 40, objective: Self.bowl).points
        let v2 = try start("v2")
        let v4 = try start("v4")
        let trigger = try XCTUnwrap(v4.start, "version 4's local phase started")
        XCTAssertGreaterThanOrEqual(trigger, try XCTUnwrap(v2.start), "no earlier than version 2's")
        XCTAssertGreaterThan(trigger, GPBO.Options().nInitialPoints + 4, "four suggestions after the design")
        XCTAssertEqual(Array(v4.points.prefix(trigger - 1)), Array(base.prefix(trigger - 1)), "global until then")
        XCTAssertNotEqual(v4.points, base)
        XCTAssertEqual(v4.points, try start("v4").points, "same seed, same run")
        let (text, _, restored) = try stateRoundTrip(v4.gp)
        XCTAssertTrue(text.contains("\"trust_region\":\"v4\""), text)
        XCTAssertEqual(restored.localPhaseFrom, v4.gp.localPhaseFrom)
        XCTAssertEqual(restored.options.trustRegionVersion, 4)
        let (_, _, v2State) = try stateRoundTrip(v2.gp)
        XCTAssertEqual(v2State.options.trustRegionVersion, 2, "a state of version 2 stays version 2")
    }

    /// Where the space has an integer or a categorical dimension, version 4 is version 3, suggestion for suggestion.
    func testVersion4IsVersion3OnOtherSpaces() throws {
        let integers = "uniform(0, 20, discrete=True)"
        let ints3 = try runSequentially(options("v3"), width: 3, prior: integers, count: 25, objective: Self.bowl)
        let ints4 = try runSequentially(options("v4"), width: 3, prior: integers, count: 25, objective: Self.bowl)
        XCTAssertEqual(ints3.points, ints4.points)
        XCTAssertNotNil(ints4.gp.localPhaseFrom)
        let space = try Space(priors: ["c": "choices(['a', 'b', 'c'])", "x": "uniform(0, 1)", "y": "uniform(0, 1)"])
        let context = AlgorithmContext(space: space)
        func run(_ version: String) throws -> (points: [Parameters], start: Int?) {
            var gp = GPBO(options: try options(version, seed: 6), context: context)
            var points: [Parameters] = []
            for index in 0..<25 {
                let suggestion = try XCTUnwrap(gp.suggest(count: 1, context: context).first)
                let x = suggestion.parameters.elements.first { $0.name.hasSuffix("x") }?.value.doubleValue ?? 0
                let y = suggestion.parameters.elements.first { $0.name.hasSuffix("y") }?.value.doubleValue ?? 0
                let c = suggestion.parameters.elements.first { $0.name.hasSuffix("c") }?.value.stringValue ?? "a"
                var trial = Trial(experimentID: "e", params: suggestion.parameters)
                trial.id = "t\(index)"
                trial.status = .completed
                trial.results = [.objective((c == "b" ? 0 : 0.3) + (x - 0.7) * (x - 0.7) + (y - 0.2) * (y - 0.2))]
                gp.observe([trial], context: context)
                points.append(suggestion.parameters)
            }
            return (points, gp.localPhaseFrom)
        }
        let mixed3 = try run("v3")
        let mixed4 = try run("v4")
        XCTAssertEqual(mixed3.points, mixed4.points)
        XCTAssertNotNil(mixed4.start)
    }

    func testOptionIsDecodedSavedAndRefusedOtherwise() throws {
        let options = try options("v4")
        XCTAssertTrue(options.trustRegion)
        XCTAssertEqual(options.trustRegionVersion, 4)
        let encoded = try JSONEncoder().encode(options)
        XCTAssertTrue(String(decoding: encoded, as: UTF8.self).contains("\"trust_region\":\"v4\""))
        XCTAssertEqual(try JSONDecoder().decode(GPBO.Options.self, from: encoded).trustRegionVersion, 4)
        XCTAssertThrowsError(try GPBO.Options.decode(["trust_region": "V4"], algorithm: "gp")) { error in
            XCTAssertEqual(
                "\(error)".contains(
                    "gp: option 'trust_region' must be true, false, \"v2\", \"v2l\", \"v3\", \"v3l\" or \"v4\""
                ),
                true,
                "\(error)"
            )
        }
    }

    func testConformanceWithTheLocalPhaseVersion4() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(
                name: "gp",
                options: ["matern_nu": 1.5, "trust_region": "v4", "additive": "global"]
            ),
            braninThreshold: 0.6
        )
    }
}
