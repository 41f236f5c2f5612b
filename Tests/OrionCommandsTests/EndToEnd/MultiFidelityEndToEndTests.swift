import Foundation
import OrionCore
import OrionTesting
import XCTest

/// ASHA, Hyperband, BOHB and DEHB through the built `orion`, four workers on the train-like fixture (`--epochs` is the
/// fidelity): promoted trials exist with their parent and a higher fidelity, and `orion status --all` shows both.
final class MultiFidelityEndToEndTests: XCTestCase {
    private let priors = [
        "--lr~loguniform(1e-5, 1)", "--optimizer~choices([\"adam\", \"sgd\", \"rmsprop\"])", "--layers~randint(1, 6)",
        "--dropout~uniform(0, 0.8, precision=2)", "--epochs~fidelity(1, 9, base=3)",
    ]

    /// A script that resumes from the checkpoint it finds in `$ORION_WORKING_DIR` (a promotion's copy of its
    /// parent's directory), reports the epoch it started from as the statistic `start`, and prints its trial's id.
    private static let resumingScript = """
        #!/usr/bin/env python3
        import json, os, sys
        epochs = int(sys.argv[sys.argv.index("--epochs") + 1])
        x = float(sys.argv[sys.argv.index("-x") + 1])
        parent = sys.argv[sys.argv.index("--from") + 1] if "--from" in sys.argv else "-"
        here = os.environ["ORION_WORKING_DIR"]
        checkpoint = os.path.join(here, "state", "checkpoint.json")
        start = json.load(open(checkpoint))["epochs"] if os.path.exists(checkpoint) else 0
        os.makedirs(os.path.dirname(checkpoint), exist_ok=True)
        json.dump({"epochs": epochs}, open(checkpoint, "w"))
        print("run of " + os.environ["ORION_TRIAL_ID"])
        with open(os.environ["ORION_RESULTS_PATH"], "w") as results:
            json.dump([{"name": "loss", "type": "objective", "value": x * x},
                       {"name": "start", "type": "statistic", "value": start},
                       {"name": "from", "type": "statistic", "value": parent}], results)
        """

    /// ``resumingScript`` and an ASHA configuration of 13 trials (9 at 1 epoch, 3 at 3, 1 at 9) in `sandbox`.
    private func resumingASHA(_ sandbox: Sandbox) throws -> (script: String, config: String) {
        let script = try sandbox.script("resume.py", Self.resumingScript)
        let path = sandbox.directory + "/asha.yaml"
        try "experiment:\n  max_trials: 13\n  algorithm:\n    asha: {seed: 1, num_rungs: 3, num_brackets: 1}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return (script, path)
    }

    private func hunt(_ sandbox: Sandbox, name: String, block: String, trials: Int) async throws -> [Trial] {
        let path = sandbox.directory + "/\(name).yaml"
        try "experiment:\n  max_trials: \(trials)\n  algorithm:\n    \(block)\n".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let output = try sandbox.run(
            ["hunt", "-n", name, "--config", path, "--n-workers", "4", try Compat.script("train_like.py")] + priors,
            timeout: 120
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        let stored = try await sandbox.trials(of: name)
        XCTAssertEqual(stored.filter { $0.status == .completed }.count, trials, output.stdout)
        return stored
    }

    private func assertPromotions(_ trials: [Trial], line: UInt = #line) throws {
        let byID = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0) })
        let promoted = trials.filter { $0.parent != nil }
        XCTAssertFalse(promoted.isEmpty, "no promoted trial", line: line)
        for child in promoted {
            let parent = try XCTUnwrap(byID[child.parent ?? ""], "parent of \(child.id) not stored", line: line)
            let low = try XCTUnwrap(parent.values["/epochs"]?.doubleValue, line: line)
            let high = try XCTUnwrap(child.values["/epochs"]?.doubleValue, line: line)
            XCTAssertEqual(high, low * 3, line: line)
            XCTAssertEqual(parent.status, .completed, line: line)
            XCTAssertEqual(
                parent.params.replacing("/epochs", with: 0),
                child.params.replacing("/epochs", with: 0),
                line: line
            )
        }
    }

    func testASHAWithFourWorkersPromotesWithParentsShownByStatus() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Oríon's option names: 9 configurations at 1 epoch, 3 at 3, 1 at 9.
        let trials = try await hunt(
            sandbox,
            name: "asha",
            block: "asha: {seed: 1, num_rungs: 3, num_brackets: 1, repetitions: 1}",
            trials: 13
        )
        try assertPromotions(trials)
        let counts = Dictionary(grouping: trials, by: { $0.values["/epochs"]?.intValue ?? 0 }).mapValues(\.count)
        XCTAssertEqual(counts, [1: 9, 3: 3, 9: 1])
        let status = try sandbox.run(["status", "--all", "-n", "asha"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let header = try XCTUnwrap(status.stdout.split(separator: "\n").first { $0.contains("status") })
        XCTAssertTrue(header.contains("epochs") && header.contains("parent"), String(header))
        for child in trials where child.parent != nil {
            let row = status.stdout.split(separator: "\n").first { $0.hasPrefix(child.id) }
            XCTAssertTrue(row?.contains(child.parent ?? "-") == true, "\(String(describing: row))")
        }
    }

    /// A promoted trial starts in a copy of its parent's directory, as in Oríon, so an unchanged Oríon script that
    /// saves its checkpoint in `$ORION_WORKING_DIR` resumes from it (not from scratch); the worker's own files
    /// (captured output, results file) are not copied. `{trial.parent}` gives the script its parent's id.
    func testAPromotedTrialStartsInACopyOfItsParentsDirectory() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (script, path) = try resumingASHA(sandbox)
        let output = try sandbox.run(
            [
                "hunt", "-n", "resume", "--config", path, "--n-workers", "2", script, "-x~uniform(-1, 1)",
                "--epochs~fidelity(1, 9, base=3)", "--from", "{trial.parent}",
            ],
            timeout: 120
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "resume")
        let byID = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0) })
        // Asynchronous promotions: how many of the 13 trials are promotions depends on the order results come in.
        XCTAssertGreaterThanOrEqual(trials.filter { $0.parent != nil }.count, 2, "promotions to 3 and 9 epochs")
        for trial in trials {
            XCTAssertEqual(trial.status, .completed)
            let start = trial.results.first { $0.name == "start" }?.value.doubleValue
            let parentEpochs = trial.parent.flatMap { byID[$0] }?.values["/epochs"]?.doubleValue ?? 0
            XCTAssertEqual(start, parentEpochs, "\(trial.id) resumed from its parent's checkpoint")
            // `{trial.parent}` on the command line, as in Oríon (`None` for a first trial; probe p43e).
            let from = trial.results.first { $0.name == "from" }?.value.stringValue
            XCTAssertEqual(from, trial.parent ?? "None")
            let directory = try XCTUnwrap(trial.workingDir)
            let log = try String(contentsOfFile: directory + "/orion.stdout.log", encoding: .utf8)
            XCTAssertEqual(log, "run of \(trial.id)\n", "the parent's captured output is not copied")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: (try XCTUnwrap(trials.first?.workingDir) as NSString).deletingLastPathComponent
        ).filter { $0.hasSuffix(".copying") }
        XCTAssertEqual(leftovers, [], "no staging directory left")
    }

    /// A hunt stopped part way (`--worker-max-trials`, as a Ctrl-C or a job's time limit) keeps the directories of
    /// completed trials below the top fidelity whatever `--keep-trial-dirs` says: the next hunt promotes some of
    /// them, and each promotion resumes from its parent's checkpoint. They go once the experiment is done. Before,
    /// the stop removed them and the promotions started from nothing, in silence (hBN's probe).
    func testAHuntStoppedPartWayKeepsTheDirectoriesThatLaterPromotionsStartFrom() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (script, path) = try resumingASHA(sandbox)
        let hunt = ["hunt", "-n", "part", "--config", path, "--keep-trial-dirs", "0"]
        let command = [script, "-x~uniform(-1, 1)", "--epochs~fidelity(1, 9, base=3)"]
        let first = try sandbox.run(hunt + ["--worker-max-trials", "5"] + command, timeout: 120)
        XCTAssertEqual(first.status, 0, first.stderr)
        let stopped = try await sandbox.trials(of: "part")
        XCTAssertEqual(stopped.filter { $0.status == .completed }.count, 5)
        for trial in stopped where trial.values["/epochs"]?.doubleValue ?? 9 < 9 {
            let directory = try XCTUnwrap(trial.workingDir)
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory), "\(trial.id) may still be promoted")
        }

        let second = try sandbox.run(hunt + command, timeout: 120)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertFalse(second.stderr.contains("starts without its parent's files"), second.stderr)
        let trials = try await sandbox.trials(of: "part")
        let byID = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0) })
        let promotedLater = trials.filter { child in
            stopped.contains { $0.id == child.parent } && !stopped.contains { $0.id == child.id }
        }
        XCTAssertFalse(promotedLater.isEmpty, "the second hunt promotes a trial of the first")
        for trial in trials where trial.status == .completed {
            let start = trial.results.first { $0.name == "start" }?.value.doubleValue
            let parentEpochs = trial.parent.flatMap { byID[$0] }?.values["/epochs"]?.doubleValue ?? 0
            XCTAssertEqual(start, parentEpochs, "\(trial.id) resumed from its parent's checkpoint")
        }
        // Done: nothing more is promoted, and the directories below the top fidelity go, but the best trial's (the
        // script's loss does not depend on the epochs: a promoted configuration ties with its parents, and any of
        // them may be the one kept as the best).
        let best = trials.compactMap(\.objective).min()
        let left = trials.filter { trial in
            trial.objective != best && trial.values["/epochs"]?.doubleValue ?? 9 < 9
                && FileManager.default.fileExists(atPath: trial.workingDir ?? "/")
        }
        XCTAssertEqual(left.map(\.id), [], "removed once the experiment is done")
        let kept = trials.filter { FileManager.default.fileExists(atPath: $0.workingDir ?? "/") }
        XCTAssertEqual(kept.count, 1, "the best trial's directory alone: \(kept.map(\.id))")
    }

    /// A promotion whose parent's directory is gone (removed by hand) says so as it starts, instead of running from
    /// nothing in silence.
    func testAPromotionWhoseParentsDirectoryIsGoneSaysSo() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let (script, path) = try resumingASHA(sandbox)
        let workingDirectory = sandbox.directory + "/work"
        let hunt = ["hunt", "-n", "gone", "--config", path, "--working-dir", workingDirectory]
        let command = [script, "-x~uniform(-1, 1)", "--epochs~fidelity(1, 9, base=3)"]
        let first = try sandbox.run(hunt + ["--worker-max-trials", "5"] + command, timeout: 120)
        XCTAssertEqual(first.status, 0, first.stderr)
        let stopped = try await sandbox.trials(of: "gone")
        for trial in stopped { try FileManager.default.removeItem(atPath: workingDirectory + "/" + trial.id) }
        let second = try sandbox.run(hunt + command, timeout: 120)
        XCTAssertEqual(second.status, 0, second.stderr)
        let trials = try await sandbox.trials(of: "gone")
        let orphans = trials.filter { child in
            stopped.contains { $0.id == child.parent } && !stopped.contains { $0.id == child.id }
        }
        XCTAssertFalse(orphans.isEmpty, "the second hunt promotes a trial of the first")
        for orphan in orphans {
            XCTAssertTrue(
                second.stderr.contains(
                    "note: trial \(orphan.id.prefix(8)) starts without its parent's files: the parent's directory"
                        + " \(workingDirectory)/\(orphan.parent ?? "") is gone"
                ),
                second.stderr
            )
        }
    }

    /// After a new version (a longer fidelity, `--enable-evc`), ASHA promotes trials inherited from the first
    /// version: the child names the stored trial it continues as its parent (not the inherited copy's id, which no
    /// stored trial has) and starts in a copy of that trial's directory, in the first version's working directory.
    func testAPromotionOfAnInheritedTrialContinuesTheStoredParent() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("resume.py", Self.resumingScript)
        let path = sandbox.directory + "/asha.yaml"
        try "experiment:\n  algorithm:\n    asha: {seed: 1, num_rungs: 3, num_brackets: 1, repetitions: 1}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        for (trials, fidelity) in [(13, "fidelity(1, 9, base=3)"), (24, "fidelity(1, 27, base=3)")] {
            let output = try sandbox.run(
                [
                    "hunt", "-n", "inherit", "--enable-evc", "--config", path, "--exp-max-trials", String(trials),
                    script,
                    "-x~uniform(-1, 1)", "--epochs~\(fidelity)",
                ],
                timeout: 120
            )
            XCTAssertEqual(output.status, 0, output.stderr)
        }
        let storage = try sandbox.storage()
        let versions = try await storage.experiments().sorted { $0.version < $1.version }
        XCTAssertEqual(versions.map(\.version), [1, 2])
        var all: [String: Trial] = [:]
        for version in versions {
            for trial in try await storage.trials(of: version.id, status: nil) { all[trial.id] = trial }
        }
        let second = try await storage.trials(of: versions[1].id, status: nil)
        let promoted = second.filter { $0.parent.map { all[$0]?.experimentID == versions[0].id } ?? false }
        XCTAssertFalse(promoted.isEmpty, "some of the first version's trials are promoted in the second")
        for child in second where child.parent != nil {
            let parent = try XCTUnwrap(all[child.parent ?? ""], "the parent of \(child.id) is a stored trial")
            let start = child.results.first { $0.name == "start" }?.value.doubleValue
            XCTAssertEqual(
                start,
                parent.values["/epochs"]?.doubleValue,
                "\(child.id) continues its parent's checkpoint"
            )
        }
    }

    /// A new version (here the algorithm's seed changed, `--enable-evc`) of a Hyperband or ASHA run whose single
    /// repetition is over runs a repetition of its own, as Oríon's does, instead of stopping at once because the
    /// inherited trials fill every bracket.
    func testANewVersionOfAFinishedRepetitionRunsItsOwn() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("train_like.py")
        // fidelity(1, 9, base=3): Hyperband's repetition is 22 trials (9@1, 3+5@3, 1+1+3@9), ASHA's 13 (9, 3, 1).
        for (algorithm, perRepetition) in [
            ("hyperband: {seed: SEED, repetitions: 1}", 22),
            ("asha: {seed: SEED, num_brackets: 1, repetitions: 1}", 13),
        ] {
            let name = String(algorithm.prefix { $0 != ":" })
            var versions: [Int] = []
            for seed in [1, 2] {
                let path = sandbox.directory + "/\(name)-\(seed).yaml"
                let block = algorithm.replacingOccurrences(of: "SEED", with: String(seed))
                try "experiment:\n  max_trials: 100\n  algorithm:\n    \(block)\n"
                    .write(toFile: path, atomically: true, encoding: .utf8)
                let output = try sandbox.run(
                    ["hunt", "-n", name, "--enable-evc", "--config", path, script] + priors,
                    timeout: 120
                )
                XCTAssertEqual(output.status, 0, output.stderr)
                let stored = try await sandbox.storage().experiments().filter { $0.name == name }
                let latest = try XCTUnwrap(stored.max { $0.version < $1.version })
                versions.append(latest.version)
                let own = try await sandbox.storage().trials(of: latest.id, status: [.completed])
                XCTAssertEqual(own.count, perRepetition, "\(name) v\(latest.version) runs one repetition of its own")
            }
            XCTAssertEqual(versions, [1, 2], name)
        }
    }

    func testHyperbandWithFourWorkersPromotesWithParents() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // fidelity(1, 9, base=3): brackets 9@1 → 3@3 → 1@9, 5@3 → 1@9 (⌈3/2 · 3⌉, Li et al.), 3@9: 22 trials.
        let trials = try await hunt(
            sandbox,
            name: "hyperband",
            block: "hyperband: {seed: 1, repetitions: 1}",
            trials: 22
        )
        try assertPromotions(trials)
        let counts = Dictionary(grouping: trials, by: { $0.values["/epochs"]?.intValue ?? 0 }).mapValues(\.count)
        XCTAssertEqual(counts, [1: 9, 3: 3 + 5, 9: 1 + 1 + 3])
    }

    func testBOHBWithFourWorkersRunsOrionsConfigurationAndPromotesWithParents() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Every option of Oríon's BOHB, as Oríon writes them; 40 trials: two repetitions of the brackets, the
        // second with configurations from the model.
        let trials = try await hunt(
            sandbox,
            name: "bohb",
            block: "bohb: {seed: 1, min_points_in_model: null, top_n_percent: 15, num_samples: 64, "
                + "random_fraction: 0.3333333333333333, bandwidth_factor: 3, min_bandwidth: 0.001, parallel_strategy: "
                + "{of_type: StatusBasedParallelStrategy, strategy_configs: {broken: {of_type: MaxParallelStrategy}}}}",
            trials: 40
        )
        try assertPromotions(trials)
        let fidelities = Set(trials.compactMap { $0.values["/epochs"]?.intValue })
        XCTAssertEqual(fidelities, [1, 3, 9])
    }

    func testDEHBWithFourWorkersRunsOrionsConfigurationPromotesThenEvolvesAcrossARestart() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Every option of Oríon's DEHB. The first hunt stops inside the first repetition (20 trials), which
        // promotes; the second, a new process, continues from the stored state: it promotes the first hunt's
        // trials, then breeds children.
        let block =
            "dehb: {seed: 1, mutation_factor: 0.5, crossover_prob: 0.5, mutation_strategy: rand1, "
            + "crossover_strategy: bin, boundary_fix_type: random, min_clip: null, max_clip: null}"
        let first = try await hunt(sandbox, name: "dehb", block: block, trials: 12)
        let trials = try await hunt(sandbox, name: "dehb", block: block, trials: 45)
        try assertPromotions(trials)
        let before = Set(first.map(\.id))
        XCTAssertTrue(
            trials.contains { !before.contains($0.id) && before.contains($0.parent ?? "") },
            "no promotion of a trial of the first hunt after the restart"
        )
        // Only the first repetition promotes (3 to 3 epochs, 1 + 1 to 9); above 1 epoch, it starts 3 + 3
        // configurations; every other trial above 1 epoch is a child bred by evolution, without parent.
        XCTAssertEqual(trials.filter { $0.parent != nil }.count, 5)
        let unparented = trials.filter { $0.parent == nil && ($0.values["/epochs"]?.intValue ?? 1) > 1 }
        XCTAssertGreaterThan(unparented.count, 6)
        let status = try sandbox.run(["status", "--all", "-n", "dehb"])
        XCTAssertEqual(status.status, 0, status.stderr)
        for child in trials where child.parent != nil {
            let row = status.stdout.split(separator: "\n").first { $0.hasPrefix(child.id) }
            XCTAssertTrue(row?.contains(child.parent ?? "-") == true, "\(String(describing: row))")
        }
    }
}
