import Foundation
import OrionCore
import XCTest

@testable import OrionWorker

final class TrialDirectoryRetentionTests: XCTestCase {
    /// A trial with `x` as its only value, ended `end` seconds after the epoch, with `objective` when completed.
    private func trial(
        _ x: Double,
        _ status: TrialStatus,
        end: Double = 0,
        objective: Double? = nil,
        parent: String? = nil
    ) -> Trial {
        var trial = Trial(
            experimentID: "e",
            params: [Trial.Param(name: "/x", type: .real, value: .double(x))],
            parent: parent
        )
        trial.status = status
        trial.endTime = Date(timeIntervalSince1970: end)
        if let objective { trial.results = [TrialResult(name: "o", type: .objective, value: .double(objective))] }
        return trial
    }

    func testKeepsTheLatestCompletedTheBestAndWhatMayRunAgain() {
        let best = trial(0.1, .completed, end: 1, objective: -5)
        let old = trial(0.2, .completed, end: 2, objective: 3)
        let parent = trial(0.3, .completed, end: 3, objective: 4)
        let recent = [trial(0.4, .completed, end: 10, objective: 6), trial(0.5, .completed, end: 11, objective: .nan)]
        let broken = trial(0.6, .broken, end: 4)
        let interrupted = trial(0.7, .interrupted, end: 5)
        let child = trial(0.8, .new, parent: parent.id)
        let trials = [best, old, parent, broken, interrupted, child] + recent

        XCTAssertEqual(TrialDirectoryRetention.keepAll.removable(among: trials), [])
        XCTAssertEqual(TrialDirectoryRetention(keepCompleted: 2).removable(among: trials), [old.id])
        XCTAssertEqual(
            Set(TrialDirectoryRetention(keepCompleted: 0).removable(among: trials)),
            Set([old.id] + recent.map(\.id))
        )
        XCTAssertEqual(
            Set(TrialDirectoryRetention(keepCompleted: 0, keepFailed: false).removable(among: trials)),
            Set([old.id, broken.id, interrupted.id] + recent.map(\.id))
        )
    }

    func testApplyRemovesOnlyTrialDirectoriesAndCountsTheirSize() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let kept = trial(0.1, .completed, end: 1, objective: 0)
        let removed = trial(0.2, .completed, end: 2, objective: 1)
        let linked = trial(0.3, .completed, end: 3, objective: 2)
        let missing = trial(0.4, .completed, end: 4, objective: 3)
        for item in [kept, removed] {
            try FileManager.default.createDirectory(
                atPath: directory + "/" + item.id,
                withIntermediateDirectories: true
            )
            try Data(count: 1000).write(to: URL(fileURLWithPath: directory + "/" + item.id + "/stdout.log"))
        }
        // A symbolic link named like a trial (pointing at data elsewhere) is never followed nor removed.
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/" + linked.id, withDestinationPath: "data")
        let trials = [kept, removed, linked, missing]
        let policy = TrialDirectoryRetention(keepCompleted: 0)

        let dryRun = policy.apply(to: trials, in: directory, dryRun: true)
        XCTAssertEqual(dryRun.removed, 1)
        XCTAssertEqual(dryRun.bytes, 1000)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + removed.id))

        let cleanup = policy.apply(to: trials, in: directory)
        XCTAssertEqual(cleanup, dryRun)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/" + removed.id))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + kept.id + "/stdout.log"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + linked.id))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/data"))
    }
}
