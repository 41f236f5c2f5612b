import Foundation
import OrionCore
import OrionSQLite
import XCTest

/// SQLite's one-query pages agree with the in-memory selection (the default of every other backend) for every
/// order, direction, status filter and page position.
final class TrialPagingTests: XCTestCase {
    func testSQLitePagesMatchTheInMemorySelection() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "orion-pages-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try SQLiteStorage(path: directory.appendingPathComponent("orion.db").path)
        let memory = InMemoryStorage()
        // The same experiment id, so that the trial ids (and the order by id) are the same in both.
        let stored = try await ServerFixture.seed(sqlite, name: "pages", count: 47)
        let copy = try await ServerFixture.seed(memory, name: "pages", count: 47, id: stored.id)
        let filters: [[TrialStatus]?] = [nil, [.completed], [.new, .broken], []]
        for sort in TrialPageQuery.SortKey.allCases {
            for descending in [false, true] {
                for statuses in filters {
                    for (offset, limit) in [(0, 10), (5, 20), (40, 10), (60, 5)] {
                        let query = TrialPageQuery(
                            statuses: statuses,
                            sort: sort,
                            descending: descending,
                            offset: offset,
                            limit: limit
                        )
                        let fromSQLite = try await sqlite.trialPage(of: stored.id, query: query)
                        let fromMemory = try await memory.trialPage(of: copy.id, query: query)
                        let label = "\(sort) desc=\(descending) \(String(describing: statuses)) \(offset)+\(limit)"
                        XCTAssertEqual(fromSQLite.total, fromMemory.total, label)
                        XCTAssertEqual(
                            fromSQLite.trials.map { $0.params["x"] },
                            fromMemory.trials.map { $0.params["x"] },
                            label
                        )
                    }
                }
            }
        }
        try await sqlite.close()
    }

    func testObjectiveOrderPutsTrialsWithoutOneLast() {
        let experimentID = "e"
        func trial(_ x: Int, _ status: TrialStatus, _ objective: Double?) -> Trial {
            var trial = Trial(
                experimentID: experimentID,
                params: Parameters([Trial.Param(name: "x", type: .integer, value: .int(x))]),
                submitTime: Date(timeIntervalSince1970: Double(x))
            )
            trial.status = status
            if let objective {
                trial.results = [TrialResult(name: "loss", type: .objective, value: .double(objective))]
            }
            return trial
        }
        let trials = [
            trial(0, .new, nil), trial(1, .completed, 3), trial(2, .completed, .nan), trial(3, .completed, -1),
        ]
        for descending in [false, true] {
            let page = TrialPage.select(from: trials, query: TrialPageQuery(sort: .objective, descending: descending))
            // NaN counts as no objective: those trials come last, in submission order (reversed when descending).
            XCTAssertEqual(
                page.trials.map { $0.params["x"] },
                descending ? [.int(1), .int(3), .int(2), .int(0)] : [.int(3), .int(1), .int(0), .int(2)]
            )
        }
    }
}
