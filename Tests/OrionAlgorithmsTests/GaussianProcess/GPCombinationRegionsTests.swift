import Foundation
import OrionCore
import XCTest

@testable import OrionAlgorithms

/// `trust_region: "v3"`: version 2 where there are no categories; on a space with categories, a local step over one
/// box per category combination, each around its own best trial.
final class GPCombinationRegionsTests: XCTestCase {
    /// The toy of two categories and one real in [0, 1]: `a` is best at x = 0.3 (0.5); `b` goes down to −0.4 at 0.9.
    private static let toySpace = try? Space(priors: ["c": "choices(['a', 'b'])", "x": "uniform(0, 1)"])

    private static func toy(_ category: String, _ x: Double) -> Double {
        category == "a" ? 0.5 + 4 * (x - 0.3) * (x - 0.3) : 3 * (x - 0.9) * (x - 0.9) - 0.4
    }

    /// The value of the parameter `name` (written with or without the leading `/`).
    private func value(_ parameters: Parameters, _ name: String) -> JSONValue? {
        parameters.elements.first { $0.name == name || $0.name == "/" + name }?.value
    }

    /// The parameters of `values` in `transform`'s space.
    private func parameters(_ values: [String: JSONValue], _ transform: SpaceTransform) throws -> Parameters {
        transform.decode(try transform.encode(values))
    }

    private func options(_ version: String, seed: Int = 3) throws -> GPBO.Options {
        try GPBO.Options.decode(["seed": .int(seed), "trust_region": .string(version)], algorithm: "gp")
    }

    /// `gp` with `options` that has observed the toy at `points` (category, x), completed.
    private func observed(_ options: GPBO.Options, _ points: [(String, Double)]) throws -> (GPBO, AlgorithmContext) {
        let context = AlgorithmContext(space: try XCTUnwrap(Self.toySpace))
        var gp = GPBO(options: options, context: context)
        let transform = GPBO.transform(context)
        let trials = try points.enumerated().map { index, point in
            let values: [String: JSONValue] = ["c": .string(point.0), "x": .double(point.1)]
            var trial = Trial(experimentID: "e", params: try parameters(values, transform))
            trial.id = "t\(index)"
            trial.status = .completed
            trial.results = [.objective(Self.toy(point.0, point.1))]
            return trial
        }
        gp.observe(trials, context: context)
        return (gp, context)
    }

    /// The incumbent (a, 0.3) sits at its category's minimum; `b`'s best trial (0.3, 0.68) is worse, but `b` keeps
    /// going down to the right. Version 2's local step stays in `a`; version 3's searches `b` around its own best
    /// trial too, and suggests `b` to the right of it.
    func testTheLocalStepSearchesTheOtherCategoryAroundItsOwnBestTrial() throws {
        let points: [(String, Double)] = [
            ("a", 0.1), ("a", 0.3), ("a", 0.5), ("a", 0.7), ("a", 0.9), ("a", 0.25), ("a", 0.35), ("b", 0), ("b", 0.15),
            ("b", 0.3),
        ]
        func local(_ version: String) throws -> Parameters {
            var (gp, context) = try observed(try options(version), points)
            let transform = GPBO.transform(context)
            let completed = gp.records.filter { $0.kind == .completed }
            let model = try XCTUnwrap(gp.fit(transform, completed: completed))
            let best = try XCTUnwrap(completed.min { $0.objective! < $1.objective! })
            let region = GPBO.trustRegion(
                center: best.vector,
                lengthscales: model.process.hyperparameters.lengthscales,
                length: 0.4
            )
            let vector = try XCTUnwrap(
                gp.localSuggestion(
                    model,
                    transform,
                    region: region,
                    completed: completed,
                    seen: Set(gp.records.map(\.vector))
                )
            )
            return transform.decode(vector)
        }
        let v2 = try local("v2")
        XCTAssertEqual(value(v2, "c"), .string("a"), "version 2 stays in the incumbent's category: \(v2)")
        let v3 = try local("v3")
        XCTAssertEqual(value(v3, "c"), .string("b"), "\(v3)")
        let x = try XCTUnwrap(value(v3, "x")?.doubleValue)
        XCTAssertGreaterThan(x, 0.3, "to the right of b's best trial")
        XCTAssertEqual(try local("v3"), v3, "same state, same suggestion")
    }

    /// One box per combination, the incumbent's first, then by best objective; each centred on its combination's best
    /// trial, the one-hot coordinates fixed, the numeric sides `L` stretched by the lengthscales normalized over the
    /// numeric coordinates; at most eight.
    func testBoxesAreCentredOnEachCombinationsBestTrial() throws {
        let space = try Space(priors: ["c": "choices(['p', 'q', 'r'])", "x": "uniform(0, 1)", "y": "uniform(0, 1)"])
        let transform = GPBO.transform(AlgorithmContext(space: space))
        func record(_ category: String, _ x: Double, _ y: Double, _ value: Double, _ id: Int) throws -> GPBO.Record {
            let values: [String: JSONValue] = ["c": .string(category), "x": .double(x), "y": .double(y)]
            return GPBO.Record(
                id: "t\(id)",
                vector: try transform.encode(values),
                kind: .completed,
                objective: value
            )
        }
        let completed = [
            try record("p", 0.5, 0.5, 3, 0), try record("q", 0.2, 0.8, 2, 1), try record("p", 0.6, 0.4, 1, 2),
            try record("q", 0.1, 0.1, 2.5, 3),
        ]
        let category = transform.coordinates.indices.filter { transform.coordinates[$0].category != nil }
        let numeric = transform.coordinates.indices.filter { transform.coordinates[$0].category == nil }
        var lengthscales = [Double](repeating: 50, count: transform.width)
        lengthscales[numeric[0]] = 0.1
        lengthscales[numeric[1]] = 0.4
        let boxes = GPBO.combinationRegions(completed: completed, transform, lengthscales: lengthscales, length: 0.4)
        XCTAssertEqual(boxes.count, 2, "r was never tried")
        for (box, centre) in zip(boxes, [completed[2], completed[1]]) {
            for c in category {
                XCTAssertEqual(box.lower[c], centre.vector[c])
                XCTAssertEqual(box.upper[c], centre.vector[c])
            }
            // Geometric mean over x and y only: 0.2; half-sides 0.1 and 0.4 (before clipping).
            XCTAssertEqual(box.lower[numeric[0]], max(centre.vector[numeric[0]] - 0.1, 0), accuracy: 1e-12)
            XCTAssertEqual(box.upper[numeric[0]], min(centre.vector[numeric[0]] + 0.1, 1), accuracy: 1e-12)
            XCTAssertEqual(box.lower[numeric[1]], max(centre.vector[numeric[1]] - 0.4, 0), accuracy: 1e-12)
            XCTAssertEqual(box.upper[numeric[1]], min(centre.vector[numeric[1]] + 0.4, 1), accuracy: 1e-12)
            XCTAssertEqual(box.length, 0.4)
        }
        let wide = try Space(
            priors: ["c": "choices(['p', 'q', 'r'])", "d": "choices(['s', 't', 'u', 'v'])", "x": "uniform(0, 1)"]
        )
        let wideTransform = GPBO.transform(AlgorithmContext(space: wide))
        let firsts = ["p", "q", "r"]
        let seconds = ["s", "t", "u", "v"]
        var twelve: [GPBO.Record] = []
        for index in 0..<12 {
            let values: [String: JSONValue] = [
                "c": .string(firsts[index % 3]), "d": .string(seconds[index % 4]), "x": .double(0.5),
            ]
            let vector = try wideTransform.encode(values)
            twelve.append(GPBO.Record(id: "w\(index)", vector: vector, kind: .completed, objective: Double(12 - index)))
        }
        let capped = GPBO.combinationRegions(
            completed: twelve,
            wideTransform,
            lengthscales: [Double](repeating: 1, count: wideTransform.width),
            length: 0.8
        )
        XCTAssertEqual(capped.count, GPBO.combinationCap)
        XCTAssertEqual(capped.first?.lower.prefix(7), twelve[11].vector.prefix(7), "the incumbent's first")
    }

    /// On spaces without categories (reals; reals and integers) version 3 suggests exactly what version 2 does.
    func testVersion3IsVersion2WithoutCategories() throws {
        func bowl(_ x: [Double]) -> Double { max(x.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) }, 0.02) }
        let reals2 = try runSequentially(try options("v2"), width: 3, count: 30, objective: bowl).points
        let reals3 = try runSequentially(try options("v3"), width: 3, count: 30, objective: bowl).points
        XCTAssertEqual(reals2, reals3)
        let integers = "uniform(0, 20, discrete=True)"
        let ints2 = try runSequentially(try options("v2"), width: 3, prior: integers, count: 25, objective: bowl).points
        let ints3 = try runSequentially(try options("v3"), width: 3, prior: integers, count: 25, objective: bowl).points
        XCTAssertEqual(ints2, ints3)
    }

    /// On a mixed space the run goes through the local phase; same seed, same run; the state written mid-run and read
    /// back continues it to the bit; the option is written back as `"v3"`, and a state of version 2 stays version 2.
    func testRunIsDeterministicAndTheStateRoundTrips() throws {
        let space = try Space(
            priors: [
                "c": "choices(['a', 'b', 'c'])", "x": "uniform(0, 1)", "y": "uniform(0, 1)",
                "k": "uniform(0, 8, discrete=True)",
            ]
        )
        let context = AlgorithmContext(space: space)
        let shifts: [String: Double] = ["a": 0.2, "b": 0.7, "c": 0.5]
        let offsets: [String: Double] = ["a": 0.3, "b": 0, "c": 0.6]
        func objective(_ p: Parameters) -> Double {
            let x: Double = value(p, "x")?.doubleValue ?? 0
            let y: Double = value(p, "y")?.doubleValue ?? 0
            let k: Double = value(p, "k")?.doubleValue ?? 0
            let category: String = value(p, "c")?.stringValue ?? "a"
            let shift: Double = shifts[category] ?? 0
            let offset: Double = offsets[category] ?? 0
            let dx = x - shift
            let dy = y - 0.4
            let dk = k - 3
            return offset + dx * dx + dy * dy + 0.01 * dk * dk
        }
        func run(_ gp: inout GPBO, from: Int, to: Int) -> [Parameters] {
            var points: [Parameters] = []
            for index in from..<to {
                guard let suggestion = gp.suggest(count: 1, context: context).first else { break }
                var trial = Trial(experimentID: "e", params: suggestion.parameters)
                trial.id = "t\(index)"
                trial.status = .completed
                trial.results = [.objective(objective(suggestion.parameters))]
                gp.observe([trial], context: context)
                points.append(suggestion.parameters)
            }
            return points
        }
        var first = GPBO(options: try options("v3", seed: 8), context: context)
        let head = run(&first, from: 0, to: 20)
        let (text, _, restored) = try stateRoundTrip(first)
        XCTAssertTrue(text.contains("\"trust_region\":\"v3\""), text)
        XCTAssertEqual(restored.options.trustRegionVersion, 3)
        var copy = restored
        let tail = run(&first, from: 20, to: 34)
        XCTAssertEqual(run(&copy, from: 20, to: 34), tail, "the restored state continues the run")
        XCTAssertNotNil(first.localPhaseFrom, "the local phase started")
        var second = GPBO(options: try options("v3", seed: 8), context: context)
        XCTAssertEqual(run(&second, from: 0, to: 34), head + tail, "same seed, same run")
        // A state of version 2 reads back as version 2, and an older state without the option as off.
        let v2 = GPBO(options: try options("v2"), context: context)
        XCTAssertEqual(try stateRoundTrip(v2).restored.options.trustRegionVersion, 2)
        let options3 = try options("v3")
        XCTAssertTrue(options3.trustRegion)
        XCTAssertEqual(options3.trustRegionVersion, 3)
    }
}
