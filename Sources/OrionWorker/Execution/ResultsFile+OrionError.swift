import OrionCore

// The conformance lives apart from `ResultsFile.swift` so that the parser can change without touching it.
extension ResultsFile.Problem: OrionError {
    /// Always ``ErrorKind/failure``: the script wrote a bad file, so its trial is broken (exit code 1).
    public var kind: ErrorKind { .failure }
}
