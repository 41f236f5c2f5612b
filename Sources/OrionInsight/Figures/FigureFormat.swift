/// An output format of a figure: Oríon's `orion plot -t` types.
public enum FigureFormat: String, CaseIterable, Sendable {
    /// Plotly figure JSON (what the REST API returns).
    case json
    /// A self-contained page: plotly.js inlined, opens offline.
    case html
    /// A PNG image (headless Chromium).
    case png
    /// A JPEG image (headless Chromium).
    case jpg
    /// A JPEG image, another extension (headless Chromium).
    case jpeg
    /// A WebP image (headless Chromium).
    case webp
    /// An SVG image (headless Chromium).
    case svg
    /// A PDF page (headless Chromium).
    case pdf

    /// The format called `name` (a file extension, any case).
    ///
    /// - Parameter name: `png`, `html`, ...
    /// - Throws: ``InsightError`` `.invalidOption` naming the formats.
    public init(named name: String) throws(InsightError) {
        guard let format = FigureFormat(rawValue: name.lowercased()) else {
            throw InsightError(
                .invalidOption,
                "unknown output type '\(name)'; choose one of "
                    + FigureFormat.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        self = format
    }

    /// Whether making it needs a browser (every image format).
    public var needsBrowser: Bool { self != .json && self != .html }

    /// plotly.js's `toImage` format (`png`, `jpeg`, `webp`, `svg`), or `nil` for the others.
    var plotlyImageFormat: String? {
        switch self {
        case .png: "png"
        case .jpg, .jpeg: "jpeg"
        case .webp: "webp"
        case .svg: "svg"
        case .json, .html, .pdf: nil
        }
    }
}
