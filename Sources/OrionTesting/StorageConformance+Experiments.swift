import Foundation
import OrionCore

// Creating, reading, listing, updating and deleting experiments.
extension StorageConformance {
    /// An experiment reads back unchanged by name and version, and by id; unknown ones read as `nil`.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkExperimentCreateAndRead() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("read", version: 2)
        let byName = try await storage.experiment(named: experiment.name, version: 2)
        try ConformanceFailure.expect(byName == experiment, "by name and version: \(String(describing: byName))")
        let byID = try await storage.experiment(id: experiment.id)
        try ConformanceFailure.expect(byID == experiment, "by id: \(String(describing: byID))")
        let otherVersion = try await storage.experiment(named: experiment.name, version: 1)
        try ConformanceFailure.expect(otherVersion == nil, "version 1 was never stored, yet it reads back")
        let unknownName = try await storage.experiment(named: fixture.prefix + "unknown", version: nil)
        try ConformanceFailure.expect(unknownName == nil, "an unknown name reads back an experiment")
        let unknownID = try await storage.experiment(id: Experiment.makeID())
        try ConformanceFailure.expect(unknownID == nil, "an unknown id reads back an experiment")
    }

    /// `experiment(named:version: nil)` is the latest version, whatever order the versions were created in.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkExperimentVersions() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        var created: [Int: Experiment] = [:]
        for version in [2, 10, 1] {
            created[version] = try await fixture.createExperiment("versions", version: version)
        }
        let name = fixture.prefix + "versions"
        let latest = try await storage.experiment(named: name, version: nil)
        try ConformanceFailure.expect(
            latest == created[10],
            "the latest of versions 2, 10, 1 is version \(latest.map { String($0.version) } ?? "nil"), not 10"
        )
        for version in [1, 2, 10] {
            let read = try await storage.experiment(named: name, version: version)
            try ConformanceFailure.expect(read == created[version], "version \(version) reads back another record")
        }
    }

    /// `experiments()` lists every experiment sorted by name, then version (numerically).
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkExperimentList() async throws {
        let fixture = try await fixture()
        for (name, version) in [("b", 1), ("a", 2), ("c", 1), ("a", 1), ("b", 10), ("b", 2)] {
            _ = try await fixture.createExperiment(name, version: version)
        }
        let listed = try await fixture.storage.experiments()
            .filter { $0.name.hasPrefix(fixture.prefix) }
            .map { "\($0.name.dropFirst(fixture.prefix.count))-v\($0.version)" }
        let expected = ["a-v1", "a-v2", "b-v1", "b-v2", "b-v10", "c-v1"]
        try ConformanceFailure.expect(listed == expected, "experiments() lists \(listed), expected \(expected)")
    }

    /// Creating an experiment whose `(name, version)` or id exists fails with `.duplicate` and changes nothing;
    /// another version of the same name is fine.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkDuplicateExperiment() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let original = try await fixture.createExperiment("duplicate")
        var copy = try fixture.makeExperiment("duplicate")
        copy.maxTrials = 99
        try await Self.expectStorageError(.duplicate, "creating an existing (name, version)") {
            try await storage.createExperiment(copy)
        }
        let stored = try await storage.experiment(named: original.name, version: 1)
        try ConformanceFailure.expect(stored == original, "the refused duplicate changed the stored experiment")
        let byID = try await storage.experiment(id: copy.id)
        try ConformanceFailure.expect(byID == nil, "the refused duplicate was stored under its own id")
        try await Self.expectStorageError(.duplicate, "creating an experiment with an existing id") {
            try await storage.createExperiment(try fixture.makeExperiment("same-id", id: original.id))
        }
        let sameID = try await storage.experiment(id: original.id)
        try ConformanceFailure.expect(sameID == original, "the refused duplicate id replaced the stored experiment")
        try await storage.createExperiment(try fixture.makeExperiment("duplicate", version: 2))
    }

    /// `createExperiment(_:trials:)` stores the experiment with its trials (a repeated id once); refused as a
    /// duplicate, it stores none of its trials, not even under the existing experiment's id.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkCreateExperimentWithTrials() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try fixture.makeExperiment("with-trials")
        let trials = fixture.makeTrials(of: experiment, 0..<3)
        let stored = try await storage.createExperiment(experiment, trials: trials + [trials[0]])
        try ConformanceFailure.expect(stored.count == 3, "stored \(stored.count) trials, not 3 (one repeated)")
        let read = try await storage.trials(of: experiment.id, status: nil)
        try ConformanceFailure.expect(Set(read.map(\.id)) == Set(trials.map(\.id)), "the trials read back differ")
        let created = try await storage.experiment(id: experiment.id)
        try ConformanceFailure.expect(created == experiment, "the experiment read back differs")
        var again = try fixture.makeExperiment("with-trials")
        again.maxTrials = 7
        let more = Self.makeTrial(of: experiment, value: 99)
        try await Self.expectStorageError(.duplicate, "creating an existing (name, version) with trials") {
            try await storage.createExperiment(again, trials: [Self.makeTrial(of: again, value: 98)])
        }
        try await Self.expectStorageError(.duplicate, "creating an existing id with trials") {
            try await storage.createExperiment(experiment, trials: [more])
        }
        let after = try await storage.trials(of: experiment.id, status: nil)
        try ConformanceFailure.expect(after.count == 3, "a refused creation stored a trial (\(after.count) now)")
        let byID = try await storage.experiment(id: again.id)
        try ConformanceFailure.expect(byID == nil, "the refused duplicate was stored under its own id")
    }

    /// `replaceExperiment` deletes an experiment and stores another with its trials at once, under a new id or the
    /// same one; refused (the new `(name, version)` is a third experiment's), it changes nothing: the old one stays,
    /// with its trials (`orion db load --resolve overwrite` is never left with neither).
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkReplaceExperiment() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let old = try fixture.makeExperiment("replaced")
        try await storage.createExperiment(old, trials: fixture.makeTrials(of: old, 0..<2))
        let third = try await fixture.createExperiment("third")
        var new = try fixture.makeExperiment("replaced")
        new.maxTrials = 42
        let stored = try await storage.replaceExperiment(old.id, with: new, trials: fixture.makeTrials(of: new, 0..<3))
        try ConformanceFailure.expect(stored.count == 3, "stored \(stored.count) trials, not 3")
        let gone = try await storage.experiment(id: old.id)
        try ConformanceFailure.expect(gone == nil, "the replaced experiment is still there")
        let oldTrials = try await storage.trials(of: old.id, status: nil)
        try ConformanceFailure.expect(oldTrials.isEmpty, "the replaced experiment's trials are still there")
        let read = try await storage.experiment(named: new.name, version: 1)
        try ConformanceFailure.expect(read == new, "the new experiment read back differs")
        var same = new
        same.maxTrials = 43
        try await storage.replaceExperiment(new.id, with: same, trials: fixture.makeTrials(of: same, 5..<6))
        let sameRead = try await storage.experiment(id: new.id)
        try ConformanceFailure.expect(sameRead == same, "replaced under the same id, it reads back differently")
        let sameTrials = try await storage.trials(of: new.id, status: nil)
        try ConformanceFailure.expect(sameTrials.count == 1, "\(sameTrials.count) trials under the same id, not 1")
        var clash = try fixture.makeExperiment("third")
        clash.maxTrials = 7
        try await Self.expectStorageError(.duplicate, "replacing with another experiment's (name, version)") {
            try await storage.replaceExperiment(new.id, with: clash, trials: fixture.makeTrials(of: clash, 0..<1))
        }
        let kept = try await storage.experiment(id: new.id)
        try ConformanceFailure.expect(kept == same, "a refused replacement deleted the old experiment")
        let keptTrials = try await storage.trials(of: new.id, status: nil)
        try ConformanceFailure.expect(keptTrials.count == 1, "a refused replacement deleted the old trials")
        let thirdRead = try await storage.experiment(id: third.id)
        try ConformanceFailure.expect(thirdRead == third, "a refused replacement changed the third experiment")
    }

    /// `updateExperiment` replaces the stored record; an unknown id fails with `.notFound`, and renaming onto
    /// another experiment's `(name, version)` with `.duplicate`.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkUpdateExperiment() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        var experiment = try await fixture.createExperiment("update")
        let other = try await fixture.createExperiment("update-other", version: 3)
        experiment.maxTrials = 42
        experiment.maxBroken = 7
        experiment.algorithm = AlgorithmConfig(name: "gridsearch", options: ["n_values": .int(5)])
        experiment.workingDir = "/tmp/conformance"
        try await storage.updateExperiment(experiment)
        let stored = try await storage.experiment(id: experiment.id)
        try ConformanceFailure.expect(stored == experiment, "after update: \(String(describing: stored))")

        let unknown = try fixture.makeExperiment("never-created")
        try await Self.expectStorageError(.notFound, "updating an experiment that does not exist") {
            try await storage.updateExperiment(unknown)
        }
        let created = try await storage.experiment(named: unknown.name, version: nil)
        try ConformanceFailure.expect(created == nil, "updating an unknown experiment created it")

        var clash = experiment
        clash.name = other.name
        clash.version = other.version
        try await Self.expectStorageError(.duplicate, "renaming an experiment onto another's name and version") {
            try await storage.updateExperiment(clash)
        }
        let untouched = try await storage.experiment(named: other.name, version: other.version)
        try ConformanceFailure.expect(untouched == other, "a refused rename changed the other experiment")
    }

    /// Deleting an experiment removes it with its trials and its algorithm state, and nothing of other
    /// experiments; deleting an unknown id is no error; the same id or name again starts from nothing.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkDeleteExperimentCascades() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let doomed = try await fixture.createExperiment("doomed")
        let kept = try await fixture.createExperiment("kept")
        let trials = try await fixture.register(fixture.makeTrials(of: doomed, 0..<3))
        let keptTrials = try await fixture.register(fixture.makeTrials(of: kept, 0..<2))
        _ = try await Self.snapshot(storage, doomed, saving: try Counter.encode(5))
        _ = try await Self.snapshot(storage, kept, saving: try Counter.encode(7))
        try await storage.deleteExperiment(id: doomed.id)
        try await storage.deleteExperiment(id: Experiment.makeID())

        let byID = try await storage.experiment(id: doomed.id)
        try ConformanceFailure.expect(byID == nil, "the deleted experiment still reads back by id")
        let byName = try await storage.experiment(named: doomed.name, version: nil)
        try ConformanceFailure.expect(byName == nil, "the deleted experiment still reads back by name")
        let left = try await storage.trials(of: doomed.id, status: nil)
        try ConformanceFailure.expect(left.isEmpty, "\(left.count) trials of the deleted experiment are left")
        let one = try await storage.trial(id: trials[0].id, of: doomed.id)
        try ConformanceFailure.expect(one == nil, "a trial of the deleted experiment still reads back")
        let counts = try await storage.countTrials(of: doomed.id).filter { $0.value != 0 }
        try ConformanceFailure.expect(counts.isEmpty, "the deleted experiment still counts \(Self.describe(counts))")
        let reserved = try await storage.reserveTrial(of: doomed.id, worker: "w", at: Self.epoch)
        try ConformanceFailure.expect(reserved == nil, "a trial of the deleted experiment was reserved")
        try await Self.expectStorageError(.notFound, "the algorithm lock of a deleted experiment") {
            _ = try await Self.snapshot(storage, doomed)
        }
        try await Self.expectStorageError(.notFound, "registering trials of a deleted experiment") {
            try await storage.registerTrials(trials)
        }

        let others = try await storage.trials(of: kept.id, status: nil)
        try ConformanceFailure.expect(
            others.map(\.id) == keptTrials.map(\.id),
            "deleting one experiment removed trials of another"
        )
        let keptState = try await Self.snapshot(storage, kept)
        try ConformanceFailure.expect(
            (try Counter.decode(keptState.state)) == 7,
            "deleting one experiment removed the algorithm state of another"
        )

        // The same id again starts from nothing: no trial, no algorithm state.
        try await storage.createExperiment(doomed)
        try await fixture.register(trials)
        let reborn = try await Self.snapshot(storage, doomed)
        try ConformanceFailure.expect(
            reborn.state == nil && reborn.stateVersion == 0 && reborn.changedTrials.count == 3,
            "an experiment created again under a deleted one's id inherited its algorithm state "
                + "(version \(reborn.stateVersion), \(reborn.changedTrials.count) changed trials)"
        )
    }
}
