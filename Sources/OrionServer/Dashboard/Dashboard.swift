import Foundation
import Hummingbird
import NIOCore
import OrionCore
import OrionInsight

/// The web dashboard: one HTML page, a style sheet and a script, embedded in the binary.
///
/// No build step, nothing fetched at run time. It reads the same REST API as any client and routes with the URL's hash
/// (`#/experiments/NAME`, `#/experiments/NAME/trials?sort=objective`), so every view survives a reload. `orion serve`
/// serves it beside the API (same origin); `orion frontend` serves it alone and names the API's origin in the page
/// (``page(backend:)``).
enum Dashboard {
    /// Registers `/dashboard` and its assets; with `backend`, the page reads the API there.
    static func register<Context: RequestContext>(on router: Router<Context>, backend: String? = nil) {
        let assets: [(path: String, answer: @Sendable () throws -> Response)] = [
            ("/dashboard", { page(backend: backend) }),
            (
                "/dashboard/app.js",
                {
                    JSONResponse.text(DashboardAssets.script, contentType: "text/javascript; charset=utf-8")
                }
            ),
            (
                "/dashboard/app.css",
                { JSONResponse.text(DashboardAssets.style, contentType: "text/css; charset=utf-8") }
            ),
            (
                "/dashboard/plotly.min.js",
                {
                    // plotly.js as OrionInsight embeds it (scripts/services/plotly.sh); without it the page says plots are
                    // not available.
                    // The 404 as a response, not thrown: `orion frontend` has no error middleware, and a thrown error
                    // was a 500 there, which the page read as a failed load to retry (hBD's probe).
                    guard let script = PlotlyAsset.javaScript else { return APIError.bare(.notFound).response }
                    return Response(
                        status: .ok,
                        headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=86400"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: script))
                    )
                }
            ),
        ]
        for asset in assets {
            router.get(RouterPath(asset.path)) { _, _ in try asset.answer() }
            // HEAD answers as GET does, without the body: the page asks `HEAD /dashboard/plotly.min.js` after the
            // script failed to load, and took the 404 every HEAD got for "plots are not available in this build".
            router.head(RouterPath(asset.path)) { _, _ in
                var response = try asset.answer()
                response.body = ResponseBody()
                return response
            }
        }
    }

    /// The page; with `backend` (an API on another origin, `orion frontend --backend`), a script line before the
    /// dashboard's sets `window.__ORION_BACKEND__`, the name Oríon's dashboard build uses, which the script prefixes
    /// to every API path.
    static func page(backend: String? = nil) -> Response {
        JSONResponse.text(pageText(backend: backend), contentType: "text/html; charset=utf-8")
    }

    /// The page's text (see ``page(backend:)``).
    static func pageText(backend: String?) -> String {
        guard let backend else { return DashboardAssets.page }
        let line = "<script>window.__ORION_BACKEND__ = \(scriptString(backend));</script>\n"
        return DashboardAssets.page.replacingOccurrences(
            of: "<script src=\"/dashboard/app.js\">",
            with: line + "<script src=\"/dashboard/app.js\">"
        )
    }

    /// `text` as a JavaScript string literal that can sit inside a `<script>` element: its JSON text (ASCII only, so
    /// U+2028 and U+2029 are escaped too) with `<`, `>` and `&` escaped, which in JSON text occur inside strings only.
    static func scriptString(_ text: String) -> String {
        JSONValue.string(text).asciiPythonJSON
            .replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }
}
