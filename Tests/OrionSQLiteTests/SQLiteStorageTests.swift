import Foundation
import GRDB
import OrionCore
import OrionTesting
import Synchronization
import XCTest

@testable import OrionSQLite

final class SQLiteStorageTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("orion-sqlite-tests-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Conformance

    func testConformance() async throws {
        let directory = directory
        try await StorageConformance(
            makeStorage: { try SQLiteStorage(path: directory + "/\(UUID().uuidString)/orion.db") },
            reopen: { storage in try SQLiteStorage(path: (storage as? SQLiteStorage)?.path ?? "") }
        ).runEveryCheck()
    }

    func testConformanceOnOneSharedFile() async throws {
        let path = directory + "/shared.db"
        try await StorageConformance(makeStorage: { try SQLiteStorage(path: path) }).runAll()
    }

    // MARK: Files, schema and errors

    func makeExperiment(_ storage: SQLiteStorage, name: String = "sqlite") async throws -> Experiment {
        let experiment = Experiment(
            name: name,
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        return experiment
    }

    func trials(_ experiment: Experiment, _ count: Int) -> [Trial] {
        (0..<count).map { index in
            Trial(
                experimentID: experiment.id,
                params: [Trial.Param(name: "/x", type: .real, value: .double(Double(index) / 1000))],
                submitTime: Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
            )
        }
    }

    func expectStorageError(
        _ code: StorageError.Code,
        file: StaticString = #filePath,
        line: UInt = #line,
        _ body: () async throws -> Void
    ) async -> StorageError? {
        do {
            try await body()
            XCTFail("expected StorageError .\(code), nothing was thrown", file: file, line: line)
        } catch let error as StorageError {
            XCTAssertEqual(error.code, code, error.message, file: file, line: line)
            return error
        } catch {
            XCTFail("expected StorageError .\(code), got \(error)", file: file, line: line)
        }
        return nil
    }

    func testCreatesTheParentDirectoriesAndAWALDatabase() async throws {
        let path = directory + "/a/b/c/orion.db"
        let storage = try SQLiteStorage(path: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        let header = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertEqual(header.prefix(16), Data("SQLite format 3\0".utf8))
        XCTAssertEqual([header[18], header[19]], [2, 2], "the file is in WAL mode")
        let applied = try await storage.appliedMigrations()
        XCTAssertEqual(applied, SQLiteStorage.migrationNames)
        XCTAssertEqual(
            applied,
            [
                "v1-experiments-trials", "v1-algorithm-states", "v2-reservation-tokens", "v3-trial-summaries",
                "v4-trial-pages",
            ]
        )
    }

    func testReopeningKeepsEverythingAndAppliesNoMigrationTwice() async throws {
        let path = directory + "/orion.db"
        let experiment: Experiment
        do {
            let storage = try SQLiteStorage(path: path)
            experiment = try await makeExperiment(storage)
            try await storage.registerTrials(trials(experiment, 3))
            try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(5)) { _ in
                AlgorithmUpdate(state: Data("{\"n\":1}".utf8), newTrials: [], output: ())
            }
        }
        let reopened = try SQLiteStorage(path: path)
        let stored = try await reopened.experiment(id: experiment.id)
        XCTAssertEqual(stored, experiment)
        let count = try await reopened.trials(of: experiment.id, status: nil).count
        XCTAssertEqual(count, 3)
        let snapshot = try await reopened.withAlgorithmLock(of: experiment.id, timeout: .seconds(5)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot)
        }
        XCTAssertEqual(snapshot.state, Data("{\"n\":1}".utf8))
        XCTAssertEqual(snapshot.stateVersion, 1)
        XCTAssertEqual(snapshot.changedTrials, [])
        let applied = try await reopened.appliedMigrations()
        XCTAssertEqual(applied, SQLiteStorage.migrationNames)
    }

    func testADatabaseFromANewerVersionIsRefused() async throws {
        let path = directory + "/newer.db"
        do {
            _ = try SQLiteStorage(path: path)
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            }
        }
        let error = await expectStorageError(.schema) { _ = try SQLiteStorage(path: path) }
        XCTAssertTrue(error?.message.contains("v9-from-the-future") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains(path) ?? false, error?.message ?? "")
    }

    /// Opening waits for another process that holds the write lock (here a connection in `BEGIN IMMEDIATE`, with
    /// the write-ahead log empty, so that opening must write), and says so after two seconds instead of hanging
    /// silently; the open succeeds once the lock is released, and without a wait nothing is said.
    func testOpeningSaysWhenItWaitsForAnotherProcesssLock() async throws {
        let path = directory + "/locked.db"
        try await SQLiteStorage(path: path).close()
        let notices = Mutex<[String]>([])
        try await SQLiteStorage(path: path) { message in notices.withLock { $0.append(message) } }.close()
        XCTAssertEqual(notices.withLock { $0 }, [])
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        let holder = try DatabaseQueue(path: path)
        let holding = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? holder.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    holding.signal()
                    Thread.sleep(forTimeInterval: 3)
                    return .rollback
                }
            }
            released.signal()
        }
        holding.wait()
        let opened = try SQLiteStorage(path: path, busyTimeout: .seconds(20)) { message in
            notices.withLock { $0.append(message) }
        }
        released.wait()
        XCTAssertEqual(notices.withLock { $0 }.count, 1)
        XCTAssertTrue(notices.withLock { $0 }.first?.contains("another process") ?? false)
        XCTAssertTrue(notices.withLock { $0 }.first?.contains(path) ?? false)
        XCTAssertTrue(notices.withLock { $0 }.first?.contains("20 s") ?? false)
        let experiments = try await opened.experiments()
        XCTAssertEqual(experiments.count, 0)
    }

    /// A write that waits for another process's lock says so once after `writeWaitNoticeAfter` (a hunt waited in
    /// silence until its busy timeout ran out), and not again within a minute; a write that does not wait says
    /// nothing.
    func testAWriteWaitingForAnotherProcessSaysSoOnce() async throws {
        let path = directory + "/held.db"
        let notices = Mutex<[String]>([])
        let storage = try SQLiteStorage(path: path, busyTimeout: .seconds(20)) { message in
            notices.withLock { $0.append(message) }
        }
        storage.writeWaitNoticeAfter.withLock { $0 = .milliseconds(300) }
        _ = try await makeExperiment(storage, name: "free")
        XCTAssertEqual(notices.withLock { $0 }, [])
        let holder = try DatabaseQueue(path: path)
        for name in ["held", "held again"] {
            let holding = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                try? holder.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        holding.signal()
                        Thread.sleep(forTimeInterval: 1.5)
                        return .rollback
                    }
                }
            }
            holding.wait()
            _ = try await makeExperiment(storage, name: name)  // waits for the lock, then writes
        }
        let said = notices.withLock { $0 }
        XCTAssertEqual(said.count, 1, "\(said)")
        XCTAssertTrue(said.first?.contains("another process to release its lock on the database \(path)") ?? false)
        XCTAssertTrue(said.first?.contains("gives up after 20 s") ?? false, "\(said)")
        try await storage.close()
    }

    /// An Oríon PickledDB file (or any file that is not SQLite) is refused at once, naming it; retrying would not help.
    func testAFileThatIsNotADatabaseIsASchemaErrorNamingIt() async throws {
        let path = directory + "/orion_db.pkl"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(repeating: 0x80, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = await expectStorageError(.schema) { _ = try SQLiteStorage(path: path) }
        XCTAssertEqual(error?.isTransient, false)
        XCTAssertTrue(error?.message.contains(path) ?? false, error?.message ?? "")
        XCTAssertNotNil(error?.underlying)
    }

    /// Oríon's own PickledDB (a pickle) is named as such with how to import it; a `.pkl` path that does not exist
    /// is refused rather than created as an SQLite file under a pickle's name (an Oríon configuration's `host`).
    func testOrionsPickledDBIsNamedWithHowToImportIt() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pickled = directory + "/orion_db.pkl"
        try Data([0x80, 0x04, 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x7D, 0x94, 0x2E]).write(
            to: URL(fileURLWithPath: pickled)
        )
        let error = await expectStorageError(.schema) { _ = try SQLiteStorage(path: pickled) }
        let message = error?.message ?? ""
        XCTAssertTrue(message.hasPrefix("\(pickled) is an Oríon PickledDB file (a Python pickle)"), message)
        XCTAssertTrue(message.contains("scripts/import-orion.py --pickleddb \(pickled)"), message)
        let missing = directory + "/new/orion_db.pkl"
        let refused = await expectStorageError(.schema) { _ = try SQLiteStorage(path: missing) }
        XCTAssertTrue(refused?.message.contains("names an Oríon PickledDB file") ?? false, refused?.message ?? "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
    }

    func testAnUnwritableLocationIsABackendError() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let blocker = directory + "/file"
        _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        let error = await expectStorageError(.backend) { _ = try SQLiteStorage(path: blocker + "/orion.db") }
        XCTAssertTrue(error?.message.contains(blocker) ?? false, error?.message ?? "")
    }

    /// SQLite says only "unable to open database file": the error says what is wrong with the path.
    func testAPathThatCannotBeADatabaseSaysWhy() async throws {
        try FileManager.default.createDirectory(atPath: directory + "/folder.db", withIntermediateDirectories: true)
        let folder = await expectStorageError(.backend) { _ = try SQLiteStorage(path: directory + "/folder.db") }
        XCTAssertTrue(
            folder?.message.contains("(it is a directory: give the path of a file in it") ?? false,
            folder?.message ?? ""
        )
        try FileManager.default.createSymbolicLink(
            atPath: directory + "/link.db",
            withDestinationPath: directory + "/gone/x.db"
        )
        let link = await expectStorageError(.backend) { _ = try SQLiteStorage(path: directory + "/link.db") }
        XCTAssertTrue(
            link?.message.contains("symbolic link to a file that does not exist") ?? false,
            link?.message ?? ""
        )
    }

    /// Another program's database, in rollback-journal mode or in WAL mode, is refused with not a byte written:
    /// opening it for writing switched the first to WAL mode (hBL's probe), and GRDB created and dropped a table in
    /// the second (hBQ's), before it was refused.
    func testAnotherProgramsSQLiteDatabaseIsNotTakenForOurs() async throws {
        for wal in [false, true] {
            let path = directory + "/other-\(wal).db"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            }
            if wal {
                try await queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            }
            try queue.close()
            XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let error = await expectStorageError(.schema) { _ = try SQLiteStorage(path: path) }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "WAL mode: \(wal)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-shm"))
            XCTAssertTrue(error?.message.contains("not a swift-orion database") ?? false, error?.message ?? "")
            XCTAssertTrue(error?.message.contains(path) ?? false, error?.message ?? "")
        }
    }

    func testACorruptedDatabaseSaysSoWithItsPath() async throws {
        let path = directory + "/corrupted.db"
        do {
            let storage = try SQLiteStorage(path: path)
            let experiment = try await makeExperiment(storage)
            try await storage.registerTrials(trials(experiment, 200))
            try await storage.close()
        }
        // Scribble over every page but the first (the header), as a failing disk or a bad copy would.
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: Int(size) - 4096))
        try handle.close()
        var message = ""
        do {
            let storage = try SQLiteStorage(path: path)
            _ = try await storage.experiments()
            XCTFail("a corrupted database was read without an error")
        } catch let error as StorageError {
            message = error.message
            XCTAssertFalse(error.isTransient, "a corrupted file must not be retried for minutes: \(error.code)")
        }
        XCTAssertFalse(message.contains("newer version"), message)
        XCTAssertTrue(message.contains("corrupted"), message)
        XCTAssertTrue(message.contains(path), message)
    }

    /// One page of an index scribbled over (a failing disk, a bad copy): SQLite reads only the pages a statement
    /// needs, so a hunt opened the file and stored its trials into it (hBL's probe). Opened with `checksIntegrity`
    /// (the commands that write) the file is refused, in one line naming it and the damage, and its rows are as they
    /// were; opened without (the commands that read) it still opens.
    func testADamagedIndexPageIsFoundBeforeAnyWrite() async throws {
        let path = directory + "/damaged-index.db"
        do {
            let storage = try SQLiteStorage(path: path)
            let experiment = try await makeExperiment(storage)
            try await storage.registerTrials(trials(experiment, 200))
            try await storage.close()
        }
        let clean = try SQLiteStorage(path: path, checksIntegrity: true)
        try await clean.close()
        let page = try await DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'trials_by_status'")
        }
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64((try XCTUnwrap(page) - 1) * 4096))
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 4096))
        try handle.close()
        do {
            _ = try SQLiteStorage(path: path, checksIntegrity: true)
            XCTFail("a damaged database was opened for writing")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .schema)
            XCTAssertFalse(error.isTransient)
            XCTAssertTrue(
                error.message.hasPrefix("cannot open the database \(path): the database is corrupted (quick_check: "),
                error.message
            )
            XCTAssertTrue(error.message.lowercased().contains("page \(try XCTUnwrap(page))"), error.message)
            XCTAssertFalse(error.message.contains("\n"), error.message)
            XCTAssertFalse(error.message.contains("***"), error.message)
        }
        let reader = try SQLiteStorage(path: path, create: false)
        let experiments = try await reader.experiments()
        XCTAssertEqual(experiments.count, 1)
        try await reader.close()
        let rows = try await DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM trials")
        }
        XCTAssertEqual(rows, 200)
    }

    /// A database file removed (`rm`) or replaced (`mv other.db`) while a storage uses it: the next write fails, not
    /// transient, saying so. SQLite went on writing into the open, unlinked file: a hunt reported every trial as
    /// stored and its results were gone once it closed.
    func testAWriteAfterTheFileWasRemovedOrReplacedFailsSayingSo() async throws {
        for replaced in [false, true] {
            let path = directory + "/moved-\(replaced).db"
            let storage = try SQLiteStorage(path: path)
            let experiment = try await makeExperiment(storage)
            try await storage.registerTrials(trials(experiment, 2))
            XCTAssertEqual(unlink(path), 0)
            if replaced {
                let other = try SQLiteStorage(path: directory + "/other-\(replaced).db")
                try await other.close()
                XCTAssertEqual(rename(directory + "/other-\(replaced).db", path), 0)
            }
            do {
                try await storage.registerTrials(Array(trials(experiment, 3).suffix(1)))
                XCTFail("a write into a removed file must fail")
            } catch let error as StorageError {
                XCTAssertFalse(error.isTransient, "\(error.code)")
                XCTAssertTrue(
                    error.message.contains("\(path) was \(replaced ? "replaced by another file" : "removed")"),
                    error.message
                )
                // What the open file held is saved beside it, and is a database with the experiment's trials.
                let copy = path + ".recovered-\(getpid())"
                XCTAssertTrue(error.message.contains("saved in \(copy)"), error.message)
                // The old log beside the path would corrupt the copy put back there, or the replacing file: it is
                // moved aside (hBL's probe: the next `orion status` replayed it into the replacing file).
                XCTAssertTrue(error.message.contains("\(path)-wal and \(path)-shm are moved aside"), error.message)
                XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
                XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal.stale-\(getpid())"))
                // Laid out anew by VACUUM INTO, it has a stamp of its own: the old log is not its log.
                let oldStamp = try await storage.read("the stamp") { db in try Queries.logStamp(db) }
                XCTAssertNotEqual(LogStamp.stamp(ofDatabaseAt: copy), oldStamp)
                XCTAssertNotEqual(LogStamp.stamp(ofDatabaseAt: copy), 0)
                let saved = try SQLiteStorage(path: copy)
                let count = try await saved.trials(of: experiment.id, status: nil).count
                try await saved.close()
                XCTAssertEqual(count, 2)
            }
            // What is at the path now is what was put there (nothing, or the other database), not the old log's.
            let reopened = try SQLiteStorage(path: path)
            let experiments = try await reopened.experiments()
            try await reopened.close()
            XCTAssertEqual(experiments.map(\.id), [], "the old experiment came back from its log")
            try? await storage.close()
        }
    }

    /// The write-ahead log removed while a storage uses it (`rm orion.db-wal`): another process opening the
    /// database created a new, empty log, and the running hunt's whole experiment was lost. Now the storage writes
    /// its changes back into the file after each write (so a `kill -9` loses nothing either), and every other opener
    /// refuses the database, saying why and what to do, until the storage closes.
    func testARemovedLogIsWrittenBackAndOtherOpenersRefuseTheDatabase() async throws {
        let path = directory + "/lost-log.db"
        let notes = Mutex<[String]>([])
        let storage = try SQLiteStorage(path: path, waitNotice: { note in notes.withLock { $0.append(note) } })
        let experiment = try await makeExperiment(storage)
        try await storage.registerTrials(trials(experiment, 2))
        XCTAssertEqual(unlink(path + "-wal"), 0)
        try await storage.registerTrials(Array(trials(experiment, 3).suffix(1)))
        try await storage.registerTrials(Array(trials(experiment, 4).suffix(1)))
        XCTAssertEqual(notes.withLock { $0.count }, 1, "said once: \(notes.withLock { $0 })")
        XCTAssertTrue(notes.withLock { $0.first ?? "" }.contains("\(path)-wal was removed"), "\(notes.withLock { $0 })")

        let error = await expectStorageError(.schema) { _ = try SQLiteStorage(path: path, create: false) }
        XCTAssertTrue(
            error?.message.contains("has lost its write-ahead log \(path)-wal") ?? false,
            error?.message ?? ""
        )
        XCTAssertTrue(error?.message.contains("if none uses it, delete \(path)-shm") ?? false, error?.message ?? "")

        // The file alone (what is left when the process is killed now) holds every trial.
        let alone = directory + "/lost-log-copy.db"
        XCTAssertNoThrow(try FileManager.default.copyItem(atPath: path, toPath: alone))
        let copy = try SQLiteStorage(path: alone, create: false)
        let count = try await copy.trials(of: experiment.id, status: nil).count
        try await copy.close()
        XCTAssertEqual(count, 4)

        try await storage.close()
        let reopened = try SQLiteStorage(path: path, create: false)
        let after = try await reopened.trials(of: experiment.id, status: nil).count
        try await reopened.close()
        XCTAssertEqual(after, 4)
    }

    /// SQLite's index removed while a storage uses it (`rm orion.db-shm`, or both it and the log): a process opening
    /// the database afterwards made a new index beside the running ones, and the database was corrupted (trials ran
    /// twice, "database disk image is malformed"). An opener cannot tell that from a database closed cleanly, so the
    /// storage that has the removed index stops at its next write, its changes written into the file.
    func testARemovedIndexStopsTheWritesWithTheChangesWrittenBack() async throws {
        for both in [false, true] {
            let path = directory + "/lost-index-\(both).db"
            let storage = try SQLiteStorage(path: path)
            let experiment = try await makeExperiment(storage)
            try await storage.registerTrials(trials(experiment, 3))
            XCTAssertEqual(unlink(path + "-shm"), 0)
            if both { XCTAssertEqual(unlink(path + "-wal"), 0) }
            do {
                try await storage.registerTrials(Array(trials(experiment, 4).suffix(1)))
                XCTFail("a write with the index removed")
            } catch let error as StorageError {
                XCTAssertFalse(error.isTransient, "\(error.code)")
                XCTAssertTrue(
                    error.message.contains("SQLite's index \(path)-shm was removed or replaced"),
                    error.message
                )
                XCTAssertTrue(error.message.contains("its changes were written into \(path)"), error.message)
            }
            // The file alone (before the storage closes) holds the trials written before the removal.
            let alone = directory + "/lost-index-copy-\(both).db"
            XCTAssertNoThrow(try FileManager.default.copyItem(atPath: path, toPath: alone))
            try? await storage.close()
            let copy = try SQLiteStorage(path: alone, create: false)
            let count = try await copy.trials(of: experiment.id, status: nil).count
            try await copy.close()
            XCTAssertEqual(count, 3)
        }
    }

    /// A file made immutable while a storage used it (`chattr +i`): closing could not write the log back, and said
    /// only "cannot close the database: disk I/O error", though every change was safe in the log. It says so now,
    /// and the next opener writes the log back once the file is writable again.
    func testALogThatCannotBeWrittenBackWhenClosingIsSaidToBeKept() async throws {
        let path = directory + "/immutable.db"
        let storage = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(storage)
        try await storage.registerTrials(trials(experiment, 3))
        func chattr(_ flag: String) -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            process.arguments = [flag, path]
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return -1 }
            process.waitUntilExit()
            return process.terminationStatus
        }
        guard chattr("+i") == 0 else {
            try await storage.close()
            throw XCTSkip("chattr +i is not available here (not root, or a file system without it)")
        }
        defer { _ = chattr("-i") }
        do {
            try await storage.close()
            XCTFail("closing wrote into an immutable file")
        } catch let error as StorageError {
            XCTAssertTrue(error.message.contains("cannot write the log back into the database \(path)"), error.message)
            XCTAssertTrue(error.message.contains("every change is kept in \(path)-wal"), error.message)
        }
        XCTAssertEqual(chattr("-i"), 0)
        let reopened = try SQLiteStorage(path: path, create: false)
        let count = try await reopened.trials(of: experiment.id, status: nil).count
        try await reopened.close()
        XCTAssertEqual(count, 3)
    }

    /// A file name that fits the file system but not with SQLite's `-wal` suffix: "unable to open database file",
    /// and an empty file left behind. Now the name is the error, before anything is created.
    func testANameTooLongForTheLogIsRefusedBeforeAnythingIsCreated() async {
        for length in [250, 260] {
            let path = directory + "/" + String(repeating: "n", count: length) + ".db"
            let error = await expectStorageError(.invalidAddress) { _ = try SQLiteStorage(path: path) }
            let message = error?.message ?? ""
            XCTAssertTrue(
                message.contains(length == 250 ? "too long for the files SQLite keeps" : "more than the file"),
                message
            )
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "a file was created")
        }
    }

    /// A database that cannot be written (a read-only mount, an immutable file) fails at once: a hunt retried every
    /// write for 10 minutes, saying only that the storage kept failing.
    func testAReadOnlyDatabaseIsNotATransientError() {
        let wrapped = SQLiteStorage.wrap(
            DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database"),
            "storing trials in /x/orion.db"
        )
        let error = wrapped as? StorageError
        XCTAssertEqual(error?.code, .readOnly)
        XCTAssertEqual(error?.isTransient, false)
        XCTAssertTrue(error?.message.contains("read-only") ?? false, error?.message ?? "")
    }

    func testReadingAMissingDatabaseCreatesNothing() async throws {
        let path = directory + "/typo/orion.db"
        let error = await expectStorageError(.notFound) { _ = try SQLiteStorage(path: path, create: false) }
        XCTAssertTrue(error?.message.contains(path) ?? false, error?.message ?? "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/typo"), "the folder was created")
    }

    func testAnOlderDatabaseIsMigratedAndItsReservedTrialsGetTokens() async throws {
        let path = directory + "/old.db"
        let experiment: Experiment
        do {
            let storage = try SQLiteStorage(path: path)
            experiment = try await makeExperiment(storage)
            var held = trials(experiment, 2)
            held[0].status = .reserved
            held[0].worker = "old-host:1"
            try await storage.registerTrials(held)
            try await storage.close()
        }
        // Make it a database of the previous version: no token column, no record of its migration.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "ALTER TABLE trials DROP COLUMN owner_token")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2-reservation-tokens'")
        }
        try queue.close()

        let storage = try SQLiteStorage(path: path)
        let applied = try await storage.appliedMigrations()
        XCTAssertEqual(applied, SQLiteStorage.migrationNames)
        let reservations = try await storage.reservations(of: experiment.id)
        XCTAssertEqual(reservations.map(\.trial.worker), ["old-host:1"])
        let reservation = try XCTUnwrap(reservations.first)
        XCTAssertFalse(reservation.token.isEmpty)
        var released = reservation.trial
        released.status = .interrupted
        let written = try await storage.updateTrial(released, holding: reservation.token)
        XCTAssertTrue(written, "a reservation made before the migration can be released with its new token")
    }

    /// Issue 10, part 4: a database from before the summary counters gets them, with its trials counted and its best
    /// trial indexed, so `orion status` on an old experiment is right at once.
    func testAnOlderDatabaseGetsItsTrialsCountedAndItsBestTrialIndexed() async throws {
        let path = directory + "/old.db"
        let experiment: Experiment
        var expected = TrialSummary(counts: [:], bestTrial: nil, lastEndTime: nil, endedTrialsTime: 0)
        do {
            let storage = try SQLiteStorage(path: path)
            experiment = try await makeExperiment(storage)
            var made = trials(experiment, 6)
            for index in 0..<4 {
                made[index].status = .completed
                made[index].startTime = Date(timeIntervalSince1970: 1000 + Double(index))
                made[index].endTime = Date(timeIntervalSince1970: 1010 + Double(index))
                made[index].results = [.objective([5, .nan, 2, 7][index])]
            }
            made[4].status = .broken
            try await storage.registerTrials(made)
            expected = try await storage.summary(of: experiment.id)
            try await storage.close()
        }
        XCTAssertEqual(expected.counts, [.completed: 4, .broken: 1, .new: 1])
        XCTAssertEqual(expected.bestTrial?.objective, 2)
        XCTAssertEqual(expected.endedTrialsTime, 40, accuracy: 1e-6)
        // Make it a database of the previous version: no counters, no objective column, no record of the migration.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            for trigger in ["trials_counted_on_insert", "trials_counted_on_update", "trials_counted_on_delete"] {
                try db.execute(sql: "DROP TRIGGER \(trigger)")
            }
            try db.execute(sql: "DROP TABLE trial_counts")
            try db.execute(sql: "DROP INDEX trials_page_by_objective")  // v4, which needs the objective column
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-trial-pages'")
            try db.execute(sql: "DROP INDEX trials_by_objective")
            try db.execute(sql: "DROP INDEX trials_completed_by_end")
            try db.execute(sql: "ALTER TABLE trials DROP COLUMN objective")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-trial-summaries'")
        }
        try queue.close()

        let storage = try SQLiteStorage(path: path)
        let migrated = try await storage.summary(of: experiment.id)
        XCTAssertEqual(migrated.counts, expected.counts)
        XCTAssertEqual(migrated.bestTrial?.id, expected.bestTrial?.id)
        XCTAssertEqual(migrated.lastEndTime, expected.lastEndTime)
        XCTAssertEqual(migrated.endedTrialsTime, 40, accuracy: 1e-6)
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts, expected.counts)
    }

    func testCloseLeavesEveryTrialInTheDatabaseFileAlone() async throws {
        let path = directory + "/orion.db"
        let storage = try SQLiteStorage(path: path)
        let reader = try SQLiteStorage(path: path)  // another connection, as `orion status` would hold
        let experiment = try await makeExperiment(storage)
        try await storage.registerTrials(trials(experiment, 300))
        while let reservation = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Date()) {
            var done = reservation.trial
            done.status = .completed
            done.results = [.objective(1)]
            _ = try await storage.updateTrial(done, holding: reservation.token)
        }
        let walBefore = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        XCTAssertGreaterThan(walBefore, 0, "the writes went to the write-ahead log first")
        try await reader.close()
        try await storage.close()
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        XCTAssertEqual(wal, 0, "the -wal file is empty or absent after close")

        let copy = directory + "/backup/orion.db"
        try FileManager.default.createDirectory(atPath: directory + "/backup", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let restored = try SQLiteStorage(path: copy)
        let counts = try await restored.countTrials(of: experiment.id)
        XCTAssertEqual(counts, [.completed: 300], "a copy of the .db file alone holds every trial")
    }

    // MARK: Several connections (as several processes have)

    func testTheAlgorithmLockTimesOutWhileAnotherConnectionHoldsIt() async throws {
        let path = directory + "/lock.db"
        let first = try SQLiteStorage(path: path)
        let second = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(first)
        let inside = Flag()
        let holder = Task {
            try await first.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
                inside.raise()
                Thread.sleep(forTimeInterval: 0.6)
                return AlgorithmUpdate(state: Data("1".utf8), newTrials: [], output: ())
            }
        }
        try await inside.wait()
        let error = await expectStorageError(.lockTimeout) {
            try await second.withAlgorithmLock(of: experiment.id, timeout: .milliseconds(100)) { _ in
                AlgorithmUpdate(state: nil, newTrials: [], output: ())
            }
        }
        XCTAssertTrue(error?.message.contains(path) ?? false, error?.message ?? "")
        try await holder.value
        let version = try await second.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot.stateVersion)
        }
        XCTAssertEqual(version, 1)
    }

    func testAWaitingConnectionGetsTheLockWhenItIsReleased() async throws {
        let path = directory + "/wait.db"
        let first = try SQLiteStorage(path: path)
        let second = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(first)
        let inside = Flag()
        let holder = Task {
            try await first.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
                inside.raise()
                Thread.sleep(forTimeInterval: 0.2)
                return AlgorithmUpdate(state: Data("1".utf8), newTrials: [], output: ())
            }
        }
        try await inside.wait()
        let version = try await second.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot.stateVersion)
        }
        XCTAssertEqual(version, 1, "the waiter ran after the holder saved its state")
        try await holder.value
    }

    func testReservationsAreExclusiveAcrossConnections() async throws {
        let path = directory + "/reserve.db"
        let handles = try (0..<4).map { _ in try SQLiteStorage(path: path) }
        let experiment = try await makeExperiment(handles[0])
        try await handles[1].registerTrials(trials(experiment, 120))
        let reserved = try await withThrowingTaskGroup(of: [String].self) { group in
            for index in 0..<8 {
                let handle = handles[index % handles.count]
                group.addTask {
                    var ids: [String] = []
                    while let taken = try await handle.reserveTrial(of: experiment.id, worker: "w\(index)", at: Date())
                    {
                        ids.append(taken.trial.id)
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        XCTAssertEqual(reserved.count, 120)
        XCTAssertEqual(Set(reserved).count, 120)
    }
}

/// A flag shared between a lock body and the test.
final class Flag: Sendable {
    private let value = Mutex(false)

    func raise() { value.withLock { $0 = true } }

    var isRaised: Bool { value.withLock { $0 } }

    func wait() async throws {
        while !value.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
    }
}
