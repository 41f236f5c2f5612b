import Foundation
import OrionCore
import Synchronization

/// A ``WallClock`` whose time moves only when a test calls ``advance(by:)``: sleepers wake when the time passes
/// their deadline, so that heartbeat and idle-timeout tests take no real time.
///
/// A typical test runs the code under test in a task and moves the time while that task waits:
///
/// ```swift
/// let clock = ManualClock()
/// let run = Task { try await worker.run() }
/// while !run.isFinished { await clock.waitForSleepers(); clock.advance(by: .seconds(1)) }
/// ```
public final class ManualClock: WallClock {
    private struct Sleeper {
        var id: Int
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var nextID = 0
        var sleepers: [Sleeper] = []
        var cancelled: Set<Int> = []
    }

    private let state: Mutex<State>

    /// Creates a clock showing `now`.
    ///
    /// - Parameter now: the starting time (2023-11-14 22:13:20 UTC by default).
    public init(now: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        state = Mutex(State(now: now))
    }

    /// The clock's current time.
    public var now: Date { state.withLock { $0.now } }

    /// The number of tasks waiting in ``sleep(for:)``.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Waits until ``advance(by:)`` has moved the time past `now + duration`; a zero or negative duration returns
    /// at once.
    ///
    /// - Parameter duration: how long to wait, in this clock's time.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        guard duration > .zero else { return }
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if state.cancelled.remove(id) != nil { return true }
                    let deadline = state.now.addingTimeInterval(duration.seconds)
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    state.cancelled.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the time forward and wakes every sleeper whose deadline has passed.
    ///
    /// - Parameter duration: how far to move.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.addingTimeInterval(duration.seconds)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Returns once at least `count` tasks wait in ``sleep(for:)`` (polling, with real pauses of 1 ms).
    ///
    /// - Parameter count: the number of sleepers to wait for.
    public func waitForSleepers(_ count: Int = 1) async {
        while sleeperCount < count, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }
}
