import Hummingbird
import NIOCore
import OrionInsight

/// The web dashboard: one HTML page, a style sheet and a script, embedded in the binary.
///
/// No build step, nothing fetched at run time. It reads the same REST API as any client and routes with the URL's hash
/// (`#/experiments/NAME`, `#/experiments/NAME/trials?sort=objective`), so every view survives a reload.
enum Dashboard {
    /// Registers `/dashboard` and its assets.
    static func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/dashboard") { _, _ in page() }
        router.get("/dashboard/app.js") { _, _ in
            JSONResponse.text(DashboardAssets.script, contentType: "text/javascript; charset=utf-8")
        }
        router.get("/dashboard/app.css") { _, _ in
            JSONResponse.text(DashboardAssets.style, contentType: "text/css; charset=utf-8")
        }
        router.get("/dashboard/plotly.min.js") { _, _ in
            // plotly.js as OrionInsight embeds it (scripts/services/plotly.sh); without it the page says plots are
            // not available.
            guard let script = PlotlyAsset.javaScript else { throw APIError.bare(.notFound) }
            return Response(
                status: .ok,
                headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=86400"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: script))
            )
        }
    }

    /// The page.
    static func page() -> Response {
        JSONResponse.text(DashboardAssets.page, contentType: "text/html; charset=utf-8")
    }
}
