import Foundation
import OrionCore
import OrionSQLite
import OrionServer
import XCTest

/// The REST API over a real SQLite file, through a real HTTP client: Oríon's shapes, errors and CORS, and the
/// paging extension.
final class APIServerTests: XCTestCase {
    var directory = ""
    var storage: SQLiteStorage?
    var server: RunningServer?

    override func setUp() async throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        try await ServerFixture.seed(storage, name: "demo", count: 30)
        try await ServerFixture.seed(storage, name: "empty space", count: 0, maxTrials: nil)
        self.storage = storage
        server = try await RunningServer(storage: storage, frontendsURI: ["http://localhost:3000"])
    }

    override func tearDown() async throws {
        await server?.stop()
        try await storage?.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private var api: RunningServer { get throws { try XCTUnwrap(server) } }

    func testRootIdentifiesTheServerAndTheDatabase() async throws {
        let answer = try await api.get("/")
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.headers["content-type"], "application/json")
        let body = try answer.object()
        XCTAssertEqual(body["orion"] as? String, OrionVersion.current)
        XCTAssertEqual(body["server"] as? String, "hummingbird")
        XCTAssertEqual(body["database"] as? String, "SQLiteStorage")
    }

    func testRootServesTheDashboardToABrowser() async throws {
        let answer = try await api.get("/", headers: ["Accept": "text/html,application/xhtml+xml"])
        XCTAssertEqual(answer.status, 200)
        XCTAssertTrue(answer.headers["content-type"]?.hasPrefix("text/html") ?? false)
        XCTAssertTrue(answer.text.contains("<script src=\"/dashboard/app.js\">"), answer.text)
        let script = try await api.get("/dashboard/app.js")
        XCTAssertEqual(script.status, 200)
        XCTAssertTrue(script.text.contains("/trial-rows/"))
        // HEAD answers as GET would, without a body (it was 404; the page's HEAD of plotly.min.js then switched the
        // plots off).
        for path in ["/dashboard", "/dashboard/app.js", "/dashboard/app.css"] {
            let head = try await api.get(path, method: "HEAD")
            XCTAssertEqual(head.status, 200, path)
            XCTAssertTrue(head.body.isEmpty, path)
        }
        let plotly = try await api.get("/dashboard/plotly.min.js", method: "HEAD")
        let get = try await api.get("/dashboard/plotly.min.js")
        XCTAssertEqual(plotly.status, get.status, "HEAD and GET agree on whether plotly.js is in this build")
    }

    func testExperimentsListsTheLatestVersions() async throws {
        let list = try await api.get("/experiments").array()
        let pairs = list.compactMap { $0 as? [String: Any] }.map { "\($0["name"] ?? "")@\($0["version"] ?? "")" }
        XCTAssertEqual(pairs, ["demo@1", "empty space@1"])
    }

    func testExperimentHasOrionsShape() async throws {
        let body = try await api.get("/experiments/demo").object()
        XCTAssertEqual(
            Set(body.keys),
            [
                "name", "version", "status", "trialsCompleted", "startTime", "endTime", "user", "orionVersion",
                "config",
                "bestTrial",
            ]
        )
        XCTAssertEqual(body["name"] as? String, "demo")
        XCTAssertEqual(body["status"] as? String, "not done")
        // 30 trials: 10 new (i % 3 == 0), broken when i % 10 == 0 among the rest (10, 20), completed otherwise.
        XCTAssertEqual(body["trialsCompleted"] as? Int, 18)
        XCTAssertEqual(body["startTime"] as? String, "2023-11-14 22:13:20")
        XCTAssertEqual(body["user"] as? String, "tester")
        let config = try XCTUnwrap(body["config"] as? [String: Any])
        XCTAssertEqual(config["maxTrials"] as? Int, 100)
        XCTAssertEqual(config["maxBroken"] as? Int, 3)
        XCTAssertEqual((config["algorithm"] as? [String: Any])?["name"] as? String, "random")
        XCTAssertEqual((config["algorithm"] as? [String: Any])?["seed"] as? Int, 1)
        XCTAssertEqual((config["space"] as? [String: String])?["x"], "randint(0, 1000000)")
        let best = try XCTUnwrap(body["bestTrial"] as? [String: Any])
        // Objective (i * 7919) % 30 is 0 only for i = 0 and i = 30 (not completed): the lowest is 1, at i = 29
        // (29 * 7919 = 229651 = 7655 * 30 + 1).
        XCTAssertEqual(best["objective"] as? Double, 1)
        XCTAssertEqual((best["parameters"] as? [String: Any])?["x"] as? Int, 29)
        XCTAssertEqual((best["parameters"] as? [String: Any])?["opt/lr"] as? Double, 0.001)
        XCTAssertEqual(((best["parameters"] as? [String: Any])?["net"] as? [String: Any])?["depth"] as? Int, 3)
        XCTAssertEqual(best["statistics"] as? [String: Int], ["epochs": 29])
        XCTAssertEqual(best["submitTime"] as? String, "2023-11-14 22:13:49")
        XCTAssertEqual(best["endTime"] as? String, "2023-11-14 22:13:51.500000")
        XCTAssertEqual(best["status"] as? String, "completed")

        let empty = try await api.get("/experiments/empty%20space").object()
        XCTAssertEqual(empty["bestTrial"] as? [String: Int], [:])
        XCTAssertTrue(empty["startTime"] is NSNull)
        XCTAssertTrue((empty["config"] as? [String: Any])?["maxTrials"] is NSNull)
    }

    func testStatusHasExperimentStatsKeys() async throws {
        let body = try await api.get("/experiments/status/demo").object()
        XCTAssertEqual(
            Set(body.keys),
            [
                "trials_completed", "best_trials_id", "best_evaluation", "start_time", "finish_time", "max_trials",
                "nb_trials", "progress", "trial_status_count", "elapsed_time", "sum_of_trials_time", "eta",
                "eta_milliseconds",
            ]
        )
        XCTAssertEqual(body["trials_completed"] as? Int, 18)
        XCTAssertEqual(body["nb_trials"] as? Int, 30)
        XCTAssertEqual(body["best_evaluation"] as? Double, 1)
        XCTAssertEqual(body["trial_status_count"] as? [String: Int], ["new": 10, "completed": 18, "broken": 2])
        // 18 completed of max(100, 30) - 2 broken.
        XCTAssertEqual(try XCTUnwrap(body["progress"] as? Double), 18.0 / 98.0, accuracy: 1e-12)
        // 18 completed and 2 broken trials of 1.5 s: every trial that ran, as Oríon adds them.
        XCTAssertEqual(body["sum_of_trials_time"] as? String, "0:00:30")
        // From the first start (trial 1, epoch + 2 s) to the last end (trial 29, epoch + 31.5 s), as Oríon spans its
        // trials' execution intervals; the ETA extrapolates the completed trials' span (the same here) over 82 more.
        XCTAssertEqual(body["elapsed_time"] as? String, "0:00:29.500000")
        XCTAssertEqual(body["eta"] as? String, "0:02:14.388889")
        XCTAssertEqual(body["max_trials"] as? Int, 100)
        let unlimited = try await api.get("/experiments/status/empty%20space").object()
        XCTAssertEqual(unlimited["max_trials"] as? String, "infinite")
        XCTAssertTrue(unlimited["eta"] is NSNull)
    }

    func testTrialsListsIdsAndFiltersByStatus() async throws {
        let all = try await api.get("/trials/demo").array()
        XCTAssertEqual(all.count, 30)
        XCTAssertEqual(Set((all.first as? [String: Any] ?? [:]).keys), ["id"])
        let broken = try await api.get("/trials/demo?status=broken").array()
        XCTAssertEqual(broken.count, 2)
        let storage = try XCTUnwrap(storage)
        let experiment = try await storage.experiment(named: "demo", version: nil)
        let expected = try await storage.trials(of: try XCTUnwrap(experiment).id, status: [.broken]).map(\.id)
        XCTAssertEqual(broken.compactMap { ($0 as? [String: String])?["id"] }, expected)
    }

    func testTrialsPagesSortAndCount() async throws {
        let page = try await api.get("/trials/demo?status=completed&sort=objective&order=desc&limit=5&offset=2")
            .object()
        XCTAssertEqual(page["total"] as? Int, 18)
        XCTAssertEqual(page["offset"] as? Int, 2)
        XCTAssertEqual(page["limit"] as? Int, 5)
        let ids = try XCTUnwrap(page["trials"] as? [[String: String]]).compactMap { $0["id"] }
        XCTAssertEqual(ids.count, 5)
        var objectives: [Double] = []
        for id in ids {
            let trial = try await api.get("/trials/demo/\(id)").object()
            objectives.append(try XCTUnwrap(trial["objective"] as? Double))
        }
        XCTAssertEqual(objectives, objectives.sorted(by: >))
        // By the id Oríon 0.2.7 gave it (a trial imported from Oríon's database has an id of ours): found, under ours.
        let database = try XCTUnwrap(storage)
        let found = try await database.experiment(named: "demo", version: nil)
        let demo = try XCTUnwrap(found)
        let read = try await database.trial(id: ids[0], of: demo.id)
        let stored = try XCTUnwrap(read)
        let byOrionID = try await api.get("/trials/demo/\(stored.paramsHash)").object()
        XCTAssertEqual(byOrionID["id"] as? String, ids[0])
        let unknown = try await api.get("/trials/demo/\(String(repeating: "0", count: 32))")
        XCTAssertEqual(unknown.status, 404)
        let rows = try await api.get("/trial-rows/demo?sort=objective&limit=3").object()
        let first = try XCTUnwrap((rows["rows"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["objective"] as? Double, 1)
        XCTAssertEqual((first["parameters"] as? [String: Any])?["opt/lr"] as? Double, 0.001)
        XCTAssertEqual(rows["total"] as? Int, 30)
    }

    /// A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is 204 with the methods the
    /// API answers (it listed HEAD, which the API's routes answer 405); an `OPTIONS` without that header is not a
    /// preflight and is answered as without an origin (it was taken for one).
    func testPreflightsAndOtherOptionsFromAnAllowedOrigin() async throws {
        let origin = "http://localhost:3000"
        let preflight = try await api.get(
            "/experiments",
            headers: ["Origin": origin, "Access-Control-Request-Method": "GET"],
            method: "OPTIONS"
        )
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.headers["access-control-allow-methods"], "GET, OPTIONS")
        XCTAssertEqual(preflight.headers["access-control-allow-origin"], origin)
        let options = try await api.get("/experiments", headers: ["Origin": origin], method: "OPTIONS")
        XCTAssertEqual(options.status, 200)
        XCTAssertEqual(options.headers["allow"], "GET")
        XCTAssertEqual(options.headers["access-control-allow-origin"], origin)
    }

    func testErrorsHaveOrionsTitles() async throws {
        let missing = try await api.get("/experiments/nope")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(
            try missing.object() as? [String: String],
            ["title": "Experiment not found", "description": "Experiment \"nope\" does not exist"]
        )
        let version = try await api.get("/experiments/demo?version=7")
        XCTAssertEqual(version.status, 404)
        XCTAssertEqual(try version.object()["description"] as? String, "Experiment \"demo\" has no version \"7\"")
        let parameter = try await api.get("/experiments/demo?foo=1")
        XCTAssertEqual(parameter.status, 400)
        XCTAssertEqual(
            try parameter.object() as? [String: String],
            [
                "title": "Invalid parameter",
                "description": "Parameter \"foo\" is not supported. Expected parameter \"version\".",
            ]
        )
        // A percent-encoded name is the name it encodes (falcon decodes names as values).
        let encoded = try await api.get("/experiments/demo?v%65rsion=7")
        XCTAssertEqual(encoded.status, 404, "read as version=7")
        let status = try await api.get("/trials/demo?status=done")
        XCTAssertEqual(status.status, 400)
        XCTAssertEqual(try status.object()["title"] as? String, "Invalid parameter")
        let trial = try await api.get("/trials/demo/abc")
        XCTAssertEqual(trial.status, 404)
        XCTAssertEqual(try trial.object()["title"] as? String, "Trial not found")
        let route = try await api.get("/no/such/route")
        XCTAssertEqual(route.status, 404)
        XCTAssertEqual(try route.object() as? [String: String], ["title": "404 Not Found"])
        let benchmark = try await api.get("/benchmarks/b")
        XCTAssertEqual(benchmark.status, 404)
        XCTAssertEqual(try benchmark.object()["title"] as? String, "Benchmark not found")
        let benchmarks = try await api.get("/benchmarks").array()
        XCTAssertEqual(benchmarks.count, 0)
    }

    func testCrossOriginRequestsFollowFrontendsURI() async throws {
        let allowed = try await api.get("/experiments", headers: ["Origin": "http://localhost:3000"])
        XCTAssertEqual(allowed.status, 200)
        XCTAssertEqual(allowed.headers["access-control-allow-origin"], "http://localhost:3000")
        let refused = try await api.get("/experiments", headers: ["Origin": "http://evil.example"])
        XCTAssertEqual(refused.status, 403)
        XCTAssertEqual(try refused.object() as? [String: String], ["title": "403 Forbidden"])
        XCTAssertNil(refused.headers["access-control-allow-origin"])
        let plain = try await api.get("/experiments")
        XCTAssertNil(plain.headers["access-control-allow-origin"])
        let missing = try await api.get("/experiments/nope", headers: ["Origin": "http://localhost:3000"])
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.headers["access-control-allow-origin"], "http://localhost:3000")
        XCTAssertEqual(missing.headers["vary"], "Accept, Origin")
    }

    func testOpenAPIDescribesEveryRoute() async throws {
        let document = try await api.get("/openapi.json").object()
        XCTAssertEqual(document["openapi"] as? String, "3.1.0")
        let paths = try XCTUnwrap(document["paths"] as? [String: Any])
        XCTAssertEqual(
            Set(paths.keys),
            [
                "/", "/experiments", "/experiments/{name}", "/experiments/status/{name}", "/trials/{name}",
                "/trials/{name}/{id}", "/trial-rows/{name}", "/plots/{kind}/{name}", "/benchmarks",
                "/benchmarks/{name}",
                "/openapi.json", "/dashboard",
            ]
        )
        // Every documented route answers.
        let samples = [
            "/", "/experiments", "/experiments/demo", "/experiments/status/demo", "/trials/demo",
            "/trial-rows/demo", "/benchmarks", "/openapi.json", "/dashboard",
        ]
        for path in samples {
            let status = try await api.get(path).status
            XCTAssertEqual(status, 200, path)
        }
        let plot = try await api.get("/plots/regret/demo")
        XCTAssertEqual(plot.status, 200)
        let traces = try XCTUnwrap(try plot.object()["data"] as? [[String: Any]])
        XCTAssertFalse(traces.isEmpty, plot.text)
        let missing = try await api.get("/plots/regret/nope").status
        XCTAssertEqual(missing, 404)
        let kind = try await api.get("/plots/nonsense/demo").status
        XCTAssertEqual(kind, 404)
    }

    func testVersionsAndAncestors() async throws {
        let storage = try XCTUnwrap(storage)
        let stored = try await storage.experiment(named: "demo", version: nil)
        let parent = try XCTUnwrap(stored)
        var child = Experiment(
            name: "demo",
            version: 2,
            space: parent.space,
            algorithm: parent.algorithm,
            maxTrials: 100,
            metadata: parent.metadata,
            refers: ExperimentRefers(rootID: parent.id, parentID: parent.id)
        )
        child.metadata.user = "tester"
        try await storage.createExperiment(child)
        let list = try await api.get("/experiments").array()
        XCTAssertEqual((list.first as? [String: Any])?["version"] as? Int, 2)
        let latest = try await api.get("/experiments/demo").object()["version"] as? Int
        XCTAssertEqual(latest, 2)
        let first = try await api.get("/experiments/demo?version=1").object()["trialsCompleted"] as? Int
        XCTAssertEqual(first, 18)
        let own = try await api.get("/trials/demo").array().count
        XCTAssertEqual(own, 0)
        let parents = try await api.get("/trials/demo?version=1").array().count
        XCTAssertEqual(parents, 30)
        // The child sees its parent's 30 trials, of every status and under their stored ids, as Oríon's
        // `fetch_trials(with_evc_tree=True)` (it showed the 18 completed ones under ids stored nowhere).
        let inherited = try await api.get("/trials/demo?ancestors=true").array()
        let parentIDs = Set(try await storage.trials(of: parent.id, status: nil).map(\.id))
        XCTAssertEqual(Set(inherited.compactMap { ($0 as? [String: Any])?["id"] as? String }), parentIDs)
        let completed = try await api.get("/trials/demo?ancestors=true&status=completed").array().count
        XCTAssertEqual(completed, 18)
        let page = try await api.get("/trials/demo?ancestors=true&limit=5&sort=objective").object()
        XCTAssertEqual(page["total"] as? Int, 30)
        let badFlag = try await api.get("/trials/demo?ancestors=maybe").status
        XCTAssertEqual(badFlag, 400)
    }

    func testPagingParametersAreChecked() async throws {
        for query in ["limit=0", "limit=10001", "offset=-1", "sort=loss", "order=sideways", "limit=ten"] {
            let answer = try await api.get("/trials/demo?" + query)
            XCTAssertEqual(answer.status, 400, query)
            XCTAssertEqual(try answer.object()["title"] as? String, "Invalid parameter", query)
        }
    }
}
