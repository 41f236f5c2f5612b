import COrionSpawn
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ends the process groups of this process's scripts when this process dies, by any means (`kill -9` included).
///
/// The guardian is one small process per executor (COrionSpawn's `orion_guardian_start`), started with the first
/// script: a fork that runs only async-signal-safe C, in a process group of its own, holding nothing of this
/// process but its end of a socket. Each script's group is added to its list by the script's own process before it
/// runs the script (COrionSpawn's `orion_spawn`), and removed before the script is reaped (two short messages per
/// trial). When the socket closes, because this process died or released the guardian, it sends every listed group
/// SIGTERM and, `grace` later, SIGKILL to what is left.
/// A guardian that is gone (killed by someone) is replaced at the next script. Linux only.
final class GroupGuardian: Sendable {
    private struct State {
        var pid: pid_t = 0
        var channel: Int32 = -1
    }

    private let grace: Duration
    private let state = Mutex(State())

    /// Creates a guardian, started with the first script (``spawn(_:)``).
    ///
    /// - Parameter grace: how long the groups have between SIGTERM and SIGKILL once this process is gone.
    init(grace: Duration) {
        self.grace = grace
    }

    deinit {
        state.withLock { Self.release(&$0) }
    }

    /// Starts a script with `spawn`, given the channel on which the script's group goes on the guardian's list before
    /// the script runs (`-1` when no guardian can be started), and returns `spawn`'s status and pid.
    ///
    /// `spawn` runs with the guardian locked, so that its channel is not replaced meanwhile. A guardian found dead
    /// before is replaced first; when the script's message found it gone all the same (it died in between), another
    /// is started and lists the group from here, the script already running.
    func spawn(_ spawn: (_ channel: Int32) -> (status: Int32, pid: pid_t, watchError: Int32)) -> (
        status: Int32, pid: pid_t
    ) {
        state.withLock { state in
            // A guardian killed since the last script (it is this process's child: a dead one is found without
            // waiting) is replaced first, so that the script lists itself with the new one.
            if state.channel >= 0, Self.hasExited(state.pid) {
                close(state.channel)
                state = State()
            }
            let running = startIfNeeded(&state)
            let result = spawn(running ? state.channel : -1)
            guard result.status == 0, running, Self.isGone(result.watchError) else {
                return (result.status, result.pid)
            }
            Self.release(&state)
            if startIfNeeded(&state) { _ = orion_guardian_send(state.channel, result.pid, 1) }
            return (result.status, result.pid)
        }
    }

    /// Whether the guardian `pid` has exited (it is reaped then).
    private static func hasExited(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return true }
            if result == 0 { return false }
            if errno != EINTR { return errno == ECHILD }
        }
    }

    /// Starts the guardian when there is none; `false` when it cannot be started.
    private func startIfNeeded(_ state: inout State) -> Bool {
        guard state.channel < 0 else { return true }
        var pid: pid_t = 0
        var channel: Int32 = -1
        guard orion_guardian_start(Self.milliseconds(grace), &pid, &channel) == 0 else { return false }
        state = State(pid: pid, channel: channel)
        return true
    }

    /// Takes the process group `group` off the list: call it before reaping the group's leader.
    func forget(_ group: pid_t) {
        state.withLock { state in
            guard state.channel >= 0 else { return }
            if Self.isGone(orion_guardian_send(state.channel, group, 0)) { Self.release(&state) }
        }
    }

    /// Whether a send's error says that the guardian is gone.
    ///
    /// Only then is the channel closed: closing it while the guardian lives would end the groups it lists.
    private static func isGone(_ error: Int32) -> Bool {
        error == EPIPE || error == ECONNRESET
    }

    /// Closes the channel (the guardian then ends the groups still listed, none when every script was forgotten,
    /// and exits) and reaps the guardian.
    private static func release(_ state: inout State) {
        guard state.channel >= 0 else { return }
        close(state.channel)
        var ignored: Int32 = 0
        while waitpid(state.pid, &ignored, 0) < 0 && errno == EINTR {}
        state = State()
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}
