import Foundation
import OrionCore
import XCTest

@testable import OrionServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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

    /// `orion frontend` answers its assets as `orion serve` does: plotly.js missing from the build is a 404, which the
    /// page reads as "not available in this build" (it was a 500, which the page retried as a failed load; hBD's
    /// probe), and `HEAD /` answers as `GET /`.
    func testTheFrontendAnswersItsAssetsAsTheAPIServerDoes() async throws {
        let frontend = try FrontendServer(host: "127.0.0.1", port: 0, backend: "http://127.0.0.1:8000")
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await frontend.run { port in continuation.yield(port) } }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        let started = await iterator.next()
        let port = try XCTUnwrap(started)
        func status(_ path: String, _ method: String) async throws -> Int {
            var request = URLRequest(url: try XCTUnwrap(URL(string: "http://127.0.0.1:\(port)\(path)")))
            request.httpMethod = method
            let (_, response) = try await URLSession.shared.data(for: request)
            return try XCTUnwrap(response as? HTTPURLResponse).statusCode
        }
        let api = try await RunningServer(storage: InMemoryStorage())
        defer { Task { await api.stop() } }
        let served = try await api.get("/dashboard/plotly.min.js").status
        XCTAssertTrue([200, 404].contains(served), "\(served)")
        for method in ["GET", "HEAD"] {
            let plotly = try await status("/dashboard/plotly.min.js", method)
            XCTAssertEqual(plotly, served, method)
            let page = try await status("/", method)
            XCTAssertEqual(page, 200, method)
        }
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
