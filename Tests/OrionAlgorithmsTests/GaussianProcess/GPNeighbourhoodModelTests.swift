import Foundation
import OrionCore
import XCTest

@testable import OrionAlgorithms

/// `trust_region: "v2l"`: version 2 whose local suggestions, once its local phase has started, use a GP fitted on
/// the trials nearest the box's centre (`GPBO+NeighbourhoodModel.swift`).
final class GPNeighbourhoodModelTests: XCTestCase {
    /// What `auto` runs on reals with `trust_region` set to `value`, seeded.
    private func options(_ seed: Int, _ value: JSONValue, additive: JSONValue = "global") throws -> GPBO.Options {
        try GPBO.Options.decode(
            ["seed": .int(seed), "matern_nu": 1.5, "trust_region": value, "additive": additive],
            algorithm: "gp"
        )
    }

    /// A curved valley (Rosenbrock's, in the unit cube): the local trend differs from the global one.
    private static func valley(_ x: [Double]) -> Double {
        let z = x.map { 4 * $0 - 2 }
        var total = 0.0
        for index in 0..<(z.count - 1) {
            let across = z[index + 1] - z[index] * z[index]
            total += 100 * across * across + (1 - z[index]) * (1 - z[index])
        }
        return total
    }

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
            objective: Self.valley,
            inspect: inspect
        )
    }

    /// Each coordinate's prior, at full precision: the runs' and ``context(_:)``'s.
    private static let prior = "uniform(0, 1, precision=None)"

    private static func context(_ width: Int) throws -> AlgorithmContext {
        AlgorithmContext(
            space: try Space(priors: Dictionary(uniqueKeysWithValues: (1...width).map { ("/x\($0)", prior) }))
        )
    }

    func testOptionIsDecodedSavedAndRefused() throws {
        let options = try GPBO.Options.decode(["trust_region": "v2l"], algorithm: "gp")
        XCTAssertTrue(options.trustRegion)
        XCTAssertEqual(options.trustRegionVersion, 2)
        XCTAssertTrue(options.trustRegionNeighbourhood)
        let encoded = try JSONEncoder().encode(options)
        XCTAssertTrue(String(decoding: encoded, as: UTF8.self).contains("\"trust_region\":\"v2l\""))
        XCTAssertTrue(try JSONDecoder().decode(GPBO.Options.self, from: encoded).trustRegionNeighbourhood)
        // "v2" stays version 2 without the neighbourhood model, and is saved as "v2".
        let v2 = try GPBO.Options.decode(["trust_region": "v2"], algorithm: "gp")
        XCTAssertFalse(v2.trustRegionNeighbourhood)
        XCTAssertTrue(String(decoding: try JSONEncoder().encode(v2), as: UTF8.self).contains("\"trust_region\":\"v2\""))
        for value: JSONValue in [true, false, "v3"] {
            XCTAssertFalse(try GPBO.Options.decode(["trust_region": value], algorithm: "gp").trustRegionNeighbourhood)
        }
        // "v3l" is version 3 with the neighbourhood model, saved as "v3l".
        let v3l = try GPBO.Options.decode(["trust_region": "v3l"], algorithm: "gp")
        XCTAssertTrue(v3l.trustRegionNeighbourhood)
        XCTAssertEqual(v3l.trustRegionVersion, 3)
        XCTAssertTrue(
            String(decoding: try JSONEncoder().encode(v3l), as: UTF8.self).contains("\"trust_region\":\"v3l\"")
        )
        for bad: JSONValue in ["v2L", "l", "v4l", 2] {
            XCTAssertThrowsError(try GPBO.Options.decode(["trust_region": bad], algorithm: "gp")) { error in
                XCTAssertTrue(
                    "\(error)".contains(
                        "gp: option 'trust_region' must be true, false, \"v2\", \"v2l\", \"v3\", \"v3l\" or \"v4\""
                    ),
                    "\(error)"
                )
            }
        }
    }

    /// The neighbourhood: the `max(2(w + 1), ⌈n/2⌉)` trials nearest the best one, in their order; all when that is
    /// every trial.
    func testNeighbourhoodIsTheNearestTrialsToTheBest() {
        func record(_ index: Int, _ x: Double, _ value: Double) -> GPBO.Record {
            GPBO.Record(id: "t\(index)", vector: [x, 0.5], kind: .completed, objective: value)
        }
        // The best at x = 0.5: the 9 nearest of 17 (⌈17/2⌉ = 9 > 2(2 + 1) = 6).
        let xs = [0.0, 0.1, 0.22, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.62, 0.7, 0.85, 0.9, 1.0, 0.05, 0.15, 0.95]
        let completed = xs.enumerated().map { record($0.offset, $0.element, $0.element == 0.5 ? -1 : 1) }
        let nearest = GPBO.neighbourhood(completed, width: 2)
        XCTAssertEqual(nearest.map(\.id), ["t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10"])
        // Few trials: at least 2(w + 1), here all of them.
        XCTAssertEqual(GPBO.neighbourhood(Array(completed.prefix(6)), width: 2).count, 6)
        XCTAssertEqual(GPBO.neighbourhood(Array(completed.prefix(10)), width: 2).count, 6)
    }

    /// Before its local phase, `"v2l"` suggests what `"v2"` does, trial for trial; after it, each local suggestion
    /// refits the product model on the neighbourhood alone (the same fit as on those trials, not the fit on all of
    /// them) and lies in the box that model stretches; each global one refits only the additive model.
    func testLocalSuggestionsUseTheNeighbourhoodModel() throws {
        let transform = GPBO.transform(try Self.context(3))
        var local = 0
        var start: Int?
        let points = try run(options(8, "v2l"), count: 40) { before, after, point in
            let completed = before.records.filter { $0.kind == .completed }
            guard before.localPhaseFrom != nil else {
                if after.localPhaseFrom != nil { start = completed.count }
                return
            }
            guard after.isLocalStep(completed: completed.count, batchIndex: 0) else {
                XCTAssertEqual(after.lastLocalFit, before.lastLocalFit, "a global suggestion leaves the local model")
                return
            }
            let nearest = GPBO.neighbourhood(completed, width: 3)
            XCTAssertLessThan(nearest.count, completed.count)
            var onNeighbourhood = before
            _ = onNeighbourhood.fit(transform, completed: nearest, local: true)
            XCTAssertEqual(after.lastLocalFit, onNeighbourhood.lastLocalFit, "fitted on the neighbourhood")
            var onAll = before
            _ = onAll.fit(transform, completed: completed, local: true)
            XCTAssertNotEqual(after.lastLocalFit, onAll.lastLocalFit, "not on every trial")
            XCTAssertEqual(after.lastFit, before.lastFit, "the additive model was not refitted")
            var copy = before
            let model = try logEIModel(
                try XCTUnwrap(after.lastLocalFit),
                completed: nearest,
                structure: before.kernelStructure(transform, additive: false)
            )
            let region = try XCTUnwrap(copy.trustRegion(model, completed: completed, in: transform))
            let best = try XCTUnwrap(completed.min { ($0.objective ?? 0) < ($1.objective ?? 0) })
            XCTAssertTrue(GPBO.contains(region, best.vector), "centred on the best trial")
            XCTAssertTrue(
                point.indices.allSatisfy {
                    point[$0] >= region.lower[$0] - 1e-9 && point[$0] <= region.upper[$0] + 1e-9
                },
                "local suggestion \(point) outside the neighbourhood model's box \(region)"
            )
            local += 1
        }.points
        XCTAssertGreaterThan(local, 5)
        let trigger = try XCTUnwrap(start, "the local phase started")
        let v2 = try run(options(8, "v2"), count: 40).points
        XCTAssertEqual(Array(points.prefix(trigger)), Array(v2.prefix(trigger)), "version 2's until the trigger")
        XCTAssertNotEqual(points, v2)
        XCTAssertEqual(points, try run(options(8, "v2l"), count: 40).points, "same seed, same run")
    }

    /// Without `additive: "global"` (one model for the global suggestions), the local ones use the neighbourhood
    /// model too, fitted on the neighbourhood and kept in `last_local_fit`; before the trigger the run is version 2's.
    func testWithOneGlobalModel() throws {
        var start: Int?
        var local = 0
        let points = try run(options(3, "v2l", additive: false), count: 36) { before, after, _ in
            let completed = before.records.filter { $0.kind == .completed }
            if start == nil, after.localPhaseFrom != nil { start = completed.count }
            if before.localPhaseFrom == nil { XCTAssertNil(after.lastLocalFit) }
            if before.localPhaseFrom != nil, after.isLocalStep(completed: completed.count, batchIndex: 0) {
                XCTAssertNotEqual(after.lastLocalFit, before.lastLocalFit)
                // A local suggestion fits only the neighbourhood model, not the model on every trial.
                XCTAssertEqual(after.lastFit, before.lastFit)
                local += 1
            }
        }.points
        XCTAssertGreaterThan(local, 5)
        let trigger = try XCTUnwrap(start)
        let v2 = try run(options(3, "v2", additive: false), count: 36).points
        XCTAssertEqual(Array(points.prefix(trigger)), Array(v2.prefix(trigger)))
        XCTAssertNotEqual(points, v2)
    }

    /// A batch after the trigger gives distinct points, the same from the same state; the state reads back to the same
    /// suggestions, and a version 2 state stays version 2.
    func testBatchAndState() throws {
        let context = try Self.context(3)
        var (_, gp) = try run(options(5, "v2l"), count: 24)
        XCTAssertNotNil(gp.localPhaseFrom)
        var copy = gp
        let (text, _, restored) = try stateRoundTrip(gp)
        XCTAssertTrue(text.contains("\"trust_region\":\"v2l\""), text)
        var again = restored
        let batch = gp.suggest(count: 4, context: context).map(\.parameters)
        XCTAssertEqual(Set(batch).count, 4)
        XCTAssertEqual(copy.suggest(count: 4, context: context).map(\.parameters), batch)
        XCTAssertEqual(again.suggest(count: 4, context: context).map(\.parameters), batch)

        // With one model (no additive kernel): local suggestions first, the model on every trial fitted later in the
        // batch with them pending; four distinct points, the same from a copy and from the saved state.
        var (_, single) = try run(options(5, "v2l", additive: false), count: 25)
        XCTAssertNotNil(single.localPhaseFrom)
        XCTAssertTrue(single.isLocalStep(completed: 25, batchIndex: 0), "the batch starts with a local suggestion")
        var singleCopy = single
        var singleRestored = try stateRoundTrip(single).restored
        let singleBatch = single.suggest(count: 4, context: context).map(\.parameters)
        XCTAssertEqual(Set(singleBatch).count, 4)
        XCTAssertEqual(singleCopy.suggest(count: 4, context: context).map(\.parameters), singleBatch)
        XCTAssertEqual(singleRestored.suggest(count: 4, context: context).map(\.parameters), singleBatch)

        let (_, v2) = try run(options(5, "v2"), count: 14)
        let (v2Text, _, v2Restored) = try stateRoundTrip(v2)
        XCTAssertTrue(v2Text.contains("\"trust_region\":\"v2\""), v2Text)
        XCTAssertFalse(v2Restored.options.trustRegionNeighbourhood)
    }

    /// `"v3l"` on a space with a categorical: before the trigger the run is version 3's trial for trial; after it each
    /// local suggestion refits the neighbourhood model only (the model on every trial is not refitted) and lies in a box
    /// of one of the category combinations of the trials nearest the best one.
    func testVersion3WithTheNeighbourhoodModel() throws {
        let space = try Space(priors: ["/c": "choices(['a', 'b', 'c'])", "/x1": Self.prior, "/x2": Self.prior])
        let transform = GPBO.transform(AlgorithmContext(space: space))
        let categorical = transform.coordinates.indices.filter { transform.coordinates[$0].category != nil }
        XCTAssertEqual(categorical.count, 3)
        let offsets: [String: Double] = ["a": 0.6, "b": 0, "c": 0.3]
        func objective(_ parameters: Parameters) -> Double {
            let category = parameters["/c"]?.stringValue ?? "a"
            let x = ["/x1", "/x2"].map { parameters[$0]?.doubleValue ?? 0 }
            return Self.valley(x) / 100 + (offsets[category] ?? 1)
        }
        func run(_ value: JSONValue, inspect: (GPBO, GPBO, [Double]) throws -> Void = { _, _, _ in }) throws
            -> [[Double]]
        {
            try runSequentially(
                try GPBO.Options.decode(["seed": 5, "trust_region": value], algorithm: "gp"),
                space: space,
                count: 40,
                objective: { parameters, _ in objective(parameters) },
                inspect: inspect
            ).points
        }
        var start: Int?
        var local = 0
        let points = try run("v3l") { before, after, point in
            let completed = before.records.filter { $0.kind == .completed }
            if start == nil, after.localPhaseFrom != nil { start = completed.count }
            guard before.localPhaseFrom != nil, after.isLocalStep(completed: completed.count, batchIndex: 0) else {
                return
            }
            XCTAssertEqual(after.lastFit, before.lastFit)
            XCTAssertNotEqual(after.lastLocalFit, before.lastLocalFit)
            let nearest = GPBO.neighbourhood(completed, width: transform.width)
            XCTAssertEqual(after.localTrials(completed, width: transform.width), nearest)
            let combinations = Set(nearest.map { record in categorical.map { record.vector[$0] } })
            XCTAssertTrue(combinations.contains(categorical.map { point[$0] }), "\(point)")
            local += 1
        }
        XCTAssertGreaterThan(local, 3)
        let trigger = try XCTUnwrap(start)
        let v3 = try run("v3")
        XCTAssertEqual(Array(points.prefix(trigger)), Array(v3.prefix(trigger)))
        XCTAssertNotEqual(points, v3)
    }

    /// `"v3l"`'s local step searches only the category combinations of the trials nearest the best one: with every
    /// one of them in the best trial's category, the local suggestion stays in it, though five other categories were
    /// tried (version 3 searches a box in each).
    func testVersion3WithTheNeighbourhoodModelSearchesOnlyTheNeighbourhoodsCategories() throws {
        let labels = ["a", "b", "c", "d", "e", "f"]
        let space = try Space(
            priors: ["/c": "choices(['a', 'b', 'c', 'd', 'e', 'f'])", "/x1": Self.prior, "/x2": Self.prior]
        )
        let context = AlgorithmContext(space: space)
        let transform = GPBO.transform(context)
        let categorical = transform.coordinates.indices.filter { transform.coordinates[$0].category != nil }
        let numeric = transform.coordinates.indices.filter { transform.coordinates[$0].category == nil }
        var gp = GPBO(
            options: try GPBO.Options.decode(["seed": 2, "trust_region": "v3l"], algorithm: "gp"),
            context: context
        )
        var generator = SplitMixGenerator(seed: 9)
        func record(_ index: Int, category: Int, near centre: Double, spread: Double) -> GPBO.Record {
            var vector = [Double](repeating: 0, count: transform.width)
            vector[categorical[category]] = 1
            var value = Double(category == 1 ? 0 : 1) + Double(category) * 0.1
            for coordinate in numeric {
                let x = min(max(centre + spread * (Double.random(in: -1...1, using: &generator)), 0), 1)
                vector[coordinate] = x
                value += (x - 0.3) * (x - 0.3)
            }
            return GPBO.Record(id: "t\(index)", vector: vector, kind: .completed, objective: value)
        }
        // 21 trials of `b` around (0.3, 0.3), two of each other category far from it: the 18 nearest the best are `b`.
        var records = (0..<21).map { record($0, category: 1, near: 0.3, spread: 0.1) }
        for category in [0, 2, 3, 4, 5] {
            records += (0..<2).map { record(100 + 10 * category + $0, category: category, near: 0.7, spread: 0.3) }
        }
        gp.records = records
        gp.designIndex = 10
        gp.localPhaseFrom = 12
        XCTAssertTrue(gp.isLocalStep(completed: records.count, batchIndex: 0))
        let nearest = GPBO.neighbourhood(records, width: transform.width)
        XCTAssertEqual(Set(nearest.map { record in categorical.map { record.vector[$0] } }).count, 1)
        XCTAssertEqual(gp.localTrials(records, width: transform.width), nearest)
        let suggestion = try XCTUnwrap(gp.suggest(count: 1, context: context).first)
        XCTAssertEqual(suggestion.parameters["/c"]?.stringValue, labels[1])
    }
}
