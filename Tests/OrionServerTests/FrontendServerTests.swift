import Foundation
import OrionCore
import XCTest

@testable import OrionServer

final class FrontendServerTests: XCTestCase {
    func testBackendMustBeAnHTTPOrigin() throws {
        XCTAssertEqual(try FrontendServer(backend: "http://127.0.0.1:8000//").backend, "http://127.0.0.1:8000")
        XCTAssertEqual(try FrontendServer(backend: "https://api.example/orion").backend, "https://api.example/orion")
        for bad in ["127.0.0.1:8000", "file:///tmp/x", "http://", "http://h:1/#top", ""] {
            XCTAssertThrowsError(try FrontendServer(backend: bad), bad) { error in
                XCTAssertEqual(error as? FrontendServer.BackendError, FrontendServer.BackendError(address: bad))
            }
        }
    }

    func testPageSetsTheBackendBeforeTheScript() throws {
        XCTAssertEqual(Dashboard.pageText(backend: nil), DashboardAssets.page, "same origin: the page unchanged")
        let page = Dashboard.pageText(backend: "http://127.0.0.1:8000")
        let line = "<script>window.__ORION_BACKEND__ = \"http://127.0.0.1:8000\";</script>\n"
        XCTAssertEqual(page, DashboardAssets.page.replacingOccurrences(of: "<script src", with: line + "<script src"))
    }

    /// The backend sits in a `<script>` element: nothing in it may end the element or the string.
    func testScriptStringEscapesWhatCouldEndTheScript() {
        XCTAssertEqual(Dashboard.scriptString("http://h:1"), #""http://h:1""#)
        XCTAssertEqual(
            Dashboard.scriptString("a\"b\\c</script><x>&\n\u{2028}é"),
            #""a\"b\\c\u003c/script\u003e\u003cx\u003e\u0026\n\u2028\u00e9""#
        )
    }
}

final class ListenErrorTests: XCTestCase {
    /// A second server on a port already taken says so in one line (it printed the socket layer's
    /// `bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)`); so do an address that is not this
    /// machine's and an unknown host name, which are the user's mistake (exit 2).
    func testAnAddressThatCannotBeBoundIsSaidPlainly() async throws {
        let first = try await RunningServer(storage: InMemoryStorage())
        defer { Task { await first.stop() } }
        let cases: [(host: String, port: Int, says: String, kind: ErrorKind)] = [
            ("127.0.0.1", first.port, "cannot listen on 127.0.0.1:\(first.port): the port is in use", .unavailable),
            ("192.0.2.1", 0, "cannot listen on 192.0.2.1:0: the address is not one of this machine's", .usage),
            ("no-such-host.invalid", 0, "cannot listen on no-such-host.invalid:0: the host name is unknown", .usage),
        ]
        for (host, port, says, kind) in cases {
            let server = APIServer(
                storage: InMemoryStorage(),
                configuration: ServerConfiguration(host: host, port: port)
            )
            let frontend = try FrontendServer(host: host, port: port, backend: "http://127.0.0.1:8000")
            for run in [{ try await server.run() }, { try await frontend.run() }] {
                do {
                    try await run()
                    XCTFail("\(host):\(port) was bound")
                } catch let error as ListenError {
                    XCTAssertTrue(error.message.hasPrefix(says), error.message)
                    XCTAssertEqual(error.kind, kind, error.message)
                }
            }
        }
    }
}
