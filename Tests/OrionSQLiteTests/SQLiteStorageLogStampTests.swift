import Foundation
import GRDB
import OrionCore
import Synchronization
import XCTest

@testable import OrionSQLite

extension LogStamp {
    /// The stamp in the header of the database file at `path`; `nil` as for ``header(ofDatabaseAt:)``.
    static func stamp(ofDatabaseAt path: String) -> UInt32? {
        header(ofDatabaseAt: path).map { stamp(in: $0) }
    }
}

extension LogStamp.PageOne {
    /// The stamps of ``headers``.
    var stamps: [UInt32] { headers.map { LogStamp.stamp(in: $0) } }
}

/// The stamp that ties the write-ahead log to its database file, and what the storage does with a log that is not
/// its file's (``LogStamp``).
extension SQLiteStorageTests {
    private func stamp(_ storage: SQLiteStorage) async throws -> UInt32 {
        try await storage.read("the stamp") { db in try Queries.logStamp(db) }
    }

    /// Copies `files` (suffixes of `path`: "", "-wal") to `target` + suffix, as a crash would leave them.
    private func copy(_ path: String, _ suffixes: [String], to target: String) throws {
        for suffix in suffixes {
            try? FileManager.default.removeItem(atPath: target + suffix)
            try FileManager.default.copyItem(atPath: path + suffix, toPath: target + suffix)
        }
    }

    /// Copies the database at `path` with `VACUUM INTO`, as a user's backup would, from another connection.
    private func vacuum(_ path: String, into target: String) throws {
        let connection = try DatabaseQueue(path: path)
        try connection.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
        try connection.close()
    }

    /// Restarts the log of the open database at `path`: a checkpoint that empties it, from another connection.
    private func restartLog(_ path: String) throws {
        let connection = try DatabaseQueue(path: path)
        try connection.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try connection.close()
    }

    /// `header` with `stamp` in it.
    private func withStamp(_ header: Data, _ stamp: UInt32) -> Data {
        var header = header
        header.replaceSubrange(
            header.startIndex + 60..<header.startIndex + 64,
            with: withUnsafeBytes(of: stamp.bigEndian) { Data($0) }
        )
        return header
    }

    /// Every write that changes a row advances the stamp by one; one that changes nothing leaves it; the first is
    /// random, and the stamp never goes back to 0.
    func testAWriteThatChangesARowAdvancesTheStamp() async throws {
        let storage = try SQLiteStorage(path: directory + "/stamp.db")
        let experiment = try await makeExperiment(storage)
        let first = try await stamp(storage)
        XCTAssertNotEqual(first, 0)
        try await storage.registerTrials(trials(experiment, 2))
        let second = try await stamp(storage)
        XCTAssertEqual(second, LogStamp.next(after: first))
        let none = try await storage.releaseLostTrials(of: experiment.id, heartbeatBefore: Date())
        XCTAssertEqual(none, 0)
        let third = try await stamp(storage)
        XCTAssertEqual(third, second, "a write that changed nothing advanced the stamp")
        try await storage.close()
        XCTAssertEqual(LogStamp.stamp(ofDatabaseAt: directory + "/stamp.db"), second)
        XCTAssertEqual(LogStamp.next(after: UInt32.max), 1)
        XCTAssertEqual(LogStamp.next(after: 41), 42)
        XCTAssertNotEqual(LogStamp.next(after: 0), 0)
    }

    /// The log is read as SQLite's recovery reads it: page 1's stamps of the committed transactions, up to the first
    /// frame whose checksum fails, without the frames of a transaction that was not committed.
    func testTheLogReaderReadsTheCommittedTransactionsOnly() async throws {
        let path = directory + "/reader.db"
        let storage = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(storage)
        var written: [UInt32] = [try await stamp(storage)]
        for index in 1...4 {
            try await storage.registerTrials(Array(trials(experiment, index).suffix(1)))
            written.append(try await stamp(storage))
        }
        let crash = directory + "/reader-crash.db"
        try copy(path, ["", "-wal"], to: crash)
        try await storage.close()
        let pageOne = try XCTUnwrap(LogStamp.pageOne(ofLogAt: crash + "-wal", limit: 1 << 30))
        XCTAssertTrue(pageOne.firstTransactionWroteIt)
        // The schema's transactions wrote page 1 before any stamp (0); each write after wrote its stamp.
        XCTAssertEqual(Array(pageOne.stamps.drop { $0 == 0 }), written)
        let file = try XCTUnwrap(LogStamp.header(ofDatabaseAt: crash))
        XCTAssertTrue(pageOne.fits(file))
        for (index, header) in pageOne.headers.enumerated() {
            XCTAssertTrue(pageOne.fits(header), "what a checkpoint copies from the log, frame \(index)")
            XCTAssertEqual(LogStamp.unchangedInWALMode(header), LogStamp.unchangedInWALMode(file), "frame \(index)")
        }
        // A stamp the log never wrote; the header of a copy made by VACUUM INTO (in rollback-journal mode).
        XCTAssertFalse(pageOne.fits(withStamp(file, LogStamp.next(after: written.last ?? 0))))
        var vacuumed = file
        vacuumed.replaceSubrange(vacuumed.startIndex + 18..<vacuumed.startIndex + 20, with: [1, 1])
        XCTAssertFalse(pageOne.fits(vacuumed))
        // A log whose first transaction kept the stamp (an earlier version's write, or GRDB's first one in a new file)
        // and grew the file or changed the schema, beside the file it started from, with no `application_id` (hBT's
        // probe: its header looked started from its own stamp, and a live log was moved aside).
        for (stamp, offset) in [(0, 31), (0, 43), (12345, 31), (12345, 43)] as [(UInt32, Int)] {
            var unstarted = withStamp(file, stamp)
            unstarted.replaceSubrange(unstarted.startIndex + 68..<unstarted.startIndex + 72, with: [0, 0, 0, 0])
            var first = unstarted
            first[first.startIndex + offset] &+= 2
            let kept = LogStamp.PageOne(headers: [first], firstTransactionWroteIt: true, header: Data(count: 32))
            XCTAssertTrue(kept.fits(unstarted), "stamp \(stamp), offset \(offset)")
        }
        XCTAssertTrue(LogStamp.isFirst(written[0]), "the first stamp after 0 says so")
        XCTAssertFalse(LogStamp.isFirst(written[1]))
        XCTAssertNil(LogStamp.pageOne(ofLogAt: crash + "-wal", limit: 100), "longer than the limit")

        // The last transaction cut short (its commit frame's last bytes): it was not committed.
        let log = try Data(contentsOf: URL(fileURLWithPath: crash + "-wal"))
        try log.prefix(log.count - 8).write(to: URL(fileURLWithPath: crash + "-wal"))
        XCTAssertEqual(LogStamp.pageOne(ofLogAt: crash + "-wal", limit: 1 << 30)?.stamps.last, written[3])
        // A page changed in the middle: the checksum fails there, and nothing after it counts.
        var damaged = log
        damaged[damaged.startIndex + 32 + 24 + 200] ^= 0xFF
        try damaged.write(to: URL(fileURLWithPath: crash + "-wal"))
        XCTAssertEqual(LogStamp.pageOne(ofLogAt: crash + "-wal", limit: 1 << 30)?.stamps, [])
        // Not a log.
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: crash + "-wal"))
        XCTAssertNil(LogStamp.pageOne(ofLogAt: crash + "-wal", limit: 1 << 30))
    }

    /// hBQ's probe: a hunt killed with kill -9, then `mv backup.db orion.db`. The next command, even `orion status`,
    /// replayed the old file's log into the copy put in place and lost its experiments. The log is now moved aside,
    /// with a note, and the copy opens as it is; a log that is the file's own is replayed as before.
    func testALogWrittenForAnotherFileIsMovedAsideInsteadOfReplayed() async throws {
        let path = directory + "/restored.db"
        let first = try SQLiteStorage(path: path)
        let kept = try await makeExperiment(first, name: "kept")
        try await first.registerTrials(trials(kept, 2))
        try await first.close()
        try copy(path, [""], to: directory + "/backup.db")

        // Hunts since the copy: the log restarted once (as SQLite does after a checkpoint), then the crash.
        let storage = try SQLiteStorage(path: path)
        let later = try await makeExperiment(storage, name: "later")
        try await storage.registerTrials(trials(later, 50))
        try restartLog(path)
        try copy(path, [""], to: directory + "/at-restart.db")
        try vacuum(path, into: directory + "/vacuumed-at-restart.db")
        try await storage.deleteExperiment(id: kept.id)
        try vacuum(path, into: directory + "/vacuumed.db")
        try await storage.registerTrials(Array(trials(later, 60).suffix(10)))
        let image = directory + "/image.db"
        try copy(path, ["", "-wal"], to: image)
        try await storage.close()
        let other = try SQLiteStorage(path: directory + "/other.db")
        _ = try await makeExperiment(other, name: "other")
        try await other.close()

        /// Opens `file` with the crash's log beside it (through a symbolic link to it with `link`): the experiments'
        /// names, their trial counts, and the notes.
        func open(_ file: String, link: Bool = false) async throws -> (names: [String], trials: [Int], notes: [String])
        {
            let crash = directory + "/crash.db"
            try copy(file, [""], to: crash)
            try copy(image, ["-wal"], to: crash)
            try? FileManager.default.removeItem(atPath: directory + "/link.db")
            if link {
                try FileManager.default.createSymbolicLink(atPath: directory + "/link.db", withDestinationPath: crash)
            }
            let notes = Mutex<[String]>([])
            let storage = try SQLiteStorage(path: link ? directory + "/link.db" : crash) { note in
                notes.withLock { $0.append(note) }
            }
            let experiments = try await storage.experiments().sorted { $0.name < $1.name }
            var counts: [Int] = []
            for experiment in experiments {
                counts.append(try await storage.trials(of: experiment.id, status: nil).count)
            }
            try await storage.close()
            return (experiments.map(\.name), counts, notes.withLock { $0 })
        }

        // The file the log was written for: replayed, with every change.
        let own = try await open(image)
        XCTAssertEqual(own.names, ["later"])
        XCTAssertEqual(own.trials, [60])
        XCTAssertEqual(own.notes, [])
        // A copy taken when the log restarted: the log brings it to the crash, consistently.
        let restart = try await open(directory + "/at-restart.db")
        XCTAssertEqual(restart.names, ["later"])
        XCTAssertEqual(restart.trials, [60])
        XCTAssertEqual(restart.notes, [])

        // The backup, older than the log: it opens as it was copied, the log moved aside.
        let backup = try await open(directory + "/backup.db")
        XCTAssertEqual(backup.names, ["kept"])
        XCTAssertEqual(backup.trials, [2])
        XCTAssertEqual(backup.notes.count, 1, "\(backup.notes)")
        let crash = directory + "/crash.db"
        XCTAssertTrue(
            backup.notes.first?.contains("the write-ahead log \(crash)-wal was written for another file") ?? false,
            "\(backup.notes)"
        )
        XCTAssertTrue(backup.notes.first?.contains("the log is moved to \(crash)-wal.stale-\(getpid())") ?? false)
        XCTAssertTrue(FileManager.default.fileExists(atPath: crash + "-wal.stale-\(getpid())"))
        // Through a symbolic link: SQLite keeps the log beside the link's target, where it is looked for (hBR's probe).
        let linked = try await open(directory + "/backup.db", link: true)
        XCTAssertEqual(linked.names, ["kept"])
        XCTAssertEqual(linked.notes.count, 1, "\(linked.notes)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/link.db-wal"))
        // Copies made by VACUUM INTO keep the stamp, not the pages (hBR's probe): one taken since the log started,
        // and one taken when it started.
        for (name, names, counts) in [
            ("vacuumed", ["later"], [50]), ("vacuumed-at-restart", ["kept", "later"], [2, 50]),
        ] {
            let vacuumed = try await open(directory + "/\(name).db")
            XCTAssertEqual(vacuumed.names, names, name)
            XCTAssertEqual(vacuumed.trials, counts, name)
            XCTAssertEqual(vacuumed.notes.count, 1, "\(name): \(vacuumed.notes)")
        }
        // A copy from before the upgrade (stamp 0), older than the log.
        try copy(directory + "/backup.db", [""], to: directory + "/unstamped.db")
        let unstamped = try DatabaseQueue(path: directory + "/unstamped.db")
        try await unstamped.write { db in try db.execute(sql: "PRAGMA user_version = 0") }
        try unstamped.close()
        let old = try await open(directory + "/unstamped.db")
        XCTAssertEqual(old.names, ["kept"])
        XCTAssertEqual(old.notes.count, 1, "\(old.notes)")
        // Another database altogether.
        let foreign = try await open(directory + "/other.db")
        XCTAssertEqual(foreign.names, ["other"])
        XCTAssertEqual(foreign.trials, [0])
        XCTAssertEqual(foreign.notes.count, 1, "\(foreign.notes)")
    }
}

extension SQLiteStorageTests {
    /// A file replaced while a storage ran (`mv backup.db orion.db` during a hunt): a command opened since moves the
    /// running storage's log aside (it is not the file's), and goes on with its own; the running storage stops at
    /// its next write, saying that its log is no longer there (it advised deleting the files there, which were now
    /// the new command's), and closing leaves the new command's log and index alone.
    func testAFileReplacedUnderAStorageGetsItsOwnLogFromTheNextOpener() async throws {
        let path = directory + "/replaced-under.db"
        let old = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(old, name: "old")
        try await old.registerTrials(trials(experiment, 3))
        let other = try SQLiteStorage(path: directory + "/put-in-place.db")
        _ = try await makeExperiment(other, name: "put in place")
        try await other.close()
        XCTAssertEqual(rename(directory + "/put-in-place.db", path), 0)

        let notes = Mutex<[String]>([])
        let new = try SQLiteStorage(path: path) { note in notes.withLock { $0.append(note) } }
        XCTAssertEqual(
            notes.withLock { $0.count },
            1,
            "the old file's log is not this file's: \(notes.withLock { $0 })"
        )
        let added = try await makeExperiment(new, name: "added")
        let log = try SQLiteStorage.identity(of: path + "-wal").get()
        let index = try SQLiteStorage.identity(of: path + "-shm").get()

        let error = await expectStorageError(.schema) {
            try await old.registerTrials(Array(trials(experiment, 4).suffix(1)))
        }
        XCTAssertTrue(error?.message.contains("replaced by another file") ?? false, error?.message ?? "")
        XCTAssertTrue(
            error?.message.contains("log is no longer at \(path)-wal (another orion moved it aside") ?? false,
            error?.message ?? ""
        )
        XCTAssertFalse(error?.message.contains("first delete") ?? true, "the files there are the new file's")
        try await old.close()

        XCTAssertTrue(try SQLiteStorage.identity(of: path + "-wal").get() == log, "the new file's log was removed")
        XCTAssertTrue(try SQLiteStorage.identity(of: path + "-shm").get() == index, "its index was removed")
        try await new.registerTrials(trials(added, 2))
        try await new.close()
        let reopened = try SQLiteStorage(path: path)
        let names = try await reopened.experiments().map(\.name).sorted()
        let count = try await reopened.trials(of: added.id, status: nil).count
        try await reopened.close()
        XCTAssertEqual(names, ["added", "put in place"])
        XCTAssertEqual(count, 2)
    }
}

extension SQLiteStorageTests {
    /// SQLite removes the log and its index by name when the last connection to an unmoved file closes: a storage
    /// whose log was moved aside while it ran (by an opener that found it foreign after `cp backup.db orion.db`, or
    /// by hand) removed the files another process had made there since. It now leaves files that are not its own.
    func testClosingLeavesALogAndAnIndexThatAreNotTheStoragesOwn() async throws {
        for own in [false, true] {
            let path = directory + "/not-own-\(own).db"
            let storage = try SQLiteStorage(path: path)
            _ = try await makeExperiment(storage)
            if !own {
                XCTAssertEqual(rename(path + "-wal", path + "-wal.moved"), 0)
                XCTAssertEqual(rename(path + "-shm", path + "-shm.moved"), 0)
                XCTAssertTrue(FileManager.default.createFile(atPath: path + "-wal", contents: Data("theirs".utf8)))
                XCTAssertTrue(FileManager.default.createFile(atPath: path + "-shm", contents: Data("theirs".utf8)))
            }
            try await storage.close()
            // Its own are removed as SQLite does; another's are left.
            XCTAssertEqual(FileManager.default.fileExists(atPath: path + "-wal"), !own)
            XCTAssertEqual(FileManager.default.fileExists(atPath: path + "-shm"), !own)
        }
    }
}

extension SQLiteStorageTests {
    /// Sets the header of the closed database at `path` as an earlier version leaves it: no stamp, no log start.
    private func unstamp(_ path: String) async throws {
        let connection = try DatabaseQueue(path: path)
        try await connection.write { db in
            try db.execute(sql: "PRAGMA user_version = 0")
            try db.execute(sql: "PRAGMA application_id = 0")
        }
        try connection.close()
    }

    /// Opening a file that nothing uses starts its log with a stamp of its own (``LogStamp/startLog(_:)``), which
    /// the log's first header records: a crash image of a file of an earlier version (stamp 0), or of a stamped file,
    /// is its log's file; a copy made by `VACUUM INTO` and opened once by orion (hBS's probe: it then took the
    /// original's log for its own, and was destroyed) is not.
    func testOpeningAFileNothingUsesStartsItsLogWithAStampOfItsOwn() async throws {
        for unstamped in [true, false] {
            let path = directory + "/start-\(unstamped).db"
            let first = try SQLiteStorage(path: path)
            let experiment = try await makeExperiment(first, name: "first")
            try await first.close()
            if unstamped { try await unstamp(path) }
            let before = try XCTUnwrap(LogStamp.stamp(ofDatabaseAt: path))
            try vacuum(path, into: path + ".vacuumed")
            // Opened once by orion, as a user checking a backup would; another one switched to WAL mode by another
            // program, which does not stamp it (hBT's probe).
            let checked = try SQLiteStorage(path: path + ".vacuumed", create: false)
            try await checked.close()
            try vacuum(path, into: path + ".switched")
            let shell = try DatabaseQueue(path: path + ".switched")
            try await shell.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try shell.close()

            let storage = try SQLiteStorage(path: path)
            let started = try await stamp(storage)
            XCTAssertNotEqual(started, before, "opening a file nothing uses gives it a stamp of its own")
            XCTAssertEqual(LogStamp.isFirst(started), unstamped)
            try await storage.registerTrials(trials(experiment, 3))
            try copy(path, ["", "-wal"], to: path + ".image")
            try copy(path, ["-wal"], to: path + ".log")
            try await storage.close()

            let notes = Mutex<[String]>([])
            let image = try SQLiteStorage(path: path + ".image") { note in notes.withLock { $0.append(note) } }
            let count = try await image.trials(of: experiment.id, status: nil).count
            try await image.close()
            XCTAssertEqual(count, 3, "unstamped: \(unstamped)")
            XCTAssertEqual(notes.withLock { $0 }, [], "unstamped: \(unstamped)")

            for copy in ["vacuumed", "switched"] where !unstamped {
                try self.copy(path + ".log-wal", [""], to: path + ".\(copy)-wal")
                notes.withLock { $0 = [] }
                let restored = try SQLiteStorage(path: path + ".\(copy)") { note in notes.withLock { $0.append(note) } }
                let names = try await restored.experiments().map(\.name)
                let kept = try await restored.trials(of: experiment.id, status: nil).count
                try await restored.close()
                XCTAssertEqual(names, ["first"], copy)
                XCTAssertEqual(kept, 0, "\(copy): the copy is as it was made")
                XCTAssertEqual(notes.withLock { $0.count }, 1, "\(copy): \(notes.withLock { $0 })")
            }
        }
    }
}
