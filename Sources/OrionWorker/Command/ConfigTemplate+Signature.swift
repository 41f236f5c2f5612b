import Foundation
import OrionCore
import Yams

extension ConfigTemplate {
    /// A digest of the file's values other than its priors: what experiment version control compares to detect a
    /// change of the script's configuration (Oríon's `ScriptConfigConflict`).
    ///
    /// The priors are replaced by their dimension names and the document is read back, so that comments, layout,
    /// key order and the priors' expressions (compared with the space) do not count; any other value does.
    ///
    /// - Returns: an MD5 digest in hexadecimal.
    /// - Throws: ``CommandError`` `.configFile` when the file with its priors replaced cannot be read back.
    public func signature() throws(CommandError) -> String {
        let placeholders = Parameters(
            priors.keys.map { Trial.Param(name: $0, type: .categorical, value: .string("orion~" + $0)) }
        )
        let text = try render(values: placeholders)
        // A text file has no structure to compare: its text, priors replaced, is what counts.
        if format == .text { return MD5.hex(text) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw CommandError(.configFile, "configuration file '\(path)' cannot be read back: \(error)")
        }
        return MD5.hex(root.map(Self.canonical) ?? "")
    }

    /// A node as text with mapping keys sorted: equal documents give equal texts.
    private static func canonical(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            return "\""
                + scalar.string.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .mapping(let mapping):
            let entries = mapping.map { canonical($0.key) + ":" + canonical($0.value) }.sorted()
            return "{" + entries.joined(separator: ",") + "}"
        case .sequence(let sequence):
            return "[" + sequence.map(canonical).joined(separator: ",") + "]"
        case .alias:
            return "*"
        }
    }
}
