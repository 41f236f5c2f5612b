import Foundation
import OrionCore
import OrionTesting
import XCTest

/// What `orion hunt`, `status` and `info` print, compared line by line with the text Oríon 0.2.7 prints (observed
/// in a real run); only dates, durations and ids, which differ from run to run, are matched by pattern.
final class OutputEndToEndTests: XCTestCase {
    private let date = #"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"#

    /// Compares `actual` with `expected` line by line; an expected line `~<regex>` matches by pattern.
    private func assertLines(_ actual: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let got = actual.components(separatedBy: "\n")
        let want = expected.components(separatedBy: "\n")
        XCTAssertEqual(got.count, want.count, "line count differs:\n\(actual)", file: file, line: line)
        for (index, (text, pattern)) in zip(got, want).enumerated() {
            if pattern.hasPrefix("~") {
                let regex = "^" + pattern.dropFirst() + "$"
                XCTAssertNotNil(
                    text.range(of: regex, options: .regularExpression),
                    "line \(index + 1): '\(text)' does not match \(regex)\n\(actual)",
                    file: file,
                    line: line
                )
            } else {
                XCTAssertEqual(text, pattern, "line \(index + 1)\n\(actual)", file: file, line: line)
            }
        }
    }

    private func best(_ trials: [Trial]) throws -> Trial {
        try XCTUnwrap(trials.filter { $0.status == .completed }.min { ($0.objective ?? 0) < ($1.objective ?? 0) })
    }

    func testHuntStatusAndInfoPrintOrionsText() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Outside any git repository, so that `VCS:` is empty in `orion info` (it lists the repository's state when
        // the script is in one, as Oríon's does).
        let script = try sandbox.script(
            "noop.sh",
            try String(contentsOfFile: Compat.script("noop.sh"), encoding: .utf8)
        )
        // Oríon's text was observed with its default algorithm, random search; ours is `auto`, so name random.
        let config = sandbox.directory + "/random.yaml"
        try "experiment:\n  algorithm: random\n".write(toFile: config, atomically: true, encoding: .utf8)
        let hunt = try sandbox.run([
            "hunt", "-n", "golden", "--exp-max-trials", "3", "-c", config, script, "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        let trials = try await sandbox.trials(of: "golden")
        let top = try best(trials)
        let value = try XCTUnwrap(top.objective)
        assertLines(
            hunt.stdout,
            """
            Search finished successfully

            Stats
            =====
            completed: True
            trials completed: 3
            best trial:
              id: \(top.id)
              evaluation: \(PythonFloat.repr(value))
              params:
                /x: \(PythonFloat.repr(value))
            ~start time: \(date)
            ~finish time: \(date)
            ~elapsed_time: \\d+:\\d\\d:\\d\\d\\.\\d{6}


            Hints
            =====

            Info
            ----

            To get more information on the experiment, run the command

            orion info --name golden --version 1



            """
        )
        // Progress goes to stderr, one line per trial off a terminal, so that stdout is Oríon's text.
        XCTAssertTrue(hunt.stderr.contains("[3/3] trial "), hunt.stderr)
        XCTAssertFalse(hunt.stdout.contains("[1/3]"), hunt.stdout)

        // tabulate's layout: the column as wide as its header plus two or its widest value, 6 significant digits.
        let status = try sandbox.run(["status"])
        let minimum = String(format: "%g", value)
        let width = max("min o".count + 2, minimum.count)
        XCTAssertEqual(
            status.stdout,
            "golden-v1\n=========\n"
                + "status       quantity  \(String(repeating: " ", count: width - 5))min o\n"
                + "---------  ----------  \(String(repeating: "-", count: width))\n"
                + "completed           3  \(String(repeating: " ", count: width - minimum.count))\(minimum)\n\n\n"
        )

        let info = try sandbox.run(["info", "-n", "golden"])
        assertLines(
            info.stdout,
            """
            Identification
            ==============
            name: golden
            version: 1
            ~user: .*


            Commandline
            ===========
            \(script) -x~uniform(0, 1)


            Config
            ======
            max trials: 3
            max broken: 3
            working dir: 


            Algorithm
            =========
            random:
                seed: None


            Space
            =====
            /x: uniform(0, 1)


            Meta-data
            =========
            ~user: .*
            ~datetime: \(date)
            orion version: \(OrionVersion.current)
            VCS:



            Parent experiment
            =================
            root:
            parent:
            adapter:


            Stats
            =====
            completed: True
            trials completed: 3
            best trial:
              id: \(top.id)
              evaluation: \(PythonFloat.repr(value))
              params:
                /x: \(PythonFloat.repr(value))
            ~start time: \(date)
            ~finish time: \(date)
            ~elapsed_time: \\d+:\\d\\d:\\d\\d\\.\\d{6}



            """
        )
    }

    func testAHuntThatStopsBeforeTheEndShowsTheStatusHints() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let hunt = try sandbox.run([
            "hunt", "-n", "part", "--exp-max-trials", "5", "--worker-max-trials", "1", try Compat.script("noop.sh"),
            "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        // The limit is named by its key and flag: it may come from a file or the environment (it named the flag only).
        XCTAssertTrue(
            hunt.stderr.contains(
                "Stopped: this worker completed its max trials (worker.max_trials, --worker-max-trials)."
            ),
            hunt.stderr
        )
        XCTAssertTrue(hunt.stdout.hasPrefix("\nStats\n=====\ncompleted: False\ntrials completed: 1\n"), hunt.stdout)
        XCTAssertTrue(
            hunt.stdout.hasSuffix(
                """
                orion info --name part --version 1


                Status
                ------

                To get the status of the trials, run the command

                orion status --name part --version 1


                For a detailed view with status of each trial listed, use the argument `--all`

                orion status --name part --version 1 --all



                """
            ),
            hunt.stdout
        )
    }

    /// With `--storage`, the hints name it: without it they looked in the default database and found nothing.
    func testTheHintsNameTheStorageTheHuntWasGiven() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let storage = "sqlite://" + sandbox.directory + "/elsewhere.db"
        let hunt = try sandbox.run([
            "hunt", "-n", "away", "--storage", storage, "--exp-max-trials", "5", "--worker-max-trials", "1",
            try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        XCTAssertTrue(hunt.stdout.contains("orion info --name away --version 1 --storage \(storage)\n"), hunt.stdout)
        let hinted = "orion status --name away --version 1 --storage \(storage) --all\n"
        XCTAssertTrue(hunt.stdout.contains(hinted), hunt.stdout)
        // The default algorithm says what it picked, once, when the experiment is made.
        XCTAssertTrue(
            hunt.stderr.contains("note: the default algorithm (auto) runs gp for this space and budget"),
            hunt.stderr
        )
        let resumed = try sandbox.run([
            "hunt", "-n", "away", "--storage", storage, "--exp-max-trials", "5", "--worker-max-trials", "1",
            try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertFalse(resumed.stderr.contains("default algorithm"), resumed.stderr)
        let status = try sandbox.run(["status", "--name", "away", "--version", "1", "--storage", storage, "--all"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.hasPrefix("away-v1\n"), status.stdout)
    }

    func testNoCompletedTrialAndAnExhaustedSpace() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let failing = try sandbox.script("fail.sh", "#!/bin/sh\nexit 1\n")
        let broken = try sandbox.run([
            "hunt", "-n", "broken", "--exp-max-trials", "5", "--worker-max-broken", "1", failing, "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(
            broken.stdout.hasPrefix(
                "Worker has reached broken trials threshold\n\nStats\n=====\nNo trials executed...\n\n\nHints\n"
            ),
            broken.stdout
        )
        XCTAssertTrue(
            broken.stderr.contains("\nError: 1 trial of this worker broke (1 in the experiment): "),
            broken.stderr
        )
        // A second worker with the same limit counts its own broken trial, not the experiment's two.
        let again = try sandbox.run(["hunt", "-n", "broken", "--worker-max-broken", "1"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(
            again.stderr.contains("\nError: 1 trial of this worker broke (2 in the experiment): "),
            again.stderr
        )

        let grid = try sandbox.run([
            "hunt", "-n", "grid", "--exp-max-trials", "10", try Compat.script("noop.sh"), "-x~choices([1, 2])",
        ])
        XCTAssertEqual(grid.status, 0, grid.stderr)
        XCTAssertTrue(
            grid.stdout.hasPrefix(
                "Search finished successfully\n\nStats\n=====\ncompleted: True\ntrials completed: 2\n"
            ),
            grid.stdout
        )
        XCTAssertFalse(grid.stdout.contains("Status\n------"), "a done experiment has no status hint")
    }

    func testAnUnknownOptionBeforeTheNameIsReportedAsUnknown() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let hunt = try sandbox.run(["hunt", "--bogus", "-n", "x", try Compat.script("noop.sh"), "-x~uniform(0, 1)"])
        XCTAssertEqual(hunt.status, 2)
        XCTAssertTrue(hunt.stderr.hasPrefix("Error: unknown option '--bogus'"), hunt.stderr)
        let status = try sandbox.run(["status", "--collapse", "-v", "1"])
        XCTAssertEqual(status.status, 2)
    }

    /// Grid search fits its grid to `max_trials`; a later run with more trials builds it again for the new budget
    /// and skips the points already tried, so the whole grid asked for is covered.
    func testGridSearchIsPlannedAgainForANewMaxTrials() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let config = try sandbox.script("grid.yaml", "experiment:\n  algorithm:\n    gridsearch:\n      n_values: 10\n")
        let hunt = { (trials: Int) in
            try sandbox.run([
                "hunt", "-n", "grid", "--config", config, "--exp-max-trials", String(trials),
                try Compat.script("noop.sh"), "-x~uniform(0.001, 0.01)",
            ])
        }
        XCTAssertEqual(try hunt(5).status, 0)
        let second = try hunt(20)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(
            second.stderr.contains("max trials changed from 5 to 20; gridsearch plans its search again"),
            second.stderr
        )
        let status = try sandbox.run(["status", "--all", "-n", "grid"])
        let values = Set(
            status.stdout.split(separator: "\n").compactMap { line in
                line.split(separator: " ").last.flatMap { Double($0) }
            }
        )
        let grid = (0..<10).map { 0.001 + 0.001 * Double($0) }
        let first = [0.001, 0.00325, 0.0055, 0.00775, 0.01]
        XCTAssertEqual(values.count, 13, status.stdout)
        for value in grid + first {
            XCTAssertTrue(values.contains { abs($0 - value) < 1e-9 }, "\(value) in \(values.sorted())")
        }
    }

    /// A hunt on a terminal gives its scripts a terminal (a pseudo-terminal of its size), as Oríon's scripts inherit
    /// the terminal: tqdm, Keras and colour libraries see one. Off a terminal they see what `orion`'s output is. The
    /// trial's logs keep the script's own bytes (no `\r\n`).
    func testAScriptSeesATerminalWhenTheHuntHasOne() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("util-linux's script(1), which gives the hunt a terminal, is not installed")
        }
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let report = sandbox.directory + "/isatty.txt"
        let probe = try sandbox.script(
            "probe.sh",
            """
            #!/bin/sh
            if [ -t 1 ]; then out=yes; else out=no; fi
            if [ -t 2 ]; then err=yes; else err=no; fi
            echo "$out $err $(stty size <&2 2>/dev/null)" >> \(report)
            echo first line
            echo second line
            echo '[{"name": "o", "type": "objective", "value": 1}]' > "$ORION_RESULTS_PATH"

            """
        )
        let hunt = [
            sandbox.orion, "hunt", "-n", "tty", "--exp-max-trials", "1", "--working-dir", "wd", probe,
            "-x~uniform(0, 1)",
        ]
        let quoted = hunt.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let onTerminal = try ProcessRunner.run(
            ["/usr/bin/script", "-qec", "stty cols 97 rows 31; " + quoted, "/dev/null"],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(onTerminal.status, 0, onTerminal.stdout + onTerminal.stderr)
        XCTAssertTrue(onTerminal.stdout.contains("first line"), onTerminal.stdout)
        try sandbox.succeed([
            "hunt", "-n", "tty", "--exp-max-trials", "2", "--working-dir", "wd", probe, "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(try String(contentsOfFile: report, encoding: .utf8), "yes yes 31 97\nno no \n")

        let logs = try FileManager.default.subpathsOfDirectory(atPath: sandbox.directory + "/wd")
            .filter { $0.hasSuffix("orion.stdout.log") }
        XCTAssertEqual(logs.count, 2)
        for log in logs {
            XCTAssertEqual(
                try String(contentsOfFile: sandbox.directory + "/wd/" + log, encoding: .utf8),
                "first line\nsecond line\n"
            )
        }
    }

    /// On a terminal with stdout piped on (`orion hunt ... | tee log`), the scripts' lines reach the terminal out of
    /// the live line's sight and were glued to it (probe p44h): the hunt writes log lines instead, as off a terminal.
    func testAHuntPipedOnWritesLogLinesInsteadOfALiveLine() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("util-linux's script(1), which gives the hunt a terminal, is not installed")
        }
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let hunt = [
            sandbox.orion, "hunt", "-n", "piped", "--exp-max-trials", "2", try Compat.script("noop.sh"),
            "-x~uniform(0, 1)",
        ]
        let quoted = hunt.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        for (command, live) in [(quoted, true), (quoted + " | cat", false)] {
            try? FileManager.default.removeItem(atPath: sandbox.database)
            let run = try ProcessRunner.run(
                ["/usr/bin/script", "-qec", "stty cols 97 rows 31; " + command, "/dev/null"],
                environment: sandbox.environment,
                currentDirectory: sandbox.directory
            )
            XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
            XCTAssertEqual(run.stdout.contains("\u{1B}[K"), live, run.stdout)
            XCTAssertEqual(run.stdout.contains("[2/2] trial "), !live, run.stdout)
        }
    }

    /// On a terminal, a broken trial's reason is written above the live line, as off one (probe p44e: only the
    /// count showed, in the live line, which is erased at the end).
    func testABrokenTrialsReasonIsShownOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("util-linux's script(1), which gives the hunt a terminal, is not installed")
        }
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let failing = try sandbox.script("fail.sh", "#!/bin/sh\nexit 3\n")
        let hunt = [sandbox.orion, "hunt", "-n", "broken", "--exp-max-trials", "1", failing, "-x~uniform(0, 1)"]
        let quoted = hunt.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let run = try ProcessRunner.run(
            ["/usr/bin/script", "-qec", "stty cols 120 rows 31; " + quoted, "/dev/null"],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertTrue(run.stdout.contains("broken: the script exited with code 3"), run.stdout)
    }

    /// A window resized during a trial reaches the script: its pseudo-terminal takes the new size and its process
    /// group gets SIGWINCH (the pseudo-terminal is not its controlling terminal, so the kernel would not send it), as
    /// when the script runs on the terminal itself. Before, the script kept the size it started with.
    func testAResizedWindowReachesTheScript() throws {
        let python = try terminalPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let ready = sandbox.directory + "/ready"
        let report = sandbox.directory + "/sizes.json"
        let probe = try sandbox.script(
            "probe.py",
            """
            #!\(python)
            import json, os, signal, time
            sizes = []
            signal.signal(signal.SIGWINCH, lambda number, frame: sizes.append(list(os.get_terminal_size(1))))
            start = list(os.get_terminal_size(1))
            open("\(ready)", "w").close()
            deadline = time.time() + 20
            while not sizes and time.time() < deadline:
                time.sleep(0.05)
            json.dump({"start": start, "sizes": sizes}, open("\(report)", "w"))
            json.dump([{"name": "o", "type": "objective", "value": 1}], open(os.environ["ORION_RESULTS_PATH"], "w"))

            """
        )
        // The hunt on a new terminal of 100x30, which is resized to 132x40 once the script has started.
        let driver = try sandbox.script(
            "driver.py",
            """
            import fcntl, os, pty, select, struct, sys, termios, time
            pid, master = pty.fork()
            if pid == 0:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
                os.execv(sys.argv[1], sys.argv[1:])
            resized = False
            deadline = time.time() + 120
            while time.time() < deadline:
                if not resized and os.path.exists("\(ready)"):
                    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 132, 0, 0))
                    resized = True
                try:
                    if select.select([master], [], [], 0.05)[0] and not os.read(master, 65536):
                        break
                except OSError:
                    break
            _, status = os.waitpid(pid, 0)
            print(os.waitstatus_to_exitcode(status), resized)

            """
        )
        let run = try ProcessRunner.run(
            [
                python, driver, sandbox.orion, "hunt", "-n", "winch", "--exp-max-trials", "1", probe,
                "-x~uniform(0, 1)",
            ],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(run.stdout, "0 True\n", run.stderr)
        let sizes = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report)))
        XCTAssertEqual(sizes as? NSDictionary, ["start": [100, 30], "sizes": [[132, 40]]] as NSDictionary)
    }

    /// A script that reads the terminal (`input()`, `breakpoint()`, a login prompt) gets it, as under Oríon, where
    /// scripts share orion's terminal: in its own process group it was stopped by SIGTTIN and the hunt waited for
    /// ever, silently. A Ctrl-C typed at its prompt reaches the script, and is the user's interrupt of the hunt: exit
    /// 130, the trial interrupted.
    func testAScriptReadsTheTerminalAndCtrlCAtItsPromptInterruptsTheHunt() async throws {
        let python = try terminalPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let ask = try promptingScript(in: sandbox, python: python)
        // Runs the command on a new terminal, types the reply once the prompt shows, and prints the exit code
        // (-9: the command had to be killed after 60 s).
        let driver = try sandbox.script(
            "driver.py",
            """
            import os, pty, select, signal, sys, time
            pid, master = pty.fork()
            if pid == 0:
                os.execv(sys.argv[2], sys.argv[2:])
            reply = sys.argv[1].encode().decode("unicode_escape").encode()
            output, sent, deadline = b"", False, time.time() + 60
            while time.time() < deadline:
                if not sent and b"value? " in output:
                    time.sleep(0.3)
                    os.write(master, reply)
                    sent = True
                try:
                    if select.select([master], [], [], 0.05)[0]:
                        chunk = os.read(master, 65536)
                        if not chunk:
                            break
                        output += chunk
                except OSError:
                    break
            else:
                os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            print(os.waitstatus_to_exitcode(status), sent)

            """
        )
        func hunt(_ name: String, typing reply: String) throws -> String {
            try ProcessRunner.run(
                [
                    python, driver, reply, sandbox.orion, "hunt", "-n", name, "--exp-max-trials", "1", ask,
                    "-x~uniform(0, 1)",
                ],
                environment: sandbox.environment,
                currentDirectory: sandbox.directory,
                timeout: 120
            ).stdout
        }
        XCTAssertEqual(try hunt("answered", typing: "0.25\\n"), "0 True\n")
        let answered = try await sandbox.trials(of: "answered")
        XCTAssertEqual(answered.map(\.status), [.completed])
        XCTAssertEqual(answered.first?.objective, 0.25)
        XCTAssertEqual(try hunt("stopped", typing: "\\x03"), "130 True\n")
        let stopped = try await sandbox.trials(of: "stopped")
        XCTAssertEqual(stopped.map(\.status), [.interrupted])
    }

    /// Ctrl-Z at a script's prompt stops the hunt as a shell's job (the shell sees orion stopped), and `fg` gives the
    /// terminal back to the script, which reads the answer and completes (the hunt could hang there: the script was
    /// lent the terminal once more just before orion stopped, then taken for still holding it).
    func testCtrlZAtAScriptsPromptThenFgCompletesTheTrial() async throws {
        let python = try terminalPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let ask = try promptingScript(in: sandbox, python: python)
        // A new terminal whose session leader acts as a job-control shell: it runs the command as a foreground job,
        // takes the terminal back when the job stops (saying STOPPED), and on a line `fg` gives it back with SIGCONT.
        // The driver types Ctrl-Z at the prompt, then `fg`, then the answer, and prints the job's exit code (-9: it
        // had to be killed after 60 s).
        let driver = try sandbox.script(
            "jobs.py",
            """
            import os, pty, select, signal, sys, time
            pid, master = pty.fork()
            if pid == 0:
                for number in (signal.SIGTTOU, signal.SIGTTIN, signal.SIGTSTP, signal.SIGINT):
                    signal.signal(number, signal.SIG_IGN)
                shell = os.getpgrp()
                job = os.fork()
                if job == 0:
                    os.setpgid(0, 0)
                    os.tcsetpgrp(0, os.getpid())
                    for number in (signal.SIGTTOU, signal.SIGTTIN, signal.SIGTSTP, signal.SIGINT):
                        signal.signal(number, signal.SIG_DFL)
                    os.execv(sys.argv[1], sys.argv[1:])
                try:
                    os.setpgid(job, job)
                    os.tcsetpgrp(0, job)
                except OSError:
                    pass
                while True:
                    _, status = os.waitpid(job, os.WUNTRACED)
                    os.tcsetpgrp(0, shell)
                    if not os.WIFSTOPPED(status):
                        os.write(1, b"\\r\\nEXIT %d\\r\\n" % os.waitstatus_to_exitcode(status))
                        os._exit(0)
                    os.write(1, b"\\r\\nSTOPPED\\r\\n")
                    line = b""
                    while not line.endswith(b"\\n"):
                        line += os.read(0, 1)
                    os.tcsetpgrp(0, job)
                    os.killpg(job, signal.SIGCONT)
            output, step, deadline = b"", 0, time.time() + 60
            while time.time() < deadline and b"EXIT" not in output:
                if step == 0 and b"value? " in output:
                    time.sleep(0.3)
                    os.write(master, b"\\x1a")
                    step = 1
                elif step == 1 and b"STOPPED" in output:
                    os.write(master, b"fg\\n")
                    time.sleep(1)
                    os.write(master, b"0.5\\n")
                    step = 2
                try:
                    if select.select([master], [], [], 0.05)[0]:
                        output += os.read(master, 65536)
                except OSError:
                    break
            if b"EXIT" not in output:
                os.kill(pid, signal.SIGKILL)
            print(step, output.split(b"EXIT")[-1].split()[0].decode() if b"EXIT" in output else "-9")

            """
        )
        let run = try ProcessRunner.run(
            [python, driver, sandbox.orion, "hunt", "-n", "jobs", "--exp-max-trials", "1", ask, "-x~uniform(0, 1)"],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory,
            timeout: 120
        )
        XCTAssertEqual(run.stdout, "2 0\n", run.stderr)
        let trials = try await sandbox.trials(of: "jobs")
        XCTAssertEqual(trials.map(\.status), [.completed])
        XCTAssertEqual(trials.first?.objective, 0.5)
    }

    /// The Python that drives `orion` on a pseudo-terminal in these tests; the test is skipped without it.
    private func terminalPython() throws -> String {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("\(python), which gives the hunt a terminal here, is not installed")
        }
        return python
    }

    /// A script that asks `value? ` on the terminal and reports the number typed as its objective.
    private func promptingScript(in sandbox: Sandbox, python: String) throws -> String {
        try sandbox.script(
            "ask.py",
            """
            #!\(python)
            import json, os
            answer = input("value? ")
            results = [{"name": "o", "type": "objective", "value": float(answer)}]
            json.dump(results, open(os.environ["ORION_RESULTS_PATH"], "w"))

            """
        )
    }
}
