import Foundation
import OrionCore
import OrionWorker
import XCTest

/// The job array of `orion hunt --slurm-array N` (it runs for real in `SlurmEndToEndTests`).
final class SlurmArrayTests: XCTestCase {
    func testTheArrayRunsTheHuntWithoutItsArrayOption() {
        XCTAssertEqual(
            SlurmArray.workerArguments(["hunt", "--slurm-array", "4", "-n", "x", "./t.sh", "-x~uniform(0, 1)"]),
            ["hunt", "-n", "x", "./t.sh", "-x~uniform(0, 1)"]
        )
        XCTAssertEqual(
            SlurmArray.workerArguments(["hunt", "--slurm-array=4", "-n", "x", "--", "./t.sh", "--slurm-array", "1"]),
            ["hunt", "-n", "x", "--", "./t.sh", "--slurm-array", "1"],
            "the script's own arguments are left alone"
        )
        let array = SlurmArray(
            workers: 3,
            command: ["/usr/bin/orion", "hunt", "-n", "it's"],
            directory: "/home/me",
            jobName: "orion-x",
            outputPattern: "/w/slurm-array-%A_%a.log",
            options: SlurmJobOptions(partition: "cpu")
        )
        XCTAssertEqual(
            array.script,
            """
            #!/bin/sh
            # Written by orion hunt --slurm-array: 3 workers of one hunt, sharing its storage.
            #SBATCH --job-name=orion-x
            #SBATCH --array=0-2
            #SBATCH --output=/w/slurm-array-%A_%a.log
            #SBATCH --chdir=/home/me
            #SBATCH --export=ALL
            #SBATCH --partition=cpu
            exec '/usr/bin/orion' 'hunt' '-n' 'it'\\''s'

            """
        )
    }

    // MARK: - With a real Slurm
}
