import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Issue 12, part 5: `orion hunt` with its trials run as jobs of a real Slurm, and a hunt's workers submitted as a
/// job array (the one-node Slurm of `scripts/services/slurm.sh`; `scripts/test` sets `ORION_TEST_SLURM=1` once it
/// is up).
final class SlurmEndToEndTests: XCTestCase {
    private func requireSlurm() throws {
        guard ProcessInfo.processInfo.environment["ORION_TEST_SLURM"] == "1" else {
            throw XCTSkip(
                "no Slurm: ORION_TEST_SLURM is not 1 (scripts/test sets it once scripts/services/slurm.sh has started a"
                    + " one-node Slurm; that needs root and Debian's slurmctld, slurmd and munge)"
            )
        }
    }

    /// A script that prints its Slurm job and writes `x` as its objective, after `seconds` (so that a worker that
    /// starts a little late still finds trials to run).
    private func jobReportingScript(_ sandbox: Sandbox, seconds: Double = 0) throws -> String {
        try sandbox.script(
            "train.sh",
            """
            #!/bin/sh
            sleep \(seconds)
            echo "job ${SLURM_JOB_ID:-none} array ${SLURM_ARRAY_JOB_ID:-none} x $2"
            printf '[{"name": "o", "type": "objective", "value": %s}]' "$2" > "$ORION_RESULTS_PATH"

            """
        )
    }

    func testAHuntRunsItsTrialsAsSlurmJobs() async throws {
        try requireSlurm()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let output = try sandbox.run([
            "hunt", "-n", "jobs", "--exp-max-trials", "4", "--n-workers", "2", "--executor", "slurm",
            "--working-dir", sandbox.directory + "/work", try jobReportingScript(sandbox), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "jobs")
        XCTAssertEqual(trials.map(\.status), Array(repeating: .completed, count: 4))
        var jobs: Set<String> = []
        for trial in trials {
            XCTAssertEqual(trial.objective, trial.values["/x"]?.doubleValue)
            let directory = try XCTUnwrap(trial.workingDir)
            let log = try String(contentsOfFile: directory + "/orion.stdout.log", encoding: .utf8)
            let words = log.split(separator: " ")
            XCTAssertEqual(words.first, "job", log)
            let job = words.count > 1 ? String(words[1]) : "none"
            XCTAssertNotEqual(job, "none", "the trial ran as a Slurm job: \(log)")
            jobs.insert(job)
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/slurm-job.sh"))
        }
        XCTAssertEqual(jobs.count, 4, "one job per trial")
    }

    func testATrialRunAsAJobCanUseThePythonClient() async throws {
        try requireSlurm()
        let probe = try ProcessRunner.run(["/usr/bin/env", "python3", "-c", "import orion"], timeout: 30)
        if probe.status == 0 || !probe.stderr.contains("No module named") {
            throw XCTSkip("python3 is missing, or has Oríon installed: this test checks the light client alone")
        }
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "client.py",
            """
            #!/usr/bin/env python3
            import argparse
            parser = argparse.ArgumentParser()
            parser.add_argument('-x', type=float)
            x = parser.parse_args().x
            from orion.client import report_objective
            report_objective((x - 0.5) ** 2, name='loss')

            """
        )
        let output = try sandbox.run([
            "hunt", "-n", "client-jobs", "--exp-max-trials", "2", "--executor", "slurm", "--working-dir",
            sandbox.directory + "/work", script, "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "client-jobs")
        XCTAssertEqual(trials.map(\.status), [.completed, .completed], "\(trials.map(\.failure))")
        for trial in trials {
            let x = try XCTUnwrap(trial.values["/x"]?.doubleValue)
            XCTAssertEqual(try XCTUnwrap(trial.objective), (x - 0.5) * (x - 0.5), accuracy: 1e-12)
            XCTAssertEqual(trial.results.first?.name, "loss")
            let directory = try XCTUnwrap(trial.workingDir)
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/slurm-job.sh"), "it ran as a job")
        }
    }

    func testAJobPastItsSlurmTimeLimitBreaksItsTrialSayingSo() async throws {
        try requireSlurm()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("slow.sh", "#!/bin/sh\nsleep 600\n")
        // One minute, Slurm's smallest limit; the job is killed when slurmctld next checks (within 30 s or so).
        let output = try sandbox.run(
            [
                "hunt", "-n", "timeout", "--exp-max-trials", "1", "--worker-max-broken", "1", "--executor", "slurm",
                "--slurm-time", "1", "--working-dir", sandbox.directory + "/work", script, "-x~uniform(0, 1)",
            ],
            timeout: 240
        )
        XCTAssertEqual(output.status, 1, "the experiment is broken: \(output.stderr)")
        let trials = try await sandbox.trials(of: "timeout")
        XCTAssertEqual(trials.map(\.status), [.broken])
        let failure = trials.first?.failure ?? ""
        XCTAssertTrue(failure.contains("TIMEOUT"), failure)
        XCTAssertTrue(failure.contains("ran past its time limit"), failure)
    }

    func testAJobArrayOfTwoWorkersFinishesTheBudget() async throws {
        try requireSlurm()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let output = try sandbox.run([
            "hunt", "--slurm-array", "2", "-n", "array", "--exp-max-trials", "12", "--idle-timeout", "20",
            "--working-dir", sandbox.directory + "/work", try jobReportingScript(sandbox, seconds: 1),
            "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.hasPrefix("Submitted 2 workers of 'array' as the Slurm job array "), output.stdout)
        let jobID = String(output.stdout.split(separator: "\n").first?.split(separator: " ").last ?? "")
        XCTAssertFalse(jobID.isEmpty)
        defer { _ = try? ProcessRunner.run(["/usr/bin/env", "scancel", jobID]) }
        // The script (whose command line may hold a database password) is its owner's only; the hunt says that
        // SQLite tasks must share this machine.
        let attributes = try FileManager.default.attributesOfItem(
            atPath: sandbox.directory + "/work/slurm-array-array-v1.sh"
        )
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertTrue(output.stderr.contains("note: the tasks share the SQLite file"), output.stderr)

        // Wait for both tasks to leave the queue.
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let queue = try ProcessRunner.run(["/usr/bin/env", "squeue", "-h", "-j", jobID])
            if queue.status == 0, queue.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let trials = try await sandbox.trials(of: "array")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 12, "\(trials.map(\.status))")
        XCTAssertEqual(trials.count, 12)
        for task in 0..<2 {
            let log = try String(
                contentsOfFile: sandbox.directory + "/work/slurm-array-\(jobID)_\(task).log",
                encoding: .utf8
            )
            XCTAssertTrue(log.contains("array \(jobID) x "), "task \(task) ran trials in the array: \(log)")
        }
        let workers = Set(trials.compactMap(\.worker))
        XCTAssertLessThanOrEqual(workers.count, 2)
    }
}
