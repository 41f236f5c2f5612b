import Foundation
import OrionCore
import XCTest

@testable import OrionWorker

final class UserCommandConfigFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("configfile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = directory + "/train.py"
        XCTAssertTrue(FileManager.default.createFile(atPath: script, contents: Data("#!/bin/sh\n".utf8)))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        try "lr: 'orion~loguniform(1e-4, 1)'\nepochs: 3\n".write(
            toFile: directory + "/train.yaml",
            atomically: true,
            encoding: .utf8
        )
        try "{\"lr\": 0.1}".write(toFile: directory + "/plain.json", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func command(_ arguments: [String], option: String = "config") throws -> UserCommand {
        try UserCommand(
            arguments: ["./train.py"] + arguments,
            currentDirectory: directory,
            environmentPath: nil,
            configOption: option
        )
    }

    private let context = TemplateContext(
        trialID: "t1",
        trialWorkingDir: "/work/exp/t1",
        trialHashParams: "h",
        trialLegacyID: "legacy",
        experimentID: "e1",
        experimentName: "exp",
        experimentVersion: 1,
        experimentWorkingDir: "/work/exp"
    )

    private let values = Parameters([
        Trial.Param(name: "/lr", type: .real, value: .double(0.01)),
        Trial.Param(name: "/x", type: .real, value: .double(0.5)),
    ])

    func testTheFilesPriorsJoinTheCommandsAndTheArgumentPointsAtTheCopy() throws {
        let command = try command(["--config", "train.yaml", "-x~uniform(0, 1)"])
        XCTAssertEqual(command.priors, ["/lr": "loguniform(1e-4, 1)", "/x": "uniform(0, 1)"])
        XCTAssertEqual(command.configTemplate?.path, directory + "/train.yaml")
        XCTAssertEqual(
            try command.render(values: values, context: context),
            [directory + "/train.py", "--config", "/work/exp/t1/orion.train.yaml", "-x", "0.5"]
        )
        let file = try XCTUnwrap(try command.renderConfigFile(values: values, directory: "/work/exp/t1"))
        XCTAssertEqual(file.path, "/work/exp/t1/orion.train.yaml")
        XCTAssertEqual(file.text, "lr: 0.01\nepochs: 3\n")
    }

    func testWriteConfigFilePutsTheCopyInTheTrialsDirectory() throws {
        let trialDirectory = directory + "/trial"
        try FileManager.default.createDirectory(atPath: trialDirectory, withIntermediateDirectories: true)
        try command(["--config", "train.yaml"]).writeConfigFile(values: values, directory: trialDirectory)
        XCTAssertEqual(
            try String(contentsOfFile: trialDirectory + "/orion.train.yaml", encoding: .utf8),
            "lr: 0.01\nepochs: 3\n"
        )
        XCTAssertThrowsError(
            try command(["--config", "train.yaml"]).writeConfigFile(values: values, directory: directory + "/missing")
        ) { error in
            XCTAssertEqual((error as? CommandError)?.code, .configFile)
        }
        // No template: nothing is written.
        try command(["--config", "plain.json"]).writeConfigFile(values: values, directory: trialDirectory)
        XCTAssertFalse(FileManager.default.fileExists(atPath: trialDirectory + "/plain.json"))
    }

    func testEqualsFormAndAnotherOptionName() throws {
        let equals = try command(["--config=train.yaml"])
        XCTAssertEqual(
            try equals.render(values: values, context: context),
            [directory + "/train.py", "--config=/work/exp/t1/orion.train.yaml"]
        )
        let renamed = try command(["--cfg", "train.yaml", "--config", "other.txt"], option: "cfg")
        XCTAssertEqual(renamed.priors, ["/lr": "loguniform(1e-4, 1)"])
        XCTAssertEqual(
            try renamed.render(values: values, context: context),
            [directory + "/train.py", "--cfg", "/work/exp/t1/orion.train.yaml", "--config", "other.txt"]
        )
    }

    func testFilesWithoutPriorsOrNotYAMLArePassedAsWritten() throws {
        for arguments in [
            ["--config", "plain.json", "-x~uniform(0, 1)"], ["--config", "notes.txt", "-x~uniform(0, 1)"],
        ] {
            let command = try command(arguments)
            XCTAssertNil(command.configTemplate)
            XCTAssertEqual(try command.render(values: values, context: context)[2], arguments[1])
            XCTAssertNil(try command.renderConfigFile(values: values, directory: "/tmp"))
        }
    }

    /// The option given twice when a file holds priors: the search would fill in the first file while the script's
    /// parser reads the last (hAY's probe: every trial ran without its values). Files without priors pass as written
    /// (a script that takes a list of files).
    func testTheOptionGivenTwiceWithPriorsIsRefused() throws {
        for arguments in [
            ["--config", "train.yaml", "--config", "plain.json"], ["--config=plain.json", "--config", "train.yaml"],
        ] {
            XCTAssertThrowsError(try command(arguments)) { error in
                XCTAssertEqual((error as? CommandError)?.code, .duplicateDimension)
                XCTAssertTrue("\(error)".contains("given twice"), "\(error)")
                XCTAssertTrue("\(error)".contains("'train.yaml' holds priors"), "\(error)")
            }
        }
        // An experiment stored so (by an earlier version) is refused when resumed with its stored command line: its
        // trials would go on running without their values (hBB's re-check).
        XCTAssertThrowsError(
            try UserCommand(
                arguments: ["./train.py", "--config", "train.yaml", "--config", "plain.json"],
                currentDirectory: directory,
                environmentPath: nil,
                storedConfigText: "lr: 'orion~loguniform(1e-4, 1)'\n"
            )
        ) { error in
            XCTAssertTrue("\(error)".contains("'train.yaml' holds priors"), "\(error)")
        }
        let plain = try command(["--config", "plain.json", "--config", "plain.json", "-x~uniform(0, 1)"])
        XCTAssertNil(plain.configTemplate)
        XCTAssertEqual(
            try plain.render(values: values, context: context),
            [directory + "/train.py", "--config", "plain.json", "--config", "plain.json", "-x", "0.5"]
        )
    }

    func testConflictsAndMissingFilesAreErrors() {
        XCTAssertThrowsError(try command(["--config", "train.yaml", "--lr~uniform(0, 1)"])) { error in
            XCTAssertEqual((error as? CommandError)?.code, .duplicateDimension)
        }
        XCTAssertThrowsError(try command(["--config", "missing.yaml"])) { error in
            XCTAssertEqual((error as? CommandError)?.code, .configFile)
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
    }
}
