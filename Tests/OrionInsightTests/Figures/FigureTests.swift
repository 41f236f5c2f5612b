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
