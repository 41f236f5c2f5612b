import Foundation
import OrionCore
import OrionSQLite
import OrionTesting
import XCTest

/// A scratch directory with its own SQLite database, and helpers to run the built `orion` in it.
struct Sandbox {
    let directory: String
    let database: String
    let orion: String

    init(file: StaticString = #filePath) throws {
        guard let orion = ProcessRunner.executable("orion") else {
            throw XCTSkip(
                "the orion executable is not built: run `swift build --build-tests` first (scripts/test does)"
            )
        }
        self.orion = orion
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("orion-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = directory + "/orion.db"
    }

    /// The environment for `orion`: the default database and the temporary directory inside the sandbox.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["ORION_DB_ADDRESS"] = "sqlite://" + database
        environment["TMPDIR"] = directory + "/tmp"
        environment.removeValue(forKey: "ORION_WORKING_DIR")
        return environment
    }

    func run(_ arguments: [String], timeout: TimeInterval = 120) throws -> ProcessRunner.Output {
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        return try ProcessRunner.run(
            [orion] + arguments,
            environment: environment,
            currentDirectory: directory,
            timeout: timeout
        )
    }

    /// Runs `orion` with `arguments` and asserts that it exits 0 (the failure message names the arguments and
    /// quotes stderr).
    func succeed(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(arguments)
        XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)", file: file, line: line)
    }

    /// Runs `git` in the sandbox with a throwaway identity; skips the test when git is not usable here.
    func git(_ arguments: [String]) throws {
        let output = try ProcessRunner.run(
            ["/usr/bin/env", "git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", directory] + arguments,
            environment: environment,
            currentDirectory: directory
        )
        guard output.status == 0 else { throw XCTSkip("git is not usable here: \(output.stderr)") }
    }

    /// Starts `orion` with `arguments` in the sandbox, `changes` made to its environment (a `PATH` with fake tools).
    func start(_ arguments: [String], name: String, changes: [String: String] = [:]) throws -> Process {
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        return try ProcessRunner.start(
            [orion] + arguments,
            environment: environment.merging(changes) { $1 },
            currentDirectory: directory,
            outputPrefix: directory + "/" + name
        )
    }

    func wait(_ process: Process, name: String, timeout: TimeInterval = 120) -> ProcessRunner.Output {
        ProcessRunner.wait(process, outputPrefix: directory + "/" + name, timeout: timeout)
    }

    /// Writes an executable script into the sandbox.
    func script(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    func storage() throws -> SQLiteStorage { try SQLiteStorage(path: database) }

    func trials(of name: String) async throws -> [Trial] {
        let storage = try storage()
        guard let experiment = try await storage.experiment(named: name, version: nil) else { return [] }
        return try await storage.trials(of: experiment.id, status: nil)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// The user scripts of `Tests/Fixtures`, written the way Oríon users write them (see its README).
enum Compat {
    /// The path of the fixture `name` (`rosenbrock.py`, `flaky.py`, `noop.sh`, `train_like.py`, `from_config.py`,
    /// `train.yaml`).
    static func script(_ name: String, file: StaticString = #filePath) throws -> String {
        var url = URL(fileURLWithPath: "\(file)")
        for _ in 0..<3 { url.deleteLastPathComponent() }  // EndToEnd, OrionCommandsTests, Tests
        let path = url.appendingPathComponent("Fixtures/\(name)").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("\(path) not found: the test fixtures are in Tests/Fixtures of the repository")
        }
        return path
    }
}

/// The pids written one per line in `path` (by a script: `echo $$ >> pids`).
func pids(in path: String) -> [pid_t] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
}
