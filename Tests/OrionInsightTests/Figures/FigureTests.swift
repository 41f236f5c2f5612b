import Foundation
import OrionCore
import OrionWorker
import XCTest

@testable import OrionInsight

final class FigureTests: XCTestCase {
    private func stored(_ priors: [String: String], trials count: Int) async throws -> (InMemoryStorage, Experiment) {
        let storage = InMemoryStorage()
        let experiment = try InsightFixtures.experiment(priors, name: "demo")
        try await storage.createExperiment(experiment)
        _ = try await storage.registerTrials(
            InsightFixtures.sampled(count, in: experiment) { point in point.values.reduce(0, +) }
        )
        return (storage, experiment)
    }

    func testRegretHasOrionsTracesAndTitles() async throws {
        let (storage, _) = try await stored(["/x": "uniform(0, 1)"], trials: 12)
        let (experiment, figure) = try await Figure.make(.regret, named: "demo", storage: storage)
        XCTAssertEqual(experiment.name, "demo")
        let data = try XCTUnwrap(figure.objectValue?["data"]?.arrayValue)
        XCTAssertEqual(data.map { $0.objectValue?["name"] }, ["trials", "best-to-date"])
        XCTAssertEqual(data.map { $0.objectValue?["type"] }, ["scatter", "scatter"])
        XCTAssertEqual(data.map { $0.objectValue?["mode"] }, ["markers", "lines"])
        XCTAssertEqual(data[0].objectValue?["y"]?.arrayValue?.count, 12)
        let layout = try XCTUnwrap(figure.objectValue?["layout"]?.objectValue)
        XCTAssertEqual(layout["title"], ["text": "Regret for experiment 'demo'"])
        XCTAssertEqual(layout["xaxis"], ["title": ["text": "Trials ordered by suggested time"]])
        XCTAssertEqual(layout["yaxis"], ["title": ["text": "Objective 'loss'"]])
    }

    /// The subplot domains of partial dependencies are plotly.py's `make_subplots(rows=n, cols=n)`, to the bit
    /// (printed by plotly 6 in the peers' virtualenv; the last column of 7 really ends at `0.9999999999999999`).
    func testSubplotDomainsArePlotlysToTheBit() {
        let expected: [Int: (x: [[Double]], y: [[Double]])] = [
            3: (
                [[0.0, 0.2888888888888889], [0.35555555555555557, 0.6444444444444445], [0.7111111111111111, 1.0]],
                [[0.7333333333333333, 1.0], [0.36666666666666664, 0.6333333333333333], [0.0, 0.26666666666666666]]
            ),
            5: (
                [[0.0, 0.16799999999999998], [0.208, 0.376], [0.416, 0.584], [0.624, 0.792], [0.832, 1.0]],
                [
                    [0.848, 1.0], [0.6359999999999999, 0.7879999999999999], [0.424, 0.576], [0.212, 0.364],
                    [0.0, 0.152],
                ]
            ),
            7: (
                [
                    [0.0, 0.1183673469387755], [0.14693877551020407, 0.26530612244897955],
                    [0.29387755102040813, 0.4122448979591836], [0.4408163265306122, 0.5591836734693877],
                    [0.5877551020408163, 0.7061224489795918], [0.7346938775510204, 0.8530612244897959],
                    [0.8816326530612244, 0.9999999999999999],
                ],
                [
                    [0.8938775510204082, 1.0], [0.7448979591836735, 0.8510204081632654],
                    [0.5959183673469388, 0.7020408163265307], [0.4469387755102041, 0.553061224489796],
                    [0.2979591836734694, 0.40408163265306124], [0.1489795918367347, 0.25510204081632654],
                    [0.0, 0.10612244897959185],
                ]
            ),
        ]
        for (size, domains) in expected {
            let grid = SubplotGrid(rows: size, columns: size)
            XCTAssertEqual((0..<size).map { grid.xDomain(column: $0) }, domains.x, "x, \(size)")
            XCTAssertEqual((0..<size).map { grid.yDomain(row: $0) }, domains.y, "y, \(size)")
        }
    }

    /// Hover times as plotly.py writes Oríon's `datetime` values (`isoformat()`), checked against Oríon 0.2.7's
    /// `orion plot regret -t json`.
    func testTimesAreIsoformat() {
        XCTAssertEqual(PlotlyJSON.time(Date(timeIntervalSince1970: 1_700_000_000.25)), "2023-11-14T22:13:20.250000")
        XCTAssertEqual(PlotlyJSON.time(Date(timeIntervalSince1970: 1_700_000_000)), "2023-11-14T22:13:20")
        XCTAssertEqual(PlotlyJSON.time(nil), .null)
    }

    func testEveryKindEncodesAsJSON() async throws {
        let (storage, experiment) = try await stored(
            ["/x": "uniform(0, 1)", "/lr": "loguniform(1e-4, 1)", "/opt": "choices(['a', 'b'])"],
            trials: 20
        )
        var options = PlotOptions()
        options.lpi.runs = 2
        options.lpi.forest.trees = 5
        options.partialDependence.forest.trees = 5
        for kind in PlotKind.allCases where kind != .rungs {
            let figure = try await Figure.make(kind, experiment: experiment, storage: storage, options: options)
            let text = try JSONEncoder().encode(figure)
            XCTAssertFalse(String(decoding: text, as: UTF8.self).contains("NaN"), "\(kind)")
            XCTAssertFalse(figure.objectValue?["data"]?.arrayValue?.isEmpty ?? true, "\(kind)")
        }
        XCTAssertThrowsError(try Figure.make(.rungs, experiment: experiment, trials: [])) {
            XCTAssertEqual(($0 as? InsightError)?.code, .notApplicable)
        }
    }

    /// An experiment whose every objective is inf has no data to plot, for every kind: no LPI bar of importance 0,
    /// which would say the parameter does not matter.
    func testNoFiniteObjectiveIsNoData() async throws {
        let (storage, experiment) = try await stored(["/x": "uniform(0, 1)", "/y": "uniform(0, 1)"], trials: 0)
        _ = try await storage.registerTrials(InsightFixtures.sampled(6, in: experiment) { _ in .infinity })
        for kind in [PlotKind.lpi, .parallelCoordinates, .partialDependencies] {
            let figure = try await Figure.make(kind, experiment: experiment, storage: storage)
            XCTAssertEqual(figure.objectValue?["data"]?.arrayValue?.count, 0, "\(kind): \(figure)")
        }
    }

    func testWholeValuesAreWrittenAsIntegersAsPlotlyPyWritesThem() throws {
        let experiment = try InsightFixtures.experiment([
            "/x": "uniform(0, 1)", "/n": "uniform(1, 9, discrete=True)", "/k": "randint(2, 5)",
            "/opt": "choices(['a', 'b'])",
        ])
        let trials = InsightFixtures.sampled(12, in: experiment, seed: 3) { $0["/x"] ?? 0 }
        let figure = try Figure.make(.parallelCoordinates, experiment: experiment, trials: trials)
        let dimensions = try XCTUnwrap(
            figure.objectValue?["data"]?.arrayValue?.first?.objectValue?["dimensions"]?.arrayValue
        )
        var checked = 0
        for dimension in dimensions.compactMap(\.objectValue) {
            let label = dimension["label"]?.stringValue ?? ""
            let values = (dimension["values"]?.arrayValue ?? []) + (dimension["range"]?.arrayValue ?? [])
            XCTAssertFalse(values.isEmpty, label)
            for value in values {
                switch (label, value) {
                case ("/n", .int), ("/k", .int), ("/opt", .int), ("/x", .double), ("loss", .double): checked += 1
                default: XCTFail("\(label): \(value)")
                }
            }
        }
        XCTAssertEqual(checked, 5 * 12 + 4 * 2)
        // The trials' values along a discrete parameter in the partial dependencies, too.
        var options = PlotOptions()
        options.partialDependence.forest.trees = 5
        options.partialDependence.params = ["/k"]
        let dependencies = try Figure.make(
            .partialDependencies,
            experiment: experiment,
            trials: trials,
            options: options
        )
        let points = dependencies.objectValue?["data"]?.arrayValue?.compactMap(\.objectValue)
            .first { $0["mode"] == "markers" }
        let xs = try XCTUnwrap(points?["x"]?.arrayValue)
        XCTAssertEqual(xs.count, 12)
        for x in xs {
            guard case .int = x else { return XCTFail("\(x)") }
        }
    }

    func testPartialDependenciesLayOutAGridOfSubplots() throws {
        let experiment = try InsightFixtures.experiment(["/a": "uniform(0, 1)", "/b": "loguniform(1e-3, 1)"])
        let trials = InsightFixtures.sampled(15, in: experiment) { ($0["/a"] ?? 0) }
        var options = PlotOptions()
        options.partialDependence.forest.trees = 5
        let figure = try Figure.make(.partialDependencies, experiment: experiment, trials: trials, options: options)
        let data = try XCTUnwrap(figure.objectValue?["data"]?.arrayValue)
        // Per parameter: mean line, band, trials; one contour and its trials for the pair.
        XCTAssertEqual(data.count, 8)
        XCTAssertEqual(data.filter { $0.objectValue?["type"] == "contour" }.first?.objectValue?["xaxis"], "x3")
        let layout = try XCTUnwrap(figure.objectValue?["layout"]?.objectValue)
        XCTAssertEqual(layout["xaxis3"]?.objectValue?["title"], ["text": "/a"])
        XCTAssertEqual(layout["yaxis3"]?.objectValue?["type"], "log")
        XCTAssertEqual(layout["xaxis4"]?.objectValue?["type"], "log")
        XCTAssertNil(layout["xaxis2"], "the upper triangle is empty")
        // Each trial's parameters are in the hover of the one-parameter plots only (in every pair plot too, the
        // figure grew with the cube of the dimensions).
        let points = data.filter { $0.objectValue?["mode"] == "markers" }.compactMap(\.objectValue)
        XCTAssertEqual(points.count, 3)
        for point in points {
            let first = try XCTUnwrap(point["customdata"]?.arrayValue?.first?.arrayValue)
            let pair = point["xaxis"] == "x3"
            XCTAssertEqual(first.count, pair ? 2 : 3, "\(point["xaxis"] ?? "x")")
            XCTAssertEqual(point["hovertemplate"]?.stringValue?.contains("parameters"), !pair)
        }
        // plotly.py's Blues, written out as Oríon's JSON has it: plotly.js's own `Blues` is grey to royal blue.
        let scale = try XCTUnwrap(layout["coloraxis"]?.objectValue?["colorscale"]?.arrayValue)
        XCTAssertEqual(scale.first, [.double(0), "rgb(247,251,255)"])
        XCTAssertEqual(scale.last, [.double(1), "rgb(8,48,107)"])
        XCTAssertEqual(scale.count, 9)
        XCTAssertNil(layout["coloraxis"]?.objectValue?["reversescale"])
        let parallel = try Figure.make(.parallelCoordinates, experiment: experiment, trials: trials, options: options)
        let line = parallel.objectValue?["data"]?.arrayValue?.first?.objectValue?["line"]?.objectValue
        XCTAssertEqual(line?["colorscale"]?.arrayValue?.first, [.double(0), "rgb(255,255,204)"])
    }

    func testEVCTreeAddsTheParentsTrials() async throws {
        let storage = InMemoryStorage()
        let parent = try InsightFixtures.experiment(["/x": "uniform(0, 1)"], name: "demo")
        var child = parent
        child.id = Experiment.makeID()
        child.version = 2
        child.refers = ExperimentRefers(rootID: parent.id, parentID: parent.id)
        try await storage.createExperiment(parent)
        try await storage.createExperiment(child)
        _ = try await storage.registerTrials(InsightFixtures.sampled(5, in: parent, seed: 1) { $0["/x"] ?? 0 })
        _ = try await storage.registerTrials(InsightFixtures.sampled(3, in: child, seed: 2) { $0["/x"] ?? 0 })
        var options = PlotOptions()
        let loaded = try await ExperimentTrials.load(of: child, storage: storage)
        XCTAssertEqual(loaded.count, 8)
        // Under their stored ids (what `orion status -a` and the REST API show), whichever version holds them; the
        // parent sees its child's trials too, as Oríon's `fetch_trials(with_evc_tree=True)`.
        let stored = try await storage.trials(of: parent.id, status: nil) + storage.trials(of: child.id, status: nil)
        XCTAssertEqual(Set(loaded.map(\.id)), Set(stored.map(\.id)))
        XCTAssertEqual(loaded.filter { $0.experimentID == parent.id }.count, 5)
        let fromParent = try await ExperimentTrials.load(of: parent, storage: storage)
        XCTAssertEqual(Set(fromParent.map(\.id)), Set(stored.map(\.id)))
        let parentOnly = try await ExperimentTrials.load(of: parent, storage: storage, withEVCTree: false)
        XCTAssertEqual(parentOnly.count, 5)
        let tree = try await Figure.make(.regret, experiment: child, storage: storage, options: options)
        XCTAssertEqual(tree.objectValue?["data"]?.arrayValue?.first?.objectValue?["y"]?.arrayValue?.count, 8)
        options.withEVCTree = false
        let own = try await Figure.make(.regret, experiment: child, storage: storage, options: options)
        XCTAssertEqual(own.objectValue?["data"]?.arrayValue?.first?.objectValue?["y"]?.arrayValue?.count, 3)
    }

    func testUnknownExperimentAndKind() async throws {
        await XCTAssertThrowsErrorAsync(try await Figure.make(.regret, named: "nope", storage: InMemoryStorage())) {
            XCTAssertEqual(($0 as? ExperimentError)?.code, .notFound)
        }
        XCTAssertEqual(try PlotKind(named: "parallel-coordinates"), .parallelCoordinates)
        XCTAssertThrowsError(try PlotKind(named: "pie")) {
            XCTAssertTrue("\($0)".contains("choose one of lpi, parallel_coordinates"))
        }
    }
}

/// `XCTAssertThrowsError` for an async expression.
func XCTAssertThrowsErrorAsync<T>(
    _ expression: @autoclosure () async throws -> T,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ handler: (any Error) -> Void
) async {
    do {
        _ = try await expression()
        XCTFail("no error thrown", file: file, line: line)
    } catch {
        handler(error)
    }
}
