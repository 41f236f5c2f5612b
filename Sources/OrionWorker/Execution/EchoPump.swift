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
final class EchoPump: @unchecked Sendable {
    /// The bytes held for a reader that does not read, at most.
    static let limit = 8 << 20

    private let echo: OutputEcho
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

    init(_ echo: OutputEcho) {
        self.echo = echo
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

    /// The thread's loop: writes the chunks in order until finished and empty.
    private func pump() {
        while true {
            condition.lock()
            while queue.isEmpty, !finishing { condition.wait() }
            if queue.isEmpty || abandoned {
                let left = skipped
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
            let written = bytes.withUnsafeBytes { echo.write(stream, $0) }
            condition.lock()
            if !written {
                closed.insert(stream)
                // What is queued for that stream is dropped: it can no longer be shown.
                let before = queue.count
                queue.removeAll { $0.stream == stream }
                if queue.count != before { held = queue.reduce(0) { $0 + $1.bytes.count } }
            }
            condition.unlock()
        }
    }

    /// One line on the echo's stderr: how much was left out, and where all of it is.
    private func sayLeftOut(_ count: Int) {
        let text =
            "[orion: \(count) bytes of this trial's output were not shown (nothing read them in time); all of it is in"
            + " its orion.stdout.log and orion.stderr.log]\n"
        Array(text.utf8).withUnsafeBytes { _ = echo.write(2, $0) }
    }
}
