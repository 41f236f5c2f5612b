import Foundation
import OrionCore
import Synchronization
import XCTest

@testable import OrionWorker

/// The echo of a script's output shows whole lines: the pieces of one line are gathered, an unfinished line is shown
/// after a short wait (a prompt, a progress bar) or at the end, and several trials' lines do not cut one another.
final class EchoPumpTests: XCTestCase {
    /// Records what an echo is given, write by write.
    private final class Recorder: Sendable {
        private let writes = Mutex<[(stream: Int32, text: String)]>([])

        var echo: OutputEcho {
            OutputEcho(
                write: { stream, bytes in
                    self.writes.withLock { $0.append((stream, String(decoding: bytes, as: UTF8.self))) }
                    return true
                },
                endLine: { stream in self.writes.withLock { $0.append((stream, "<end>")) } }
            )
        }

        var texts: [String] { writes.withLock { $0.map(\.text) } }
        var all: [(stream: Int32, text: String)] { writes.withLock { $0 } }
    }

    private func enqueue(_ pump: EchoPump, _ stream: Int32, _ text: String) {
        XCTAssertTrue(Array(text.utf8).withUnsafeBytes { pump.enqueue(stream, $0) })
    }

    func testThePiecesOfALineAreHeldUntilTheLineEnds() {
        var lines = HeldLines(hold: .milliseconds(50))
        let start = ContinuousClock.now
        XCTAssertEqual(lines.add(1, Array("loss".utf8), at: start), [])
        XCTAssertEqual(lines.add(1, Array(" ".utf8), at: start + .milliseconds(1)), [])
        XCTAssertEqual(lines.due, start + .milliseconds(51), "due a hold after the last piece")
        XCTAssertEqual(lines.add(2, Array("err\n".utf8), at: start + .milliseconds(2)), Array("err\n".utf8))
        XCTAssertEqual(
            lines.add(1, Array("0.3\nnext".utf8), at: start + .milliseconds(3)),
            Array("loss 0.3\n".utf8),
            "the held start and the chunk up to its last newline"
        )
        XCTAssertEqual(lines.due, start + .milliseconds(53), "what follows the newline is held anew")
        XCTAssertEqual(lines.takeDue(at: start + .milliseconds(52)).count, 0)
        let due = lines.takeDue(at: start + .milliseconds(53))
        XCTAssertEqual(due.map(\.stream), [1])
        XCTAssertEqual(due.map(\.bytes), [Array("next".utf8)])
        XCTAssertNil(lines.due)
    }

    /// A bar redrawn in place (`\r`) shows each state whole, one redraw late; a `\r` that ends a chunk waits for a
    /// `\n` that may follow; dots printed one by one are shown five holds after the first.
    func testABarRedrawnWithACarriageReturnShowsEachStateWhole() {
        var lines = HeldLines(hold: .milliseconds(50))
        let start = ContinuousClock.now
        XCTAssertEqual(lines.add(2, Array("\r 10%|#".utf8), at: start), Array("\r".utf8))
        XCTAssertEqual(lines.add(2, Array("\r 20%|##".utf8), at: start), Array(" 10%|#\r".utf8))
        XCTAssertEqual(lines.add(2, Array("\n".utf8), at: start), Array(" 20%|##\n".utf8))
        XCTAssertEqual(lines.add(1, Array("windows\r".utf8), at: start), [])
        XCTAssertEqual(lines.add(1, Array("\n".utf8), at: start), Array("windows\r\n".utf8))
        // `print(f"{i}%", end="\r")` in pieces: each state is shown when the next one starts.
        XCTAssertEqual(lines.add(1, Array("10%".utf8), at: start), [])
        XCTAssertEqual(lines.add(1, Array("\r".utf8), at: start), [])
        XCTAssertEqual(lines.add(1, Array("20%".utf8), at: start), Array("10%\r".utf8))
        XCTAssertEqual(lines.add(1, Array("\r\n".utf8), at: start), Array("20%\r\n".utf8))
        for step in 0..<30 {
            XCTAssertEqual(lines.add(1, Array(".".utf8), at: start + .milliseconds(20 * step)), [])
        }
        XCTAssertEqual(lines.due, start + .milliseconds(250))
        XCTAssertEqual(
            lines.takeDue(at: start + .milliseconds(250)).map(\.bytes),
            [Array(String(repeating: ".", count: 30).utf8)]
        )
    }

    func testALongUnfinishedLineIsShownAtOnce() {
        var lines = HeldLines()
        let long = [UInt8](repeating: UInt8(ascii: "#"), count: HeldLines.longest - 1)
        XCTAssertEqual(lines.add(1, long, at: .now), [])
        XCTAssertEqual(lines.add(1, [UInt8(ascii: "#")], at: .now).count, HeldLines.longest)
        XCTAssertNil(lines.due)
    }

    func testThePumpWritesWholeLinesAndTheUnfinishedEndAtTheFinish() {
        let recorder = Recorder()
        let pump = EchoPump(recorder.echo, lineHold: .seconds(30))
        enqueue(pump, 1, "epoch")
        enqueue(pump, 1, " 1")
        enqueue(pump, 1, "\nepoch 2")
        enqueue(pump, 1, " done")
        enqueue(pump, 2, "warning\n")
        pump.finish(abandoning: false)
        XCTAssertEqual(recorder.all.map(\.stream), [1, 1, 2, 1])
        XCTAssertEqual(recorder.texts, ["epoch 1\n", "epoch 2 done", "warning\n", "<end>"], "its line ended")
    }

    /// What one stream holds is shown before a later chunk of the other: holding keeps the order in which the
    /// streams were read (probe p44h: tqdm's last state on stderr came after the `print` that followed it).
    func testAHeldLineOfOneStreamComesBeforeALaterChunkOfTheOther() {
        let recorder = Recorder()
        let pump = EchoPump(recorder.echo, lineHold: .seconds(30))
        enqueue(pump, 2, "\r 95%|####")
        enqueue(pump, 2, "\r100%|#####")
        enqueue(pump, 1, "after bar\n")
        enqueue(pump, 2, "\n")
        pump.finish(abandoning: false)
        XCTAssertEqual(recorder.texts, ["\r", " 95%|####\r", "100%|#####", "after bar\n", "\n"], "the read order")
    }

    func testAnUnfinishedLineIsShownAfterTheHoldWhileTheScriptRuns() {
        let recorder = Recorder()
        let pump = EchoPump(recorder.echo, lineHold: .milliseconds(20))
        enqueue(pump, 1, "Continue? [y/n] ")
        let deadline = Date().addingTimeInterval(10)
        while recorder.texts.isEmpty, Date() < deadline { usleep(5000) }
        XCTAssertEqual(recorder.texts, ["Continue? [y/n] "], "a prompt is shown without waiting for the script's end")
        pump.finish(abandoning: false)
        XCTAssertEqual(recorder.texts, ["Continue? [y/n] ", "<end>"])
    }

    /// Two trials at once whose Python prints come in pieces (`PYTHONUNBUFFERED=1`, set by `orion`, makes
    /// `print("trial", "a", "line", i)` seven writes): every line on the shared echo is whole.
    func testTheLinesOfTrialsRunningAtOnceAreNotCutByEachOther() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orion-echo-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/chatty.py"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
        #!/usr/bin/env python3
        import json, os, sys, time
        tag = sys.argv[2]
        for i in range(150):
            print("trial", tag, "line", i)
            time.sleep(0.001)
        json.dump([{"name": "o", "type": "objective", "value": 1}], open(os.environ["ORION_RESULTS_PATH"], "w"))
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        let recorder = Recorder()
        let space = try Space(priors: ["/tag": "choices(['a', 'b'])"])
        let experiment = Experiment(id: "e", name: "echo", space: space, algorithm: AlgorithmConfig(name: "random"))
        let command = try UserCommand(
            arguments: [path, "--tag~choices(['a', 'b'])"],
            currentDirectory: directory,
            environmentPath: nil
        )
        let executor = ProcessExecutor(command: command, echo: recorder.echo)
        let outcomes = try await withThrowingTaskGroup(of: TrialOutcome.self) { group in
            for tag in ["a", "b"] {
                let trial = Trial(
                    experimentID: "e",
                    params: [Trial.Param(name: "/tag", type: .categorical, value: .string(tag))]
                )
                let context = TrialContext(
                    experiment: experiment,
                    trial: trial,
                    workingDirectory: directory + "/" + tag,
                    experimentWorkingDirectory: directory
                )
                try FileManager.default.createDirectory(
                    atPath: context.workingDirectory,
                    withIntermediateDirectories: true
                )
                group.addTask { await executor.execute(context) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.count, 2)
        for outcome in outcomes {
            guard case .completed = outcome else { return XCTFail("\(outcome)") }
        }
        let shown = recorder.texts.joined()
        let lines = shown.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 300, shown)
        let whole = try Regex(#"^trial [ab] line [0-9]+$"#)
        XCTAssertEqual(lines.filter { (try? whole.wholeMatch(in: $0)) == nil }, [], "every line is whole")
        for tag in ["a", "b"] {
            XCTAssertEqual(
                lines.filter { $0.hasPrefix("trial \(tag) ") },
                (0..<150).map { "trial \(tag) line \($0)" }[...]
            )
        }
    }
}
