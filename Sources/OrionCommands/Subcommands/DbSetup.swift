import ArgumentParser
import Foundation
import OrionCore
import Yams

/// `orion db setup`: write the storage section of the global configuration file, from flags (Oríon asks
/// interactively; the questions are these flags).
struct DbSetup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Write the database section of the global configuration (~/.config/orion.core/orion_config.yaml).",
        discussion: """
            orion db setup --type sqlite --host ~/experiments/orion.db
            orion db setup --type postgresql --host db.example.org --port 5432 --db-name orion --user me
            """
    )

    @Option(help: "The database type: sqlite, postgresql or ephemeraldb (in memory).")
    var type = "sqlite"

    @Option(help: "SQLite: the database file; PostgreSQL: the host name (or a postgres:// URL).")
    var host: String?

    @Option(help: "PostgreSQL: the port.")
    var port: Int?

    @Option(name: .customLong("db-name"), help: "PostgreSQL: the database name.")
    var dbName: String?

    @Option(help: "PostgreSQL: the user name.")
    var user: String?

    @Flag(name: [.customShort("f"), .long], help: "Overwrite an existing global configuration file.")
    var force = false

    func run() async throws {
        try await CommandRunner.run(verbose: false) {
            let environment = ProcessInfo.processInfo.environment
            let path = ConfigurationLoader.globalConfigPath(environment: environment)
            if !force, FileManager.default.fileExists(atPath: path) {
                throw UsageError("\(path) exists already: add -f (--force) to replace it")
            }
            var database: [String: Any] = ["type": type.lowercased()]
            if var host {
                // A relative path is made absolute here (the file is read from anywhere); `~/…` is kept, as the file's
                // reader expands it to the home directory then (probe p44c: it became `<cwd>/~/orion.db`).
                let relative = !host.hasPrefix("/") && !host.contains("://") && host != "~" && !host.hasPrefix("~/")
                if ["sqlite", "sqlite3"].contains(type.lowercased()), relative {
                    host = FileManager.default.currentDirectoryPath + "/" + host
                }
                database["host"] = host
            }
            let isSQLite = ["sqlite", "sqlite3"].contains(type.lowercased())
            let unused = [("--port", port != nil), ("--db-name", dbName != nil), ("--user", user != nil)]
                .filter { isSQLite && $0.1 }.map(\.0)
            if !unused.isEmpty {
                // Said rather than written where nothing reads them (probe p44c: `port: 3` in the SQLite block).
                throw UsageError(
                    "\(unused.joined(separator: ", ")) \(unused.count == 1 ? "is" : "are") for PostgreSQL: an SQLite"
                        + " database is one file, given by --host PATH"
                )
            }
            if let port { database["port"] = port }
            if let dbName { database["name"] = dbName }
            if let user { database["user"] = user }
            do {
                _ = try ConfigurationLoader.storageAddress(
                    type: type,
                    host: database["host"] as? String,
                    name: dbName,
                    port: port,
                    user: user,
                    password: nil
                )
            } catch let problem as ValueProblem {
                throw UsageError(problem.text)
            }
            let text = try Yams.dump(object: ["storage": ["database": database]], sortKeys: true)
            do {
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent,
                    withIntermediateDirectories: true
                )
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw UsageError("cannot write \(path): \(error.localizedDescription)")
            }
            print("Wrote \(path):")
            print(text, terminator: "")
        }
    }
}
