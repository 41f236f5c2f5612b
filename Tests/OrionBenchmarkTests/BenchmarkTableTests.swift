import Foundation
import XCTest

@testable import OrionBenchmark

final class BenchmarkTableTests: XCTestCase {
    /// The table of the fixture's files (peers' measured results and ours) is, byte for byte, what the peers'
    /// summarize.py wrote for them (Tests/Fixtures/benchmark/make_table_fixture.py).
    func testTableIsTheTextOfSummarizePy() throws {
        let directory = try BenchmarkFixtures.path("results")
        let expected = try String(contentsOfFile: try BenchmarkFixtures.path("expected_summary.md"), encoding: .utf8)
        let table = BenchmarkTable(files: try BenchmarkTable.load(directories: [directory]))
        XCTAssertEqual(table.files.count, 13)
        XCTAssertEqual(table.markdown, expected)
    }

    /// Ranks, medians and the row order: ties share the average rank, rows go by median regret at 100 trials.
    func testRanksAndOrderFollowTheMedianRegret() throws {
        let table = BenchmarkTable(files: try BenchmarkTable.load(directories: [try BenchmarkFixtures.path("results")]))
        let branin = try XCTUnwrap(table.sections.first { $0.problem == "branin" })
        XCTAssertEqual(branin.rows.map(\.label).first, "optuna/gp")
        let ours = branin.rows.filter { $0.label.hasPrefix("swift-orion/") }
        XCTAssertEqual(ours.map { $0.rank[100] }, [4.5, 4.5])
        XCTAssertEqual(table.sections.map(\.problem), ["branin", "mixed_cat_int", "lr_like"])
        XCTAssertEqual(table.meanRanks.first?.label, "optuna/gp")
    }

    /// A later file of the same framework, algorithm, problem and seeds replaces the earlier one.
    func testLaterFileReplacesAnEarlierOne() {
        let first = BenchmarkResultFile(
            algorithm: "random",
            problem: "branin",
            optimum: 0.39788735772973816,
            budget: 2,
            notes: "",
            runs: [BenchmarkRun(seed: 0, wallSeconds: 1, values: [3, 2], bestParams: [:])]
        )
        var second = first
        second.runs = [BenchmarkRun(seed: 0, wallSeconds: 1, values: [5, 1], bestParams: [:])]
        let table = BenchmarkTable(files: [first, second])
        XCTAssertEqual(table.files, [second])
        let regret = try? XCTUnwrap(table.sections.first?.rows.first?.median[100])
        XCTAssertEqual(regret ?? 0, 1 - 0.39788735772973816, accuracy: 1e-15)
    }

    /// Files of one configuration with other seeds (one run split over two commands) are joined by seed; with
    /// another budget the later file replaces the earlier.
    func testFilesOfOneConfigurationAreJoinedBySeed() {
        func file(_ seeds: [Int], budget: Int = 2) -> BenchmarkResultFile {
            BenchmarkResultFile(
                algorithm: "random",
                problem: "branin",
                optimum: 0.39788735772973816,
                budget: budget,
                notes: "",
                runs: seeds.map {
                    BenchmarkRun(seed: $0, wallSeconds: 1, values: [3, Double($0 + 1)], bestParams: [:])
                }
            )
        }
        let table = BenchmarkTable(files: [file([0, 1]), file([2, 3])])
        XCTAssertEqual(table.files.map(\.seeds), [[0, 1, 2, 3]])
        XCTAssertEqual(table.sections.first?.rows.first?.seeds, 4)
        XCTAssertEqual(BenchmarkTable(files: [file([0, 1]), file([2], budget: 3)]).files.map(\.seeds), [[2]])
    }

    private func file(
        _ algorithm: String,
        _ problem: String,
        final: Double,
        length: Int = 100,
        optimum: Double? = 0
    ) -> BenchmarkResultFile {
        BenchmarkResultFile(
            algorithm: algorithm,
            problem: problem,
            optimum: optimum,
            budget: length,
            notes: "",
            runs: [
                BenchmarkRun(
                    seed: 0,
                    wallSeconds: 1,
                    values: Array(repeating: 10, count: length - 1) + [final],
                    bestParams: [:]
                )
            ]
        )
    }

    /// Without a known optimum (EggHolder in 3 dimensions), regrets are measured against the best value found:
    /// they used to be measured against 0, so that every configuration read 0 and tied.
    func testAProblemWithoutAKnownOptimumIsMeasuredAgainstTheBestValueFound() throws {
        let table = BenchmarkTable(files: [
            file("a", "EggHolder+dim=3", final: -700, optimum: nil),
            file("b", "EggHolder+dim=3", final: -650, optimum: nil),
        ])
        let section = try XCTUnwrap(table.sections.first)
        XCTAssertFalse(section.optimumIsKnown)
        XCTAssertEqual(section.optimum, -700)
        XCTAssertEqual(section.rows.map(\.label), ["swift-orion/a", "swift-orion/b"])
        XCTAssertEqual(section.rows.map { $0.median[100] }, [0, 50])
        XCTAssertTrue(
            table.markdown.contains("## EggHolder+dim=3  (optimum unknown: regret against the best value found, -700;"),
            table.markdown
        )
        XCTAssertTrue(BenchmarkTable(files: [file("a", "branin", final: 1)]).sections.first?.optimumIsKnown ?? false)
    }

    /// The mean rank over problems is summarize.py's, over the nine of problems.json; other tasks (Oríon's, the
    /// fresh sets) get a mean rank of their own instead of mixing in.
    func testOtherTasksAreRankedApartFromTheNine() {
        let table = BenchmarkTable(files: [
            file("a", "branin", final: 1), file("b", "branin", final: 2),
            file("a", "Forrester", final: 3), file("b", "Forrester", final: 0.5),
        ])
        XCTAssertEqual(table.meanRanks.map(\.label), ["swift-orion/a", "swift-orion/b"])
        XCTAssertEqual(table.meanRanks.map(\.problems), [1, 1])
        XCTAssertEqual(table.otherMeanRanks.map(\.label), ["swift-orion/b", "swift-orion/a"])
        XCTAssertTrue(table.markdown.contains("## Mean rank over the other tasks"), table.markdown)
        XCTAssertFalse(
            BenchmarkTable(files: [file("a", "branin", final: 1)]).markdown.contains("other tasks"),
            "no second ranking without other tasks"
        )
    }

    /// A held-out or fresh task's header names its dimensions as the nine's do (it showed `dims )`; probe p42i).
    func testHeldOutAndFreshTasksShowTheirDimensions() {
        let table = BenchmarkTable(files: [file("a", "perm4", final: 1), file("a", "corana4", final: 1)])
        XCTAssertTrue(table.markdown.contains("## perm4  (optimum 0; dims x1:f, x2:f, x3:f, x4:f)"), table.markdown)
        XCTAssertTrue(table.markdown.contains("## corana4  (optimum 0; dims x1:f, x2:f, x3:f, x4:f)"), table.markdown)
    }

    /// A configuration whose runs are shorter than a checkpoint shows its last trial's value there, marked.
    func testCheckpointsPastAShortRunAreMarked() throws {
        let table = BenchmarkTable(files: [file("short", "branin", final: 1, length: 30)])
        let row = try XCTUnwrap(table.sections.first?.rows.first)
        XCTAssertEqual(row.short, [50, 100])
        XCTAssertTrue(
            table.markdown.contains(
                "| swift-orion/short | 1 | 9.602 | 9.602 | 0.6021\\* | 0.6021\\* | 0.6021\\* | 0.6021\\* | 1\\* | 1.00 |"
            ),
            table.markdown
        )
        XCTAssertTrue(table.markdown.contains("shorter than k trials"), table.markdown)
    }

    /// A file that is not JSON (a run cut off while writing) is an error naming it; `mf-run`'s files are left to
    /// `mf-table`.
    func testAFileThatIsNotJSONIsAnErrorAndMultiFidelityFilesAreSkipped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "orion-table-\(UUID().uuidString)"
        )
        .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try file("a", "branin", final: 1).write(to: directory)
        try Data(#"{"runs": [{"problem": 1}], "tasks": []}"#.utf8).write(
            to: URL(fileURLWithPath: directory + "/mf_swift-orion_asha_learning_curve.json")
        )
        XCTAssertEqual(try BenchmarkTable.load(directories: [directory]).count, 1)
        try Data(#"{"framework": "swift-orion", "runs": [{"se"#.utf8).write(
            to: URL(fileURLWithPath: directory + "/swift-orion_b_branin.json")
        )
        XCTAssertThrowsError(try BenchmarkTable.load(directories: [directory])) { error in
            let message = (error as? BenchmarkError)?.message ?? ""
            XCTAssertTrue(
                message.hasSuffix(
                    "swift-orion_b_branin.json is not JSON (cut off while it was written, or edited): run its configuration again, or move the file away"
                ),
                message
            )
        }
    }

    /// A result file whose `runs` is empty (a copy with its runs removed) is left out with a note naming it: its
    /// NaN medians ranked a row at 0.002 below one at 0.198, and AverageRank read `nan` for the whole problem.
    func testAFileWithoutRunsIsLeftOutWithANote() throws {
        let directory = FileManager.default.temporaryDirectory.path + "/orion-table-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try file("good", "quadratic", final: 0.002).write(to: directory)
        _ = try file("worse", "quadratic", final: 0.198).write(to: directory)
        var empty = file("empty", "quadratic", final: 0)
        empty.runs = []
        empty.seeds = []
        let emptyPath = try empty.write(to: directory)
        var notes: [String] = []
        let files = try BenchmarkTable.load(directories: [directory]) { notes.append($0) }
        XCTAssertEqual(files.map(\.algorithm).sorted(), ["good", "worse"])
        XCTAssertEqual(notes.count, 1, "\(notes)")
        XCTAssertTrue(notes.first?.hasPrefix(emptyPath + " holds no run") ?? false, "\(notes)")
        for table in [BenchmarkTable(files: files), BenchmarkTable(files: files + [empty])] {
            let rows = try XCTUnwrap(table.sections.first?.rows)
            XCTAssertEqual(rows.map(\.label), ["swift-orion/good", "swift-orion/worse"])
            XCTAssertEqual(rows.map { $0.rank[100] }, [1, 2])
            XCTAssertFalse(table.markdown.contains("nan"), table.markdown)
        }
        let rank = BenchmarkAssessment.averageRank.markdown(files + [empty], checkpoints: [100])
        XCTAssertFalse(rank.contains("nan"), rank)
        XCTAssertEqual(Statistics.ranks([.nan, 0.198, 0.002]), [3, 2, 1])
    }

    /// Numbers are written as summarize.py's fmt writes them.
    func testFormatMatchesPythonFormatting() {
        XCTAssertEqual(BenchmarkTable.format(0), "0")
        XCTAssertEqual(BenchmarkTable.format(1.35e-05), "1.35e-05")
        XCTAssertEqual(BenchmarkTable.format(0.04024), "0.04024")
        XCTAssertEqual(BenchmarkTable.format(853.5), "853.5")
        XCTAssertEqual(BenchmarkTable.format(2800.4), "2.80e+03")
        XCTAssertEqual(BenchmarkTable.format(0.001), "0.001")
        XCTAssertEqual(BenchmarkTable.format(872.0), "872")
        XCTAssertEqual(BenchmarkTable.format(.infinity), "inf")
    }

    /// Sums are correctly rounded (as statistics.mean's exact sum), where adding in order loses the small terms.
    func testExactSumKeepsWhatNaiveAdditionLoses() {
        XCTAssertEqual(Statistics.exactSum([1e16, 1, -1e16]), 1)
        XCTAssertEqual(Statistics.exactSum([0.1, 0.2, 0.3]), 0.6)
        XCTAssertNotEqual([0.1, 0.2, 0.3].reduce(0, +), 0.6)
        XCTAssertEqual(Statistics.median([3, 1, 2, 10]), 2.5)
        XCTAssertEqual(Statistics.ranks([2, 1, 2, 3]), [2.5, 1, 2.5, 4])
    }

    /// A directory that does not exist is an error naming it; JSON files without runs are skipped.
    func testLoadRefusesAMissingDirectoryAndSkipsOtherJSON() throws {
        XCTAssertThrowsError(try BenchmarkTable.load(directories: ["/nonexistent/orion-bench"])) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/orion-bench"))
        }
        let directory = FileManager.default.temporaryDirectory.path + "/orion-table-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(#"{"something": 1}"#.utf8).write(to: URL(fileURLWithPath: directory + "/other.json"))
        XCTAssertEqual(try BenchmarkTable.load(directories: [directory]).count, 0)
        try Data(#"{"runs": 1}"#.utf8).write(to: URL(fileURLWithPath: directory + "/bad.json"))
        XCTAssertThrowsError(try BenchmarkTable.load(directories: [directory]))
    }
}
