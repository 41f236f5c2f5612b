import Foundation
import OrionCore
import XCTest

@testable import OrionInsight

final class DurationAnalysisTests: XCTestCase {
    func testBusyWorkersCountOverlappingTrials() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 10)"])
        // [0, 10], [5, 15], [10, 20] (starts when the first ends), [12, 13]; one reserved since 30; one never ran.
        let runs: [(Double, Double)] = [(0, 10), (5, 15), (10, 20), (12, 13)]
        var trials = runs.enumerated().map { index, run in
            InsightFixtures.completed(
                ["/x": .double(Double(index))],
                objective: 1,
                in: experiment,
                start: run.0,
                end: run.1
            )
        }
        var running = Trial(experimentID: experiment.id, params: experiment.space.params(from: ["/x": 8.0]))
        running.status = .reserved
        running.startTime = Date(timeIntervalSince1970: 30)
        trials.append(running)
        trials.append(Trial(experimentID: experiment.id, params: experiment.space.params(from: ["/x": 9.0])))
        let analysis = DurationAnalysis(trials: trials, now: Date(timeIntervalSince1970: 45))
        XCTAssertEqual(analysis.runs.map(\.seconds), [10, 10, 10, 1, 15])
        let steps = analysis.busyWorkers.map { ($0.time.timeIntervalSince1970, $0.busy) }
        let expected: [(Double, Int)] = [(0, 1), (5, 2), (10, 2), (12, 3), (13, 2), (15, 1), (20, 0), (30, 1)]
        XCTAssertEqual(steps.map(\.0), expected.map(\.0))
        XCTAssertEqual(steps.map(\.1), expected.map(\.1))
        XCTAssertEqual(analysis.maxBusy, 3)
        // The figure: one trace per status (completed first), and whole-number ticks for the workers.
        let figure = Figure.durations(analysis, experiment: experiment)
        let traces = try XCTUnwrap(figure.objectValue?["data"]?.arrayValue?.compactMap(\.objectValue))
        XCTAssertEqual(traces.map { $0["name"]?.stringValue }, ["completed", "reserved", "busy workers"])
        XCTAssertEqual(traces.first?["y"]?.arrayValue?.count, 4)
        let workers = figure.objectValue?["layout"]?.objectValue?["yaxis2"]?.objectValue
        XCTAssertEqual(workers?["dtick"], .int(1))
        XCTAssertEqual(workers?["tick0"], .int(0))
    }
    /// A broken trial without an end time (as Oríon stores one, then imported) ran until its last heartbeat.
    func testABrokenTrialWithoutAnEndRunsUntilItsHeartbeat() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 10)"])
        var broken = Trial(experimentID: experiment.id, params: experiment.space.params(from: ["/x": 1.0]))
        broken.status = .broken
        broken.startTime = Date(timeIntervalSince1970: 100)
        broken.heartbeat = Date(timeIntervalSince1970: 160)
        var unknown = broken
        unknown.params = experiment.space.params(from: ["/x": 2.0])
        unknown.heartbeat = nil
        let analysis = DurationAnalysis(trials: [broken, unknown], now: Date(timeIntervalSince1970: 500))
        XCTAssertEqual(analysis.runs.map(\.seconds), [60], "the one without a heartbeat has no known end")
    }
}
