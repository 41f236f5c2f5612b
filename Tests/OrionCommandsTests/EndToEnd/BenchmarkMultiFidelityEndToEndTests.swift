import Foundation
import OrionBenchmark
import OrionTesting
import XCTest

/// `orion benchmark mf-run` and `mf-table` through the built binary.
final class BenchmarkMultiFidelityEndToEndTests: XCTestCase {
    /// A tiny run of random search and ASHA on the synthetic task writes one file each; `mf-table` compares them
    /// against random search's median final regret.
    func testRunThenTable() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let out = sandbox.directory + "/mf"
        let run = try sandbox.run([
            "benchmark", "mf-run", "--algorithms", "random,asha", "--tasks", "learning_curve", "--random-trials", "4",
            "--seeds", "0-2", "--out", out,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: out).sorted(),
            ["mf_swift-orion_asha_learning_curve.json", "mf_swift-orion_random_learning_curve.json"]
        )
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/mf_swift-orion_asha_learning_curve.json"))
        let file = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(file["budget"] as? Double, 108)
        let runs = try XCTUnwrap(file["runs"] as? [[String: Any]])
        for run in runs {
            let spent = try XCTUnwrap(run["fidelities"] as? [Double]).reduce(0, +)
            XCTAssertLessThanOrEqual(spent, 108)
        }

        let table = try sandbox.run(["benchmark", "mf-table", out, "--out", sandbox.directory + "/mf.md"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("## learning_curve  (budget 108 fidelity; target regret "), table.stdout)
        XCTAssertTrue(table.stdout.contains("| swift-orion/asha | 3 |"), table.stdout)
        XCTAssertTrue(table.stdout.contains("| swift-orion/random | 3 |"), table.stdout)
    }

    /// `--workers 1,2` writes one file per count, and `mf-table` adds the simulated workers' table; a count below
    /// one is one clear line, exit code 2.
    func testSimulatedWorkers() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let out = sandbox.directory + "/mf"
        let run = try sandbox.run([
            "benchmark", "mf-run", "--algorithms", "random,asha", "--tasks", "learning_curve", "--random-trials", "4",
            "--seeds", "0-1", "--workers", "1,2", "--out", out,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: out).sorted(),
            [
                "mf_swift-orion_asha_learning_curve.json", "mf_swift-orion_asha_learning_curve_w2.json",
                "mf_swift-orion_random_learning_curve.json", "mf_swift-orion_random_learning_curve_w2.json",
            ]
        )
        let table = try sandbox.run(["benchmark", "mf-table", out])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("| swift-orion/asha ×2 | 2 | 2 |"), table.stdout)
        let bad = try sandbox.run(["benchmark", "mf-run", "--workers", "1,0", "--out", out])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--workers takes counts of at least 1 separated by commas (1,4), got '0'"))
    }

    /// As `run`, `mf-run` joins its seeds with the file of the same configuration and budget in `--out` (seeds 0-1
    /// then 2-3 left only 2 and 3), and says when it replaces a file of another budget.
    func testSeedsRunInSeveralCommandsAreJoined() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let out = sandbox.directory + "/mf"
        let path = out + "/mf_swift-orion_random_learning_curve.json"
        for seeds in ["0-1", "2-3"] {
            let run = try sandbox.run([
                "benchmark", "mf-run", "--algorithms", "random", "--random-trials", "3", "--seeds", seeds, "--out", out,
            ])
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        XCTAssertEqual(try MultiFidelityResultFile.read(from: path).seeds, [0, 1, 2, 3])
        let other = try sandbox.run([
            "benchmark", "mf-run", "--algorithms", "random", "--random-trials", "4", "--seeds", "5", "--out", out,
        ])
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(
            other.stderr.contains("note: \(path) had runs of budget 81 fidelity: replaced by these of budget 108"),
            other.stderr
        )
        XCTAssertEqual(try MultiFidelityResultFile.read(from: path).seeds, [5])
    }

    /// A stored file that a configuration cannot join (another task's runs under its name) is refused before
    /// anything runs, and left as it is.
    func testAStoredFileThatCannotBeJoinedIsRefusedBeforeAnythingRuns() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let out = sandbox.directory + "/mf"
        let made = try sandbox.run([
            "benchmark", "mf-run", "--algorithms", "random", "--random-trials", "2", "--seeds", "0", "--out", out,
        ])
        XCTAssertEqual(made.status, 0, made.stderr)
        let path = out + "/mf_swift-orion_random_learning_curve.json"
        var foreign = try MultiFidelityResultFile.read(from: path)
        foreign.algorithm = "asha"
        let written = try foreign.write(to: sandbox.directory + "/elsewhere")
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: written, toPath: path)
        let before = FileManager.default.contents(atPath: path)
        let refused = try sandbox.run([
            "benchmark", "mf-run", "--algorithms", "hyperband,random", "--random-trials", "2", "--seeds", "0",
            "--out", out,
        ])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(
            refused.stderr.contains("cannot add runs to \(path): it holds runs of swift-orion/asha"),
            refused.stderr
        )
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: out + "/mf_swift-orion_hyperband_learning_curve.json"),
            "nothing ran"
        )
        XCTAssertEqual(FileManager.default.contents(atPath: path), before)
    }

    /// The file is written after each seed: Ctrl-C after some seeds keeps them (it lost every one).
    func testAnInterruptKeepsTheSeedsThatFinished() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let path = sandbox.directory + "/mf/mf_swift-orion_random_learning_curve.json"
        let run = try sandbox.start(
            [
                "benchmark", "mf-run", "--algorithms", "random", "--random-trials", "3", "--seeds", "0-4999",
                "--out", sandbox.directory + "/mf",
            ],
            name: "run"
        )
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: path) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        run.interrupt()
        let output = sandbox.wait(run, name: "run")
        XCTAssertEqual(output.status, 130, output.stderr)
        XCTAssertTrue(output.stderr.contains("interrupted: each configuration's result file keeps"), output.stderr)
        let seeds = try MultiFidelityResultFile.read(from: path).seeds
        XCTAssertFalse(seeds.isEmpty)
        XCTAssertEqual(seeds, Array(0..<seeds.count))

        // SIGTERM (a scheduler's stop): the same, with 128 + 15.
        let terminated = try sandbox.start(
            [
                "benchmark", "mf-run", "--algorithms", "random", "--random-trials", "3", "--seeds", "0-4999",
                "--out", sandbox.directory + "/mf2",
            ],
            name: "terminated"
        )
        let second = sandbox.directory + "/mf2/mf_swift-orion_random_learning_curve.json"
        while !FileManager.default.fileExists(atPath: second) && Date() < deadline + 60 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        terminated.terminate()
        let stopped = sandbox.wait(terminated, name: "terminated")
        XCTAssertEqual(stopped.status, 143, stopped.stderr)
        XCTAssertFalse(try MultiFidelityResultFile.read(from: second).seeds.isEmpty)
    }

    /// An unknown task is one clear line naming the valid ones, exit code 2.
    func testUnknownTask() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let run = try sandbox.run(["benchmark", "mf-run", "--tasks", "mnist", "--out", sandbox.directory + "/mf"])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(
            run.stderr.contains(
                "unknown multi-fidelity task 'mnist'; valid tasks: learning_curve, sgd_digits, mlp_digits"
            )
        )
    }
}
