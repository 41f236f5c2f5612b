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
    /// The experiment's name, given as an argument or with `-n` (the same name both ways is accepted).
    ///
    /// - Throws: `UsageError` when the two differ: a destructive command must not pick one of them silently (probe
    ///   p44c: `orion db rm -n other exp1 -f` deleted `exp1`).
    static func name(argument: String?, flag: String?, verb: String) throws -> String? {
        if let argument, let flag, argument != flag {
            throw UsageError(
                "orion db \(verb) was given two experiment names, \(argument) and -n \(flag): give one"
            )
        }
        return argument ?? flag
    }

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

    /// Says on standard error what a `rm`, `set` or `release` is about to change, as Oríon does on its standard
    /// output (ours keeps the standard output for the counts), then reads the experiment's name again from standard
    /// input (a terminal or a pipe); with `force`, writes the prompt answered by `FORCED`, as Oríon does, so that a
    /// log shows the change was not typed.
    ///
    /// What it says: the version tree rooted at `root` (drawn as `orion list` draws it), what happens to it, how to
    /// narrow it, and to stop the workers first.
    ///
    /// - Parameters:
    ///   - root: the version named on the command line (the latest without `-v`).
    ///   - stored: every experiment of the storage.
    ///   - effect: what the command does to the versions drawn, one sentence.
    ///   - hints: more lines: how to narrow the command.
    ///   - action: the verb, for the message when standard input ends without an answer.
    ///   - force: `-f`: do not ask.
    /// - Throws: ``NotConfirmed`` when the answer differs; `UsageError` when standard input ends without an answer
    ///   and `force` is off.
    static func confirm(
        root: Experiment,
        stored: [Experiment],
        effect: String,
        hints: [String],
        action: String,
        force: Bool
    ) throws {
        let node = ExperimentTree.node(of: root, in: stored) ?? ExperimentTree.forest([root])[0]
        var lines: [String] = []
        Reports.drawTree(node, indent: "", position: .root, into: &lines)
        lines += ["", effect] + hints
        lines += ["", "Stop every worker of these experiments first: a running trial can no longer be stored.", ""]
        let prompt = "Type the name of the experiment ('\(root.name)') to confirm: "
        StandardStream.emit(lines.joined(separator: "\n") + "\n" + prompt + (force ? "FORCED\n" : ""), to: 2)
        guard !force else { return }
        // Off a terminal the answer is read from standard input too, as Oríon's `input()` does: a cleanup script
        // that pipes the name (`echo NAME | orion db rm NAME`) works unchanged.
        guard let answer = readLine() else {
            StandardStream.emit("\n", to: 2)
            throw UsageError(
                "orion db \(action) asks for confirmation: standard input ended without an answer; type or pipe the "
                    + "experiment's name, or add -f (--force)"
            )
        }
        // A piped answer is not echoed, as a typed one is with its newline: end the prompt's line (probe hD4's F4).
        if isatty(0) != 1 { StandardStream.emit("\n", to: 2) }
        // Byte for byte: `==` on strings matches canonically equivalent spellings, and the NFD spelling of `café` is
        // the name of another stored experiment than the NFC one (probe hD4's F1).
        guard answer.utf8.elementsEqual(root.name.utf8) else { throw NotConfirmed() }
    }

    /// The name typed at the confirmation prompt was not the experiment's: exit code 1, as Oríon's aborted
    /// operation (the command was well formed; the answer declined it).
    struct NotConfirmed: OrionError {
        var message: String { "the name did not match: nothing was changed" }
        var kind: ErrorKind { .failure }
    }
}
