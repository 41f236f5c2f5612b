import Foundation
import OrionCore

/// Where a PostgreSQL database is and how to use it: what a `postgresql://` URL says.
///
/// `postgresql://user:password@host:port/database?schema=NAME&pool_size=N&connect_timeout=SECONDS&retry_for=SECONDS`
/// `&operation_timeout=SECONDS` (`postgres://` too). Everything but the host is optional: user `postgres`, port
/// 5432, database `orion`, schema `public`, a pool of 10 connections, 10 s to connect, 60 s of retries when the
/// server cannot be reached, 120 s for one operation to be answered.
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The user to log in as.
    public var user: String
    /// The password, if the server asks for one.
    public var password: String?
    /// The database.
    public var database: String
    /// The schema that holds Oríon's tables (created when missing), so that several Oríon databases can share one
    /// PostgreSQL database.
    public var schema: String
    /// The most connections this process opens to the server (the pool's size).
    public var poolSize: Int
    /// How long opening one connection may take.
    public var connectTimeout: Duration
    /// How long an operation keeps retrying while the server cannot be reached (restart, network cut).
    public var retryFor: Duration
    /// How long one attempt of an operation may wait for the server before its connection is closed and the
    /// attempt retried (a server that vanished without closing the connection: a network cut, a frozen host).
    public var operationTimeout: Duration

    /// Creates an address.
    ///
    /// - Parameters:
    ///   - host: the server's host.
    ///   - port: the server's port.
    ///   - user: the user.
    ///   - password: the password, if any.
    ///   - database: the database.
    ///   - schema: the schema of Oríon's tables.
    ///   - poolSize: the most connections this process opens.
    ///   - connectTimeout: how long opening a connection may take.
    ///   - retryFor: how long an operation retries while the server cannot be reached.
    ///   - operationTimeout: how long one attempt of an operation may wait for the server.
    public init(
        host: String = "127.0.0.1",
        port: Int = 5432,
        user: String = "postgres",
        password: String? = nil,
        database: String = "orion",
        schema: String = "public",
        poolSize: Int = 10,
        connectTimeout: Duration = .seconds(10),
        retryFor: Duration = .seconds(60),
        operationTimeout: Duration = .seconds(120)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.schema = schema
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
        self.retryFor = retryFor
        self.operationTimeout = operationTimeout
    }

    /// Whether `address` is a PostgreSQL URL (`postgresql://` or `postgres://`).
    ///
    /// - Parameter address: a storage address.
    /// - Returns: `true` for a PostgreSQL URL.
    public static func isPostgres(_ address: String) -> Bool {
        address.hasPrefix("postgresql://") || address.hasPrefix("postgres://")
    }

    /// Whether the URL `url` sets the query option `option` (`retry_for`), so that a caller's own default for it
    /// does not override the user's value.
    ///
    /// - Parameters:
    ///   - option: the option's name.
    ///   - url: a PostgreSQL URL.
    /// - Returns: `true` when the query has `option=...`.
    public static func givesOption(_ option: String, in url: String) -> Bool {
        URLComponents(string: url)?.queryItems?.contains { $0.name == option } ?? false
    }

    /// Parses a `postgresql://` or `postgres://` URL.
    ///
    /// - Parameter url: the URL.
    /// - Throws: `StorageError` `.invalidAddress` naming what is wrong (no host, a bad port, an unknown option).
    public init(url: String) throws {
        guard Self.isPostgres(url), let components = URLComponents(string: url) else {
            throw StorageError(
                .invalidAddress,
                "'\(Self.redacted(url))' is not a PostgreSQL URL: use postgresql://user:password@host:port/database"
            )
        }
        guard let host = components.host, !host.isEmpty else {
            throw StorageError(
                .invalidAddress,
                "the PostgreSQL URL '\(Self.redacted(url))' has no host: use postgresql://user@host:port/database"
            )
        }
        // An IPv6 address is written in brackets in a URL (`[::1]`); the resolver wants it without them (with them,
        // no connection was ever tried: "host name does not resolve").
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.init(host: bare)
        if let port = components.port {
            guard (1...65535).contains(port) else {
                throw StorageError(.invalidAddress, "the port \(port) in '\(Self.redacted(url))' is not a TCP port")
            }
            self.port = port
        }
        if let user = components.user, !user.isEmpty { self.user = user }
        password = components.password
        let name = components.path.drop { $0 == "/" }
        if !name.isEmpty { database = String(name) }
        for item in components.queryItems ?? [] {
            try apply(option: item.name, value: item.value ?? "", url: url)
        }
    }

    /// Sets one `?name=value` option of the URL.
    private mutating func apply(option: String, value: String, url: String) throws {
        func seconds() throws -> Duration {
            guard let seconds = Double(value), seconds >= 0, seconds.isFinite else {
                throw StorageError(
                    .invalidAddress,
                    "option \(option)=\(value) in '\(Self.redacted(url))' must be a number of seconds"
                )
            }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        switch option {
        case "schema":
            guard !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw StorageError(
                    .invalidAddress,
                    "schema '\(value)' in '\(Self.redacted(url))' must be letters, digits and underscores"
                )
            }
            schema = value
        case "pool_size":
            guard let size = Int(value), size >= 1 else {
                throw StorageError(
                    .invalidAddress,
                    "option pool_size=\(value) in '\(Self.redacted(url))' must be a whole number of at least 1"
                )
            }
            poolSize = size
        case "connect_timeout": connectTimeout = try seconds()
        case "retry_for": retryFor = try seconds()
        case "operation_timeout":
            operationTimeout = try seconds()
            guard operationTimeout > .zero else {
                throw StorageError(
                    .invalidAddress,
                    "option operation_timeout=\(value) in '\(Self.redacted(url))' must be more than 0 seconds"
                )
            }
        case "sslmode" where value == "disable":
            break
        default:
            throw StorageError(
                .invalidAddress,
                "unknown option '\(option)' in '\(Self.redacted(url))': the options are schema, pool_size, "
                    + "connect_timeout, retry_for and operation_timeout"
            )
        }
    }

    /// The address as a URL, without the password.
    public var description: String {
        "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
            + (schema == "public" ? "" : "?schema=\(schema)")
    }

    /// `url` with its password replaced by `***`, for messages.
    ///
    /// - Parameter url: a URL.
    /// - Returns: the URL without its password.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
