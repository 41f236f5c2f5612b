import Foundation

/// Copies one script's output to an ``OutputEcho`` on a thread of its own, so that the loop reading the script's pipes
/// never waits on the terminal or pipe that shows it.
///
/// Before, the loop wrote each chunk itself: while nothing read `orion`'s stdout (`orion hunt | less` left on a
/// screen, a stalled terminal), it stayed in `write(2)`, so a trial's time limit and an interrupt did nothing until the
/// reader read again (probe p43g). Now the loop queues the chunk and goes on; the pump writes the chunks in order.
/// What a reader does not take is held up to ``limit`` bytes; beyond, chunks are left out of the echo (never out of the
/// trial's `orion.stdout.log` / `orion.stderr.log`, written by the loop) and one line says how much was left out.
/// The thread starts with the first chunk: a script that prints nothing costs nothing.
///
/// The pump writes whole lines: the end of a chunk that does not end a line waits for the rest of its line (see
/// ``HeldLines``), so that with several workers one trial's line is not cut by another's (Python under
/// `PYTHONUNBUFFERED=1` writes `print("loss", x)` in four pieces; probe p43g saw 74 of 78 lines cut with 4 workers).
final class EchoPump: @unchecked Sendable {
    /// The bytes held for a reader that does not read, at most.
    static let limit = 8 << 20

    private let echo: OutputEcho
    /// Used by the pump's thread only.
    private var lines: HeldLines
    /// The last byte shown of each stream (the pump's thread only).
    private var lastShown: [Int32: UInt8] = [:]
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [(stream: Int32, bytes: [UInt8])] = []
    private var held = 0
    private var skipped = 0
    private var closed: Set<Int32> = []
    private var finishing = false
    private var abandoned = false
    private var running = false
    private var done = false

    /// Creates a pump.
    ///
    /// - Parameters:
    ///   - echo: where the output is shown.
    ///   - lineHold: how long the start of a line waits for its end after the last byte came (see ``HeldLines``).
    init(_ echo: OutputEcho, lineHold: Duration = HeldLines.hold) {
        self.echo = echo
        self.lines = HeldLines(hold: lineHold)
    }

    /// Queues `bytes` of `stream` (1: stdout, 2: stderr) for the echo; returns `false` once that stream can no
    /// longer be written (a closed pipe or terminal), as ``OutputEcho/write`` does.
    func enqueue(_ stream: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed.contains(stream) else { return false }
        guard held + bytes.count <= Self.limit else {
            skipped += bytes.count
            return true
        }
        queue.append((stream, Array(bytes)))
        held += bytes.count
        if !running {
            running = true
            let thread = Thread { [self] in pump() }
            thread.stackSize = 1 << 18
            thread.start()
        }
        condition.signal()
        return true
    }

    /// Ends the echo: waits until every queued chunk is written, or, with `abandoning` (the script was stopped: an
    /// interrupt, a time limit), at most one second, after which what is still queued is left out.
    func finish(abandoning: Bool) {
        condition.lock()
        finishing = true
        condition.broadcast()
        let deadline = Date().addingTimeInterval(1)
        while running, !done {
            if abandoning {
                guard condition.wait(until: deadline) else { break }
            } else {
                condition.wait()
            }
        }
        if running, !done {
            abandoned = true
            skipped += held
            queue.removeAll()
            held = 0
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The thread's loop: writes the chunks in order, as whole lines, until finished and empty.
    private func pump() {
        while true {
            condition.lock()
            var timedOut = false
            while queue.isEmpty, !finishing, !timedOut {
                if let due = lines.due {
                    let wait = ContinuousClock.now.duration(to: due)
                    timedOut = !condition.wait(until: Date().addingTimeInterval(max(0, wait.seconds)))
                } else {
                    condition.wait()
                }
            }
            if queue.isEmpty, !finishing {
                // An unfinished line waited long enough: shown as it is (a prompt, a progress bar).
                condition.unlock()
                for (stream, bytes) in lines.takeDue(at: .now) { show(stream, bytes) }
                continue
            }
            if queue.isEmpty || abandoned {
                let stopped = abandoned
                condition.unlock()
                // The last unfinished lines are shown at the end, unless the echo was given up on.
                let unfinished = lines.takeAll()
                if !stopped {
                    for (stream, bytes) in unfinished { show(stream, bytes) }
                    // A trial whose output ends mid-line ends that line, where it is still the last thing written
                    // (the echo knows: stdout and stderr may be one terminal, and a prompt's answer, echoed by the
                    // terminal, ended it): the next trial's bar would draw over it.
                    if let endLine = echo.endLine {
                        for (stream, last) in lastShown.sorted(by: { $0.key < $1.key }) where last != UInt8(ascii: "\n")
                        {
                            endLine(stream)
                        }
                    }
                }
                condition.lock()
                let left = skipped + (stopped ? unfinished.reduce(0) { $0 + $1.bytes.count } : 0)
                condition.unlock()
                if left > 0 { sayLeftOut(left) }
                condition.lock()
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let (stream, bytes) = queue.removeFirst()
            held -= bytes.count
            condition.unlock()
            // What another stream holds came first: shown first, so that holding keeps the order in which the
            // streams were read (probe p44h: a bar's last state on stderr came after the `print` that followed it).
            for (other, start) in lines.take(allBut: stream) { show(other, start) }
            show(stream, lines.add(stream, bytes, at: .now))
        }
    }

    /// Writes `bytes` of `stream` to the echo; once the stream cannot be written, what is queued or held for it is
    /// dropped.
    private func show(_ stream: Int32, _ bytes: [UInt8]) {
        guard let last = bytes.last else { return }
        guard !bytes.withUnsafeBytes({ echo.write(stream, $0) }) else {
            lastShown[stream] = last
            return
        }
        lastShown[stream] = nil
        lines.drop(stream)
        condition.lock()
        closed.insert(stream)
        let before = queue.count
        queue.removeAll { $0.stream == stream }
        if queue.count != before { held = queue.reduce(0) { $0 + $1.bytes.count } }
        condition.unlock()
    }

    /// One line on the echo's stderr: how much was left out, and where all of it is.
    private func sayLeftOut(_ count: Int) {
        let text =
            "[orion: \(count) bytes of this trial's output were not shown (nothing read them in time); all of it is in"
            + " its orion.stdout.log and orion.stderr.log]\n"
        Array(text.utf8).withUnsafeBytes { _ = echo.write(2, $0) }
    }
}

/// The unfinished ends of a script's lines, by stream, held until their line ends so that the echo shows whole lines.
///
/// A line ends at `\n`, or at `\r` (a progress bar redrawn in place shows each state whole, one redraw late). A held
/// end is shown anyway once nothing came on its stream for ``hold`` (a prompt waiting for input, the last state of a
/// bar), once it has waited five times that since its first byte (dots printed one by one), or once it reaches
/// ``longest`` bytes. The pieces of one `print` come microseconds apart; the hold leaves room for a script that loses
/// its processor between them on a loaded machine (probe p44d).
struct HeldLines {
    /// How long an unfinished line waits after its last byte, by default.
    static let hold: Duration = .milliseconds(200)
    /// An unfinished line this long is shown at once.
    static let longest = 1 << 16

    private struct Held {
        var bytes: [UInt8]
        var first: ContinuousClock.Instant
        var last: ContinuousClock.Instant
    }

    let hold: Duration
    private var held: [Int32: Held] = [:]

    init(hold: Duration = Self.hold) {
        self.hold = hold
    }

    /// Adds a chunk of `stream`; returns what can be shown now: the held start and the chunk up to its last line end
    /// (empty when the chunk ends no line).
    mutating func add(_ stream: Int32, _ chunk: [UInt8], at now: ContinuousClock.Instant) -> [UInt8] {
        let earlier = held.removeValue(forKey: stream)
        let bytes = earlier.map { $0.bytes + chunk } ?? chunk
        // A `\r` that ends what came waits for what follows: the `\n` of a `\r\n`, written apart, is the same end.
        let last = bytes.count - 1
        guard
            let end = bytes.indices.last(where: {
                bytes[$0] == UInt8(ascii: "\n") || (bytes[$0] == UInt8(ascii: "\r") && $0 < last)
            })
        else {
            if bytes.count >= Self.longest { return bytes }
            held[stream] = Held(bytes: bytes, first: earlier?.first ?? now, last: now)
            return []
        }
        if end < last {
            held[stream] = Held(bytes: Array(bytes[(end + 1)...]), first: now, last: now)
        }
        return Array(bytes[...end])
    }

    /// When the first held line is due to be shown unfinished; `nil` when none is held.
    var due: ContinuousClock.Instant? {
        held.values.map { Self.due($0, hold: hold) }.min()
    }

    /// Removes and returns the held lines due at `now`, by stream.
    mutating func takeDue(at now: ContinuousClock.Instant) -> [(stream: Int32, bytes: [UInt8])] {
        let streams = held.filter { Self.due($0.value, hold: hold) <= now }.keys.sorted()
        return streams.compactMap { stream in held.removeValue(forKey: stream).map { (stream, $0.bytes) } }
    }

    /// Removes and returns every held line, by stream.
    mutating func takeAll() -> [(stream: Int32, bytes: [UInt8])] {
        defer { held.removeAll() }
        return held.keys.sorted().compactMap { stream in held[stream].map { (stream, $0.bytes) } }
    }

    /// Removes and returns what is held for every stream but `stream`.
    mutating func take(allBut stream: Int32) -> [(stream: Int32, bytes: [UInt8])] {
        let others = held.keys.filter { $0 != stream }.sorted()
        return others.compactMap { other in held.removeValue(forKey: other).map { (other, $0.bytes) } }
    }

    /// Forgets what is held for `stream` (it can no longer be shown).
    mutating func drop(_ stream: Int32) {
        held[stream] = nil
    }

    private static func due(_ held: Held, hold: Duration) -> ContinuousClock.Instant {
        min(held.last + hold, held.first + hold * 5)
    }
}
