import Foundation
import OrionCore
import OrionTesting
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

    /// In a space with a fidelity, completed trials below the top may still be promoted or continued: kept until the
    /// experiment is done.
    func testTrialsBelowTheTopFidelityAreKeptUntilTheExperimentIsDone() throws {
        let space = try Space(priors: ["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 9, base=3)"])
        func trial(_ epochs: Int, end: Double, objective: Double) -> Trial {
            var trial = Trial(
                experimentID: "e",
                params: [
                    Trial.Param(name: "/epochs", type: .fidelity, value: .int(epochs)),
                    Trial.Param(name: "/x", type: .real, value: .double(end / 100)),
                ]
            )
            trial.status = .completed
            trial.endTime = Date(timeIntervalSince1970: end)
            trial.results = [TrialResult(name: "o", type: .objective, value: .double(objective))]
            return trial
        }
        let low = [trial(1, end: 1, objective: 5), trial(3, end: 2, objective: 4)]
        let top = [trial(9, end: 3, objective: 1), trial(9, end: 4, objective: 2)]
        let policy = TrialDirectoryRetention(keepCompleted: 0)
        let running = TrialDirectoryRetention.Promotions.of(space, done: false)
        XCTAssertEqual(running, TrialDirectoryRetention.Promotions(dimension: "/epochs", top: 9))
        XCTAssertEqual(policy.removable(among: low + top, promotions: running), [top[1].id])
        XCTAssertNil(TrialDirectoryRetention.Promotions.of(space, done: true))
        XCTAssertEqual(Set(policy.removable(among: low + top)), Set(low.map(\.id) + [top[1].id]))
        XCTAssertNil(TrialDirectoryRetention.Promotions.of(try Space(priors: ["/x": "uniform(0, 1)"]), done: false))

        // Bounded: the best 100 of each fidelity below the top (the better trials are those built on), or more when
        // more recent ones are kept. All were kept, and an ASHA without an end kept nearly every directory (hBP).
        let many = (0..<150).map { trial(1, end: Double(10 + $0), objective: Double(1000 - $0)) }
        let worst = Set(many.prefix(50).map(\.id))
        XCTAssertEqual(Set(policy.removable(among: many + top, promotions: running)), worst.union([top[1].id]))
        // A population larger than that is kept whole at each fidelity: each member may be continued (hBQ).
        let population = AlgorithmConfig(name: "pbt", options: ["population_size": .int(140)])
        let pbt = try XCTUnwrap(TrialDirectoryRetention.Promotions.of(space, done: false, algorithm: population))
        XCTAssertEqual(pbt.perLevel, 140)
        XCTAssertEqual(
            Set(policy.removable(among: many + top, promotions: pbt)),
            Set(many.prefix(10).map(\.id) + [top[1].id])
        )
        let evolution = AlgorithmConfig(name: "evolutiones", options: ["nums_population": .int(20)])
        XCTAssertEqual(TrialDirectoryRetention.Promotions.of(space, done: false, algorithm: evolution)?.perLevel, 100)
        let recent = TrialDirectoryRetention(keepCompleted: 120)
        XCTAssertEqual(
            Set(recent.removable(among: many + top, promotions: running)),
            Set(many.prefix(30).map(\.id) + [top[1].id])
        )
    }

    /// Reading only the deciding trials from the storage removes exactly the directories that reading every trial
    /// does, for random experiments and every kind of policy.
    func testApplyingFromTheStorageRemovesWhatApplyingToEveryTrialRemoves() async throws {
        var generator = SeededGenerator(seed: 11)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        for round in 0..<6 {
            let experiment = Experiment(name: "r\(round)", space: space, algorithm: AlgorithmConfig(name: "random"))
            var trials: [Trial] = []
            // Distinct end times and objectives: with ties, which of the tied trials are "the latest" or "the best"
            // is arbitrary either way.
            let ends = Array(0..<300).shuffled(using: &generator)
            let objectives = Array(0..<300).shuffled(using: &generator)
            for index in 0..<300 {
                let statuses: [TrialStatus] = [
                    .completed, .completed, .completed, .broken, .interrupted, .new, .reserved,
                ]
                let status = statuses.randomElement(using: &generator)!
                let parent =
                    index > 10 && Double.random(in: 0..<1, using: &generator) < 0.2
                    ? trials.randomElement(using: &generator)?.id : nil
                var made = Trial(
                    experimentID: experiment.id,
                    params: [Trial.Param(name: "/x", type: .real, value: .double(Double(index) / 300))],
                    parent: parent
                )
                made.status = status
                made.endTime = Date(timeIntervalSince1970: Double(ends[index]))
                if status == .completed { made.results = [.objective(Double(objectives[index]))] }
                trials.append(made)
            }
            let storage = InMemoryStorage()
            _ = try await storage.createExperiment(experiment, trials: trials)
            let onDisk = trials.filter { _ in Double.random(in: 0..<1, using: &generator) < 0.4 }.map(\.id)
            let policy = TrialDirectoryRetention(keepCompleted: [0, 5, 50][round % 3], keepFailed: round < 3)
            var left: [Set<String>] = []
            for copy in ["every", "deciding"] {
                let directory = root + "/\(round)-\(copy)"
                for id in onDisk {
                    try FileManager.default.createDirectory(
                        atPath: directory + "/" + id,
                        withIntermediateDirectories: true
                    )
                }
                try "not a trial".write(toFile: directory + "/slurm-array.sh", atomically: true, encoding: .utf8)
                if copy == "every" {
                    _ = policy.apply(to: try await storage.trials(of: experiment.id, status: nil), in: directory)
                } else {
                    _ = try await policy.apply(experimentID: experiment.id, storage: storage, in: directory)
                }
                left.append(Set(try FileManager.default.contentsOfDirectory(atPath: directory)))
            }
            XCTAssertEqual(left[0], left[1], "round \(round)")
            XCTAssertLessThan(left[0].count, onDisk.count + 1, "round \(round): something was removed")
        }
    }

    /// A second Ctrl-C stops the removal between two directories (it took a minute for 20,000 of them).
    func testApplyStopsWhenAsked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trials = (0..<6).map { trial(0.1 * Double($0 + 1), .completed, end: Double($0), objective: Double($0)) }
        for item in trials {
            try FileManager.default.createDirectory(
                atPath: directory + "/" + item.id,
                withIntermediateDirectories: true
            )
        }
        var asked = 0
        let cleanup = TrialDirectoryRetention(keepCompleted: 0).apply(to: trials, in: directory) {
            asked += 1
            return asked > 2
        }
        XCTAssertEqual(cleanup.removed, 2, "5 removable (the best is kept), stopped after 2")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).count, 4)
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
            try Data(count: 1000).write(to: URL(fileURLWithPath: directory + "/" + item.id + "/orion.stdout.log"))
        }
        // A symbolic link named like a trial (pointing at data elsewhere) is never followed nor removed.
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/" + linked.id, withDestinationPath: "data")
        let trials = [kept, removed, linked, missing]
        let policy = TrialDirectoryRetention(keepCompleted: 0)

        // The disk space it frees, as `du` counts it (its files' lengths were told: far less than the space).
        let du = try ProcessRunner.run(["/usr/bin/du", "-s", "--block-size=1", directory + "/" + removed.id])
        let used = try XCTUnwrap(Int64(du.stdout.split(separator: "\t").first ?? ""))
        let dryRun = policy.apply(to: trials, in: directory, dryRun: true)
        XCTAssertEqual(dryRun.removed, 1)
        XCTAssertEqual(dryRun.bytes, used)
        XCTAssertGreaterThanOrEqual(used, 1000)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + removed.id))

        let cleanup = policy.apply(to: trials, in: directory)
        XCTAssertEqual(cleanup, dryRun)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/" + removed.id))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + kept.id + "/orion.stdout.log"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + linked.id))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/data"))
    }
}
