import Foundation
import OrionCore
import Synchronization
import XCTest

@testable import OrionServer

final class PlotGateTests: XCTestCase {
    /// The gate lets `limit` bodies run at once, and a body that throws gives its turn back.
    func testTheGateBoundsTheBodiesRunningAtOnce() async throws {
        let gate = ConcurrencyGate(limit: 2)
        let inFlight = InFlight()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<10 {
                group.addTask {
                    do {
                        try await gate.run {
                            inFlight.enter()
                            try await Task.sleep(for: .milliseconds(20))
                            inFlight.leave()
                            if index % 3 == 0 { throw CancellationError() }
                        }
                    } catch is CancellationError {}
                }
            }
            try await group.waitForAll()
        }
        XCTAssertEqual(inFlight.most, 2)
        let after = try await gate.run { 7 }
        XCTAssertEqual(after, 7, "every turn was given back")
    }

    /// Nine plots at once held every thread of the storage executor, and a 5 ms status request waited 30 s. Now plots
    /// draw a quarter of the threads' worth at a time (one of four here), and a status request is answered while
    /// the first plot still draws (without the gate, it waited for a thread until a plot ended).
    func testPlotsLeaveThreadsToTheOtherRequests() async throws {
        let storage = InMemoryStorage()
        let experiment = Experiment(
            name: "slow",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        let drawing = InFlight()
        // A renderer that holds its storage thread for 500 ms, as a plot of a large experiment does.
        let server = try await RunningServer(storage: storage, storageThreads: 4) { _, _, _ in
            drawing.enter()
            usleep(500_000)
            drawing.leave()
            return "{}"
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Five: URLSession opens at most six connections to a host, and the status request needs one of them.
            for _ in 0..<5 {
                group.addTask {
                    let answer = try await server.get("/plots/regret/slow", timeout: 60)
                    XCTAssertEqual(answer.status, 200)
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            let status = try await server.get("/experiments/status/slow", timeout: 60)
            XCTAssertEqual(status.status, 200)
            XCTAssertEqual(drawing.done, 0, "the status request waited for a plot to end")
            try await group.waitForAll()
        }
        XCTAssertEqual(drawing.most, 1)
        await server.stop()
    }
}

final class APIErrorStatusTests: XCTestCase {
    /// An error of the storage (a database down) is a 503 titled as falcon titles it; the title read `"503 "`.
    func testAnErrorsTitleHasItsReasonPhrase() {
        let error = APIError.from(StorageError(.backend, "no connection to the PostgreSQL server could be made"))
        XCTAssertEqual(error.status.code, 503)
        XCTAssertEqual(error.title, "503 Service Unavailable")
        XCTAssertEqual(APIError.status(code: 500).reasonPhrase, "Internal Server Error")
        XCTAssertEqual(APIError.status(code: 418).code, 418)
    }

    /// A 503 says when to ask again (the dashboard and scripts back off instead of hammering a database that is
    /// down); other errors do not.
    func testAnUnavailableStorageIsAnsweredWithRetryAfter() {
        let unavailable = APIError.from(StorageError(.backend, "no connection to the PostgreSQL server")).response
        XCTAssertEqual(unavailable.headers[.retryAfter], "\(APIServer.requestRetryFor.components.seconds)")
        XCTAssertNil(APIError.experimentNotFound("x").response.headers[.retryAfter])
    }
}

/// How many bodies run now, the most at once, and how many ended.
private final class InFlight: Sendable {
    private let state = Mutex((now: 0, most: 0, done: 0))

    func enter() {
        state.withLock {
            $0.now += 1; $0.most = max($0.most, $0.now)
        }
    }
    func leave() {
        state.withLock {
            $0.now -= 1; $0.done += 1
        }
    }
    var most: Int { state.withLock { $0.most } }
    var done: Int { state.withLock { $0.done } }
}
