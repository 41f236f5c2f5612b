import Foundation
import OrionTesting
import XCTest

/// A PostgreSQL server of one test's own, on a free loopback port with a fresh data directory, started and stopped
/// with `scripts/services/postgres.sh`, so that the test can stop and restart it without disturbing the server other
/// tests share.
final class PrivatePostgresServer {
    /// The server's URL (database `orion_test`, user `postgres`).
    let url: String
    private let script: String
    private let data: String
    private let port: Int

    /// Creates the server's data directory and starts it.
    ///
    /// - Throws: `XCTSkip` when PostgreSQL's binaries are not installed; an error when the server does not start.
    init(file: StaticString = #filePath) throws {
        guard let bins = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"),
            bins.contains(where: {
                FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/pg_ctl")
            })
        else {
            throw XCTSkip(
                "PostgreSQL's binaries are not installed (no /usr/lib/postgresql/*/bin/pg_ctl): install Debian's "
                    + "postgresql package to run the tests that stop and restart a server of their own"
            )
        }
        var root = URL(fileURLWithPath: "\(file)")
        for _ in 0..<3 { root.deleteLastPathComponent() }
        script = root.appendingPathComponent("scripts/services/postgres.sh").path
        port = try LoopbackPort.free()
        data = "/tmp/orion-pg-private-\(UUID().uuidString.prefix(8))"
        url = "postgresql://postgres@127.0.0.1:\(port)/orion_test"
        try run("start", timeout: 120)
    }

    deinit {
        _ = try? run("stop", timeout: 60)
        try? FileManager.default.removeItem(atPath: data)
        try? FileManager.default.removeItem(atPath: data + ".initdb.log")
    }

    /// Stops the server (`pg_ctl stop -m fast`: every connection is cut, open transactions are rolled back).
    func stop() throws { try run("stop", timeout: 60) }

    /// Starts the server again on the same port and data.
    func start() throws { try run("start", timeout: 60) }

    @discardableResult
    private func run(_ action: String, timeout: TimeInterval) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["ORION_POSTGRES_PORT"] = "\(port)"
        let output = try ProcessRunner.run([script, action, data], environment: environment, timeout: timeout)
        guard output.status == 0 else {
            throw ServerError(message: "postgres.sh \(action) failed (\(output.status)): \(output.stderr)")
        }
        return output.stdout
    }

    /// The private server could not be started or stopped.
    struct ServerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
