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

    func start(_ arguments: [String], name: String) throws -> Process {
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        return try ProcessRunner.start(
            [orion] + arguments,
            environment: environment,
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

/// The scripts of `shared/compat`, written the way Oríon users write them.
enum Compat {
    static func script(_ name: String, file: StaticString = #filePath) throws -> String {
        var url = URL(fileURLWithPath: "\(file)")
        for _ in 0..<4 { url.deleteLastPathComponent() }  // EndToEnd, OrionCommandsTests, Tests, the repository
        let path = url.deletingLastPathComponent().appendingPathComponent("shared/compat/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("\(path) not found: the shared/ folder must be beside the repository")
        }
        return path
    }
}
