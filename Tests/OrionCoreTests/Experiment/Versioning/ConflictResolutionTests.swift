import OrionCore
import XCTest

/// Issue 13, part 2: conflicts between a stored experiment and a new configuration, and their resolution.
final class ConflictResolutionTests: XCTestCase {
    private func experiment(
        _ priors: [String: String],
        algorithm: String = "random",
        args: [String] = ["./t.py"],
        vcs: CodeVersion? = nil
    ) throws -> Experiment {
        Experiment(
            name: "e",
            space: try Space(priors: priors),
            algorithm: AlgorithmConfig(name: algorithm),
            metadata: ExperimentMetadata(userArgs: args, vcs: vcs)
        )
    }

    func testNoConflictForTheSameConfiguration() throws {
        let parent = try experiment(["/x": "uniform(0, 1)"], args: ["./t.py", "-x~uniform(0, 1)"])
        XCTAssertEqual(Conflict.detect(parent: parent, candidate: parent, policy: BranchingPolicy()), [])
    }

    func testEveryKindIsDetected() throws {
        let commit = CodeVersion(isDirty: false, headSHA: "a", activeBranch: "main", diffSHA: nil)
        let parent = try experiment(
            ["/x": "uniform(0, 1)", "/y": "uniform(0, 1)"],
            args: ["./t.py", "--epochs", "1"],
            vcs: commit
        )
        var moved = commit
        moved.headSHA = "b"
        let candidate = try experiment(
            ["/x": "uniform(0, 2)", "/z": "uniform(0, 1)"],
            algorithm: "gridsearch",
            args: ["./t.py", "--epochs", "2"],
            vcs: moved
        )
        let conflicts = Conflict.detect(parent: parent, candidate: candidate, policy: BranchingPolicy())
        XCTAssertEqual(
            conflicts,
            [
                .changedDimension(name: "/x", oldPrior: "uniform(0, 1)", newPrior: "uniform(0, 2)"),
                .missingDimension(name: "/y", prior: "uniform(0, 1)"),
                .newDimension(name: "/z", prior: "uniform(0, 1)"),
                .algorithm(old: "{random: {}}", new: "{gridsearch: {}}"),
                .code(old: commit, new: moved),
                .commandLine(old: ["epochs 1", "script ./t.py"], new: ["epochs 2", "script ./t.py"]),
            ]
        )
        let ignoring = BranchingPolicy(ignoreCodeChanges: true, nonMonitoredArguments: ["epochs"])
        XCTAssertEqual(Conflict.detect(parent: parent, candidate: candidate, policy: ignoring).count, 4)
    }

    /// Two dirty trees on one commit read apart by their diff's digest (probe p43f: both read `abc (dirty)`).
    func testTheCodeConflictTellsTwoDirtyTreesApart() {
        let clean = CodeVersion(isDirty: false, headSHA: "d65821975e78aa", activeBranch: "main", diffSHA: nil)
        var first = clean
        first.isDirty = true
        first.diffSHA = "3f2a9c1b77e0"
        var second = first
        second.diffSHA = "0c1d2e3f4a5b"
        XCTAssertEqual(clean.shortDescription, "d65821975e78")
        XCTAssertEqual(
            Conflict.code(old: first, new: second).description,
            "code changed from d65821975e78 (dirty, diff 3f2a9c1b) to d65821975e78 (dirty, diff 0c1d2e3f)"
        )
    }

    func testAParentWithoutARecordedCodeVersionIsNotACodeChange() throws {
        let commit = CodeVersion(isDirty: false, headSHA: "a", activeBranch: "main", diffSHA: nil)
        let parent = try experiment(["/x": "uniform(0, 1)"])
        let candidate = try experiment(["/x": "uniform(0, 1)"], vcs: commit)
        XCTAssertEqual(Conflict.detect(parent: parent, candidate: candidate, policy: BranchingPolicy()), [])
        XCTAssertEqual(Conflict.detect(parent: candidate, candidate: parent, policy: BranchingPolicy()), [])
    }

    func testAutomaticResolutionMakesOneAdapterPerConflictInOrder() throws {
        let parent = try experiment(["/x": "uniform(0, 1)", "/y": "uniform(0, 1, default_value=0.5)"])
        let candidate = try experiment(
            ["/x": "uniform(0, 2)", "/z": "uniform(0, 1, default_value=0.25)"],
            algorithm: "gridsearch"
        )
        let conflicts = Conflict.detect(parent: parent, candidate: candidate, policy: BranchingPolicy())
        let adapters = try ConflictResolution.adapters(
            for: conflicts,
            parent: parent,
            candidate: candidate,
            policy: BranchingPolicy()
        )
        XCTAssertEqual(
            adapters,
            [
                .dimensionDeletion(name: "/y", type: .real, value: .double(0.5)),
                .dimensionPriorChange(name: "/x", oldPrior: "uniform(0, 1)", newPrior: "uniform(0, 2)"),
                .dimensionAddition(name: "/z", type: .real, value: .double(0.25)),
                .algorithmChange,
            ]
        )
    }

    func testMarkersRenameAndGiveTheRemovedValue() throws {
        let parent = try experiment(["/lr": "uniform(0, 1)", "/y": "uniform(0, 1)"])
        let candidate = try experiment(["/rate": "uniform(0, 1)"])
        let policy = BranchingPolicy(
            markers: BranchingMarkers(removals: ["/y": "0.5"], renames: ["/lr": "/rate"]),
            manualResolution: true
        )
        let conflicts = Conflict.detect(parent: parent, candidate: candidate, policy: policy)
        XCTAssertEqual(
            try ConflictResolution.adapters(for: conflicts, parent: parent, candidate: candidate, policy: policy),
            [
                .dimensionRenaming(oldName: "/lr", newName: "/rate"),
                .dimensionDeletion(name: "/y", type: .real, value: .double(0.5)),
            ]
        )
    }

    /// A renaming the stored version was made by (the same command run again, a resume with the stored command
    /// line) is applied already: nothing to adapt, as Oríon resumes that version (hAU's probe: refused, exit 2). A
    /// renaming onto a dimension the stored space has says so.
    func testARenamingAppliedAlreadyIsNoConflictAndOneOntoAStoredDimensionSaysSo() throws {
        var renamed = try experiment(["/rate": "uniform(0, 1)"])
        renamed.refers = ExperimentRefers(
            rootID: "root",
            parentID: "root",
            adapters: [.dimensionRenaming(oldName: "/lr", newName: "/rate")]
        )
        let policy = BranchingPolicy(markers: BranchingMarkers(renames: ["/lr": "/rate"]))
        XCTAssertEqual(Conflict.detect(parent: renamed, candidate: renamed, policy: policy), [])
        XCTAssertEqual(
            try ConflictResolution.adapters(for: [], parent: renamed, candidate: renamed, policy: policy),
            []
        )
        let both = try experiment(["/lr": "uniform(0, 1)", "/rate": "uniform(0, 1)"])
        let onto = try experiment(["/rate": "uniform(0, 1)"])
        let conflicts = Conflict.detect(parent: both, candidate: onto, policy: policy)
        XCTAssertThrowsError(
            try ConflictResolution.adapters(for: conflicts, parent: both, candidate: onto, policy: policy)
        ) { error in
            XCTAssertEqual(
                (error as? BranchingError)?.message,
                "'--lr~>rate' renames /lr to /rate, which the stored space has already: rename it to a new name, or"
                    + " remove /lr with `--lr~-`"
            )
        }
        // A later version whose stored command line keeps the marker (made by another change, or a branch of the
        // renamed version): applied already too (hBB's re-check).
        let later = try experiment(["/rate": "uniform(0, 2)"])
        XCTAssertEqual(
            try ConflictResolution.adapters(
                for: [],
                parent: later,
                candidate: later,
                policy: policy,
                parentRenames: ["/lr": "/rate"]
            ),
            []
        )
        // Two dimensions renamed to one: refused (the child would carry one value and drop the other).
        let pair = try experiment(["/a": "uniform(0, 1)", "/b": "uniform(0, 1)"])
        let merged = try experiment(["/c": "uniform(0, 1)"])
        let twice = BranchingPolicy(markers: BranchingMarkers(renames: ["/a": "/c", "/b": "/c"]))
        XCTAssertThrowsError(
            try ConflictResolution.adapters(
                for: Conflict.detect(parent: pair, candidate: merged, policy: twice),
                parent: pair,
                candidate: merged,
                policy: twice
            )
        ) { error in
            XCTAssertEqual(
                (error as? BranchingError)?.message,
                "'-b~>c' and '-a~>c' rename two dimensions to /c: rename each to its own name, or remove one with"
                    + " `-b~-`"
            )
        }
        // Not the renaming the stored version was made by: the marker is wrong.
        let other = try experiment(["/rate": "uniform(0, 1)"])
        XCTAssertThrowsError(
            try ConflictResolution.adapters(for: [], parent: other, candidate: other, policy: policy)
        ) { error in
            XCTAssertTrue((error as? BranchingError)?.message.contains("which the stored space does not have") == true)
        }
    }

    func testManualResolutionRefusesWhatIsNotMarkedAndSaysHowToMarkIt() throws {
        let parent = try experiment(["/x": "uniform(0, 1)"])
        let candidate = try experiment(["/x": "uniform(0, 1)", "/z": "uniform(0, 1)"], algorithm: "gridsearch")
        let policy = BranchingPolicy(manualResolution: true)
        let conflicts = Conflict.detect(parent: parent, candidate: candidate, policy: policy)
        XCTAssertThrowsError(
            try ConflictResolution.adapters(for: conflicts, parent: parent, candidate: candidate, policy: policy)
        ) { error in
            XCTAssertEqual(
                (error as? BranchingError)?.message,
                "experiment 'e' v1 changed and --manual-resolution resolves only what is marked (orion has no"
                    + " interactive prompt); unresolved: new dimension /z~uniform(0, 1): mark it `-z~+'uniform(0, 1)'`"
                    + " (with default_value=... to reuse the parent's trials); algorithm changed from {random: {}} to"
                    + " {gridsearch: {}}: add --algorithm-change"
            )
            XCTAssertEqual(ErrorReport(error).exitCode, 2)
        }
        var marked = policy
        marked.markers.additions = ["/z"]
        marked.algorithmChange = true
        XCTAssertEqual(
            try ConflictResolution.adapters(for: conflicts, parent: parent, candidate: candidate, policy: marked),
            [.dimensionAddition(name: "/z", type: .real, value: nil), .algorithmChange]
        )
    }

    func testMarkersThatDoNotFitAreRefused() throws {
        let parent = try experiment(["/x": "uniform(0, 1)"])
        let candidate = try experiment(["/x": "uniform(0, 1)", "/z": "uniform(0, 1)"])
        let rename = BranchingPolicy(markers: BranchingMarkers(renames: ["/x": "/w"]))
        XCTAssertThrowsError(
            try ConflictResolution.adapters(
                for: Conflict.detect(parent: parent, candidate: candidate, policy: rename),
                parent: parent,
                candidate: candidate,
                policy: rename
            )
        ) { error in
            XCTAssertEqual((error as? BranchingError)?.code, .invalidMarker)
        }
        let removal = BranchingPolicy(markers: BranchingMarkers(removals: ["/x": "7"]))
        let without = try experiment(["/z": "uniform(0, 1)"])
        XCTAssertThrowsError(
            try ConflictResolution.adapters(
                for: Conflict.detect(parent: parent, candidate: without, policy: removal),
                parent: parent,
                candidate: without,
                policy: removal
            )
        ) { error in
            XCTAssertEqual((error as? BranchingError)?.code, .invalidMarker)
        }
    }

    /// A parent stored before the `2:` digests is compared with the candidate's digest of the old kind.
    func testAParentsOldDigestIsComparedWithTheOldDigest() throws {
        var parent = try experiment(["/x": "uniform(0, 1)"])
        parent.metadata.scriptConfig = "0123"
        var candidate = parent
        candidate.metadata.scriptConfig = "2:abcd"
        candidate.metadata.legacyScriptConfig = "0123"
        XCTAssertEqual(Conflict.detect(parent: parent, candidate: candidate, policy: BranchingPolicy()), [])
        candidate.metadata.legacyScriptConfig = "4567"
        XCTAssertEqual(
            Conflict.detect(parent: parent, candidate: candidate, policy: BranchingPolicy()),
            [.scriptConfig(old: "0123", new: "4567")]
        )
        parent.metadata.scriptConfig = "2:abcd"
        XCTAssertEqual(Conflict.detect(parent: parent, candidate: candidate, policy: BranchingPolicy()), [])
        // Not stored: the digest of the old kind is the candidate's only.
        let decoded = try JSONDecoder().decode(ExperimentMetadata.self, from: JSONEncoder().encode(candidate.metadata))
        XCTAssertNil(decoded.legacyScriptConfig)
        XCTAssertEqual(decoded.scriptConfig, "2:abcd")
    }

    func testScriptConfigurationChangeTakesItsChangeType() throws {
        var parent = try experiment(["/x": "uniform(0, 1)"])
        parent.metadata.scriptConfig = "a"
        var candidate = parent
        candidate.metadata.scriptConfig = "b"
        let conflicts = Conflict.detect(parent: parent, candidate: candidate, policy: BranchingPolicy())
        XCTAssertEqual(conflicts, [.scriptConfig(old: "a", new: "b")])
        XCTAssertEqual(
            try ConflictResolution.adapters(
                for: conflicts,
                parent: parent,
                candidate: candidate,
                policy: BranchingPolicy()
            ),
            [.scriptConfigChange(.breaking)]
        )
        let unsure = BranchingPolicy(configChangeType: .unsure, manualResolution: true)
        XCTAssertEqual(
            try ConflictResolution.adapters(for: conflicts, parent: parent, candidate: candidate, policy: unsure),
            [.scriptConfigChange(.unsure)]
        )
        XCTAssertThrowsError(
            try ConflictResolution.adapters(
                for: conflicts,
                parent: parent,
                candidate: candidate,
                policy: BranchingPolicy(manualResolution: true)
            )
        ) { error in
            XCTAssertTrue("\(error)".hasSuffix("add --config-change-type noeffect|unsure|break"), "\(error)")
        }
        candidate.metadata.scriptConfig = nil
        XCTAssertEqual(Conflict.detect(parent: parent, candidate: candidate, policy: BranchingPolicy()), [])
    }
}
