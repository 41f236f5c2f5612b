import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Follows this process's terminal size into the scripts' pseudo-terminals.
///
/// A script whose output reaches the terminal through a pseudo-terminal (``ChildProcess``) gets that terminal's size
/// when it starts. When the window is resized, this process gets SIGWINCH; then each open pseudo-terminal is given
/// the new size of the descriptor it was sized from, and its script's process group gets SIGWINCH, which the kernel
/// does not send itself (the pseudo-terminal is not the script's controlling terminal). A progress bar that
/// redraws to the width of the window (tqdm, rich) thus follows it, as when the script runs without `orion`.
///
/// One per process, against the rule of no global mutable state: SIGWINCH is one signal for the whole process.
final class TerminalResizer: Sendable {
    /// The one resizer of this process: SIGWINCH is one signal.
    static let shared = TerminalResizer()

    private struct Entry {
        /// The descriptor of this process the pseudo-terminal takes its size from (1 or 2).
        var sizedAs: Int32
        /// The script's process group.
        var group: pid_t
    }

    /// The open pseudo-terminals, by master descriptor; the source handling SIGWINCH, once one was registered.
    private let state = Mutex<(entries: [Int32: Entry], source: (any DispatchSourceSignal)?)>(([:], nil))

    private init() {}

    /// Follows `master`, the master side of a script's pseudo-terminal, until ``forget(_:)``.
    ///
    /// - Parameters:
    ///   - master: the master descriptor.
    ///   - sizedAs: this process's descriptor whose size it takes.
    ///   - group: the script's process group, which gets SIGWINCH.
    func follow(_ master: Int32, sizedAs: Int32, group: pid_t) {
        state.withLock { state in
            state.entries[master] = Entry(sizedAs: sizedAs, group: group)
            guard state.source == nil else { return }
            signal(SIGWINCH, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global())
            source.setEventHandler { [weak self] in self?.resize() }
            source.resume()
            state.source = source
        }
    }

    /// Stops following `master`; call it before closing the descriptor (whose number may then be reused).
    func forget(_ master: Int32) {
        _ = state.withLock { $0.entries.removeValue(forKey: master) }
    }

    /// Gives the pseudo-terminals of `group`, which holds the terminal (orion, in the background, gets no SIGWINCH
    /// then), the terminal's size when it changed, and the group one SIGWINCH (the kernel sent it one before its
    /// pseudo-terminals had the new size).
    func follow(group: pid_t) {
        state.withLock { state in
            var resized = false
            for (master, entry) in state.entries where entry.group == group {
                var size = winsize()
                var current = winsize()
                guard ioctl(entry.sizedAs, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0,
                    ioctl(master, UInt(TIOCGWINSZ), &current) == 0,
                    size.ws_col != current.ws_col || size.ws_row != current.ws_row,
                    ioctl(master, UInt(TIOCSWINSZ), &size) == 0
                else { continue }
                resized = true
            }
            if resized { _ = kill(-group, SIGWINCH) }
        }
    }

    /// Gives every followed pseudo-terminal its terminal's size, and each script's group one SIGWINCH (a script
    /// whose stdout and stderr are both pseudo-terminals has two).
    private func resize() {
        state.withLock { state in
            var resized: Set<pid_t> = []
            for (master, entry) in state.entries {
                var size = winsize()
                guard ioctl(entry.sizedAs, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { continue }
                guard ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else { continue }
                resized.insert(entry.group)
            }
            for group in resized { _ = kill(-group, SIGWINCH) }
        }
    }
}
