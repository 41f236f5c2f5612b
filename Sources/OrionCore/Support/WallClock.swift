import Foundation

/// Where a worker reads the time and waits: the system clock in production, a manual clock in tests, so that
/// heartbeat and idle-timeout tests run without sleeping real seconds.
public protocol WallClock: Sendable {
    /// The current time (stored on trials as start times and heartbeats).
    var now: Date { get }

    /// Suspends the calling task for `duration` of this clock's time.
    ///
    /// - Parameter duration: how long to wait.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func sleep(for duration: Duration) async throws
}

/// The system's wall clock: `Date()` and `Task.sleep`.
public struct SystemClock: WallClock {
    /// Creates the system clock.
    public init() {}

    /// `Date()`.
    public var now: Date { Date() }

    /// `Task.sleep(for:)`.
    ///
    /// - Parameter duration: how long to wait.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
