import OrionCore
import XCTest

@testable import OrionCommands

/// Parsing `orion hunt`'s flags: values are text, checked by the settings table like files and variables.
final class HuntOptionsTests: XCTestCase {
    private func flagsLayer(_ arguments: [String]) throws -> ConfigurationLayer {
        let hunt = try Hunt.parse(arguments + ["./train.py", "-x~uniform(0, 1)"])
        return try ConfigurationLoader.layer(fromFlags: hunt.options.settings + hunt.huntOptions.settings)
    }

    private func message(_ arguments: [String]) -> String? {
        do {
            _ = try flagsLayer(arguments)
            return nil
        } catch let error as ConfigurationError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    func testValuesAreParsedIntoTheirSettings() throws {
        let layer = try flagsLayer([
            "-n", "exp", "--max-trials", "10", "--n-workers", "2", "--heartbeat", "0.5", "--idle-timeout", "3",
            "--interrupt-signal-code", "99", "--trial-timeout", "1.5", "--working-dir", "runs",
        ])
        let configuration = ConfigurationLoader.resolve([layer])
        XCTAssertEqual(configuration.experiment.name, "exp")
        XCTAssertEqual(configuration.experiment.maxTrials, 10)
        XCTAssertEqual(configuration.experiment.workingDir, "runs")
        XCTAssertEqual(configuration.worker.nWorkers, 2)
        XCTAssertEqual(configuration.worker.heartbeat, 0.5)
        XCTAssertEqual(configuration.worker.idleTimeout, 3)
        XCTAssertEqual(configuration.worker.interruptSignalCode, 99)
        XCTAssertEqual(configuration.worker.trialTimeout, .milliseconds(1500))
        XCTAssertEqual(configuration.sources["experiment.max_trials"], "flag --exp-max-trials")
        XCTAssertEqual(configuration.sources["worker.trial_timeout"], "flag --trial-timeout")
    }

    /// Issue 9, item 13: flags skipped the range checks that files and variables get.
    func testFlagsAreCheckedLikeFilesAndVariables() {
        XCTAssertEqual(
            message(["--n-workers", "0"]),
            "flag --n-workers must be an integer >= 1, not 0; pass e.g. --n-workers 4"
        )
        XCTAssertEqual(
            message(["--idle-timeout", "0"]),
            "flag --idle-timeout must be a number of seconds > 0, not 0; pass e.g. --idle-timeout 60"
        )
        XCTAssertEqual(
            message(["--interrupt-signal-code", "0"]),
            "flag --interrupt-signal-code must be an integer from 1 to 255, not 0; pass e.g. --interrupt-signal-code 130"
        )
        XCTAssertEqual(
            message(["--worker-max-broken", "0"]),
            "flag --worker-max-broken must be an integer >= 1, not 0; pass e.g. --worker-max-broken 3"
        )
        XCTAssertEqual(
            message(["--exp-max-trials", "many"]),
            "flag --exp-max-trials must be an integer, not 'many'; pass e.g. --exp-max-trials 100"
        )
        XCTAssertEqual(
            message(["-v", "0"]),
            "flag --version must be an integer >= 1, not 0; pass e.g. --version 1"
        )
    }

    /// Issue 9, item 13: `--heartbeat -1` said "Missing value"; a negative number is a value, then refused.
    func testNegativeNumbersAreValues() throws {
        let hunt = try Hunt.parse(["--heartbeat", "-1", "--max-trials", "-5", "./train.py"])
        XCTAssertEqual(hunt.huntOptions.heartbeat, "-1")
        XCTAssertEqual(hunt.huntOptions.expMaxTrials, "-5")
        XCTAssertEqual(hunt.userArguments, ["./train.py"])
        XCTAssertEqual(
            message(["--heartbeat", "-1"]),
            "flag --heartbeat must be a number of seconds > 0, not -1; pass e.g. --heartbeat 120"
        )
        XCTAssertEqual(
            message(["--max-trials", "-5"]),
            "flag --exp-max-trials must be an integer >= 0, not -5; pass e.g. --exp-max-trials 100"
        )
    }

    /// Issue 9, item 14: names that could leave the working directory are refused at the flag.
    func testExperimentNamesAreChecked() {
        XCTAssertEqual(
            message(["-n", "../../../../tmp/x"]),
            "flag --name is not a valid experiment name: '../../../../tmp/x' contains '/' (use 1 to 200 bytes"
                + " of letters, digits, spaces and _ - . + = @, starting with a letter, a digit or _); pass e.g. --name my-exp"
        )
        XCTAssertNotNil(message(["-n", "a\nb"]))
        XCTAssertNotNil(message(["-n", ""]))
        XCTAssertNotNil(message(["-n", String(repeating: "a", count: 300)]))
    }

    func testHelpComesFromTheTable() {
        let help = Hunt.helpMessage()
        XCTAssertTrue(help.contains("--trial-timeout <seconds>"), help)
        XCTAssertTrue(help.contains("[env ORION_TRIAL_TIMEOUT]"), help)
        XCTAssertTrue(help.contains("--idle-timeout, --max-idle-time <seconds>"), help)
        XCTAssertTrue(help.contains("-n, --name <name>"), help)
    }
}
