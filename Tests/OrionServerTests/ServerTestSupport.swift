import Foundation
import OrionCore
import OrionServer
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An `APIServer` running in this process on a free loopback port, and a real HTTP client for it.
final class RunningServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>

    /// Starts `server` (its configuration's port is replaced by 0: any free port) and waits until it listens.
    init(
        storage: any Storage,
        frontendsURI: [String] = [],
        storageThreads: Int = 8,
        plots: PlotRoutes.Renderer? = PlotRoutes.insight
    ) async throws {
        let server = APIServer(
            storage: storage,
            configuration: ServerConfiguration(
                host: "127.0.0.1",
                port: 0,
                frontendsURI: frontendsURI,
                storageThreads: storageThreads
            ),
            plots: plots
        )
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        task = Task { try await server.run { port in continuation.yield(port) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw XCTSkip("the server did not start") }
        self.port = port
    }

    /// Stops the server.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// A GET of `path`, with `headers`.
    func get(
        _ path: String,
        headers: [String: String] = [:],
        method: String = "GET",
        timeout: TimeInterval = 30
    ) async throws -> HTTPAnswer {
        let url = try XCTUnwrap(URL(string: "http://127.0.0.1:\(port)\(path)"))
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try XCTUnwrap(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return HTTPAnswer(status: http.statusCode, headers: fields, body: data)
    }
}

extension RunningServer {
    /// Sends `request` as it is on a new TCP connection and reads until the server closes it or `seconds` pass.
    ///
    /// - Returns: what was read, and whether the server closed the connection.
    func exchange(_ request: String, waitingAtMost seconds: Double) throws -> (text: String, closed: Bool) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw POSIXError(.EIO)
        }
        let deadline = Date().addingTimeInterval(seconds)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}

/// A response: status, headers (lower-cased names) and body.
struct HTTPAnswer: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data

    /// The body as JSON.
    func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    /// The body as a JSON object.
    func object() throws -> [String: Any] { try XCTUnwrap(try json() as? [String: Any], text) }
    /// The body as a JSON array.
    func array() throws -> [Any] { try XCTUnwrap(try json() as? [Any], text) }
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Experiments with known trials.
enum ServerFixture {
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    /// Stores experiment `name` with `count` trials: `/x = i`, submitted `i` seconds after `epoch`; every third
    /// trial is `new`, the others `completed` with objective `(i * 7919) % count` (distinct values in a shuffled
    /// order) and one statistic, except every tenth, which is `broken`.
    @discardableResult
    static func seed(
        _ storage: any Storage,
        name: String,
        count: Int,
        maxTrials: Int? = 100,
        maxBroken: Int = 3,
        id: String = Experiment.makeID()
    ) async throws -> Experiment {
        let experiment = Experiment(
            id: id,
            name: name,
            space: try Space(
                priors: ["x": "randint(0, 1000000)", "opt/lr": "loguniform(1e-5, 1)", "net.depth": "randint(1, 9)"]
            ),
            algorithm: AlgorithmConfig(name: "random", options: ["seed": .int(1)]),
            maxTrials: maxTrials,
            maxBroken: maxBroken,
            metadata: ExperimentMetadata(user: "tester", datetime: epoch, userArgs: ["./train.py"])
        )
        try await storage.createExperiment(experiment)
        var trials: [Trial] = []
        for index in 0..<count {
            let params = Parameters([
                Trial.Param(name: "net.depth", type: .integer, value: .int(3)),
                Trial.Param(name: "opt/lr", type: .real, value: .double(0.001)),
                Trial.Param(name: "x", type: .integer, value: .int(index)),
            ])
            var trial = Trial(
                experimentID: experiment.id,
                params: params,
                submitTime: epoch.addingTimeInterval(Double(index))
            )
            if index % 3 != 0 {
                trial.startTime = trial.submitTime.addingTimeInterval(1)
                trial.endTime = trial.submitTime.addingTimeInterval(2.5)
                if index % 10 == 0 {
                    trial.status = .broken
                } else {
                    trial.status = .completed
                    trial.results = [
                        TrialResult(name: "loss", type: .objective, value: .double(Double((index * 7919) % count))),
                        TrialResult(name: "epochs", type: .statistic, value: .int(index)),
                    ]
                }
            }
            trials.append(trial)
        }
        try await storage.registerTrials(trials)
        return experiment
    }
}
