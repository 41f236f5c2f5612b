import OrionCore

extension ConfigurationLoader {
    /// Reads command-line flags into a layer, each value checked against its setting, as from a file or a variable.
    ///
    /// - Parameters:
    ///   - flags: each setting's key and the flag's text (`nil` when the flag is not given).
    ///   - arguments: the command line, to name a flag as it was typed (`--max-idle-time`, Oríon's name for
    ///     `--idle-timeout`); a setting none of whose names it holds is named by its canonical flag.
    /// - Returns: the settings the flags give, each with the source `flag --<name>`.
    /// - Throws: ``ConfigurationError`` naming the flag when a value has the wrong type or is out of range:
    ///   `flag --n-workers must be an integer >= 1, not 0; pass e.g. --n-workers 4`.
    public static func layer(
        fromFlags flags: [(key: String, text: String?)],
        arguments: [String] = CommandLine.arguments
    ) throws(ConfigurationError) -> ConfigurationLayer {
        var layer = ConfigurationLayer()
        for (key, text) in flags {
            guard let text, let setting = Setting.named(key) else { continue }
            let flag = setting.flag(asTypedIn: arguments) ?? key
            do {
                try layer.assign(key, .string(text), text: text, source: "flag \(flag)")
            } catch {
                throw ConfigurationError("flag \(flag) \(error.text); pass e.g. \(flag) \(error.example)")
            }
        }
        return layer
    }
}
