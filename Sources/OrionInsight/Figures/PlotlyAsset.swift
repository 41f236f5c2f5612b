import COrionAssets
import Foundation

/// plotly.js, embedded in the binary when the build had it (scripts/services/plotly.sh fetches it): what an HTML
/// figure inlines and the dashboard serves, so that nothing is fetched at run time.
public enum PlotlyAsset {
    /// The plotly.js version scripts/services/plotly.sh fetches (from the `plotly` Python package's wheel).
    public static let pinnedVersion = "plotly.js 4.1.1 (PyPI plotly 7.1.0)"

    /// The minified plotly.js source, or `nil` when this build was made without it.
    public static var javaScript: Data? {
        guard let bytes = orion_plotly_js() else { return nil }
        let count = orion_plotly_js_length()
        return count > 0 ? Data(bytes: bytes, count: count) : nil
    }

    /// The minified plotly.js source.
    ///
    /// - Returns: the JavaScript.
    /// - Throws: ``InsightError`` `.missingAsset` saying how to build with it.
    public static func requireJavaScript() throws(InsightError) -> Data {
        guard let script = javaScript else {
            throw InsightError(
                .missingAsset,
                "this orion was built without plotly.js; run scripts/services/plotly.sh, then swift build again"
                    + " (or use -t json)"
            )
        }
        return script
    }
}
