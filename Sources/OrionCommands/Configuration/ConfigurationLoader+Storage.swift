import Foundation
import OrionCore
import Yams

extension ConfigurationLoader {
    /// The storage address of Oríon's `database` block (`type`, `host`, `name`, `port`, user, password).
    ///
    /// - `sqlite` (the default type): `host` is the file (`/abs/orion.db` → `sqlite:///abs/orion.db`, a relative
    ///   path → `sqlite:relative.db`, resolved by the storage factory against the current directory); no host means
    ///   the default file (`nil`).
    /// - `postgresql`/`postgres`: `postgres://user:password@host:port/name` (`host` may be a full URL).
    /// - `ephemeraldb`: `memory:`.
    /// - `pickleddb`, `mongodb`: not supported.
    ///
    /// - Returns: the address, or `nil` for the default SQLite file.
    /// - Throws: ``ValueProblem`` for an unsupported or unknown type.
    static func storageAddress(
        type: String?,
        host: String?,
        name: String?,
        port: Int?,
        user: String?,
        password: String?
    ) throws(ValueProblem) -> String? {
        let host = host.flatMap { $0.isEmpty ? nil : $0 }
        let kind = type?.lowercased() ?? host.flatMap(scheme(of:)) ?? "sqlite"
        switch kind {
        case "sqlite", "sqlite3":
            return host.map(sqliteAddress)
        case "ephemeraldb", "memory":
            return "memory:"
        case "postgres", "postgresql":
            if let host, host.contains("://") { return host }
            let (server, ownPort) = serverAndPort(host ?? "localhost")
            var address = "postgres://"
            if let user {
                address += user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user
                if let password {
                    address += ":" + (password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? "")
                }
                address += "@"
            }
            address += server + ((ownPort ?? port).map { ":\($0)" } ?? "") + "/" + (name ?? "orion")
            return address
        case "pickleddb", "mongodb":
            throw ValueProblem(
                text: "storage type '\(type ?? kind)' is not supported: swift-orion keeps experiments in SQLite"
                    + " (the default) or PostgreSQL",
                example: ""
            )
        default:
            throw ValueProblem(
                text: "unknown storage type '\(type ?? kind)': use sqlite (the default), postgresql, or ephemeraldb"
                    + " (in memory)",
                example: ""
            )
        }
    }

    /// A server as a URL writes it, and the port given with it: `db:5433` → (`db`, 5433), an IPv6 address in
    /// brackets (`::1` → `[::1]`, `[::1]:5433` → (`[::1]`, 5433)); the port given with the host wins over `port`.
    static func serverAndPort(_ host: String) -> (server: String, port: Int?) {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            let rest = host[host.index(after: close)...]
            let port = rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil
            return (String(host[...close]), port)
        }
        let colons = host.count(where: { $0 == ":" })
        if colons > 1 { return ("[\(host)]", nil) }
        if colons == 1, let colon = host.firstIndex(of: ":"), let port = Int(host[host.index(after: colon)...]) {
            return (String(host[..<colon]), port)
        }
        return (host, nil)
    }

    /// The prefix of an address that stands for a storage of Oríon's that swift-orion does not open.
    ///
    /// PickledDB or MongoDB: the prefix is followed by the one-line error to give if that storage is the one a
    /// command uses. A migrating user's global file or environment may name one for Oríon; a higher layer
    /// (`--storage`, `-c`) overrides it.
    static let unsupportedPrefix = "unsupported:"

    /// Whether `type` (or the scheme of `host`) is one of Oríon's storages that swift-orion does not open.
    static func isOrionOnlyStorage(type: String?, host: String?) -> Bool {
        let kind = type?.lowercased() ?? host.flatMap(scheme(of:)) ?? ""
        return kind == "pickleddb" || kind == "mongodb"
    }

    /// The scheme of a URL-like host (`mongodb://h` → `mongodb`), or `nil`.
    private static func scheme(of host: String) -> String? {
        guard let range = host.range(of: "://") else { return nil }
        let scheme = host[..<range.lowerBound].lowercased()
        return scheme == "postgresql" ? "postgres" : scheme
    }

    /// Whether `address` is already a storage URL rather than a plain path.
    static func isURLAddress(_ address: String) -> Bool {
        address.hasPrefix("memory:") || address.hasPrefix("sqlite:") || address.contains("://")
    }

    /// The SQLite address of a path (`~` expanded); a URL is kept.
    static func sqliteAddress(_ path: String) -> String {
        if isURLAddress(path) { return path }
        let expanded = path == "~" || path.hasPrefix("~/") ? StorageFactory.homeDirectory() + path.dropFirst() : path
        return expanded.hasPrefix("/") ? "sqlite://" + expanded : "sqlite:" + expanded
    }

    /// An algorithm from Oríon's forms: `random`, `{tpe: {seed: 1}}`, `{tpe: null}`, `{of_type: tpe, seed: 1}`.
    ///
    /// - Throws: ``ValueProblem`` (with the fix as its example) for any other shape.
    static func algorithm(from value: JSONValue) throws(ValueProblem) -> AlgorithmConfig {
        let fix = "write e.g. `algorithm: random` or `algorithm: {tpe: {seed: 1}}`"
        switch value {
        case .string(let name) where !name.isEmpty:
            return AlgorithmConfig(name: name)
        case .object(var members):
            if let type = members.removeValue(forKey: "of_type") {
                guard let name = type.stringValue, !name.isEmpty else {
                    throw ValueProblem(text: "has an 'of_type' that is not a name", example: fix)
                }
                return AlgorithmConfig(name: name, options: members)
            }
            guard members.count == 1, let (name, options) = members.first else {
                let names = members.keys.sorted().joined(separator: ", ")
                throw ValueProblem(
                    text: "must name exactly one algorithm, not \(members.isEmpty ? "none" : names)",
                    example: fix
                )
            }
            switch options {
            case .null: return AlgorithmConfig(name: name)
            case .object(let options): return AlgorithmConfig(name: name, options: options)
            default:
                throw ValueProblem(
                    text: "has options for '\(name)' that are not a mapping (\(ConfigurationLayer.describe(options)))",
                    example: fix
                )
            }
        default:
            throw ValueProblem(
                text: "must be a name or a mapping, not \(ConfigurationLayer.describe(value))",
                example: fix
            )
        }
    }
}

extension YAMLLayerReader {
    static let storageKeys = ["address", "type", "database"]
    static let databaseKeys = ["type", "host", "name", "port", "username", "user", "password", "timeout"]

    /// Reads `storage: {address}` or Oríon's `storage: {type: legacy, database: {...}}`.
    mutating func readStorage(_ node: Node) throws(ConfigurationError) {
        // An unsupported type first: Oríon's `track` storage has keys of its own (`uri`) that are not the mistake.
        if case .mapping(let mapping) = node {
            for (key, value) in mapping {
                guard case .scalar(let name) = key, name.string == "type", case .scalar(let type) = value,
                    type.string.lowercased() != "legacy"
                else { continue }
                throw failure(
                    at: value,
                    "storage type '\(type.string)' is not supported: leave 'type' out (or write 'legacy', Oríon's"
                        + " default)"
                )
            }
        }
        let entries = try entries(of: node, section: "storage", allowed: Self.storageKeys)
        if entries.contains(where: { $0.key == "address" }),
            let database = entries.first(where: { $0.key == "database" })
        {
            throw failure(
                at: database.keyNode,
                "give either 'storage.address' or 'storage.database', not both; keep one"
            )
        }
        for entry in entries {
            switch entry.key {
            case "type":
                if let type = try string(entry, of: "storage.type"), type.lowercased() != "legacy" {
                    throw failure(
                        at: entry.value,
                        "storage type '\(type)' is not supported:"
                            + " leave 'type' out (or write 'legacy', Oríon's default)"
                    )
                }
            case "address":
                guard let address = try string(entry, of: "storage.address") else { continue }
                if layer.database != nil {
                    note(
                        at: entry.keyNode,
                        "'database' is not used: 'storage.address' in the same file names the storage whole"
                    )
                }
                layer.givesWholeAddress = true
                layer.storage.address = address
                layer.sources["storage.address"] = source(entry.keyNode)
            default:
                try readDatabase(entry.value, keyNode: entry.keyNode)
            }
        }
    }

    /// Whether the mapping `node` is a `database:` block of MongoDB: its `type`, or a `mongodb://` host.
    static func isMongoDB(_ node: Node) -> Bool {
        guard case .mapping(let mapping) = node else { return false }
        return mapping.contains { key, value in
            guard case .scalar(let name) = key, case .scalar(let text) = value else { return false }
            let value = text.string.lowercased()
            return (name.string == "type" && value == "mongodb")
                || (name.string == "host" && value.hasPrefix("mongodb"))
        }
    }

    /// The keys of the mapping `node` (dashes as underscores, as ``entries(of:section:allowed:alsoAccepted:)``
    /// normalizes them).
    static func keys(of node: Node) -> [String] {
        guard case .mapping(let mapping) = node else { return [] }
        return mapping.compactMap { key, _ in
            guard case .scalar(let name) = key else { return nil }
            return name.string.replacingOccurrences(of: "-", with: "_")
        }
    }

    /// Reads Oríon's `database: {type, host, name, port, ...}` block into the storage address.
    mutating func readDatabase(_ node: Node, keyNode: Node) throws(ConfigurationError) {
        guard !isNull(node) else { return }
        var fields: [String: String] = [:]
        var typeNode = node
        var port: Int?
        // Oríon passes a MongoDB block's other keys to pymongo (`serverSelectionTimeoutMS`, `authSource`, ...): such
        // a block is Oríon's, overridden by a higher layer or refused below, never an unknown-key error here.
        let mongoKeys = Self.isMongoDB(node) ? Self.keys(of: node).filter { !Self.databaseKeys.contains($0) } : []
        for entry in try entries(of: node, section: "database", allowed: Self.databaseKeys, alsoAccepted: mongoKeys) {
            if mongoKeys.contains(entry.key) { continue }
            if entry.key == "port" {
                guard !isNull(entry.value) else { continue }
                // A quoted number, as for the other integer keys (`port: "5432"`).
                let value = jsonValue(entry.value)
                guard let number = value.intValue ?? value.stringValue.flatMap({ Int($0) }),
                    (1...65535).contains(number)
                else {
                    throw failure(
                        at: entry.value,
                        "'database.port' must be a port number, not \(describe(entry.value)); write e.g. `port: 5432`"
                    )
                }
                port = number
                continue
            }
            if entry.key == "type" { typeNode = entry.value }
            fields[entry.key] = try string(entry, of: "database." + entry.key)
        }
        // Oríon's PickledDB waits `timeout` seconds for its file lock: SQLite's busy timeout is the same wait.
        var timeout: Double?
        if let text = fields["timeout"] {
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
                throw failure(
                    at: node,
                    "'database.timeout' must be a number of seconds, not '\(text)'; write e.g. `timeout: 60`"
                )
            }
            timeout = seconds
        }
        let given = DatabaseFields(
            type: fields["type"],
            host: fields["host"],
            name: fields["name"],
            port: port,
            user: fields["user"] ?? fields["username"],
            password: fields["password"],
            timeout: timeout,
            source: source(keyNode)
        )
        if !given.isEmpty { layer.database = given }
        guard !layer.givesWholeAddress else {
            note(at: keyNode, "'database' is not used: 'storage.address' in the same file names the storage whole")
            return
        }
        // Checked here, where a bad type is an error at its line; the address itself is the keys' own
        // (`DatabaseFields.address()`, which the layers' combination uses too).
        do {
            _ = try ConfigurationLoader.storageAddress(
                type: fields["type"],
                host: fields["host"],
                name: fields["name"],
                port: port,
                user: fields["user"] ?? fields["username"],
                password: fields["password"]
            )
        } catch {
            let write =
                "write `storage: {database: {type: sqlite, host: /path/orion.db}}`"
                + " or `storage: {address: \"sqlite:///path/orion.db\"}`"
            guard ConfigurationLoader.isOrionOnlyStorage(type: fields["type"], host: fields["host"]) else {
                throw failure(at: typeNode, "\(error.text); \(write)")
            }
            // Oríon's own storage (its `orion db setup` writes it to the global file): the file may still serve Oríon.
            // The environment overrides a global file, not a `-c` file, which only `--storage` does.
            let override = isGlobal ? "--storage or ORION_DB_ADDRESS" : "--storage"
            let problem = failure(
                at: typeNode,
                "\(error.text); \(write), or leave the file to Oríon and give swift-orion its storage with \(override)"
                    + " (scripts/import-orion.py brings Oríon's experiments over: docs/migrating-from-orion.md)"
            )
            // An error only if no higher layer (the environment, `-c`, `--storage`) names another storage.
            layer.database?.problem = problem.message
            layer.storage.address = ConfigurationLoader.unsupportedPrefix + problem.message
            layer.sources["storage.address"] = source(keyNode)
            return
        }
        let (address, timeoutNote) = given.address()
        guard let address else { return }
        if let timeoutNote { note(at: keyNode, timeoutNote) }
        layer.storage.address = address
        layer.sources["storage.address"] = source(keyNode)
    }
}
