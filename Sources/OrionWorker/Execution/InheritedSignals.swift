import COrionSpawn

/// The signals a worker was started with ignored, which it leaves ignored: `nohup orion hunt` runs on after a hangup,
/// as Oríon does, and a background job of a non-interactive shell (SIGINT ignored) is not interrupted by Ctrl-C.
///
/// Its scripts keep them ignored too, except SIGINT and SIGTERM, by which the worker stops its scripts, and SIGPIPE and
/// SIGXFSZ, which Python's subprocess resets (COrionSpawn's `orion_signals_record_inherited`).
public enum InheritedSignals {
    /// Records the dispositions this process started with: call it first, before anything changes them.
    public static func record() {
        orion_signals_record_inherited()
    }

    /// Whether `signal` was ignored when this process started (`false` before ``record()``).
    public static func wereIgnored(_ signal: Int32) -> Bool {
        orion_signal_inherited_ignored(signal) != 0
    }
}
