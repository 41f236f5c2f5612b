import Synchronization

/// The first outcome of an operation raced against a watcher, handed to the one task that waits for it.
///
/// An operation that may never complete (a query written to a connection the server has just closed, a storage call
/// an unreachable server holds) runs in a task of its own; a watcher records another outcome when it gives up on it,
/// and the waiter goes on with whichever came first, the operation left to finish (or not) on its own.
public final class FirstOutcome<T: Sendable>: Sendable {
    private let state = Mutex<(result: Result<T, any Error>?, waiter: CheckedContinuation<T, any Error>?)>((nil, nil))

    /// Creates an outcome not recorded yet.
    public init() {}

    /// Whether an outcome was recorded.
    public var isRecorded: Bool { state.withLock { $0.result != nil } }

    /// Records `result` unless an outcome was recorded already, and resumes the waiter if it waits.
    public func resume(with result: Result<T, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    /// Resumes `continuation` with the outcome, at once if there is one already, else when it comes.
    public func wait(_ continuation: CheckedContinuation<T, any Error>) {
        let result = state.withLock { state -> Result<T, any Error>? in
            if state.result == nil { state.waiter = continuation }
            return state.result
        }
        if let result { continuation.resume(with: result) }
    }

    /// Waits for the outcome; a cancellation of the waiting task cancels `work`, the task running the operation.
    ///
    /// - Parameter work: the operation's task.
    /// - Returns: the first outcome's value.
    /// - Throws: the first outcome's error.
    public func value(cancelling work: Task<Void, Never>) async throws -> T {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in wait(continuation) }
        } onCancel: {
            work.cancel()
        }
    }
}
