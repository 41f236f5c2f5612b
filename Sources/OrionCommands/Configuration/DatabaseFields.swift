import Foundation
import OrionCore

/// The keys of Oríon's `database:` block that one configuration source gives (`type`, `host`, `name`, `port`, user,
/// password, `timeout`), kept apart so that sources combine key by key, as in Oríon.
///
/// The usual cluster set-up: the global file names the database (`type: postgresql`, `name`, `port`) and each job
/// sets `ORION_DB_ADDRESS` to the host. Resolved one source at a time, the host alone read as an SQLite file, and
/// every job wrote to a file of its own; `ORION_DB_NAME` or `ORION_DB_PORT` alone, or a `-c` block giving only some
/// keys, were ignored.
public struct DatabaseFields: Sendable, Equatable {
    /// `type`: `sqlite`, `postgresql`, `ephemeraldb`, or one of Oríon's that swift-orion does not open.
    public var type: String?
    /// `host`: the SQLite file, the PostgreSQL server (or a whole URL).
    public var host: String?
    /// `name`: the PostgreSQL database.
    public var name: String?
    /// `port`: the PostgreSQL port.
    public var port: Int?
    /// `user` (or `username`).
    public var user: String?
    /// `password`.
    public var password: String?
    /// `timeout`: SQLite's busy timeout, in seconds.
    public var timeout: Double?
    /// Where these keys came from, for `orion info` (`env ORION_DB_ADDRESS`, `file /x/orion.yaml:3:3`).
    public var source: String
    /// The error to give when `type` (or the scheme of `host`) is one of Oríon's storages that swift-orion does not
    /// open and it is the storage a command opens: the message of the source that named it (its file, line and
    /// column, and what to write there).
    public var problem: String?

    /// Creates the keys of one source.
    public init(
        type: String? = nil,
        host: String? = nil,
        name: String? = nil,
        port: Int? = nil,
        user: String? = nil,
        password: String? = nil,
        timeout: Double? = nil,
        source: String,
        problem: String? = nil
    ) {
        self.type = type
        self.host = host.flatMap { $0.isEmpty ? nil : $0 }
        self.name = name
        self.port = port
        self.user = user
        self.password = password
        self.timeout = timeout
        self.source = source
        self.problem = problem
    }

    /// Whether no key is given.
    var isEmpty: Bool {
        type == nil && host == nil && name == nil && port == nil && user == nil && password == nil && timeout == nil
    }

    /// Whether the keys say which storage it is (a type or a host), not only details of one named elsewhere.
    var namesAStorage: Bool { type != nil || host != nil }

    /// These keys over `lower`'s, key by key.
    ///
    /// A host given without a type does not take the type from below when it is a file (a path: `/`, `~`, `.` or a
    /// `/` in it, or a name ending in `.db`, `.sqlite`, `.sqlite3`, `.pkl`), a URL, or when the type below is one of
    /// Oríon's that swift-orion does not open (MongoDB, PickledDB, often in a global file written by Oríon's `orion
    /// db setup`, whose error tells the user to give swift-orion its storage with `ORION_DB_ADDRESS`): a path there
    /// is an SQLite file, as the documentation of `ORION_DB_ADDRESS` says, where Oríon would make it the host of the
    /// database below.
    ///
    /// - Parameter lower: the keys of the sources below.
    /// - Returns: the combined keys, with this source.
    func over(_ lower: DatabaseFields) -> DatabaseFields {
        var merged = lower
        if let host, type == nil,
            Self.isFile(host) || ConfigurationLoader.isURLAddress(host)
                || ConfigurationLoader.isOrionOnlyStorage(type: lower.type, host: lower.host)
        {
            merged.type = nil
            merged.problem = nil
        }
        // A server's type given above a file's host below (`ORION_DB_TYPE=postgresql` over a global `host: /x.db`):
        // the file is not the server (it made `postgres:///x.db/orion`); the server's default host stands.
        if host == nil, let type, !["sqlite", "sqlite3"].contains(type.lowercased()), let below = lower.host,
            Self.isFile(below)
        {
            merged.host = nil
        }
        if type != nil { merged.problem = problem }
        if type == nil, host != nil, ConfigurationLoader.isOrionOnlyStorage(type: nil, host: host) {
            merged.problem = problem
        }
        merged.type = type ?? merged.type
        merged.host = host ?? merged.host
        merged.name = name ?? merged.name
        merged.port = port ?? merged.port
        merged.user = user ?? merged.user
        merged.password = password ?? merged.password
        merged.timeout = timeout ?? merged.timeout
        merged.source = source
        return merged
    }

    /// A PostgreSQL URL with these keys in place of its own (host, port, database, user, password), its options
    /// kept; `nil` when `url` is not a PostgreSQL URL, when the keys give none of these parts, or when they name
    /// another storage (a type other than PostgreSQL, a file, a URL).
    ///
    /// A global file written with swift-orion's `storage: {address: postgresql://...}` and a job's
    /// `ORION_DB_ADDRESS=dbhost` reach that host's database, as with Oríon's `database` block (the host alone was an
    /// SQLite file named `dbhost`).
    func overriding(_ url: String) -> String? {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"),
            host != nil || port != nil || name != nil || user != nil || password != nil,
            type.map({ ["postgres", "postgresql"].contains($0.lowercased()) }) ?? true,
            !(host.map { Self.isFile($0) || ConfigurationLoader.isURLAddress($0) } ?? false),
            var components = URLComponents(string: url)
        else { return nil }
        if let port { components.port = port }
        if let host {
            let (server, ownPort) = ConfigurationLoader.serverAndPort(host)
            components.percentEncodedHost = server
            if let ownPort { components.port = ownPort }
        }
        if let name { components.path = "/" + name }
        if let user { components.user = user }
        if let password { components.password = password }
        return components.string
    }

    /// The note that `database.timeout` (SQLite's busy timeout) does not apply to the storage at `address`.
    static func timeoutNote(for address: String) -> String {
        address.hasPrefix("memory")
            ? "'database.timeout' is ignored for an in-memory storage"
            : "'database.timeout' is ignored for PostgreSQL (its waits are set in the address: retry_for,"
                + " operation_timeout)"
    }

    /// Whether a host names a file rather than a server.
    static func isFile(_ host: String) -> Bool {
        host.hasPrefix("/") || host.hasPrefix("~") || host.hasPrefix(".") || host.contains("/")
            || [".db", ".sqlite", ".sqlite3", ".pkl"].contains { host.lowercased().hasSuffix($0) }
    }

    /// The storage address the keys give, `nil` for the default SQLite file, or an address made of
    /// ``ConfigurationLoader/unsupportedPrefix`` and the error to give if it is the storage a command opens.
    ///
    /// - Returns: the address and a note when `timeout` does not apply.
    func address() -> (address: String?, note: String?) {
        if let problem { return (ConfigurationLoader.unsupportedPrefix + problem, nil) }
        let address: String?
        do {
            address = try ConfigurationLoader.storageAddress(
                type: type,
                host: host,
                name: name,
                port: port,
                user: user,
                password: password
            )
        } catch {
            return (
                ConfigurationLoader.unsupportedPrefix
                    + "the storage of the configuration (\(source)): \(error.text); give swift-orion its storage"
                    + " with --storage or ORION_DB_ADDRESS (sqlite:///path/orion.db or postgresql://user@host/db)",
                nil
            )
        }
        guard let address, let timeout else { return (address, nil) }
        guard address.hasPrefix("sqlite:") else {
            return (address, Self.timeoutNote(for: address))
        }
        // 60 s, Oríon's default, is SQLite's here too: the address stays as it was.
        guard timeout != 60 else { return (address, nil) }
        return (address + (address.contains("?") ? "&" : "?") + "busy_timeout=\(PythonFloat.repr(timeout))", nil)
    }
}
