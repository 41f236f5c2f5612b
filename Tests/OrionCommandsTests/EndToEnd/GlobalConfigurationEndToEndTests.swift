import Foundation
import OrionCore
import OrionTesting
import XCTest

/// `orion hunt` reads Oríon's global configuration files, in Oríon's order, below the environment and the flags.
final class GlobalConfigurationEndToEndTests: XCTestCase {
    func testSiteAndUserFilesThenEnvironmentThenFlags() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let site = sandbox.directory + "/etc/orion.core"
        let user = sandbox.directory + "/home/.config/orion.core"
        for directory in [site, user] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try "experiment:\n  max_trials: 2\n  max_broken: 7\n".write(
            toFile: site + "/orion_config.yaml",
            atomically: true,
            encoding: .utf8
        )
        try "experiment:\n  max_trials: 3\n".write(
            toFile: user + "/orion_config.yaml",
            atomically: true,
            encoding: .utf8
        )
        var environment = sandbox.environment
        environment["XDG_CONFIG_DIRS"] = sandbox.directory + "/etc"
        environment["XDG_DATA_DIRS"] = sandbox.directory + "/share"
        environment["HOME"] = sandbox.directory + "/home"
        environment.removeValue(forKey: "XDG_CONFIG_HOME")
        environment.removeValue(forKey: "ORION_EXP_MAX_TRIALS")
        let arguments = [try Compat.script("noop.sh"), "-x~uniform(0, 1)"]
        func hunt(_ name: String, _ options: [String], _ extra: [String: String] = [:]) async throws -> Int {
            let output = try ProcessRunner.run(
                [sandbox.orion, "hunt", "-n", name] + options + arguments,
                environment: environment.merging(extra) { $1 },
                currentDirectory: sandbox.directory,
                timeout: 60
            )
            XCTAssertEqual(output.status, 0, output.stderr)
            return try await sandbox.trials(of: name).filter { $0.status == .completed }.count
        }
        let fromUser = try await hunt("user", [])
        XCTAssertEqual(fromUser, 3, "the user's file wins over the site file")
        let fromEnvironment = try await hunt("env", [], ["ORION_EXP_MAX_TRIALS": "4"])
        XCTAssertEqual(fromEnvironment, 4, "the environment wins over the files")
        let fromFlag = try await hunt("flag", ["--exp-max-trials", "1"], ["ORION_EXP_MAX_TRIALS": "4"])
        XCTAssertEqual(fromFlag, 1, "the flag wins over everything")
        let storage = try sandbox.storage()
        let found = try await storage.experiment(named: "user", version: nil)
        XCTAssertEqual(found?.maxBroken, 7, "keys the user's file does not give come from the site file")
    }
}
