// orion-storage-stress: one worker process of the multi-process storage tests (Tests/OrionSQLiteTests).
//
//   orion-storage-stress reserve --db PATH --experiment ID --worker NAME
//       reserves and completes trials until none is left; prints `completed <trial id>` for each.
//   orion-storage-stress produce --db PATH --experiment ID --worker NAME --cycles K
//       K times, under the algorithm lock: reads the counter stored in the state, stores counter + 1 and registers
//       the trial `/x = counter + 1`; prints `produced <counter + 1>` for each.
//   orion-storage-stress lock --db PATH --experiment ID --seconds S
//       holds the database's write lock (a `BEGIN IMMEDIATE` transaction) for S seconds, as a stuck or slow writer
//       would; prints `locked` once it holds it and `unlocked` when it lets go.
//   orion-storage-stress read --db PATH --experiment ID
//       opens the database as `orion status` does (not created when missing), prints `read <trials> trials` for the
//       experiment and closes it: a command that only reads.
//
// --db is an SQLite file, or a postgresql:// URL (then `lock` holds the experiment's algorithm lock, a row lock).
//
// Exit status: 0 on success, 1 when the storage fails, 2 on bad usage.
import Foundation
import OrionCore
import OrionPostgres
import OrionSQLite

/// The options of one run.
struct Options {
    var mode: String
    var database: String
    var experimentID: String
    var worker: String
    var cycles: Int
    var seconds: Double

    init(_ arguments: [String]) throws {
        guard let mode = arguments.first, ["reserve", "produce", "lock", "read"].contains(mode) else {
            throw UsageError(message: "the first argument must be 'reserve', 'produce', 'lock' or 'read'")
        }
        var values: [String: String] = [:]
        var index = 1
        while index < arguments.count {
            let key = arguments[index]
            guard key.hasPrefix("--"), index + 1 < arguments.count else {
                throw UsageError(message: "expected '--option value', got '\(key)'")
            }
            values[String(key.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        guard let database = values["db"], let experimentID = values["experiment"] else {
            throw UsageError(message: "--db and --experiment are required")
        }
        self.mode = mode
        self.database = database
        self.experimentID = experimentID
        self.worker = values["worker"] ?? "\(ProcessInfo.processInfo.hostName):\(getpid())"
        guard let cycles = Int(values["cycles"] ?? "1"), cycles >= 0 else {
            throw UsageError(message: "--cycles must be a whole number")
        }
        self.cycles = cycles
        guard let seconds = Double(values["seconds"] ?? "1"), seconds >= 0 else {
            throw UsageError(message: "--seconds must be a number of seconds")
        }
        self.seconds = seconds
    }
}

/// A mistake on the command line.
struct UsageError: Error {
    var message: String
}

/// The state the `produce` mode keeps under the algorithm lock.
struct CounterState: Codable {
    var counter: Int
}

/// Writes a line to stdout at once (unbuffered), so that the parent reads complete lines even if this process dies.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Reserves and completes trials until none is left.
func reserveAll(_ storage: any Storage, _ options: Options) async throws {
    while let reservation = try await storage.reserveTrial(
        of: options.experimentID,
        worker: options.worker,
        at: Date()
    ) {
        let trial = reservation.trial
        var completed = trial
        completed.status = .completed
        completed.endTime = Date()
        completed.results = [.objective(Double(trial.id.count) + 0.5)]
        guard try await storage.updateTrial(completed, holding: reservation.token) else {
            throw StorageError(.backend, "trial \(trial.id) was taken away from \(options.worker) while it ran")
        }
        emit("completed \(trial.id)")
    }
}

/// Runs `cycles` production rounds under the algorithm lock.
func produce(_ storage: any Storage, _ options: Options) async throws {
    let experimentID = options.experimentID
    for _ in 0..<options.cycles {
        let counter = try await storage.withAlgorithmLock(of: experimentID, timeout: .seconds(60)) { snapshot in
            let previous = try snapshot.state.map { try JSONDecoder().decode(CounterState.self, from: $0).counter } ?? 0
            let next = previous + 1
            let trial = Trial(
                experimentID: experimentID,
                params: [Trial.Param(name: "/x", type: .integer, value: .int(next))],
                submitTime: Date()
            )
            return AlgorithmUpdate(
                state: try JSONEncoder().encode(CounterState(counter: next)),
                newTrials: [trial],
                output: next
            )
        }
        emit("produced \(counter)")
    }
}

/// Holds the write lock (inside the algorithm lock's transaction, keeping the state) for `seconds`.
func holdLock(_ storage: any Storage, _ options: Options) async throws {
    let seconds = options.seconds
    try await storage.withAlgorithmLock(of: options.experimentID, timeout: .seconds(60)) { _ in
        emit("locked")
        Thread.sleep(forTimeInterval: seconds)
        return AlgorithmUpdate(state: nil, newTrials: [], output: ())
    }
    emit("unlocked")
}

/// Counts the experiment's trials, as a command that only reads would.
func readTrials(_ storage: any Storage, _ options: Options) async throws {
    let counts = try await storage.countTrials(of: options.experimentID)
    try await storage.close()
    emit("read \(counts.values.reduce(0, +)) trials")
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    let storage: any Storage =
        PostgresAddress.isPostgres(options.database)
        ? try PostgresStorage(url: options.database)
        : try SQLiteStorage(path: options.database, create: options.mode != "read")
    switch options.mode {
    case "reserve": try await reserveAll(storage, options)
    case "lock": try await holdLock(storage, options)
    case "read": try await readTrials(storage, options)
    default: try await produce(storage, options)
    }
} catch let error as UsageError {
    FileHandle.standardError.write(Data("orion-storage-stress: \(error.message)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("orion-storage-stress: \(error)\n".utf8))
    exit(1)
}
