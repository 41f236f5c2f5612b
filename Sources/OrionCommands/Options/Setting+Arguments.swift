import ArgumentParser

extension Setting {
    /// The argument-parser names of the setting `key`'s flags (`-n/--name`); empty for an unknown key, which
    /// `SettingTests` catches.
    static func argumentNames(_ key: String) -> NameSpecification {
        let flags = named(key)?.flags ?? []
        return NameSpecification(
            flags.map { flag in
                flag.hasPrefix("--")
                    ? .customLong(String(flag.dropFirst(2))) : .customShort(flag.dropFirst().first ?? "?")
            }
        )
    }

    /// The help of the setting `key`'s flag: its summary, its default, its variable.
    static func argumentHelp(_ key: String) -> ArgumentHelp {
        guard let setting = named(key) else { return ArgumentHelp() }
        var text = setting.summary.replacingOccurrences(of: "`", with: "")
        if !setting.defaultText.hasPrefix("—") {
            if text.hasSuffix(".") { text.removeLast() }
            text += " (default: \(setting.defaultText.replacingOccurrences(of: "`", with: "")))."
        }
        if let variable = setting.variable, setting.kind != .storageAddress {
            text += " [env \(variable)]"
        }
        let valueName: String
        switch setting.kind {
        case .seconds: valueName = "seconds"
        case .integer: valueName = "n"
        case .experimentName: valueName = "name"
        case .storageAddress: valueName = "address"
        case .boolean: valueName = ""
        case .choice: valueName = "type"
        case .list: valueName = "names"
        case .string, .algorithm:
            // The key's last part (`executor_configuration.partition` → `partition`).
            let last = setting.name.split(separator: ".").last.map(String.init) ?? setting.name
            valueName = last.replacingOccurrences(of: "_", with: "-")
        }
        return ArgumentHelp(text, valueName: valueName)
    }
}
