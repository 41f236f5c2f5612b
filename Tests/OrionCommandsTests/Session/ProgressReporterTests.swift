import COrionSpawn
import Foundation
import OrionCore
import OrionWorker
import XCTest

@testable import OrionCommands

final class ProgressReporterTests: XCTestCase {
    /// The line is erased before each write to the terminal and drawn again after a complete line; after an
    /// unfinished line it waits for the newline instead of gluing itself to the text.
    func testThePinnedLineStaysBelowTheOutput() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        let line = PinnedLine(terminalStreams: [fds[1]], descriptor: fds[1])
        func write(_ text: String) {
            XCTAssertTrue(Array(text.utf8).withUnsafeBytes { line.write(fds[1], $0) })
        }
        line.draw("[1/3]")
        write("hello\n")
        write("partial")
        line.draw("[2/3]")
        write(" end\n")
        line.clear()
        close(fds[1])
        let output = String(decoding: FileHandle(fileDescriptor: fds[0]).readDataToEndOfFile(), as: UTF8.self)
        let clear = "\r\u{1B}[K"
        XCTAssertEqual(output, "\(clear)[1/3]\(clear)hello\n[1/3]\(clear)partial end\n[2/3]\(clear)")
    }

    /// Orion's own lines start on a line of their own after a script's unfinished last line, on a terminal and off
    /// one (`epoch 1/1 loss=0.3[1/2] trial ... completed`); after `clear()` (the hunt's end) the line is not drawn
    /// again (a tick drew it below `Orion is interrupted.`), and what follows starts on a fresh line.
    func testOrionsLinesStartOnALineOfTheirOwn() throws {
        for terminal in [true, false] {
            var fds: [Int32] = [0, 0]
            XCTAssertEqual(pipe(&fds), 0)
            defer { close(fds[0]) }
            let line = PinnedLine(terminalStreams: terminal ? [fds[1]] : [], descriptor: fds[1])
            func write(_ text: String) {
                XCTAssertTrue(Array(text.utf8).withUnsafeBytes { line.write(fds[1], $0) })
            }
            write("loss=0.3")
            line.writeLine("[1/2] trial completed")
            write("next\n")
            line.writeLine("note")
            write("unfinished")
            line.clear()
            line.draw("[2/2]")
            close(fds[1])
            let output = String(decoding: FileHandle(fileDescriptor: fds[0]).readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(output, "loss=0.3\n[1/2] trial completed\nnext\nnote\nunfinished\n", "terminal: \(terminal)")
        }
    }

    /// A script's unfinished stdout line puts no empty line before orion's next line when stdout and stderr are
    /// separate files (`> out 2> err`, `| head`: probe p43g); when they are one (`> log 2>&1`), orion's line starts
    /// on a line of its own.
    func testAnUnfinishedLineCountsOnlyWhereItWasWritten() throws {
        for shared in [false, true] {
            var output: [Int32] = [0, 0]
            var errors: [Int32] = [0, 0]
            XCTAssertEqual(pipe(&output), 0)
            XCTAssertEqual(pipe(&errors), 0)
            defer {
                close(output[0])
                close(errors[0])
            }
            // One destination: the script's stdout is another descriptor of the line's pipe.
            let stdout = shared ? dup(errors[1]) : output[1]
            let line = PinnedLine(terminalStreams: [], descriptor: errors[1])
            XCTAssertTrue(Array("partial".utf8).withUnsafeBytes { line.write(stdout, $0) })
            line.writeLine("[1/2] trial completed")
            line.clear()
            if shared { close(stdout) }
            close(output[1])
            close(errors[1])
            let shown = String(decoding: FileHandle(fileDescriptor: errors[0]).readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(shown, shared ? "partial\n[1/2] trial completed\n" : "[1/2] trial completed\n", "\(shared)")
        }
    }

    /// A trial that ended mid-line gets its line ended only where that is still the last thing written: not when
    /// the other stream of the same destination ended it (a prompt on stderr, the answer's line on stdout; p44h).
    func testATrialsUnfinishedLineIsEndedOnlyWhereItIsStillUnfinished() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        let other = dup(fds[1])
        let line = PinnedLine(terminalStreams: [], descriptor: fds[1])
        func write(_ descriptor: Int32, _ text: String) {
            XCTAssertTrue(Array(text.utf8).withUnsafeBytes { line.write(descriptor, $0) })
        }
        write(fds[1], "Your name? ")
        write(other, "hello bob\n")
        line.endLine(fds[1])
        write(other, "no newline")
        line.endLine(fds[1])
        line.endLine(other)
        close(other)
        close(fds[1])
        let output = String(decoding: FileHandle(fileDescriptor: fds[0]).readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(output, "Your name? hello bob\nno newline\n")
    }

    /// The live line fits the terminal: whole parts while they fit, then characters; off a terminal, as it is.
    func testTheLiveLineIsCutToTheTerminalsWidth() throws {
        let text = "[123/1000] · broken 12 · best -0.000123456 · elapsed 1h23m · ETA 12h34m"
        XCTAssertEqual(PinnedLine.fitted(text, columns: 200), text)
        XCTAssertEqual(
            PinnedLine.fitted(text, columns: 60),
            "[123/1000] · broken 12 · best -0.000123456 · elapsed 1h23m"
        )
        XCTAssertEqual(PinnedLine.fitted(text, columns: 30), "[123/1000] · broken 12")
        XCTAssertEqual(PinnedLine.fitted(text, columns: 8), "[123/10")
        XCTAssertEqual(PinnedLine.fitted(text, columns: nil), text)

        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        XCTAssertNil(PinnedLine.columns(of: fds[1]), "a pipe has no width")

        var primary: Int32 = -1
        var terminal: Int32 = -1
        XCTAssertEqual(orion_output_pty(-1, &primary, &terminal), 0)
        defer {
            close(primary)
            close(terminal)
        }
        var size = winsize(ws_row: 24, ws_col: 30, ws_xpixel: 0, ws_ypixel: 0)
        XCTAssertEqual(ioctl(terminal, UInt(TIOCSWINSZ), &size), 0)
        XCTAssertEqual(PinnedLine.columns(of: terminal), 30)
        let line = PinnedLine(terminalStreams: [terminal], descriptor: terminal)
        line.draw(text)
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(primary, &buffer, buffer.count)
        XCTAssertEqual(
            String(decoding: buffer.prefix(max(0, count)), as: UTF8.self),
            "\r\u{1B}[K[123/1000] · broken 12"
        )
    }

    func testTheStorageWarningNamesTheTrialAndWhatToDo() {
        let trial = Trial(experimentID: "e", params: [])
        XCTAssertEqual(
            ProgressReporter.storageWarning(trial: trial, reason: "database or disk is full"),
            "Warning: the result of trial \(trial.id.prefix(8)) is not stored yet (database or disk is full); "
                + "retrying until it is (Ctrl-C twice stops the hunt and says where the result is kept)"
        )
        XCTAssertEqual(
            ProgressReporter.storageWarning(trial: nil, reason: "connection refused"),
            "Warning: the storage keeps failing (connection refused); retrying"
        )
    }

    /// A run this worker stopped on finding its trial gone is said to be stopped, not to have an "(interrupted)"
    /// outcome of its own; a run that ended by itself names its outcome.
    func testTheLostWarningSaysWhetherTheRunWasStopped() {
        var trial = Trial(experimentID: "e", params: [])
        trial.status = .interrupted
        let stopped = ProgressReporter.lostWarning(trial: trial)
        XCTAssertTrue(stopped.hasSuffix("; this run was stopped and is not stored"), stopped)
        // Killed by a signal this worker did not send, after the trial was taken: the new holder ended it.
        trial.status = .broken
        trial.failure = "the script was killed by signal 15 (SIGTERM), which orion did not send"
        let killed = ProgressReporter.lostWarning(trial: trial)
        XCTAssertTrue(killed.hasSuffix("; this run was stopped and is not stored"), killed)
        trial.failure = "the script exited with code 1"
        XCTAssertTrue(ProgressReporter.lostWarning(trial: trial).hasSuffix("outcome (broken) is not stored"))
        trial.status = .completed
        let completed = ProgressReporter.lostWarning(trial: trial)
        XCTAssertTrue(completed.hasPrefix("Warning: trial \(trial.id.prefix(8)) was taken from this worker"), completed)
        XCTAssertTrue(completed.hasSuffix("; this run's outcome (completed) is not stored"), completed)
    }

    func testTheWaitingNoteNamesTheTrialItsWorkerAndTheHeartbeat() {
        var trial = Trial(experimentID: "e", params: [])
        trial.worker = "node7:4242"
        XCTAssertEqual(
            ProgressReporter.waitingNote(trials: [trial], heartbeat: .seconds(120)),
            "note: nothing to run for the --idle-timeout, but trial \(trial.id.prefix(8)) (worker node7:4242) has not "
                + "reported since this worker became idle: waiting until it ends, or its heartbeat is 2m00s late"
                + " (--heartbeat) and it runs here"
        )
        var other = Trial(experimentID: "e", params: [Trial.Param(name: "/x", type: .integer, value: .int(1))])
        other.worker = "node8:1"
        XCTAssertEqual(
            ProgressReporter.waitingNote(trials: [trial, other], heartbeat: .seconds(120)),
            "note: nothing to run for the --idle-timeout, but trials \(trial.id.prefix(8)) (worker node7:4242), "
                + "\(other.id.prefix(8)) (worker node8:1) have not reported since this worker became idle: waiting"
                + " until they end, or their heartbeat is 2m00s late (--heartbeat) and they run here"
        )
        // A dead worker of this host whose scripts its guardian is still stopping (hBJ's re-check: a silent wait).
        XCTAssertEqual(
            ProgressReporter.stoppingNote(trials: [trial]),
            "note: trial \(trial.id.prefix(8)) was held by a worker of this host that died (node7:4242); its scripts"
                + " are being stopped (SIGKILL at most 10 s after its death), and it runs here once they have ended"
        )
    }

    /// The line for a hunt slow to stop names what it waits for (running trials, or only the storage: it said
    /// "the running trials" with none running) and how to stop at once after the signal that came (it said
    /// "Ctrl-C again" after a SIGTERM too).
    func testTheStoppingNoteSaysWhatItWaitsForAndHowToStopAtOnce() throws {
        let reporter = ProgressReporter(
            experiment: Experiment(
                name: "e",
                space: try Space(priors: ["/x": "uniform(0, 1)"]),
                algorithm: AlgorithmConfig(name: "random")
            ),
            interactive: false
        )
        let first = Trial(experimentID: "e", params: [])
        let second = Trial(experimentID: "e", params: [Trial.Param(name: "/x", type: .integer, value: .int(1))])
        reporter.handle(.started(first))
        reporter.handle(.started(second))
        XCTAssertEqual(reporter.runningCount, 2)
        var lost = second
        lost.status = .interrupted
        reporter.handle(.lost(lost))
        XCTAssertEqual(reporter.runningCount, 1)
        var done = first
        done.status = .completed
        reporter.handle(.finished(done))
        XCTAssertEqual(reporter.runningCount, 0)

        XCTAssertEqual(
            ProgressReporter.stoppingNote(signal: SIGINT, running: 1),
            "Stopping: the running trial is asked to stop (killed after 10 s if it does not) and its outcome is being "
                + "stored (for 20 s at most while the storage fails); Ctrl-C again stops at once (a result not stored yet "
                + "is kept in its trial's directory)"
        )
        XCTAssertEqual(
            ProgressReporter.stoppingNote(signal: SIGTERM, running: 3),
            "Stopping: the 3 running trials are asked to stop (killed after 10 s if they do not) and their outcomes "
                + "are being stored (for 20 s at most while the storage fails); a second SIGTERM (or Ctrl-C) stops at "
                + "once (a result not stored yet is kept in its trial's directory)"
        )
        XCTAssertEqual(
            ProgressReporter.stoppingNote(signal: SIGUSR1, running: 0),
            "Stopping: waiting for the storage to answer (for 20 s at most); Ctrl-C or SIGTERM stops at once"
        )
    }

    /// An experiment of 10 trials named `name`, stored in a new in-memory storage.
    private func stored(_ name: String) async throws -> (InMemoryStorage, Experiment) {
        let storage = InMemoryStorage()
        let experiment = Experiment(
            name: name,
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random"),
            maxTrials: 10
        )
        try await storage.createExperiment(experiment)
        return (storage, experiment)
    }

    /// The live line counts the experiment's trials as stored, those other hunts complete included.
    func testTheLiveLineCountsTrialsOfOtherHunts() async throws {
        let (storage, experiment) = try await stored("shared")
        let reporter = ProgressReporter(experiment: experiment, interactive: false)
        await reporter.start(storage: storage)
        XCTAssertTrue(reporter.liveText.hasPrefix("[0/10]"), reporter.liveText)
        let others = (0..<3).map { index -> Trial in
            var trial = Trial(
                experimentID: experiment.id,
                params: [Trial.Param(name: "/x", type: .real, value: .double(Double(index) / 10))]
            )
            trial.status = .completed
            trial.results = [.objective(Double(index))]
            return trial
        }
        try await storage.registerTrials(others)
        await reporter.refreshCounts()
        XCTAssertTrue(reporter.liveText.hasPrefix("[3/10]"), reporter.liveText)
    }

    /// Off a terminal too (a Slurm task's log), the counts are read again while the hunt runs: each log line's
    /// `[done/total]` counted this process's trials only.
    func testTheLogLinesCountTrialsOfOtherHunts() async throws {
        let (storage, experiment) = try await stored("logged")
        let reporter = ProgressReporter(experiment: experiment, interactive: false)
        await reporter.start(storage: storage)
        let ticker = try XCTUnwrap(reporter.startTicking())
        defer { ticker.cancel() }
        var other = Trial(
            experimentID: experiment.id,
            params: [Trial.Param(name: "/x", type: .real, value: .double(0.5))]
        )
        other.status = .completed
        other.results = [.objective(1)]
        try await storage.registerTrials([other])
        let deadline = Date().addingTimeInterval(20)
        while !reporter.liveText.hasPrefix("[1/10]"), Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertTrue(reporter.liveText.hasPrefix("[1/10]"), reporter.liveText)
    }
}
