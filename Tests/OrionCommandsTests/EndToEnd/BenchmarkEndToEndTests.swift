import Foundation
import OrionBenchmark
import OrionTesting
import XCTest

/// `orion benchmark run`, `table` and `list` through the built binary.
final class BenchmarkEndToEndTests: XCTestCase {
    private func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A tiny run writes one file per task, algorithm and worker count in the peers' schema; `table` merges them
    /// with the peers' files into the markdown tables.
    func testRunThenTableWithThePeers() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let out = sandbox.directory + "/results"
        let run = try sandbox.run([
            "benchmark", "run", "--algorithms", "random", "--problems", "branin,mixed_cat_int", "--budget", "12",
            "--seeds", "0-2", "--workers", "1,2", "--storage", "sqlite", "--out", out,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(
            names,
            [
                "swift-orion_random-sqlite_branin.json", "swift-orion_random-sqlite_mixed_cat_int.json",
                "swift-orion_random-w2-sqlite_branin.json", "swift-orion_random-w2-sqlite_mixed_cat_int.json",
            ]
        )
        let file = try json(out + "/swift-orion_random-sqlite_branin.json")
        XCTAssertEqual(file["framework"] as? String, "swift-orion")
        XCTAssertEqual(file["budget"] as? Int, 12)
        XCTAssertEqual(file["seeds"] as? [Int], [0, 1, 2])
        let runs = try XCTUnwrap(file["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.map { ($0["values"] as? [Double])?.count }, [12, 12, 12])
        XCTAssertEqual(run.stdout.split(separator: "\n").count, 4, run.stdout)

        let peers = sandbox.directory + "/peers"
        try FileManager.default.createDirectory(atPath: peers, withIntermediateDirectories: true)
        var fixtures = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<3 { fixtures.deleteLastPathComponent() }
        let source = fixtures.appendingPathComponent("Fixtures/benchmark/results/optuna_random_branin.json").path
        guard FileManager.default.fileExists(atPath: source) else { throw XCTSkip("\(source) not found") }
        try FileManager.default.copyItem(atPath: source, toPath: peers + "/optuna_random_branin.json")
        let table = try sandbox.run(["benchmark", "table", out, peers, "--out", sandbox.directory + "/table.md"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertEqual(try String(contentsOfFile: sandbox.directory + "/table.md", encoding: .utf8), table.stdout)
        XCTAssertTrue(table.stdout.contains("## branin  (optimum 0.3978873577; dims x1:f, x2:f)"), table.stdout)
        XCTAssertTrue(table.stdout.contains("| optuna/random | 10 | 3.752 | 3.168 |"), table.stdout)
        XCTAssertTrue(table.stdout.contains("| swift-orion/random-sqlite | 3 |"), table.stdout)
        XCTAssertTrue(table.stdout.contains("| swift-orion/random-w2-sqlite | 3 |"), table.stdout)
    }

    /// Without a Python that runs tasks.py, the scikit-learn tasks are skipped with one line saying how to fix it
    /// and the other tasks run; with nothing else to run, the command fails with that line.
    func testScikitLearnTasksSkipWithoutPython() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let out = sandbox.directory + "/results"
        let run = try sandbox.run([
            "benchmark", "run", "--problems", "branin,sklearn", "--budget", "3", "--seeds", "0",
            "--python", "/nonexistent/python3", "--out", out,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("skipping the scikit-learn tasks"), run.stderr)
        XCTAssertTrue(run.stderr.contains("--python"), run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["swift-orion_random_branin.json"])
        let alone = try sandbox.run([
            "benchmark", "run", "--problems", "sk_svc_digits", "--budget", "3", "--seeds", "0",
            "--python", "/nonexistent/python3", "--out", out,
        ])
        XCTAssertEqual(alone.status, 2, alone.stderr)
        XCTAssertTrue(alone.stderr.contains("nothing to run"), alone.stderr)
    }

    /// An algorithm with options gets a label listing them; `assess` tabulates Oríon's assessments of the files.
    func testAlgorithmWithOptionsAndAssessments() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let out = sandbox.directory + "/results"
        let run = try sandbox.run([
            "benchmark", "run", "--algorithms", "random", "--algorithm", #"{"random": {"seed": 7}}"#, "--problems",
            "RosenBrock:dim=3", "--seeds", "0-1", "--out", out,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: out).sorted(),
            ["swift-orion_random-seed=7_RosenBrock+dim=3.json", "swift-orion_random_RosenBrock+dim=3.json"]
        )
        let rank = try sandbox.run(["benchmark", "assess", out, "--assessment", "AverageRank", "--checkpoints", "20"])
        XCTAssertEqual(rank.status, 0, rank.stderr)
        XCTAssertTrue(rank.stdout.contains("## RosenBrock+dim=3  (optimum 0)"), rank.stdout)
        XCTAssertTrue(rank.stdout.contains("| framework/algo | runs | @20 | median wall s/run |"), rank.stdout)
        let ranks = rank.stdout.split(separator: "\n").filter { $0.hasPrefix("| swift-orion/") }
        XCTAssertEqual(ranks.count, 2, rank.stdout)
    }

    /// Mistakes are usage errors (exit 2) with one line naming the valid values.
    /// Seeds run in several commands into one directory are joined in one file per configuration (written after
    /// each seed); an algorithm that cannot run on a task, or an output that is a file, stops the run before
    /// anything is written; a configuration named twice runs once.
    func testRunsJoinSeedsAndCheckBeforeRunning() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let out = sandbox.directory + "/r"
        for seeds in ["0-1", "2"] {
            let run = try sandbox.run([
                "benchmark", "run", "--algorithms", "random,random", "--problems", "branin", "--seeds", seeds,
                "--budget", "5", "--out", out,
            ])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(
                run.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("random on branin") }.count,
                1
            )
        }
        let file = try BenchmarkResultFile.read(from: out + "/swift-orion_random_branin.json")
        XCTAssertEqual(file.seeds, [0, 1, 2])
        XCTAssertFalse(file.notes.contains("JSONValue"), file.notes)

        let mixed = try sandbox.run([
            "benchmark", "run", "--algorithms", "tpe,asha", "--problems", "branin", "--seeds", "0", "--budget", "5",
            "--out", sandbox.directory + "/m",
        ])
        XCTAssertEqual(mixed.status, 2)
        XCTAssertTrue(
            mixed.stderr.contains("cannot run asha on branin: it needs a fidelity; run it on the"),
            mixed.stderr
        )
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.directory + "/m/swift-orion_tpe_branin.json"))

        let plain = sandbox.directory + "/plain"
        FileManager.default.createFile(atPath: plain, contents: Data())
        let onAFile = try sandbox.run(["benchmark", "run", "--problems", "branin", "--budget", "5", "--out", plain])
        XCTAssertEqual(onAFile.status, 2)
        XCTAssertTrue(onAFile.stderr.contains("is a file: give a directory"), onAFile.stderr)
    }

    /// Ctrl-C stops a run with exit 130 and removes its scratch database (`--storage sqlite`) from the temporary
    /// directory.
    func testAnInterruptedRunLeavesNoScratchDatabase() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let run = try sandbox.start(
            [
                "benchmark", "run", "--algorithms", "gp", "--problems", "hartmann6", "--seeds", "0-9", "--budget",
                "400",
                "--storage", "sqlite", "--out", sandbox.directory + "/r",
            ],
            name: "run"
        )
        let temporary = sandbox.directory + "/tmp"
        let scratch = {
            ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).filter {
                $0.hasPrefix("orion-benchmark-")
            }
        }
        let deadline = Date().addingTimeInterval(60)
        while scratch().isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(scratch().isEmpty, "the run made its scratch database")
        run.interrupt()
        let output = sandbox.wait(run, name: "run")
        XCTAssertEqual(output.status, 130, output.stderr)
        XCTAssertEqual(scratch(), [], "the interrupted run removed its scratch files")
    }

    /// A stored file that a configuration cannot join (another problem's runs under its name) is refused before
    /// anything runs, and left as it is: the configurations before it ran first, then the command stopped midway.
    func testAStoredFileThatCannotBeJoinedIsRefusedBeforeAnythingRuns() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let other = sandbox.directory + "/other"
        let made = try sandbox.run([
            "benchmark", "run", "--problems", "hartmann3", "--budget", "2", "--seeds", "0", "--out", other,
        ])
        XCTAssertEqual(made.status, 0, made.stderr)
        let out = sandbox.directory + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let foreign = out + "/swift-orion_random_branin.json"
        try FileManager.default.copyItem(atPath: other + "/swift-orion_random_hartmann3.json", toPath: foreign)
        let before = FileManager.default.contents(atPath: foreign)
        let refused = try sandbox.run([
            "benchmark", "run", "--algorithms", "tpe,random", "--problems", "branin", "--budget", "2", "--seeds", "0",
            "--out", out,
        ])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(
            refused.stderr.contains(
                "cannot add runs to \(foreign): it holds runs of swift-orion/random on hartmann3, not of"
                    + " swift-orion/random on branin"
            ),
            refused.stderr
        )
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/swift-orion_tpe_branin.json"), "nothing ran")
        XCTAssertEqual(FileManager.default.contents(atPath: foreign), before)
    }

    /// A deterministic algorithm's stored run stands for every seed: a later command with other seeds keeps it and
    /// runs nothing (it added a second, identical run under another seed).
    func testADeterministicAlgorithmsStoredRunStandsForLaterSeeds() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let out = sandbox.directory + "/grid"
        let arguments = ["benchmark", "run", "--algorithms", "gridsearch", "--problems", "branin", "--budget", "4"]
        let first = try sandbox.run(arguments + ["--seeds", "0-1", "--out", out])
        XCTAssertEqual(first.status, 0, first.stderr)
        let later = try sandbox.run(arguments + ["--seeds", "4", "--out", out])
        XCTAssertEqual(later.status, 0, later.stderr)
        XCTAssertTrue(
            later.stderr.contains(
                "gridsearch on branin is deterministic: its stored run (seed 0) stands for every seed"
            ),
            later.stderr
        )
        XCTAssertEqual(try BenchmarkResultFile.read(from: out + "/swift-orion_gridsearch_branin.json").seeds, [0])
    }

    func testUsageErrors() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let unknown = try sandbox.run(["benchmark", "run", "--problems", "nope", "--out", sandbox.directory])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("valid tasks: branin"), unknown.stderr)
        // One readable line: the sets by name (their tasks: `orion benchmark list`), the closest name suggested.
        XCTAssertLessThan(unknown.stderr.count, 600, unknown.stderr)
        let misspelt = try sandbox.run([
            "benchmark", "run", "--problems", "Rosenbrock:dim=3", "--out", sandbox.directory,
        ])
        XCTAssertTrue(misspelt.stderr.contains("(did you mean 'RosenBrock'?)"), misspelt.stderr)
        XCTAssertTrue(misspelt.stderr.contains("the sets heldout, fresh2"), misspelt.stderr)
        let seeds = try sandbox.run(["benchmark", "run", "--seeds", "9-1", "--out", sandbox.directory])
        XCTAssertEqual(seeds.status, 2)
        let algorithm = try sandbox.run(["benchmark", "run", "--algorithms", "nope", "--out", sandbox.directory])
        XCTAssertEqual(algorithm.status, 2)
        XCTAssertTrue(algorithm.stderr.contains("valid algorithms"), algorithm.stderr)
        let empty = try sandbox.run(["benchmark", "table", sandbox.directory])
        XCTAssertEqual(empty.status, 2)
        let options = try sandbox.run([
            "benchmark", "run", "--algorithm", "{\"random\": 1}", "--out", sandbox.directory,
        ])
        XCTAssertEqual(options.status, 2)
        XCTAssertTrue(options.stderr.contains("--algorithm takes JSON"), options.stderr)
        let assessment = try sandbox.run(["benchmark", "assess", sandbox.directory, "--assessment", "Median"])
        XCTAssertEqual(assessment.status, 2)
        XCTAssertTrue(assessment.stderr.contains("valid assessments"), assessment.stderr)
        let list = try sandbox.run(["benchmark", "list"])
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.stdout.contains("RosenBrock"), list.stdout)
        // Every set under its header, before its first task.
        for (header, first) in [
            ("held-out tasks (--problems heldout", "rastrigin6"),
            ("third fresh set (--problems fresh3", "three_hump_camel"),
            ("fourth fresh set (--problems fresh4", "mccormick"), ("fifth fresh set (--problems fresh5", "leon"),
            ("sixth fresh set (--problems fresh6", "function_choice3"),
            ("seventh fresh set (--problems fresh7", "shubert"),
            ("eighth fresh set (--problems fresh8", "zettl"),
            ("ninth fresh set (--problems fresh9", "langermann"),
            ("tenth fresh set (--problems fresh10", "kernel_choice4"),
            ("eleventh fresh set (--problems fresh11", "trefethen"),
            ("twelfth fresh set (--problems fresh12", "damavandi"),
            ("thirteenth fresh set (--problems fresh13", "freudenstein_roth"),
            ("fourteenth fresh set (--problems fresh14", "model_family4"),
            ("fifteenth fresh set (--problems fresh15", "penalty_ratio4"),
            ("sixteenth fresh set (--problems fresh16", "rotated_cigar_tablet6"),
            ("scikit-learn tasks (--problems sklearn", "sk_"),
        ] {
            let headerAt = try XCTUnwrap(list.stdout.range(of: header), header)
            let firstAt = try XCTUnwrap(
                list.stdout.range(of: "  " + first, range: headerAt.upperBound..<list.stdout.endIndex),
                first
            )
            XCTAssertFalse(
                list.stdout[headerAt.upperBound..<firstAt.lowerBound].contains("\n  "),
                "\(first) is the first under \(header)"
            )
        }
    }
}
