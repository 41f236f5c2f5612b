import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Scripts written for Oríon's `orion.client` run under `orion hunt` with no Oríon installed.
final class PythonClientEndToEndTests: XCTestCase {
    private func requireNoOrion() throws {
        let probe = try ProcessRunner.run(["/usr/bin/env", "python3", "-c", "import orion"], timeout: 30)
        if probe.status == 0 || !probe.stderr.contains("No module named") {
            throw XCTSkip("python3 is missing, or has Oríon installed: these tests check the light client alone")
        }
    }

    private let header =
        "#!/usr/bin/env python3\nimport argparse\n"
        + "parser = argparse.ArgumentParser()\nparser.add_argument('-x', type=float)\nx = parser.parse_args().x\n"

    func testReportObjectiveIsStoredAndTheClientCanBeTurnedOff() async throws {
        try requireNoOrion()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "client.py",
            header + "from orion.client import report_objective\nreport_objective((x - 0.5) ** 2, name='loss')\n"
        )
        let output = try sandbox.run(["hunt", "-n", "client", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "client")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 3)
        for trial in trials {
            let x = try XCTUnwrap(trial.values["/x"]?.doubleValue)
            XCTAssertEqual(try XCTUnwrap(trial.objective), (x - 0.5) * (x - 0.5), accuracy: 1e-12)
            XCTAssertEqual(trial.results.first?.name, "loss")
        }

        let off = try sandbox.run([
            "hunt", "-n", "off", "--exp-max-trials", "1", "--worker-max-broken", "1", "--no-python-client", script,
            "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(off.status, 1, off.stderr)
        let broken = try await sandbox.trials(of: "off")
        XCTAssertEqual(broken.map(\.status), [.broken])
        XCTAssertTrue(broken.first?.failure?.contains("No module named 'orion'") ?? false, "\(broken)")
    }

    /// `ORION_PYTHON_CLIENT` reads as the other boolean variables do: `Off` turns the client off, and a typo is an
    /// error naming the variable before anything is stored (`flase` turned it on; hBG's probe).
    func testThePythonClientVariableIsABoolean() async throws {
        try requireNoOrion()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "client.py",
            header + "from orion.client import report_objective\nreport_objective(x)\n"
        )
        func hunt(_ name: String, _ value: String) throws -> ProcessRunner.Output {
            var environment = sandbox.environment
            environment["ORION_PYTHON_CLIENT"] = value
            return try ProcessRunner.run(
                [
                    sandbox.orion, "hunt", "-n", name, "--exp-max-trials", "1", "--worker-max-broken", "1", script,
                    "-x~uniform(0, 1)",
                ],
                environment: environment,
                currentDirectory: sandbox.directory
            )
        }
        let typo = try hunt("typo", "flase")
        XCTAssertEqual(typo.status, 2, typo.stderr)
        XCTAssertEqual(
            typo.stderr,
            "Error: environment variable ORION_PYTHON_CLIENT must be true or false (or 1/0, yes/no, on/off), not"
                + " 'flase'; set e.g. ORION_PYTHON_CLIENT=false\n"
        )
        let off = try hunt("off", "Off")
        XCTAssertEqual(off.status, 1, off.stderr)
        let broken = try await sandbox.trials(of: "off")
        XCTAssertTrue(broken.first?.failure?.contains("No module named 'orion'") ?? false, "\(broken)")
        let stored = try await sandbox.storage().experiment(named: "typo", version: nil)
        XCTAssertNil(stored, "a refused hunt created its experiment")
    }

    func testInterruptTrialAndReportBadTrialMapToOrionsStatuses() async throws {
        try requireNoOrion()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let bad = try sandbox.script(
            "bad.py",
            header + "from orion.client import report_bad_trial\nreport_bad_trial()\n"
        )
        let output = try sandbox.run(["hunt", "-n", "bad", "--exp-max-trials", "1", bad, "-x~uniform(0, 1)"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let completed = try await sandbox.trials(of: "bad")
        XCTAssertEqual(completed.map(\.status), [.completed])
        XCTAssertEqual(completed.first?.objective, 1e10)

        let stop = try sandbox.script(
            "stop.py",
            header + "from orion.client import interrupt_trial\ninterrupt_trial()\n"
        )
        let interrupted = try sandbox.run(["hunt", "-n", "stop", "--exp-max-trials", "1", stop, "-x~uniform(0, 1)"])
        XCTAssertEqual(interrupted.status, 130, interrupted.stderr)
        XCTAssertTrue(interrupted.stdout.contains("Orion is interrupted."), interrupted.stdout)
        let stopped = try await sandbox.trials(of: "stop")
        XCTAssertEqual(stopped.map(\.status), [.interrupted])
    }
}
