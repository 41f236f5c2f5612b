import Foundation
import OrionCore
import OrionNumerics
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// TPE's hand-written state (``TPERecordsMemo``): after any history, and for any copy of the state, the bytes
/// `JSONEncoder` writes.
final class TPEStateWritingTests: XCTestCase {
    private static let spaces: [(label: String, priors: [String: String])] = [
        ("continuous", ["/lr": "loguniform(1e-4, 1)", "/x": "uniform(-1, 1)", "/opt": "choices(['adam', 'sgd'])"]),
        ("small finite", ["/n": "randint(1, 30)", "/opt": "choices(['a\"b', 'c/d', 'e'])"]),
    ]

    func testSavesAfterRandomHistoriesAreTheBytesJSONEncoderWrites() throws {
        for (label, priors) in Self.spaces {
            let experiment = try seededHarness("tpe", priors, options: ["n_initial_points": 5], seed: 4).experiment
            var driver = try AlgorithmDriver(experiment: experiment, factory: AlgorithmRegistry.standard)
            var history = RandomHistory(
                seed: 9,
                produced: 0...2,
                changedAtMost: 2,
                outcomes: [.broken, .reserved] + Array(repeating: .completed, count: 6)
            )
            var copies: [(AlgorithmDriver, Data)] = []
            for step in 0..<60 {
                try history.step(&driver) { Double(step % 7) + ($0.params["/x"]?.doubleValue ?? 0) }
                if step % 5 != 2 { try assertWrittenAsJSONEncoder(driver, "\(label) step \(step)") }
                if step % 20 == 7 { copies.append((driver, try driver.encodedState())) }
                if step % 25 == 24 {
                    let state = try driver.encodedState()
                    driver = try AlgorithmDriver(
                        experiment: experiment,
                        factory: AlgorithmRegistry.standard,
                        state: state
                    )
                    XCTAssertEqual(try driver.encodedState(), state, "\(label): a restored TPE saves the same bytes")
                }
            }
            for (copy, state) in copies {
                XCTAssertEqual(try copy.encodedState(), state, "\(label): an older copy still writes its own state")
                try assertWrittenAsJSONEncoder(copy, "\(label) copy")
            }
            let state = String(decoding: try driver.encodedState(), as: UTF8.self)
            XCTAssertEqual(state.contains("\"seen\":"), label == "small finite", label)
            XCTAssertTrue(state.contains("\"status\":\"broken\""), label)
        }
    }
}
