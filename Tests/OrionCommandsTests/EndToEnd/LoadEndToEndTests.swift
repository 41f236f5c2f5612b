import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Issue 12, part 3 (SQLite): many `orion hunt` processes on one SQLite file, with thousands of trials of the
/// cheapest script, and workers killed with SIGKILL during the run: exactly the budget completed, no point twice,
/// nothing lost.
final class LoadEndToEndTests: XCTestCase {
    private static let budget = 2_000
    private static let hunts = 16

    /// The hunt's arguments, with `random` named: the load is the framework's, not a model's (the default, `auto`,
    /// would fit a Gaussian process for the first 300 trials).
    private func arguments(_ name: String, _ sandbox: Sandbox) throws -> [String] {
        let config = sandbox.directory + "/random.yaml"
        try "experiment:\n  algorithm: random\n".write(toFile: config, atomically: true, encoding: .utf8)
        return [
            "hunt", "-n", name, "--config", config, "--exp-max-trials", "\(Self.budget)", "--heartbeat", "2",
            "--idle-timeout", "30", "--pool-size", "4", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ]
    }

    /// Every trial of `name` is completed, with its own point's objective, and there are exactly `budget`.
    private func checkEveryTrialCompletedOnce(_ sandbox: Sandbox, _ name: String) async throws {
        let trials = try await sandbox.trials(of: name)
        XCTAssertEqual(trials.count, Self.budget, "no trial beyond the budget, none lost")
        XCTAssertEqual(
            Dictionary(grouping: trials, by: \.status).mapValues(\.count),
            [.completed: Self.budget],
            "every trial completed"
        )
        XCTAssertEqual(Set(trials.map(\.id)).count, Self.budget, "no trial twice")
        XCTAssertEqual(
            Set(trials.map { Trial.parametersRepresentation($0.params) }).count,
            Self.budget,
            "no point twice"
        )
        let mismatched = trials.filter { $0.objective != $0.values["/x"]?.doubleValue }
        XCTAssertEqual(mismatched.map(\.id), [], "each result is its own trial's")
    }

    func testSixteenHuntsCompleteTwoThousandTrialsExactlyOnce() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let arguments = try arguments("load", sandbox)
        let start = Date()
        let processes = try (0..<Self.hunts).map { try sandbox.start(arguments, name: "hunt\($0)") }
        for (index, process) in processes.enumerated() {
            let output = sandbox.wait(process, name: "hunt\(index)", timeout: 120)
            XCTAssertEqual(output.status, 0, "hunt \(index): \(output.stderr)")
        }
        print("16 hunts, \(Self.budget) trials: \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        try await checkEveryTrialCompletedOnce(sandbox, "load")
    }

    func testHuntsKilledWithSIGKILLEverySecondLoseNothing() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let arguments = try arguments("killed", sandbox)
        let start = Date()
        var processes = try (0..<Self.hunts).map { try sandbox.start(arguments, name: "hunt\($0)") }
        defer { for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Every second, one of the running hunts (chosen by a seeded generator) dies without warning.
        var generator = SeededGenerator(seed: 12)
        var killed = 0
        while killed < 6 {
            try await Task.sleep(for: .seconds(1))
            let running = processes.indices.filter { processes[$0].isRunning }
            guard let victim = running.randomElement(using: &generator) else { break }
            kill(processes[victim].processIdentifier, SIGKILL)
            killed += 1
        }
        for (index, process) in processes.enumerated() {
            let output = sandbox.wait(process, name: "hunt\(index)", timeout: 120)
            if output.status != 128 + SIGKILL { XCTAssertEqual(output.status, 0, "hunt \(index): \(output.stderr)") }
        }
        XCTAssertGreaterThan(killed, 0, "at least one hunt was killed during the run")
        // One more hunt finishes what the killed ones held.
        let last = try sandbox.run(arguments, timeout: 60)
        XCTAssertEqual(last.status, 0, last.stderr)
        print(
            "16 hunts, \(killed) killed, \(Self.budget) trials: "
                + "\(String(format: "%.1f", Date().timeIntervalSince(start))) s"
        )
        try await checkEveryTrialCompletedOnce(sandbox, "killed")
        processes.removeAll()
    }
}
