import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Several `orion hunt` processes on one SQLite file, started at once on a new file, and killed mid-trial.
final class ConcurrencyEndToEndTests: XCTestCase {
    func testSixHuntsOnANewFileCompleteExactlyTheBudgetWithoutDuplicates() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let arguments = [
            "hunt", "-n", "crowd", "--exp-max-trials", "150", "--n-workers", "2", try Compat.script("noop.sh"),
            "-x~uniform(0, 1)",
        ]
        let processes = try (0..<6).map { try sandbox.start(arguments, name: "hunt\($0)") }
        for (index, process) in processes.enumerated() {
            let output = sandbox.wait(process, name: "hunt\(index)")
            XCTAssertEqual(output.status, 0, "hunt \(index): \(output.stderr)")
        }
        let trials = try await sandbox.trials(of: "crowd")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 150)
        XCTAssertEqual(trials.count, 150, "no trial beyond the budget")
        XCTAssertEqual(Set(trials.map { Trial.parametersRepresentation($0.params) }).count, 150)
        for trial in trials { XCTAssertEqual(trial.objective, trial.values["/x"]?.doubleValue) }
    }

    func testAWorkerKilledMidTrialLosesNothing() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "slowish.sh",
            "#!/bin/sh\nsleep 0.2\n"
                + "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":%s}]' \"$2\" > \"$ORION_RESULTS_PATH\"\n"
        )
        let arguments = [
            "hunt", "-n", "killed", "--exp-max-trials", "24", "--heartbeat", "1", "--idle-timeout", "30", script,
            "-x~uniform(0, 1)",
        ]
        let victim = try sandbox.start(arguments, name: "victim")
        // Let the victim complete a few trials and hold one, then kill it without warning.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let trials = try await sandbox.trials(of: "killed")
            if trials.filter({ $0.status == .completed }).count >= 3, trials.contains(where: { $0.status == .reserved })
            {
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(victim.processIdentifier, SIGKILL)
        _ = sandbox.wait(victim, name: "victim")
        // Almost always the victim dies holding a trial; it may die between two trials, holding none.
        let held = try await sandbox.trials(of: "killed").filter { $0.status == .reserved }
        XCTAssertLessThanOrEqual(held.count, 1)

        let survivors = try (0..<2).map { try sandbox.start(arguments, name: "survivor\($0)") }
        for (index, process) in survivors.enumerated() {
            let output = sandbox.wait(process, name: "survivor\(index)")
            XCTAssertEqual(output.status, 0, "survivor \(index): \(output.stderr)")
        }
        let trials = try await sandbox.trials(of: "killed")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 24)
        XCTAssertEqual(trials.count, 24)
        if let lost = held.first {
            let rerun = try XCTUnwrap(trials.first { $0.id == lost.id })
            XCTAssertEqual(rerun.status, .completed, "the lost trial was run again")
            XCTAssertNotEqual(rerun.worker, lost.worker)
        }
    }
}
