import Foundation
import OrionCore
import XCTest

final class TextFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("textfile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func problem(_ path: String) -> String? {
        do {
            _ = try TextFile.read(path)
            return nil
        } catch {
            return error.reason
        }
    }

    func testRegularFilesPipesAndDevices() throws {
        let path = directory + "/c.yaml"
        try "experiment:\n  max_trials: 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TextFile.read(path), "experiment:\n  max_trials: 3\n")
        // `-c /dev/null`: an empty configuration.
        XCTAssertEqual(try TextFile.read("/dev/null"), "")
        // `-c <(...)`: a pipe, read to its end.
        let pipe = Pipe()
        let text = String(repeating: "a: 1\n", count: 30_000)
        let writer = Thread {
            pipe.fileHandleForWriting.write(Data(text.utf8))
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        XCTAssertEqual(try TextFile.read("/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)"), text)
    }

    func testProblemsAreSaidInWords() throws {
        XCTAssertEqual(problem(directory + "/missing.yaml"), "does not exist")
        XCTAssertEqual(problem(directory), "is a directory")
        let binary = directory + "/latin1.yaml"
        try Data([0x61, 0x3A, 0x20, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: binary))
        XCTAssertEqual(problem(binary), "is not UTF-8 text")
    }
}
