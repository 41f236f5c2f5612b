import Foundation
import OrionCore
import OrionNumerics
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// The successive-halving algorithms' incremental saves (``StoredBracketsMemo``): after any history, and for any copy
/// of the state, the bytes are those written from scratch.
final class StoredBracketsMemoTests: XCTestCase {
    private static let algorithms: [(name: String, options: [String: JSONValue])] = [
        ("asha", [:]),
        ("asha", ["num_brackets": 3]),
        ("hyperband", [:]),
        ("bohb", [:]),
        ("dehb", [:]),
    ]

    private static let priors = [
        "/lr": "loguniform(1e-4, 1)",
        "/x": "uniform(-1, 1)",
        "/opt": "choices(['adam', 'sgd', 'rms'])",
        "/n": "randint(1, 8)",
        "/epochs": "fidelity(1, 27, base=3)",
    ]

    private static func objective(_ params: Parameters) -> Double {
        let lr = params["/lr"]?.doubleValue ?? 1
        let x = params["/x"]?.doubleValue ?? 0
        let epochs = params["/epochs"]?.doubleValue ?? 1
        return pow(log10(lr) + 2.5, 2) / 4 + pow(x - 0.3, 2) + 1 / epochs
    }

    /// Checks that `driver`'s saved state is the bytes written from scratch: `JSONEncoder` over the algorithm's
    /// `Encodable` conformance (the compact form built anew); the same for a driver decoded from it (a new memo),
    /// whose save is the same bytes again when `roundTrip` (not after a trial inserted with its fidelity written
    /// `1.0`: JSON gives it back as `1`).
    private func assertWrittenFromScratch(
        _ driver: AlgorithmDriver,
        _ experiment: Experiment,
        _ label: String,
        roundTrip: Bool = true,
        line: UInt = #line
    ) throws {
        try assertWrittenAsJSONEncoder(driver, label, line: line)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let state = try driver.encodedState()
        let restored = try AlgorithmDriver(experiment: experiment, factory: AlgorithmRegistry.standard, state: state)
        let written = try XCTUnwrap(restored.algorithm as? any StateWriting, label).writtenState()
        XCTAssertEqual(written, try encoder.encode(restored.algorithm), "\(label), restored", line: line)
        if roundTrip { XCTAssertEqual(try restored.encodedState(), state, "\(label), restored", line: line) }
    }

    func testSavesAfterRandomHistoriesAreTheBytesWrittenFromScratch() throws {
        for (name, options) in Self.algorithms {
            let label = "\(name) \(options)"
            let experiment = try seededHarness(name, Self.priors, options: options, seed: 5).experiment
            var driver = try AlgorithmDriver(experiment: experiment, factory: AlgorithmRegistry.standard)
            var history = RandomHistory(
                seed: 11,
                produced: 0...3,
                changedAtMost: 3,
                outcomes: [.broken, .reserved, .notFinite] + Array(repeating: .completed, count: 9)
            )
            var copies: [(AlgorithmDriver, Data)] = []
            var rebuilt = 0
            for step in 0..<160 {
                try history.step(&driver) { Self.objective($0.params) }
                // Some steps save twice, some not at all: the memo follows any number of changes between saves.
                if step % 7 != 3 { try assertWrittenFromScratch(driver, experiment, "\(label) step \(step)") }
                if step % 30 == 10 {
                    // A copy kept while the state goes on (value semantics, one memo shared by both).
                    copies.append((driver, try driver.encodedState()))
                }
                if step % 50 == 49 {
                    driver = try AlgorithmDriver(
                        experiment: experiment,
                        factory: AlgorithmRegistry.standard,
                        state: driver.encodedState()
                    )
                    rebuilt += 1
                }
            }
            for (copy, state) in copies {
                XCTAssertEqual(try copy.encodedState(), state, "\(label): an older copy still writes its own state")
                try assertWrittenFromScratch(copy, experiment, "\(label) copy")
            }
            try assertWrittenFromScratch(driver, experiment, "\(label) at the end")
            XCTAssertEqual(rebuilt, 3, label)
            let size = try XCTUnwrap(driver.algorithm as? any StateWriting).writtenState().count
            XCTAssertGreaterThan(size, 10_000, "\(label): a state with many entries")
        }
    }

    func testTrialsTheSearchDidNotSuggestAreWrittenAsFromScratch() throws {
        for (name, options) in Self.algorithms {
            let label = "\(name) \(options)"
            var harness = try seededHarness(name, Self.priors, options: options, seed: 2)
            try harness.run(trials: 60, batch: 2, objective: Self.objective)
            var driver = try XCTUnwrap(harness.driver)
            try assertWrittenFromScratch(driver, harness.experiment, label)
            // Inserted trials: one with its fidelity written 1.0 (its entry carries its parameters), one at the
            // highest fidelity, and one repeating the first configuration the search made (at another fidelity).
            let first = try XCTUnwrap(harness.trials.first)
            var inserted: [Trial] = []
            // Then a new configuration at fidelity 9 (a later bracket's bottom rung, for ASHA's three brackets) and
            // again at 1 (the first bracket): its first occurrence moves before the others, and the memo starts over.
            for (epochs, x) in [(JSONValue.double(1), 0.25), (.int(27), -0.5), (.int(9), 0.75), (.int(1), 0.75)] {
                var trial = Trial(
                    experimentID: harness.experiment.id,
                    params: Parameters([
                        Trial.Param(name: "/epochs", type: .fidelity, value: epochs),
                        Trial.Param(name: "/lr", type: .real, value: .double(0.01)),
                        Trial.Param(name: "/n", type: .integer, value: .int(5)),
                        Trial.Param(name: "/opt", type: .categorical, value: .string("adam")),
                        Trial.Param(name: "/x", type: .real, value: .double(x)),
                    ])
                )
                trial.status = .completed
                trial.results = [.objective(0.5)]
                inserted.append(trial)
            }
            var again = Trial(
                experimentID: harness.experiment.id,
                params: first.params.replacing("/epochs", with: .int(9))
            )
            again.status = .completed
            again.results = [.objective(0.1)]
            inserted.append(again)
            inserted.swapAt(2, 4)  // `again` before the last two
            inserted.swapAt(3, 4)
            for trial in inserted {
                driver.observe([trial])
                try assertWrittenFromScratch(
                    driver,
                    harness.experiment,
                    "\(label) inserted \(trial.params)",
                    roundTrip: false
                )
                for var produced in try driver.produce(count: 2, now: Date()) {
                    produced.status = .completed
                    produced.results = [.objective(Self.objective(produced.params))]
                    driver.observe([produced])
                }
                try assertWrittenFromScratch(
                    driver,
                    harness.experiment,
                    "\(label) after \(trial.params)",
                    roundTrip: false
                )
            }
            if options["num_brackets"] == .int(3) {
                let asha = try XCTUnwrap(driver.algorithm as? ASHA)
                XCTAssertGreaterThan(asha.core.stateMemo.rebuilds, 0, "the memo started over after the move")
            }
        }
    }

    func testTheMemoComparesEveryStoredPropertyOfAnEntry() throws {
        // The memory comparison covers the entry's stored properties, listed by hand: a new property must be listed.
        let ranges = try XCTUnwrap(StoredBracketsMemo.entryBytes, "every stored property of Entry is listed")
        let covered = ranges.reduce(0) { $0 + $1.count }
        XCTAssertLessThanOrEqual(covered, MemoryLayout<SuccessiveHalving.Entry>.size)
        XCTAssertGreaterThanOrEqual(covered, MemoryLayout<SuccessiveHalving.Entry>.size - 7, "only padding is left out")
    }
}
