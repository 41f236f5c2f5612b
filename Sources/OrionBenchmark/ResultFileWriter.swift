import Foundation

/// A result file whose runs can be joined by seed with those of an earlier file of the same configuration:
/// ``BenchmarkResultFile`` (`orion benchmark run`) and ``MultiFidelityResultFile`` (`mf-run`).
public protocol SeedJoinableResultFile: Sendable {
    /// The file's name in its directory, which names its configuration.
    var fileName: String { get }
    /// The seeds of its runs, in order.
    var seeds: [Int] { get }

    /// What `stored`, a file of the same name, holds that is not this file's configuration (another problem,
    /// algorithm or framework: two names equal but for case are one file on a case-insensitive file system), or runs
    /// it cannot hold; `nil` when it holds runs of this configuration.
    ///
    /// - Parameter stored: the file found where this one is written.
    /// - Returns: a phrase such as `holds runs of swift-orion/random on mixed_cat_int`, or `nil`.
    func foreignContent(of stored: Self) -> String?

    /// Why the runs of `stored`, a file of the same name, cannot be joined with this file's, or `nil` when they
    /// can (the same budget).
    ///
    /// - Parameter stored: the file found where this one is written.
    /// - Returns: a phrase such as `had runs of 5 trials: replaced by these of 6 trials`, or `nil`.
    func replacementNote(for stored: Self) -> String?

    /// `earlier`'s runs and `later`'s in one file, by seed: a seed in both keeps `later`'s run; the rest of the
    /// file is `later`'s.
    ///
    /// - Parameters:
    ///   - earlier: the file written before.
    ///   - later: the newer runs.
    /// - Returns: the joined file.
    static func joined(_ earlier: Self, _ later: Self) -> Self

    /// Reads a file.
    ///
    /// - Parameter path: the file's path.
    /// - Returns: the decoded file.
    /// - Throws: ``BenchmarkError`` `.badResultFile` when it cannot be read or decoded.
    static func read(from path: String) throws -> Self

    /// Writes the file to `directory/fileName` atomically (a temporary file renamed over it).
    ///
    /// - Parameter directory: the directory, created if needed.
    /// - Returns: the path written.
    /// - Throws: the file system's errors.
    func write(to directory: String) throws -> String
}

/// Writes one configuration's result file after each seed, joined by seed with the file an earlier command left
/// there: the seeds of a configuration can run in several commands, and an interrupted command keeps the seeds it
/// finished (`orion benchmark run` and `mf-run` alike).
///
/// The first seed's file meets the file of the same name in the directory: with the same budget their runs are
/// joined (a note names the seeds the stored file keeps beyond those asked for); with another budget the stored file
/// is replaced, with a note. A stored file that cannot be read, or holds another configuration's runs, is refused
/// (an error, the file left as it is). Every write is atomic, so an interrupt leaves the previous seed's file whole.
public struct ResultFileWriter<File: SeedJoinableResultFile> {
    /// The directory of the result files.
    public let directory: String
    /// The seeds the command runs, for the note on the stored file's other seeds.
    public let seeds: [Int]
    /// The file as last written, `nil` before the first seed.
    public private(set) var file: File?
    /// The path last written, `nil` before the first seed.
    public private(set) var path: String?

    /// Creates a writer for one configuration.
    ///
    /// - Parameters:
    ///   - directory: the directory of the result files.
    ///   - seeds: the seeds the command runs.
    public init(directory: String, seeds: [Int]) {
        self.directory = directory
        self.seeds = seeds
    }

    /// Joins `one` (the runs of the latest seed) with what was written and with the file in the directory, and
    /// writes the file.
    ///
    /// The file in the directory is read again at each seed, under a lock on the directory, so that two commands
    /// running seeds of one configuration into one directory at once both keep their runs (the second to write took
    /// only its own and the stored file's at its first seed, and dropped the other's later seeds).
    ///
    /// - Parameters:
    ///   - one: a file of the same configuration holding the newest runs.
    ///   - note: called with each note (the stored file's seeds kept, or its replacement), without `note: `.
    /// - Returns: the path written.
    /// - Throws: ``BenchmarkError`` `.badResultFile` for a stored file it must not replace; the file system's errors.
    @discardableResult
    public mutating func add(_ one: File, note: (String) -> Void) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lock = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if lock >= 0 {
            while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        }
        defer { if lock >= 0 { close(lock) } }
        var next = file.map { File.joined($0, one) } ?? one
        let target = (directory as NSString).appendingPathComponent(one.fileName)
        if let stored = try storedFile(for: one) {
            if let replaced = one.replacementNote(for: stored) {
                // At the first seed the stored file of another budget is replaced; later, one of another budget
                // written meanwhile by another command is replaced as well.
                if file == nil { note("\(target) \(replaced)") }
            } else {
                if file == nil {
                    let kept = Set(stored.seeds).subtracting(seeds).sorted()
                    if !kept.isEmpty {
                        let seedsText = kept.map(String.init).joined(separator: ",")
                        note("\(target) keeps its \(kept.count == 1 ? "run of seed" : "runs of seeds") \(seedsText)")
                    }
                }
                next = File.joined(stored, next)
            }
        }
        let written: String
        do {
            written = try next.write(to: directory)
        } catch {
            throw BenchmarkError(
                .badResultFile,
                "cannot write \(target) (\(Self.reason(error))): the runs of this seed are lost; make the file or"
                    + " --out writable"
            )
        }
        file = next
        path = written
        return written
    }

    /// Refuses, before anything runs, the file in the directory that `header`'s runs would join when it cannot be
    /// read, holds another configuration's runs (what ``add(_:note:)`` refuses at the first seed) or cannot be
    /// replaced (immutable, on a read-only file system).
    ///
    /// - Parameter header: a file of the configuration (its runs are not used).
    /// - Returns: the stored file, `nil` when there is none.
    /// - Throws: ``BenchmarkError`` `.badResultFile` naming the file and what is wrong.
    @discardableResult
    public func check(_ header: File) throws -> File? {
        guard let stored = try storedFile(for: header) else { return nil }
        let target = (directory as NSString).appendingPathComponent(header.fileName)
        // Opened for writing, not written: only what no permission change would fix (root passes the rest).
        let descriptor = open(target, O_WRONLY | O_CLOEXEC)
        if descriptor >= 0 {
            close(descriptor)
        } else if errno == EPERM || errno == EROFS {
            throw BenchmarkError(
                .badResultFile,
                "cannot write \(target) (\(String(cString: strerror(errno)))): make the file or --out writable"
            )
        }
        return stored
    }

    /// The file of `one`'s name in the directory, `nil` when there is none.
    ///
    /// - Throws: ``BenchmarkError`` `.badResultFile` when it cannot be read or holds another configuration's runs.
    private func storedFile(for one: File) throws -> File? {
        let target = (directory as NSString).appendingPathComponent(one.fileName)
        guard FileManager.default.fileExists(atPath: target) else { return nil }
        let stored: File
        do {
            stored = try File.read(from: target)
        } catch {
            throw BenchmarkError(
                .badResultFile,
                "cannot add runs to \(target), which is not a result file this command can read (cut off,"
                    + " edited, or another program's): move it away or repair it, then run again"
            )
        }
        if let foreign = one.foreignContent(of: stored) {
            throw BenchmarkError(
                .badResultFile,
                "cannot add runs to \(target): it \(foreign); move it away or give another --out"
            )
        }
        return stored
    }

    /// The file system's words for `error` (`Operation not permitted`), without Foundation's dump.
    private static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey]
        if let posix = underlying as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        if let other = underlying as? NSError, other.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(other.code)))
        }
        return (error as NSError).localizedDescription
    }

    /// Runs `run` for each of `seeds` in turn, writing the joined file after each.
    ///
    /// - Parameters:
    ///   - seeds: the seeds to run (those ``seeds`` names, or fewer for a deterministic algorithm).
    ///   - note: called with each note, without `note: `.
    ///   - run: runs one seed, returning a file with its run.
    /// - Returns: the last file written and its path, `nil` without seeds.
    /// - Throws: what `run` and the writes throw; the seeds finished before stay written.
    public mutating func runEachSeed(
        _ seeds: [Int],
        note: (String) -> Void,
        run: (Int) async throws -> File
    ) async throws -> (file: File, path: String)? {
        for seed in seeds {
            try add(try await run(seed), note: note)
        }
        guard let file, let path else { return nil }
        return (file, path)
    }
}

extension BenchmarkResultFile: SeedJoinableResultFile {
    /// `holds runs of swift-orion/random on mixed_cat_int, not of ...` for another configuration, `has a run of 25
    /// trials (seed 2), more than its budget of 5` for a run longer than its budget, else `nil`.
    ///
    /// - Parameter stored: the file found where this one is written.
    /// - Returns: the phrase, or `nil`.
    public func foreignContent(of stored: BenchmarkResultFile) -> String? {
        if stored.framework != framework || stored.algorithm != algorithm || stored.problem != problem {
            return "holds runs of \(stored.framework)/\(stored.algorithm) on \(stored.problem), not of"
                + " \(framework)/\(algorithm) on \(problem)"
        }
        // Its values count too: a file edited by hand may say fewer trials than it holds.
        if let long = stored.runs.first(where: { max($0.trialCount, $0.values.count) > stored.budget }) {
            let count = max(long.trialCount, long.values.count)
            return "has a run of \(count) trials (seed \(long.seed)), more than its budget of \(stored.budget)"
        }
        return nil
    }

    /// `had runs of 5 trials: replaced by these of 6 trials` for another budget, else `nil`.
    ///
    /// - Parameter stored: the file found where this one is written.
    /// - Returns: the note, or `nil` when the runs join.
    public func replacementNote(for stored: BenchmarkResultFile) -> String? {
        stored.budget == budget ? nil : "had runs of \(stored.budget) trials: replaced by these of \(budget)"
    }

    /// `earlier`'s runs and `later`'s in one file, by seed (``BenchmarkTable/joined(_:_:)``).
    ///
    /// - Parameters:
    ///   - earlier: the file written before.
    ///   - later: the newer runs.
    /// - Returns: the joined file.
    public static func joined(_ earlier: BenchmarkResultFile, _ later: BenchmarkResultFile) -> BenchmarkResultFile {
        BenchmarkTable.joined(earlier, later)
    }
}

extension MultiFidelityResultFile: SeedJoinableResultFile {
    /// `holds runs of swift-orion/asha on mlp_digits, not of ...` for another configuration (algorithm, task,
    /// framework, the budget's accounting or the number of workers), `has a run (seed 3) that spent 1000, more than
    /// its budget of 270` for a run past its budget (or one whose lists do not match), else `nil`.
    ///
    /// - Parameter stored: the file found where this one is written.
    /// - Returns: the phrase, or `nil`.
    public func foreignContent(of stored: MultiFidelityResultFile) -> String? {
        if stored.framework != framework || stored.algorithm != algorithm || stored.task != task
            || stored.accounting != accounting || stored.workers != workers
        {
            return "holds runs of \(stored.label) on \(stored.task), not of \(label) on \(task)"
        }
        // A run stops before a trial whose cost would take it past the budget.
        let tolerance = 1e-9 * max(1, stored.budget)
        for run in stored.runs {
            guard run.fidelities.count == run.values.count, (run.paid?.count ?? run.values.count) == run.values.count
            else {
                return "has a run (seed \(run.seed)) whose fidelities, values and costs are not one per trial"
            }
            let spent = run.costs(stored.accounting).reduce(0, +)
            guard spent <= stored.budget + tolerance else {
                return
                    "has a run (seed \(run.seed)) that spent \(MultiFidelityTable.format(spent)), more than its budget"
                    + " of \(MultiFidelityTable.format(stored.budget))"
            }
        }
        return nil
    }

    /// `had runs of budget 108 fidelity: replaced by these of budget 54` for another budget (or another maximum
    /// fidelity or reference value: their runs do not compare either), else `nil`.
    ///
    /// - Parameter stored: the file found where this one is written.
    /// - Returns: the note, or `nil` when the runs join.
    public func replacementNote(for stored: MultiFidelityResultFile) -> String? {
        if stored.budget != budget {
            return "had runs of budget \(MultiFidelityTable.format(stored.budget)) fidelity: replaced by these of"
                + " budget \(MultiFidelityTable.format(budget))"
        }
        if stored.maxFidelity != maxFidelity || stored.optimum != optimum {
            return "had runs with maximum fidelity \(MultiFidelityTable.format(stored.maxFidelity)) and reference"
                + " \(stored.optimum): replaced by these with \(MultiFidelityTable.format(maxFidelity)) and \(optimum)"
        }
        return nil
    }

    /// `earlier`'s runs and `later`'s in one file, by seed: a seed in both keeps `later`'s run; the rest of the
    /// file is `later`'s.
    ///
    /// - Parameters:
    ///   - earlier: the file written before.
    ///   - later: the newer runs.
    /// - Returns: the joined file.
    public static func joined(_ earlier: MultiFidelityResultFile, _ later: MultiFidelityResultFile)
        -> MultiFidelityResultFile
    {
        var joined = later
        joined.runs = runsJoinedBySeed(earlier.runs, later.runs, seed: \.seed)
        joined.seeds = joined.runs.map(\.seed)
        return joined
    }
}
