import Foundation
import OrionCore
import XCTest

/// `orion plot` with the built binary on a real hunt.
final class PlotEndToEndTests: XCTestCase {
    /// A sandbox with a 15-trial Rosenbrock hunt called `demo`.
    private func hunted() throws -> Sandbox {
        let sandbox = try Sandbox()
        let script = try Compat.script("rosenbrock.py")
        let hunt = try sandbox.run([
            "hunt", "-n", "demo", "--exp-max-trials", "15", script, "-x~uniform(-5, 10)", "-y~uniform(-5, 10)",
        ])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        return sandbox
    }

    /// The plotly.js the build embeds, when scripts/services/plotly.sh fetched it.
    private func plotlyJS(file: StaticString = #filePath) -> Data? {
        var url = URL(fileURLWithPath: "\(file)")
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return try? Data(contentsOf: url.appendingPathComponent("Sources/COrionAssets/assets/plotly.min.js"))
    }

    func testJSONIsTheRegretFigure() async throws {
        let sandbox = try hunted()
        defer { sandbox.remove() }
        let plot = try sandbox.run(["plot", "regret", "-n", "demo", "-t", "json"])
        XCTAssertEqual(plot.status, 0, plot.stderr)
        XCTAssertEqual(plot.stdout, "Wrote demo-v1_regret.json\n")
        let data = try Data(contentsOf: URL(fileURLWithPath: sandbox.directory + "/demo-v1_regret.json"))
        let figure = try JSONDecoder().decode(JSONValue.self, from: data)
        let traces = try XCTUnwrap(figure.objectValue?["data"]?.arrayValue)
        XCTAssertEqual(traces.map { $0.objectValue?["name"] }, ["trials", "best-to-date"])
        let objectives = try XCTUnwrap(traces[0].objectValue?["y"]?.arrayValue).compactMap(\.doubleValue)
        let trials = try await sandbox.trials(of: "demo").sorted { $0.submitTime < $1.submitTime }
        XCTAssertEqual(objectives, trials.compactMap(\.objective))
        let best = try XCTUnwrap(traces[1].objectValue?["y"]?.arrayValue).compactMap(\.doubleValue)
        XCTAssertEqual(best.last, objectives.min())
        XCTAssertEqual(
            figure.objectValue?["layout"]?.objectValue?["yaxis"],
            ["title": ["text": "Objective 'rosenbrock'"]]
        )
    }

    func testEveryKindAndOutputNaming() throws {
        let sandbox = try hunted()
        defer { sandbox.remove() }
        for kind in ["lpi", "parallel_coordinates", "partial_dependencies", "durations"] {
            let plot = try sandbox.run(["plot", kind, "-n", "demo", "-t", "json", "-o", "out/\(kind)"])
            XCTAssertEqual(plot.status, 0, plot.stderr)
            XCTAssertEqual(plot.stdout, "Wrote out/\(kind).json\n")
        }
        let named = try sandbox.run(["plot", "lpi", "-n", "demo", "-t", "html", "-o", "fig.json"])
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertEqual(named.stdout, "Wrote fig.json\n", "the extension overrides -t")
        let rungs = try sandbox.run(["plot", "rungs", "-n", "demo"])
        XCTAssertEqual(rungs.status, 2)
        XCTAssertTrue(rungs.stderr.hasPrefix("Error: the experiment has no fidelity dimension"), rungs.stderr)
        let kind = try sandbox.run(["plot", "pie", "-n", "demo"])
        XCTAssertEqual(kind.status, 2)
        XCTAssertTrue(kind.stderr.contains("unknown plot kind 'pie'"), kind.stderr)
        // `--scale -1` is the value -1, out of range, as `--scale=-1` (it was "Missing value"; hBD's probe).
        for scale in [["--scale", "-1"], ["--scale=-1"]] {
            let bad = try sandbox.run(["plot", "regret", "-n", "demo", "-t", "png"] + scale)
            XCTAssertEqual(bad.status, 2, "\(scale): \(bad.stderr)")
            XCTAssertEqual(
                bad.stderr,
                "Error: --scale must be a number above 0 and at most 20 (got -1.0)\n",
                "\(scale)"
            )
        }
        let missing = try sandbox.run(["plot", "regret", "-n", "nope"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no experiment named 'nope'"), missing.stderr)
    }

    func testHTMLIsSelfContained() throws {
        guard let plotly = plotlyJS() else {
            throw XCTSkip("plotly.js is not in this build: run scripts/services/plotly.sh, then swift build")
        }
        let sandbox = try hunted()
        defer { sandbox.remove() }
        let plot = try sandbox.run(["plot", "regret", "-n", "demo"])
        XCTAssertEqual(plot.status, 0, plot.stderr)
        XCTAssertEqual(plot.stdout, "Wrote demo-v1_regret.html\n", "html is the default type")
        let page = try Data(contentsOf: URL(fileURLWithPath: sandbox.directory + "/demo-v1_regret.html"))
        let range = try XCTUnwrap(page.range(of: plotly), "plotly.js is inlined")
        var rest = page
        rest.removeSubrange(range)
        let text = String(decoding: rest, as: UTF8.self)
        XCTAssertFalse(text.contains("http:") || text.contains("https:") || text.contains("src="), text)
        XCTAssertTrue(text.contains("best-to-date") && text.contains("Plotly.newPlot"), text)
    }

    func testImagesThroughChromium() throws {
        guard plotlyJS() != nil else {
            throw XCTSkip("plotly.js is not in this build: run scripts/services/plotly.sh, then swift build")
        }
        guard let chromium = ProcessInfo.processInfo.environment["ORION_TEST_CHROMIUM"], !chromium.isEmpty else {
            throw XCTSkip(
                "ORION_TEST_CHROMIUM (the browser's path) is not set; scripts/test sets it when chromium is installed"
            )
        }
        let sandbox = try hunted()
        defer { sandbox.remove() }
        setenv("ORION_CHROMIUM", chromium, 1)
        defer { unsetenv("ORION_CHROMIUM") }
        let svg = try sandbox.run(["plot", "regret", "-n", "demo", "-o", "regret.svg"], timeout: 400)
        XCTAssertEqual(svg.status, 0, svg.stderr)
        let text = try String(contentsOfFile: sandbox.directory + "/regret.svg", encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("<svg"), String(text.prefix(100)))
        XCTAssertTrue(text.contains("best-to-date"))
        let png = try sandbox.run(["plot", "lpi", "-n", "demo", "-t", "png", "--scale", "2"], timeout: 400)
        XCTAssertEqual(png.status, 0, png.stderr)
        let image = try Data(contentsOf: URL(fileURLWithPath: sandbox.directory + "/demo-v1_lpi.png"))
        XCTAssertEqual(Array(image.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR width, big-endian at offset 16: 700 px at scale 2.
        XCTAssertEqual(image[16..<20].reduce(0) { $0 << 8 | Int($1) }, 1400)
    }
}
