import Foundation
import Logging
import OrionCore
import PostgresNIO
import Synchronization

/// Storage on a PostgreSQL server, shared by workers on any number of machines.
///
/// Every operation is one statement or one short transaction on a pooled connection: reservation is a single
/// `UPDATE … FOR UPDATE SKIP LOCKED` statement, updates compare-and-set on the owner token or the status, and the
/// algorithm lock is a row lock on the experiment's `algorithm_states` row, held by the transaction that reads the
/// snapshot and writes the update, so that the server releases it when the holder's connection dies. Counters kept
/// by triggers make `countTrials` and `summary` cost the same at any number of trials.
///
/// The schema is created on first use by named migrations, under an advisory lock (several workers starting at
/// once are fine). An operation that loses the server (restart, network cut) is retried with backoff for
/// ``PostgresAddress/retryFor``; retries cannot duplicate a reservation or an update (see docs/storage.md).
public final class PostgresStorage: Storage {
    /// Where the server is.
    public let address: PostgresAddress
    /// Whether the first operation creates the schema when it is not there; commands that only read pass `false`,
    /// so that a mistyped `?schema=` is an error, not an empty schema left behind.
    public let create: Bool
    /// The connection pool, the task that runs it, and the `application_name` its connections give the server
    /// (unique to the pool); replaced by ``renewPool(stuck:unless:)``.
    private let pool: Mutex<RunningPool>
    /// The pool's configuration, for a new pool.
    private let poolConfiguration: PostgresClient.Configuration
    /// When the pool was last checked for being stuck after an outage.
    private let lastPoolCheck = Mutex<ContinuousClock.Instant?>(nil)
    /// When a waiting request's direct look for the server (``renewPool(stuck:unless:)``) first found it
    /// unreachable, in the run of failed looks that the last one belongs to, and when the last one did; `nil` once a
    /// look reaches it.
    private let unreachableSince = Mutex<(first: ContinuousClock.Instant, last: ContinuousClock.Instant)?>(nil)
    /// When ``onWaiting`` was last told that requests wait for a connection the server refuses.
    private let lastRefusalNote = Mutex<ContinuousClock.Instant?>(nil)
    /// When ``onWaiting`` was last told that a request waits for the server's answer.
    private let lastSlowNote = Mutex<ContinuousClock.Instant?>(nil)
    /// Since when the pool has been cut to one connection because the server refused more (``narrowPool(stuck:)``),
    /// and whether a direct connection is being tried to give it back its full size
    /// (``restoreFullPoolIfDue()``); `nil` while the pool has its full size.
    private let narrowed = Mutex<(since: ContinuousClock.Instant, probing: Bool)?>(nil)
    /// How long a pool cut to one connection keeps that size before a full-size pool is tried again
    /// (``poolRestoreAfter``, doubled each time the pool is cut again, up to 16 times), and how many cuts there were.
    private let restoreWait: Mutex<(after: Duration, cuts: Int)>
    /// How long a pool cut to one connection keeps that size, at least, before a full-size pool is tried again.
    let poolRestoreAfter: Duration
    /// Pools replaced by a full-size one, each closed after ``retiredPoolGrace`` (their requests in flight finish).
    private let retiredPools = Mutex<[Task<Void, Never>]>([])
    let logger: Logger
    /// The connection pool now.
    var client: PostgresClient { pool.withLock { $0.client } }
    let migration = Mutex<Task<Void, any Error>?>(nil)
    private let closed = Mutex(false)
    /// This machine's clock (replaced in tests to play a machine whose clock is off).
    let localClock: @Sendable () -> Date
    /// Told once, with one line, when the first connection has failed for a few seconds and is tried again.
    let onWaiting: (@Sendable (String) -> Void)?
    /// The server's clock minus this machine's, in whole seconds, and when it was measured (see ``serverAhead``).
    private let serverClock = Mutex<(ahead: Double, measured: ContinuousClock.Instant)?>(nil)

    /// Connects lazily to the server at `address`: nothing is sent until the first operation, which also creates
    /// or upgrades the schema.
    ///
    /// - Parameters:
    ///   - address: the server, database, schema and pool size.
    ///   - create: whether a missing schema is created (else the first operation throws `StorageError`
    ///     `.notFound`).
    ///   - onWaiting: told once, with one line, when the first connection has failed for
    ///     ``waitingNoticeAfter`` and goes on being tried for ``PostgresAddress/retryFor`` (a command would
    ///     otherwise wait a minute in silence).
    public convenience init(
        address: PostgresAddress,
        create: Bool = true,
        onWaiting: (@Sendable (String) -> Void)? = nil
    ) {
        self.init(address: address, create: create, localClock: { Date() }, onWaiting: onWaiting)
    }

    /// Connects lazily to the server at `address`, reading this machine's time from `localClock`.
    init(
        address: PostgresAddress,
        create: Bool = true,
        localClock: @escaping @Sendable () -> Date,
        poolRestoreAfter: Duration = .seconds(60),
        onWaiting: (@Sendable (String) -> Void)? = nil
    ) {
        self.address = address
        self.poolRestoreAfter = poolRestoreAfter
        restoreWait = Mutex((poolRestoreAfter, 0))
        self.create = create
        self.localClock = localClock
        self.onWaiting = onWaiting
        var configuration = PostgresClient.Configuration(
            host: address.host,
            port: address.port,
            username: address.user,
            password: address.password,
            database: address.database,
            tls: .disable
        )
        configuration.options.maximumConnections = address.poolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = address.connectTimeout
        configuration.options.additionalStartupParameters = [
            // Quoted, as CREATE SCHEMA names it: unquoted, a name with capitals would be folded to lower case.
            ("search_path", "\"" + address.schema + "\"")
        ]
        var logger = Logger(label: "orion-postgres")
        logger.logLevel = .critical
        self.logger = logger
        poolConfiguration = configuration
        pool = Mutex(Self.startPool(configuration, logger: logger))
    }

    /// A pool, the task that runs it, the `application_name` its connections give the server, and when it started.
    private typealias RunningPool = (
        client: PostgresClient, runner: Task<Void, Never>, name: String, created: ContinuousClock.Instant
    )

    /// A new pool of `configuration` (``makePool(_:logger:)``), running.
    private static func startPool(_ configuration: PostgresClient.Configuration, logger: Logger) -> RunningPool {
        let (client, name) = makePool(configuration, logger: logger)
        return (client, Task { await client.run() }, name, ContinuousClock.now)
    }

    /// Puts a new pool of `configuration` in the place of `pool`, and returns the task that runs the old one, for the
    /// caller to stop (at once, or once its requests in flight are done).
    private func replace(_ pool: inout RunningPool, with configuration: PostgresClient.Configuration) -> Task<
        Void, Never
    > {
        let old = pool.runner
        pool = Self.startPool(configuration, logger: logger)
        return old
    }

    /// A new pool whose connections name themselves `orion <pid> <n>` to the server (`application_name`), so that
    /// ``renewPool(stuck:unless:)`` can count them.
    private static func makePool(
        _ configuration: PostgresClient.Configuration,
        logger: Logger
    ) -> (PostgresClient, String) {
        let number = poolCount.withLock { count -> Int in
            count += 1
            return count
        }
        let name = "orion \(getpid()) \(number)"
        var configuration = configuration
        configuration.options.additionalStartupParameters.append(("application_name", name))
        return (PostgresClient(configuration: configuration, backgroundLogger: logger), name)
    }

    /// The pools made by this process so far.
    private static let poolCount = Mutex(0)

    /// Connects lazily to the server named by a `postgresql://` URL.
    ///
    /// - Parameters:
    ///   - url: the URL (see ``PostgresAddress/init(url:)``).
    ///   - create: whether a missing schema is created.
    ///   - onWaiting: told once when the first connection keeps failing (see ``init(address:create:onWaiting:)``).
    /// - Throws: `StorageError` `.invalidAddress` when the URL is not valid.
    public convenience init(url: String, create: Bool = true, onWaiting: (@Sendable (String) -> Void)? = nil) throws {
        self.init(address: try PostgresAddress(url: url), create: create, onWaiting: onWaiting)
    }

    /// How long the first connection fails before ``onWaiting`` is told.
    static let waitingNoticeAfter = Duration.seconds(2)

    deinit { pool.withLock { $0.runner.cancel() } }

    /// Closes every connection.
    ///
    /// The storage must not be used afterwards. Closing twice does nothing.
    public func close() async throws {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        let runner = pool.withLock { $0.runner }
        runner.cancel()
        await runner.value
        for retired in retiredPools.withLock({ $0 }) {
            retired.cancel()
            await retired.value
        }
    }

    /// Runs `body` on a connection of the pool, replacing the pool when it keeps the request waiting while the
    /// server takes a direct connection.
    ///
    /// After an outage, postgres-nio's pool tries to connect again only when its backoff has passed, which grows to a
    /// minute (100 ms × 1.25ⁿ after n failed attempts), and keeps requests waiting meanwhile: a hunt stood still for
    /// up to that long after the server was back (8 s after a 60 s outage). A request that has waited
    /// ``poolPatience`` looks for the server with a direct connection (every ``poolProbeInterval`` per storage); when
    /// the server answers, has no connection of the pool, and the request still waits, a new pool takes the old
    /// one's place, and the request fails with ``ConnectionLost`` so that ``retrying(_:_:)`` makes it again on the
    /// new pool.
    func pooled<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        restoreFullPoolIfDue()
        let client = client
        let leased = LeaseFlag()
        return try await withThrowingTaskGroup(of: PooledOutcome<T>.self) { group in
            group.addTask {
                .done(
                    try await client.withConnection { connection in
                        leased.set()
                        return try await body(connection)
                    }
                )
            }
            group.addTask { [self] in
                let started = ContinuousClock.now
                try await Task.sleep(for: Self.poolPatience)
                while !leased.isSet {
                    if try await renewPool(stuck: client, unless: leased) {
                        throw ConnectionLost(
                            reason: "its connection pool, stuck on the outage, was replaced",
                            serverIsBack: true
                        )
                    }
                    if let reason = givingUp(waitingSince: started) { throw ConnectionLost(reason: reason) }
                    try await Task.sleep(for: Self.poolProbeInterval)
                }
                return .watched
            }
            defer { group.cancelAll() }
            while let outcome = try await group.next() {
                if case .done(let value) = outcome { return value }
            }
            throw CancellationError()
        }
    }

    /// Why a request that has waited for a pooled connection since `started` stops waiting: the server has been out
    /// of reach, at every direct look, for ``PostgresAddress/retryFor`` of the wait (postgres-nio's pool would
    /// hold it until its circuit breaker trips, about a minute); `nil` while it may still come.
    ///
    /// A pool whose connections are all busy (a long suggestion holding the algorithm lock) while the server
    /// answers keeps its requests waiting: only an unreachable server ends the wait.
    func givingUp(waitingSince started: ContinuousClock.Instant) -> String? {
        let now = ContinuousClock.now
        // The last look failed, lately (not an outage over since, whose end no look saw).
        guard let since = unreachableSince.withLock({ $0 }), now - since.last < Self.poolPatience,
            now - max(since.first, started) >= address.retryFor
        else { return nil }
        return "no connection to it could be made for \(Self.spelled(address.retryFor))"
    }

    /// `duration` in words: `5 seconds`, `a minute`, `90 seconds`.
    static func spelled(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds == 60 { return "a minute" }
        if seconds == 1 { return "1 second" }
        return seconds.rounded() == seconds ? "\(Int(seconds)) seconds" : "\(seconds) seconds"
    }

    /// How long a request waits for a pooled connection before the server is looked for directly.
    static let poolPatience = Duration.seconds(2)
    /// How often a waiting request looks for the server, at most (per storage, whatever the number of requests).
    static let poolProbeInterval = Duration.milliseconds(500)

    /// Replaces `stuck` by a new pool when the server takes a direct connection, has no connection of that pool
    /// (a pool whose connections are all busy, holding the algorithm lock for a long suggestion, is not stuck), and
    /// `leased` is still unset; at most once every ``poolProbeInterval`` per storage, and only if `stuck` is still
    /// the pool (another request may have replaced it).
    ///
    /// - Returns: whether the pool was replaced (by this call or by another since `stuck` was taken).
    private func renewPool(stuck: PostgresClient, unless leased: LeaseFlag) async throws -> Bool {
        let current = pool.withLock { $0 }
        if current.client !== stuck { return !leased.isSet }
        let now = ContinuousClock.now
        let due = lastPoolCheck.withLock { last -> Bool in
            if let last, now - last < Self.poolProbeInterval { return false }
            last = now
            return true
        }
        guard due, !closed.withLock({ $0 }) else { return false }
        let onServer: Int
        do {
            onServer = try await connectionsOnServer(named: current.name)
            unreachableSince.withLock { $0 = nil }
        } catch {
            unreachableSince.withLock { since in
                since = Self.isFull(error) ? nil : (since?.first ?? now, now)
            }
            guard Self.isFull(error), !leased.isSet else { return false }
            noteRefusal(error)
            return narrowPool(stuck: stuck)
        }
        guard onServer == 0, !leased.isSet else { return false }
        let replaced = pool.withLock { pool -> Task<Void, Never>? in
            guard pool.client === stuck else { return nil }
            return replace(&pool, with: currentPoolConfiguration)
        }
        replaced?.cancel()
        return true
    }

    /// Whether the pool has been cut to one connection (``narrowPool(stuck:)``) and not yet given back its full size.
    var isNarrowed: Bool { narrowed.withLock { $0 != nil } }

    /// The configuration of a new pool: ``poolConfiguration``, of one connection while ``narrowed``.
    private var currentPoolConfiguration: PostgresClient.Configuration {
        var configuration = poolConfiguration
        if narrowed.withLock({ $0 != nil }) { configuration.options.maximumConnections = 1 }
        return configuration
    }

    /// Replaces `stuck` by a pool of one connection, unless the pool has one already, when the server refuses new
    /// connections (SQLSTATE 53300) while a request waits.
    ///
    /// While a new connection keeps failing, postgres-nio's pool queues every request without looking at the
    /// connections it has, and serves the queue only when one of them is released: a request made while the
    /// process's one connection sat idle waited 30 s (its keep-alive query), and a hunt of two workers with one free
    /// connection on the server stood still. A pool of one never asks for a second connection, so its requests take
    /// turns on the one it has (three 1 s trials: 2.6 s, against 27.5 s). The old pool's connections are closed (a
    /// request running on one fails as a lost connection and is made again on the new pool). The pool gets its full
    /// size back when the server takes connections again (``restoreFullPoolIfDue()``); each time it is cut again, it
    /// keeps one connection twice as long before trying.
    ///
    /// - Returns: whether the pool was replaced.
    private func narrowPool(stuck: PostgresClient) -> Bool {
        guard poolConfiguration.options.maximumConnections > 1 else { return false }
        let replaced = pool.withLock { pool -> Task<Void, Never>? in
            guard pool.client === stuck, narrowed.withLock({ $0 == nil }) else { return nil }
            narrowed.withLock { $0 = (ContinuousClock.now, false) }
            restoreWait.withLock { wait in
                if wait.cuts > 0 { wait.after = min(wait.after * 2, poolRestoreAfter * 16) }
                wait.cuts += 1
            }
            return replace(&pool, with: currentPoolConfiguration)
        }
        guard let replaced else { return false }
        replaced.cancel()
        return true
    }

    /// Starts giving the pool back its full size when it has had one connection (``narrowPool(stuck:)``) for
    /// ``restoreWait`` and no attempt is under way: in a task of its own, so that no request waits for it.
    ///
    /// A burst of other clients that filled the server once would otherwise leave a hunt of several workers on one
    /// connection for the rest of its run.
    private func restoreFullPoolIfDue() {
        let wait = restoreWait.withLock { $0.after }
        let due = narrowed.withLock { narrowing -> Bool in
            guard let current = narrowing, !current.probing, ContinuousClock.now - current.since >= wait else {
                return false
            }
            narrowing = (current.since, true)
            return true
        }
        guard due else { return }
        Task { [weak self] in await self?.restoreFullPool() }
    }

    /// Replaces the pool of one connection by one of ``poolConfiguration``'s size when the server takes a direct
    /// connection; when it refuses (or cannot be reached) the pool keeps one connection for another ``restoreWait``.
    ///
    /// The old pool is closed after ``retiredPoolGrace``, so that the requests in flight on it finish there (one
    /// still running then fails as a lost connection and is made again on the new pool). If the server turns out
    /// full again, a request waiting on the new pool cuts it to one connection again (``narrowPool(stuck:)``).
    private func restoreFullPool() async {
        var takesConnections = false
        if let connection = try? await PostgresConnection.connect(
            configuration: directConfiguration(),
            id: 0,
            logger: logger
        ) {
            takesConnections = true
            try? await connection.close()
        }
        let isClosed = closed.withLock { $0 }
        let retired = pool.withLock { pool -> Task<Void, Never>? in
            let restore = narrowed.withLock { narrowing -> Bool in
                guard takesConnections, !isClosed else {
                    narrowing = (ContinuousClock.now, false)
                    return false
                }
                narrowing = nil
                return true
            }
            guard restore else { return nil }
            return replace(&pool, with: poolConfiguration)
        }
        guard let retired else { return }
        let closing = Task {
            try? await Task.sleep(for: Self.retiredPoolGrace)
            retired.cancel()
            await retired.value
        }
        retiredPools.withLock { $0.append(closing) }
    }

    /// How long a pool replaced by a full-size one stays open for the requests in flight on it.
    static let retiredPoolGrace = Duration.seconds(30)

    /// Tells ``onWaiting`` (at most once every 5 minutes) that requests wait for a connection because the server
    /// refuses new ones (SQLSTATE 53300: every connection it allows is in use), and that the process goes on with one
    /// (``narrowPool(stuck:)``); a hunt stood still in silence before.
    private func noteRefusal(_ error: any Error) {
        guard let onWaiting, let error = error as? PSQLError, Self.isFull(error), Self.isDue(lastRefusalNote) else {
            return
        }
        onWaiting(
            "waiting for a free connection to the PostgreSQL server at \(address.description) (\(Self.refusal(error))); "
                + "this process goes on with one connection, its requests taking turns"
        )
    }

    /// Whether `error` is the server's refusal of a new connection because every one it allows is in use (53300).
    static func isFull(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        return error.serverInfo?[.sqlState] == "53300"
    }

    /// Whether `error` is a request's on a pool that was shut down: one ``renewPool(stuck:unless:)`` replaced while
    /// the request waited on it (or this storage was closed, which the caller checks).
    static func isPoolShutdown(_ error: any Error) -> Bool {
        "\(error)".contains("poolShutdown")
    }

    /// Replaces the pool when `error` says its circuit breaker tripped (it fails requests at once after a minute of
    /// failed connections, so they never wait long enough for ``pooled(_:)`` to look for the server) and the
    /// server is back; only for a pool old enough to have tripped.
    ///
    /// - Returns: whether the pool was replaced.
    private func renewTrippedPool(after error: any Error) async throws -> Bool {
        guard "\(error)".contains("CircuitBreakerTripped") else { return false }
        let current = pool.withLock { $0 }
        guard ContinuousClock.now - current.created > Self.poolTripAge else { return false }
        return try await renewPool(stuck: current.client, unless: LeaseFlag())
    }

    /// The youngest a pool can be when its circuit breaker trips (it trips after about a minute of failures).
    static let poolTripAge = Duration.seconds(30)

    /// How many connections named `name` the server has, asked over a direct connection of its own.
    ///
    /// - Throws: when the server cannot be reached or refuses the connection.
    private func connectionsOnServer(named name: String) async throws -> Int {
        let connection = try await PostgresConnection.connect(
            configuration: directConfiguration(),
            id: 0,
            logger: logger
        )
        do {
            var count = 0
            for try await value in try await connection.query(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = \(name)",
                logger: logger
            ).decode(Int64.self) {
                count = Int(value)
            }
            try? await connection.close()
            return count
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Creates the schema or applies its pending migrations, once per storage; every operation waits for it.
    ///
    /// - Throws: `StorageError` `.schema` when the database was written by a newer version or is not Oríon's,
    ///   `.backend` when the server cannot be reached.
    public func migrate() async throws {
        let task = migration.withLock { task in
            if let task { return task }
            let new = Task { try await self.applyMigrations() }
            task = new
            return new
        }
        do {
            try await task.value
        } catch {
            // A failed start (server down) is tried again by the next operation.
            migration.withLock { current in current = nil }
            throw error
        }
    }

    /// How far the server's clock is ahead of this machine's, in whole seconds; 0 when they agree within 2 s or
    /// before the first operation.
    ///
    /// Heartbeats are stored in the server's time (this machine's plus this) and read back in this machine's, and
    /// the cut-off of ``releaseLostTrials(of:heartbeatBefore:)`` is moved alike: workers on machines whose clocks
    /// disagree then judge each other's liveness on one clock. Oríon stores each worker's own time, so a machine
    /// whose clock is ahead by more than the heartbeat releases every other worker's running trials as lost, and
    /// one behind has its own released. Whole seconds keep a date's round trip exact.
    var serverAhead: Double { serverClock.withLock { $0?.ahead ?? 0 } }

    /// Measures ``serverAhead`` on `connection` when it was not measured in the last 5 minutes (clocks drift and are
    /// stepped by NTP slowly).
    private func refreshServerClock(_ connection: PostgresConnection) async throws {
        if let known = serverClock.withLock({ $0 }), ContinuousClock.now - known.measured < .seconds(300) { return }
        let before = localClock().timeIntervalSince1970
        var server: Double?
        for try await value in try await connection.query(
            "SELECT extract(epoch FROM clock_timestamp())::float8",
            logger: logger
        ).decode(Double.self) {
            server = value
        }
        let local = (before + localClock().timeIntervalSince1970) / 2
        let ahead = server.map { $0 - local } ?? 0
        serverClock.withLock { $0 = (abs(ahead) < 2 ? 0 : ahead.rounded(), ContinuousClock.now) }
    }

    /// Runs `body` on a pooled connection, after the migrations, retrying with backoff while the server cannot be
    /// reached, for at most ``PostgresAddress/retryFor``.
    ///
    /// - Parameters:
    ///   - what: what is being done, for error messages.
    ///   - body: the work; its `attempt` is 1 the first time (a retry may find its earlier attempt committed).
    /// - Returns: `body`'s result.
    /// - Throws: `StorageError`, or what `body` throws for its caller (``ForeignError``'s content).
    func withConnection<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (PostgresConnection, Int) async throws -> T
    ) async throws -> T {
        try await migrate()
        return try await retrying(what) { attempt in
            try await leased { connection in
                try await self.refreshServerClock(connection)
                return try await body(connection, attempt)
            }
        }
    }

    /// Runs `body` once on a pooled connection, watched by ``watching(_:timeout:_:)``: it fails with
    /// ``ConnectionLost`` as soon as the connection closes or ``PostgresAddress/operationTimeout`` passes.
    func leased<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let timeout = address.operationTimeout
        return try await pooled { connection in
            try await Self.watching(connection, timeout: timeout, onSlow: { [self] in noteSlowAnswer() }) {
                try await body(connection)
            }
        }
    }

    /// Whether a note last given at `last` may be given again (5 minutes on), recording now when it may.
    private static func isDue(_ last: borrowing Mutex<ContinuousClock.Instant?>) -> Bool {
        let now = ContinuousClock.now
        return last.withLock { last -> Bool in
            if let last, now - last < .seconds(300) { return false }
            last = now
            return true
        }
    }

    /// How long a request may wait for the server's answer before ``onWaiting`` is told.
    static let slowAnswer: Duration = .seconds(10)

    /// Tells ``onWaiting`` (at most once every 5 minutes) that a request has waited ``slowAnswer`` for the server's
    /// answer: a table locked by another session (`LOCK TABLE`, a long transaction) held hunts and `orion status` in
    /// silence for as long as it lasted, where SQLite's lock says so.
    private func noteSlowAnswer() {
        guard let onWaiting, Self.isDue(lastSlowNote) else { return }
        onWaiting(
            "waiting for the PostgreSQL server at \(address.description) to answer"
                + " (\(Int(Self.slowAnswer.seconds)) s so far): a table may be locked by another session (see"
                + " `SELECT * FROM pg_locks WHERE NOT granted`), or the server is busy"
        )
    }

    /// Runs `body`, which uses `connection`, and returns its result; but throws ``ConnectionLost`` as soon as the
    /// connection is closed or `timeout` has passed (then it closes the connection, so that the server rolls back
    /// what `body` had begun and lets go of its locks), whichever comes first.
    ///
    /// A query that postgres-nio writes to a connection the server has just closed may never complete (its promise
    /// is dropped with the write): awaited in line, it would hang its worker for ever. `body` therefore runs in a
    /// task of its own, which is abandoned (it stays suspended, holding nothing but the dead connection) when the
    /// connection goes away. Both outcomes are retryable: the operations are written so that a retry after an
    /// attempt that was in fact committed neither duplicates nor loses anything. `onSlow` is called once when `body`
    /// has waited ``slowAnswer``.
    static func watching<T: Sendable>(
        _ connection: PostgresConnection,
        timeout: Duration,
        onSlow: (@Sendable () -> Void)? = nil,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let outcome = FirstOutcome<T>()
        let work = Task {
            do {
                outcome.resume(with: .success(try await body()))
            } catch {
                outcome.resume(with: .failure(error))
            }
        }
        let watcher = Task {
            let started = ContinuousClock.now
            let deadline = started + timeout
            var slowSaid = onSlow == nil
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                if Task.isCancelled { return }
                if !slowSaid, ContinuousClock.now - started >= slowAnswer {
                    slowSaid = true
                    onSlow?()
                }
                if connection.isClosed {
                    outcome.resume(with: .failure(ConnectionLost(reason: "the server closed the connection")))
                    return
                }
                if ContinuousClock.now >= deadline {
                    outcome.resume(
                        with: .failure(ConnectionLost(reason: "the server did not answer within \(timeout)"))
                    )
                    connection.close().whenComplete { _ in }
                    return
                }
            }
        }
        defer { watcher.cancel() }
        return try await outcome.value(cancelling: work)
    }

    /// Like ``withConnection(_:_:)``, inside one transaction (committed when `body` returns, rolled back when it
    /// throws).
    func transaction<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (PostgresConnection, Int) async throws -> T
    ) async throws -> T {
        try await withConnection(what) { [self] connection, attempt in
            try await Self.inTransaction(connection, logger: logger) { try await body(connection, attempt) }
        }
    }

    /// Runs `body` between `BEGIN` and `COMMIT` on `connection`; rolls back when it throws.
    static func inTransaction<T>(
        _ connection: PostgresConnection,
        logger: Logger,
        _ body: () async throws -> T
    ) async throws -> T {
        try await connection.query("BEGIN", logger: logger)
        let result: T
        do {
            result = try await body()
        } catch {
            // On a closed connection the server has rolled back already, and the query might never answer.
            if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return result
    }

    /// Runs `operation` until it succeeds, fails for good, or the server has been unreachable for
    /// ``PostgresAddress/retryFor``; pauses 50 ms, doubling up to 1 s, between attempts.
    func retrying<T>(_ what: String, _ operation: (Int) async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + address.retryFor
        var pause = Duration.milliseconds(50)
        var attempt = 1
        var onNewPools = 0
        while true {
            do {
                return try await operation(attempt)
            } catch let error as ForeignError {
                throw error.error
            } catch {
                // The pool failing every request at once (its circuit breaker tripped after a minute of failed
                // connections) while the server is back, or a request that waited on a pool replaced meanwhile: again
                // at once, on the new pool.
                if !Task.isCancelled, !closed.withLock({ $0 }), onNewPools < 5 {
                    var again = Self.isPoolShutdown(error)
                    if !again { again = try await renewTrippedPool(after: error) }
                    if again {
                        onNewPools += 1
                        attempt += 1
                        continue
                    }
                }
                let wrapped = Self.wrap(error, "\(what) in \(address.description)")
                guard Self.isRetryable(error), ContinuousClock.now + pause < deadline, !Task.isCancelled else {
                    if "\(error)".contains("CircuitBreakerTripped"), let cause = await connectionFailureCause() {
                        throw StorageError(.backend, "\(what) in \(address.description): \(cause)", underlying: error)
                    }
                    throw wrapped
                }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(1))
                attempt += 1
            }
        }
    }

    /// One direct connection before the pool's first, so that an address the server refuses fails at once.
    ///
    /// The pool keeps trying to connect, whatever the cause, for about a minute before it reports the failure,
    /// which it does without the cause. Here a login the server refuses (a wrong password, an unknown user or
    /// database: SQLSTATE 28000, 28P01, 3D000) or a password it asks for and the address does not give is
    /// `.invalidAddress` at once, naming the cause; a server that cannot be reached, or that is starting or full
    /// (57P03, 53300), is tried again with backoff (50 ms doubling to 1 s) for at most ``PostgresAddress/retryFor``,
    /// then `.backend`. Once per storage (``migrate()``); a success costs one connection, closed at once.
    ///
    /// - Throws: `StorageError` `.invalidAddress` or `.backend`.
    func probe() async throws {
        let what = "cannot connect to \(address.description)"
        let started = ContinuousClock.now
        let deadline = started + address.retryFor
        var pause = Duration.milliseconds(50)
        var told = false
        while true {
            let failure: StorageError
            do {
                try await connectDirectly()
                return
            } catch let error as PSQLError where error.code == .server {
                let state = error.serverInfo?[.sqlState] ?? ""
                guard ["57P03", "53300"].contains(state) || state.hasPrefix("08") else {
                    throw Self.wrap(error, what)
                }
                failure = StorageError(.backend, "\(what): \(Self.refusal(error))", underlying: error)
            } catch let error as PSQLError
                where error.code == .authMechanismRequiresPassword || error.code == .unsupportedAuthMechanism
                || error.code == .saslError
            {
                let reason =
                    error.code == .authMechanismRequiresPassword
                    ? "the server asks for a password and the address gives none: write it in the address "
                        + "(postgresql://user:password@host:port/database)"
                    : "the server's login method failed (\(error.code)): check the user and password of the address"
                throw StorageError(.invalidAddress, "\(what): \(reason)", underlying: error)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = StorageError(
                    .backend,
                    "\(what): no connection to the PostgreSQL server could be made in "
                        + "\(Int(address.retryFor.seconds.rounded())) s (retry_for): \(Self.connectionCause(error)); "
                        + "check that it runs and the address is right",
                    underlying: error
                )
            }
            guard ContinuousClock.now + pause < deadline, !Task.isCancelled else { throw failure }
            if !told, let onWaiting, ContinuousClock.now - started >= Self.waitingNoticeAfter {
                told = true
                let cause = (failure.underlying).map(Self.connectionCause) ?? failure.message
                onWaiting(
                    "waiting for the PostgreSQL server at \(address.description) (\(cause)); trying again for up to"
                        + " \(Int(address.retryFor.seconds.rounded())) s (retry_for in the address)"
                )
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(1))
        }
    }

    /// Why a connection could not be made, in a few words: the server's refusal (``refusal(_:)``), refused, a host
    /// name that does not resolve, no answer in time, or the client's own description.
    static func connectionCause(_ error: any Error) -> String {
        if let error = error as? PSQLError, error.code == .server { return refusal(error) }
        let text = String(reflecting: error)
        if text.contains("Connection refused") { return "connection refused" }
        if text.contains("UnknownHost") || text.contains("Name or service not known") {
            return "the host name does not resolve"
        }
        if text.contains("connectTimeout") || text.contains("timed out") || text.contains("Timeout")
            || text.contains("serverClosedConnection")
        {
            return "no answer within connect_timeout, or the connection was closed before the login"
        }
        if text.contains("No route to host") || text.contains("Network is unreachable") {
            return "the host cannot be reached"
        }
        return (error as? PSQLError)?.underlying.map { "\($0)" } ?? text
    }

    /// The configuration of a connection made outside the pool.
    func directConfiguration() -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: address.host,
            port: address.port,
            username: address.user,
            password: address.password,
            database: address.database,
            tls: .disable
        )
        let (seconds, attoseconds) = address.connectTimeout.components
        configuration.options.connectTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return configuration
    }

    /// Why the server refuses new connections, as it answers one direct attempt, after the pool gave up making any
    /// (it keeps no cause): `nil` when the attempt connects, or fails without an answer from the server (the
    /// generic "no connection" message says it then).
    func connectionFailureCause() async -> String? {
        do {
            try await connectDirectly()
            return nil
        } catch let error as PSQLError where error.code == .server {
            return Self.refusal(error)
        } catch {
            return nil
        }
    }

    /// Opens one connection outside the pool and closes it.
    private func connectDirectly() async throws {
        let connection = try await PostgresConnection.connect(
            configuration: directConfiguration(),
            id: 0,
            logger: logger
        )
        try? await connection.close()
    }

    /// The server's refusal of a new connection, in words: for `53300` (too many connections) which limits to look
    /// at.
    static func refusal(_ error: PSQLError) -> String {
        let message = error.serverInfo?[.message] ?? "\(error)"
        guard error.serverInfo?[.sqlState] == "53300" else { return "the server refuses new connections: \(message)" }
        return "the server refuses new connections (\(message)): every connection it allows is in use "
            + "(max_connections, or a CONNECTION LIMIT of the user or database); close other clients, lower "
            + "pool_size or the number of workers, or raise the limit"
    }

    /// Whether retrying the same operation at once may succeed: the connection was lost or could not be made, the
    /// server is starting or shutting down, or it chose this transaction as a deadlock's or serialization's victim.
    static func isRetryable(_ error: any Error) -> Bool {
        if error is ConnectionLost { return true }
        if let error = error as? StorageError {
            // A storage error made of a retryable one (the lock's existing-trials lookup wraps what it meets).
            return error.underlying.map(isRetryable) ?? false
        }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300", "40001", "40P01"].contains(state)
        default:
            return false
        }
    }

    /// Maps any error to a `StorageError` naming what failed, keeping `StorageError`s and cancellations as they
    /// are.
    ///
    /// Connection failures are `.backend` (transient: the worker retries), a lock wait past its timeout is
    /// `.lockTimeout`, a refused login or a missing database `.invalidAddress`, an unexpected schema `.schema`.
    static func wrap(_ error: any Error, _ what: String) -> any Error {
        if error is StorageError || error is CancellationError { return error }
        if let lost = error as? ConnectionLost {
            if lost.serverIsBack {
                return StorageError(
                    .backend,
                    "\(what): the PostgreSQL server was unreachable and answers again (\(lost.reason)); trying again",
                    underlying: lost
                )
            }
            return StorageError(
                .backend,
                "\(what): lost the PostgreSQL server (\(lost.reason)); check that it runs and the address is right",
                underlying: lost
            )
        }
        guard let error = error as? PSQLError else {
            if "\(error)".contains("CircuitBreakerTripped") {
                // postgres-nio's pool gave up making a connection after a minute of failed attempts.
                return StorageError(
                    .backend,
                    "\(what): no connection to the PostgreSQL server could be made for a minute (refused, "
                        + "unreachable or not answering); check that it runs and the address is right",
                    underlying: error
                )
            }
            return StorageError(.backend, "\(what): \(error)", underlying: error)
        }
        guard error.code == .server else {
            let cause = error.underlying.map { "\($0)" } ?? "\(error.code)"
            return StorageError(
                .backend,
                "\(what): cannot reach the PostgreSQL server (\(cause)); check that it runs and the address is right",
                underlying: error
            )
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = error.serverInfo?[.message] ?? "\(error)"
        switch state {
        case "57014":
            // Orion sets only lock_timeout (55P03); a cancelled statement comes from a statement_timeout of the role
            // or the database, or from another client (pg_cancel_backend). It said "a lock was held by another
            // worker", with no other worker there.
            let why =
                message.contains("statement timeout")
                ? "the statement_timeout set for this role or database is shorter than orion's statements: raise it, "
                    + "or `ALTER ROLE <role> SET statement_timeout = 0` for orion's role"
                : "another client cancelled it (pg_cancel_backend); retry"
            return StorageError(
                .lockTimeout,
                "\(what): the PostgreSQL server cancelled the statement (\(message)); \(why)",
                underlying: error
            )
        case "55P03":
            return StorageError(
                .lockTimeout,
                "\(what): a lock was held by another worker for too long (\(message)); retry, or look for a stuck "
                    + "worker",
                underlying: error
            )
        case "23505":
            return StorageError(.duplicate, "\(what): \(message)", underlying: error)
        case "42501":
            return StorageError(
                .invalidAddress,
                "\(what): the PostgreSQL role lacks a privilege orion needs (\(message)); a new database's tables are "
                    + "created once by a role that may create in its schema (PostgreSQL 15 no longer lets every role "
                    + "create in schema public: GRANT CREATE ON SCHEMA public TO the role, or make it the database's "
                    + "owner), then SELECT, INSERT, UPDATE and DELETE on them are enough",
                underlying: error
            )
        case "28000", "28P01", "3D000":
            return StorageError(
                .invalidAddress,
                "\(what): \(message); check the user, password and database of the storage address",
                underlying: error
            )
        case let state where state.hasPrefix("42") || state.hasPrefix("XX"):
            return StorageError(
                .schema,
                "\(what): the database is not as this version of orion expects (\(message))",
                underlying: error
            )
        default:
            return StorageError(.backend, "\(what): \(message)", underlying: error)
        }
    }

    /// The encoder of the JSON documents: dates as `Date`'s own number (seconds since 2001-01-01 UTC, exact),
    /// NaN and infinities as the strings `"NaN"`, `"Infinity"` and `"-Infinity"` (the SQLite backend's format).
    static func makeEncoder() -> JSONEncoder { StoredJSON.encoder() }

    /// The decoder matching ``makeEncoder()``.
    static func makeDecoder() -> JSONDecoder { StoredJSON.decoder() }
}

/// An error thrown by code the storage runs for its caller (the algorithm lock's body), carried through the
/// transaction and the retries unchanged.
struct ForeignError: Error {
    /// The caller's error.
    var error: any Error
}

/// The connection an operation was using closed under it, or the server did not answer in time: the operation may or
/// may not have been committed, and is retried.
struct ConnectionLost: Error, CustomStringConvertible {
    /// What happened.
    var reason: String
    /// Whether the server answers again (the connection pool, stuck on the outage, was replaced): the call is
    /// tried again at once, and the message does not ask to check a server that runs.
    var serverIsBack = false

    var description: String { reason }
}

/// Whether a pooled request has got its connection.
final class LeaseFlag: Sendable {
    private let value = Mutex(false)

    /// Marks the connection as got.
    func set() { value.withLock { $0 = true } }

    /// Whether the connection was got.
    var isSet: Bool { value.withLock { $0 } }
}

/// What a task of ``PostgresStorage/pooled(_:)`` ends with: the body's value, or the watch ended.
enum PooledOutcome<T: Sendable>: Sendable {
    case done(T)
    case watched
}
