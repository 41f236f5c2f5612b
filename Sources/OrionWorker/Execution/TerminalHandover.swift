import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lends the terminal to a script that reads it.
///
/// A script runs in a process group of its own (so that orion signals it deliberately), which is in the terminal's
/// background: when it reads the terminal (`input()`, `breakpoint()`, `getpass`, a login prompt), the kernel stops
/// it with SIGTTIN, and it would wait for ever, silently. ``ChildProcess`` sees the stop and asks for the terminal
/// here: when orion is in the terminal's foreground and no other script holds it, the script's group becomes the
/// foreground group and goes on, as if it ran on the terminal itself (under Oríon it shares orion's group). The
/// terminal comes back to orion when the script ends. While a script holds it, the terminal's Ctrl-C reaches the
/// script, not orion: ``ChildProcess`` takes a script ended by it for the user's interrupt of the hunt, and a
/// script stopped by Ctrl-Z for a stop of the hunt (a script that catches SIGINT keeps the hunt from being
/// interrupted from the keyboard until it ends).
///
/// Process-wide state, against the rule of no global mutable state: a process has one controlling terminal, and
/// the scripts of all its workers share it.
enum TerminalHandover {
    /// The controlling terminal (opened once; -1 without one) and the group it is lent to, if any.
    private static let state = Mutex<(terminal: Int32?, holder: pid_t?)>((nil, nil))

    /// What ``lend(to:)`` could do.
    enum Lending: Equatable {
        /// The group holds the terminal.
        case lent
        /// Another script holds it.
        case busy
        /// orion is not in the terminal's foreground (run with `&`, or stopped and sent to the background).
        case background
        /// orion has no controlling terminal, or it cannot be given.
        case unavailable
    }

    /// Lends the terminal to `group` when orion is in its foreground and no other script holds it.
    static func lend(to group: pid_t) -> Lending {
        state.withLock { state in
            if state.terminal == nil {
                state.terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
                // Taking the terminal back from the background must not stop orion.
                if state.terminal ?? -1 >= 0 { signal(SIGTTOU, SIG_IGN) }
            }
            guard let terminal = state.terminal, terminal >= 0 else { return .unavailable }
            let foreground = tcgetpgrp(terminal)
            if state.holder == group, foreground == group { return .lent }
            // A holder that lost the terminal meanwhile (the shell took it back for a stop, then gave it to orion
            // with `fg`) gets it again like a new one.
            guard state.holder == nil || state.holder == group else { return .busy }
            guard foreground == getpgrp() else { return .background }
            guard tcsetpgrp(terminal, group) == 0 else { return .unavailable }
            state.holder = group
            return .lent
        }
    }

    /// Takes the terminal back from `group` when it holds it.
    ///
    /// - Returns: whether it held it.
    @discardableResult
    static func takeBack(from group: pid_t) -> Bool {
        state.withLock { state in
            guard state.holder == group, let terminal = state.terminal else { return false }
            state.holder = nil
            // orion's group was the foreground one when the terminal was lent: it gets it back unless the shell has
            // given it to another job meanwhile.
            if tcgetpgrp(terminal) == group { _ = tcsetpgrp(terminal, getpgrp()) }
            return true
        }
    }
}
