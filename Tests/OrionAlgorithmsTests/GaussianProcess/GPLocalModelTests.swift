import Foundation
import OrionCore
import XCTest

@testable import OrionAlgorithms

/// `additive: "global"`: the additive kernel for the global suggestions, the product kernel for the local ones
/// (`GPBO+LocalModel.swift`).
final class GPLocalModelTests: XCTestCase {
    /// The options of the test: version 2's local phase, Matérn-3/2 (what `auto` runs on reals) and `extra`.
    private func options(_ seed: Int, _ extra: [String: JSONValue]) throws -> GPBO.Options {
        try GPBO.Options.decode(
            ["seed": .int(seed), "matern_nu": 1.5, "trust_region": "v2"].merging(extra) { $1 },
            algorithm: "gp"
        )
    }

    /// A sum of one-dimensional bowls with a flat floor: additive, and once the floor is reached nothing improves.
    private static func objective(_ x: [Double]) -> Double {
        max(x.enumerated().reduce(0) { $0 + Double($1.offset + 1) * ($1.element - 0.3) * ($1.element - 0.3) }, 0.01)
    }

    /// Runs `gp` for `count` trials on ``objective(_:)`` over the unit cube of `width` reals (``runSequentially``).
    private func run(
        _ options: GPBO.Options,
        width: Int = 3,
        count: Int,
        inspect: (GPBO, GPBO, [Double]) throws -> Void = { _, _, _ in }
    ) throws -> (points: [[Double]], gp: GPBO) {
        try runSequentially(
            options,
            width: width,
            prior: Self.prior,
            count: count,
            objective: Self.objective,
            inspect: inspect
        )
    }

    /// Each coordinate's prior, at full precision: the runs' and ``context(_:)``'s.
    private static let prior = "uniform(0, 1, precision=None)"

    private static func context(_ width: Int) throws -> AlgorithmContext {
        AlgorithmContext(
            space: try Space(
                priors: Dictionary(
                    uniqueKeysWithValues: (1...width).map { ("/x\($0)", prior) }
                )
            )
        )
    }

    func testOptionIsDecodedSavedAndRefused() throws {
        let global = try GPBO.Options.decode(["additive": "global"], algorithm: "gp")
        XCTAssertTrue(global.additive)
        XCTAssertTrue(global.additiveGlobalOnly)
        let encoded = try JSONEncoder().encode(global)
        XCTAssertTrue(String(decoding: encoded, as: UTF8.self).contains("\"additive\":\"global\""))
        let decoded = try JSONDecoder().decode(GPBO.Options.self, from: encoded)
        XCTAssertEqual([decoded.additive, decoded.additiveGlobalOnly], [true, true])
        let cases: [(JSONValue, [Bool])] = [(true, [true, false]), (false, [false, false]), (.null, [false, false])]
        for (value, expected) in cases {
            let options = try GPBO.Options.decode(["additive": value], algorithm: "gp")
            XCTAssertEqual([options.additive, options.additiveGlobalOnly], expected, "\(value)")
            let again = try JSONDecoder().decode(GPBO.Options.self, from: JSONEncoder().encode(options))
            XCTAssertEqual([again.additive, again.additiveGlobalOnly], expected, "\(value)")
        }
        for bad: JSONValue in ["local", "yes", 2] {
            XCTAssertThrowsError(try GPBO.Options.decode(["additive": bad], algorithm: "gp")) { error in
                XCTAssertTrue(
                    "\(error)".contains("gp: option 'additive' must be true, false, \"global\" or \"alternate\""),
                    "\(error)"
                )
            }
        }
    }

    /// `"alternate"` is `"global"` with the alternation on; it is saved as written and read back.
    func testAlternateIsDecodedAndSaved() throws {
        let alternate = try GPBO.Options.decode(["additive": "alternate"], algorithm: "gp")
        XCTAssertEqual(
            [alternate.additive, alternate.additiveGlobalOnly, alternate.additiveAlternate],
            [true, true, true]
        )
        let encoded = try JSONEncoder().encode(alternate)
        XCTAssertTrue(String(decoding: encoded, as: UTF8.self).contains("\"additive\":\"alternate\""))
        let decoded = try JSONDecoder().decode(GPBO.Options.self, from: encoded)
        XCTAssertEqual([decoded.additive, decoded.additiveGlobalOnly, decoded.additiveAlternate], [true, true, true])
        for value: JSONValue in ["global", true, false] {
            XCTAssertFalse(try GPBO.Options.decode(["additive": value], algorithm: "gp").additiveAlternate, "\(value)")
        }
    }

    /// With `"alternate"`, the global suggestions take turns: the even ones refit the additive model, the odd ones
    /// use the product model on every trial and leave the additive fit alone; the local ones are `"global"`'s.
    func testAlternateGlobalSuggestionsTakeTurnsBetweenTheKernels() throws {
        let width = 3
        var additive = 0
        var product = 0
        var local = 0
        var kinds: [Bool] = []
        let first = try run(options(6, ["additive": "alternate"]), width: width, count: 40) { before, after, _ in
            let completed = before.records.filter { $0.kind == .completed }.count
            guard completed >= 10 else { return }
            if after.localPhaseFrom != nil, after.isLocalStep(completed: completed, batchIndex: 0) {
                XCTAssertEqual(after.lastFit, before.lastFit, "a local suggestion does not refit the additive model")
                local += 1
                return
            }
            let usesProduct = after.isProductGlobalStep(completed: completed, batchIndex: 0)
            kinds.append(usesProduct)
            if usesProduct {
                XCTAssertEqual(after.lastFit, before.lastFit, "the additive model was not refitted")
                XCTAssertNotEqual(after.lastLocalFit, before.lastLocalFit, "the product model was")
                product += 1
            } else {
                XCTAssertNotEqual(after.lastFit, before.lastFit, "the additive model was refitted")
                additive += 1
            }
        }
        XCTAssertGreaterThan(local, 5)
        XCTAssertGreaterThan(additive, 5)
        XCTAssertGreaterThan(product, 5)
        XCTAssertLessThanOrEqual(abs(additive - product), 2, "the kernels take turns: \(kinds)")
        XCTAssertEqual(first.points, try run(options(6, ["additive": "alternate"]), width: width, count: 40).points)
        XCTAssertNotEqual(first.points, try run(options(6, ["additive": "global"]), width: width, count: 40).points)
    }

    /// Without a local phase, every other suggestion is the product kernel's: the run leaves `additive: true`'s.
    func testAlternateWithoutTrustRegionTakesTurnsOverEverySuggestion() throws {
        let options = try GPBO.Options.decode(["seed": 2, "additive": "alternate"], algorithm: "gp")
        var gp = GPBO(options: options, context: try Self.context(2))
        XCTAssertEqual(
            (10..<16).map { gp.isProductGlobalStep(completed: $0, batchIndex: 0) },
            [false, true, false, true, false, true]
        )
        gp.localPhaseFrom = 3
        XCTAssertEqual(
            gp.isProductGlobalStep(completed: 11, batchIndex: 0),
            true,
            "no trust region: every suggestion counts"
        )
        func points(_ additive: JSONValue) throws -> [[Double]] {
            try run(GPBO.Options.decode(["seed": 2, "additive": additive], algorithm: "gp"), width: 2, count: 18).points
        }
        XCTAssertNotEqual(try points("alternate"), try points(true))
        XCTAssertEqual(try points("alternate"), try points("alternate"))
    }

    /// Each local suggestion refits only the product model and lies in the box built from that fit; each global one
    /// refits only the additive model; before the trigger both are fitted (the product one for the trigger).
    func testEachSuggestionUsesItsModel() throws {
        let width = 3
        let transform = GPBO.transform(try Self.context(width))
        var local = 0
        var global = 0
        var beforeTrigger = 0
        let first = try run(options(6, ["additive": "global"]), width: width, count: 34) { before, after, point in
            let completed = before.records.filter { $0.kind == .completed }
            guard completed.count >= 10 else {
                XCTAssertNil(after.lastFit, "no fit during the design")
                return
            }
            let additive = try XCTUnwrap(after.lastFit)
            XCTAssertEqual(additive.count, width + 3, "the additive fit has the weight's logit")
            guard after.localPhaseFrom != nil else {
                XCTAssertEqual(try XCTUnwrap(after.lastLocalFit).count, width + 2, "the product fit, for the trigger")
                XCTAssertNotEqual(after.lastLocalFit, before.lastLocalFit)
                XCTAssertNotEqual(after.lastFit, before.lastFit)
                beforeTrigger += 1
                return
            }
            if after.isLocalStep(completed: completed.count, batchIndex: 0) {
                let product = try XCTUnwrap(after.lastLocalFit)
                XCTAssertEqual(product.count, width + 2)
                XCTAssertNotEqual(after.lastLocalFit, before.lastLocalFit, "the product model was refitted")
                XCTAssertEqual(after.lastFit, before.lastFit, "the additive model was not")
                var copy = before
                let model = try logEIModel(
                    product,
                    completed: completed,
                    structure: before.kernelStructure(transform, additive: false)
                )
                let region = try XCTUnwrap(copy.trustRegion(model, completed: completed, in: transform))
                XCTAssertTrue(
                    point.indices.allSatisfy {
                        point[$0] >= region.lower[$0] - 1e-9 && point[$0] <= region.upper[$0] + 1e-9
                    },
                    "local suggestion \(point) outside the product model's box \(region)"
                )
                local += 1
            } else {
                XCTAssertNotEqual(after.lastFit, before.lastFit, "the additive model was refitted")
                if before.localPhaseFrom != nil {
                    XCTAssertEqual(after.lastLocalFit, before.lastLocalFit, "the product model was not")
                }
                global += 1
            }
        }
        XCTAssertGreaterThan(beforeTrigger, 0)
        XCTAssertGreaterThan(local, 5)
        XCTAssertGreaterThan(global, 5)
        XCTAssertEqual(first.points, try run(options(6, ["additive": "global"]), width: width, count: 34).points)
        XCTAssertNotEqual(first.points, try run(options(6, ["additive": true]), width: width, count: 34).points)
    }

    /// Without a local phase every suggestion is global: the run is `additive: true`'s.
    func testWithoutTrustRegionItIsTheAdditiveKernel() throws {
        func points(_ additive: JSONValue) throws -> [[Double]] {
            try run(GPBO.Options.decode(["seed": 2, "additive": additive], algorithm: "gp"), width: 2, count: 18).points
        }
        XCTAssertEqual(try points("global"), try points(true))
    }

    /// A batch after the trigger alternates between the models, gives distinct points, and is the same from the
    /// same state.
    func testBatchIsDistinctAndDeterministic() throws {
        let context = try Self.context(3)
        var (_, gp) = try run(options(3, ["additive": "global"]), count: 24)
        XCTAssertNotNil(gp.localPhaseFrom)
        var copy = gp
        let before = gp
        let batch = gp.suggest(count: 4, context: context).map(\.parameters)
        XCTAssertEqual(batch.count, 4)
        XCTAssertEqual(Set(batch).count, 4)
        XCTAssertNotEqual(gp.lastFit, before.lastFit, "a global suggestion refitted the additive model")
        XCTAssertNotEqual(gp.lastLocalFit, before.lastLocalFit, "a local one refitted the product model")
        let second = copy.suggest(count: 4, context: context).map(\.parameters)
        XCTAssertEqual(second, batch)

        // `"alternate"`: a batch of four after the trigger has two global suggestions, one of each kernel.
        var (_, alternating) = try run(options(3, ["additive": "alternate"]), count: 24)
        XCTAssertNotNil(alternating.localPhaseFrom)
        var again = alternating
        let mixed = alternating.suggest(count: 4, context: context).map(\.parameters)
        XCTAssertEqual(Set(mixed).count, 4)
        XCTAssertEqual(again.suggest(count: 4, context: context).map(\.parameters), mixed)
    }

    /// The state keeps both fits and reads back to the same suggestions; a state without the product fit (as main
    /// wrote it) and a state of `additive: true` still load.
    func testStateRoundTripIncludingAnOldState() throws {
        let context = try Self.context(3)
        var (_, gp) = try run(options(5, ["additive": "global"]), count: 20)
        var (text, data, restored) = try stateRoundTrip(gp)
        XCTAssertTrue(text.contains("\"last_local_fit\":["), text)
        XCTAssertTrue(text.contains("\"additive\":\"global\""))
        XCTAssertEqual(restored.lastLocalFit, gp.lastLocalFit)
        XCTAssertEqual(restored.localPhaseFrom, gp.localPhaseFrom)
        let again = restored.suggest(count: 2, context: context)
        XCTAssertEqual(again, gp.suggest(count: 2, context: context))

        // Without `last_local_fit`: the product model starts from the prior again.
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["last_local_fit"] = nil
        var old = try JSONDecoder().decode(GPBO.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertNil(old.lastLocalFit)
        let fromOld = old.suggest(count: 2, context: context)
        XCTAssertEqual(fromOld.count, 2)
        XCTAssertNotNil(old.lastLocalFit)

        // A state of `additive: true` (main's shape: no `last_local_fit`) reads back as it was.
        let (_, plain) = try run(options(5, ["additive": true]), count: 14)
        let plainText = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        XCTAssertFalse(plainText.contains("last_local_fit"))
        XCTAssertTrue(plainText.contains("\"additive\":true"))
        let plainRestored = try JSONDecoder().decode(GPBO.self, from: Data(plainText.utf8))
        XCTAssertEqual([plainRestored.options.additive, plainRestored.options.additiveGlobalOnly], [true, false])
        XCTAssertEqual(plainRestored.lastFit, plain.lastFit)
    }
}
