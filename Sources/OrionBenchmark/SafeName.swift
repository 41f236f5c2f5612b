/// Bounded names made of safe characters, for result file names and the benchmark's internal experiment names,
/// whatever the algorithm's label holds (an `--algorithm` with nested options: braces, quotes, spaces).
///
/// A text of ASCII letters, digits and `- _ . = +` no longer than the limit is its own name, so the result files of
/// such labels keep their names (`swift-orion_random-seed=7_RosenBrock+dim=3.json`). Any other text becomes a slug
/// (each run of other characters replaced by one `-`, cut to fit) followed by `@` and 16 hexadecimal digits of a
/// stable hash of the whole text (64-bit FNV-1a of its UTF-8 bytes). A kept name has no `@` and a hashed one has
/// one, so two texts get the same name only if their hashes collide. The full label stays in the result file's
/// `algorithm` field.
public enum SafeName {
    /// The longest algorithm label kept as it is in a file name, in bytes; room for the framework, the task and
    /// the suffixes within the 255 bytes of a file name.
    public static let labelLength = 120

    /// `text` itself when it is safe and at most `maximumLength` bytes long; else a slug and a hash of `text`.
    ///
    /// - Parameters:
    ///   - text: a label, a task name or a whole name.
    ///   - maximumLength: the longest result, in bytes (at least 24).
    /// - Returns: a name of at most `maximumLength` ASCII characters among letters, digits, `- _ . = + @`.
    public static func of(_ text: String, maximumLength: Int = labelLength) -> String {
        if !text.isEmpty, text.utf8.count <= maximumLength, text.unicodeScalars.allSatisfy(isSafe) { return text }
        var slug = ""
        for scalar in text.unicodeScalars {
            if isSafe(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        let suffix = "@" + hash(text)
        return String(slug.prefix(max(maximumLength - suffix.count, 0))) + suffix
    }

    /// 64-bit FNV-1a of `text`'s UTF-8 bytes, as 16 lowercase hexadecimal digits: the same on every run and machine.
    ///
    /// - Parameter text: the text.
    /// - Returns: the hash.
    public static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "=", "+": true
        default: false
        }
    }
}
