import Foundation

/// Suggestions for a misspelt name: "did you mean ...?".
public enum Spelling {
    /// The number of one-character insertions, deletions and substitutions from `a` to `b` (Levenshtein).
    ///
    /// - Complexity: O(`a.count` × `b.count`).
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The name of `names` closest to `name` (dashes read as underscores, case ignored), when it is close enough to
    /// be a misspelling: at most 2 edits, or a quarter of its length for longer names.
    public static func closest(to name: String, in names: [String]) -> String? {
        let normalized = name.replacingOccurrences(of: "-", with: "_").lowercased()
        // Ties go to the name closest as written (`braninn`: `branin`, not `Branin`).
        let best = names.map { candidate in
            (
                candidate,
                distance(normalized, candidate.replacingOccurrences(of: "-", with: "_").lowercased()),
                distance(name, candidate)
            )
        }.min { ($0.1, $0.2, $0.0) < ($1.1, $1.2, $1.0) }
        guard let (candidate, edits, _) = best, edits <= max(2, candidate.count / 4) else { return nil }
        return candidate
    }
}
