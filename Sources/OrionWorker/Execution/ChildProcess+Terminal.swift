import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The terminal for a script that reads it (``TerminalHandover``): following its stops, lending it the terminal,
/// giving it back. Linux only (`waitid` with `WSTOPPED`); elsewhere a script that reads the terminal stays stopped.
extension ChildProcess {
    /// Whether the child wants the terminal (stopped reading it) and whether it holds it.
    struct TerminalUse {
        var wanted = false
        var held = false
        /// Whether the user was told that the script waits for orion to come to the foreground.
        var waitSaid = false
        /// The stop that made the child want the terminal (SIGTTIN or SIGTTOU).
        var wantedBy: Int32 = 0
        /// When the child was seen stopped by another signal (SIGSTOP, SIGTSTP without the terminal), and by which;
        /// `nil` once the stop was looked at again (and said, when it lasted).
        var stopped: (at: ContinuousClock.Instant, signal: Int32)?
    }

    /// How long a script stays stopped by a signal before the note says so: the guardian continues the scripts
    /// within 100 ms of orion going on after a stop of its own (Ctrl-Z), which is no news.
    static let stoppedNoteDelay: Duration = .seconds(2)

    /// Follows the child's stops: one for reading or writing the terminal from the background (SIGTTIN, SIGTTOU)
    /// gets it the terminal when it can have it (``TerminalHandover``), then SIGCONT; a Ctrl-Z (SIGTSTP) while it
    /// holds the terminal gives the terminal back and stops orion, as the shell expects of its job (the guardian
    /// continues the script when orion goes on, and it asks for the terminal again).
    ///
    /// While orion is in the background (`orion hunt ... &`, or Ctrl-Z then `bg`) the script cannot have the
    /// terminal: `echo` says once that it waits for `fg`. While the script holds the terminal, orion is in the
    /// background and gets no SIGWINCH: the script's output pseudo-terminals follow the window's size here.
    ///
    /// - Parameters:
    ///   - terminal: what the child wants and holds.
    ///   - echo: where the script's output goes, for the note.
    func followStops(_ terminal: inout TerminalUse, echo: OutputEcho?) {
        #if os(Linux)
            var info = siginfo_t()
            if waitid(P_PID, id_t(pid), &info, WSTOPPED | WNOHANG) == 0, info._sifields._sigchld.si_pid == pid,
                info.si_code == CLD_STOPPED
            {
                switch info._sifields._sigchld.si_status {
                case SIGTTIN, SIGTTOU:
                    terminal.wanted = true
                    terminal.wantedBy = info._sifields._sigchld.si_status
                case SIGTSTP where terminal.held:
                    TerminalHandover.takeBack(from: pid)
                    terminal.held = false
                    terminal.wanted = true
                    _ = kill(getpid(), SIGTSTP)
                    // Not lent again in this pass: orion may not have stopped yet, and the terminal would go back to
                    // the script just before the shell takes it.
                    return
                case let signal:
                    // Stopped by a signal of its own or someone's (SIGSTOP, SIGTSTP without the terminal): nothing
                    // continues it, and the hunt waited in silence (as Oríon's does; hBE's probe). Said below once
                    // it has lasted.
                    terminal.stopped = (.now, signal)
                }
            }
            // Looked at once: a stop that lasted is said; another stop is a new event.
            if let stopped = terminal.stopped, ContinuousClock.now - stopped.at >= Self.stoppedNoteDelay {
                terminal.stopped = nil
                if ProcessTable.statFields(of: pid)?.first == "T" {
                    let signal = stopped.signal
                    let names = [SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP", SIGTTIN: "SIGTTIN", SIGTTOU: "SIGTTOU"]
                    let name = names[signal] ?? "signal \(signal)"
                    let note = Array(
                        ("\nnote: a script (pid \(pid)) is stopped (\(name)) and waits: `kill -CONT \(pid)` continues"
                            + " it\n").utf8
                    )
                    note.withUnsafeBytes { _ = echo?.write(2, $0) ?? OutputEcho.writeAll(2, $0) }
                }
            }
            if terminal.wanted {
                switch TerminalHandover.lend(to: pid) {
                case .lent:
                    terminal.wanted = false
                    terminal.held = true
                    terminal.waitSaid = false
                    _ = kill(-pid, SIGCONT)
                case .unavailable:
                    // No terminal to give (orion's output goes to a pipe, a file, a batch job): someone's SIGTTIN or
                    // SIGTTOU stopped it, and nothing continues it; said as any other stop (hBK's probe).
                    terminal.wanted = false
                    if terminal.stopped == nil { terminal.stopped = (.now, terminal.wantedBy) }
                case .background where !terminal.waitSaid:
                    terminal.waitSaid = true
                    let note = Array(
                        "\nnote: a script reads the terminal and waits for it: bring orion to the foreground (fg)\n"
                            .utf8
                    )
                    note.withUnsafeBytes { _ = echo?.write(2, $0) ?? OutputEcho.writeAll(2, $0) }
                default:
                    break
                }
            }
            if terminal.held { TerminalResizer.shared.follow(group: pid) }
        #endif
    }

    /// The wait status of the main process, which has exited, without reaping it; `nil` when it cannot be read.
    private func peekStatus() -> Int32? {
        #if os(Linux)
            var info = siginfo_t()
            guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0,
                info._sifields._sigchld.si_pid == pid
            else { return nil }
            let value = info._sifields._sigchld.si_status
            return info.si_code == CLD_EXITED ? (value & 0xff) << 8 : value & 0x7f
        #else
            return nil
        #endif
    }

    /// Takes the terminal back from the child, which has exited.
    ///
    /// When the terminal's Ctrl-C ended it (it reached the script alone), that is the user's interrupt of the hunt,
    /// as when orion holds the terminal: the trial is interrupted, to run again, and orion gets the SIGINT it
    /// missed. Not when the hunt had asked the script to stop already (that SIGINT was orion's own; a second would
    /// force every other script). A script that exits with the interrupt code instead is handled as any such exit.
    ///
    /// - Parameter status: the wait status when it is known already (not on Linux, where it is read here).
    func giveTerminalBack(status: Int32?) {
        TerminalHandover.takeBack(from: pid)
        guard let raw = status ?? peekStatus(), raw & 0x7f == SIGINT else { return }
        let byTheUser = stopState.withLock { state -> Bool in
            guard state.requestedAt == nil else { return false }
            state.requestedAt = .now
            return true
        }
        if byTheUser { _ = kill(getpid(), SIGINT) }
    }
}
