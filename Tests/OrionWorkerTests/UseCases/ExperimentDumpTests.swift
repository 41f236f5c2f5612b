import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import XCTest

@testable import OrionWorker

final class ExperimentDumpTests: XCTestCase {
    private var paths: [String] = []

    override func tearDown() {
        for path in paths {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    private func sqlite() throws -> SQLiteStorage {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("orion-dump-\(UUID().uuidString).db")
            .path
        paths.append(path)
        return try SQLiteStorage(path: path)
    }

    /// An experiment with a completed, a broken (with a failure), a reserved, a new and a child trial.
    private func fill(_ storage: any Storage, name: String = "dumped", version: Int = 1) async throws -> Experiment {
        let experiment = Experiment(
            name: name,
            version: version,
            space: try Space(priors: ["/x": "uniform(0, 10)", "/opt": "choices(['adam', 'sgd'])"]),
            algorithm: AlgorithmConfig(name: "random", options: ["seed": .int(3)]),
            maxTrials: 20,
            maxBroken: 4,
            workingDir: "/tmp/work",
            metadata: ExperimentMetadata(user: "tester", userArgs: ["./train.py", "-x~uniform(0, 10)"])
        )
        try await storage.createExperiment(experiment)
        func trial(_ x: Double, _ status: TrialStatus, parent: String? = nil) -> Trial {
            var trial = Trial(
                experimentID: experiment.id,
                params: experiment.space.params(from: ["/x": .double(x), "/opt": .string("sgd")]),
                submitTime: Date(timeIntervalSince1970: 1_700_000_000.25 + x),
                parent: parent
            )
            trial.status = status
            if status == .completed {
                trial.results = [
                    .objective(x * 1.5, name: "loss"), TrialResult(name: "acc", type: .statistic, value: .double(0.5)),
                ]
                trial.startTime = Date(timeIntervalSince1970: 1_700_000_100.5 + x)
                trial.endTime = Date(timeIntervalSince1970: 1_700_000_200.75 + x)
            }
            if status == .broken {
                trial.failure = "exit code 1: Traceback"
                trial.exitCode = 1
            }
            if status == .reserved { trial.heartbeat = Date(timeIntervalSince1970: 1_700_000_300) }
            return trial
        }
        let first = trial(1, .completed)
        try await storage.registerTrials([
            first, trial(2, .broken), trial(3, .reserved), trial(4, .new), trial(5, .completed, parent: first.id),
        ])
        return experiment
    }

    func testRoundTripThroughJSONIntoANewFileGivesEqualExperimentsAndTrials() async throws {
        let source = try sqlite()
        _ = try await fill(source)
        _ = try await fill(source, name: "other", version: 2)
        let dump = try await ExperimentDump.read(from: source)
        let text = try dump.encoded()
        let decoded = try ExperimentDump.decode(text, source: "dump.json")
        XCTAssertEqual(try decoded.encoded(), text, "decoding and encoding again gives the same text")

        let target = try sqlite()
        let report = try await decoded.load(into: target, resolve: nil)
        XCTAssertEqual(report.loaded, ["dumped-v1", "other-v2"])
        XCTAssertEqual(report.trials, 10)
        let experiments = try await target.experiments()
        let awaited1 = try await source.experiments()
        XCTAssertEqual(experiments, awaited1.map(\.toMicrosecond))
        for experiment in experiments {
            var expected = try await source.trials(of: experiment.id, status: nil).map(\.toMicrosecond)
            // A reserved trial has no worker in the new database: it is loaded interrupted, with its last heartbeat.
            for index in expected.indices where expected[index].status == .reserved {
                XCTAssertNotNil(expected[index].heartbeat)
                expected[index].status = .interrupted
            }
            let awaited2 = try await target.trials(of: experiment.id, status: nil)
            XCTAssertEqual(awaited2, expected)
        }
    }

    /// The streamed dump writes the bytes of the whole document encoded at once, in small pieces, for every
    /// selection: nothing, one version, an experiment without trials, several with trials of every status, a
    /// non-finite objective and nested empty values.
    func testTheStreamedDumpWritesTheBytesOfTheWholeDocument() async throws {
        let created = Date(timeIntervalSince1970: 1_700_000_500.125)
        func streamed(_ storage: any Storage, name: String? = nil, version: Int? = nil) async throws -> (Data, Int) {
            var pieces: [Data] = []
            let written = try await ExperimentDump.write(
                from: storage,
                name: name,
                version: version,
                created: created,
                pieceSize: 512
            ) { pieces.append($0) }
            let whole = pieces.reduce(into: Data()) { $0.append($1) }
            XCTAssert(pieces.dropLast().allSatisfy { $0.count >= 512 }, "pieces of at least the size asked")
            XCTAssertEqual(written.experiments, try ExperimentDump.decode(whole, source: "s").experiments.count)
            return (whole, written.trials)
        }
        func whole(_ storage: any Storage, name: String? = nil, version: Int? = nil) async throws -> Data {
            var dump = try await ExperimentDump.read(from: storage, name: name, version: version)
            dump.created = created
            return try dump.encoded()
        }
        let storage = try sqlite()
        let (emptyText, emptyTrials) = try await streamed(storage)
        let emptyWhole = try await whole(storage)
        XCTAssertEqual(emptyText, emptyWhole, "no experiment")
        XCTAssertEqual(emptyTrials, 0)

        let first = try await fill(storage)
        _ = try await fill(storage, name: "other", version: 2)
        var bare = Experiment(
            name: "bare",
            space: try Space(priors: ["/y": "loguniform(1e-3, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        bare.metadata.userArgs = []
        try await storage.createExperiment(bare)
        var odd = Trial(
            experimentID: first.id,
            params: first.space.params(from: ["/x": .double(7), "/opt": .string("adam")]),
            submitTime: Date(timeIntervalSince1970: 1_700_000_000.5)
        )
        odd.status = .completed
        odd.results = [.objective(.nan, name: "loss"), TrialResult(name: "g", type: .gradient, value: .array([]))]
        _ = try await storage.registerTrials([odd])

        // More trials than one call of the encoder takes.
        var many = Experiment(
            name: "many",
            space: try Space(priors: ["/y": "loguniform(1e-3, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        many.metadata.userArgs = []
        try await storage.createExperiment(many)
        let count = 2 * ExperimentDump.trialsPerEncoding + 3
        _ = try await storage.registerTrials(
            (0..<count).map { index in
                Trial(
                    experimentID: many.id,
                    params: many.space.params(from: ["/y": .double(0.001 + Double(index) / 1_000)]),
                    submitTime: Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
                )
            }
        )
        let (manyText, manyTrials) = try await streamed(storage, name: "many")
        let manyWhole = try await whole(storage, name: "many")
        XCTAssertEqual(manyText, manyWhole, "trials encoded in several calls")
        XCTAssertEqual(manyTrials, count)

        let (allText, allTrials) = try await streamed(storage)
        let allWhole = try await whole(storage)
        XCTAssertEqual(allText, allWhole, "every experiment")
        XCTAssertEqual(allTrials, 11 + count)
        let (oneText, oneTrials) = try await streamed(storage, name: "other", version: 2)
        let oneWhole = try await whole(storage, name: "other", version: 2)
        XCTAssertEqual(oneText, oneWhole, "one version")
        XCTAssertEqual(oneTrials, 5)
        let (bareText, _) = try await streamed(storage, name: "bare")
        let bareWhole = try await whole(storage, name: "bare")
        XCTAssertEqual(bareText, bareWhole, "an experiment without trials")

        do {
            _ = try await ExperimentDump.write(from: storage, name: "nope") { _ in XCTFail("nothing is written") }
            XCTFail("an unknown name is refused")
        } catch let error as DumpError {
            XCTAssertEqual(error.code, .notFound)
        }
    }

    /// An experiment whose trials were all removed (`orion db rm -s`) is a conflict like any other: loading a dump
    /// of it again (a backup) put the removed trials back under every `--resolve` but `overwrite`, taking it for a
    /// load cut off between the experiment and its trials (probe p42c), which a load can no longer leave (one
    /// transaction each).
    func testAnExperimentWhoseTrialsWereRemovedIsNotRefilled() async throws {
        let source = try sqlite()
        let original = try await fill(source)
        let dump = try await ExperimentDump.read(from: source)
        let target = try sqlite()
        // What `db rm -s` of every status leaves: the experiment with the dumped id, no trial.
        try await target.createExperiment(try XCTUnwrap(dump.experiments.first).experiment)
        do {
            _ = try await dump.load(into: target, resolve: nil)
            XCTFail("the stored experiment is a conflict")
        } catch let error as DumpError {
            XCTAssertEqual(error.code, .conflict)
        }
        let ignored = try await dump.load(into: target, resolve: .ignore)
        XCTAssertEqual(ignored.ignored, ["dumped-v1"])
        XCTAssertEqual(ignored.trials, 0)
        let still = try await target.trials(of: original.id, status: nil)
        XCTAssertEqual(still.count, 0, "the removed trials stay removed")
        let bumped = try await dump.load(into: target, resolve: .bump)
        XCTAssertEqual(bumped.loaded, ["dumped-v2"])
        let emptied = try await target.trials(of: original.id, status: nil)
        XCTAssertEqual(emptied.count, 0)
        let kept = try await source.trials(of: original.id, status: nil)
        let copy = try await target.experiment(named: "dumped", version: 2)
        let copied = try await target.trials(of: try XCTUnwrap(copy).id, status: nil)
        XCTAssertEqual(copied.count, kept.count)
    }

    func testAnExistingExperimentIsAConflictUnlessAPolicySaysWhatToDo() async throws {
        let source = try sqlite()
        _ = try await fill(source)
        let dump = try await ExperimentDump.read(from: source)
        let target = try sqlite()
        let stored = try await fill(target)
        try await target.registerTrials([
            Trial(
                experimentID: stored.id,
                params: stored.space.params(from: ["/x": .double(9), "/opt": .string("adam")])
            )
        ])

        do {
            _ = try await dump.load(into: target, resolve: nil)
            XCTFail("loading over an existing experiment without --resolve must fail")
        } catch let error as DumpError {
            XCTAssertEqual(error.code, .conflict)
            XCTAssertTrue(error.message.contains("dumped-v1"), error.message)
        }
        let awaited3 = try await target.trials(of: stored.id, status: nil).count
        XCTAssertEqual(awaited3, 6, "nothing loaded on a conflict")

        let ignored = try await dump.load(into: target, resolve: .ignore)
        XCTAssertEqual(ignored.ignored, ["dumped-v1"])
        XCTAssertEqual(ignored.loaded, [])
        let awaited4 = try await target.trials(of: stored.id, status: nil).count
        XCTAssertEqual(awaited4, 6)

        let bumped = try await dump.load(into: target, resolve: .bump)
        XCTAssertEqual(bumped.loaded, ["dumped-v2"])
        let awaited5 = try await target.experiment(named: "dumped", version: 2)
        let second = try XCTUnwrap(awaited5)
        XCTAssertNotEqual(second.id, stored.id, "the same id in one database gets a new one")
        let secondTrials = try await target.trials(of: second.id, status: nil)
        XCTAssertEqual(secondTrials.count, 5)
        for trial in secondTrials {
            XCTAssertEqual(trial.id, Trial.makeID(experimentID: second.id, params: trial.params))
        }
        let child = try XCTUnwrap(secondTrials.first { $0.parent != nil })
        XCTAssertTrue(secondTrials.contains { $0.id == child.parent }, "the parent is renamed with its trial")

        let overwritten = try await dump.load(into: target, resolve: .overwrite)
        XCTAssertEqual(overwritten.overwritten, ["dumped-v1"])
        let awaited6 = try await target.experiment(named: "dumped", version: 1)
        let replaced = try XCTUnwrap(awaited6)
        let awaited7 = try await target.trials(of: replaced.id, status: nil).count
        XCTAssertEqual(awaited7, 5, "the stored 6 are replaced")
        let awaited8 = try await target.experiment(id: stored.id)
        XCTAssertNil(awaited8)
    }

    /// Versions 1 and 2 of `tree`, each filled as ``fill(_:name:version:)``, the second a child of the first
    /// (`refers` stored).
    private func tree(_ storage: any Storage) async throws -> (root: Experiment, child: Experiment) {
        var root = try await fill(storage, name: "tree", version: 1)
        var child = try await fill(storage, name: "tree", version: 2)
        root.refers = ExperimentRefers(rootID: root.id)
        child.refers = ExperimentRefers(rootID: root.id, parentID: root.id)
        try await storage.updateExperiment(root)
        try await storage.updateExperiment(child)
        return (root, child)
    }

    /// A name with a control character (a NUL, which PostgreSQL cannot store) is refused before anything is written.
    func testANameWithAControlCharacterIsRefused() async throws {
        let source = try sqlite()
        _ = try await fill(source, name: "e\u{0}nul")
        let dump = try await ExperimentDump.read(from: source)
        let target = try sqlite()
        do {
            _ = try await dump.load(into: target, resolve: nil)
            XCTFail("a NUL in a name must be refused")
        } catch let error as DumpError {
            XCTAssertEqual(error.code, .invalid)
            XCTAssertTrue(
                error.message.hasPrefix("experiment name 'e\\u0000nul' holds the control character U+0000"),
                error.message
            )
        }
        let left = try await target.experiments()
        XCTAssertEqual(left.count, 0)
    }

    /// A dump that holds one experiment version twice (two dumps pasted together) is refused before anything is
    /// written: the second copy was taken for one another load made meanwhile, and the load stopped half way.
    func testAnExperimentGivenTwiceIsRefused() async throws {
        let source = try sqlite()
        _ = try await fill(source, name: "twice")
        var dump = try await ExperimentDump.read(from: source)
        dump.experiments += dump.experiments
        let target = try sqlite()
        do {
            _ = try await dump.load(into: target, resolve: nil)
            XCTFail("an experiment given twice must be refused")
        } catch let error as DumpError {
            XCTAssertEqual(error.code, .invalid)
            XCTAssertEqual(
                error.message,
                "the dump holds experiment twice-v1 twice: keep one of them, nothing was loaded"
            )
        }
        let left = try await target.experiments()
        XCTAssertEqual(left.count, 0)
    }

    /// A load that fails part way (here the target fails writing the second experiment's trials) removes what it
    /// wrote: the target is as it was, and the message says so.
    func testALoadThatFailsPartWayLeavesNothingBehind() async throws {
        let source = try sqlite()
        _ = try await fill(source, name: "first")
        _ = try await fill(source, name: "second")
        let dump = try await ExperimentDump.read(from: source)
        let target = FlakyStorage(try sqlite())
        target.registrationsBeforeFailure.withLock { $0 = 1 }
        do {
            _ = try await dump.load(into: target, resolve: nil)
            XCTFail("the injected failure must fail the load")
        } catch let error as DumpError {
            XCTAssertEqual(error.code, .failed)
            XCTAssertTrue(
                error.message.hasSuffix("the 1 experiment(s) this load had written were removed"),
                error.message
            )
        }
        let left = try await target.experiments()
        XCTAssertEqual(left.map(\.displayName), [], "nothing of the failed load is kept")
        let again = try await dump.load(into: target, resolve: nil)
        XCTAssertEqual(Set(again.loaded), ["first-v1", "second-v1"], "the same load succeeds afterwards")
    }

    /// Loads run at the same time: with `bump` each gets versions of its own; without a policy, one loads and the
    /// others fail as a conflict, never "ignored" (an experiment and its trials are stored in one transaction, so a
    /// load in progress never looks like one cut off between them); with `ignore`, every load succeeds and the
    /// target holds the dump once.
    func testLoadsAtTheSameTimeDoNotMix() async throws {
        let source = try sqlite()
        _ = try await fill(source)
        let dump = try await ExperimentDump.read(from: source)
        let target = try sqlite()
        async let a = dump.load(into: target, resolve: .bump)
        async let b = dump.load(into: target, resolve: .bump)
        async let c = dump.load(into: target, resolve: .bump)
        let bumped = try await [a, b, c].flatMap(\.loaded)
        XCTAssertEqual(bumped.count, 3)
        XCTAssertEqual(Set(bumped).count, 3, "three versions of their own: \(bumped)")
        for experiment in try await target.experiments() {
            let count = try await target.trials(of: experiment.id, status: nil).count
            XCTAssertEqual(count, 5, experiment.displayName)
        }

        let empty = try sqlite()
        let outcomes = await withTaskGroup(of: Result<LoadReport, any Error>.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    do { return .success(try await dump.load(into: empty, resolve: nil)) } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let loaded = outcomes.compactMap { try? $0.get() }
        XCTAssertEqual(loaded.count, 1, "one load wins")
        XCTAssertEqual(loaded.flatMap(\.ignored), [])
        for case .failure(let error) in outcomes {
            XCTAssertEqual((error as? DumpError)?.code, .conflict, "\(error)")
        }
        let stored = try await empty.experiments()
        XCTAssertEqual(stored.count, 1)
        let trials = try await empty.trials(of: try XCTUnwrap(stored.first).id, status: nil).count
        XCTAssertEqual(trials, 5)

        let ignoring = try sqlite()
        async let d = dump.load(into: ignoring, resolve: .ignore)
        async let e = dump.load(into: ignoring, resolve: .ignore)
        async let f = dump.load(into: ignoring, resolve: .ignore)
        let reports = try await [d, e, f]
        XCTAssertEqual(reports.flatMap(\.loaded).count, 1, "one load stores it, the others ignore it")
        XCTAssertEqual(reports.flatMap(\.ignored).count, 2)
        let kept = try await ignoring.experiments()
        XCTAssertEqual(kept.count, 1)
        let keptTrials = try await ignoring.trials(of: try XCTUnwrap(kept.first).id, status: nil).count
        XCTAssertEqual(keptTrials, 5)
    }

    func testAVersionTreeLoadedAsNewVersionsKeepsItsLinks() async throws {
        let source = try sqlite()
        let (root, _) = try await tree(source)
        let entries = try await ExperimentDump.read(from: source).experiments
        // The child first: the loader must still load its parent before it.
        let dump = ExperimentDump(experiments: entries.sorted { $0.experiment.version > $1.experiment.version })
        let target = try sqlite()
        _ = try await dump.load(into: target, resolve: nil)
        let bumped = try await dump.load(into: target, resolve: .bump)
        XCTAssertEqual(bumped.loaded, ["tree-v3", "tree-v4"])
        let third = try await target.experiment(named: "tree", version: 3)
        let fourth = try await target.experiment(named: "tree", version: 4)
        let newRoot = try XCTUnwrap(third)
        let newChild = try XCTUnwrap(fourth)
        XCTAssertNotEqual(newRoot.id, root.id)
        XCTAssertEqual(newRoot.refers?.rootID, newRoot.id, "a moved root refers to its new id")
        XCTAssertEqual(newChild.refers?.parentID, newRoot.id, "the child follows its moved parent")
        XCTAssertEqual(newChild.refers?.rootID, newRoot.id)

        // Ignoring the existing versions links a newly loaded child to the version the target keeps.
        let other = try sqlite()
        let kept = try await fill(other, name: "tree", version: 1)
        let partial = ExperimentDump(experiments: entries)
        let report = try await partial.load(into: other, resolve: .ignore)
        XCTAssertEqual(report.ignored, ["tree-v1"])
        let loadedChild = try await other.experiment(named: "tree", version: 2)
        XCTAssertEqual(try XCTUnwrap(loadedChild).refers?.parentID, kept.id)
    }

    /// Overwriting a stored version whose children the dump does not replace is refused before anything changes;
    /// overwriting the whole tree is not.
    func testOverwritingAParentWithoutItsChildrenIsRefused() async throws {
        let source = try sqlite()
        _ = try await tree(source)
        let whole = try await ExperimentDump.read(from: source)
        let target = try sqlite()
        _ = try await whole.load(into: target, resolve: nil)
        let before = try await target.experiments().map(\.id)

        var parentOnly = whole
        parentOnly.experiments = whole.experiments.filter { $0.experiment.version == 1 }
        do {
            _ = try await parentOnly.load(into: target, resolve: .overwrite)
            XCTFail("the child would be cut off")
        } catch let error as DumpError {
            XCTAssertEqual(error.code, .conflict)
            XCTAssertEqual(
                error.message,
                "overwriting tree-v1 would cut off its child version(s) tree-v2, which the dump does not replace: "
                    + "load the whole tree, use --resolve bump, or remove them first (orion db rm)"
            )
        }
        let unchanged = try await target.experiments().map(\.id)
        XCTAssertEqual(unchanged, before, "nothing was changed")

        let report = try await whole.load(into: target, resolve: .overwrite)
        XCTAssertEqual(report.overwritten, ["tree-v1", "tree-v2"])
        let reloaded = try await target.experiments()
        XCTAssertEqual(reloaded.count, 2)
        let newRoot = try XCTUnwrap(reloaded.first { $0.version == 1 })
        let newChild = try XCTUnwrap(reloaded.first { $0.version == 2 })
        XCTAssertEqual(newChild.refers?.parentID, newRoot.id, "the tree holds together")
    }

    /// Trials of one experiment whose values are one value here (Oríon's `1` and `1.0` of a real dimension) are
    /// loaded once, and the report says how many were left out.
    func testRepeatedValuesInADumpAreLoadedOnceAndCounted() async throws {
        let experiment = Experiment(
            name: "whole",
            space: try Space(priors: ["/y": "uniform(-5, 10)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        let asInteger = Trial(
            experimentID: experiment.id,
            params: [Trial.Param(name: "/y", type: .real, value: .int(1))]
        )
        var asDouble = Trial(
            experimentID: experiment.id,
            params: [Trial.Param(name: "/y", type: .real, value: .double(1))]
        )
        asDouble.id = "an id Oríon gave it"
        let dump = ExperimentDump(experiments: [.init(experiment: experiment, trials: [asInteger, asDouble])])
        let target = try sqlite()
        let report = try await dump.load(into: target, resolve: nil)
        XCTAssertEqual(report.trials, 1)
        XCTAssertEqual(report.repeated, 1)
    }

    /// A trial that does not fit its experiment's space (a dump edited by hand or written by another program) is
    /// refused before anything is written, naming the experiment, the trial and what does not fit.
    func testTrialsOutsideTheSpaceAreRefusedBeforeAnythingIsLoaded() async throws {
        let source = try sqlite()
        let experiment = try await fill(source)
        let dump = try await ExperimentDump.read(from: source)
        let space = experiment.space
        for (edit, fragment) in [
            (
                { (trial: inout Trial) in trial.params = space.params(from: ["/x": .double(99), "/opt": "sgd"]) },
                "/x = 99.0 does not fit uniform(0, 10)"
            ),
            ({ (trial: inout Trial) in trial.params = space.params(from: ["/x": .double(1)]) }, "no value for /opt"),
            (
                { (trial: inout Trial) in
                    trial.params = Parameters(trial.params + [Trial.Param(name: "/zz", type: .real, value: .double(1))])
                }, "/zz is not a dimension of the space"
            ),
            (
                { (trial: inout Trial) in trial.params = space.params(from: ["/x": .double(1), "/opt": "rmsprop"]) },
                "/opt = 'rmsprop' does not fit choices"
            ),
        ] {
            var edited = dump
            edit(&edited.experiments[0].trials[1])
            let target = try sqlite()
            do {
                _ = try await edited.load(into: target, resolve: nil)
                XCTFail("a trial outside the space must be refused: \(fragment)")
            } catch let error as DumpError {
                XCTAssertEqual(error.code, .invalid)
                XCTAssertTrue(
                    error.message.contains("a trial of experiment dumped-v1 does not fit its space"),
                    error.message
                )
                XCTAssertTrue(error.message.contains(fragment), error.message)
                XCTAssertTrue(error.message.hasSuffix("nothing was loaded"), error.message)
            }
            let stored = try await target.experiments()
            XCTAssertEqual(stored.count, 0)
        }
    }

    func testDumpOfOneExperimentAndErrors() async throws {
        let source = try sqlite()
        _ = try await fill(source)
        _ = try await fill(source, name: "other")
        let one = try await ExperimentDump.read(from: source, name: "other", version: 1)
        XCTAssertEqual(one.experiments.map(\.experiment.displayName), ["other-v1"])
        do {
            _ = try await ExperimentDump.read(from: source, name: "nope")
            XCTFail("dumping a missing experiment must fail")
        } catch let error as DumpError {
            XCTAssertEqual(error.code, .notFound)
        }
        for (text, fragment) in [
            ("{\"experiments\": []}", "not a swift-orion dump"),
            ("not json", "x.json is not valid JSON"),
            ("{\"format\": \"swift-orion-dump\", ", "x.json is not valid JSON"),
            ("{\"format\": \"swift-orion-dump\", \"format_version\": 99, \"experiments\": []}", "version 99"),
            ("{\"format\": \"swift-orion-dump\", \"format_version\": 1}", "missing key"),
        ] {
            XCTAssertThrowsError(try ExperimentDump.decode(Data(text.utf8), source: "x.json")) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(text): \(error)")
                XCTAssertEqual((error as? DumpError)?.kind, .usage)
            }
        }
        // The first bytes of a pickle of protocol 4 (Oríon's PickledDB file): told apart from broken JSON.
        XCTAssertThrowsError(try ExperimentDump.decode(Data([0x80, 0x04, 0x95, 0x10, 0x00]), source: "db.pkl")) {
            XCTAssertTrue("\($0)".contains("db.pkl is a Python pickle"), "\($0)")
            XCTAssertTrue("\($0)".contains("scripts/import-orion.py --pickleddb"), "\($0)")
        }
    }
}

/// Values as a dump keeps them: dates to the microsecond.
extension Date {
    fileprivate var toMicrosecond: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
    }
}

extension Trial {
    fileprivate var toMicrosecond: Trial {
        var trial = self
        trial.submitTime = submitTime.toMicrosecond
        trial.startTime = startTime?.toMicrosecond
        trial.endTime = endTime?.toMicrosecond
        trial.heartbeat = heartbeat?.toMicrosecond
        return trial
    }
}

extension Experiment {
    fileprivate var toMicrosecond: Experiment {
        var experiment = self
        experiment.metadata.datetime = metadata.datetime.toMicrosecond
        return experiment
    }
}
