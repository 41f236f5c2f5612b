import Foundation
import OrionCore
import OrionWorker
import XCTest

final class ResultsFileTests: XCTestCase {
    private func parse(_ text: String) throws -> [TrialResult] {
        try ResultsFile.parse(Data(text.utf8), path: "r.json")
    }

    func testParsesEveryKind() throws {
        let results = try parse(
            """
            [{"name": "loss", "type": "objective", "value": 0.12}, {"name": "acc", "type": "statistic", "value": 0.9},
             {"name": "c1", "type": "constraint", "value": -1.0}, {"name": "g", "type": "gradient", "value": [0.1, 0.2]}]
            """
        )
        XCTAssertEqual(results.map(\.type), [.objective, .statistic, .constraint, .gradient])
        XCTAssertEqual(results[3].value, [0.1, 0.2])
    }

    func testRejectsWithOneLineReasons() {
        let cases: [(String, String)] = [
            ("loss = 3", "is not valid JSON"),
            ("{\"name\": \"loss\"}", "must hold a JSON list"),
            // The missing key named (hAY's probe).
            ("[{\"name\": \"loss\", \"value\": 1}]", "entry 0: no 'type' (expected {\"name\": ..., \"type\""),
            ("[{\"type\": \"objective\"}]", "entry 0: no 'name' or 'value' (expected"),
            ("[{\"name\": [3], \"type\": \"objective\", \"value\": 1}]", "entry 0: 'name' must be a string, not [3]"),
            ("[{}]", "entry 0: no 'name', 'type' or 'value' (expected"),
            ("[3]", "entry 0: expected {\"name\": ..., \"type\": ..., \"value\": ...}, not 3"),
            ("[{\"name\": \"loss\", \"type\": \"metric\", \"value\": 1}]", "unknown type 'metric'"),
            ("[{\"name\": \"loss\", \"type\": \"objective\", \"value\": \"low\"}]", "must be a number"),
            // A deliberate difference from Oríon, which stores Python's True as 1 (docs/script-protocol.md).
            (
                "[{\"name\": \"o\", \"type\": \"objective\", \"value\": true}]",
                "the objective 'o' must be a number, not True"
            ),
            (
                "[{\"name\": \"o\", \"type\": \"objective\", \"value\": 0.5}, {\"name\": \"c\", \"type\": \"constraint\", \"value\": false}]",
                "the constraint 'c' must be a number, not False"
            ),
            ("[{\"name\": \"acc\", \"type\": \"statistic\", \"value\": 1}]", "has no result of type \"objective\""),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try parse(text), text) { error in
                let message = (error as? ResultsFile.Problem)?.message ?? ""
                XCTAssertTrue(message.contains(expected), "\(text): \(message)")
                XCTAssertFalse(message.contains("\n"))
            }
        }
    }

    /// A name that is null, a number or a boolean is kept as Python's `str()` writes it, as Oríon completes such a
    /// trial (`report_objective(v, name=None)`; hBG's probe).
    func testANameThatIsNotAStringIsKeptAsPythonWritesIt() throws {
        let results = try parse(
            #"[{"name": null, "type": "objective", "value": 1}, {"name": 5, "type": "statistic", "value": 2}, "#
                + #"{"name": true, "type": "statistic", "value": 3}, {"name": 0.5, "type": "statistic", "value": 4}]"#
        )
        XCTAssertEqual(results.map(\.name), ["None", "5", "True", "0.5"])
    }

    /// What Python's `json.dumps` writes for `float("nan")`, `float("inf")` and `-float("inf")` (copied from
    /// Python 3.11's output).
    func testReadsNaNAndInfinitiesAsPythonWritesThem() throws {
        let results = try parse(
            #"[{"name": "loss", "type": "objective", "value": NaN}, {"name": "g", "type": "gradient", "value": "#
                + #"[Infinity, -Infinity, 1]}, {"name": "s", "type": "statistic", "value": {"curve": [0.5, NaN]}}]"#
        )
        XCTAssertEqual(results.count, 3)
        XCTAssertTrue(results[0].value.doubleValue?.isNaN ?? false)
        XCTAssertEqual(results[1].value, [.double(.infinity), .double(-.infinity), 1.0])
        XCTAssertTrue(results[2].value.objectValue?["curve"]?.arrayValue?[1].doubleValue?.isNaN ?? false)
        let infinite = try parse(#"[{"name": "loss", "type": "objective", "value": -Infinity}]"#)
        XCTAssertEqual(infinite, [.objective(-.infinity, name: "loss")])
    }

    func testADuplicateKeyKeepsTheLastValueAsPythonDoes() throws {
        let results = try parse(#"[{"name": "loss", "type": "statistic", "value": 1, "type": "objective"}]"#)
        XCTAssertEqual(results, [TrialResult(name: "loss", type: .objective, value: .int(1))])
    }

    /// A script written for Oríon that reports two objectives runs unchanged: both are kept, the first is the trial's
    /// objective, and the warning names them (Oríon 0.2.7 warns and optimizes the first; probe p43b).
    func testASecondObjectiveIsKeptAndTheFirstOptimized() throws {
        let text =
            #"[{"name": "loss", "type": "objective", "value": 1}, {"name": "acc", "type": "statistic", "value": 1},"#
            + #" {"name": "err", "type": "objective", "value": 2}]"#
        let results = try parse(text)
        XCTAssertEqual(results.map(\.name), ["loss", "acc", "err"])
        var trial = Trial(experimentID: "e", params: [])
        trial.results = results
        XCTAssertEqual(trial.objective, 1)
        let warning = try XCTUnwrap(ResultsFile.severalObjectivesWarning(results))
        XCTAssertTrue(warning.hasPrefix("Warning: the script reports 2 objectives ('loss', 'err');"), warning)
        XCTAssertTrue(warning.contains("'loss', the first, is optimized"), warning)
        XCTAssertNil(ResultsFile.severalObjectivesWarning([.objective(1, name: "loss")]))
        // Through the library the results stay checked: one objective.
        XCTAssertThrowsError(try ResultsFile.validate(results, of: "results of trial t")) { error in
            XCTAssertTrue("\(error)".contains("result 2: a second objective 'err'"), "\(error)")
        }
    }

    func testRejectsAGradientThatIsNotAListOfNumbers() {
        for value in ["0.5", "\"0.5\"", "{\"x\": 1}", "[1, \"a\"]", "[[1]]"] {
            let text =
                #"[{"name": "loss", "type": "objective", "value": 1}, {"name": "g", "type": "gradient", "value": "#
                + value + "}]"
            XCTAssertThrowsError(try parse(text), value) { error in
                XCTAssertTrue("\(error)".contains("entry 1: the gradient 'g' must be a list of numbers"), "\(error)")
            }
        }
    }

    func testRejectsAFileOverTheSizeLimitWithoutReadingIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("results.json").path
        let statistic = String(repeating: "x", count: ResultsFile.maxSize)
        let text =
            #"[{"name": "loss", "type": "objective", "value": 1}, {"name": "s", "type": "statistic", "value": ""#
            + statistic + "\"}]"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        for attempt in [{ try ResultsFile.read(path: path) }, { try ResultsFile.parse(Data(text.utf8), path: path) }] {
            XCTAssertThrowsError(try attempt()) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("has \(text.utf8.count) bytes, more than the limit of 1048576"), message)
                XCTAssertTrue(message.contains("1 MiB"), message)
            }
        }
        let small = #"[{"name": "loss", "type": "objective", "value": 1}]"#
        try Data(small.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try ResultsFile.read(path: path), [TrialResult(name: "loss", type: .objective, value: .int(1))])
    }

    /// A script that leaves a FIFO at the results path must not hang the worker.
    func testRefusesAResultsPathThatIsNotARegularFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("results.json").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let done = expectation(description: "read returns")
        let message = LockedMessage()
        Thread.detachNewThread {
            do {
                _ = try ResultsFile.read(path: fifo)
            } catch {
                message.set("\(error)")
            }
            done.fulfill()
        }
        wait(for: [done], timeout: 5)
        // Unblock a reader stuck on the FIFO (if the check regressed), so no thread is left behind.
        let writer = open(fifo, O_WRONLY | O_NONBLOCK)
        if writer >= 0 { close(writer) }
        XCTAssertTrue(message.get().contains("is not a regular file"), message.get())
        XCTAssertTrue(
            (try? ResultsFile.read(path: directory.path)).map { _ in false } ?? true,
            "a directory is refused"
        )
        // A link to a FIFO is refused as the FIFO is.
        let linkToFIFO = directory.appendingPathComponent("fifo-link.json").path
        XCTAssertEqual(symlink(fifo, linkToFIFO), 0)
        XCTAssertThrowsError(try ResultsFile.read(path: linkToFIFO)) { error in
            XCTAssertTrue("\(error)".contains("is not a regular file"), "\(error)")
        }
    }

    /// A results file that is a link to a regular file is read through it, as Oríon's `open` reads it (it was refused
    /// as "not a regular file"); a broken link is no results file.
    func testALinkToARegularFileIsReadThroughIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("real.json").path
        try #"[{"name": "loss", "type": "objective", "value": 0.25}]"#.write(
            toFile: target,
            atomically: true,
            encoding: .utf8
        )
        let link = directory.appendingPathComponent("results.json").path
        XCTAssertEqual(symlink(target, link), 0)
        XCTAssertEqual(try ResultsFile.read(path: link).count, 1)
        let broken = directory.appendingPathComponent("broken.json").path
        XCTAssertEqual(symlink(directory.appendingPathComponent("none.json").path, broken), 0)
        XCTAssertThrowsError(try ResultsFile.read(path: broken)) { error in
            XCTAssertTrue("\(error)".contains("the script wrote no results file"), "\(error)")
        }
    }
}

/// A message shared between the test and the thread that reads the FIFO.
private final class LockedMessage: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    func set(_ value: String) { lock.withLock { text = value } }
    func get() -> String { lock.withLock { text } }
}
