import Foundation
import OrionCore
import Yams

extension ConfigTemplate {
    /// A digest of the file's values other than its priors: what experiment version control compares to detect a
    /// change of the script's configuration (Oríon's `ScriptConfigConflict`).
    ///
    /// The document is read back with its priors replaced, so that comments, layout, key order and the priors'
    /// expressions (compared with the space) do not count; any other value does. A key whose value is a prior is left
    /// out, as Oríon leaves out the keys whose value starts with `orion~`, so that a prior added to the file or taken
    /// from it is a change of the space only (a new or a missing dimension), not of the file's values. A text file
    /// (no structure) counts as its text with the priors replaced.
    ///
    /// - Returns: `2:` and an MD5 digest in hexadecimal; ``legacySignature()`` gives the digest of versions before
    ///   the prefix, which counted the keys of the priors.
    /// - Throws: ``CommandError`` `.configFile` when the file with its priors replaced cannot be read back.
    public func signature() throws(CommandError) -> String {
        try signatures().current
    }

    /// The digest that versions before ``signature()``'s `2:` prefix stored.
    ///
    /// The priors are replaced by their names and their keys kept. It is compared with a parent version that
    /// stored one.
    ///
    /// - Returns: an MD5 digest in hexadecimal.
    /// - Throws: ``CommandError`` `.configFile` when the file with its priors replaced cannot be read back.
    public func legacySignature() throws(CommandError) -> String {
        try signatures().legacy
    }

    /// ``signature()`` and ``legacySignature()``, from one reading of the file.
    ///
    /// - Throws: ``CommandError`` `.configFile` when the file with its priors replaced cannot be read back.
    public func signatures() throws(CommandError) -> (current: String, legacy: String) {
        let placeholders = Parameters(
            priors.keys.map { Trial.Param(name: $0, type: .categorical, value: .string(Self.placeholder($0))) }
        )
        let text = try render(values: placeholders)
        // A text file has no structure to compare: its text, priors replaced, is what counts.
        if format == .text { return ("2:" + MD5.hex(text), MD5.hex(text)) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw CommandError(.configFile, "configuration file '\(path)' cannot be read back: \(error)")
        }
        let priorValues = Set(priors.keys.map(Self.placeholder))
        return (
            "2:" + MD5.hex(root.map { Self.canonical($0, omitting: priorValues) } ?? ""),
            MD5.hex(root.map { Self.canonical($0, omitting: []) } ?? "")
        )
    }

    /// What a prior is replaced by to read the document back.
    private static func placeholder(_ dimension: String) -> String { "orion~" + dimension }

    /// A node as text with mapping keys sorted, without the entries whose value is one of `omitted`: equal
    /// documents give equal texts.
    private static func canonical(_ node: Node, omitting omitted: Set<String>) -> String {
        switch node {
        case .scalar(let scalar):
            return "\""
                + scalar.string.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .mapping(let mapping):
            let kept = mapping.filter { entry in entry.value.scalar.map { !omitted.contains($0.string) } ?? true }
            let entries = kept.map {
                canonical($0.key, omitting: omitted) + ":" + canonical($0.value, omitting: omitted)
            }.sorted()
            return "{" + entries.joined(separator: ",") + "}"
        case .sequence(let sequence):
            return "[" + sequence.map { canonical($0, omitting: omitted) }.joined(separator: ",") + "]"
        case .alias:
            return "*"
        }
    }
}
