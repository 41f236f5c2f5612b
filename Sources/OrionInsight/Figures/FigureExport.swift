import Foundation
import OrionCore

/// What `orion plot` writes: the output file's path and format (Oríon's naming), and its bytes.
public enum FigureExport {
    /// The format `orion plot` writes when neither `-t` nor the output's extension says: `html`.
    ///
    /// Oríon's default is `png`, which needs an image renderer (kaleido there, Chromium here) that a fresh machine
    /// lacks; an HTML page needs nothing and opens offline (docs/plotting.md).
    public static let defaultFormat = FigureFormat.html

    /// A figure's JSON text as plotly.py's `to_json` writes it.
    ///
    /// As Oríon 0.2.7's `/plots` and `orion plot -t json` write it: the text of ``JSONValue/asciiPythonJSON``, then
    /// `<`, `>` and `/` escaped (`\u003c`, `\u003e`, `\u002f`, plotly's guard for JSON inlined in HTML) and every
    /// character beyond ASCII written `\uXXXX` (Python's `ensure_ascii`, a surrogate pair above U+FFFF). Outside
    /// strings JSON holds none of these characters, so the text is rewritten as a whole; the value a parser reads
    /// is unchanged.
    ///
    /// - Parameter figure: the figure.
    /// - Returns: its JSON text.
    public static func plotlyJSON(_ figure: JSONValue) -> String {
        var text = ""
        for unit in figure.asciiPythonJSON.unicodeScalars {
            switch unit {
            case "<": text += "\\u003c"
            case ">": text += "\\u003e"
            case "/": text += "\\u002f"
            default: text.unicodeScalars.append(unit)
            }
        }
        return text
    }

    /// The output path and format, as Oríon names them: `{name}-v{version}_{kind}.{type}` in the current
    /// directory without `output`; an `output` whose extension is a type's takes its format from it (overriding
    /// `type`), any other (`lr_0.01`, none) gets `.{type}` appended.
    ///
    /// - Parameters:
    ///   - kind: the plot.
    ///   - experiment: the experiment (name and version).
    ///   - type: the `-t` value, if given.
    ///   - output: the `-o` value, if given (empty means not given).
    /// - Returns: the path and the format.
    /// - Throws: ``InsightError`` `.invalidOption` for an unknown type.
    public static func destination(kind: PlotKind, experiment: Experiment, type: String?, output: String?)
        throws(InsightError) -> (path: String, format: FigureFormat)
    {
        let requested = try type.map { (name) throws(InsightError) in try FigureFormat(named: name) } ?? defaultFormat
        guard let output, !output.isEmpty else {
            // In the current directory whatever the name (one imported from Oríon may hold `/`).
            let name = experiment.name.replacingOccurrences(of: "/", with: "_")
            return ("\(name)-v\(experiment.version)_\(kind.rawValue).\(requested.rawValue)", requested)
        }
        let fileName = (output as NSString).lastPathComponent
        let extensionName = (fileName as NSString).pathExtension
        guard !extensionName.isEmpty, !fileName.hasPrefix(".") || fileName.dropFirst().contains(".") else {
            return ("\(output).\(requested.rawValue)", requested)
        }
        // Not a type's extension (`-o lr_0.01`, `-o run.v2`): part of the name, as in Oríon, which appends the type.
        guard let format = FigureFormat(rawValue: extensionName.lowercased()) else {
            return ("\(output).\(requested.rawValue)", requested)
        }
        return (output, format)
    }

    /// The file's bytes for `figure` in `format`.
    ///
    /// - Parameters:
    ///   - figure: the figure JSON.
    ///   - format: the output format.
    ///   - title: the page title (HTML).
    ///   - scale: the image scale (raster formats).
    ///   - renderer: finds the browser, called only for image formats.
    /// - Returns: the bytes.
    /// - Throws: ``InsightError`` `.missingAsset` without plotly.js (html, images) or a browser (images).
    public static func data(
        of figure: JSONValue,
        format: FigureFormat,
        title: String,
        scale: Double = 1,
        renderer: () throws -> ChromiumRenderer = { try ChromiumRenderer.find() }
    ) throws -> Data {
        switch format {
        case .json:
            return Data(plotlyJSON(figure).utf8)
        case .html:
            return try FigureDocument.html(figure: figure, title: title, plotly: try PlotlyAsset.requireJavaScript())
        case .png, .jpg, .jpeg, .webp, .svg, .pdf:
            let browser = try renderer()
            return try browser.render(figure, format: format, scale: scale, plotly: try PlotlyAsset.requireJavaScript())
        }
    }
}
