import Foundation
import OrionCore
import XCTest

@testable import OrionCommands

/// The settings table: the documentation and the flags derive from it, and every source applies one check.
final class SettingTests: XCTestCase {
    /// docs/configuration.md's table is the one generated from `Setting.all` (`ORION_UPDATE_DOCS=1` rewrites it).
    func testDocumentationTableIsGeneratedFromTheDeclarations() throws {
        let url = URL(fileURLWithPath: "\(#filePath)")
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
        let page = try String(contentsOf: url, encoding: .utf8)
        let generated = Setting.markdownBegin + "\n" + Setting.markdownTable() + Setting.markdownEnd
        let begin = try XCTUnwrap(page.range(of: Setting.markdownBegin), "no generated table in \(url.path)")
        let end = try XCTUnwrap(page.range(of: Setting.markdownEnd, range: begin.upperBound..<page.endIndex))
        let current = String(page[begin.lowerBound..<end.upperBound])
        if current != generated, ProcessInfo.processInfo.environment["ORION_UPDATE_DOCS"] == "1" {
            try page.replacingCharacters(in: begin.lowerBound..<end.upperBound, with: generated)
                .write(to: url, atomically: true, encoding: .utf8)
            return
        }
        XCTAssertEqual(current, generated, "docs/configuration.md is stale: run ORION_UPDATE_DOCS=1 swift test")
    }

    func testKeysAreUniqueAndNamedBySection() {
        let keys = Setting.all.map(\.key)
        XCTAssertEqual(Set(keys).count, keys.count)
        for setting in Setting.all {
            XCTAssertTrue(["experiment", "worker", "storage", "evc"].contains(setting.section), setting.key)
            XCTAssertFalse(setting.name.isEmpty, setting.key)
            XCTAssertFalse(setting.summary.isEmpty, setting.key)
        }
        let flags = Setting.all.flatMap(\.flags)
        XCTAssertEqual(Set(flags).count, flags.count)
        let variables = Setting.all.flatMap { $0.deprecatedVariables + ($0.variable.map { [$0] } ?? []) }
        XCTAssertEqual(Set(variables).count, variables.count)
    }

    /// Every flag of the table is declared by `hunt` (no setting forgotten in HuntOptions or ExperimentOptions), and
    /// each one, aliases included, sets its own setting.
    func testEveryFlagOfTheTableSetsItsSetting() throws {
        for setting in Setting.all {
            for flag in setting.flags {
                let value = setting.key == "experiment.user" ? "alice" : setting.example
                let given = setting.kind == .boolean ? [flag] : [flag, value]
                let hunt = try Hunt.parse(given + ["./train.py", "-x~uniform(0, 1)"])
                let layer = try ConfigurationLoader.layer(fromFlags: hunt.options.settings + hunt.huntOptions.settings)
                XCTAssertEqual(layer.sources, [setting.key: "flag \(setting.flag ?? "")"], flag)
                XCTAssertEqual(hunt.userArguments, ["./train.py", "-x~uniform(0, 1)"], flag)
            }
        }
        let bare = try Hunt.parse(["./train.py"])
        let declared = Set((bare.options.settings + bare.huntOptions.settings).map(\.key))
        XCTAssertEqual(declared, Set(Setting.all.filter { !$0.flags.isEmpty }.map(\.key)))
    }

    // MARK: - The new setting, worker.trial_timeout, through the table

    func testTrialTimeoutFromEverySource() throws {
        XCTAssertNil(ConfigurationLoader.resolve([]).worker.trialTimeout)
        let file = try ConfigurationLoader.layer(fromYAML: "worker:\n  trial_timeout: 90\n", path: "/x/orion.yaml")
        let environment = try ConfigurationLoader.layer(fromEnvironment: ["ORION_TRIAL_TIMEOUT": "2.5"])
        let flags = try ConfigurationLoader.layer(fromFlags: [("worker.trial_timeout", "30")])

        XCTAssertEqual(ConfigurationLoader.resolve([file]).worker.trialTimeout, .seconds(90))
        XCTAssertEqual(ConfigurationLoader.resolve([environment]).worker.trialTimeout, .milliseconds(2500))
        let all = ConfigurationLoader.resolve([environment, file, flags])
        XCTAssertEqual(all.worker.trialTimeout, .seconds(30))
        XCTAssertEqual(all.sources["worker.trial_timeout"], "flag --trial-timeout")
        let noFlag = ConfigurationLoader.resolve([environment, file])
        XCTAssertEqual(noFlag.worker.trialTimeout, .seconds(90))
        XCTAssertEqual(noFlag.sources["worker.trial_timeout"], "file /x/orion.yaml:2:3")
    }

    func testTrialTimeoutIsChecked() {
        XCTAssertEqual(
            flagMessage("worker.trial_timeout", "0"),
            "flag --trial-timeout must be a number of seconds > 0, not 0; pass e.g. --trial-timeout 3600"
        )
        XCTAssertEqual(
            environmentMessage(["ORION_TRIAL_TIMEOUT": "forever"]),
            "environment variable ORION_TRIAL_TIMEOUT must be a number of seconds, not 'forever';"
                + " set e.g. ORION_TRIAL_TIMEOUT=3600"
        )
    }

    // MARK: - Issue 9, item 4: tiny durations

    /// `--heartbeat 0.0001` became a 0 ms heartbeat (every trial lost at once, scripts run three times over).
    func testDurationsBelowTheMinimumAreRejectedFromEverySource() {
        XCTAssertEqual(
            flagMessage("worker.heartbeat", "0.0001"),
            "flag --heartbeat must be from 0.1 to 31536000 seconds (365 days), not 0.0001; pass e.g. --heartbeat 120"
        )
        XCTAssertEqual(
            environmentMessage(["ORION_HEARTBEAT": "0.0001"]),
            "environment variable ORION_HEARTBEAT must be from 0.1 to 31536000 seconds (365 days), not 0.0001;"
                + " set e.g. ORION_HEARTBEAT=120"
        )
        XCTAssertEqual(
            yamlMessage("worker:\n  heartbeat: 0.0001\n"),
            "/x/orion.yaml:2:14: 'worker.heartbeat' must be from 0.1 to 31536000 seconds (365 days), not 0.0001;"
                + " write e.g. `heartbeat: 120`"
        )
        XCTAssertEqual(
            flagMessage("worker.idle_timeout", "0.05"),
            "flag --idle-timeout must be from 0.1 to 31536000 seconds (365 days), not 0.05;"
                + " pass e.g. --idle-timeout 60"
        )
        XCTAssertEqual(
            try ConfigurationLoader.resolve([ConfigurationLoader.layer(fromFlags: [("worker.heartbeat", "0.1")])])
                .worker.heartbeatDuration,
            .milliseconds(100)
        )
    }

    /// A value of Oríon's `--max-idle-time` was blamed on `--idle-timeout`, a flag the user had not typed.
    func testAFlagIsNamedAsTyped() {
        XCTAssertEqual(
            flagMessage("worker.idle_timeout", "abc", arguments: ["orion", "hunt", "--max-idle-time", "abc"]),
            "flag --max-idle-time must be a number of seconds, not 'abc'; pass e.g. --max-idle-time 60"
        )
        XCTAssertEqual(
            flagMessage("worker.idle_timeout", "-3", arguments: ["orion", "hunt", "--max-idle-time=-3"]),
            "flag --max-idle-time must be a number of seconds > 0, not -3; pass e.g. --max-idle-time 60"
        )
        XCTAssertEqual(
            flagMessage("experiment.max_trials", "x", arguments: ["orion", "hunt", "--max-trials", "x"]),
            "flag --max-trials must be an integer, not 'x'; pass e.g. --max-trials 100"
        )
        XCTAssertEqual(
            flagMessage("worker.idle_timeout", "abc", arguments: ["orion", "hunt", "./s.py", "--idle-timeoutX"]),
            "flag --idle-timeout must be a number of seconds, not 'abc'; pass e.g. --idle-timeout 60"
        )
    }

    // MARK: - Issue 9, item 7: non-finite and huge durations trapped

    /// `Int64(seconds * 1000)` trapped on `inf`, `nan`, `1e300`, `1e17`: now one error naming the source.
    func testNonFiniteAndHugeDurationsAreErrorsNotTraps() {
        XCTAssertEqual(
            flagMessage("worker.heartbeat", "inf"),
            "flag --heartbeat must be a number of seconds, not 'inf'; pass e.g. --heartbeat 120"
        )
        XCTAssertEqual(
            flagMessage("worker.heartbeat", "nan"),
            "flag --heartbeat must be a number of seconds, not 'nan'; pass e.g. --heartbeat 120"
        )
        XCTAssertEqual(
            flagMessage("worker.heartbeat", "1e300"),
            "flag --heartbeat must be from 0.1 to 31536000 seconds (365 days), not 1e300; pass e.g. --heartbeat 120"
        )
        XCTAssertEqual(
            flagMessage("worker.idle_timeout", "1e17"),
            "flag --idle-timeout must be from 0.1 to 31536000 seconds (365 days), not 1e17;"
                + " pass e.g. --idle-timeout 60"
        )
        XCTAssertEqual(
            environmentMessage(["ORION_HEARTBEAT": "inf"]),
            "environment variable ORION_HEARTBEAT must be a number of seconds, not 'inf'; set e.g. ORION_HEARTBEAT=120"
        )
        XCTAssertEqual(
            environmentMessage(["ORION_IDLE_TIMEOUT": "1e17"]),
            "environment variable ORION_IDLE_TIMEOUT must be from 0.1 to 31536000 seconds (365 days), not 1e17;"
                + " set e.g. ORION_IDLE_TIMEOUT=60"
        )
        XCTAssertEqual(
            yamlMessage("worker:\n  heartbeat: .inf\n"),
            "/x/orion.yaml:2:14: 'worker.heartbeat' must be a number of seconds, not inf; write e.g. `heartbeat: 120`"
        )
        XCTAssertEqual(
            yamlMessage("worker:\n  heartbeat: .nan\n"),
            "/x/orion.yaml:2:14: 'worker.heartbeat' must be a number of seconds, not nan; write e.g. `heartbeat: 120`"
        )
        XCTAssertEqual(
            yamlMessage("worker:\n  idle_timeout: 1e17\n"),
            "/x/orion.yaml:2:17: 'worker.idle_timeout' must be from 0.1 to 31536000 seconds (365 days), not 1e17;"
                + " write e.g. `idle_timeout: 60`"
        )
        // The largest accepted value converts without trapping.
        let longest = ConfigurationLoader.resolve([
            (try? ConfigurationLoader.layer(fromFlags: [("worker.idle_timeout", "31536000")])) ?? ConfigurationLayer()
        ])
        XCTAssertEqual(longest.worker.idleTimeoutDuration, .seconds(31_536_000))
        // A configuration built by hand with a value out of range is brought within bounds, not trapped on.
        XCTAssertEqual(OrionConfiguration.WorkerSection(heartbeat: .infinity).heartbeatDuration, .seconds(31_536_000))
        XCTAssertEqual(OrionConfiguration.WorkerSection(heartbeat: .nan).heartbeatDuration, .milliseconds(100))
    }

    // MARK: - Helpers

    private func flagMessage(_ key: String, _ text: String, arguments: [String] = []) -> String? {
        do {
            _ = try ConfigurationLoader.layer(fromFlags: [(key, text)], arguments: arguments)
            return nil
        } catch {
            return error.message
        }
    }

    private func environmentMessage(_ environment: [String: String]) -> String? {
        do {
            _ = try ConfigurationLoader.layer(fromEnvironment: environment)
            return nil
        } catch {
            return error.message
        }
    }

    private func yamlMessage(_ yaml: String) -> String? {
        do {
            _ = try ConfigurationLoader.layer(fromYAML: yaml, path: "/x/orion.yaml")
            return nil
        } catch {
            return error.message
        }
    }
}
