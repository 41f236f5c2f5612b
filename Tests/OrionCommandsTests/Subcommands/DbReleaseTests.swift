import OrionCore
import XCTest

@testable import OrionCommands

/// What `orion db release` says it is about to do, before it asks.
final class DbReleaseTests: XCTestCase {

    /// The count, when the workers last reported (whatever their `--heartbeat`: a 2-minute window missed a trial whose
    /// worker refreshed every 150 s), and how many are held by a live `orion` of this machine.
    func testTheEffectSaysWhenTheWorkersLastReported() throws {
        let experiment = Experiment(
            name: "run",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        XCTAssertEqual(
            DbRelease.effect(of: experiment, ages: [], runningHere: 0),
            "No trial of run-v1 is reserved: no trial will change."
        )
        XCTAssertEqual(
            DbRelease.effect(of: experiment, ages: [150], runningHere: 1),
            "The reserved trial of run-v1 will become interrupted, to be run again. Its worker last reported 3 min"
                + " ago. It is held by a process still running on this machine (orion, or a program using its"
                + " library). A run that still goes on is thrown away, and stopped when its trial runs again on its"
                + " machine."
        )
        XCTAssertEqual(
            DbRelease.effect(of: experiment, ages: [4000, 12.4, nil], runningHere: 2),
            "The 3 reserved trials of run-v1 will become interrupted, to be run again. Their workers last reported 12 s"
                + " to 67 min ago. 2 of them are held by processes still running on this machine (orion, or a program"
                + " using its library). A run that still goes on is thrown away, and stopped when its trial runs again"
                + " on its machine."
        )
        XCTAssertEqual(
            DbRelease.effect(of: experiment, ages: [nil], runningHere: 0),
            "The reserved trial of run-v1 will become interrupted, to be run again. A run that still goes on is thrown"
                + " away, and stopped when its trial runs again on its machine."
        )
    }
}
