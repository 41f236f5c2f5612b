import Foundation
import OrionCore
import OrionSQLite
import OrionServer
import XCTest

/// Where Oríon 0.2.7's server was run beside ours on the same requests (docs/serving.md): number types, error
/// texts and headers, the routes that ignore their query, and an experiment's completion figures.
final class APIServerCompatibilityTests: XCTestCase {
    var directory = ""
    var storage: SQLiteStorage?
    var server: RunningServer?

    override func setUp() async throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        try await ServerFixture.seed(storage, name: "demo", count: 30)
        self.storage = storage
        server = try await RunningServer(storage: storage)
    }

    override func tearDown() async throws {
        await server?.stop()
        try await storage?.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private var api: RunningServer { get throws { try XCTUnwrap(server) } }

    /// A whole objective is `2.0` as Python writes a float, not `2`; an integer parameter stays `3`.
    func testWholeDoublesKeepTheirDecimalPoint() async throws {
        let ids = try await api.get("/trials/demo?status=completed").array().compactMap {
            ($0 as? [String: Any])?["id"] as? String
        }
        let id = try XCTUnwrap(ids.first)
        let text = try await api.get("/trials/demo/\(id)").text
        XCTAssertNotNil(text.range(of: #""objective":[0-9]+\.0[,}]"#, options: .regularExpression), text)
        XCTAssertTrue(text.contains(#""net":{"depth":3}"#), text)
        XCTAssertTrue(text.contains(#""opt/lr":0.001"#), text)
        let experiment = try await api.get("/experiments/demo").text
        XCTAssertNil(experiment.range(of: #""objective":[0-9]+[,}]"#, options: .regularExpression), experiment)
    }

    /// An HTTP/1.0 request without `Connection: keep-alive` ends its connection after the response, as gunicorn does
    /// under Oríon (probe p44b: a client reading to the end waited forever); one with it, or an HTTP/1.1 request,
    /// keeps it; pipelined requests are answered in order, only the last one marked `close`.
    func testAnHTTP10ConnectionEndsAfterItsResponse() async throws {
        let plain = try api.exchange("GET / HTTP/1.0\r\n\r\n", waitingAtMost: 10)
        XCTAssertTrue(plain.closed, plain.text)
        XCTAssertTrue(plain.text.hasPrefix("HTTP/1.1 200 OK\r\n"), plain.text)
        XCTAssertTrue(plain.text.lowercased().contains("\r\nconnection: close\r\n"), plain.text)
        XCTAssertTrue(plain.text.hasSuffix("\"server\":\"hummingbird\"}"), plain.text)
        let kept = try api.exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", waitingAtMost: 1)
        XCTAssertFalse(kept.closed, kept.text)
        XCTAssertTrue(kept.text.hasPrefix("HTTP/1.1 200 OK\r\n"), kept.text)
        let pipelined = try api.exchange(
            "GET /experiments HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            waitingAtMost: 10
        )
        XCTAssertTrue(pipelined.closed, pipelined.text)
        let answers = pipelined.text.lowercased().components(separatedBy: "http/1.1 200 ok").dropFirst()
        XCTAssertEqual(answers.map { $0.contains("connection: close") }, [false, true], pipelined.text)
    }

    func testErrorTextsAreOrions() async throws {
        let trial = try await api.get("/trials/demo/nope")
        XCTAssertEqual(trial.status, 404)
        XCTAssertEqual(try trial.object()["description"] as? String, #"Trial "nope" does not exist"#)
        let ancestors = try await api.get("/trials/demo?ancestors=maybe")
        XCTAssertEqual(ancestors.status, 400)
        XCTAssertEqual(
            try ancestors.object()["description"] as? String,
            #"The "ancestors" parameter is invalid. The value of the parameter must be "true" or "false"."#
        )
        // Falcon's spellings only, in their case (Oríon 0.2.7 answers 400 to `TRUE`, `Yes`, `ON`; probe p42d).
        for spelling in ["TRUE", "Yes", "T", "ON", "FALSE", "No"] {
            let status = try await api.get("/trials/demo?ancestors=" + spelling).status
            XCTAssertEqual(status, 400, spelling)
        }
        for spelling in ["true", "True", "t", "yes", "y", "1", "on", "false", "False", "f", "no", "n", "0", "off"] {
            let status = try await api.get("/trials/demo?ancestors=" + spelling).status
            XCTAssertEqual(status, 200, spelling)
        }
        // A NUL in a name or id (`%00`): not found, as in Oríon; SQLite read up to it and answered `demo` (p44b).
        let ids = try await api.get("/trials/demo").array().compactMap { ($0 as? [String: Any])?["id"] as? String }
        let id = try XCTUnwrap(ids.first)
        for path in [
            "/experiments/demo%00zzz", "/trials/demo%00zzz", "/trials/demo/\(id)%00zz", "/plots/regret/demo%00x",
        ] {
            let answer = try await api.get(path)
            XCTAssertEqual(answer.status, 404, "\(path): \(answer.text)")
        }
        let named = try await api.get("/experiments/demo%00zzz")
        XCTAssertEqual(try named.object()["description"] as? String, "Experiment \"demo\u{0}zzz\" does not exist")
        let version = try await api.get("/experiments/demo?version=1.0")
        XCTAssertEqual(version.status, 400)
        XCTAssertEqual(
            try version.object()["description"] as? String,
            #"The "version" parameter is invalid. The value must be an integer."#
        )
        // As falcon reads them: spaces around an integer (Python's `int`), and a parameter with an empty name.
        let spaced = try await api.get("/experiments/demo?version=%201")
        XCTAssertEqual(spaced.status, 200, spaced.text)
        let unnamed = try await api.get("/experiments/demo?=1")
        XCTAssertEqual(unnamed.status, 400, unnamed.text)
        XCTAssertEqual(
            try unnamed.object()["description"] as? String,
            #"Parameter "" is not supported. Expected parameter "version"."#
        )
        let emptyPair = try await api.get("/experiments/demo?&version=1")
        XCTAssertEqual(emptyPair.status, 200, emptyPair.text)
        let negative = try await api.get("/experiments/demo?version=-1")
        XCTAssertEqual(negative.status, 400)  // Oríon: 500
        // More digits than an Int holds: a version that does not exist, as Oríon (Python's int) answers.
        let huge = try await api.get("/experiments/demo?version=99999999999999999999999")
        XCTAssertEqual(huge.status, 404, huge.text)
        let hugeNegative = try await api.get("/experiments/demo?version=-99999999999999999999999")
        XCTAssertEqual(hugeNegative.status, 400, hugeNegative.text)
        let hugeLimit = try await api.get("/trials/demo?limit=99999999999999999999999")
        XCTAssertEqual(
            try hugeLimit.object()["description"] as? String,
            #"The "limit" parameter is invalid. The value must be at most 10000."#
        )
    }

    /// Queries as Oríon (falcon) reads them, found side by side: a blank `status` filters nothing, a blank
    /// `ancestors` is true, an empty `&` pair is no parameter; an empty `Origin` is no origin; a version of a name
    /// with none does not exist.
    func testBlankAndEmptyQueryPartsReadAsOrionReadsThem() async throws {
        let blank = try await api.get("/trials/demo?status=").array()
        XCTAssertEqual(blank.count, 30)
        let blankWithVersion = try await api.get("/trials/demo?status=&version=1").array()
        XCTAssertEqual(blankWithVersion.count, 30)
        let ancestors = try await api.get("/trials/demo?ancestors")
        XCTAssertEqual(ancestors.status, 200, ancestors.text)
        XCTAssertEqual(try ancestors.array().count, 30)
        let empty = try await api.get("/experiments/status/demo?&version=1")
        XCTAssertEqual(empty.status, 200, empty.text)
        let origin = try await api.get("/experiments", headers: ["Origin": ""])
        XCTAssertEqual(origin.status, 200, origin.text)
        let missing = try await api.get("/experiments/nope?version=1")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(try missing.object()["description"] as? String, #"Experiment "nope" does not exist"#)
    }

    /// An experiment named `status` is served at `/experiments/status`, beside the stats route.
    func testAnExperimentNamedStatus() async throws {
        try await ServerFixture.seed(try XCTUnwrap(storage), name: "status", count: 2)
        let experiment = try await api.get("/experiments/status")
        XCTAssertEqual(experiment.status, 200, experiment.text)
        XCTAssertEqual(try experiment.object()["name"] as? String, "status")
        let stats = try await api.get("/experiments/status/status").object()
        XCTAssertEqual(stats["nb_trials"] as? Int, 2)
    }

    /// `/` is the dashboard only for a client that prefers HTML: a JSON client listing `text/html` after, or below,
    /// `application/json` gets Oríon's JSON.
    func testRootFollowsTheAcceptPreferences() async throws {
        for (accept, html) in [
            ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true),
            ("application/json, text/html", false),
            ("text/html;q=0.1, application/json", false),
            ("*/*", false),
            ("text/*", true),
            ("application/json;q=0.5, text/html;q=0.6", true),
        ] {
            let answer = try await api.get("/", headers: ["Accept": accept])
            XCTAssertEqual(answer.headers["content-type"]?.hasPrefix("text/html"), html, accept)
        }
    }

    /// Oríon reads no query on `/trials/:name/:id` and `/benchmarks`, and ignores any given.
    func testRoutesWithoutParametersIgnoreTheQuery() async throws {
        let trial = try await api.get("/trials/demo/nope?version=1")
        XCTAssertEqual(trial.status, 404, trial.text)
        XCTAssertEqual(try trial.object()["title"] as? String, "Trial not found")
        let benchmarks = try await api.get("/benchmarks?foo=1")
        XCTAssertEqual(benchmarks.status, 200, benchmarks.text)
        XCTAssertEqual(benchmarks.text, "[]")
    }

    /// Another method on a route is 405 with `allow: GET, OPTIONS` as in Oríon (falcon); `OPTIONS` is 200 with
    /// `allow: GET`; an unknown route stays 404.
    func testOtherMethodsAreNotAllowed() async throws {
        for (method, path) in [("POST", "/experiments"), ("PUT", "/experiments/demo"), ("DELETE", "/trials/demo")] {
            let answer = try await api.get(path, method: method)
            XCTAssertEqual(answer.status, 405, "\(method) \(path)")
            XCTAssertEqual(answer.headers["allow"], "GET, OPTIONS", "\(method) \(path)")
            XCTAssertEqual(try answer.object()["title"] as? String, "405 Method Not Allowed")
        }
        let head = try await api.get("/experiments", method: "HEAD")
        XCTAssertEqual(head.status, 405)
        let options = try await api.get("/experiments/status/demo", method: "OPTIONS")
        XCTAssertEqual(options.status, 200)
        XCTAssertEqual(options.headers["allow"], "GET")
        let unknown = try await api.get("/nope", method: "POST")
        XCTAssertEqual(unknown.status, 404)
        let get = try await api.get("/experiments")
        XCTAssertEqual(get.status, 200)
    }

    /// Every error carries `vary: Accept`, as Oríon's (falcon chooses an error's media type from `Accept`); an
    /// answer that succeeded carries none.
    func testErrorsVaryOnAccept() async throws {
        let errors: [(String, String, [String: String])] = [
            ("GET", "/experiments/nope", [:]), ("GET", "/experiments/demo?foo=1", [:]),
            ("GET", "/experiments/demo?version=x", [:]), ("GET", "/experiments/status/nope", [:]),
            ("GET", "/trials/demo/nope", [:]), ("GET", "/trials/demo?status=done", [:]), ("GET", "/no/such/route", [:]),
            ("GET", "/plots/bogus/demo", [:]), ("GET", "/plots/regret/nope", [:]), ("GET", "/benchmarks/nope", [:]),
            ("POST", "/experiments", [:]), ("DELETE", "/nope", [:]),
            ("GET", "/experiments", ["Origin": "http://evil.example"]),
        ]
        for (method, path, headers) in errors {
            let answer = try await api.get(path, headers: headers, method: method)
            XCTAssertGreaterThanOrEqual(answer.status, 400, "\(method) \(path)")
            XCTAssertEqual(answer.headers["vary"], "Accept", "\(method) \(path)")
            XCTAssertEqual(answer.headers["content-type"], "application/json", "\(method) \(path)")
        }
        for path in ["/", "/experiments", "/experiments/demo", "/experiments/status/demo", "/trials/demo"] {
            let answer = try await api.get(path)
            XCTAssertEqual(answer.status, 200, path)
            XCTAssertNil(answer.headers["vary"], path)
        }
    }

    /// Oríon's `/plots/...` reads no query and ignores what it is given; ours reads `version` (an extension) and
    /// ignores the rest.
    func testPlotsIgnoreUnknownParameters() async throws {
        for kind in ["regret", "parallel_coordinates"] {
            let answer = try await api.get("/plots/\(kind)/demo?foo=1&with_evc_tree=false")
            XCTAssertEqual(answer.status, 200, answer.text)
            XCTAssertNotNil(try answer.object()["data"], kind)
        }
        let version = try await api.get("/plots/regret/demo?version=1&foo=1")
        XCTAssertEqual(version.status, 200, version.text)
        let missing = try await api.get("/plots/regret/demo?version=2&foo=1")
        XCTAssertEqual(missing.status, 404, missing.text)
    }

    /// `/experiments/:name`, compared with Oríon's on an experiment of completed, broken and pending trials: the
    /// start is the experiment's creation, the end the last completed trial's end, with and without `?version=`;
    /// `status` is `done` only when `maxTrials` trials completed: an experiment stopped by its broken trials is
    /// `not done`, as in Oríon (`Experiment.is_done` does not read `max_broken`).
    func testExperimentCompletionFiguresAreOrions() async throws {
        for path in ["/experiments/demo", "/experiments/demo?version=1"] {
            let body = try await api.get(path).object()
            XCTAssertEqual(body["trialsCompleted"] as? Int, 18, path)
            XCTAssertEqual(body["startTime"] as? String, "2023-11-14 22:13:20", path)
            // The last completed trial is i = 29: submitted 29 s after the epoch, ended 2.5 s later.
            XCTAssertEqual(body["endTime"] as? String, "2023-11-14 22:13:51.500000", path)
            XCTAssertEqual((body["bestTrial"] as? [String: Any])?["objective"] as? Double, 1, path)
            XCTAssertEqual(body["status"] as? String, "not done", path)
        }
        let storage = try XCTUnwrap(storage)
        // 30 trials with 2 broken (i = 10, 20) and at most 2 allowed: stopped, not done.
        try await ServerFixture.seed(storage, name: "stopped", count: 30, maxBroken: 2)
        let stopped = try await api.get("/experiments/stopped").object()
        XCTAssertEqual(stopped["status"] as? String, "not done")
        // 30 trials, 18 completed, at most 18: done.
        try await ServerFixture.seed(storage, name: "finished", count: 30, maxTrials: 18, maxBroken: 2)
        let finished = try await api.get("/experiments/finished").object()
        XCTAssertEqual(finished["status"] as? String, "done")
    }

    /// Text beyond ASCII is written `\uXXXX`, as Python's `json.dumps` writes it (Oríon's `"caf\u00e9"`); a
    /// parser reads the same value.
    func testTextBeyondASCIIIsEscapedAsPython() async throws {
        try await ServerFixture.seed(try XCTUnwrap(storage), name: "café ☕", count: 3)
        let list = try await api.get("/experiments")
        XCTAssertTrue(list.text.contains(#""name":"caf\u00e9 \u2615""#), list.text)
        XCTAssertFalse(list.text.contains("é"), list.text)
        let names = try list.array().compactMap { ($0 as? [String: Any])?["name"] as? String }
        XCTAssertTrue(names.contains("café ☕"), "\(names)")
        let missing = try await api.get("/experiments/th%C3%A9")
        XCTAssertTrue(missing.text.contains(#"Experiment \"th\u00e9\" does not exist"#), missing.text)
    }
}
