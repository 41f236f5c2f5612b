import Foundation
import Hummingbird
import OrionCore

/// Where and how `orion serve` listens.
public struct ServerConfiguration: Sendable, Hashable {
    /// The address to bind (loopback by default: the API has no authentication).
    public var host: String
    /// The port to bind; 0 picks a free one (``APIServer/run(onStart:)`` tells which).
    public var port: Int
    /// Origins allowed to call the API from a browser page (`frontends_uri`); others get 403.
    public var frontendsURI: [String]
    /// How many storage calls may wait at once (threads of the ``StorageExecutor``).
    public var storageThreads: Int

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - host: the address to bind.
    ///   - port: the port (0: any free one).
    ///   - frontendsURI: the allowed cross-origin pages.
    ///   - storageThreads: the storage calls' threads.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8000,
        frontendsURI: [String] = [],
        storageThreads: Int = 8
    ) {
        self.host = host
        self.port = port
        self.frontendsURI = frontendsURI
        self.storageThreads = storageThreads
    }
}

/// `orion serve`: Oríon's read-only REST API and the web dashboard, over one storage.
///
/// Routes and JSON shapes follow Oríon 0.2.7 (`/`, `/experiments`, `/experiments/:name`, `/experiments/status/:name`,
/// `/trials/:name`, `/trials/:name/:id`, `/plots/:kind/:name`, `/benchmarks`, `/benchmarks/:name`), errors are
/// `{"title", "description"}` with Oríon's titles, and an unknown route is `{"title": "404 Not Found"}`. Extensions:
/// paging on `/trials/:name`, `/trial-rows/:name` for the dashboard's table, `/openapi.json`, and the dashboard at
/// `/dashboard` (and at `/` for a client that asks for HTML). Storage calls run on a ``StorageExecutor``.
public struct APIServer: Sendable {
    /// The storage read.
    public let storage: any Storage
    /// Where and how to listen.
    public let configuration: ServerConfiguration
    /// The backend's name shown by `/` (`SQLiteStorage`, `PostgresStorage`, ...).
    public let databaseName: String
    /// The plots, when a renderer is given.
    public let plots: PlotRoutes.Renderer?

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - storage: the storage to read.
    ///   - configuration: where and how to listen.
    ///   - databaseName: the backend's name for `/` (default: the storage's type name).
    ///   - plots: renders `/plots/:kind/:name` (default: OrionInsight's figures; `nil`: those routes answer 501).
    public init(
        storage: any Storage,
        configuration: ServerConfiguration = ServerConfiguration(),
        databaseName: String? = nil,
        plots: PlotRoutes.Renderer? = PlotRoutes.insight
    ) {
        self.storage = storage
        self.configuration = configuration
        self.databaseName = databaseName ?? String(describing: type(of: storage))
        self.plots = plots
    }

    /// How long a request waits for a storage that cannot be reached (a PostgreSQL server down or restarting)
    /// before it is answered 503; that answer's `retry-after`, in seconds.
    public static let requestRetryFor = Duration.seconds(5)

    /// Serves until the task is cancelled or, with `signals`, until one of them arrives.
    ///
    /// - Parameters:
    ///   - signals: whether SIGINT and SIGTERM stop the server gracefully (the command; not in-process tests).
    ///   - onStart: called once listening, with the bound port.
    /// - Throws: ``ListenError`` when the address cannot be bound.
    public func run(signals: Bool = false, onStart: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let executor = StorageExecutor(threads: configuration.storageThreads)
        let router = Router()
        router.add(middleware: CORSMiddleware(allowedOrigins: Set(configuration.frontendsURI)))
        router.add(middleware: APIErrorMiddleware())
        let api = APIRoutes(storage: storage, executor: executor, databaseName: databaseName)
        router.get("/") { request, _ in
            wantsHTML(request) ? Dashboard.page() : api.runtime()
        }
        api.register(on: router)
        PlotRoutes(api: api, renderer: plots).register(on: router)
        router.get("/openapi.json") { _, _ in JSONResponse.make(OpenAPIDocument.json) }
        Self.registerOtherMethods(on: router)
        Dashboard.register(on: router)
        let port = configuration.port
        var app = Application(
            router: router,
            server: ServerChannel.builder,
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: nil),
            onServerRunning: { channel in await onStart(channel.localAddress?.port ?? port) }
        )
        // The command says where it serves in its own words (stdout); the server's "started and listening" info line
        // on stderr would come first on a terminal. Warnings and errors still show.
        app.logger.logLevel = .warning
        do {
            try await app.runService(gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [])
        } catch {
            try? await executor.shutdown()
            throw ListenError.translating(error, host: configuration.host, port: port)
        }
        try? await executor.shutdown()
    }
}

extension APIServer {
    /// The API's routes, every one `GET` only.
    static let routes: [RouterPath] = [
        "/", "/experiments", "/experiments/:name", "/experiments/status", "/experiments/status/:name", "/trials/:name",
        "/trials/:name/:id",
        "/trial-rows/:name", "/benchmarks", "/benchmarks/:name", "/plots/:kind/:name", "/openapi.json",
    ]

    /// Another method on one of the API's routes is answered as Oríon's server (falcon) answers it: 405
    /// `{"title": "405 Method Not Allowed"}` with `allow: GET, OPTIONS`, and `OPTIONS` (not a CORS preflight, which
    /// ``CORSMiddleware`` answers first) 200 with `allow: GET`; not a 404, which would say the route does not exist.
    static func registerOtherMethods<Context: RequestContext>(on router: Router<Context>) {
        for path in routes {
            for method in [HTTPRequest.Method.head, .post, .put, .delete, .patch] {
                router.on(path, method: method) { _, _ -> Response in
                    var response = APIError.bare(.methodNotAllowed).response
                    response.headers[.allow] = "GET, OPTIONS"
                    return response
                }
            }
            router.on(path, method: .options) { _, _ -> Response in
                Response(status: .ok, headers: [.allow: "GET", .contentType: "application/json"])
            }
        }
    }
}

/// Whether the client prefers HTML (a browser) to JSON: `text/html` has a higher quality in `Accept` than
/// `application/json` (each taken from its most specific matching range); a tie, or no `Accept`, is JSON.
func wantsHTML(_ request: Request) -> Bool {
    guard let accept = request.headers[.accept] else { return false }
    let header = AcceptHeader(accept)
    return header.quality(of: "text/html") > header.quality(of: "application/json")
}

/// The media ranges of an `Accept` header with their qualities (RFC 9110, 12.5.1).
struct AcceptHeader {
    /// Each range, lower-cased (`text/html`, `text/*`, `*/*`), with its `q` (1 when absent).
    let ranges: [(range: String, quality: Double)]

    init(_ header: String) {
        ranges = header.split(separator: ",").compactMap { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let range = parts.first?.lowercased(), !range.isEmpty else { return nil }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == "q" { quality = Double(pair[1]) ?? 0 }
            }
            return (range, quality)
        }
    }

    /// The quality of `type` (`text/html`): that of its exact range, else of `text/*`, else of `*/*`, else 0.
    func quality(of type: String) -> Double {
        let family = type.split(separator: "/").first.map { $0 + "/*" } ?? ""
        for candidate in [type, family, "*/*"] {
            if let match = ranges.first(where: { $0.range == candidate }) { return match.quality }
        }
        return 0
    }
}
