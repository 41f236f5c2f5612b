import OrionCore

extension ConfigurationLoader {
    /// Reads command-line flags into a layer, each value checked against its setting, as from a file or a variable.
    ///
    /// - Parameter flags: each setting's key and the flag's text (`nil` when the flag is not given).
    /// - Returns: the settings the flags give, each with the source `flag --<name>`.
    /// - Throws: ``ConfigurationError`` naming the flag when a value has the wrong type or is out of range:
    ///   `flag --n-workers must be an integer >= 1, not 0; pass e.g. --n-workers 4`.
    public static func layer(fromFlags flags: [(key: String, text: String?)]) throws(ConfigurationError)
        -> ConfigurationLayer
    {
        var layer = ConfigurationLayer()
        for (key, text) in flags {
            guard let text, let setting = Setting.named(key) else { continue }
            let flag = setting.flag ?? key
            do {
                try layer.assign(key, .string(text), text: text, source: "flag \(flag)")
            } catch {
                throw ConfigurationError("flag \(flag) \(error.text); pass e.g. \(flag) \(error.example)")
            }
        }
        return layer
    }
}
