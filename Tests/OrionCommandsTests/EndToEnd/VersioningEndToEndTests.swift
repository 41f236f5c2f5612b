import Foundation
import OrionCore
import OrionSQLite
import OrionTesting
import OrionWorker
import XCTest

/// Issue 13, part 2: experiment version control with the built `orion`: each resolution path and adapter.
final class VersioningEndToEndTests: XCTestCase {
    /// Reports 1 whatever the arguments: trials differ only by their parameters.
    private static let constant = """
        #!/bin/sh
        printf '[{"name": "o", "type": "objective", "value": 1}]\\n' >"$ORION_RESULTS_PATH"
        """

    @discardableResult
    private func hunt(_ sandbox: Sandbox, _ arguments: [String], status: Int32 = 0) throws -> ProcessRunner.Output {
        let output = try sandbox.run(["hunt"] + arguments)
        XCTAssertEqual(output.status, status, output.stderr)
        return output
    }

    private func experiment(_ sandbox: Sandbox, _ name: String, _ version: Int? = nil) async throws -> Experiment {
        let found = try await sandbox.storage().experiment(named: name, version: version)
        return try XCTUnwrap(found, "no experiment \(name) v\(version.map(String.init) ?? "latest")")
    }

    private func completed(_ sandbox: Sandbox, _ experiment: Experiment) async throws -> [Trial] {
        try await sandbox.storage().trials(of: experiment.id, status: [.completed])
    }

    private func inherited(_ sandbox: Sandbox, _ experiment: Experiment) async throws -> [Trial] {
        try await ExperimentTree.inheritedTrials(of: experiment, storage: sandbox.storage())
    }

    /// An experiment Oríon created from `./w.sh --b~'uniform(0, 1)' --a~'uniform(0, 1)' extra` has only `/b`: its
    /// parser gave `--a` two values, a list and no prior. Imported (scripts/import-orion.py, `db load`), it was
    /// refused on resume as "created with a different space"; it now resumes, read as Oríon read it, and the script
    /// gets what Oríon gave it.
    func testAnExperimentOrionCreatedWithAWordAfterAPriorResumes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "w.sh",
            "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/args.log\"\n" + Self.constant.split(separator: "\n")[1]
                + "\n"
        )
        let arguments = [script, "--b~uniform(0, 1)", "--a~uniform(0, 1)", "extra"]
        try await sandbox.storage().createExperiment(
            Experiment(
                name: "imported",
                space: try Space(priors: ["/b": "uniform(0, 1)"]),
                algorithm: AlgorithmConfig(name: "random", options: ["seed": 1]),
                maxTrials: 1,
                metadata: ExperimentMetadata(userScript: script, userArgs: arguments, startDirectory: sandbox.directory)
            )
        )
        for typed in [[], arguments] {
            let output = try hunt(sandbox, ["-n", "imported", "--exp-max-trials", typed.isEmpty ? "1" : "2"] + typed)
            XCTAssertTrue(output.stderr.contains("'--a~uniform(0, 1)' 'extra' gives the option several values"))
        }
        let args = try String(contentsOfFile: sandbox.directory + "/args.log", encoding: .utf8)
        let lines = args.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, args)
        XCTAssertTrue(lines.allSatisfy { $0.hasSuffix(" -a orion~uniform(0, 1) extra") && $0.hasPrefix("-b ") }, args)
        let imported = try await experiment(sandbox, "imported")
        XCTAssertEqual(imported.space, try Space(priors: ["/b": "uniform(0, 1)"]))
        // A new experiment keeps swift-orion's rule: the prior stays.
        try hunt(sandbox, ["-n", "ours", "--exp-max-trials", "1"] + arguments)
        let ours = try await experiment(sandbox, "ours")
        XCTAssertEqual(ours.space.dimensions.map(\.name), ["/a", "/b"])
        // And so does one of ours that the command line extends (made with `/b` only): `/a` is added, with EVC.
        try hunt(sandbox, ["-n", "grown", "--exp-max-trials", "1", script, "--b~uniform(0, 1)"])
        let grownOutput = try hunt(sandbox, ["-n", "grown", "--enable-evc", "--exp-max-trials", "2"] + arguments)
        XCTAssertFalse(grownOutput.stderr.contains("several values"), grownOutput.stderr)
        let grown = try await experiment(sandbox, "grown")
        XCTAssertEqual(grown.version, 2)
        XCTAssertEqual(grown.space.dimensions.map(\.name), ["/a", "/b"])
    }

    func testWithoutVersionControlAChangedSpaceIsRefusedAndMarkersChangeNothing() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "2", script, "-x~uniform(0, 1)"])
        let refused = try hunt(sandbox, ["-n", "e", script, "-x~uniform(0, 1)", "--y~+uniform(0, 1)"], status: 2)
        XCTAssertTrue(refused.stderr.contains("--enable-evc to make it a new version"), refused.stderr)
        let branchTo = try hunt(sandbox, ["-n", "e", "-b", "f", script, "-x~uniform(0, 1)"], status: 2)
        XCTAssertTrue(branchTo.stderr.contains("need experiment version control: add --enable-evc"), branchTo.stderr)
        // Without a command line too (probe p44a: it said to give the script, which only led to this error).
        let branchFrom = try hunt(sandbox, ["-n", "k", "--branch-from", "e", "--exp-max-trials", "3"], status: 2)
        XCTAssertTrue(
            branchFrom.stderr.contains("need experiment version control: add --enable-evc"),
            branchFrom.stderr
        )
        let value1 = try await sandbox.storage().experiments().count
        XCTAssertEqual(value1, 1)
    }

    /// Scenario (a PostgreSQL fault run): hunts with five different priors started at once on one experiment with
    /// `--enable-evc`. One that lost the race to create a version resumed the winner's version although its space
    /// was another (a hunt given `uniform(0, 5)` ran in a version of `uniform(0, 4)`), or failed saying the version
    /// it never named had a newer one. Now each hunt ends in a version of its own space, and the versions form one
    /// chain. Run three times, as the race does not always happen.
    func testHuntsThatBranchAtOnceEachRunInAVersionOfTheirOwnSpace() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "bound.sh",
            """
            #!/bin/sh
            # The bound this hunt was given (its last argument) and the version it runs in.
            for last; do :; done
            echo "$last $ORION_EXPERIMENT_VERSION" >>"$(dirname "$0")/runs.log"
            printf '[{"name": "o", "type": "objective", "value": 1}]\\n' >"$ORION_RESULTS_PATH"
            """
        )
        for round in 0..<3 {
            let name = "race\(round)"
            try hunt(sandbox, ["-n", name, "--enable-evc", "--init-only", script, "-x~uniform(0, 1)", "1"])
            let bounds = [2, 3, 4, 5, 6]
            let processes = try bounds.map { bound in
                try sandbox.start(
                    [
                        "hunt", "-n", name, "--enable-evc", "--exp-max-trials", "1", script,
                        "-x~uniform(0, \(bound))", String(bound),
                    ],
                    name: "\(name)-\(bound)"
                )
            }
            for (bound, process) in zip(bounds, processes) {
                let output = sandbox.wait(process, name: "\(name)-\(bound)")
                XCTAssertEqual(output.status, 0, "round \(round), bound \(bound): \(output.stderr)")
            }
            let storage = try sandbox.storage()
            let versions = try await storage.experiments().filter { $0.name == name }.sorted { $0.version < $1.version }
            XCTAssertEqual(versions.map(\.version), Array(1...6), "one version per space")
            for (parent, child) in zip(versions, versions.dropFirst()) {
                XCTAssertEqual(child.refers?.parentID, parent.id, "\(child.displayName) is the child of the one before")
            }
            let runs = try String(contentsOfFile: sandbox.directory + "/runs.log", encoding: .utf8)
            for line in runs.split(separator: "\n") {
                let fields = line.split(separator: " ").map(String.init)
                guard fields.count == 2, let bound = Int(fields[0]), let version = Int(fields[1]) else { continue }
                let space = try XCTUnwrap(versions.first { $0.version == version }?.space)
                XCTAssertEqual(space, try Space(priors: ["/x": "uniform(0, \(bound))"]), "round \(round): \(line)")
            }
            try FileManager.default.removeItem(atPath: sandbox.directory + "/runs.log")
        }
    }

    /// Scenario (a versioning probe): six hunts started at once with one `--branch-to` and one configuration. The
    /// one that created the child hunted it; most of the others failed, saying the name exists, by timing. Now all
    /// of them hunt the one child, as docs/versioning.md says.
    func testHuntsThatBranchToOneNameAtOnceAllRunIt() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try hunt(sandbox, ["-n", "trunk", "--exp-max-trials", "2", script, "-x~uniform(0, 1)"])
        let processes = try (0..<6).map { index in
            try sandbox.start(
                [
                    "hunt", "-n", "trunk", "--enable-evc", "-b", "twig", "--exp-max-trials", "8", script,
                    "-x~uniform(0, 2)",
                ],
                name: "twig-\(index)"
            )
        }
        for (index, process) in processes.enumerated() {
            let output = sandbox.wait(process, name: "twig-\(index)")
            XCTAssertEqual(output.status, 0, "hunt \(index): \(output.stderr)")
        }
        let names = try await sandbox.storage().experiments().map(\.displayName).sorted()
        XCTAssertEqual(names, ["trunk-v1", "twig-v1"])
        let twig = try await completed(sandbox, try await experiment(sandbox, "twig"))
        XCTAssertEqual(twig.count, 6, "8 with trunk's 2")
    }

    func testNewDimensionBranchesAChildThatInheritsWithTheDefault() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"])
        let branched = try hunt(
            sandbox,
            [
                "-n", "e", "--enable-evc", "--exp-max-trials", "5", script, "-x~uniform(0, 1)",
                "-y~+uniform(0, 1, default_value=0.5)",
            ]
        )
        XCTAssertTrue(
            branched.stderr.contains(
                "new version e-v2 branched from e-v1 (new dimension /y~uniform(0, 1, default_value=0.5))"
            ),
            branched.stderr
        )
        let parent = try await experiment(sandbox, "e", 1)
        let child = try await experiment(sandbox, "e", 2)
        XCTAssertEqual(child.refers?.parentID, parent.id)
        XCTAssertEqual(child.refers?.rootID, parent.id)
        XCTAssertEqual(child.refers?.adapters, [.dimensionAddition(name: "/y", type: .real, value: .double(0.5))])
        // The child inherits the parent's three with y = 0.5, which count toward its max trials as in Oríon: 5 is
        // two trials of its own.
        let value2 = try await completed(sandbox, child).count
        XCTAssertEqual(value2, 2)
        let carried = try await inherited(sandbox, child)
        XCTAssertEqual(carried.count, 3)
        XCTAssertEqual(Set(carried.map { $0.params["/y"] }), [.double(0.5)])
        let parentValues = Set(try await completed(sandbox, parent).map { $0.params["/x"] })
        XCTAssertEqual(Set(carried.map { $0.params["/x"] }), parentValues)

        // Resuming with the same command resumes v2; `orion list` draws the tree; `orion info` names the parent.
        try hunt(
            sandbox,
            [
                "-n", "e", "--enable-evc", "--exp-max-trials", "6", script, "-x~uniform(0, 1)",
                "-y~+uniform(0, 1, default_value=0.5)",
            ]
        )
        let value3 = try await sandbox.storage().experiments().count
        XCTAssertEqual(value3, 2)
        let list = try sandbox.run(["list"])
        XCTAssertEqual(list.stdout, " e-v1┐\n     └e-v2\n")
        let info = try sandbox.run(["info", "-n", "e"])
        XCTAssertTrue(
            info.stdout.contains(
                "Parent experiment\n=================\nroot: e\nparent: e\nadapter:\n  [\n    of_type: dimensionaddition\n"
                    + "    param:\n      name: /y\n      type: real\n      value: 0.5\n  ]\n"
            ),
            info.stdout
        )
        let value4 = try await completed(sandbox, child).count
        XCTAssertEqual(value4, 3)
        let value5 = try await completed(sandbox, parent).count
        XCTAssertEqual(value5, 3)
    }

    /// As in Oríon, whose `is_done` counts the completed trials of the whole version tree, the trials a version
    /// inherits count toward its max trials: after three in v1, a v2 with `--exp-max-trials 5` runs two (Oríon 0.2.7
    /// ran two, checked), says `[4/5]` and `[5/5]`, and is done for `orion info`; a v3 with the same bound inherits
    /// five and runs none. The counts shown stay each version's own.
    func testInheritedTrialsCountTowardMaxTrials() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try hunt(sandbox, ["-n", "m", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"])
        let second = try hunt(
            sandbox,
            ["-n", "m", "--enable-evc", "--exp-max-trials", "5", script, "-x~uniform(0, 2)"]
        )
        XCTAssertTrue(second.stderr.contains("[4/5] trial"), second.stderr)
        XCTAssertTrue(second.stderr.contains("[5/5] trial"), second.stderr)
        XCTAssertFalse(second.stderr.contains("[6/5]"), second.stderr)
        let v2 = try await experiment(sandbox, "m", 2)
        let ownOfV2 = try await completed(sandbox, v2).count
        XCTAssertEqual(ownOfV2, 2)
        let info = try sandbox.run(["info", "-n", "m"])
        XCTAssertTrue(info.stdout.contains("Stats\n=====\ncompleted: True\ntrials completed: 2\n"), info.stdout)
        let third = try hunt(sandbox, ["-n", "m", "--enable-evc", "--exp-max-trials", "5", script, "-x~uniform(0, 3)"])
        let v3 = try await experiment(sandbox, "m", 3)
        let ownOfV3 = try await completed(sandbox, v3).count
        XCTAssertEqual(ownOfV3, 0, third.stderr)
        let inheritedByV3 = try await inherited(sandbox, v3).count
        XCTAssertEqual(inheritedByV3, 5)
        XCTAssertTrue(third.stderr.contains("the experiment is done"), third.stderr)
        XCTAssertTrue(
            third.stderr.contains(
                "note: the 5 completed trials of its parent versions count toward its max trials (5)"
            ),
            third.stderr
        )
    }

    func testRemovedRenamedAndChangedDimensionsCarryOnlyMatchingTrials() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try hunt(
            sandbox,
            [
                "-n", "e", "--exp-max-trials", "20", script, "-x~uniform(0, 1)", "-y~choices([1, 2])",
                "--lr~uniform(0, 1)",
            ]
        )
        let parent = try await experiment(sandbox, "e", 1)
        let parentTrials = try await completed(sandbox, parent)
        // Remove y keeping y = 1, rename lr to rate, narrow x.
        let branched = try hunt(
            sandbox,
            [
                "-n", "e", "--enable-evc", "--exp-max-trials", "1", script, "-x~uniform(0, 0.5)", "-y~-1",
                "--lr~>rate", "--rate~uniform(0, 1)",
            ]
        )
        XCTAssertTrue(branched.stderr.contains("(dimension /lr renamed to /rate; "), branched.stderr)
        XCTAssertFalse(branched.stderr.contains("new dimension /rate"), "the rename is named once: \(branched.stderr)")
        let child = try await experiment(sandbox, "e", 2)
        XCTAssertEqual(
            child.refers?.adapters,
            [
                .dimensionRenaming(oldName: "/lr", newName: "/rate"),
                .dimensionDeletion(name: "/y", type: .categorical, value: .int(1)),
                .dimensionPriorChange(name: "/x", oldPrior: "uniform(0, 1)", newPrior: "uniform(0, 0.5)"),
            ]
        )
        let expected = parentTrials.filter { $0.params["/y"] == .int(1) && ($0.params["/x"]?.doubleValue ?? 1) <= 0.5 }
        let carried = try await inherited(sandbox, child)
        XCTAssertEqual(carried.count, expected.count)
        XCTAssertEqual(Set(carried.map { $0.params["/rate"] }), Set(expected.map { $0.params["/lr"] }))
        XCTAssertTrue(carried.allSatisfy { $0.params.names == ["/rate", "/x"] })
    }

    /// A child made with `--branch-from PARENT` keeps the parent's max trials, max broken and algorithm unless a
    /// flag or the `-c` file gives them, as `-n PARENT -b CHILD` does: the global file's and the environment's values
    /// were taken instead (probe p42b: 11 and 7 from the global file, 42 from `ORION_EXP_MAX_TRIALS`, and `tpe`).
    func testABranchFromChildKeepsItsParentsSettings() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        let configuration = sandbox.directory + "/xdg/orion.core/orion_config.yaml"
        try FileManager.default.createDirectory(
            atPath: sandbox.directory + "/xdg/orion.core",
            withIntermediateDirectories: true
        )
        try "experiment:\n  max_trials: 11\n  max_broken: 7\n  algorithm: {tpe: {seed: 9}}\n"
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        try hunt(
            sandbox,
            ["-n", "p", "--exp-max-trials", "3", "--exp-max-broken", "2", "--init-only", script, "-x~uniform(0, 1)"]
        )
        var environment = sandbox.environment
        environment["ORION_EXP_MAX_TRIALS"] = "42"
        environment["XDG_CONFIG_HOME"] = sandbox.directory + "/xdg"
        func initOnly(_ arguments: [String]) throws {
            let output = try ProcessRunner.run(
                [sandbox.orion, "hunt", "--init-only", "--enable-evc"] + arguments,
                environment: environment,
                currentDirectory: sandbox.directory
            )
            XCTAssertEqual(output.status, 0, output.stderr)
            XCTAssertFalse(output.stderr.contains("algorithm changed"), output.stderr)
        }
        try initOnly(["-n", "from", "--branch-from", "p"])
        try initOnly(["-n", "p", "-b", "to"])
        let parent = try await experiment(sandbox, "p")
        for name in ["from", "to"] {
            let child = try await experiment(sandbox, name)
            XCTAssertEqual(child.refers?.parentID, parent.id, name)
            XCTAssertEqual(child.maxTrials, 3, name)
            XCTAssertEqual(child.maxBroken, 2, name)
            XCTAssertEqual(child.algorithm, parent.algorithm, name)
        }
        // A flag is still the user's request for the child.
        try initOnly(["-n", "flagged", "--branch-from", "p", "--exp-max-trials", "5"])
        let flagged = try await experiment(sandbox, "flagged")
        XCTAssertEqual(flagged.maxTrials, 5)
        XCTAssertEqual(flagged.maxBroken, 2)
        // A new experiment (no parent) takes the global file's and the environment's values.
        let output = try ProcessRunner.run(
            [sandbox.orion, "hunt", "--init-only", "-n", "fresh", script, "-x~uniform(0, 1)"],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        let fresh = try await experiment(sandbox, "fresh")
        XCTAssertEqual(fresh.maxTrials, 42)
        XCTAssertEqual(fresh.maxBroken, 7)
        XCTAssertNotEqual(fresh.algorithm, parent.algorithm)
    }

    func testBranchToAndBranchFromNameNewExperiments() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "2", script, "-x~uniform(0, 1)"])
        try hunt(sandbox, ["-n", "e", "--enable-evc", "-b", "f", "--exp-max-trials", "3", script, "-x~uniform(0, 2)"])
        let root = try await experiment(sandbox, "e", 1)
        let renamed = try await experiment(sandbox, "f")
        XCTAssertEqual(renamed.version, 1)
        XCTAssertEqual(renamed.refers?.parentID, root.id)
        // The same --branch-to again: the name exists.
        let again = try hunt(
            sandbox,
            ["-n", "e", "--enable-evc", "-b", "f", script, "-x~uniform(0, 3)"],
            status: 2
        )
        XCTAssertTrue(again.stderr.contains("an experiment of that name exists already"), again.stderr)
        // The same --branch-to with f's own configuration (a job script run again, or workers started together):
        // it resumes f, as the worker that loses a race to create it does.
        let same = try hunt(
            sandbox,
            ["-n", "e", "--enable-evc", "-b", "f", "--exp-max-trials", "4", script, "-x~uniform(0, 2)"]
        )
        XCTAssertTrue(
            same.stderr.contains(
                "note: f-v1 was branched from e-v1 with this configuration already; this run resumes it"
            ),
            same.stderr
        )
        let names = try await sandbox.storage().experiments().map(\.displayName).sorted()
        XCTAssertEqual(names, ["e-v1", "f-v1"])
        let resumed = try await sandbox.trials(of: "f").filter { $0.status == .completed }.count
        XCTAssertEqual(resumed, 2, "f ran one more trial of its own (4 with e's 2)")
        // --branch-from NAME:VERSION with an unchanged space: a child of f under the name g, all trials carried.
        var environment = sandbox.environment
        environment["ORION_EVC_ENABLE"] = "true"
        let from = try ProcessRunner.run(
            [
                sandbox.orion, "hunt", "-n", "g", "--branch-from", "f:1", "--exp-max-trials", "1", script,
                "-x~uniform(0, 2)",
            ],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(from.status, 0, from.stderr)
        let grandchild = try await experiment(sandbox, "g")
        XCTAssertEqual(grandchild.refers?.parentID, renamed.id)
        XCTAssertEqual(grandchild.refers?.rootID, root.id)
        XCTAssertEqual(grandchild.refers?.adapters, [])
        // A child without adapters shows an empty list, as Oríon does (a root shows none).
        let childInfo = try sandbox.run(["info", "-n", "g"]).stdout
        XCTAssertTrue(childInfo.contains("\nparent: f\nadapter:\n  [\n\n  ]\n"), childInfo)
        // g inherits f's own two trials and, through f's prior change, e's two (all inside uniform(0, 2)).
        let value6 = try await inherited(sandbox, grandchild).count
        XCTAssertEqual(value6, 4)
        XCTAssertEqual(try sandbox.run(["list"]).stdout, " e-v1┐\n     └f-v1┐\n          └g-v1\n")
        XCTAssertEqual(try sandbox.run(["list", "-n", "f"]).stdout, " f-v1┐\n     └g-v1\n")
        // --branch-from without a command line takes the source's, as in Oríon; with an existing name, a note says
        // the flag is not used.
        let bare = try hunt(sandbox, ["-n", "h", "--enable-evc", "--branch-from", "f", "--exp-max-trials", "1"])
        let branched = try await experiment(sandbox, "h")
        XCTAssertEqual(branched.refers?.parentID, renamed.id, bare.stderr)
        XCTAssertEqual(branched.metadata.userArgs, renamed.metadata.userArgs)
        let existing = try hunt(sandbox, ["-n", "h", "--enable-evc", "--branch-from", "e", "--exp-max-trials", "1"])
        XCTAssertTrue(
            existing.stderr.contains("note: --branch-from e is not used: experiment 'h' exists"),
            existing.stderr
        )
        try sandbox.succeed(["db", "rm", "h", "-f"])
        // Branching from an older version with a same-name child is refused.
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "1", script, "-x~uniform(0, 4)"])
        let old = try hunt(
            sandbox,
            ["-n", "e", "-v", "1", "--enable-evc", script, "-x~uniform(0, 5)"],
            status: 2
        )
        XCTAssertTrue(old.stderr.contains("e' v1 already has a newer version v2"), old.stderr)
        // With v2's own configuration, branching from v1 would make v2 again: it resumes v2.
        let again2 = try hunt(sandbox, ["-n", "e", "-v", "1", "--enable-evc", script, "-x~uniform(0, 4)"])
        XCTAssertTrue(
            again2.stderr.contains("note: e-v2 was branched from e-v1 with this configuration already"),
            again2.stderr
        )
        let versions = try await sandbox.storage().experiments().filter { $0.name == "e" }.map(\.version).sorted()
        XCTAssertEqual(versions, [1, 2])
    }

    func testManualResolutionRefusesUnmarkedConflictsAndAcceptsMarkedOnes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        let config = sandbox.directory + "/grid.yaml"
        try "experiment:\n  algorithm: gridsearch\nevc:\n  enable: true\n  manual_resolution: true\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "2", script, "-x~uniform(0, 1)", "--epochs", "1"])
        let refused = try hunt(
            sandbox,
            ["-n", "e", "-c", config, script, "-x~uniform(0, 1)", "-y~uniform(0, 1)", "--epochs", "2"],
            status: 2
        )
        XCTAssertEqual(
            refused.stderr,
            "Error: experiment 'e' v1 changed and --manual-resolution resolves only what is marked (orion has no"
                + " interactive prompt); unresolved: new dimension /y~uniform(0, 1): mark it `-y~+'uniform(0, 1)'`"
                + " (with default_value=... to reuse the parent's trials); algorithm changed from {auto:"
                + " {hand_over_after: 300, seed: None}} to {gridsearch: {n_values: 100}}: add --algorithm-change; command line changed from"
                + " 'epochs 1' to 'epochs 2': add --cli-change-type"
                + " noeffect|unsure|break, or --non-monitored-arguments NAME for an argument that does not matter\n"
        )
        try hunt(
            sandbox,
            [
                "-n", "e", "-c", config, "--algorithm-change", "--cli-change-type", "noeffect", "--exp-max-trials",
                "1", script, "-x~uniform(0, 1)", "-y~+uniform(0, 1)", "--epochs", "2",
            ]
        )
        let child = try await experiment(sandbox, "e", 2)
        XCTAssertEqual(
            child.refers?.adapters,
            [
                .dimensionAddition(name: "/y", type: .real, value: nil), .algorithmChange,
                .commandLineChange(.noEffect),
            ]
        )
        let value7 = try await inherited(sandbox, child).count
        XCTAssertEqual(value7, 0, "no default for /y: nothing carries over")
    }

    /// Oríon's `orion~+prior` inside the script's configuration file marks a new dimension, as `--y~+prior` does.
    func testANewDimensionMarkedInTheScriptsConfigurationFile() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        let config = sandbox.directory + "/manual.yaml"
        try "evc:\n  enable: true\n  manual_resolution: true\n".write(toFile: config, atomically: true, encoding: .utf8)
        let file = sandbox.directory + "/train.yaml"
        try "lr: orion~uniform(0, 1)\n".write(toFile: file, atomically: true, encoding: .utf8)
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "2", script, "--config", file])
        try "lr: orion~uniform(0, 1)\nmom: orion~uniform(0, 1)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try hunt(sandbox, ["-n", "e", "-c", config, script, "--config", file], status: 2)
        XCTAssertTrue(refused.stderr.contains("unresolved: new dimension /mom~uniform(0, 1)"), refused.stderr)
        try "lr: orion~uniform(0, 1)\nmom: orion~+uniform(0, 1, default_value=0.5)\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        try hunt(sandbox, ["-n", "e", "-c", config, "--exp-max-trials", "3", script, "--config", file])
        let child = try await experiment(sandbox, "e", 2)
        XCTAssertEqual(child.refers?.adapters, [.dimensionAddition(name: "/mom", type: .real, value: .double(0.5))])
        XCTAssertEqual(child.space["/mom"]?.priorString, "uniform(0, 1, default_value=0.5)")
        let carried = try await inherited(sandbox, child)
        XCTAssertEqual(Set(carried.map { $0.params["/mom"] }), [.double(0.5)])
    }

    func testCommandLineChangeTypesAndIgnoredArguments() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "2", script, "-x~uniform(0, 1)", "--epochs", "1"])
        // An ignored argument changes nothing: the same version is resumed.
        try hunt(
            sandbox,
            [
                "-n", "e", "--enable-evc", "--non-monitored-arguments", "epochs:seed", "--exp-max-trials", "3", script,
                "-x~uniform(0, 1)", "--epochs", "5",
            ]
        )
        let value8 = try await sandbox.storage().experiments().count
        XCTAssertEqual(value8, 1)
        // By default a command-line change breaks: nothing carries over.
        try hunt(
            sandbox,
            ["-n", "e", "--enable-evc", "--exp-max-trials", "1", script, "-x~uniform(0, 1)", "--epochs", "2"]
        )
        let broken = try await experiment(sandbox, "e", 2)
        XCTAssertEqual(broken.refers?.adapters, [.commandLineChange(.breaking)])
        let value9 = try await inherited(sandbox, broken).count
        XCTAssertEqual(value9, 0)
        // `unsure` carries the parent's trials (and, through v2's break, none of v1's).
        try hunt(
            sandbox,
            [
                "-n", "e", "--enable-evc", "--cli-change-type", "unsure", "--exp-max-trials", "1", script,
                "-x~uniform(0, 1)", "--epochs", "3",
            ]
        )
        let unsure = try await experiment(sandbox, "e", 3)
        XCTAssertEqual(unsure.refers?.adapters, [.commandLineChange(.unsure)])
        let value10 = try await inherited(sandbox, unsure).count
        XCTAssertEqual(value10, 1)
    }

    func testCodeChangeInAGitRepository() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try sandbox.git(["init", "-q"])
        try sandbox.git(["add", "c.sh"])
        try sandbox.git(["commit", "-q", "-m", "one"])
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "2", script, "-x~uniform(0, 1)"])
        let parent = try await experiment(sandbox, "e", 1)
        XCTAssertEqual(parent.metadata.vcs?.isDirty, false)
        _ = try sandbox.script("c.sh", Self.constant + "\n# two\n")
        try sandbox.git(["commit", "-q", "-am", "two"])
        // --ignore-code-changes: the same version goes on.
        try hunt(
            sandbox,
            ["-n", "e", "--enable-evc", "--ignore-code-changes", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"]
        )
        let value11 = try await sandbox.storage().experiments().count
        XCTAssertEqual(value11, 1)
        // The run that did not branch stored the code it ran, as Oríon: that code again is no change.
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"])
        let stored = try await sandbox.storage().experiments().count
        XCTAssertEqual(stored, 1)
        _ = try sandbox.script("c.sh", Self.constant + "\n# three\n")
        try sandbox.git(["commit", "-q", "-am", "three"])
        try hunt(
            sandbox,
            [
                "-n", "e", "--enable-evc", "--code-change-type", "noeffect", "--exp-max-trials", "1", script,
                "-x~uniform(0, 1)",
            ]
        )
        let child = try await experiment(sandbox, "e", 2)
        XCTAssertEqual(child.refers?.adapters, [.codeChange(.noEffect)])
        XCTAssertNotEqual(child.metadata.vcs?.headSHA, parent.metadata.vcs?.headSHA)
        let value12 = try await inherited(sandbox, child).count
        XCTAssertEqual(value12, 3)
    }

    /// With version control on, code that changes while a hunt runs stops it before the next trial, as Oríon's
    /// worker does ("Code changed between execution of 2 trials"): the remaining trials ran the new code inside the
    /// version made for the old one, without a word (probe p42b). The trial is put back, and the next hunt makes a
    /// new version. Without version control, or with --ignore-code-changes, the hunt goes on.
    func testCodeThatChangesDuringAHuntStopsItBeforeTheNextTrial() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // The first trial edits a tracked file of the script's repository, once (the marker is not tracked).
        let script = try sandbox.script(
            "edit.sh",
            """
            #!/bin/sh
            here=$(dirname "$0")
            [ -e "$here/marker" ] || { touch "$here/marker"; echo edited >> "$here/notes.txt"; }
            printf '[{"name": "o", "type": "objective", "value": 1}]\\n' >"$ORION_RESULTS_PATH"
            """
        )
        try "notes\n".write(toFile: sandbox.directory + "/notes.txt", atomically: true, encoding: .utf8)
        try sandbox.git(["init", "-q"])
        try sandbox.git(["add", "edit.sh", "notes.txt"])
        try sandbox.git(["commit", "-q", "-m", "one"])
        let arguments = ["-n", "e", "--enable-evc", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"]
        let stopped = try hunt(sandbox, arguments, status: 1)
        XCTAssertTrue(
            stopped.stderr.contains("Error: code changed between execution of 2 trials (from "),
            stopped.stderr
        )
        XCTAssertTrue(stopped.stderr.contains("run the hunt again to make a new version"), stopped.stderr)
        let first = try await experiment(sandbox, "e", 1)
        let ran = try await completed(sandbox, first)
        XCTAssertEqual(ran.count, 1)
        let all = try await sandbox.storage().trials(of: first.id, status: nil)
        XCTAssertFalse(all.contains { $0.status == .broken || $0.status == .reserved }, "\(all.map(\.status))")
        // The next hunt runs the new code in a new version.
        let resumed = try hunt(sandbox, arguments)
        XCTAssertTrue(resumed.stderr.contains("code changed"), resumed.stderr)
        let second = try await experiment(sandbox, "e", 2)
        XCTAssertEqual(second.metadata.vcs?.isDirty, true)
        XCTAssertFalse(first.metadata.vcs?.isDirty ?? true)

        // Without version control the code is not compared: the hunt runs its trials.
        try FileManager.default.removeItem(atPath: sandbox.directory + "/marker")
        try sandbox.git(["commit", "-q", "-am", "two"])
        try hunt(sandbox, ["-n", "off", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"])
        let off = try await experiment(sandbox, "off", 1)
        let offRan = try await completed(sandbox, off)
        XCTAssertEqual(offRan.count, 3)
        // Nor with --ignore-code-changes.
        try FileManager.default.removeItem(atPath: sandbox.directory + "/marker")
        try sandbox.git(["commit", "-q", "-am", "three"])
        try hunt(
            sandbox,
            ["-n", "ign", "--enable-evc", "--ignore-code-changes", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"]
        )
        let ignored = try await experiment(sandbox, "ign", 1)
        let ignoredRan = try await completed(sandbox, ignored)
        XCTAssertEqual(ignoredRan.count, 3)
    }

    /// The child's algorithm observes the inherited trials (warm start): a grid search child whose parent ran the
    /// whole grid has nothing left to run when the trials carry over, and runs the grid again when they do not.
    func testGridSearchChildSkipsInheritedPointsOnlyWhenTheyCarryOver() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        let config = sandbox.directory + "/grid.yaml"
        try "experiment:\n  algorithm:\n    gridsearch: {n_values: 3}\n".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        let common = ["-n", "g", "-c", config, "--exp-max-trials", "3"]
        try hunt(sandbox, common + [script, "-x~uniform(0, 1)", "--epochs", "1"])
        let warm = try hunt(
            sandbox,
            common + ["--enable-evc", "--cli-change-type", "noeffect", script, "-x~uniform(0, 1)", "--epochs", "2"]
        )
        XCTAssertTrue(warm.stdout.contains("No trials executed..."), warm.stdout)
        let child = try await experiment(sandbox, "g", 2)
        let childTrials = try await sandbox.storage().trials(of: child.id, status: nil)
        XCTAssertEqual(childTrials.count, 0)
        let carried = try await inherited(sandbox, child)
        XCTAssertEqual(carried.count, 3)
        try hunt(sandbox, common + ["--enable-evc", script, "-x~uniform(0, 1)", "--epochs", "3"])
        let broken = try await experiment(sandbox, "g", 3)
        let rerun = try await completed(sandbox, broken)
        XCTAssertEqual(rerun.count, 3, "a break carries nothing over: the grid runs again")
    }

    /// A change of the script's configuration file, other than its priors, makes a child version.
    func testScriptConfigurationFileChanges() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        let config = sandbox.directory + "/train.yaml"
        func write(_ epochs: Int, prior: String = "uniform(0, 1)") throws {
            try "epochs: \(epochs)\nlr: 'orion~\(prior)'\n".write(toFile: config, atomically: true, encoding: .utf8)
        }
        try write(1)
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "2", script, "--config", config])
        try write(1, prior: "uniform(0, 2)")  // a prior: a space change, not a configuration change
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "3", script, "--config", config])
        let prior = try await experiment(sandbox, "e", 2)
        XCTAssertEqual(
            prior.refers?.adapters,
            [.dimensionPriorChange(name: "/lr", oldPrior: "uniform(0, 1)", newPrior: "uniform(0, 2)")]
        )
        try write(5, prior: "uniform(0, 2)")
        try hunt(
            sandbox,
            [
                "-n", "e", "--enable-evc", "--config-change-type", "noeffect", "--exp-max-trials", "1", script,
                "--config", config,
            ]
        )
        let child = try await experiment(sandbox, "e", 3)
        XCTAssertEqual(child.refers?.adapters, [.scriptConfigChange(.noEffect)])
        let carried = try await inherited(sandbox, child)
        XCTAssertEqual(carried.count, 3, "v2's own trial and v1's two")
    }
    /// The same script or configuration file written another way (`./c.sh`, `c.sh`, its absolute path; `--config
    /// ../x.yaml` and its absolute path) is no change, as in Oríon, which stores absolute paths; and a run without
    /// version control records the code it ran, so that a later run with it compares with that code (found side by
    /// side: each of these made a new version that inherited nothing).
    func testTheSameScriptAndCodeWrittenOrRunAnotherWayAreNoChange() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        let config = sandbox.directory + "/train.yaml"
        try "epochs: 1\nlr: 'orion~uniform(0, 1)'\n".write(toFile: config, atomically: true, encoding: .utf8)
        try sandbox.git(["init", "-q"])
        try sandbox.git(["add", "c.sh"])
        try sandbox.git(["commit", "-q", "-m", "one"])
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "1", "./c.sh", "--config", "train.yaml"])
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "2", script, "--config", config])
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "3", "c.sh", "--config", "./train.yaml"])
        var names = try await sandbox.storage().experiments().map(\.displayName)
        XCTAssertEqual(names, ["e-v1"])
        // A commit, then a run without version control: it records the new code (Oríon too, with a warning).
        _ = try sandbox.script("c.sh", Self.constant + "\n# two\n")
        try sandbox.git(["commit", "-q", "-am", "two"])
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "4", "./c.sh", "--config", "train.yaml"])
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "5", "./c.sh", "--config", "train.yaml"])
        names = try await sandbox.storage().experiments().map(\.displayName)
        XCTAssertEqual(names, ["e-v1"])
        let trials = try await completed(sandbox, try await experiment(sandbox, "e", 1))
        XCTAssertEqual(trials.count, 5)
        // Another script is still a change.
        _ = try sandbox.script("d.sh", Self.constant)
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "6", "./d.sh", "--config", "train.yaml"])
        names = try await sandbox.storage().experiments().map(\.displayName).sorted()
        XCTAssertEqual(names, ["e-v1", "e-v2"])
    }
    /// The command that made a version by a renaming, run again (a job resubmitted), or a resume with the stored
    /// command line, resumes that version, as in Oríon; both were refused, the marker's old name not being stored.
    func testTheCommandOfARenamingRunAgainResumesItsVersion() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "1", script, "-x~uniform(-1, 1)"])
        let renaming = [script, "-x~>w", "-w~uniform(-1, 1)"]
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "2"] + renaming)
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "3"] + renaming)
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "4"])
        var experiments = try await sandbox.storage().experiments()
        XCTAssertEqual(experiments.map(\.displayName).sorted(), ["e-v1", "e-v2"])
        XCTAssertEqual(experiments.first { $0.version == 2 }?.maxTrials, 4)
        // A later version made by another change, its job script keeping the marker: resumed too.
        let widened = [script, "-x~>w", "-w~uniform(-2, 2)"]
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "5"] + widened)
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "6"] + widened)
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "7"])
        experiments = try await sandbox.storage().experiments()
        XCTAssertEqual(experiments.map(\.displayName).sorted(), ["e-v1", "e-v2", "e-v3"])
        XCTAssertEqual(experiments.first { $0.version == 3 }?.maxTrials, 7)
    }

    /// `--branch-from a -v 1`: the version is the parent's, as in Oríon (it was ignored: the child branched from
    /// a's latest version, with another space).
    func testBranchFromTakesTheVersionOption() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try hunt(sandbox, ["-n", "a", "--exp-max-trials", "1", script, "-x~uniform(-1, 1)"])
        try hunt(
            sandbox,
            ["-n", "a", "--enable-evc", "--exp-max-trials", "2", script, "-x~uniform(-1, 1)", "-z~+uniform(0, 1)"]
        )
        try hunt(sandbox, ["-n", "b", "--branch-from", "a", "-v", "1", "--enable-evc", "--exp-max-trials", "2"])
        let experiments = try await sandbox.storage().experiments()
        let b = try XCTUnwrap(experiments.first { $0.name == "b" })
        XCTAssertEqual(b.space.names, ["/x"])
        XCTAssertEqual(b.refers?.parentID, experiments.first { $0.name == "a" && $0.version == 1 }?.id)
        // A parent that is not there is named as such (it said that the new experiment did not exist yet); two
        // versions of the parent are refused.
        let missing = try hunt(sandbox, ["-n", "c", "--branch-from", "a", "-v", "9", "--enable-evc"], status: 2)
        XCTAssertTrue(missing.stderr.contains("no experiment 'a' version 9 to branch from"), missing.stderr)
        let twice = try hunt(sandbox, ["-n", "c", "--branch-from", "a:1", "-v", "2", "--enable-evc"], status: 2)
        XCTAssertTrue(twice.stderr.contains("name two versions of the parent"), twice.stderr)
    }

    /// A rename whose dimension is not stored is refused even when nothing else changed: it was accepted and stored
    /// with the command line, and every later branch of the experiment then failed on it (found side by side).
    func testARenameOfADimensionThatIsNotStoredIsRefusedAtOnce() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        try hunt(sandbox, ["-n", "e", "--exp-max-trials", "1", script, "-x~uniform(-1, 1)", "-y~uniform(0, 1)"])
        try hunt(sandbox, ["-n", "e", "--enable-evc", "--exp-max-trials", "2", script, "-x~uniform(-1, 1)", "-y~-"])
        let refused = try hunt(
            sandbox,
            ["-n", "e", "--enable-evc", "--exp-max-trials", "3", script, "-x~uniform(-1, 1)", "-y~>x"],
            status: 2
        )
        XCTAssertTrue(refused.stderr.contains("renames /y, which the stored space does not have"), refused.stderr)
        try hunt(sandbox, ["-n", "e", "--enable-evc", "-b", "e2", "--exp-max-trials", "3"])
        let names = try await sandbox.storage().experiments().map(\.displayName).sorted()
        XCTAssertEqual(names, ["e-v1", "e-v2", "e2-v1"])
    }
}
