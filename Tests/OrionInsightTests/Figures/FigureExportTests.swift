import Foundation
import OrionCore
import XCTest

@testable import OrionInsight

final class FigureExportTests: XCTestCase {
    func testOrionsOutputNaming() throws {
        var experiment = try InsightFixtures.experiment(["/x": "uniform(0, 1)"], name: "demo")
        experiment.version = 3
        func destination(_ type: String?, _ output: String?) throws -> String {
            let (path, format) = try FigureExport.destination(
                kind: .lpi,
                experiment: experiment,
                type: type,
                output: output
            )
            return "\(path) \(format.rawValue)"
        }
        XCTAssertEqual(try destination(nil, nil), "demo-v3_lpi.html html")
        XCTAssertEqual(try destination("png", nil), "demo-v3_lpi.png png")
        XCTAssertEqual(try destination("json", ""), "demo-v3_lpi.json json")
        XCTAssertEqual(try destination("png", "fig.SVG"), "fig.SVG svg")
        XCTAssertEqual(try destination("json", "out/fig"), "out/fig.json json")
        XCTAssertEqual(try destination(nil, "out.d/fig"), "out.d/fig.html html")
        XCTAssertEqual(try destination("pdf", ".hidden"), ".hidden.pdf pdf")
        XCTAssertThrowsError(try destination("gif", nil)) {
            XCTAssertTrue("\($0)".hasPrefix("unknown output type 'gif'; choose one of json, html, png"), "\($0)")
        }
        // An extension that is no type's is part of the name, as in Oríon (run names like `lr_0.01`).
        XCTAssertEqual(try destination(nil, "fig.v2"), "fig.v2.html html")
        XCTAssertEqual(try destination("json", "lr_0.01"), "lr_0.01.json json")
        XCTAssertEqual(try destination("png", "x.gif"), "x.gif.png png")
    }

    /// `-t json` writes numbers as plotly.py's figure JSON (and the server's `/plots`): `1.0` for a whole double.
    func testJSONKeepsTheDecimalPointOfDoubles() throws {
        let figure: JSONValue = ["data": [["y": [.double(1), .double(0.5), .int(2)]]], "layout": [:]]
        let data = try FigureExport.data(of: figure, format: .json, title: "demo")
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"data":[{"y":[1.0,0.5,2]}],"layout":{}}"#)
    }

    /// The figure JSON's text is plotly.py's (`to_json`, engine `json`): `<`, `>` and `/` written `\u003c`,
    /// `\u003e`, `\u002f`, and every character beyond ASCII as `\uXXXX` (a surrogate pair above U+FFFF), as
    /// Oríon 0.2.7's `/plots` and `orion plot -t json` write it (checked with plotly 5 on `{"t": "<b>/é😀\u2028"}`).
    func testJSONEscapesAsPlotly() throws {
        let figure: JSONValue = ["data": [["hovertemplate": "<b>ID</b><br>/x: é😀\u{2028}"]], "layout": [:]]
        let data = try FigureExport.data(of: figure, format: .json, title: "demo")
        XCTAssertEqual(
            String(decoding: data, as: UTF8.self),
            #"{"data":[{"hovertemplate":"\u003cb\u003eID\u003c\u002fb\u003e\u003cbr\u003e"#
                + #"\u002fx: \u00e9\ud83d\ude00\u2028"}],"layout":{}}"#
        )
        XCTAssertEqual(FigureExport.plotlyJSON(figure), String(decoding: data, as: UTF8.self))
    }

    func testHTMLInlinesTheScriptAndEscapesTheFigure() throws {
        let figure: JSONValue = ["data": [], "layout": ["title": ["text": "</script><b>x"]]]
        let page = try FigureDocument.html(figure: figure, title: "a <b>", plotly: Data("/*plotly*/".utf8))
        let text = String(decoding: page, as: UTF8.self)
        XCTAssertTrue(text.contains("<script>/*plotly*/\n</script>"), text)
        XCTAssertTrue(text.contains("<title>a &lt;b&gt;</title>"), text)
        XCTAssertTrue(text.contains("<\\/script><b>x"), text)
        XCTAssertEqual(text.components(separatedBy: "</script>").count, 4, "three script elements, none broken")
    }

    func testImageFromTheDumpedDOM() throws {
        let svg = Data(#"<html><body><pre id="out">ok:data:image/svg+xml,%3Csvg%20a%3D%221%22%3E</pre></body>"#.utf8)
        XCTAssertEqual(
            String(decoding: try ChromiumRenderer.image(fromDOM: svg, format: .svg), as: UTF8.self),
            #"<svg a="1">"#
        )
        let png = Data(#"<pre id="out">ok:data:image/png;base64,iVBORw==</pre>"#.utf8)
        XCTAssertEqual(Array(try ChromiumRenderer.image(fromDOM: png, format: .png)), [0x89, 0x50, 0x4E, 0x47])
        let failed = Data(#"<pre id="out">error:Error: bad &lt;trace&gt;</pre>"#.utf8)
        XCTAssertThrowsError(try ChromiumRenderer.image(fromDOM: failed, format: .png)) {
            XCTAssertTrue("\($0)".contains("could not draw the figure: error:Error: bad <trace>"), "\($0)")
        }
    }

    func testMissingChromiumSaysWhatToInstall() {
        XCTAssertThrowsError(try ChromiumRenderer.find(environment: ["PATH": "/nonexistent"])) {
            XCTAssertEqual(($0 as? InsightError)?.code, .missingAsset)
            XCTAssertTrue("\($0)".contains("apt-get install chromium"), "\($0)")
        }
    }
}
