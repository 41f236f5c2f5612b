import Foundation
import OrionCore
import Synchronization

// Fixtures and comparisons shared by the storage checks.
extension StorageConformance {
    /// A fixed instant (whole seconds) from which the checks derive every date, so that no check reads the clock.
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    /// A fresh storage with a name prefix unique to one check, so that checks also work on a shared database.
    struct Fixture {
        let storage: any Storage
        let prefix: String

        init(_ storage: any Storage) {
            self.storage = storage
            prefix = "conformance-" + Experiment.makeID().prefix(8) + "-"
        }

        /// An experiment record (not stored) named `prefix + name`.
        func makeExperiment(_ name: String, version: Int = 1, id: String = Experiment.makeID()) throws -> Experiment {
            Experiment(
                id: id,
                name: prefix + name,
                version: version,
                space: try Space(priors: ["/x": "randint(0, 1000000)"]),
                algorithm: AlgorithmConfig(name: "random", options: ["seed": .int(1)]),
                maxTrials: 10,
                metadata: ExperimentMetadata(user: "conformance", datetime: StorageConformance.epoch, userArgs: ["x"])
            )
        }

        /// Creates and returns a stored experiment.
        func createExperiment(_ name: String, version: Int = 1) async throws -> Experiment {
            let experiment = try makeExperiment(name, version: version)
            try await storage.createExperiment(experiment)
            return experiment
        }

        /// Trials `/x = first ..< first + count`, submitted one second apart from `epoch + first` seconds.
        func makeTrials(of experiment: Experiment, _ range: Range<Int>, status: TrialStatus = .new) -> [Trial] {
            range.map { StorageConformance.makeTrial(of: experiment, value: $0, status: status) }
        }

        /// Registers trials and checks that every one of them was stored.
        @discardableResult
        func register(
            _ trials: [Trial],
            file: StaticString = #filePath,
            line: UInt = #line
        ) async throws -> [Trial] {
            let inserted = try await storage.registerTrials(trials)
            try ConformanceFailure.expect(
                inserted.map(\.id) == trials.map(\.id),
                "registering \(trials.count) new trials stored \(inserted.count)",
                file: file,
                line: line
            )
            return trials
        }
    }

    /// The trial `/x = value` of `experiment`, submitted at `epoch + value` seconds.
    static func makeTrial(of experiment: Experiment, value: Int, status: TrialStatus = .new) -> Trial {
        var trial = Trial(
            experimentID: experiment.id,
            params: [Trial.Param(name: "/x", type: .integer, value: .int(value))],
            submitTime: epoch.addingTimeInterval(Double(value))
        )
        trial.status = status
        return trial
    }

    /// A state document holding one counter, as the lock checks and the stress tool store it.
    struct Counter: Codable {
        var counter: Int

        static func decode(_ data: Data?) throws -> Int {
            guard let data else { return 0 }
            return try JSONDecoder().decode(Counter.self, from: data).counter
        }

        static func encode(_ counter: Int) throws -> Data {
            try JSONEncoder().encode(Counter(counter: counter))
        }
    }

    /// Counts how many lock bodies run at the same time.
    final class Overlap: Sendable {
        private let state = Mutex<(inside: Int, most: Int)>((0, 0))

        func enter() {
            state.withLock {
                $0.inside += 1; $0.most = max($0.most, $0.inside)
            }
        }
        func leave() { state.withLock { $0.inside -= 1 } }
        var most: Int { state.withLock { $0.most } }
    }

    // MARK: Comparisons

    /// Whether two dates are the same instant, to the millisecond (backends may store less than a `Double`).
    static func sameInstant(_ lhs: Date?, _ rhs: Date?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): true
        case (let lhs?, let rhs?): abs(lhs.timeIntervalSince(rhs)) < 0.001
        default: false
        }
    }

    /// Whether two JSON values are equal, numbers compared by value (`3` and `3.0` are equal, NaN equals NaN):
    /// JSON does not keep the difference between an integer and a whole double.
    static func sameValue(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue {
            return left == right || (left.isNaN && right.isNaN)
        }
        if case .array(let left) = lhs, case .array(let right) = rhs {
            return left.count == right.count && zip(left, right).allSatisfy { sameValue($0, $1) }
        }
        return lhs == rhs
    }

    /// The names of the fields in which `actual` differs from `expected`.
    static func differences(_ actual: Trial, _ expected: Trial) -> [String] {
        var fields: [String] = []
        if actual.id != expected.id { fields.append("id") }
        if actual.experimentID != expected.experimentID { fields.append("experimentID") }
        if actual.params.count != expected.params.count
            || zip(actual.params, expected.params).contains(where: {
                $0.name != $1.name || $0.type != $1.type || !sameValue($0.value, $1.value)
            })
        {
            fields.append("params")
        }
        if actual.status != expected.status { fields.append("status (\(actual.status), not \(expected.status))") }
        if actual.results.count != expected.results.count
            || zip(actual.results, expected.results).contains(where: {
                $0.name != $1.name || $0.type != $1.type || !sameValue($0.value, $1.value)
            })
        {
            fields.append("results (\(actual.results), not \(expected.results))")
        }
        if !sameInstant(actual.submitTime, expected.submitTime) { fields.append("submitTime") }
        if !sameInstant(actual.startTime, expected.startTime) { fields.append("startTime") }
        if !sameInstant(actual.endTime, expected.endTime) { fields.append("endTime") }
        if !sameInstant(actual.heartbeat, expected.heartbeat) { fields.append("heartbeat") }
        if actual.workingDir != expected.workingDir { fields.append("workingDir") }
        if actual.worker != expected.worker { fields.append("worker") }
        if actual.parent != expected.parent { fields.append("parent") }
        if actual.exitCode != expected.exitCode { fields.append("exitCode") }
        if actual.failure != expected.failure { fields.append("failure") }
        return fields
    }

    /// Throws unless `actual` is `expected` (dates to the millisecond, numbers by value).
    static func expectSame(
        _ actual: Trial?,
        _ expected: Trial,
        _ context: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        guard let actual else {
            throw ConformanceFailure("\(context): trial \(expected.id) is missing", file: file, line: line)
        }
        let fields = differences(actual, expected)
        try ConformanceFailure.expect(
            fields.isEmpty,
            "\(context): trial \(expected.id) differs in " + fields.joined(separator: ", "),
            file: file,
            line: line
        )
    }

    /// Runs `body` and throws unless it throws a `StorageError` with `code`.
    static func expectStorageError(
        _ code: StorageError.Code,
        _ context: String,
        file: StaticString = #filePath,
        line: UInt = #line,
        _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as StorageError {
            try ConformanceFailure.expect(
                error.code == code,
                "\(context): expected StorageError .\(code), got .\(error.code) (\(error.message))",
                file: file,
                line: line
            )
            return
        } catch {
            throw ConformanceFailure("\(context): expected StorageError .\(code), got \(error)", file: file, line: line)
        }
        throw ConformanceFailure(
            "\(context): expected StorageError .\(code), nothing was thrown",
            file: file,
            line: line
        )
    }

    /// `[completed: 2, new: 1]`, sorted, for messages.
    static func describe(_ counts: [TrialStatus: Int]) -> String {
        "[" + counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "]"
    }
}
