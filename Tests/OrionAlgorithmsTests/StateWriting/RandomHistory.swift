import Foundation
import OrionCore
import OrionNumerics
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// A seeded random history driven through an algorithm: batches of productions of random sizes, and results that
/// arrive out of order, some broken, some reserved again, some without a finite objective. The state-writing tests
/// replay one and compare the hand-written state with `JSONEncoder`'s after each step.
struct RandomHistory {
    /// What happens to a pending trial drawn for a change.
    enum Outcome {
        /// Broken.
        case broken
        /// Reserved again: still pending, observed once more, back at the end of the queue.
        case reserved
        /// Completed without a finite objective (broken for the algorithm).
        case notFinite
        /// Completed with the objective's value.
        case completed
    }

    private var rng: SeededGenerator
    private var pending: [Trial] = []
    private let produced: ClosedRange<Int>
    private let changedAtMost: Int
    private let outcomes: [Outcome]

    /// The trials completed with a finite objective so far.
    private(set) var completed = 0

    /// - Parameters:
    ///   - seed: the history's seed.
    ///   - produced: how many trials each step asks for (drawn uniformly).
    ///   - changedAtMost: the most pending trials a step changes (the count drawn uniformly from 0).
    ///   - outcomes: each changed trial's outcome is drawn uniformly from this list (repeat an entry to weight it).
    init(seed: UInt64, produced: ClosedRange<Int>, changedAtMost: Int, outcomes: [Outcome]) {
        rng = SeededGenerator(seed: seed)
        self.produced = produced
        self.changedAtMost = changedAtMost
        self.outcomes = outcomes
    }

    /// One step: `driver` produces and observes its trials, then observes the changes of a few pending ones.
    ///
    /// - Parameters:
    ///   - driver: the algorithm's driver.
    ///   - objective: the objective of a completed trial.
    mutating func step(_ driver: inout AlgorithmDriver, objective: (Trial) -> Double) throws {
        let new = try driver.produce(count: Int.random(in: produced, using: &rng), now: Date())
        driver.observe(new)
        pending += new
        pending.shuffle(using: &rng)
        var changed: [Trial] = []
        for _ in 0..<Int.random(in: 0...min(changedAtMost, pending.count), using: &rng) {
            var trial = pending.removeLast()
            switch outcomes[Int.random(in: 0..<outcomes.count, using: &rng)] {
            case .broken: trial.status = .broken
            case .reserved:
                trial.status = .reserved
                pending.insert(trial, at: 0)
            case .notFinite:
                trial.status = .completed
                trial.results = [.objective(.nan)]
            case .completed:
                trial.status = .completed
                trial.results = [.objective(objective(trial))]
                completed += 1
            }
            changed.append(trial)
        }
        driver.observe(changed)
    }
}

/// Asserts that `driver`'s algorithm writes the bytes `JSONEncoder` writes for it (sorted keys, slashes unescaped).
func assertWrittenAsJSONEncoder(
    _ driver: AlgorithmDriver,
    _ label: String,
    file: StaticString = #filePath,
    line: UInt = #line
) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let written = try XCTUnwrap(driver.algorithm as? any StateWriting, label, file: file, line: line).writtenState()
    XCTAssertEqual(
        String(decoding: written, as: UTF8.self),
        String(decoding: try encoder.encode(driver.algorithm), as: UTF8.self),
        label,
        file: file,
        line: line
    )
}
