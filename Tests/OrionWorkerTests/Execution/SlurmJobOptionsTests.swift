import Foundation
import OrionCore
import XCTest

@testable import OrionWorker

/// The Slurm jobs' options as `sbatch` arguments, and what is read from `scontrol`.
final class SlurmJobOptionsTests: XCTestCase {
    func testOptionsBecomeSbatchArguments() {
        let options = SlurmJobOptions(
            partition: "gpu",
            time: "1:00:00",
            gpus: "1",
            cpus: 4,
            mem: "16G",
            account: "lab",
            extraArguments: ["--qos=high"]
        )
        XCTAssertEqual(
            options.sbatchArguments,
            [
                "--partition=gpu", "--time=1:00:00", "--gpus=1", "--cpus-per-task=4", "--mem=16G", "--account=lab",
                "--qos=high",
            ]
        )
        XCTAssertEqual(SlurmJobOptions().sbatchArguments, [])
        XCTAssertEqual(SlurmJobOptions.slurmTime(.seconds(90)), "0-00:02:00", "rounded up to whole minutes")
        XCTAssertEqual(SlurmJobOptions.slurmTime(.seconds(93_600)), "1-02:00:00")
        XCTAssertEqual(SlurmJobOptions.slurmTime(.seconds(1)), "0-00:01:00")
    }

    func testScontrolFieldsAreRead() {
        let fields = SlurmCommand.fields(
            "JobId=12 JobName=orion-x UserId=root(0) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15\n"
        )
        XCTAssertEqual(fields["JobState"], "TIMEOUT")
        XCTAssertEqual(fields["Reason"], "TimeLimit")
        XCTAssertEqual(fields["ExitCode"], "0:15")
    }
}
