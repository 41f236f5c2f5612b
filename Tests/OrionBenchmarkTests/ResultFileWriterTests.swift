import Foundation
import XCTest

@testable import OrionBenchmark

final class ResultFileWriterTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.path + "/orion-writer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func multiFidelity(_ seeds: [Int], budget: Double = 81) -> MultiFidelityResultFile {
        fixtureFile("asha", budget: budget, runs: seeds.map { fixtureRun($0, [27], [0.5]) })
    }

    /// Each seed's file is on disk before the next seed runs, so that an interrupt (`mf-run` stopped with Ctrl-C)
    /// keeps the seeds it finished: `mf-run` wrote only once every seed had run.
    func testEachSeedIsWrittenBeforeTheNextRuns() async throws {
        var writer = ResultFileWriter<MultiFidelityResultFile>(directory: directory, seeds: [0, 1, 2])
        let path = directory + "/" + multiFidelity([0]).fileName
        var onDisk: [[Int]] = []
        do {
            _ = try await writer.runEachSeed([0, 1, 2], note: { XCTFail("no note expected: \($0)") }) { seed in
                if FileManager.default.fileExists(atPath: path) {
                    onDisk.append(try MultiFidelityResultFile.read(from: path).seeds)
                }
                guard seed < 2 else { throw CancellationError() }
                return self.multiFidelity([seed])
            }
            XCTFail("the third seed was cancelled")
        } catch is CancellationError {}
        XCTAssertEqual(onDisk, [[0], [0, 1]])
        XCTAssertEqual(try MultiFidelityResultFile.read(from: path).seeds, [0, 1])
    }

    /// A file of the same configuration and budget is joined by seed (`mf-run --seeds 0-1` then `--seeds 2-3` left
    /// only 2 and 3); one of another budget is replaced with a note saying so.
    func testSeedsJoinTheStoredFileOfTheSameBudgetAndReplaceAnother() throws {
        try multiFidelity([0, 1]).write(to: directory)
        var notes: [String] = []
        var writer = ResultFileWriter<MultiFidelityResultFile>(directory: directory, seeds: [2, 3])
        try writer.add(multiFidelity([2]), note: { notes.append($0) })
        let path = try writer.add(multiFidelity([3]), note: { notes.append($0) })
        XCTAssertEqual(try MultiFidelityResultFile.read(from: path).seeds, [0, 1, 2, 3])
        XCTAssertEqual(notes, ["\(path) keeps its runs of seeds 0,1"])

        notes = []
        var other = ResultFileWriter<MultiFidelityResultFile>(directory: directory, seeds: [4])
        try other.add(multiFidelity([4], budget: 54), note: { notes.append($0) })
        XCTAssertEqual(try MultiFidelityResultFile.read(from: path).seeds, [4])
        XCTAssertEqual(notes, ["\(path) had runs of budget 81 fidelity: replaced by these of budget 54"])
    }

    /// A result file that cannot be replaced (immutable: `chattr +i`) is one line naming it and why, not Foundation's
    /// error dump; the file is left as it was.
    func testAFileThatCannotBeWrittenIsNamedWithTheReason() throws {
        try multiFidelity([0]).write(to: directory)
        let path = directory + "/" + multiFidelity([0]).fileName
        func chattr(_ flag: String) -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            process.arguments = [flag, path]
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
        guard chattr("+i") else { throw XCTSkip("needs chattr +i (root, on a file system with attributes)") }
        defer { _ = chattr("-i") }
        let before = FileManager.default.contents(atPath: path)
        // Before anything runs.
        XCTAssertThrowsError(
            try ResultFileWriter<MultiFidelityResultFile>(directory: directory, seeds: [1]).check(multiFidelity([1]))
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "cannot write \(path) (Operation not permitted): make the file or --out writable"
            )
        }
        var writer = ResultFileWriter<MultiFidelityResultFile>(directory: directory, seeds: [1])
        XCTAssertThrowsError(try writer.add(multiFidelity([1]), note: { _ in })) { error in
            XCTAssertEqual(
                "\(error)",
                "cannot write \(path) (Operation not permitted): the runs of this seed are lost; make the file or"
                    + " --out writable"
            )
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path), before)
    }

    /// Two commands running seeds of one configuration into one directory at once (`--seeds 0-2` and `--seeds 3-5`)
    /// both keep their runs: each seed joins the file as it is on disk then (the second writer dropped the first's
    /// later seeds, and the file ended with 0, 3, 4, 5).
    func testTwoWritersOfOneConfigurationKeepEachOthersSeeds() throws {
        var first = ResultFileWriter<MultiFidelityResultFile>(directory: directory, seeds: [0, 1, 2])
        var second = ResultFileWriter<MultiFidelityResultFile>(directory: directory, seeds: [3, 4, 5])
        try first.add(multiFidelity([0]), note: { _ in })
        try second.add(multiFidelity([3]), note: { _ in })
        try first.add(multiFidelity([1]), note: { _ in })
        try second.add(multiFidelity([4]), note: { _ in })
        try first.add(multiFidelity([2]), note: { _ in })
        let path = try second.add(multiFidelity([5]), note: { _ in })
        XCTAssertEqual(try MultiFidelityResultFile.read(from: path).seeds, [0, 1, 2, 3, 4, 5])
    }

    /// `run`'s files go through the same writer: joined with a stored file of the same budget, replaced otherwise.
    func testRunFilesJoinAndReplaceTheSameWay() throws {
        func file(_ seeds: [Int], budget: Int = 2) -> BenchmarkResultFile {
            BenchmarkResultFile(
                algorithm: "random",
                problem: "branin",
                optimum: 0,
                budget: budget,
                notes: "",
                runs: seeds.map { BenchmarkRun(seed: $0, wallSeconds: 1, values: [1, 2], bestParams: [:]) }
            )
        }
        try file([0]).write(to: directory)
        var notes: [String] = []
        var writer = ResultFileWriter<BenchmarkResultFile>(directory: directory, seeds: [1])
        let path = try writer.add(file([1]), note: { notes.append($0) })
        XCTAssertEqual(try BenchmarkResultFile.read(from: path).seeds, [0, 1])
        var other = ResultFileWriter<BenchmarkResultFile>(directory: directory, seeds: [1])
        try other.add(file([1], budget: 3), note: { notes.append($0) })
        XCTAssertEqual(try BenchmarkResultFile.read(from: path).seeds, [1])
        XCTAssertEqual(
            notes,
            ["\(path) keeps its run of seed 0", "\(path) had runs of 2 trials: replaced by these of 3"]
        )
    }

    /// A stored file that cannot be read, holds another configuration's runs (two task names equal but for case are
    /// one file on a case-insensitive file system), or runs longer than its budget is refused and left as it was:
    /// it was overwritten without a word, or joined into the new file (another problem's regrets counted as these).
    func testAStoredFileItMustNotJoinIsRefusedAndKept() throws {
        func file(_ problem: String, runLength: Int = 2) -> BenchmarkResultFile {
            BenchmarkResultFile(
                algorithm: "random",
                problem: problem,
                optimum: 0,
                budget: 2,
                notes: "",
                runs: [
                    BenchmarkRun(
                        seed: 5,
                        wallSeconds: 1,
                        values: (0..<runLength).map(Double.init),
                        bestParams: [:]
                    )
                ]
            )
        }
        let path = directory + "/" + file("branin").fileName
        let stored: [(Data, String)] = [
            (
                Data("{\"framework\": \"swift-orion\", \"runs\": [ {\"seed\": 7".utf8),
                "is not a result file this command can read"
            ),
            (
                try JSONEncoder().encode(file("mixed_cat_int")),
                "holds runs of swift-orion/random on mixed_cat_int, not of"
                    + " swift-orion/random on branin"
            ),
            (
                try JSONEncoder().encode(file("branin", runLength: 3)),
                "has a run of 3 trials (seed 5), more than its budget of 2"
            ),
            // Edited by hand: one more value, its trial count left as it was (it was kept; probe p42i).
            (
                try Self.withOneMoreValue(try JSONEncoder().encode(file("branin"))),
                "has a run of 3 trials (seed 5), more than its budget of 2"
            ),
        ]
        for (bytes, expected) in stored {
            try bytes.write(to: URL(fileURLWithPath: path))
            var writer = ResultFileWriter<BenchmarkResultFile>(directory: directory, seeds: [0])
            XCTAssertThrowsError(try writer.add(file("branin"), note: { XCTFail("no note expected: \($0)") })) {
                error in
                XCTAssertEqual((error as? BenchmarkError)?.code, .badResultFile)
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
                XCTAssertTrue("\(error)".contains(path), "\(error)")
            }
            XCTAssertEqual(FileManager.default.contents(atPath: path), bytes, "left as it was")
        }

        var other = multiFidelity([0])
        other.task = "mlp_digits"
        let written = try other.write(to: directory + "/elsewhere")
        try FileManager.default.copyItem(atPath: written, toPath: directory + "/" + multiFidelity([1]).fileName)
        var writer = ResultFileWriter<MultiFidelityResultFile>(directory: directory, seeds: [1])
        XCTAssertThrowsError(try writer.add(multiFidelity([1]), note: { _ in })) { error in
            XCTAssertTrue("\(error)".contains("holds runs of swift-orion/asha on mlp_digits"), "\(error)")
        }
        // Another accounting, another number of workers, a run past its budget, lists of different lengths.
        var resumed = multiFidelity([0])
        resumed.accounting = .resume
        var parallel = multiFidelity([0])
        parallel.workers = 4
        var spendthrift = multiFidelity([0])
        spendthrift.runs[0].fidelities = [81, 27]
        spendthrift.runs[0].values = [0.5, 0.4]
        var ragged = multiFidelity([0])
        ragged.runs[0].values = [0.5, 0.4]
        let cases = [
            (resumed, "holds runs of swift-orion/asha (resume) on t, not of swift-orion/asha on t"),
            (parallel, "holds runs of swift-orion/asha ×4 on t, not of swift-orion/asha on t"),
            (spendthrift, "has a run (seed 0) that spent 108, more than its budget of 81"),
            (ragged, "has a run (seed 0) whose fidelities, values and costs are not one per trial"),
        ]
        for (stored, expected) in cases {
            let path = directory + "/" + multiFidelity([1]).fileName
            try? FileManager.default.removeItem(atPath: path)
            let written = try stored.write(to: directory + "/stored")
            try FileManager.default.moveItem(atPath: written, toPath: path)
            let before = FileManager.default.contents(atPath: path)
            var writer = ResultFileWriter<MultiFidelityResultFile>(directory: directory, seeds: [1])
            XCTAssertThrowsError(try writer.add(multiFidelity([1]), note: { _ in })) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
            XCTAssertEqual(FileManager.default.contents(atPath: path), before)
        }
    }

    /// `data` (a result file) with one more value appended to its first run, `n_trials` unchanged.
    private static func withOneMoreValue(_ data: Data) throws -> Data {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var runs = try XCTUnwrap(object["runs"] as? [[String: Any]])
        var values = try XCTUnwrap(runs[0]["values"] as? [Double])
        values.append(0)
        runs[0]["values"] = values
        object["runs"] = runs
        return try JSONSerialization.data(withJSONObject: object)
    }
}
