import OrionCore

extension Setting {
    /// The line before the generated table in docs/configuration.md.
    public static let markdownBegin =
        "<!-- BEGIN GENERATED from Setting.all (Setting+Table.swift); ORION_UPDATE_DOCS=1 swift test --filter"
        + " SettingTests rewrites it -->"
    /// The line after the generated table in docs/configuration.md.
    public static let markdownEnd = "<!-- END GENERATED -->"

    /// The table of every setting for docs/configuration.md, generated from ``all`` so that the page cannot drift.
    ///
    /// - Returns: the Markdown table, one row per setting, without the marker lines.
    public static func markdownTable() -> String {
        var lines = [
            "| key | type | default | env var | flag | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for setting in all {
            let cells = [
                "`\(setting.key)`", setting.typeText, setting.defaultText, setting.variableText, setting.flagText,
                setting.summary,
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The type and range, in words (`integer ≥ 1`, `seconds, 0.1 to 31536000`).
    var typeText: String {
        switch kind {
        case .string: "string"
        case .experimentName: "name (see [names](#experiment-names))"
        case .integer(let minimum, let maximum):
            maximum == .max ? "integer ≥ \(minimum)" : "integer \(minimum)–\(maximum)"
        case .seconds(let minimum, let maximum):
            "seconds, \(Kind.seconds(minimum)) to \(Kind.seconds(maximum))\(Kind.days(maximum))"
        case .algorithm: "name or mapping"
        case .storageAddress: "address"
        case .boolean: "boolean"
        case .choice(let words): words.map { "`\($0)`" }.joined(separator: ", ")
        case .list: "list (`a:b` in a variable or flag)"
        }
    }

    /// The variable, deprecated ones in parentheses; `—` when none.
    var variableText: String {
        guard let variable else { return "—" }
        let old = deprecatedVariables.map { "`\($0)`" }.joined(separator: ", ")
        let more = kind == .storageAddress ? " (see [storage](#storage))" : ""
        return "`\(variable)`" + (old.isEmpty ? "" : " (\(old))") + more
    }

    /// The flag (`-n/--name`), aliases in parentheses; `—` when none.
    var flagText: String {
        guard !flags.isEmpty else { return "—" }
        let short = flags.filter { !$0.hasPrefix("--") }
        let long = flags.filter { $0.hasPrefix("--") }
        let main = (short + long.prefix(1)).joined(separator: "/")
        let aliases = long.dropFirst().map { "`\($0)`" }.joined(separator: ", ")
        return "`\(main)`" + (aliases.isEmpty ? "" : " (\(aliases))")
    }
}
