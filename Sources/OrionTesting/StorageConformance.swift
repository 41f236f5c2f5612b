import Foundation
import OrionCore

/// The checks every ``Storage`` backend passes: experiments, trials, atomic reservation under concurrency,
/// compare-and-set updates, heartbeats and lost trials, and the algorithm lock.
///
/// Each check opens a storage with `makeStorage`, works on experiments whose names start with a prefix of its own
/// (so that the checks also run on a shared database), and throws a ``ConformanceFailure`` describing the first
/// broken expectation, or the storage's own error. OrionTesting does not import XCTest: call the checks from any
/// test framework. Wiring a backend is one line: ``runEveryCheck()`` runs every check (a new check runs on every
/// backend without touching its tests) and fails with the name and message of each check that failed:
///
/// ```swift
/// final class MyStorageTests: XCTestCase {
///     func testConformance() async throws {
///         try await StorageConformance { try MyStorage(path: temporaryPath()) }.runEveryCheck()
///     }
/// }
/// ```
///
/// ``check(named:)`` runs one check (while debugging one).
///
/// The checks do not depend on the clock: every date is explicit (heartbeats and lost trials use dates an hour
/// apart), and the only pause is 0.2 ms inside each lock body of the mutual-exclusion check. Dates are compared to
/// the millisecond and numbers by value (`3` equals `3.0`), since a backend may keep them in JSON or in a column of
/// lower precision.
public struct StorageConformance: Sendable {
    /// Opens the storage under test; each check calls it once.
    public let makeStorage: @Sendable () async throws -> any Storage
    /// Opens another handle on the data of a storage (another connection, as another worker would), if any.
    public let reopen: (@Sendable (any Storage) async throws -> any Storage)?

    /// Creates the suite.
    ///
    /// - Parameters:
    ///   - makeStorage: opens the storage under test (an empty one is best, a shared one works); called once by
    ///     each check.
    ///   - reopen: opens a second handle on the same data as the given storage (a new connection to the same
    ///     file or server). When given, the concurrency checks spread their tasks over several handles, so that
    ///     the backend's locking between connections is checked, not only between tasks sharing one handle.
    public init(
        makeStorage: @escaping @Sendable () async throws -> any Storage,
        reopen: (@Sendable (any Storage) async throws -> any Storage)? = nil
    ) {
        self.makeStorage = makeStorage
        self.reopen = reopen
    }

    /// The names of the checks, in the order ``runAll()`` runs them (`checkReserveOrder` is `reserveOrder`).
    public static let checkNames = [
        "experimentCreateAndRead", "experimentVersions", "experimentList", "duplicateExperiment", "updateExperiment",
        "deleteExperimentCascades", "registerTrials", "readTrials", "trialPages", "countTrials", "summary",
        "reserveOrder",
        "reserveUnderConcurrency", "updateTrialCompareAndSet", "updateTrialsInOneBatch", "trialRoundTrip",
        "nonFiniteObjectives",
        "resultNumberKinds", "parameterNumberKinds",
        "heartbeat",
        "releaseLostTrials", "ownerTokens", "reservations", "completionRacesRelease", "close",
        "algorithmLockFirstSnapshot", "algorithmLockStateVersion", "algorithmLockChangedTrials",
        "algorithmLockBodyThrows", "algorithmLockMutualExclusion", "algorithmLockNewTrials", "algorithmLockCounts",
        "resetAlgorithm", "storedAlgorithmState", "deleteTrials", "createExperimentWithTrials", "replaceExperiment",
    ]

    /// Runs every check, stopping at the first failure.
    ///
    /// - Throws: ``ConformanceFailure``, or the storage's error when an operation that must succeed fails.
    public func runAll() async throws {
        for name in Self.checkNames { try await check(named: name) }
    }

    /// Runs every check, each on its own storage, and fails once at the end if any failed.
    ///
    /// - Throws: one ``ConformanceFailure`` whose message has one line per failed check: its name and its own
    ///   failure (or the storage's error).
    public func runEveryCheck() async throws {
        var failures: [String] = []
        for name in Self.checkNames {
            do {
                try await check(named: name)
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        guard failures.isEmpty else {
            throw ConformanceFailure(
                "\(failures.count) of \(Self.checkNames.count) storage checks failed:\n"
                    + failures.joined(separator: "\n")
            )
        }
    }

    /// Runs the check called `name`, one of ``checkNames``.
    ///
    /// - Parameter name: the check's name without `check`, e.g. `reserveOrder`.
    /// - Throws: ``ConformanceFailure`` when the check fails or does not exist, or the storage's error.
    public func check(named name: String) async throws {
        switch name {
        case "experimentCreateAndRead": try await checkExperimentCreateAndRead()
        case "experimentVersions": try await checkExperimentVersions()
        case "experimentList": try await checkExperimentList()
        case "duplicateExperiment": try await checkDuplicateExperiment()
        case "updateExperiment": try await checkUpdateExperiment()
        case "deleteExperimentCascades": try await checkDeleteExperimentCascades()
        case "registerTrials": try await checkRegisterTrials()
        case "readTrials": try await checkReadTrials()
        case "trialPages": try await checkTrialPages()
        case "countTrials": try await checkCountTrials()
        case "summary": try await checkSummary()
        case "reserveOrder": try await checkReserveOrder()
        case "reserveUnderConcurrency": try await checkReserveUnderConcurrency()
        case "updateTrialCompareAndSet": try await checkUpdateTrialCompareAndSet()
        case "updateTrialsInOneBatch": try await checkUpdateTrialsInOneBatch()
        case "trialRoundTrip": try await checkTrialRoundTrip()
        case "nonFiniteObjectives": try await checkNonFiniteObjectives()
        case "resultNumberKinds": try await checkResultNumberKinds()
        case "parameterNumberKinds": try await checkParameterNumberKinds()
        case "heartbeat": try await checkHeartbeat()
        case "releaseLostTrials": try await checkReleaseLostTrials()
        case "ownerTokens": try await checkOwnerTokens()
        case "reservations": try await checkReservations()
        case "completionRacesRelease": try await checkCompletionRacesRelease()
        case "close": try await checkClose()
        case "algorithmLockFirstSnapshot": try await checkAlgorithmLockFirstSnapshot()
        case "algorithmLockStateVersion": try await checkAlgorithmLockStateVersion()
        case "algorithmLockChangedTrials": try await checkAlgorithmLockChangedTrials()
        case "algorithmLockBodyThrows": try await checkAlgorithmLockBodyThrows()
        case "algorithmLockMutualExclusion": try await checkAlgorithmLockMutualExclusion()
        case "algorithmLockNewTrials": try await checkAlgorithmLockNewTrials()
        case "algorithmLockCounts": try await checkAlgorithmLockCounts()
        case "resetAlgorithm": try await checkResetAlgorithm()
        case "storedAlgorithmState": try await checkStoredAlgorithmState()
        case "deleteTrials": try await checkDeleteTrials()
        case "createExperimentWithTrials": try await checkCreateExperimentWithTrials()
        case "replaceExperiment": try await checkReplaceExperiment()
        default: throw ConformanceFailure("no storage check named '\(name)'; see StorageConformance.checkNames")
        }
    }

    /// A fresh storage with a name prefix for this check's experiments.
    func fixture() async throws -> Fixture {
        Fixture(try await makeStorage())
    }

    /// `storage` and, when the suite can ``reopen`` it, `count - 1` more handles on the same data.
    func handles(on storage: any Storage, count: Int) async throws -> [any Storage] {
        guard let reopen else { return [storage] }
        var handles = [storage]
        for _ in 1..<max(count, 1) { handles.append(try await reopen(storage)) }
        return handles
    }
}
