import Foundation
import NIOCore
import OrionCore

/// The server could not listen where it was asked.
///
/// The port is taken, the address is not this machine's, the port needs privileges, or the host name is unknown: one
/// line naming the address and what to do, instead of the socket layer's `bind(descriptor:ptr:bytes:)` text.
public struct ListenError: OrionError {
    /// The host asked for.
    public let host: String
    /// The port asked for.
    public let port: Int
    /// What is wrong and what to do.
    public let reason: String
    /// The socket layer's error.
    public let cause: (any Error)?
    /// ``ErrorKind/unavailable`` for a port in use (it may be free later), ``ErrorKind/usage`` otherwise (the flags
    /// name an address this machine cannot listen on).
    public let kind: ErrorKind

    /// `cannot listen on HOST:PORT: <reason>`.
    public var message: String {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return "cannot listen on \(address): \(reason)"
    }

    /// `error` as a ``ListenError`` when it is a failure to bind `host`:`port` the user can act on; any other error
    /// as it is.
    ///
    /// - Parameters:
    ///   - error: what the server's start threw.
    ///   - host: the host asked for.
    ///   - port: the port asked for.
    /// - Returns: the error to report.
    static func translating(_ error: any Error, host: String, port: Int) -> any Error {
        let unknownHost: Bool
        switch error {
        case is SocketAddressError.UnknownHost: unknownHost = true
        case SocketAddressError.unknown: unknownHost = true
        default: unknownHost = false
        }
        if unknownHost {
            return ListenError(
                host: host,
                port: port,
                reason: "the host name is unknown; give --host 127.0.0.1 (this machine only), 0.0.0.0 (every "
                    + "interface) or a name this machine resolves",
                cause: error,
                kind: .usage
            )
        }
        guard let error = error as? IOError else { return error }
        switch error.errnoCode {
        case EADDRINUSE:
            return ListenError(
                host: host,
                port: port,
                reason: "the port is in use (another orion serve?); stop that server or choose another port with "
                    + "--port (0 picks a free one)",
                cause: error,
                kind: .unavailable
            )
        case EADDRNOTAVAIL:
            return ListenError(
                host: host,
                port: port,
                reason: "the address is not one of this machine's; give --host 127.0.0.1 (this machine only), "
                    + "0.0.0.0 (every interface) or one of its addresses",
                cause: error,
                kind: .usage
            )
        case EACCES:
            return ListenError(
                host: host,
                port: port,
                reason: "permission denied (ports below 1024 need privileges); choose a port of 1024 or above with "
                    + "--port",
                cause: error,
                kind: .usage
            )
        default:
            return error
        }
    }
}
