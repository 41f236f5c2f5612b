import Foundation
import OrionCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// swift-orion's light `orion.client`: Oríon's results-file helpers in pure Python, carried by the binary.
///
/// A script written for Oríon that does `from orion.client import report_objective` (or `report_results`,
/// `report_bad_trial`, `interrupt_trial`) needs Oríon installed, and importing Oríon's client costs about 2 s per
/// trial. ``install(under:)`` writes this package (standard library only) to a directory that `orion hunt` appends to
/// the trial's `PYTHONPATH`, so such scripts run without Oríon, in milliseconds. It writes the results file as Oríon's
/// helpers do (docs/script-protocol.md); `orion hunt --no-python-client` leaves `PYTHONPATH` alone, for a script
/// that needs Oríon's own package (the experiment API).
public enum PythonClient {
    /// One file of the package: its path relative to the directory put on `PYTHONPATH`, and its text.
    public struct File: Sendable {
        /// `orion/client/cli.py`.
        public var path: String
        /// The Python source.
        public var text: String
    }

    /// The package's files.
    public static let files: [File] = [
        File(
            path: "orion/__init__.py",
            text: #"""
                """swift-orion's light stand-in for the `orion` package: only `orion.client`'s results-file helpers."""
                import os as _os
                import sys as _sys

                # A real Oríon on the path comes first. Its `orion` is a namespace package (no __init__.py), which a
                # regular package like this one hides wherever it is on sys.path: a checkout on PYTHONPATH or an
                # editable install found nothing but this light client. Its directories go before this one in
                # __path__, so `orion.client` and `orion.core` are Oríon's own.
                _here = _os.path.dirname(_os.path.abspath(__file__))
                __path__ = [
                    _candidate
                    for _candidate in (_os.path.join(_entry or _os.getcwd(), "orion") for _entry in _sys.path)
                    if _os.path.abspath(_candidate) != _here
                    and _os.path.isfile(_os.path.join(_candidate, "core", "__init__.py"))
                ] + [_here]
                """#
        ),
        File(
            path: "orion/client/__init__.py",
            text: #"""
                """swift-orion's light `orion.client`: the results-file helpers of Oríon 0.2.7, without Oríon.

                Only `report_objective`, `report_results`, `report_bad_trial` and `interrupt_trial` exist here. The experiment API
                (`build_experiment`, `get_experiment`, `workon`, ...) needs Oríon itself, installed in the script's Python: its
                own package is then used instead of this one.
                """
                from orion.client.cli import interrupt_trial, report_bad_trial, report_objective, report_results

                __all__ = ["report_objective", "report_results", "report_bad_trial", "interrupt_trial"]


                _said = set()


                def __getattr__(name):
                    # An AttributeError, so that hasattr() and getattr(..., default) answer as for any module; `from
                    # orion.client import build_experiment` turns it into Python's ImportError, so the reason is also
                    # written to stderr (the trial's orion.stderr.log), once per name (Python asks twice on an import,
                    # and a script probing with hasattr() asks as often as it likes).
                    if name.startswith("__"):
                        raise AttributeError(name)
                    message = (
                        "orion.client.%s is not in swift-orion's light client (it has only %s): it needs Oríon, "
                        "installed in the script's Python (its own package is then used instead of this one, and its "
                        "experiments live in Oríon's database)" % (name, ", ".join(__all__))
                    )
                    if name not in _said:
                        _said.add(name)
                        import sys

                        sys.stderr.write(message + "\n")
                    raise AttributeError(message)
                """#
        ),
        File(
            path: "orion/client/cli.py",
            text: #"""
                """Oríon's results-file helpers, for scripts run by swift-orion's `orion hunt`.

                A stand-in for `orion.client.cli` of Oríon 0.2.7 that imports nothing but the standard library, so that a script
                doing `from orion.client import report_objective` starts in milliseconds and needs no Oríon installed. Written out
                by `orion hunt` and put on the trial's PYTHONPATH (after the user's own entries); `--no-python-client` turns it off.
                """
                import json
                import os
                import sys

                __all__ = ["report_objective", "report_results", "report_bad_trial", "interrupt_trial"]

                IS_ORION_ON = False
                _HAS_REPORTED_RESULTS = False
                RESULTS_FILENAME = os.getenv("ORION_RESULTS_PATH", None)
                if RESULTS_FILENAME and os.path.isfile(RESULTS_FILENAME):
                    IS_ORION_ON = True

                if RESULTS_FILENAME and not IS_ORION_ON:
                    raise RuntimeWarning(
                        "Results file path (%s) provided in environmental variable "
                        "does not correspond to an existing file. " % RESULTS_FILENAME
                    )


                def _plain(value):
                    """A value json can write: numpy and torch scalars (anything with .item() or .tolist()) become numbers."""
                    for method in ("tolist", "item"):
                        if hasattr(value, method):
                            return getattr(value, method)()
                    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


                def interrupt_trial():
                    """Ends the script with the interrupt code: the trial is stored `interrupted` and runs again later."""
                    sys.exit(int(os.getenv("ORION_INTERRUPT_CODE", "130")))


                def report_objective(objective, name="objective"):
                    """Reports the trial's objective (the value minimized)."""
                    report_results([dict(name=name, type="objective", value=objective)])


                def report_bad_trial(objective=1e10, name="objective", data=None):
                    """Reports a very bad objective (1e10 by default) with optional extra results, for a trial that failed."""
                    report_results([dict(name=name, type="objective", value=objective)] + list(data or []))


                def report_results(data):
                    """Writes the trial's results, a list of {"name", "type", "value"} dicts, to $ORION_RESULTS_PATH (once)."""
                    global _HAS_REPORTED_RESULTS
                    if _HAS_REPORTED_RESULTS:
                        raise RuntimeWarning("Has already reported evaluation results once.")
                    if IS_ORION_ON:
                        with open(RESULTS_FILENAME, "w", encoding="utf8") as results_file:
                            json.dump(data, results_file, default=_plain)
                    else:
                        print(data)
                    _HAS_REPORTED_RESULTS = True
                """#
        ),
    ]

    /// A short hash of the package's content, part of its directory's name, so that two versions of `orion`
    /// never share a directory.
    public static var contentHash: String {
        String(MD5.hex(files.map { $0.path + "\n" + $0.text }.joined(separator: "\n")).prefix(12))
    }

    /// Writes the package under `root` unless it is already there, and returns the directory to put on
    /// `PYTHONPATH` (`<root>/python-client-<hash>`).
    ///
    /// The files are written to a temporary sibling directory that is then renamed, so concurrent hunts never see
    /// half a package.
    ///
    /// - Parameter root: the parent directory (created if missing), e.g. `$TMPDIR/orion-$USER`.
    /// - Returns: the directory holding the `orion` package.
    /// - Throws: the file system's error when the directory cannot be written.
    public static func install(under root: String) throws -> String {
        let directory = root + "/python-client-" + contentHash
        let manager = FileManager.default
        if isInstalled(at: directory) { return directory }
        try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
        let staging = directory + ".tmp-\(getpid())-\(UUID().uuidString)"
        defer { try? manager.removeItem(atPath: staging) }
        for file in files {
            let path = staging + "/" + file.path
            try manager.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try Data(file.text.utf8).write(to: URL(fileURLWithPath: path))
        }
        // Another hunt may install the same package at the same time: a complete copy that is already there wins;
        // an altered copy is moved aside atomically (never deleted in place, where another hunt may be using it).
        for _ in 0..<8 {
            if rename(staging, directory) == 0 || isInstalled(at: directory) { return directory }
            let aside = directory + ".old-\(getpid())-\(UUID().uuidString)"
            if rename(directory, aside) == 0 { try? manager.removeItem(atPath: aside) }
        }
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory])
    }

    /// Whether `directory` holds every file of the package with the expected text.
    private static func isInstalled(at directory: String) -> Bool {
        files.allSatisfy { (try? String(contentsOfFile: directory + "/" + $0.path, encoding: .utf8)) == $0.text }
    }

    /// `environment` with `directory` appended to its `PYTHONPATH` (after the user's own entries, which win).
    ///
    /// - Parameters:
    ///   - environment: the trials' environment.
    ///   - directory: the directory from ``install(under:)``.
    /// - Returns: the environment to give the trials.
    public static func environment(_ environment: [String: String], adding directory: String) -> [String: String] {
        var environment = environment
        if let existing = environment["PYTHONPATH"], !existing.isEmpty {
            environment["PYTHONPATH"] = existing + ":" + directory
        } else {
            environment["PYTHONPATH"] = directory
        }
        return environment
    }
}
