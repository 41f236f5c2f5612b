import Foundation
import OrionCore

/// A figure as a self-contained HTML page: plotly.js inlined, the figure's JSON in the page; it opens offline (no
/// script, style or font is fetched).
public enum FigureDocument {
    /// The page of `figure`.
    ///
    /// - Parameters:
    ///   - figure: plotly figure JSON (``Figure``).
    ///   - title: the page's title.
    ///   - plotly: the plotly.js source to inline (``PlotlyAsset/requireJavaScript()``).
    /// - Returns: the HTML, UTF-8.
    /// - Throws: `EncodingError` if the figure cannot be encoded (it always can).
    public static func html(figure: JSONValue, title: String, plotly: Data) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // `</` inside a script element would end it: escape the slash.
        let json = String(decoding: try encoder.encode(figure), as: UTF8.self)
            .replacingOccurrences(of: "</", with: "<\\/")
        var page = Data()
        page.append(
            Data(
                """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>\(escape(title))</title>
                <style>html, body { margin: 0; height: 100%; } #figure { width: 100%; height: 100vh; }</style>
                <script>
                """.utf8
            )
        )
        page.append(plotly)
        page.append(
            Data(
                """

                </script>
                </head>
                <body>
                <div id="figure"></div>
                <script id="figure-data" type="application/json">\(json)</script>
                <script>
                var figure = JSON.parse(document.getElementById("figure-data").textContent);
                Plotly.newPlot("figure", figure.data, figure.layout, {responsive: true});
                </script>
                </body>
                </html>

                """.utf8
            )
        )
        return page
    }

    /// `text` with `&`, `<`, `>` and `"` escaped for HTML.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
