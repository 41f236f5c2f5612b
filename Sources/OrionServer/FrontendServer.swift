import Foundation
import Hummingbird

/// `orion frontend`: the dashboard alone, on its own port, reading the REST API of an `orion serve` elsewhere.
///
/// Oríon 0.2.7 splits its web interface in two: `orion serve` (the API, 127.0.0.1:8000) and `orion frontend` (the
/// dashboard's files, localhost:3000), whose page calls the API cross-origin, which the API allows for the origins
/// in its `frontends_uri` (by default `http://localhost:3000`). `orion serve` also serves the same dashboard itself
/// at `/dashboard`; this server is for setups that keep Oríon's two processes (a frontend on a login node, the API
/// elsewhere). It serves the page at `/` and `/dashboard`, and its script, style sheet and plotly.js; no storage.
public struct FrontendServer: Sendable {
    /// The address to bind.
    public var host: String
    /// The port to bind; 0 picks a free one (``run(signals:onStart:)`` tells which).
    public var port: Int
    /// The API's address (such as `http://127.0.0.1:8000`), without a trailing slash.
    public var backend: String

    /// The error for a `backend` that is not an http(s) origin.
    public struct BackendError: Error, Equatable {
        /// The address given.
        public var address: String
    }

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - host: the address to bind.
    ///   - port: the port (0: any free one).
    ///   - backend: the API's URL, `http://` or `https://` with a host.
    /// - Throws: ``BackendError`` for another URL.
    public init(host: String = "127.0.0.1", port: Int = 3000, backend: String = "http://127.0.0.1:8000") throws {
        guard let url = URL(string: backend), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            url.host?.isEmpty == false, url.query == nil, url.fragment == nil
        else { throw BackendError(address: backend) }
        self.host = host
        self.port = port
        var trimmed = backend
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.backend = trimmed
    }

    /// Serves until the task is cancelled or, with `signals`, until SIGINT or SIGTERM arrives.
    ///
    /// - Parameters:
    ///   - signals: whether SIGINT and SIGTERM stop the server gracefully (the command; not in-process tests).
    ///   - onStart: called once listening, with the bound port.
    /// - Throws: ``ListenError`` when the address cannot be bound.
    public func run(signals: Bool = false, onStart: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        let backend = backend
        router.get("/") { _, _ in Dashboard.page(backend: backend) }
        router.head("/") { _, _ in
            var response = Dashboard.page(backend: backend)
            response.body = ResponseBody()
            return response
        }
        Dashboard.register(on: router, backend: backend)
        var app = Application(
            router: router,
            server: ServerChannel.builder,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onStart(channel.localAddress?.port ?? port) }
        )
        // The command says where it serves in its own words (stdout); the server's "started and listening" info line
        // on stderr would come first on a terminal. Warnings and errors still show.
        app.logger.logLevel = .warning
        do {
            try await app.runService(gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [])
        } catch {
            throw ListenError.translating(error, host: host, port: port)
        }
    }
}
