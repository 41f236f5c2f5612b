import Foundation
import XCTest

@testable import OrionCommands

/// `orion serve`'s address from Oríon's `gunicorn.bind`, in the forms gunicorn takes (probe p44b).
final class WebSettingsTests: XCTestCase {
    func testGunicornsBindForms() throws {
        let source = "gunicorn.bind in s.yaml"
        XCTAssertEqual(try WebSettings.parseBind("127.0.0.1:8001", source: source).1, 8001)
        XCTAssertEqual(try WebSettings.parseBind("localhost", source: source).1, 8000)
        let ipv6 = try WebSettings.parseBind("[::1]:8002", source: source)
        XCTAssertEqual([ipv6.0, String(ipv6.1)], ["::1", "8002"])
        let tcp = try WebSettings.parseBind("tcp://127.0.0.1:8003", source: source)
        XCTAssertEqual([tcp.0, String(tcp.1)], ["127.0.0.1", "8003"])
        let every = try WebSettings.parseBind(":8004", source: source)
        XCTAssertEqual([every.0, String(every.1)], ["0.0.0.0", "8004"])
        XCTAssertThrowsError(try WebSettings.parseBind("unix:/tmp/s.sock", source: source)) { error in
            XCTAssertEqual("\(error)".contains("unix sockets are not supported"), true, "\(error)")
        }
        XCTAssertThrowsError(try WebSettings.parseBind(":", source: source)) { error in
            XCTAssertFalse("\(error)".contains("unix"), "\(error)")
        }
    }

    func testABindListIsServedOnItsFirstAddressWithANote() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "gunicorn:\n  bind: ['127.0.0.1:8011', '127.0.0.1:8012']\n".write(
            toFile: file,
            atomically: true,
            encoding: .utf8
        )
        let settings = try WebSettings.resolve(file: file, environment: [:], host: nil, port: nil, frontendsURI: nil)
        XCTAssertEqual(settings.port, 8011)
        XCTAssertEqual(
            settings.notes,
            ["gunicorn.bind in \(file) lists 2 addresses; orion serve listens on the first, 127.0.0.1:8011"]
        )
    }
}
