import Foundation
import XCTest

@testable import OrionCommands

/// Oríon's global configuration files: site data (`.example`), site, user; later ones win.
final class ConfigurationLoaderGlobalFilesTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("globalcfg-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func testSearchPathIsOrionsWithDefaults() {
        XCTAssertEqual(
            ConfigurationLoader.globalConfigPaths(environment: ["HOME": "/home/u"]),
            [
                "/usr/local/share/orion.core/orion_config.yaml.example",
                "/etc/xdg/orion.core/orion_config.yaml",
                "/home/u/.config/orion.core/orion_config.yaml",
            ]
        )
    }

    func testOnlyTheFirstAbsoluteXDGEntryCounts() {
        let environment = [
            "HOME": "/home/u", "XDG_DATA_DIRS": "/d1/:/d2", "XDG_CONFIG_DIRS": "/c1:/c2", "XDG_CONFIG_HOME": "/cfg",
        ]
        XCTAssertEqual(
            ConfigurationLoader.globalConfigPaths(environment: environment),
            [
                "/d1/orion.core/orion_config.yaml.example",
                "/c1/orion.core/orion_config.yaml",
                "/cfg/orion.core/orion_config.yaml",
            ]
        )
        let relative = ["HOME": "/home/u", "XDG_DATA_DIRS": "share", "XDG_CONFIG_DIRS": ":/c2"]
        XCTAssertEqual(
            ConfigurationLoader.globalConfigPaths(environment: relative).prefix(2),
            ["/usr/local/share/orion.core/orion_config.yaml.example", "/etc/xdg/orion.core/orion_config.yaml"]
        )
    }

    func testLaterFilesWinKeyByKeyAndMissingFilesAreSkipped() throws {
        let environment = [
            "HOME": directory + "/home", "XDG_DATA_DIRS": directory + "/share",
            "XDG_CONFIG_DIRS": directory + "/etc",
        ]
        try write(
            directory + "/share/orion.core/orion_config.yaml.example",
            "experiment:\n  max_trials: 10\nworker:\n  n_workers: 2\n  heartbeat: 30\n"
        )
        try write(
            directory + "/etc/orion.core/orion_config.yaml",
            "experiment:\n  max_trials: 20\nworker:\n  n_workers: 3\n"
        )
        XCTAssertEqual(try ConfigurationLoader.globalLayers(environment: environment).count, 2)

        try write(directory + "/home/.config/orion.core/orion_config.yaml", "worker:\n  n_workers: 4\n")
        let configuration = ConfigurationLoader.resolve(try ConfigurationLoader.globalLayers(environment: environment))
        XCTAssertEqual(configuration.experiment.maxTrials, 20)
        XCTAssertEqual(configuration.worker.nWorkers, 4)
        XCTAssertEqual(configuration.worker.heartbeat, 30)
        XCTAssertTrue(
            configuration.sources["experiment.max_trials", default: ""].contains("/etc/orion.core/orion_config.yaml"),
            "\(configuration.sources)"
        )
    }

    func testAnInvalidGlobalFileIsAnErrorNamingIt() throws {
        let environment = ["HOME": directory + "/home", "XDG_CONFIG_DIRS": directory + "/etc"]
        try write(directory + "/etc/orion.core/orion_config.yaml", "experiment:\n  max_trails: 20\n")
        XCTAssertThrowsError(try ConfigurationLoader.globalLayers(environment: environment)) { error in
            XCTAssertTrue("\(error)".contains(directory + "/etc/orion.core/orion_config.yaml"), "\(error)")
        }
    }
}
