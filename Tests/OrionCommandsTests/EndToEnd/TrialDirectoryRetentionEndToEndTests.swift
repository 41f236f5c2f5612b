import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Trial directories do not pile up: `orion hunt` keeps the latest and the best, `orion clean` removes on demand.
final class TrialDirectoryRetentionEndToEndTests: XCTestCase {
    /// The trials of `name` whose directory still exists.
    private func kept(_ sandbox: Sandbox, _ name: String) async throws -> [Trial] {
        try await sandbox.trials(of: name).filter { trial in
            trial.workingDir.map { FileManager.default.fileExists(atPath: $0) } ?? false
        }
    }

    /// The ids of the `count` most recently completed trials and of the best one.
    private func latestAndBest(_ trials: [Trial], count: Int) -> Set<String> {
        let completed = trials.filter { $0.status == .completed }
        let latest = completed.sorted { ($0.endTime ?? .distantPast) > ($1.endTime ?? .distantPast) }.prefix(count)
        let best = completed.min { ($0.objective ?? .infinity) < ($1.objective ?? .infinity) }
        return Set(latest.map(\.id) + (best.map { [$0.id] } ?? []))
    }

    func testHuntKeepsTheLatestAndTheBestAndCleanRemovesTheRest() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let arguments = [try Compat.script("noop.sh"), "-x~uniform(0, 1)"]

        let hunt = try sandbox.run(
            ["hunt", "-n", "keep", "--exp-max-trials", "6", "--keep-trial-dirs", "2"] + arguments
        )
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        let trials = try await sandbox.trials(of: "keep")
        XCTAssertEqual(trials.count, 6)
        let afterHunt = try await kept(sandbox, "keep")
        XCTAssertEqual(Set(afterHunt.map(\.id)), latestAndBest(trials, count: 2))

        let dryRun = try sandbox.run(["clean", "-n", "keep", "--dry-run"])
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        let keptBefore = try await kept(sandbox, "keep")
        XCTAssertTrue(dryRun.stdout.hasPrefix("Would remove \(keptBefore.count - 1) trial directories"), dryRun.stdout)
        let afterDryRun = try await kept(sandbox, "keep")
        XCTAssertEqual(afterDryRun.count, keptBefore.count)

        let clean = try sandbox.run(["clean", "-n", "keep"])
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertTrue(clean.stdout.hasPrefix("Removed \(keptBefore.count - 1) trial directories"), clean.stdout)
        let afterClean = try await kept(sandbox, "keep")
        XCTAssertEqual(Set(afterClean.map(\.id)), latestAndBest(trials, count: 0))

        let missing = try sandbox.run(["clean", "-n", "nope"])
        XCTAssertEqual(missing.status, 1, missing.stderr)
    }

    func testEverythingIsKeptInAChosenWorkingDirectoryOrWhenAsked() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let arguments = [try Compat.script("noop.sh"), "-x~uniform(0, 1)"]
        let chosen = try sandbox.run(
            ["hunt", "-n", "chosen", "--exp-max-trials", "3", "--working-dir", sandbox.directory + "/work"] + arguments
        )
        XCTAssertEqual(chosen.status, 0, chosen.stderr)
        let keptChosen = try await kept(sandbox, "chosen")
        XCTAssertEqual(keptChosen.count, 3)

        let all = try sandbox.run(
            ["hunt", "-n", "all", "--exp-max-trials", "3", "--keep-trial-dirs", "0", "--keep-all-trial-dirs"]
                + arguments
        )
        XCTAssertEqual(all.status, 0, all.stderr)
        let keptAll = try await kept(sandbox, "all")
        XCTAssertEqual(keptAll.count, 3)

        let none = try ProcessRunner.run(
            [sandbox.orion, "hunt", "-n", "none", "--exp-max-trials", "3"] + arguments,
            environment: sandbox.environment.merging(["ORION_KEEP_TRIAL_DIRS": "0"]) { $1 },
            currentDirectory: sandbox.directory,
            timeout: 60
        )
        XCTAssertEqual(none.status, 0, none.stderr)
        let keptNone = try await kept(sandbox, "none")
        XCTAssertEqual(keptNone.count, 1, "only the best")
    }
}
