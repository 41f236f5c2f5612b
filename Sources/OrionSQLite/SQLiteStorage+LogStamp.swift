import Foundation
import GRDB
import OrionCore

/// The stamp that ties SQLite's write-ahead log (`<path>-wal`) to the database file it was written for.
///
/// SQLite takes any log it finds beside a database for that database's own, and replays it into the file when it opens
/// it after a crash: a copy put in place of the database (`mv backup.db orion.db`) after its hunt was killed was
/// overwritten by the old file's last changes, and lost its experiments (hBQ's probe; the sqlite3 shell does the
/// same). Nothing in the log names its file, so the database header's `user_version` (which SQLite leaves to
/// applications) is a stamp that every write transaction that changes a row advances, which puts page 1, the header,
/// into the log at every such transaction:
/// - a new stamp is random (from 0, the value of a file no write of this version has touched), then goes up by one
///   (skipping 0), so two databases' stamps do not meet, and a header is different after every such transaction;
/// - the file a log was written for holds one of the headers the log's committed transactions wrote (a checkpoint
///   copied it there), byte for byte, or the one the log started from (``PageOne/fits(_:)``);
/// - a file holding neither is another file, an older copy of this one, or a copy with its pages laid out anew
///   (`VACUUM INTO`): its log is moved aside (``SQLiteStorage/moveAsideForeignLog(_:companions:)``) before SQLite
///   opens it.
///
/// A copy taken with `cp` since the log's last restart cannot be told from the file it was copied from, and replaying
/// the log into it gives the file as it was at the crash (consistent, not corrupted). See docs/storage.md.
enum LogStamp {
    /// Advances the stamp, in a write transaction that changed something.
    static func advance(_ db: Database) throws {
        try Queries.setLogStamp(db, next(after: try Queries.logStamp(db)))
    }

    /// Starts a log: the header gets a random stamp (whose last byte is not 0, unless it had none), and in
    /// `application_id` the stamp it had XOR the new one, in a transaction of its own, the log's first.
    ///
    /// Run when a storage opens a database file with no log (nothing uses it; a file in rollback-journal mode, as a
    /// copy made by `VACUUM INTO`, is switched to WAL mode after it): two copies of one file (a copy made
    /// by `VACUUM INTO` and its original, hBS's probe) each get a stamp of their own when opened, where both went on
    /// from the one they shared. The log's first header says which stamp it started from, and only that header:
    /// with any later stamp, the XOR gives another number (``startedFrom(_:)``).
    ///
    /// - Parameter db: the writer connection, outside any transaction.
    /// - Throws: `DatabaseError` when the transaction fails.
    static func startLog(_ db: Database) throws {
        try db.inTransaction(.immediate) {
            let stamp = try Queries.logStamp(db)
            // From 0 (a file of an earlier version), a first stamp (``isFirst(_:)``), as a first write would give.
            let new = stamp == 0 ? next(after: 0) : UInt32.random(in: 1...UInt32.max) | 1
            try Queries.setLogStart(db, stamp ^ new)
            try Queries.setLogStamp(db, new)
            return .commit
        }
    }

    /// Whether the file at `path` is an SQLite database with a header (read before SQLite opens it).
    static func isDatabase(_ path: String) -> Bool { header(ofDatabaseAt: path) != nil }

    /// Whether there is no log at `log`, or an empty one (a file in WAL mode that nothing uses: GRDB then writes a
    /// first transaction itself), by `stat` alone.
    static func hasNoLog(_ log: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: log))?[.size] as? NSNumber)?.intValue ?? 0 == 0
    }

    /// The stamp after `stamp`: after 0 a random one whose last byte is 0 (``isFirst(_:)``), then one more each
    /// time, skipping 0.
    static func next(after stamp: UInt32) -> UInt32 {
        if stamp == 0 { return UInt32.random(in: 1...0xFF_FFFF) << 8 }
        return stamp == UInt32.max ? 1 : stamp + 1
    }

    /// Whether `stamp` may be the first of a file (``next(after:)`` from 0): a file not stamped yet (0) may be the one
    /// a log whose first transaction wrote such a stamp started from; not one whose log starts at another stamp (a
    /// copy made before the upgrade, hBR's probe), one time in 256 excepted.
    static func isFirst(_ stamp: UInt32) -> Bool { stamp & 0xFF == 0 }

    /// The 100-byte header of the database file at `path`, read without SQLite; `nil` when it cannot be read or is
    /// not an SQLite database.
    static func header(ofDatabaseAt path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 100), header.count == 100,
            header.prefix(16) == Data("SQLite format 3\u{0}".utf8)
        else { return nil }
        return header
    }

    /// The stamp in a database header (`user_version`, at offset 60).
    static func stamp(in header: Data) -> UInt32 { bigEndian(header, at: 60) }

    /// The stamp a log started from, when `header` is the one ``startLog(_:)`` wrote (`application_id`, at offset 68,
    /// XOR the stamp); another number for any later header.
    static func startedFrom(_ header: Data) -> UInt32 { bigEndian(header, at: 68) ^ stamp(in: header) }

    /// The parts of a database header that no write in WAL mode changes: the format, the page size, the journal
    /// versions (2 for WAL: a copy made by `VACUUM INTO` is in rollback-journal mode, 1) and the page's reserved
    /// bytes. (The change counter does change: SQLite advances it at the first write after the log restarts.)
    static func unchangedInWALMode(_ header: Data) -> Data { header.prefix(24) }

    /// The 32-bit big-endian number at `offset` of `data`.
    static func bigEndian(_ data: Data, at offset: Int) -> UInt32 {
        let start = data.startIndex + offset
        return data[start..<start + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// What a write-ahead log's committed transactions wrote into page 1.
    struct PageOne: Equatable {
        /// The database headers (page 1's first 100 bytes) in the log's committed transactions, in the log's order.
        var headers: [Data]
        /// Whether the log's first committed transaction wrote page 1 (its header then tells what the file had when
        /// the log started).
        var firstTransactionWroteIt: Bool
        /// The log's header (32 bytes), to tell that it was not restarted while it was read.
        var header: Data

        /// Whether a database file with the header `file` is one this log can be replayed into.
        ///
        /// The file the log was written for holds one of the log's headers (a checkpoint copied it there), or the one
        /// the log started from, which differs from the log's first header only where the log's first transaction
        /// wrote:
        /// - started from (``startLog(_:)``): the stamp, `application_id`, and the change counter with what SQLite
        ///   writes along with it (the version);
        /// - advanced from (a write): these, the file's size and its free list, not `application_id`;
        /// - kept (a transaction of an earlier version, or GRDB's first one in a new file): anything but the parts no
        ///   write in WAL mode changes (``unchangedInWALMode(_:)``).
        ///
        /// A copy made by `VACUUM INTO` keeps the stamp but not the schema cookie (offset 40), nor its journal mode
        /// (hBT's probe: switched to WAL mode by the sqlite3 shell, it took the original's log for its own).
        ///
        /// - Returns: `true` when the log may be the file's, or says too little to tell (its first transaction did
        ///   not write page 1).
        func fits(_ file: Data) -> Bool {
            guard firstTransactionWroteIt, let first = headers.first else { return true }
            if headers.contains(file) { return true }
            let stamp = LogStamp.stamp(in: file), firstStamp = LogStamp.stamp(in: first)
            func same(except offsets: [Range<Int>]) -> Bool {
                zip(file, first).enumerated().allSatisfy { index, pair in
                    pair.0 == pair.1 || offsets.contains { $0.contains(index) }
                }
            }
            let counter = [24..<28, 92..<100], stampAndStart = [60..<64, 68..<72]
            // Each way the log may have started from the file, any of which will do: a first transaction that kept the
            // stamp (an earlier version; hBT's probe: tried before the others, its header also looks started from its
            // own stamp when `application_id` is 0), started from it, advanced it, or stamped a file that had none.
            if stamp == firstStamp, LogStamp.unchangedInWALMode(file) == LogStamp.unchangedInWALMode(first) {
                return true
            }
            if stamp != 0, LogStamp.startedFrom(first) == stamp, same(except: counter + stampAndStart) { return true }
            if LogStamp.next(after: stamp) == firstStamp, same(except: counter + [28..<40, 60..<64]) { return true }
            return stamp == 0 && firstStamp != 0 && LogStamp.isFirst(firstStamp)
                && same(except: counter + [28..<40] + stampAndStart)
        }
    }

    /// Reads the write-ahead log at `path` as SQLite's recovery would, without SQLite: the 32-byte header, then the
    /// frames (a 24-byte header and a page) while their salts are the header's and their running checksum holds;
    /// the frames after the last commit frame are not committed.
    ///
    /// - Parameters:
    ///   - path: the log.
    ///   - limit: the most bytes read; a longer log gives `nil`.
    /// - Returns: what its committed transactions wrote into page 1; `nil` when the file cannot be read, is not a
    ///   log, or is longer than `limit`.
    static func pageOne(ofLogAt path: String, limit: Int) -> PageOne? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 32), header.count == 32 else { return nil }
        let magic = bigEndian(header, at: 0)
        let pageSize = Int(bigEndian(header, at: 8))
        guard magic & ~1 == 0x377f_0682, bigEndian(header, at: 4) == 3_007_000,
            (512...65536).contains(pageSize), pageSize & (pageSize - 1) == 0
        else { return nil }
        var checksum = Checksum(bigEndianWords: magic & 1 == 1)
        checksum.add(header.prefix(24))
        guard checksum.value == (bigEndian(header, at: 24), bigEndian(header, at: 28)) else { return nil }
        guard let end = try? handle.seekToEnd(), end <= UInt64(limit) else { return nil }
        guard (try? handle.seek(toOffset: 32)) != nil else { return nil }
        let frameSize = 24 + pageSize
        var headers: [Data] = []
        var pending: [Data] = []
        var firstTransactionWroteIt: Bool?
        var bytes = Data()
        var consumed = 0
        frames: while true {
            if bytes.count - consumed < frameSize {
                guard let more = try? handle.read(upToCount: max(1 << 20, frameSize)), !more.isEmpty else { break }
                bytes = bytes.suffix(from: bytes.startIndex + consumed) + more
                consumed = 0
                guard bytes.count >= frameSize else { break }
            }
            let frame = bytes[(bytes.startIndex + consumed)..<(bytes.startIndex + consumed + frameSize)]
            consumed += frameSize
            let salts = frame.startIndex + 8
            guard frame[salts..<salts + 8] == header[header.startIndex + 16..<header.startIndex + 24] else { break }
            var next = checksum
            next.add(frame.prefix(8))
            next.add(frame.suffix(pageSize))
            guard next.value == (bigEndian(frame, at: 16), bigEndian(frame, at: 20)) else { break frames }
            checksum = next
            if bigEndian(frame, at: 0) == 1 { pending.append(Data(frame.dropFirst(24).prefix(100))) }
            if bigEndian(frame, at: 4) != 0 {
                if firstTransactionWroteIt == nil { firstTransactionWroteIt = !pending.isEmpty }
                headers += pending
                pending = []
            }
        }
        return PageOne(headers: headers, firstTransactionWroteIt: firstTransactionWroteIt ?? false, header: header)
    }

    /// SQLite's running checksum of the log: two 32-bit sums over pairs of words, in the byte order the log's magic
    /// number names.
    struct Checksum {
        var first: UInt32 = 0
        var second: UInt32 = 0
        let bigEndianWords: Bool

        init(bigEndianWords: Bool) { self.bigEndianWords = bigEndianWords }

        var value: (UInt32, UInt32) { (first, second) }

        /// Adds `data`, whose length is a multiple of 8.
        mutating func add(_ data: Data) {
            var first = self.first, second = self.second
            let bigEndianWords = self.bigEndianWords
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset + 8 <= raw.count {
                    var x0 = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
                    var x1 = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    if bigEndianWords {
                        x0 = UInt32(bigEndian: x0)
                        x1 = UInt32(bigEndian: x1)
                    } else {
                        x0 = UInt32(littleEndian: x0)
                        x1 = UInt32(littleEndian: x1)
                    }
                    first = first &+ x0 &+ second
                    second = second &+ x1 &+ first
                    offset += 8
                }
            }
            self.first = first
            self.second = second
        }
    }
}

extension SQLiteStorage {
    /// The longest log ``moveAsideForeignLog(_:companions:)`` reads (a longer one is not judged).
    static let foreignLogReadLimit = 256 << 20

    /// Moves aside the write-ahead log beside `path` when it was written for another file than the one at `path`
    /// (``LogStamp``), before SQLite opens the file and replays it there.
    ///
    /// The log and its index go to `<base>-wal.stale-<pid>` and `<base>-shm.stale-<pid>`, kept for whoever wants
    /// them. A log that processes still use (the file was replaced under them, or a command beside running hunts) is
    /// judged only when it was not restarted from the reading of the file's header to the end of its own (its header
    /// is the same before and after: the file's header then comes from a frame the reading saw, or from before the
    /// log), and moved only if it is still the file that was read; those processes keep their open files, find the
    /// database replaced at their next write, and save what they hold (``checkStillThere(_:)``).
    ///
    /// - Parameters:
    ///   - path: the database file.
    ///   - base: where SQLite keeps its log and index (``companionBase(_:)``).
    /// - Returns: what was done, for a note; `nil` when there is no log, or it may be the file's.
    static func moveAsideForeignLog(_ path: String, companions base: String) -> String? {
        let log = base + "-wal", index = base + "-shm"
        guard case .success(let logIdentity) = identity(of: log),
            let size = (try? FileManager.default.attributesOfItem(atPath: log))?[.size] as? NSNumber,
            size.intValue > 32
        else { return nil }
        let indexIdentity = try? identity(of: index).get()
        func header() -> Data? {
            guard let handle = FileHandle(forReadingAtPath: log) else { return nil }
            defer { try? handle.close() }
            return try? handle.read(upToCount: 32)
        }
        // The log's header before the file's and after the whole reading: a log that a running process restarted
        // meanwhile (a checkpoint, then a write) has another one, and what was read of it is not judged. The file's
        // header, read again at the end, is the same (not read while a checkpoint wrote it).
        guard let before = header(), let file = LogStamp.header(ofDatabaseAt: path),
            let pageOne = LogStamp.pageOne(ofLogAt: log, limit: foreignLogReadLimit),
            pageOne.header == before, header() == before, LogStamp.header(ofDatabaseAt: path) == file,
            !pageOne.fits(file)
        else { return nil }
        let moved = moveAside(companionsOf: base, log: logIdentity, index: indexIdentity)
        guard moved.log else { return nil }
        let aside = "\(log).stale-\(getpid())", indexMoved = moved.index
        return "the write-ahead log \(log) was written for another file than the database \(path) (the file that "
            + "\(path) replaced, put in place after a crash or while orion used the old one); SQLite would have "
            + "written that file's last changes into \(path) and corrupted it: the log is moved to \(aside)"
            + (indexMoved ? " (and \(index) to \(index).stale-\(getpid()))" : "") + ", and \(path) opens as it is"
    }
}
