import OrionCore

extension ConfigurationLoader {
    /// The variables read into settings, from the table, deprecated aliases before their key so that the key wins
    /// (the storage variables are read by `readStorage`).
    static var environmentVariables: [(variable: String, key: String)] {
        Setting.all.filter { $0.kind != .storageAddress }.flatMap { setting in
            (setting.deprecatedVariables + (setting.variable.map { [$0] } ?? [])).map { ($0, setting.key) }
        }
    }

    /// Reads Oríon's `ORION_*` configuration variables.
    ///
    /// Empty variables count as unset. `ORION_DB_ADDRESS` is a storage URL, or a path meaning an SQLite file (unless
    /// `ORION_DB_TYPE` says otherwise); `ORION_DB_TYPE`, `ORION_DB_NAME` and `ORION_DB_PORT` complete it as in Oríon.
    /// Booleans (`ORION_EVC_ENABLE`) accept `true/false/1/0/yes/no/on/off`: unlike Oríon, `False` is false.
    ///
    /// Call it with the environment `orion` was started with, at start-up only: `ORION_WORKING_DIR` is also the name
    /// of the variable each trial's script receives, so a process started by a trial inherits the trial's directory.
    ///
    /// - Parameter environment: the variables.
    /// - Returns: the settings they give.
    /// - Throws: ``ConfigurationError`` naming the variable when a value has the wrong type or the storage type is
    ///   not supported.
    public static func layer(fromEnvironment environment: [String: String]) throws(ConfigurationError)
        -> ConfigurationLayer
    {
        var layer = ConfigurationLayer()
        for (variable, key) in environmentVariables {
            guard let text = environment[variable], !text.isEmpty else { continue }
            do {
                try layer.assign(key, .string(text), text: text, source: "env \(variable)")
            } catch {
                throw ConfigurationError(
                    "environment variable \(variable) \(error.text); set e.g. \(variable)=\(error.example)"
                )
            }
        }
        for setting in Setting.all {
            for old in setting.deprecatedVariables where environment[old].map({ !$0.isEmpty }) == true {
                layer.notes.append("\(old) is deprecated: use \(setting.variable ?? setting.key)")
            }
        }
        try readStorage(from: environment, into: &layer)
        return layer
    }

    /// `true/false/1/0/yes/no/on/off`, any case; `nil` for anything else.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }

    /// Reads `ORION_STORAGE_TYPE`, `ORION_DB_ADDRESS`, `ORION_DB_TYPE`, `ORION_DB_NAME` and `ORION_DB_PORT`.
    private static func readStorage(
        from environment: [String: String],
        into layer: inout ConfigurationLayer
    ) throws(ConfigurationError) {
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        if let type = value("ORION_STORAGE_TYPE"), type.lowercased() != "legacy" {
            throw ConfigurationError(
                "environment variable ORION_STORAGE_TYPE='\(type)' is not supported; unset it (or set it to legacy)"
            )
        }
        let address = value("ORION_DB_ADDRESS")
        let type = value("ORION_DB_TYPE")
        if let address, isURLAddress(address) {
            layer.storage.address = address
            layer.sources["storage.address"] = "env ORION_DB_ADDRESS"
            let ignored = ["ORION_DB_NAME", "ORION_DB_PORT", "ORION_DB_TYPE"].filter { value($0) != nil }
            if !ignored.isEmpty {
                layer.notes.append(
                    ignored.joined(separator: ", ") + (ignored.count == 1 ? " is" : " are")
                        + " not used: ORION_DB_ADDRESS is a URL, which names the storage whole"
                )
            }
            return
        }
        var port: Int?
        if let text = value("ORION_DB_PORT") {
            guard let number = Int(text), (1...65535).contains(number) else {
                throw ConfigurationError(
                    "environment variable ORION_DB_PORT must be a port number, not '\(text)';"
                        + " set e.g. ORION_DB_PORT=5432"
                )
            }
            port = number
        }
        // Each variable is one key of Oríon's `database` block, combined with the other layers' key by key
        // (`resolve`): a global file naming PostgreSQL and a job's ORION_DB_ADDRESS=host give that host's database.
        let given = ["ORION_DB_ADDRESS", "ORION_DB_TYPE", "ORION_DB_NAME", "ORION_DB_PORT"].first { value($0) != nil }
        guard let given else { return }
        layer.database = DatabaseFields(
            type: type,
            host: address,
            name: value("ORION_DB_NAME"),
            port: port,
            source: "env \(given)"
        )
        guard address != nil || type != nil else { return }
        let source = address != nil ? "env ORION_DB_ADDRESS" : "env ORION_DB_TYPE"
        do {
            let resolved = try storageAddress(
                type: type,
                host: address,
                name: value("ORION_DB_NAME"),
                port: port,
                user: nil,
                password: nil
            )
            guard let resolved else { return }
            layer.storage.address = resolved
            layer.sources["storage.address"] = source
        } catch {
            let problem = ConfigurationError(
                "environment variable ORION_DB_TYPE: \(error.text); set ORION_DB_TYPE=sqlite and"
                    + " ORION_DB_ADDRESS=/path/orion.db, or ORION_DB_ADDRESS=sqlite:///path/orion.db"
            )
            guard isOrionOnlyStorage(type: type, host: address) else { throw problem }
            // An error only if no higher layer (`-c`, `--storage`) names another storage.
            layer.database?.problem = problem.message
            layer.storage.address = unsupportedPrefix + problem.message
            layer.sources["storage.address"] = source
        }
    }
}
