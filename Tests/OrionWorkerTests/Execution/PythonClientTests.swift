import Foundation
import OrionCore
import OrionTesting
import OrionWorker
import Synchronization
import XCTest

/// The light `orion.client`, run by the machine's `python3`.
final class PythonClientTests: XCTestCase {
    private var directory = ""
    private var clientDirectory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pyclient-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        clientDirectory = try PythonClient.install(under: directory + "/cache")
        guard Self.interpreter != nil else { throw XCTSkip("no python3 on PATH: the Python client is tested with it") }
    }

    /// The machine's `python3`, resolved once (a pyenv shim costs a shell per run).
    private static let interpreter: String? = {
        let probe = try? ProcessRunner.run(
            ["/usr/bin/env", "python3", "-c", "import sys; print(sys.executable)"],
            timeout: 30
        )
        guard let probe, probe.status == 0 else { return nil }
        let path = probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }()

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `code` with the client on `PYTHONPATH`; `results` names the results file (created empty) or `nil`.
    private func python(_ code: String, results: String? = "results.json") throws -> ProcessRunner.Output {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "PYTHONPATH")
        environment = PythonClient.environment(environment, adding: clientDirectory)
        environment.removeValue(forKey: "ORION_RESULTS_PATH")
        if let results {
            let path = directory + "/" + results
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
            environment["ORION_RESULTS_PATH"] = path
        }
        environment["ORION_INTERRUPT_CODE"] = "42"
        return try ProcessRunner.run(
            [Self.interpreter ?? "python3", "-c", code],
            environment: environment,
            currentDirectory: directory,
            timeout: 30
        )
    }

    private func results() throws -> [TrialResult] {
        try ResultsFile.read(path: directory + "/results.json")
    }

    func testInstallIsIdempotentAndNamedByContent() throws {
        XCTAssertTrue(clientDirectory.hasSuffix("/python-client-" + PythonClient.contentHash))
        let again = try PythonClient.install(under: directory + "/cache")
        XCTAssertEqual(again, clientDirectory)
        let contents = try FileManager.default.contentsOfDirectory(atPath: directory + "/cache")
        XCTAssertEqual(contents, ["python-client-" + PythonClient.contentHash], "no staging directory left")
        // An altered copy is rewritten.
        try "broken".write(toFile: clientDirectory + "/orion/client/cli.py", atomically: true, encoding: .utf8)
        _ = try PythonClient.install(under: directory + "/cache")
        XCTAssertEqual(
            try String(contentsOfFile: clientDirectory + "/orion/client/cli.py", encoding: .utf8),
            PythonClient.files.first { $0.path == "orion/client/cli.py" }?.text
        )
    }

    func testConcurrentInstallsAllGetACompleteCopy() throws {
        let root = directory + "/shared-cache"
        let results = Mutex<[Result<String, any Error>]>([])
        // Sixteen hunts starting at once, some while an altered copy is being replaced.
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            if index % 4 == 3 {
                try? "altered".write(
                    toFile: root + "/python-client-" + PythonClient.contentHash + "/orion/client/cli.py",
                    atomically: true,
                    encoding: .utf8
                )
            }
            let result = Result { try PythonClient.install(under: root) }
            results.withLock { $0.append(result) }
        }
        let installed = try results.withLock { try $0.map { try $0.get() } }
        XCTAssertEqual(Set(installed), [root + "/python-client-" + PythonClient.contentHash])
        _ = try PythonClient.install(under: root)
        for file in PythonClient.files {
            XCTAssertEqual(try String(contentsOfFile: installed[0] + "/" + file.path, encoding: .utf8), file.text)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "no staging directory left")
    }

    func testReportObjectiveWritesTheResultsFile() throws {
        let output = try python("from orion.client import report_objective\nreport_objective(0.25, name='loss')")
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(try results(), [TrialResult(name: "loss", type: .objective, value: .double(0.25))])
    }

    func testReportResultsAcceptsScalarsWithItemAndRefusesASecondReport() throws {
        let output = try python(
            """
            from orion.client.cli import report_results
            class Scalar:
                def item(self): return 1.5
            report_results([{"name": "o", "type": "objective", "value": Scalar()},
                            {"name": "acc", "type": "statistic", "value": 0.9}])
            report_results([])
            """
        )
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("RuntimeWarning: Has already reported evaluation results once."))
        XCTAssertEqual(
            try results(),
            [
                TrialResult(name: "o", type: .objective, value: .double(1.5)),
                TrialResult(name: "acc", type: .statistic, value: .double(0.9)),
            ]
        )
    }

    func testReportBadTrialReportsAHugeObjective() throws {
        let output = try python(
            "from orion.client import report_bad_trial\n"
                + "report_bad_trial(data=[{'name': 'why', 'type': 'statistic', 'value': 'nan loss'}])"
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(
            try results(),
            [
                TrialResult(name: "objective", type: .objective, value: .double(1e10)),
                TrialResult(name: "why", type: .statistic, value: .string("nan loss")),
            ]
        )
    }

    func testInterruptTrialExitsWithTheInterruptCode() throws {
        let output = try python("from orion.client import interrupt_trial\ninterrupt_trial()\nprint('not reached')")
        XCTAssertEqual(output.status, 42)
        XCTAssertEqual(output.stdout, "")
    }

    func testOutsideOrionTheResultsArePrintedAndAMissingFileIsAnError() throws {
        let printed = try python("from orion.client import report_objective\nreport_objective(2)", results: nil)
        XCTAssertEqual(printed.status, 0, printed.stderr)
        XCTAssertEqual(printed.stdout, "[{'name': 'objective', 'type': 'objective', 'value': 2}]\n")

        var environment = PythonClient.environment([:], adding: clientDirectory)
        environment["ORION_RESULTS_PATH"] = directory + "/missing.json"
        let missing = try ProcessRunner.run(
            [Self.interpreter ?? "python3", "-c", "import orion.client"],
            environment: environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? ""]) { $1 },
            timeout: 30
        )
        XCTAssertNotEqual(missing.status, 0)
        // Oríon 0.2.7's text, word for word.
        XCTAssertTrue(
            missing.stderr.contains(
                "RuntimeWarning: Results file path (\(directory)/missing.json) provided in environmental variable "
                    + "does not correspond to an existing file. "
            ),
            missing.stderr
        )
    }

    func testTheExperimentAPISaysToInstallOrion() throws {
        let output = try python("from orion.client import build_experiment")
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.stderr.contains("it needs Oríon, installed in the script's Python"), output.stderr)
        XCTAssertEqual(output.stderr.components(separatedBy: "is not in swift-orion's light client").count, 2, "once")
    }

    /// A name the light client lacks is an AttributeError, so `hasattr` and `getattr(..., default)` answer as for any
    /// module (they raised); `from ... import` of it still fails, with the reason on stderr.
    func testProbingForAMissingNameAnswersLikeAnyModule() throws {
        let output = try python(
            "import orion.client as c; print(hasattr(c, 'foo'), getattr(c, 'build_experiment', None))"
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "False None\n")
        // Said once per name, however often a script probes.
        let probes = try python("import orion.client as c; print([hasattr(c, 'foo') for _ in range(5)])")
        XCTAssertEqual(probes.stderr.components(separatedBy: "orion.client.foo is not").count, 2, probes.stderr)
    }

    /// A real Oríon on the user's PYTHONPATH (a checkout, an editable install) is a namespace package, which the
    /// light client's regular package hid wherever it was on the path: its `orion.client` is now Oríon's.
    func testARealOrionOnThePathIsNotHidden() throws {
        let checkout = directory + "/checkout"
        for (path, text) in [
            ("orion/core/__init__.py", "VERSION = 'real'\n"),
            ("orion/client/__init__.py", "from orion.core import VERSION\nbuild_experiment = 'build ' + VERSION\n"),
        ] {
            let file = checkout + "/" + path
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        var environment = ProcessInfo.processInfo.environment
        environment = PythonClient.environment(["PYTHONPATH": checkout], adding: clientDirectory)
            .merging(["PATH": environment["PATH"] ?? "/usr/bin:/bin"]) { $1 }
        let output = try ProcessRunner.run(
            [
                Self.interpreter ?? "python3", "-c",
                "from orion.client import build_experiment; print(build_experiment)",
            ],
            environment: environment,
            currentDirectory: directory,
            timeout: 30
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "build real\n")
    }

    func testThePathIsAppendedAfterTheUsersOwn() {
        XCTAssertEqual(PythonClient.environment([:], adding: "/c")["PYTHONPATH"], "/c")
        XCTAssertEqual(PythonClient.environment(["PYTHONPATH": "/mine"], adding: "/c")["PYTHONPATH"], "/mine:/c")
        XCTAssertEqual(PythonClient.environment(["PYTHONPATH": ""], adding: "/c")["PYTHONPATH"], "/c")
    }
}
