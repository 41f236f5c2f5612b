import ArgumentParser
import Foundation
import OrionCore
import OrionWorker

#if canImport(Glibc)
    import Glibc
#endif

/// `orion db`: set up, check, back up, restore and repair the database.
struct Db: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Set up, check, dump, load and repair the database.",
        subcommands: [
            DbSetup.self, DbTest.self, DbDump.self, DbLoad.self, DbRm.self, DbSet.self, DbRelease.self,
            DbUpgrade.self,
        ]
    )
}

/// What the `orion db` verbs share: finding experiments, asking for confirmation.
enum DbSupport {
    /// The experiment `name` at `version`, or its latest version.
    ///
    /// - Throws: `ExperimentError` `.notFound`, or `UsageError` when no name was given.
    static func experiment(named name: String?, version: Int?, storage: any Storage, verb: String) async throws
        -> Experiment
    {
        guard let name else { throw UsageError("orion db \(verb) needs an experiment name: orion db \(verb) NAME") }
        guard let experiment = try await storage.experiment(named: name, version: version) else {
            let which = version.map { " and version \($0)" } ?? ""
            throw ExperimentError(.notFound, "no experiment named '\(name)'\(which); run `orion list` to see them")
        }
        return experiment
    }

    /// Asks for the experiment's name again on a terminal (Oríon's confirmation), unless `force`.
    ///
    /// - Throws: `UsageError` when the answer differs, or when there is no terminal to ask on and `force` is off.
    static func confirm(_ name: String, action: String, force: Bool) throws {
        guard !force else { return }
        guard isatty(0) == 1 else {
            throw UsageError("orion db \(action) asks for confirmation: add -f (--force) when not on a terminal")
        }
        StandardStream.emit("Type the name of the experiment ('\(name)') to confirm: ")
        guard readLine() == name else { throw UsageError("the name did not match: nothing was changed") }
    }
}
