import ArgumentParser
import Foundation
import OrionCore
import OrionServer

/// `orion frontend`: the dashboard alone on localhost:3000, reading the REST API of `orion serve` (Oríon 0.2.7's
/// `-p/--port` and `-b/--backend`).
struct Frontend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web dashboard alone, reading the REST API of `orion serve` (localhost:3000).",
        discussion: """
            The page calls the API at --backend from another origin, which `orion serve` allows for the origins in \
            its `frontends_uri` (by default http://localhost:3000, this command's default page). `orion serve` \
            also serves the same dashboard itself at /dashboard. See docs/serving.md.
            """
    )

    @Option(name: [.customShort("p"), .long], help: "The port to bind (0 picks a free one).")
    var port = 3000

    @Option(name: [.customShort("b"), .long], help: "The REST API's address.")
    var backend = "http://127.0.0.1:8000"

    @Option(help: "The address to bind (127.0.0.1 is what the page's address http://localhost:PORT reaches).")
    var host = "127.0.0.1"

    func validate() throws {
        guard (0...65_535).contains(port) else {
            throw ValidationError("the port \(port) is out of range: give 0 to 65535 (--port)")
        }
    }

    func run() async throws {
        try await CommandRunner.run(verbose: false) {
            let server: FrontendServer
            do {
                server = try FrontendServer(host: host, port: port, backend: backend)
            } catch {
                throw UsageError(
                    "--backend '\(backend)' is not the REST API's address: give http://HOST:PORT "
                        + "(where `orion serve` listens)"
                )
            }
            let shown = host == "127.0.0.1" || host == "::1" ? "localhost" : host
            try await server.run(signals: true) { port in
                let page = "http://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)"
                StandardStream.emit("Serving the dashboard on \(page) (REST API: \(server.backend))\n")
            }
        }
    }
}
