import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

/// The algorithms that wait for each of their suggestions (rungs, generations, lineages) go on when the driver drops
/// one because its trial exists already (``Algorithm/dropped(_:context:)``): a point a user inserted at the same
/// fidelity, or a configuration drawn twice in a small discrete space the search does not track. Before, the rung
/// or lineage waited for a result that never came, and the hunt stopped after its idle timeout with nothing done.
final class DroppedSuggestionTests: XCTestCase {
    private let registry = AlgorithmRegistry.standard

    /// Before a step, the next suggestion that continues a trial (a generation's member, a copy) is inserted
    /// first as a user's trial, without a parent, so the driver drops the algorithm's own (three times).
    func testPopulationsGoOnWhenAUserInsertedTheirNextMember() throws {
        let space = try Space(dimensions: [
            PriorExpression.parse("uniform(0, 1, precision=2)", name: "/x"),
            PriorExpression.parse("randint(0, 4)", name: "/n"),
            PriorExpression.parse("fidelity(1, 9, base=3)", name: "/epochs"),
        ])
        let configurations: [(String, [String: JSONValue])] = [
            ("evolutiones", ["nums_population": 4, "repetitions": 2, "seed": 1]),
            ("pbt", ["population_size": 4, "generations": 2, "fork_timeout": 1, "seed": 1]),
            ("pb2", ["population_size": 4, "generations": 2, "fork_timeout": 1, "seed": 1]),
        ]
        for (name, options) in configurations {
            var harness = try harness(name, options, space)
            var inserted = 0
            try run(&harness, name, steps: 200, batch: 1) { harness in
                try harness.produce(count: 0)  // observes the last results, so that the peek below sees them
                guard inserted < 3, let driver = harness.driver else { return }
                var peek = driver.algorithm
                guard let next = peek.suggest(count: 1, context: driver.context).first, next.parent != nil else {
                    return
                }
                var trial = Trial(experimentID: harness.experiment.id, params: next.parameters)
                trial.status = .completed
                trial.results = [.objective(loss(next.parameters) + 1)]
                if harness.insert(trial) { inserted += 1 }
            }
            XCTAssertGreaterThanOrEqual(inserted, 2, "\(name): the test inserted \(inserted) of its next members")
        }
    }

    /// In a discrete space too large to track whose prior puts almost all its mass on one value, successive
    /// halving draws that configuration again: after a few draws the repeat is kept, the driver drops it, and the
    /// bottom rung must not wait for it.
    func testSuccessiveHalvingGoesOnWhenItDrawsAConfigurationTwice() throws {
        let space = try Space(dimensions: [
            PriorExpression.parse("normal(0, 0.01, discrete=True)", name: "/k"),
            PriorExpression.parse("fidelity(1, 9, base=3)", name: "/epochs"),
        ])
        for name in ["hyperband", "asha"] {
            var harness = try harness(name, ["repetitions": 1, "seed": 3], space)
            try run(&harness, name, steps: 100, batch: 2)
            // Hyperband ran the one configuration at every fidelity, once, in its three brackets. ASHA promotes the
            // best third of a rung's results, and the best of a rung that will receive nothing more (here the one
            // configuration), so it too runs it at every fidelity.
            let fidelities = harness.trials.compactMap { $0.params["/epochs"]?.doubleValue }.sorted()
            XCTAssertEqual(fidelities, [1, 3, 9], name)
        }
    }

    /// Runs the search until it is done, `before` each step, completing every trial at once: it must never
    /// suggest nothing (with nothing pending) unless it is done.
    private func run(
        _ harness: inout AlgorithmHarness,
        _ name: String,
        steps: Int,
        batch: Int,
        before: (inout AlgorithmHarness) throws -> Void = { _ in }
    ) throws {
        var step = 0
        while !harness.isDone, step < steps {
            step += 1
            try before(&harness)
            let produced = try harness.produce(count: batch)
            for trial in produced { harness.complete(trial.id, objective: loss(trial.params)) }
            if produced.isEmpty {
                XCTAssertTrue(harness.isDone, "\(name): suggests nothing with nothing pending, and is not done")
                break
            }
        }
        XCTAssertTrue(harness.isDone, "\(name): not done after \(step) steps")
    }

    /// A loss that falls with the epochs, as training does.
    private func loss(_ parameters: Parameters) -> Double {
        let x = parameters["/x"]?.doubleValue ?? 0
        let n = parameters["/n"]?.doubleValue ?? 0
        return (x - 0.3) * (x - 0.3) + n + 10 / (parameters["/epochs"]?.doubleValue ?? 1)
    }

    private func harness(_ name: String, _ options: [String: JSONValue], _ space: Space) throws -> AlgorithmHarness {
        let config = try registry.resolve(AlgorithmConfig(name: name, options: options))
        let experiment = Experiment(id: "0123456789abcdef01234567", name: "dropped", space: space, algorithm: config)
        return AlgorithmHarness(experiment: experiment, factory: registry)
    }
}
