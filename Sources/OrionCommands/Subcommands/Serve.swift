import ArgumentParser
import Foundation
import OrionCore
import OrionServer
import Yams

/// `orion serve`: Oríon's read-only REST API and the web dashboard, on 127.0.0.1:8000 by default.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the REST API and the web dashboard (read-only; 127.0.0.1:8000 unless told otherwise).",
        discussion: """
            The address comes from --host/--port, else from `gunicorn: {bind: 'HOST:PORT'}` in the --config file, \
            else 127.0.0.1:8000. Browser pages of other origins may call the API only when listed in \
            `frontends_uri` (the --config file, ORION_WEBAPI_FRONTENDS_URI, or --frontends-uri; by default, as in \
            Oríon, http://localhost:3000). The dashboard is \
            at http://HOST:PORT/dashboard (and at / for a browser). See docs/serving.md.
            """
    )

    @OptionGroup var options: StorageOptions

    @Option(help: "The address to bind (default 127.0.0.1; the API has no authentication).")
    var host: String?

    @Option(help: "The port to bind (default 8000; 0 picks a free one, printed on start).")
    var port: Int?

    @Option(
        name: .customLong("frontends-uri"),
        help: "Origins allowed to call the API from a browser page, comma-separated (frontends_uri)."
    )
    var frontendsURI: String?

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let web = try WebSettings.resolve(
                file: options.config,
                environment: ProcessInfo.processInfo.environment,
                host: host,
                port: port,
                frontendsURI: frontendsURI
            )
            for note in web.notes { StandardStream.emit("note: \(note)\n", to: 2) }
            // A server started before the first hunt serves the database that hunt will write (Oríon serves a new
            // file as empty): it is created, not read as an empty storage of its own.
            // A request waits at most `requestRetryFor` for an unreachable PostgreSQL server, then is answered 503
            // with Retry-After (a worker's minute would hold the dashboard's every request).
            let context = try CommandContext(
                options: options.experimentOptions(),
                createStorage: true,
                postgresRetryFor: APIServer.requestRetryFor
            )
            let server = APIServer(
                storage: context.storage,
                configuration: ServerConfiguration(host: web.host, port: web.port, frontendsURI: web.frontendsURI)
            )
            try await context.closingStorage {
                try await server.run(signals: true) { port in
                    let base = "http://\(web.host.contains(":") ? "[\(web.host)]" : web.host):\(port)"
                    StandardStream.emit("Serving on \(base) (dashboard: \(base)/dashboard)\n")
                }
            }
        }
    }
}

/// Where `orion serve` listens and which origins it allows: flags < `--config` file (`gunicorn.bind`,
/// `frontends_uri`) < `ORION_WEBAPI_FRONTENDS_URI`, flags winning.
struct WebSettings: Equatable {
    var host = "127.0.0.1"
    var port = 8000
    /// Oríon's default when no `frontends_uri` is given: the page of its dashboard, `orion frontend`.
    var frontendsURI = ["http://localhost:3000"]
    /// What the command says on stderr before it serves (a `bind` list of which only the first is used).
    var notes: [String] = []

    /// Resolves the settings.
    ///
    /// - Throws: ``UsageError`` for an unreadable file, a malformed `bind` or a port out of range.
    static func resolve(
        file: String?,
        environment: [String: String],
        host: String?,
        port: Int?,
        frontendsURI: String?
    ) throws -> WebSettings {
        var settings = WebSettings()
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw UsageError("cannot read the configuration file \(file): \(error.localizedDescription)")
            }
            let root = (try? Yams.load(yaml: text)) as? [String: Any] ?? [:]
            if let gunicorn = root["gunicorn"] as? [String: Any], let bind = gunicorn["bind"] {
                let list = (bind as? [Any])?.compactMap { $0 as? String }
                let text = (bind as? String) ?? list?.first
                guard let text else { throw UsageError("gunicorn.bind in \(file) must be 'HOST:PORT'") }
                (settings.host, settings.port) = try parseBind(text, source: "gunicorn.bind in \(file)")
                if let list, list.count > 1 {
                    // Gunicorn listens on each; this server on one address (probe p44b: the others were left out
                    // in silence).
                    settings.notes.append(
                        "gunicorn.bind in \(file) lists \(list.count) addresses; orion serve listens on the first, \(text)"
                    )
                }
            }
            if let uris = root["frontends_uri"] { settings.frontendsURI = list(uris) }
        }
        if let uris = environment["ORION_WEBAPI_FRONTENDS_URI"] { settings.frontendsURI = list(uris) }
        if let frontendsURI { settings.frontendsURI = list(frontendsURI) }
        if let host { settings.host = host }
        if let port { settings.port = port }
        guard (0...65_535).contains(settings.port) else {
            throw UsageError("the port \(settings.port) is out of range: give 0 to 65535 (--port)")
        }
        return settings
    }

    /// `HOST:PORT`, `[IPv6]:PORT`, `HOST` (port 8000) or `:PORT` (every interface), with gunicorn's optional
    /// `tcp://` in front.
    static func parseBind(_ given: String, source: String) throws -> (String, Int) {
        let text = given.hasPrefix("tcp://") ? String(given.dropFirst("tcp://".count)) : given
        if text.hasPrefix(":"), let port = Int(text.dropFirst()), (0...65_535).contains(port) {
            return ("0.0.0.0", port)
        }
        var hostPart = Substring(text)
        var portPart: Substring?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") { portPart = rest.dropFirst() }
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard !hostPart.isEmpty, !text.hasPrefix("unix:") else {
            let unix = text.hasPrefix("unix:") ? "; unix sockets are not supported" : ""
            throw UsageError("\(source) must be 'HOST:PORT' (got '\(given)')\(unix)")
        }
        guard let portPart else { return (String(hostPart), 8000) }
        guard let port = Int(portPart), (0...65_535).contains(port) else {
            throw UsageError("\(source) has no valid port in '\(given)': give 'HOST:PORT' with a port of 0 to 65535")
        }
        return (String(hostPart), port)
    }

    /// A YAML list, or a comma-separated string, of origins.
    static func list(_ value: Any) -> [String] {
        if let items = value as? [Any] { return items.compactMap { $0 as? String } }
        guard let text = value as? String else { return [] }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
