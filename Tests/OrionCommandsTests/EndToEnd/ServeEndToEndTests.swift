import Foundation
import OrionCore
import OrionTesting
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `orion serve` as a user runs it: the built binary over the SQLite database of real hunts, a real HTTP client,
/// and (with `ORION_TEST_BROWSER_PYTHON`, set by scripts/test from scripts/services/browser.sh) the dashboard in
/// headless Chromium (Tests/Browser/dashboard_test.py), which writes a screenshot of each page to
/// `.build/screenshots/`.
final class ServeEndToEndTests: XCTestCase {
    /// A running `orion serve` and its base URL.
    struct Served {
        let process: Process
        let base: String
    }

    /// Starts `orion serve --port 0` in `sandbox` and waits for the line that gives its address.
    func serve(_ sandbox: Sandbox, _ extra: [String] = []) throws -> Served {
        let (process, base) = try start(sandbox, ["serve", "--port", "0"] + extra, announcing: "Serving on ")
        return Served(process: process, base: base)
    }

    /// Starts the server `arguments` in `sandbox` (output in `<verb>.out`) and waits for its line starting with
    /// `prefix`; returns the process and the address that follows the prefix.
    private func start(_ sandbox: Sandbox, _ arguments: [String], announcing prefix: String) throws -> (Process, String)
    {
        let name = arguments[0]
        let process = try sandbox.start(arguments, name: name)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: sandbox.directory + "/\(name).out", encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return (process, line.dropFirst(prefix.count).split(separator: " ").first.map(String.init) ?? "")
            }
            if !process.isRunning { break }
            usleep(50_000)
        }
        process.terminate()
        let output = sandbox.wait(process, name: name)
        XCTFail("orion \(name) did not start: \(output.stderr)")
        throw XCTSkip("orion \(name) did not start")
    }

    func get(_ url: String) async throws -> (Int, Any) {
        let (data, response) = try await URLSession.shared.data(from: try XCTUnwrap(URL(string: url)))
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    func testServeAnswersOrionsRoutesOverARealHunt() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("rosenbrock.py")
        let hunt = try sandbox.run([
            "hunt", "-n", "demo", "--exp-max-trials", "6", script, "-x~uniform(-5, 10)", "-y~uniform(-5, 10)",
        ])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        let served = try serve(sandbox)
        defer {
            served.process.interrupt()
            let output = sandbox.wait(served.process, name: "serve", timeout: 30)
            XCTAssertEqual(output.status, 0, "orion serve stops cleanly on SIGINT: \(output.stderr)")
        }
        XCTAssertTrue(served.base.hasPrefix("http://127.0.0.1:"), served.base)
        let (_, experiments) = try await get(served.base + "/experiments")
        XCTAssertEqual((experiments as? [[String: Any]])?.first?["name"] as? String, "demo")
        let (_, trials) = try await get(served.base + "/trials/demo")
        let ids = try XCTUnwrap(trials as? [[String: String]]).compactMap { $0["id"] }
        let stored = try await sandbox.trials(of: "demo").map(\.id)
        XCTAssertEqual(Set(ids), Set(stored))
        let (_, trial) = try await get(served.base + "/trials/demo/" + (ids.first ?? ""))
        let body = try XCTUnwrap(trial as? [String: Any])
        XCTAssertEqual(body["status"] as? String, "completed")
        XCTAssertNotNil((body["statistics"] as? [String: Any])?["distance_to_one"])
        XCTAssertNotNil((body["parameters"] as? [String: Any])?["/x"], "Oríon's unflatten keeps the name /x")
        let (status, missing) = try await get(served.base + "/experiments/nope")
        XCTAssertEqual(status, 404)
        XCTAssertEqual((missing as? [String: String])?["title"], "Experiment not found")
    }

    /// A server started before the first hunt serves the database that hunt then writes (it read a missing file as
    /// an empty storage of its own, or refused it); `sqlite:////abs` names `/abs`, as in SQLAlchemy.
    func testServeStartedBeforeTheFirstHuntSeesIt() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let database = sandbox.directory + "/later/orion.db"
        let served = try serve(sandbox, ["--storage", "sqlite:///" + database])
        defer {
            served.process.interrupt()
            _ = sandbox.wait(served.process, name: "serve", timeout: 30)
        }
        let (_, before) = try await get(served.base + "/experiments")
        XCTAssertEqual((before as? [Any])?.count, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: database))
        let script = try Compat.script("rosenbrock.py")
        let hunt = try sandbox.run([
            "hunt", "-n", "later", "--storage", "sqlite://" + database, "--exp-max-trials", "2", script,
            "-x~uniform(-5, 10)", "-y~uniform(-5, 10)",
        ])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        let (_, after) = try await get(served.base + "/experiments")
        XCTAssertEqual((after as? [[String: Any]])?.map { $0["name"] as? String }, ["later"])
    }

    func testServeRefusesABadBind() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let port = try sandbox.run(["serve", "--port", "70000"])
        XCTAssertEqual(port.status, 2)
        XCTAssertTrue(port.stderr.contains("the port 70000 is out of range"), port.stderr)
        let config = sandbox.directory + "/serve.yaml"
        try "gunicorn:\n  bind: 'localhost:notaport'\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bind = try sandbox.run(["serve", "-c", config])
        XCTAssertEqual(bind.status, 2)
        XCTAssertTrue(bind.stderr.contains("gunicorn.bind"), bind.stderr)
    }

    /// `orion serve` names no experiment: its help lists no `-n/-u/-v`, and giving one is a usage error rather than
    /// a flag silently ignored.
    func testServeTakesNoExperimentFlags() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let help = try sandbox.run(["serve", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--storage"), help.stdout)
        XCTAssertFalse(help.stdout.contains("--name"), help.stdout)
        XCTAssertFalse(help.stdout.contains("-v, --version"), help.stdout)
        let named = try sandbox.run(["serve", "-n", "x", "--port", "0"])
        XCTAssertEqual(named.status, 2)
        XCTAssertTrue(named.stderr.contains("-n"), named.stderr)
    }

    func testServeTakesItsAddressFromGunicornBind() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let config = sandbox.directory + "/serve.yaml"
        try "gunicorn:\n  bind: '127.0.0.1:0'\nfrontends_uri: ['http://localhost:3000']\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        try await sandbox.storage().close()  // an empty database: serve reads, it does not create one
        let served = try serve(sandbox, ["-c", config])
        defer {
            served.process.interrupt()
            _ = sandbox.wait(served.process, name: "serve", timeout: 30)
        }
        var request = URLRequest(url: try XCTUnwrap(URL(string: served.base + "/experiments")))
        request.setValue("http://localhost:3000", forHTTPHeaderField: "Origin")
        let (_, response) = try await URLSession.shared.data(for: request)
        XCTAssertEqual(
            (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "access-control-allow-origin"),
            "http://localhost:3000"
        )
    }

    /// With no `frontends_uri` anywhere, Oríon 0.2.7's server allows its own dashboard's page
    /// (`http://localhost:3000`, `orion frontend`'s default) and no other origin; `frontends_uri: []` allows none.
    func testServeAllowsOrionsDashboardOriginByDefault() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try await sandbox.storage().close()
        func origin(_ served: Served, _ origin: String) async throws -> (Int, String?) {
            var request = URLRequest(url: try XCTUnwrap(URL(string: served.base + "/experiments")))
            request.setValue(origin, forHTTPHeaderField: "Origin")
            let (_, response) = try await URLSession.shared.data(for: request)
            let http = try XCTUnwrap(response as? HTTPURLResponse)
            return (http.statusCode, http.value(forHTTPHeaderField: "access-control-allow-origin"))
        }
        let served = try serve(sandbox)
        let allowed = try await origin(served, "http://localhost:3000")
        let refused = try await origin(served, "http://evil.example")
        served.process.interrupt()
        _ = sandbox.wait(served.process, name: "serve", timeout: 30)
        XCTAssertEqual(allowed.0, 200)
        XCTAssertEqual(allowed.1, "http://localhost:3000")
        XCTAssertEqual(refused.0, 403)
        let config = sandbox.directory + "/none.yaml"
        try "frontends_uri: []\n".write(toFile: config, atomically: true, encoding: .utf8)
        let closed = try serve(sandbox, ["-c", config])
        let none = try await origin(closed, "http://localhost:3000")
        closed.process.interrupt()
        _ = sandbox.wait(closed.process, name: "serve", timeout: 30)
        XCTAssertEqual(none.0, 403)
    }

    /// A running `orion frontend` and the address of its page.
    struct Frontend {
        let process: Process
        let page: String
    }

    /// Starts `orion frontend --port PORT --backend BACKEND` in `sandbox` and waits for the line that gives its page.
    func frontend(_ sandbox: Sandbox, port: Int, backend: String) throws -> Frontend {
        let (process, page) = try start(
            sandbox,
            ["frontend", "--port", String(port), "--backend", backend],
            announcing: "Serving the dashboard on "
        )
        return Frontend(process: process, page: page)
    }

    func text(_ url: String) async throws -> (Int, String, String?) {
        let (data, response) = try await URLSession.shared.data(from: try XCTUnwrap(URL(string: url)))
        let http = try XCTUnwrap(response as? HTTPURLResponse)
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.value(forHTTPHeaderField: "Content-Type"))
    }

    /// Oríon's two processes: `orion frontend` serves the dashboard on its own port, its page names the API given
    /// by `--backend`, and the API allows that page's origin (listed in `frontends_uri`).
    func testFrontendServesTheDashboardThatReadsTheAPI() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try await sandbox.storage().close()
        let port = try LoopbackPort.free()
        let served = try serve(sandbox, ["--frontends-uri", "http://localhost:\(port)"])
        defer {
            served.process.interrupt()
            _ = sandbox.wait(served.process, name: "serve", timeout: 30)
        }
        let front = try frontend(sandbox, port: port, backend: served.base + "/")
        defer {
            front.process.interrupt()
            let output = sandbox.wait(front.process, name: "frontend", timeout: 30)
            XCTAssertEqual(output.status, 0, "orion frontend stops cleanly on SIGINT: \(output.stderr)")
        }
        XCTAssertEqual(front.page, "http://localhost:\(port)")
        let local = "http://127.0.0.1:\(port)"
        let (status, page, type) = try await text(local + "/")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(type, "text/html; charset=utf-8")
        XCTAssertTrue(
            page.contains("<script>window.__ORION_BACKEND__ = \"\(served.base)\";</script>"),
            "the page names the API without the trailing slash: \(page)"
        )
        XCTAssertLessThan(
            try XCTUnwrap(page.range(of: "__ORION_BACKEND__")).lowerBound,
            try XCTUnwrap(page.range(of: "/dashboard/app.js")).lowerBound,
            "the backend is set before the dashboard's script runs"
        )
        let dashboard = try await text(local + "/dashboard")
        XCTAssertEqual(dashboard.1, page)
        let script = try await text(local + "/dashboard/app.js")
        XCTAssertEqual(script.0, 200)
        XCTAssertTrue(script.1.contains("fetch(BACKEND + path"), "every API call goes to the backend")
        let style = try await text(local + "/dashboard/app.css")
        XCTAssertEqual(style.0, 200)
        var request = URLRequest(url: try XCTUnwrap(URL(string: served.base + "/experiments")))
        request.setValue("http://localhost:\(port)", forHTTPHeaderField: "Origin")
        let (_, response) = try await URLSession.shared.data(for: request)
        let http = try XCTUnwrap(response as? HTTPURLResponse)
        XCTAssertEqual(http.statusCode, 200)
        XCTAssertEqual(http.value(forHTTPHeaderField: "access-control-allow-origin"), "http://localhost:\(port)")
    }

    func testFrontendRefusesABackendThatIsNotAnAddress() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        for backend in ["localhost:8000", "ftp://127.0.0.1:8000", "http://", "http://host:1/?x=1"] {
            let result = try sandbox.run(["frontend", "--port", "0", "--backend", backend])
            XCTAssertEqual(result.status, 2, backend)
            XCTAssertEqual(
                result.stderr,
                "Error: --backend '\(backend)' is not the REST API's address: give http://HOST:PORT "
                    + "(where `orion serve` listens)\n",
                backend
            )
        }
        XCTAssertEqual(try sandbox.run(["frontend", "--port", "70000"]).status, 2)
    }

    /// The dashboard in headless Chromium over a finished hunt and a running one: content, sorting, paging, a
    /// reload, live progress; served by `orion serve`, then by `orion frontend` from another origin; screenshots in
    /// `.build/screenshots/` and `.build/screenshots/frontend/`.
    func testDashboardInABrowser() throws {
        guard let python = ProcessInfo.processInfo.environment["ORION_TEST_BROWSER_PYTHON"] else {
            throw XCTSkip(
                "ORION_TEST_BROWSER_PYTHON is not set (scripts/test sets it from scripts/services/browser.sh)"
            )
        }
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("rosenbrock.py")
        let done = try sandbox.run([
            "hunt", "-n", "demo", "--exp-max-trials", "12", script, "-x~uniform(-5, 10)", "-y~uniform(-5, 10)",
        ])
        XCTAssertEqual(done.status, 0, done.stderr)
        // Two versions of `tree` (the second widens a prior) and `empty`, without trials.
        try sandbox.succeed([
            "hunt", "-n", "tree", "--exp-max-trials", "3", script, "-x~uniform(-5, 10)", "-y~uniform(-5, 10)",
        ])
        try sandbox.succeed([
            "hunt", "-n", "tree", "--enable-evc", "--exp-max-trials", "5", script, "-x~uniform(-5, 10)",
            "-y~uniform(-5, 12)",
        ])
        try sandbox.succeed(["hunt", "--init-only", "-n", "empty", script, "-x~uniform(-5, 10)", "-y~uniform(-5, 10)"])
        // `allbroken`: two trials, both broken (the hunt stops at its max broken, exit 1).
        let failing = try sandbox.script("fail.sh", "#!/bin/sh\nexit 3\n")
        let broken = try sandbox.run(["hunt", "-n", "allbroken", "--exp-max-broken", "2", failing, "-x~uniform(0, 1)"])
        XCTAssertEqual(broken.status, 1, broken.stderr)
        let slow = try sandbox.script(
            "slow.py",
            """
            #!/usr/bin/env python3
            import json, os, sys, time
            time.sleep(1.0)
            x = float(sys.argv[sys.argv.index("-x") + 1])
            with open(os.environ["ORION_RESULTS_PATH"], "w") as results:
                json.dump([{"name": "loss", "type": "objective", "value": x * x}], results)
            """
        )
        let live = try sandbox.start(
            ["hunt", "-n", "live", "--exp-max-trials", "200", slow, "-x~uniform(-5, 5)"],
            name: "live"
        )
        defer {
            live.interrupt()
            _ = sandbox.wait(live, name: "live", timeout: 60)
        }
        let port = try LoopbackPort.free()
        let served = try serve(sandbox, ["--frontends-uri", "http://localhost:\(port)"])
        defer {
            served.process.interrupt()
            _ = sandbox.wait(served.process, name: "serve", timeout: 30)
        }
        let front = try frontend(sandbox, port: port, backend: served.base)
        defer {
            front.process.interrupt()
            _ = sandbox.wait(front.process, name: "frontend", timeout: 30)
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }  // the file, EndToEnd, OrionCommandsTests, Tests
        // The dashboard as `orion serve` serves it, then as `orion frontend` does (its page on another origin).
        for (page, folder) in [(served.base, "screenshots"), (front.page, "screenshots/frontend")] {
            let screenshots = root.appendingPathComponent(".build/" + folder).path
            let output = try ProcessRunner.run(
                [
                    python, root.appendingPathComponent("Tests/Browser/dashboard_test.py").path, served.base,
                    screenshots, "demo", "live", page,
                ],
                timeout: 300
            )
            print(output.stdout)
            XCTAssertEqual(output.status, 0, "browser checks failed (\(page)):\n\(output.stdout)\n\(output.stderr)")
            for page in ["experiments", "experiment", "trials"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: "\(screenshots)/\(page).png"), page)
            }
        }
    }
}
