import Foundation
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
