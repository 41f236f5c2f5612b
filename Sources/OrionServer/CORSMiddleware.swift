import HTTPTypes
import Hummingbird

/// Oríon's cross-origin rule: a request from a page of another origin is answered only when that origin is in
/// `frontends_uri`, with `access-control-allow-origin`; any other origin gets 403 `{"title": "403 Forbidden"}`.
///
/// Requests without an `Origin` header (curl, scripts, the dashboard served by this server) are not cross-origin
/// and pass; so does a request whose origin is this server itself (`http://` + its `Host`).
struct CORSMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The allowed origins (`frontends_uri`).
    let allowedOrigins: Set<String>

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], !origin.isEmpty else { return try await next(request, context) }
        let ownOrigin = request.head.authority.map { "http://" + $0 }
        guard allowedOrigins.contains(origin) || origin == ownOrigin else {
            return APIError.bare(.forbidden).response
        }
        // A preflight is an OPTIONS with the method it asks for; another OPTIONS is answered as without an origin
        // (200, `allow: GET`), with the origin allowed. The API's routes answer GET (HEAD is the dashboard's files').
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin,
                    .accessControlAllowMethods: "GET, OPTIONS",
                    .accessControlAllowHeaders: request.headers[.accessControlRequestHeaders] ?? "",
                    .vary: "Origin",
                ]
            )
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = response.headers[.vary].map { $0 + ", Origin" } ?? "Origin"
        return response
    }
}
