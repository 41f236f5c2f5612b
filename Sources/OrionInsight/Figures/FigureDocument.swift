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
    ///   - width: a fixed width in pixels (for printing); `nil` to fill the window.
    ///   - height: a fixed height in pixels; `nil` to fill the window.
    /// - Returns: the HTML, UTF-8.
    /// - Throws: `EncodingError` if the figure cannot be encoded (it always can).
    public static func html(
        figure: JSONValue,
        title: String,
        plotly: Data,
        width: Int? = nil,
        height: Int? = nil
    ) throws -> Data {
        let json = try scriptJSON(figure)
        let size =
            if let width, let height { "width: \(width)px; height: \(height)px;" } else {
                "width: 100%; height: 100vh;"
            }
        var page = Data()
        page.append(
            Data(
                """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>\(escape(title))</title>
                <style>html, body { margin: 0; height: 100%; } #figure { \(size) }</style>
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

    /// A page that draws `figure` as an image with plotly.js's `toImage` and leaves the data URL, prefixed with
    /// `ok:` (or `error:` and the reason), in `<pre id="out">`, then drops its scripts so the DOM stays small.
    static func imagePage(figure: JSONValue, format: String, width: Int, height: Int, scale: Double, plotly: Data)
        throws -> Data
    {
        let json = try scriptJSON(figure)
        var page = Data("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><script>\n".utf8)
        page.append(plotly)
        page.append(
            Data(
                """

                </script></head><body><pre id="out"></pre>
                <script id="figure-data" type="application/json">\(json)</script>
                <script>
                var figure = JSON.parse(document.getElementById("figure-data").textContent);
                function finish(text) {
                  document.getElementById("out").textContent = text;
                  document.querySelectorAll("script").forEach(function (s) { s.remove(); });
                }
                Plotly.toImage({data: figure.data, layout: figure.layout},
                  {format: "\(format)", width: \(width), height: \(height), scale: \(scale)})
                  .then(function (url) { finish("ok:" + url); }, function (e) { finish("error:" + e); });
                </script></body></html>

                """.utf8
            )
        )
        return page
    }

    /// The figure as JSON text that can sit inside a `<script>` element (`</` escaped).
    static func scriptJSON(_ figure: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(figure), as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
    }

    /// `text` with `&`, `<`, `>` and `"` escaped for HTML.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
