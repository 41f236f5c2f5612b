import Foundation
import GRDB
import OrionCore
import Synchronization

/// The default storage: one SQLite file in WAL mode, shared by any number of worker processes on one machine.
///
/// Every write is one `BEGIN IMMEDIATE` transaction, so reservations and compare-and-set updates are atomic
/// across processes; waiting for another process's write uses SQLite's busy timeout. A write runs in place on the
/// caller's thread when nothing else in the process is writing and no other process holds the write lock (which
/// halves the cost of a transaction); otherwise it waits on GRDB's writer queue while the calling task is
/// suspended, so that a lock held elsewhere never blocks the Swift concurrency pool (see docs/storage.md). The algorithm lock is SQLite's write lock, held for the duration of one transaction, so
/// it is released by SQLite if its holder dies. WAL needs shared memory between the processes: use one machine
/// (a local disk), not a network file system.
///
/// The schema is created and upgraded by named migrations (`SQLiteStorage+Schema.swift`); all SQL lives in
/// `SQLiteStorage+Queries.swift`. See `docs/storage.md` for the schema and the guarantees.
public final class SQLiteStorage: Storage {
    /// The database file.
    public let path: String
    /// Where SQLite keeps the log (`-wal`) and the index (`-shm`) of the file: `path` with its symbolic links
    /// resolved, as SQLite resolves them (``companionBase(_:)``).
    let sqlitePath: String
    /// How long a write waits for other processes holding SQLite's write lock.
    public let busyTimeout: Duration
    let pool: DatabasePool
    private let closed = Mutex(false)
    /// This process's writes: how many are in flight, and the writer connection's current busy timeout.
    private let writes: Mutex<WriterState>
    /// The file's device and inode when it was opened, for writes to check that `path` is still that file.
    private let identity: (device: UInt64, inode: UInt64)?
    /// The device and inode of SQLite's log (`<path>-wal`) and index (`<path>-shm`) once opened, for writes to check
    /// that they were not replaced, nor the index removed (``checkCompanions(_:)``).
    private let companions: (log: (device: UInt64, inode: UInt64)?, index: (device: UInt64, inode: UInt64)?)
    /// Where the open file's contents were saved once `path` was found removed or replaced.
    private let recovered = Mutex<(copy: String, companions: CompanionsMove)?>(nil)
    /// Whether the open file's contents are saved when `path` is found removed or replaced.
    private let savesWhenRemoved: Bool
    /// Whether the write-ahead log was found removed while this storage used it (``writeBackRemovedLog(_:)``).
    private let logRemoved = Mutex(false)
    /// Told when a write has waited ``writeWaitNoticeAfter`` for another process's lock (the `waitNotice` of
    /// ``init(path:busyTimeout:create:waitNotice:savesWhenRemoved:)``), and when it was last told.
    private let writeWaitNotice: (@Sendable (String) -> Void)?
    private let lastWriteWaitNotice = Mutex<ContinuousClock.Instant?>(nil)
    /// How long a write waits for another process's lock before `waitNotice` is told (at most once a minute): a hunt
    /// whose writes wait for a lock held elsewhere said nothing until the busy timeout ran out.
    let writeWaitNoticeAfter = Mutex(Duration.seconds(10))

    /// What ``write(_:busyTimeout:_:)`` keeps about the writer connection.
    private struct WriterState {
        /// Writes running or waiting in this process.
        var inFlight = 0
        /// The busy timeout the writer connection has now; `nil` at first, when it has ``LockWaitNotice``'s busy
        /// handler (the first write sets its own).
        var writerBusyTimeout: Duration?
        /// Whether a write was attempted since opening (``close()`` then checkpoints).
        var wrote = false
    }

    /// Opens the database at `path`, creating the file and its parent directories if needed (unless `create` is
    /// `false`), and applies the pending migrations.
    ///
    /// - Parameters:
    ///   - path: the database file.
    ///   - busyTimeout: how long a write waits for other processes holding the write lock (60 s by default).
    ///   - create: whether a missing file (and its directories) is created; commands that only read pass `false`,
    ///     so that a mistyped path is an error rather than a new, empty database.
    ///   - waitNotice: called once, from another thread, when opening has waited 2 s for another process's lock
    ///     (a process in the middle of a long write, or stopped with Ctrl-Z while it held the lock); `orion` prints
    ///     the message, so that a command does not hang silently for up to `busyTimeout`.
    ///   - savesWhenRemoved: whether a write that finds the file removed or replaced first saves what the open file
    ///     holds to `<path>.recovered-<pid>` (``checkStillThere(_:)``); a scratch database its owner removes on
    ///     purpose (an interrupted `orion benchmark run`) passes `false`, so that nothing is left behind.
    ///   - checksIntegrity: whether an existing file is read through once (SQLite's `PRAGMA quick_check`) before
    ///     anything is written, so that a command that writes (`orion hunt`, `insert`, `init-only`) refuses a damaged
    ///     file instead of writing into it; about a second per gigabyte, read only.
    /// - Throws: `StorageError` `.notFound` when the file does not exist and `create` is `false`, `.backend` when
    ///   the file cannot be created, opened or migrated, `.schema` when it was written by a newer version of
    ///   swift-orion, is not an Oríon database, or (with `checksIntegrity`) is damaged.
    public init(
        path: String,
        busyTimeout: Duration = .seconds(60),
        create: Bool = true,
        waitNotice: (@Sendable (String) -> Void)? = nil,
        savesWhenRemoved: Bool = true,
        checksIntegrity: Bool = false
    ) throws {
        self.path = path
        let sqlitePath = Self.companionBase(path)
        self.sqlitePath = sqlitePath
        self.savesWhenRemoved = savesWhenRemoved
        self.busyTimeout = busyTimeout
        self.writes = Mutex(WriterState(writerBusyTimeout: nil))
        self.writeWaitNotice = waitNotice
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw StorageError(
                .notFound,
                "no database at \(path): check the storage address (--storage, ORION_DB_ADDRESS or the configuration "
                    + "file); `orion hunt` creates the database"
            )
        }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw StorageError(
                .backend,
                "cannot create the directory \(directory) for the database \(path): \(error.localizedDescription)",
                underlying: error
            )
        }
        var configuration = Configuration()
        let notice = LockWaitNotice(path: path, patience: busyTimeout, notify: waitNotice)
        configuration.busyMode = .callback { tries in notice.keepWaiting(tries: tries) }
        configuration.label = "orion-sqlite"
        if let pickled = Self.pickledDBMessage(path) { throw StorageError(.schema, pickled) }
        try Self.checkLogIsThere(path, companions: sqlitePath)
        if !FileManager.default.fileExists(atPath: path), let problem = Self.nameProblem(path) {
            throw StorageError(.invalidAddress, "cannot create the database \(path): \(problem)")
        }
        // A file this user may not write (a colleague's, a published copy) is opened read-only: the commands that
        // only read work, the others fail with what is wrong.
        let readOnly = FileManager.default.fileExists(atPath: path) && !Self.isWritable(path)
        if !readOnly {
            try Self.refuseForeignDatabase(path)
            if let note = Self.moveAsideForeignLog(path, companions: sqlitePath) { waitNotice?(note) }
        }
        configuration.readonly = readOnly
        if !readOnly {
            // The header is read here, before SQLite has the file open: closing a handle on it in this process would
            // release SQLite's locks.
            let existing = LogStamp.isDatabase(path)
            configuration.prepareDatabase { db in
                try Queries.preparePragmas(db)
                // The writer, before GRDB's own first write in a log: this log's first transaction.
                if existing, !db.configuration.readonly, LogStamp.hasNoLog(sqlitePath + "-wal") {
                    try LogStamp.startLog(db)
                }
            }
        }
        pool = try Self.open(
            path: readOnly ? Self.readOnlyLocation(path) : path,
            configuration: configuration,
            patience: busyTimeout,
            notice: notice
        )
        if readOnly {
            identity = nil
            companions = (nil, nil)
            try Self.checkSchema(pool, path: path)
        } else {
            if checksIntegrity { try Self.checkIntegrity(pool, path: path) }
            try Self.migrate(pool, path: path)
            identity = try? Self.identity(of: path).get()
            // The migration read and wrote: SQLite has made both, and keeps them until its last connection closes.
            companions = (
                try? Self.identity(of: sqlitePath + "-wal").get(), try? Self.identity(of: sqlitePath + "-shm").get()
            )
        }
    }

    /// Throws when SQLite's `PRAGMA quick_check` finds the file damaged.
    ///
    /// A damaged page of a table or index, pages lost or used twice: a hunt on such a file ran and wrote its trials
    /// into it, unaware, since SQLite reads only the pages a statement needs (hBL's probe: an index page overwritten,
    /// the hunt's 10 trials stored, `integrity_check` failing). It reads every page once, in a read transaction
    /// beside other processes' writes; a new, empty file passes at once.
    static func checkIntegrity(_ pool: DatabasePool, path: String) throws {
        let what = "cannot open the database \(path)"
        let problems: [String]
        do {
            problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(3)") }
        } catch {
            throw wrap(error, what, path: path)
        }
        guard problems != ["ok"] else { return }
        // One line: SQLite's first problem, without its "*** in database main ***" heading.
        let lines = problems.flatMap { $0.split(separator: "\n") }.filter { !$0.hasPrefix("***") }
        let first = lines.first.map(String.init) ?? problems.joined(separator: " ")
        throw StorageError(
            .schema,
            "\(what): the database is corrupted (quick_check: \(first)\(lines.count > 1 ? "; …" : "")); no trial "
                + "or experiment was written; restore it from a copy (with no orion running, the .db file alone is a "
                + "complete copy), or use another file"
        )
    }

    /// How long opening waits for another process's lock before ``init(path:busyTimeout:create:waitNotice:savesWhenRemoved:)`` says
    /// so (seconds).
    static let waitNoticeDelay = 2.0

    /// Waits for other processes' locks as SQLite's busy timeout does, and says once when a wait has lasted
    /// ``waitNoticeDelay``: the busy handler of every new connection (opening writes when the write-ahead log is
    /// empty, as GRDB makes sure it is not, and migrating writes), until a write sets the connection's own
    /// timeout (``write(_:busyTimeout:_:)``).
    final class LockWaitNotice: Sendable {
        private let message: String
        private let patience: Double
        private let notify: (@Sendable (String) -> Void)?
        private let said = Mutex(false)
        /// The pauses between tries, as SQLite's own busy timeout makes them (seconds); the last one repeats.
        private static let pauses = [0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.025, 0.025, 0.05, 0.05, 0.1]

        init(path: String, patience: Duration, notify: (@Sendable (String) -> Void)?) {
            self.patience = patience.seconds
            self.notify = notify
            message =
                "waiting for another process to release its lock on the database \(path) (giving up after "
                + "\(Int(patience.seconds.rounded())) s)"
        }

        /// Whether to try again after `tries` failed tries of one lock (the busy handler), after a pause.
        func keepWaiting(tries: Int) -> Bool {
            let seconds = (0..<tries).reduce(0.0) { $0 + Self.pauses[min($1, Self.pauses.count - 1)] }
            guard seconds < patience else { return false }
            waited(seconds)
            Thread.sleep(forTimeInterval: Self.pauses[min(tries, Self.pauses.count - 1)])
            return true
        }

        /// Says so once, when a wait has lasted long enough.
        func waited(_ seconds: Double) {
            guard seconds >= SQLiteStorage.waitNoticeDelay, let notify else { return }
            let first = said.withLock { said in
                defer { said = true }
                return !said
            }
            if first { notify(message) }
        }
    }

    /// The device and inode of the file at `path` (symbolic links followed), or `stat`'s `errno` when it failed.
    static func identity(of path: String) -> Result<(device: UInt64, inode: UInt64), POSIXError> {
        var status = stat()
        guard stat(path, &status) == 0 else { return .failure(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)) }
        return .success((UInt64(status.st_dev), UInt64(status.st_ino)))
    }

    /// Where SQLite keeps the log and the index of the database at `path`.
    ///
    /// `<base>-wal` and `<base>-shm`, where `base` is `path` with its symbolic links resolved, as SQLite's unix file
    /// system resolves them (the directory's, for a file not there yet). A database opened through a link had its
    /// log beside the link's target, where no check looked (hBR's probe: a copy put in place at the target got the
    /// old log replayed).
    static func companionBase(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let directory = (path as NSString).deletingLastPathComponent
        guard let resolved = realpath(directory.isEmpty ? "." : directory, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved) + "/" + (path as NSString).lastPathComponent
    }

    /// Refuses a database whose write-ahead log (`<path>-wal`) is missing while its index (`<path>-shm`) is there.
    ///
    /// SQLite never leaves that pair behind (closing removes the index first, a crash leaves both): the log was
    /// removed by hand, and a process that has the database open may still hold it, with every change since its last
    /// checkpoint. Opening the database would create a new, empty log, after which that process's changes could no
    /// longer be written back: an `orion status` run after `rm orion.db-wal` lost a running hunt's whole experiment.
    /// The processes that hold the log write it back into the file when they stop (and after each of their writes,
    /// ``writeBackRemovedLog(_:)``).
    ///
    /// - Parameters:
    ///   - path: the database file.
    ///   - base: where SQLite keeps its log and index (``companionBase(_:)``).
    /// - Throws: `StorageError` `.schema`, which says what to do.
    static func checkLogIsThere(_ path: String, companions base: String) throws {
        let manager = FileManager.default
        guard manager.fileExists(atPath: base + "-shm"), !manager.fileExists(atPath: base + "-wal"),
            manager.fileExists(atPath: path)
        else { return }
        throw StorageError(
            .schema,
            "the database \(path) has lost its write-ahead log \(base)-wal (removed while its index \(base)-shm is "
                + "there): opening it now could lose what a process using it has written; let the orion processes "
                + "using it stop (they write the log back into the file), or, if none uses it, delete \(base)-shm"
        )
    }

    /// Throws when SQLite's index (`<path>-shm`) was removed or replaced, or its log (`<path>-wal`) replaced, while
    /// this storage used them, after writing what it can back into the database file.
    ///
    /// Another process opening the database then makes a new index while this one goes on with the removed one: two
    /// indexes of one log, and the database is corrupted ("database disk image is malformed"; trials run twice). An
    /// opener cannot tell a removed pair from a database closed cleanly (SQLite removes both), so the processes
    /// that have the removed files stop instead, with their changes written back into the file (a checkpoint).
    /// A removed log alone is written back and the process goes on (``writeBackRemovedLog(_:)``): the index left in
    /// place makes every other opener refuse the database.
    ///
    /// - Parameter db: the writer connection, outside any transaction.
    /// - Returns: whether the log was removed (none can be made again while the index is there).
    /// - Throws: `StorageError` `.schema`.
    private func checkCompanions(_ db: Database) throws -> Bool {
        enum Change { case none, removed, replaced }
        func change(_ suffix: String, _ opened: (device: UInt64, inode: UInt64)?) -> Change {
            guard let opened else { return .none }
            switch Self.identity(of: sqlitePath + suffix) {
            case .success(let now): return now == opened ? .none : .replaced
            case .failure(let error): return [.ENOENT, .ENOTDIR].contains(error.code) ? .removed : .none
            }
        }
        let index = change("-shm", companions.index) != .none
        let logChange = change("-wal", companions.log)
        let log = logChange == .replaced
        guard index || log else { return logChange == .removed }
        let written = (try? db.checkpoint(.full)) != nil
        throw StorageError(
            .schema,
            "SQLite's \(index ? "index \(sqlitePath)-shm" : "log \(sqlitePath)-wal") was "
                + "\(index ? "removed or replaced" : "replaced") while orion was using the database \(path) (they must "
                + "stay while it is in use): this process stops so that it cannot corrupt the database with another "
                + "process that opens it; "
                + (written
                    ? "its changes were written into \(path); run the command again"
                    : "its last changes could not be written into \(path)")
        )
    }

    /// When the write-ahead log was removed while this storage used it (`rm orion.db-wal`), writes it back into the
    /// database file (a checkpoint, through this process's handle on the removed log) and says so once: the changes
    /// would otherwise live only in a removed file until this process stops, and be lost if it were killed.
    ///
    /// The other commands refuse the database meanwhile (``checkLogIsThere(_:)``); when the last process using it
    /// closes it, the index is removed and the database opens again as usual.
    ///
    /// - Parameter db: the writer connection, outside any transaction, after a write that ``checkCompanions(_:)``
    ///   found without its log.
    private func writeBackRemovedLog(_ db: Database) {
        _ = try? db.checkpoint(.passive)
        let first = logRemoved.withLock { removed in
            defer { removed = true }
            return !removed
        }
        guard first, let notify = writeWaitNotice else { return }
        notify(
            "the write-ahead log \(sqlitePath)-wal was removed while orion was using it: this process writes its "
                + "changes back into \(path) after each write, and other orion commands refuse the database until the "
                + "processes using it stop (nothing is lost)"
        )
    }

    /// Throws when `path` is no longer the file this storage opened, after saving what the open file holds.
    ///
    /// Removed (`rm`) or replaced (`mv other.db`) while in use: SQLite goes on writing into the open file, which
    /// nothing can read once it is closed, so a hunt reported every trial as stored and its results were gone. What
    /// the open file holds is copied first (`VACUUM INTO`, once) to `<path>.recovered-<pid>`, which the error names.
    /// A path that cannot be examined for another reason (a permission, a network file system) is not taken for a
    /// removal.
    ///
    /// - Parameter db: the writer connection, outside any transaction.
    /// - Throws: `StorageError` `.schema` when the file was removed or replaced.
    private func checkStillThere(_ db: Database) throws {
        guard let opened = identity else { return }
        let removed: Bool
        switch Self.identity(of: path) {
        case .success(let now):
            guard now != opened else { return }
            removed = false
        case .failure(let error):
            guard [.ENOENT, .ENOTDIR].contains(error.code) else { return }
            removed = true
        }
        let saving = recovered.withLock { saved -> (copy: String, companions: CompanionsMove)? in
            if let saved { return saved }
            guard savesWhenRemoved else { return nil }
            let target = path + ".recovered-\(getpid())"
            guard (try? db.execute(sql: "VACUUM INTO ?", arguments: [target])) != nil else { return nil }
            // The copy's pages are laid out anew: a log of this file is not its log (``LogStamp``).
            if let copy = try? DatabaseQueue(path: target) {
                try? copy.write { db in try Queries.setLogStamp(db, LogStamp.next(after: 0)) }
                try? copy.close()
            }
            saved = (target, moveAsideOwnCompanions())
            return saved
        }
        let copy = saving?.copy
        let companions =
            switch saving?.companions ?? .failed {
            case .moved:
                "the old database's \(sqlitePath)-wal and \(sqlitePath)-shm are moved aside (to "
                    + "`\(sqlitePath)-wal.stale-\(getpid())` "
                    + "and `-shm.stale-\(getpid())`), since any file opened at \(path) would take them for its own log"
            case .gone:
                "the old database's log is no longer at \(sqlitePath)-wal (another orion moved it aside, or it was "
                    + "removed)"
            case .failed:
                "once no orion uses the file, first delete \(sqlitePath)-wal and \(sqlitePath)-shm (they belong to the "
                    + "\(removed ? "removed" : "replaced") database and would corrupt any file opened there)"
            }
        let saved =
            copy.map {
                "what this process's connection held is saved in \($0), which you may put back in place of "
                    + "\(sqlitePath); "
                    + companions
            }
            ?? "this process's writes since then are lost"
        throw StorageError(
            .schema,
            "the database \(path) was \(removed ? "removed" : "replaced by another file") while orion was using it: "
                + "nothing more is written, since it could not be read again; \(saved)"
        )
    }

    /// Moves the log and the index this storage opened (`<path>-wal`, then `<path>-shm`) to
    /// `<path>-wal.stale-<pid>` and `<path>-shm.stale-<pid>`, when `path` is no longer the database they belong to.
    ///
    /// SQLite takes a log it finds beside a database for that database's: the next command that opened the file put
    /// in place (`mv backup.db orion.db` while a hunt ran), even `orion status`, replayed the replaced database's log
    /// into it and lost its experiments (hBL's probe). Only files that are still those this storage opened are moved
    /// (one a new opener made is the new database's), the log first: an index alone is harmless, a log alone is
    /// replayed. The processes that use them keep them open.
    ///
    /// - Returns: whether the log was moved (an index alone is left where it is: openers refuse it without a log),
    ///   or was no longer there.
    private func moveAsideOwnCompanions() -> CompanionsMove {
        guard let log = companions.log else { return .failed }
        guard case .success(let now) = Self.identity(of: sqlitePath + "-wal"), now == log else { return .gone }
        return Self.moveAside(companionsOf: sqlitePath, log: log, index: companions.index).log ? .moved : .failed
    }

    /// Renames `<base>-wal`, then `<base>-shm`, to `<base>-wal.stale-<pid>` and `<base>-shm.stale-<pid>`, each only
    /// while it is still the file `log` or `index` names (device and inode: one another opener made since is not
    /// moved), the index only once the log is (an index alone is harmless, a log alone is replayed).
    ///
    /// - Returns: which were moved.
    static func moveAside(
        companionsOf base: String,
        log: (device: UInt64, inode: UInt64),
        index: (device: UInt64, inode: UInt64)?
    ) -> (log: Bool, index: Bool) {
        func move(_ suffix: String, _ expected: (device: UInt64, inode: UInt64)?) -> Bool {
            guard let expected, case .success(let now) = identity(of: base + suffix), now == expected else {
                return false
            }
            return rename(base + suffix, base + suffix + ".stale-\(getpid())") == 0
        }
        guard move("-wal", log) else { return (false, false) }
        return (true, move("-shm", index))
    }

    /// What ``moveAsideOwnCompanions()`` did.
    enum CompanionsMove {
        /// The log was moved aside.
        case moved
        /// The log at `<path>-wal` is another file, or none: another process moved this one aside
        /// (``moveAsideForeignLog(_:companions:)``), or it was removed.
        case gone
        /// The log could not be moved, or this storage does not know it.
        case failed
    }

    /// Whether the files at `<path>-wal` and `<path>-shm` may be another database's than the one this storage
    /// opened, so that closing must not remove them.
    ///
    /// SQLite removes the log and its index by name when the last connection to a file that was not moved or removed
    /// closes: a storage whose log was moved aside (by an opener that found it foreign after `cp backup.db orion.db`,
    /// or by hand) removed the ones another process had made since, which then stopped, or wrote through a removed
    /// log while the next opener made a new one. Its own files are removed as before.
    private func companionsAreAnotherFiles() -> Bool {
        func isOwn(_ suffix: String, _ opened: (device: UInt64, inode: UInt64)?) -> Bool? {
            switch Self.identity(of: sqlitePath + suffix) {
            case .success(let now): return opened.map { now == $0 } ?? false
            case .failure: return nil
            }
        }
        let log = isOwn("-wal", companions.log), index = isOwn("-shm", companions.index)
        if log == false || index == false { return true }
        guard log == nil, index == nil else { return false }
        // Neither is there: when `path` is another file, or none, anything made beside it from now on is not this
        // storage's (while one of its own is there, other openers do not make theirs).
        guard let identity, case .success(let now) = Self.identity(of: path) else { return identity != nil }
        return now != identity
    }

    /// What to say when `path` is Oríon's PickledDB (a pickle, Oríon's default storage), or a `.pkl` not there yet.
    ///
    /// That this program keeps experiments in SQLite or PostgreSQL, and how to import Oríon's; `nil` for any other
    /// path.
    static func pickledDBMessage(_ path: String) -> String? {
        func howToImport(_ file: String) -> String {
            "convert it with Oríon's Python: `python scripts/import-orion.py --pickleddb \(file) -o orion.json`, "
                + "then `orion db load orion.json` (docs/migrating-from-orion.md)"
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            guard path.hasSuffix(".pkl"), !FileManager.default.fileExists(atPath: path) else { return nil }
            return "\(path) names an Oríon PickledDB file, which this orion does not write: give an SQLite file "
                + "(e.g. orion.db) or a postgresql:// address; for an existing Oríon database, "
                + howToImport("PATH")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 2)) ?? Data()
        // A pickle of protocol 2 to 5 starts with PROTO (0x80) and the protocol number.
        guard head.count == 2, head[head.startIndex] == 0x80, (2...5).contains(head[head.startIndex + 1]) else {
            return nil
        }
        return "\(path) is an Oríon PickledDB file (a Python pickle), not an SQLite database; " + howToImport(path)
    }

    /// Where SQLite opens a file this process may not write.
    ///
    /// With no write-ahead log beside it (no process writes it now), SQLite could not create the log's index
    /// either, so the file is opened as immutable (a snapshot); while its owner's processes write it, through their
    /// log and index.
    static func readOnlyLocation(_ path: String) -> String {
        FileManager.default.fileExists(atPath: companionBase(path) + "-wal") ? path : immutableLocation(path)
    }

    /// The URI that opens the file at `path` alone, as immutable: SQLite neither locks it nor opens its log.
    static func immutableLocation(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute
        return "file:" + encoded + "?immutable=1"
    }

    /// Whether this process may write the database: the file, and its directory (SQLite creates the write-ahead
    /// log and its index beside it).
    static func isWritable(_ path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        return access(path, W_OK) == 0 && access(directory.isEmpty ? "." : directory, W_OK) == 0
    }

    /// Opens the pool, retrying while another process holds a lock that SQLite does not wait for with its busy
    /// handler (switching a new file to WAL mode needs an exclusive lock: several workers starting at once race
    /// for it).
    private static func open(
        path: String,
        configuration: Configuration,
        patience: Duration,
        notice: LockWaitNotice
    ) throws -> DatabasePool {
        let start = ContinuousClock.now
        var pause = 0.005
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError
                where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode.primaryResultCode)
                && ContinuousClock.now < start + patience
            {
                notice.waited((ContinuousClock.now - start).seconds)
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 0.2)
            } catch {
                let problem = (error as? DatabaseError).flatMap { _ in openProblem(path) }
                throw wrap(error, "cannot open the database \(path)" + (problem.map { " (\($0))" } ?? ""), path: path)
            }
        }
    }

    /// What is wrong with `path` as a place for a database, in words, when SQLite's own ("unable to open database
    /// file", "disk I/O error") does not say: a directory, a dangling link, a full or read-only file system.
    static func openProblem(_ path: String) -> String? {
        guard !path.hasPrefix("file:") else { return nil }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "it is a directory: give the path of a file in it, e.g. \(path)/orion.db"
        }
        var link = stat()
        var target = stat()
        if lstat(path, &link) == 0, stat(path, &target) != 0 {
            return "it is a symbolic link to a file that does not exist"
        }
        let directory = (path as NSString).deletingLastPathComponent
        var volume = statvfs()
        if statvfs(directory.isEmpty ? "." : directory, &volume) == 0 {
            if volume.f_flag & UInt(ST_RDONLY) != 0 { return "\(directory) is on a read-only file system" }
            if volume.f_bavail == 0 { return "the file system holding \(directory) is full" }
        }
        if access(directory.isEmpty ? "." : directory, W_OK) != 0 {
            return "this user cannot create files in \(directory)"
        }
        return nameProblem(path)
    }

    /// The directory holding `path` when its file system is mounted read-only, else `nil`.
    static func readOnlyFileSystem(holding path: String) -> String? {
        let directory = (path as NSString).deletingLastPathComponent
        var volume = statvfs()
        guard statvfs(directory.isEmpty ? "." : directory, &volume) == 0, volume.f_flag & UInt(ST_RDONLY) != 0 else {
            return nil
        }
        return directory.isEmpty ? "." : directory
    }

    /// The file size limit of this process (`ulimit -f`), when the database at `path` or its log has reached it, in
    /// words; `nil` without a limit or below it.
    ///
    /// - Parameter path: the database's path.
    /// - Returns: what stops the database from growing, and how to fix it.
    static func fileSizeLimitProblem(of path: String) -> String? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max
        else { return nil }
        let largest =
            [path, companionBase(path) + "-wal", companionBase(path) + "-shm"].compactMap { file -> UInt64? in
                var info = stat()
                return stat(file, &info) == 0 ? UInt64(info.st_size) : nil
            }.max() ?? 0
        // SQLite writes a page (or a log frame) at a time: the limit is met once a file is within one of it.
        guard largest + 70_000 >= UInt64(limit.rlim_cur) else { return nil }
        let kib = limit.rlim_cur / 1024
        return "this process may not write files larger than \(kib) KiB (`ulimit -f \(kib)`) and the database has"
            + " reached it; raise the limit (`ulimit -f unlimited`) and run the command again"
    }

    /// What is wrong with the name of `path` as a database's: longer than the file system allows, or too long for
    /// the `<name>-wal` and `<name>-shm` files SQLite keeps beside it; `nil` when it fits.
    static func nameProblem(_ path: String) -> String? {
        guard !path.hasPrefix("file:") else { return nil }
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let longest = Int(pathconf(directory.isEmpty ? "." : directory, Int32(_PC_NAME_MAX)))
        guard longest > 0 else { return nil }
        if name.utf8.count > longest {
            return "its name has \(name.utf8.count) bytes, more than the file system allows (\(longest)); give a "
                + "shorter name"
        }
        if name.utf8.count + 4 > longest {
            return "its name is too long for the files SQLite keeps beside it (\(name.prefix(12))…-wal and -shm: "
                + "\(longest) bytes at most, the name has \(name.utf8.count)); give a shorter name"
        }
        return nil
    }

    /// Checkpoints the write-ahead log into the database file (when this storage wrote), then closes every
    /// connection.
    ///
    /// Once the last connection to the file is closed, SQLite deletes the `-wal` file, so that the database file
    /// alone holds everything. While other processes keep the file open, the log is checkpointed but keeps its
    /// size: an empty log would make the next process that opens the file write (GRDB makes sure the log is not
    /// empty), and so wait for a worker holding the write lock. Closing twice does nothing.
    ///
    /// When another process is still reading, the log cannot be checkpointed at once: it is checkpointed as far as
    /// possible, and the last process to close finishes it.
    ///
    /// - Throws: `StorageError` `.backend` when the database cannot be checkpointed or closed.
    public func close() async throws {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        do {
            try checkpointAndClose()
        } catch let error as DatabaseError
            where [.SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_FULL].contains(error.resultCode.primaryResultCode)
            && FileManager.default.fileExists(atPath: sqlitePath + "-wal")
        {
            // The changes are in the log, which only the file's write-back failed to copy: say that they are safe
            // and where (it said "cannot close the database: disk I/O error", and a user might delete the log).
            let cause =
                Self.fileSizeLimitProblem(of: path)
                ?? "the file may have been made read-only or immutable, or its disk is full or failing"
            throw StorageError(
                .backend,
                "cannot write the log back into the database \(path) when closing it (\(error.message ?? "\(error)")): "
                    + "\(cause); every change is kept in \(sqlitePath)-wal: keep it and \(sqlitePath)-shm beside the "
                    + "file, fix it, and the next orion command writes them back",
                underlying: error
            )
        } catch {
            throw Self.wrap(error, "cannot close the database \(path)", path: path)
        }
    }

    /// The synchronous core of ``close()``; waits at most a second for other processes' readers and writer.
    ///
    /// A storage that wrote nothing (a command that only reads, its file up to date) does not checkpoint: it never
    /// takes the write lock, so it never waits for a worker's write; SQLite checkpoints and deletes the log when the
    /// last connection to the file closes.
    private func checkpointAndClose() throws {
        if writes.withLock({ $0.wrote }) {
            try pool.writeWithoutTransaction { db in
                try Queries.setBusyTimeout(db, .seconds(1))
                _ = try Queries.checkpoint(db)
            }
        }
        if companionsAreAnotherFiles() { try pool.writeWithoutTransaction { db in Queries.keepLogWhenClosing(db) } }
        // The readers first: GRDB closes the writer first, and only a writer closing last deletes the log.
        pool.releaseMemory()
        try pool.close()
    }

    /// Maps any error to a `StorageError`, keeping `StorageError`s and cancellations as they are.
    ///
    /// - Parameters:
    ///   - error: the error.
    ///   - what: what failed, with the file's path.
    ///   - cancelled: whether the task was cancelled (SQLite then reports an interruption).
    ///   - path: the database's path, to say when the process's file size limit stopped it from growing.
    /// - Returns: the error to throw.
    static func wrap(_ error: any Error, _ what: String, cancelled: Bool = false, path: String? = nil) -> any Error {
        if error is StorageError || error is CancellationError || error is ForeignError { return error }
        if cancelled, let error = error as? DatabaseError, error.resultCode == .SQLITE_INTERRUPT {
            return CancellationError()
        }
        guard let error = error as? DatabaseError else {
            return StorageError(.backend, "\(what): \(error)", underlying: error)
        }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StorageError(
                .lockTimeout,
                "\(what): the database is locked by another process (\(message)); retry, or look for a stuck worker",
                underlying: error
            )
        case .SQLITE_NOTADB:
            return StorageError(
                .schema,
                "\(what): the file is not a swift-orion database, or it is corrupted (\(message)); give the path of a "
                    + "swift-orion database (SQLite), or a new file",
                underlying: error
            )
        case .SQLITE_READONLY:
            if let path, let mount = readOnlyFileSystem(holding: path) {
                // chmod cannot help there (hBL's probe: the message blamed the user's permissions).
                return StorageError(
                    .readOnly,
                    "\(what): the database is on a read-only file system (\(mount)) (\(message)); commands that change "
                        + "it need the file system mounted read-write, or a copy of the database elsewhere",
                    underlying: error
                )
            }
            return StorageError(
                .readOnly,
                "\(what): the database is read-only for this user (\(message)); commands that change it need write "
                    + "access to the file and its directory",
                underlying: error
            )
        case .SQLITE_CORRUPT:
            return StorageError(
                .schema,
                "\(what): the database is corrupted (\(message)); restore it from a copy (with no orion running, "
                    + "the .db file alone is a complete copy), or use another file",
                underlying: error
            )
        case .SQLITE_IOERR, .SQLITE_FULL:
            // Retrying cannot help a process that may not make files this large (`ulimit -f`): it retried for 10
            // minutes, saying "disk I/O error" (hBL's probe).
            guard let path, let limit = fileSizeLimitProblem(of: path) else { fallthrough }
            return StorageError(.readOnly, "\(what): \(limit) (\(message))", underlying: error)
        default:
            return StorageError(.backend, "\(what): \(message)", underlying: error)
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer connection; rolls back if it throws.
    ///
    /// The calling thread never waits for another process. When no other write of this process is in flight, the
    /// transaction is first tried in place with a zero busy timeout (the fast path: no thread hop); if another
    /// process holds the write lock, or another write of this process is under way, the transaction runs on GRDB's
    /// writer queue (its own thread) with the full busy timeout while the calling task is suspended, so that one
    /// long lock held elsewhere does not stall this process's other trials. `body` may therefore run twice (the
    /// first attempt rolled back before it ran, or at a statement that found the database busy): it must have no
    /// effect outside the transaction.
    ///
    /// - Parameters:
    ///   - what: what is being done, for error messages (the path is added).
    ///   - busyTimeout: how long to wait for other processes, when not ``busyTimeout``.
    ///   - body: the transaction's work.
    /// - Returns: `body`'s result.
    /// - Throws: `StorageError` (`.lockTimeout` when the wait for other processes timed out).
    func write<T: Sendable>(
        _ what: String,
        busyTimeout: Duration? = nil,
        _ body: @Sendable (Database) throws -> T
    ) async throws -> T {
        let alone = writes.withLock { state -> Bool in
            state.wrote = true
            state.inFlight += 1
            return state.inFlight == 1
        }
        defer { writes.withLock { $0.inFlight -= 1 } }
        do {
            if alone, let result = try writeNowUnlessBusy(body) { return result }
            let timeout = busyTimeout ?? self.busyTimeout
            let notice = noticeWhileWaiting(patience: timeout)
            defer { notice?.cancel() }
            return try await pool.writeWithoutTransaction { db in
                try self.transaction(db, busyTimeout: timeout, body)
            }
        } catch {
            throw Self.wrap(error, "\(what) in \(path)", cancelled: Task.isCancelled, path: path)
        }
    }

    /// A task that tells `writeWaitNotice` once the write has waited ``writeWaitNoticeAfter``.
    ///
    /// Not when it was told less than a minute ago; cancelled when the write is done. `nil` without a notice to tell.
    private func noticeWhileWaiting(patience: Duration) -> Task<Void, Never>? {
        let after = writeWaitNoticeAfter.withLock { $0 }
        guard let notify = writeWaitNotice, patience > after else { return nil }
        return Task { [self] in
            try? await Task.sleep(for: after)
            guard !Task.isCancelled else { return }
            let now = ContinuousClock.now
            let tell = lastWriteWaitNotice.withLock { last -> Bool in
                if let last, now - last < .seconds(60) { return false }
                last = now
                return true
            }
            if tell {
                notify(
                    "waiting for another process to release its lock on the database \(path) (each attempt gives up "
                        + "after \(Int(patience.seconds.rounded())) s, and a hunt then tries again)"
                )
            }
        }
    }

    /// The fast path of ``write(_:busyTimeout:_:)``: the transaction on the calling thread, with a zero busy
    /// timeout; `nil` when another process holds the write lock (nothing was written).
    private func writeNowUnlessBusy<T>(_ body: (Database) throws -> T) throws -> T? {
        do {
            return try pool.writeWithoutTransaction { db in try transaction(db, busyTimeout: .zero, body) }
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
            return nil
        }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction on the writer connection `db`, after setting its busy
    /// timeout to `busyTimeout` (only when it differs from the one it has).
    private func transaction<T>(_ db: Database, busyTimeout: Duration, _ body: (Database) throws -> T) throws -> T {
        let current = writes.withLock { $0.writerBusyTimeout }
        if current != busyTimeout {
            try Queries.setBusyTimeout(db, busyTimeout)
            writes.withLock { $0.writerBusyTimeout = busyTimeout }
        }
        try checkStillThere(db)
        let withoutLog = try checkCompanions(db)
        var result: T?
        try db.inTransaction(.immediate) {
            let changes = db.totalChangesCount
            result = try body(db)
            if db.totalChangesCount != changes { try LogStamp.advance(db) }
            return .commit
        }
        if withoutLog { writeBackRemovedLog(db) }
        guard let result else { throw StorageError(.backend, "the transaction gave no result") }
        return result
    }

    /// Runs `body` on a reader connection, which sees the last committed state.
    ///
    /// - Parameters:
    ///   - what: what is being read, for error messages (the path is added).
    ///   - body: the reads.
    /// - Returns: `body`'s result.
    /// - Throws: `StorageError`.
    func read<T: Sendable>(_ what: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try readNow(body)
        } catch {
            throw Self.wrap(error, "\(what) in \(path)", cancelled: Task.isCancelled, path: path)
        }
    }

    private func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// The encoder of the JSON documents: dates as `Date`'s own number (seconds since 2001-01-01 UTC, exact),
    /// NaN and infinities as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
    static func makeEncoder() -> JSONEncoder { StoredJSON.encoder() }

    /// The decoder matching ``makeEncoder()``.
    static func makeDecoder() -> JSONDecoder { StoredJSON.decoder() }
}

/// An error thrown by code the storage runs for its caller (the algorithm lock's body), carried through the
/// transaction unchanged so that the caller gets it as it was thrown.
struct ForeignError: Error {
    /// The caller's error.
    var error: any Error
}
