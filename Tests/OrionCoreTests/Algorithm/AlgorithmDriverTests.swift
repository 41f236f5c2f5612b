import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Suggests `/x = next, next + step, ...` (mod `modulo`), and remembers what it observed.
private struct Sequence: Algorithm {
    struct Options: AlgorithmOptions {
        var step = 1
        var modulo = 1000
        var `repeat` = false
        /// Done once this many points were suggested (never when nil).
        var doneAfter: Int?

        enum CodingKeys: String, CodingKey {
            case step, modulo, `repeat`, doneAfter = "done_after"
        }
    }

    static let name = "sequence"
    var options: Options
    var next = 0
    var suggested = 0
    var suggestCalls = 0
    var observed: [String] = []
    var big: UInt64 = .max - 1  // a number JSONValue cannot hold

    init(options: Options, context: AlgorithmContext) throws {
        guard options.step != 0 else { throw AlgorithmError(.invalidOption, "step must not be 0") }
        self.options = options
    }

    mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        suggestCalls += 1
        let count = options.doneAfter.map { min(count, max(0, $0 - suggested)) } ?? count
        return (0..<count).map { _ in
            defer {
                suggested += 1
                if !options.repeat { next = (next + options.step) % options.modulo }
            }
            return Suggestion([Trial.Param(name: "/x", type: context.space["/x"]?.kind ?? .integer, value: .int(next))])
        }
    }

    mutating func observe(_ trials: [Trial], context: AlgorithmContext) { observed += trials.map(\.id) }

    func isDone(context: AlgorithmContext) -> Bool { options.doneAfter.map { suggested >= $0 } ?? false }
}

private struct SequenceFactory: AlgorithmFactory {
    func resolve(_ config: AlgorithmConfig) throws -> AlgorithmConfig {
        guard config.name == Sequence.name else { throw AlgorithmError(.unknownAlgorithm, "unknown") }
        return AlgorithmConfig(
            name: config.name,
            options: try Sequence.Options.decode(config.options, algorithm: Sequence.name).jsonObject()
        )
    }

    func makeAlgorithm(_ config: AlgorithmConfig, space: Space, maxTrials: Int?) throws -> any Algorithm {
        try Sequence(
            options: Sequence.Options.decode(config.options, algorithm: Sequence.name),
            context: AlgorithmContext(space: space, maxTrials: maxTrials)
        )
    }

    func decodeAlgorithm(named name: String, from data: Data) throws -> any Algorithm {
        try JSONDecoder().decode(Sequence.self, from: data)
    }
}

/// Suggests the points of its `script` option in order, then is done.
private struct Scripted: Algorithm {
    struct Options: AlgorithmOptions {
        var script: [Suggestion] = []
        enum CodingKeys: String, CodingKey { case script }
    }

    static let name = "scripted"
    var script: [Suggestion]

    init(options: Options, context: AlgorithmContext) { script = options.script }

    mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        defer { script.removeFirst(min(count, script.count)) }
        return Array(script.prefix(count))
    }

    mutating func observe(_ trials: [Trial], context: AlgorithmContext) {}

    func isDone(context: AlgorithmContext) -> Bool { script.isEmpty }
}

/// Keeps the best value seen in a `Double` that starts at infinity: a state JSON cannot hold.
private struct Unbounded: Algorithm {
    struct Options: AlgorithmOptions {}

    static let name = "unbounded"
    var best = Double.infinity
    var next = 0

    init(options: Options, context: AlgorithmContext) {}

    mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        defer { next += count }
        return (next..<next + count).map { Suggestion([Trial.Param(name: "/x", type: .integer, value: .int($0))]) }
    }

    mutating func observe(_ trials: [Trial], context: AlgorithmContext) {}

    func isDone(context: AlgorithmContext) -> Bool { false }
}

/// Makes one algorithm type, as a registry would.
private struct SingleFactory<A: Algorithm>: AlgorithmFactory {
    func resolve(_ config: AlgorithmConfig) throws -> AlgorithmConfig {
        AlgorithmConfig(name: A.name, options: try A.Options.decode(config.options, algorithm: A.name).jsonObject())
    }

    func makeAlgorithm(_ config: AlgorithmConfig, space: Space, maxTrials: Int?) throws -> any Algorithm {
        try A(
            options: A.Options.decode(config.options, algorithm: A.name),
            context: AlgorithmContext(space: space, maxTrials: maxTrials)
        )
    }

    func decodeAlgorithm(named name: String, from data: Data) throws -> any Algorithm {
        try JSONDecoder().decode(A.self, from: data)
    }
}

final class AlgorithmDriverTests: XCTestCase {
    private let factory = SequenceFactory()
    private let now = Date(timeIntervalSince1970: 1000)

    private func experiment(
        _ options: [String: JSONValue] = [:],
        prior: String = "uniform(0, 1000, discrete=True)",
        maxTrials: Int? = nil
    ) throws -> Experiment {
        Experiment(
            id: "exp",
            name: "driver",
            space: try Space(priors: ["/x": prior]),
            algorithm: try factory.resolve(AlgorithmConfig(name: "sequence", options: options)),
            maxTrials: maxTrials
        )
    }

    /// An experiment (id `exp`) of the `scripted` algorithm, which suggests `script` in order, on `space`.
    private func scripted(
        _ script: [Suggestion],
        space: Space
    ) throws -> (experiment: Experiment, factory: SingleFactory<Scripted>) {
        let options = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(script))
        let factory = SingleFactory<Scripted>()
        let experiment = Experiment(
            id: "exp",
            name: "scripted",
            space: space,
            algorithm: try factory.resolve(AlgorithmConfig(name: "scripted", options: ["script": options]))
        )
        return (experiment, factory)
    }

    private func xs(_ trials: [Trial]) -> [Int] { trials.compactMap { $0.params["/x"]?.intValue } }

    private func sequence(_ driver: AlgorithmDriver) throws -> Sequence {
        try XCTUnwrap(driver.algorithm as? Sequence)
    }

    /// A user's algorithm whose state holds an infinity: saving it says which algorithm and which value, not
    /// Foundation's bare `EncodingError`.
    func testAStateJSONCannotHoldIsAnAlgorithmErrorNamingTheValue() throws {
        let factory = SingleFactory<Unbounded>()
        let experiment = Experiment(
            id: "exp",
            name: "unbounded",
            space: try Space(priors: ["/x": "uniform(0, 1000, discrete=True)"]),
            algorithm: try factory.resolve(AlgorithmConfig(name: "unbounded"))
        )
        var driver = try AlgorithmDriver(experiment: experiment, factory: factory)
        _ = try driver.produce(count: 1, now: now)
        XCTAssertThrowsError(try driver.encodedState()) { error in
            let error = error as? AlgorithmError
            XCTAssertEqual(error?.code, .invalidState)
            XCTAssertTrue(error?.message.contains("'unbounded'") == true, error?.message ?? "")
            XCTAssertTrue(error?.message.contains("at 'best'") == true, error?.message ?? "")
        }
    }

    func testProduceMakesNewTrials() throws {
        var driver = try AlgorithmDriver(experiment: experiment(), factory: factory)
        let trials = try driver.produce(count: 3, now: now)
        XCTAssertEqual(xs(trials), [0, 1, 2])
        XCTAssertEqual(trials.map(\.experimentID), ["exp", "exp", "exp"])
        XCTAssertEqual(trials.map(\.status), [.new, .new, .new])
        XCTAssertEqual(trials.map(\.submitTime), [now, now, now])
        XCTAssertEqual(trials.first?.params, [Trial.Param(name: "/x", type: .integer, value: 0)])
        XCTAssertEqual(driver.known.count, trials.count)
        XCTAssertTrue(trials.allSatisfy { driver.known.contains($0.id) })
    }

    func testDuplicatesAreDroppedAndTheAlgorithmAskedAgain() throws {
        // Steps of 2 modulo 4 give 0, 2, 0, 2, ...: only two distinct points.
        var driver = try AlgorithmDriver(experiment: experiment(["step": 2, "modulo": 4]), factory: factory)
        XCTAssertEqual(xs(try driver.produce(count: 3, now: now)), [0, 2])
        XCTAssertEqual(xs(try driver.produce(count: 1, now: now)), [])
    }

    func testRetriesAreBounded() throws {
        var driver = try AlgorithmDriver(experiment: experiment(["repeat": true]), factory: factory)
        driver.maxRetries = 7
        XCTAssertEqual(xs(try driver.produce(count: 2, now: now)), [0])
        XCTAssertEqual(try sequence(driver).suggestCalls, 1 + 7 + 1)
        XCTAssertEqual(xs(try driver.produce(count: 2, now: now)), [])
        XCTAssertEqual(try sequence(driver).suggestCalls, 9 + 8)
    }

    func testObservedTrialsAreKnownAndForwarded() throws {
        var driver = try AlgorithmDriver(experiment: experiment(), factory: factory)
        let existing = Trial(experimentID: "exp", params: [Trial.Param(name: "/x", type: .integer, value: 1)])
        driver.observe([existing])
        XCTAssertEqual(try sequence(driver).observed, [existing.id])
        XCTAssertEqual(xs(try driver.produce(count: 3, now: now)), [0, 2, 3])
    }

    func testTheAlgorithmAloneSaysWhenItIsDone() throws {
        // Every point of the space is a trial, but the algorithm is not done: the driver does not decide.
        var driver = try AlgorithmDriver(
            experiment: experiment(["modulo": 3], prior: "randint(0, 3)"),
            factory: factory
        )
        XCTAssertEqual(xs(try driver.produce(count: 10, now: now)), [0, 1, 2])
        XCTAssertFalse(driver.isDone)
        XCTAssertEqual(try driver.produce(count: 1, now: now), [])

        var limited = try AlgorithmDriver(experiment: experiment(["done_after": 2]), factory: factory)
        XCTAssertFalse(limited.isDone)
        XCTAssertEqual(xs(try limited.produce(count: 10, now: now)), [0, 1])
        XCTAssertTrue(limited.isDone)
        XCTAssertEqual(try limited.produce(count: 1, now: now), [])
    }

    func testOptionsAreTypedWithDefaultsAndRejectBadValues() throws {
        XCTAssertEqual(
            try factory.resolve(AlgorithmConfig(name: "sequence", options: ["step": 2])).options,
            ["step": 2, "modulo": 1000, "repeat": false, "done_after": nil]
        )
        XCTAssertThrowsError(try factory.resolve(AlgorithmConfig(name: "sequence", options: ["stp": 2]))) { error in
            XCTAssertEqual(
                "\(error)",
                "unknown option 'stp' for algorithm 'sequence'; valid options: done_after, modulo, repeat, step"
                    + " (did you mean 'step'?)"
            )
        }
        XCTAssertThrowsError(try factory.resolve(AlgorithmConfig(name: "sequence", options: ["step": "two"]))) {
            XCTAssertEqual("\($0)", "sequence: option 'step' must be an integer, not 'two'")
        }
        XCTAssertThrowsError(
            try factory.resolve(AlgorithmConfig(name: "sequence", options: ["done_after": 1.5]))
        ) {
            XCTAssertEqual("\($0)", "sequence: option 'done_after' must be an integer or null, not 1.5")
        }
        XCTAssertThrowsError(try AlgorithmDriver(experiment: experiment(["step": 0]), factory: factory)) {
            XCTAssertEqual("\($0)", "step must not be 0")
        }
    }

    /// A suggestion that is not a point of the space (NaN, past a bound, a category the prior lacks) stops the
    /// production with an error naming the algorithm and the point, and nothing of that round is registered: a
    /// script never receives it (gridsearch once gave `uniform(-1e308, 1e308)` the values NaN and Infinity).
    func testASuggestionOutsideTheSpaceIsAnErrorNotATrial() throws {
        let space = try Space(priors: ["/x": "uniform(0, 1)", "/c": "choices(['a', 'b'])"])
        func point(_ x: Double, _ c: String) -> Parameters {
            [
                Trial.Param(name: "/c", type: .categorical, value: .string(c)),
                Trial.Param(name: "/x", type: .real, value: .double(x)),
            ]
        }
        for bad in [point(.nan, "a"), point(1.5, "a"), point(0.5, "z"), point(.infinity, "b")] {
            let (experiment, factory) = try scripted([Suggestion(point(0.25, "b")), Suggestion(bad)], space: space)
            var driver = try AlgorithmDriver(experiment: experiment, factory: factory)
            XCTAssertThrowsError(try driver.produce(count: 2, now: now)) { error in
                XCTAssertEqual((error as? AlgorithmError)?.code, .invalidSuggestion)
                XCTAssertEqual((error as? AlgorithmError)?.kind, .failure)
                let message = (error as? AlgorithmError)?.message ?? ""
                XCTAssertTrue(message.hasPrefix("algorithm 'scripted' suggested {/c:"), message)
                XCTAssertTrue(message.contains("not a point of the search space"), message)
            }
        }
        XCTAssertTrue(space.contains(point(0.25, "b")), "the check itself takes a point of the space")
    }

    func testSuggestionsKeepTheirParentAndTheSamePointAtTheSameFidelityIsDropped() throws {
        let space = try Space(priors: ["/x": "randint(0, 3)", "/epochs": "fidelity(1, 4, base=2)"])
        func point(_ x: Int, _ epochs: Int) -> Parameters {
            [
                Trial.Param(name: "/x", type: .integer, value: .int(x)),
                Trial.Param(name: "/epochs", type: .fidelity, value: .int(epochs)),
            ]
        }
        let script = [
            Suggestion(point(1, 1)), Suggestion(point(1, 2), parent: "p"), Suggestion(point(1, 2), parent: "q"),
            Suggestion(point(1, 1), parent: "r"), Suggestion(point(1, 4), parent: "s"),
        ]
        let (experiment, factory) = try scripted(script, space: space)
        var driver = try AlgorithmDriver(experiment: experiment, factory: factory)
        let trials = try driver.produce(count: 5, now: now)
        XCTAssertEqual(trials.map(\.params), [point(1, 1), point(1, 2), point(1, 4)])
        XCTAssertEqual(trials.map(\.parent), [nil, "p", "s"])
        XCTAssertEqual(
            trials[1].id,
            Trial.makeID(experimentID: "exp", params: point(1, 2)),
            "the parent is not in the id"
        )
        XCTAssertEqual(Set(trials.map(\.id)).count, 3)
        XCTAssertTrue(driver.isDone)
        let state = try driver.encodedState()
        let restored = try AlgorithmDriver(experiment: experiment, factory: factory, state: state)
        XCTAssertEqual(restored.known.count, 0, "the storage's index, not the state, holds the trials")
    }

    /// Model-based algorithms read trials through the context's transform and suggest decoded vectors.
    func testContextCarriesTheSpaceTransform() throws {
        var driver = try AlgorithmDriver(experiment: experiment(), factory: factory)
        XCTAssertEqual(driver.context.transform, SpaceTransform(driver.space))
        for trial in try driver.produce(count: 3, now: now) {
            let vector = try driver.context.transform.encode(trial.params)
            XCTAssertEqual(vector.count, 1)
            XCTAssertEqual(driver.context.transform.decode(vector), trial.params)
        }
    }

    func testIntegralRealsBecomeDoubles() throws {
        var driver = try AlgorithmDriver(experiment: experiment(prior: "uniform(0, 10)"), factory: factory)
        let trial = try XCTUnwrap(try driver.produce(count: 1, now: now).first)
        XCTAssertEqual(trial.params, [Trial.Param(name: "/x", type: .real, value: .double(0))])
        XCTAssertEqual(trial.id, Trial.makeID(experimentID: "exp", params: trial.params))
    }

    func testStateRoundTrip() throws {
        let experiment = try experiment(["step": 3])
        var driver = try AlgorithmDriver(experiment: experiment, factory: factory)
        _ = try driver.produce(count: 2, now: now)
        let state = try driver.encodedState()
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: state) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["name", "configuration", "algorithm"])
        XCTAssertEqual(json["name"] as? String, "sequence")

        var restored = try AlgorithmDriver(experiment: experiment, factory: factory, state: state)
        XCTAssertFalse(restored.restartedFromScratch)
        XCTAssertEqual(try sequence(restored).big, UInt64.max - 1)
        XCTAssertEqual(try restored.encodedState(), state)
        XCTAssertEqual(xs(try restored.produce(count: 2, now: now)), xs(try driver.produce(count: 2, now: now)))
    }

    /// Issue 10, part 4: the saved state holds no list of trials, so saving it costs the same at any size.
    func testTheStateDoesNotGrowWithTheTrials() throws {
        let space = "uniform(0, 100000, discrete=True)"
        var driver = try AlgorithmDriver(experiment: experiment(["modulo": 100_000], prior: space), factory: factory)
        _ = try driver.produce(count: 10, now: now)
        let small = try driver.encodedState().count
        _ = try driver.produce(count: 5_000, now: now)
        // Only the sequence's own counters grew, by a few digits (10 -> 5010); 5,000 trials would add 40 kB as ids.
        XCTAssertLessThanOrEqual(try driver.encodedState().count, small + 8)
    }

    /// A restored driver knows no trial itself: the storage's index of trial ids keeps it from suggesting one twice.
    func testTrialsInTheStorageIndexAreNotProducedAgain() throws {
        let experiment = try experiment()
        var first = try AlgorithmDriver(experiment: experiment, factory: factory)
        let stored = try first.produce(count: 2, now: now)
        var second = try AlgorithmDriver(experiment: experiment, factory: factory)
        let index = TrialIndex.containing(Set(stored.map(\.id)))
        XCTAssertEqual(xs(try second.produce(count: 3, now: now, existing: index)), [2, 3, 4])
        XCTAssertEqual(try sequence(second).suggestCalls, 2, "asked again after the two stored points")
    }

    func testStateWithReorderedMembersAndSpacesIsRead() throws {
        let experiment = try experiment()
        let algorithm = try JSONEncoder().encode(
            try Sequence(options: Sequence.Options(), context: AlgorithmContext(space: experiment.space))
        )
        // `known` as earlier versions wrote it: base64 of 8-byte fingerprints (here one).
        let text =
            "{ \"known\" : \"AQIDBAUGBwg=\",\n \"algorithm\" : \(String(decoding: algorithm, as: UTF8.self)) , "
            + "\"configuration\": {\"step\": 1, \"modulo\": 1000, \"repeat\": false, \"done_after\": null}, "
            + "\"name\": \"sequence\" }"
        let driver = try AlgorithmDriver(experiment: experiment, factory: factory, state: Data(text.utf8))
        XCTAssertEqual(driver.known.count, 0, "an earlier version's list of known trials is read past")
        XCTAssertFalse(driver.restartedFromScratch)
    }

    func testChangedConfigurationRestartsFromScratch() throws {
        var driver = try AlgorithmDriver(experiment: experiment(["step": 3]), factory: factory)
        _ = try driver.produce(count: 2, now: now)
        let restored = try AlgorithmDriver(
            experiment: experiment(["step": 5]),
            factory: factory,
            state: driver.encodedState()
        )
        XCTAssertTrue(restored.restartedFromScratch)
        XCTAssertEqual(restored.known.count, 0)
        XCTAssertEqual(try sequence(restored).next, 0)
    }

    func testCorruptStateThrows() throws {
        for text in [
            "not json", "{\"name\": \"sequence\"}", "{\"name\": \"sequence\", \"configuration\": {}, \"known\": \"\"}",
        ] {
            XCTAssertThrowsError(
                try AlgorithmDriver(experiment: experiment(), factory: factory, state: Data(text.utf8))
            ) {
                XCTAssertEqual(($0 as? AlgorithmError)?.code, .corruptState, text)
            }
        }
    }

    // MARK: step

    private func snapshot(
        state: Data? = nil,
        version: Int = 0,
        changed: [Trial] = [],
        counts: [TrialStatus: Int] = [:],
        existing: Set<String> = []
    ) -> AlgorithmSnapshot {
        AlgorithmSnapshot(
            state: state,
            stateVersion: version,
            changedTrials: changed,
            counts: counts,
            existingTrials: .containing(existing)
        )
    }

    func testStepStartsFreshObservesAndSavesTheState() throws {
        let experiment = try experiment()
        let existing = Trial(experimentID: "exp", params: [Trial.Param(name: "/x", type: .integer, value: 0)])
        let update = try AlgorithmDriver.step(
            snapshot: snapshot(changed: [existing], counts: [.completed: 1]),
            cached: nil,
            experiment: experiment,
            factory: factory,
            count: 2,
            now: now
        )
        XCTAssertEqual(xs(update.newTrials), [1, 2])
        XCTAssertEqual(update.output.trials, update.newTrials)
        XCTAssertEqual(update.output.stateVersion, 1)
        XCTAssertFalse(update.output.isDone)
        XCTAssertEqual(try sequence(update.output.driver).observed, [existing.id])
        XCTAssertNotNil(update.state)
    }

    /// Issue 13, part 2: a child version's algorithm observes the inherited trials once, when it starts fresh,
    /// before the experiment's own; their points are not produced again; they are never registered.
    func testStepObservesInheritedTrialsOnlyOnAFreshStart() throws {
        let experiment = try experiment()
        let inherited = Trial(experimentID: "exp", params: [Trial.Param(name: "/x", type: .integer, value: 0)])
        let own = Trial(experimentID: "exp", params: [Trial.Param(name: "/x", type: .integer, value: 5)])
        let first = try AlgorithmDriver.step(
            snapshot: snapshot(changed: [own]),
            cached: nil,
            experiment: experiment,
            factory: factory,
            count: 2,
            now: now,
            inherited: InheritedTrials([inherited])
        )
        XCTAssertEqual(try sequence(first.output.driver).observed, [inherited.id, own.id])
        XCTAssertEqual(xs(first.newTrials), [1, 2], "the inherited point 0 is known: not produced again")
        let state = try XCTUnwrap(first.state)
        let second = try AlgorithmDriver.step(
            snapshot: snapshot(state: state, version: 1),
            cached: nil,
            experiment: experiment,
            factory: factory,
            count: 1,
            now: now,
            inherited: InheritedTrials([inherited])
        )
        XCTAssertEqual(try sequence(second.output.driver).observed, [inherited.id, own.id], "restored, not again")
    }

    /// Under the lock, a point that the storage has already (registered by another worker or `orion insert`
    /// since the state was saved) is not produced again, even by a driver that never saw it.
    func testStepSkipsTrialsTheStorageHasAlready() throws {
        let experiment = try experiment()
        let inserted = Trial(experimentID: "exp", params: [Trial.Param(name: "/x", type: .integer, value: 1)])
        let update = try AlgorithmDriver.step(
            snapshot: snapshot(existing: [inserted.id]),
            cached: nil,
            experiment: experiment,
            factory: factory,
            count: 2,
            now: now
        )
        XCTAssertEqual(xs(update.newTrials), [0, 2])
    }

    /// A stored state saved for other options (or another algorithm: written by hand, or by another version) is
    /// not silently replaced by a fresh algorithm that would see only the changed trials: the round throws
    /// `.corruptState`, so that the caller resets the state and the fresh algorithm observes every trial.
    func testStepRefusesAStateSavedForOtherOptions() throws {
        let first = try AlgorithmDriver.step(
            snapshot: snapshot(),
            cached: nil,
            experiment: experiment(["step": 3]),
            factory: factory,
            count: 2,
            now: now
        )
        let state = try XCTUnwrap(first.state)
        XCTAssertThrowsError(
            try AlgorithmDriver.step(
                snapshot: snapshot(state: state, version: 1),
                cached: nil,
                experiment: experiment(["step": 5]),
                factory: factory,
                count: 1,
                now: now
            )
        ) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .corruptState, "\(error)")
        }
    }

    func testStepReusesTheCachedDriverOnlyWhenVersionsMatch() throws {
        let experiment = try experiment()
        let first = try AlgorithmDriver.step(
            snapshot: snapshot(),
            cached: nil,
            experiment: experiment,
            factory: factory,
            count: 2,
            now: now
        )
        let state = try XCTUnwrap(first.state)
        // A cached driver that went further than the stored state.
        var ahead = first.output.driver
        _ = try ahead.produce(count: 5, now: now)
        let cached = AlgorithmDriver.Cached(driver: ahead, stateVersion: 1)

        let reused = try AlgorithmDriver.step(
            snapshot: snapshot(state: state, version: 1),
            cached: cached,
            experiment: experiment,
            factory: factory,
            count: 1,
            now: now
        )
        XCTAssertEqual(xs(reused.newTrials), [7])
        XCTAssertEqual(reused.output.stateVersion, 2)

        let decoded = try AlgorithmDriver.step(
            snapshot: snapshot(state: state, version: 4),
            cached: cached,
            experiment: experiment,
            factory: factory,
            count: 1,
            now: now
        )
        XCTAssertEqual(xs(decoded.newTrials), [2])
        XCTAssertEqual(decoded.output.stateVersion, 5)
    }

    func testStepLimitsCountToMaxTrialsIgnoringBrokenTrials() throws {
        let experiment = try experiment(maxTrials: 5)
        let counts: [TrialStatus: Int] = [.completed: 2, .reserved: 1, .new: 1, .broken: 4]
        let update = try AlgorithmDriver.step(
            snapshot: snapshot(counts: counts),
            cached: nil,
            experiment: experiment,
            factory: factory,
            count: 3,
            now: now
        )
        XCTAssertEqual(update.newTrials.count, 1)
        let full = try AlgorithmDriver.step(
            snapshot: snapshot(counts: [.completed: 5]),
            cached: nil,
            experiment: experiment,
            factory: factory,
            count: 3,
            now: now
        )
        XCTAssertEqual(full.newTrials, [])
        XCTAssertNotNil(full.state)
    }

    /// Once every configuration of a finite space has a trial (broken ones and inherited points included), a round
    /// produces nothing and says done, though the algorithm never does: it would only draw repeats until the
    /// workers' idle timeout. The trials are counted, then each configuration looked up: trials as many as the
    /// configurations but not at them (reals off a `precision` grid, inherited by a version) do not fill the space,
    /// nor does anything fill a space with a fidelity (one configuration, several rungs) or with reals.
    func testStepIsDoneOnceEveryConfigurationOfAFiniteSpaceHasATrial() throws {
        let experiment = try experiment(prior: "uniform(0, 4, discrete=True)")
        let ids = (0...4).map { x in
            Trial(experimentID: "exp", params: [Trial.Param(name: "/x", type: .integer, value: .int(x))]).id
        }
        func step(_ counts: [TrialStatus: Int], _ existing: [String], inherited: [Trial] = []) throws
            -> AlgorithmUpdate<AlgorithmDriver.StepOutput>
        {
            try AlgorithmDriver.step(
                snapshot: snapshot(counts: counts, existing: Set(existing)),
                cached: nil,
                experiment: experiment,
                factory: factory,
                count: 1,
                now: now,
                inherited: InheritedTrials(inherited),
                inheritedCount: inherited.count
            )
        }
        let filled = try step([.completed: 3, .broken: 2], ids)
        XCTAssertEqual(filled.newTrials, [])
        XCTAssertTrue(filled.output.isDone)
        XCTAssertNotNil(filled.state)
        let inherited = Trial(experimentID: "exp", params: [Trial.Param(name: "/x", type: .integer, value: 4)])
        let withInherited = try step([.completed: 4], Array(ids.prefix(4)), inherited: [inherited])
        XCTAssertTrue(withInherited.output.isDone)
        XCTAssertEqual(withInherited.newTrials, [])
        let open = try step([.completed: 4], Array(ids.prefix(4)))
        XCTAssertFalse(open.output.isDone)
        XCTAssertEqual(xs(open.newTrials), [4])
        let counted = try step([.completed: 5], Array(ids.prefix(4)))
        XCTAssertFalse(counted.output.isDone, "five trials, but one is not at a configuration of the space")
        XCTAssertEqual(xs(counted.newTrials), [4])

        var index = TrialIndex.containing([])
        let fidelity = try Space(priors: ["/x": "uniform(0, 4, discrete=True)", "/e": "fidelity(1, 4, base=2)"])
        XCTAssertEqual(fidelity.cardinality, 5)
        XCTAssertFalse(try fidelity.isFilled(index: index, experimentID: "exp", counted: 100))
        let precision = try Space(priors: ["/y": "loguniform(1, 10, precision=1)"])
        XCTAssertEqual(precision.cardinality, 10)
        XCTAssertFalse(try precision.isFilled(index: index, experimentID: "exp", counted: 100))
        index = TrialIndex { _ in
            XCTFail("the ids are looked up only once the counts reach the configurations"); return []
        }
        XCTAssertFalse(try experiment.space.isFilled(index: index, experimentID: "exp", counted: 4))
    }

    func testHarnessRunsTheDriverLikeAStorage() throws {
        var harness = AlgorithmHarness(experiment: try experiment(maxTrials: 4), factory: factory, reusesDriver: false)
        let completed = try harness.run(trials: 10, batch: 3) { Objectives.sphere($0) }
        XCTAssertEqual(xs(completed), [0, 1, 2, 3])
        XCTAssertEqual(harness.bestObjective, 0)
        XCTAssertEqual(harness.stateVersion, 3)
        // The algorithm observed its own trials as they were registered and completed.
        XCTAssertEqual(Set(try sequence(XCTUnwrap(harness.driver)).observed), Set(completed.map(\.id)))
    }
}
