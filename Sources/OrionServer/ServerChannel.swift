import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// The server's HTTP/1 connections: Hummingbird's, with HTTP/1.0's rule that a connection ends after its response
/// unless the client asks to keep it (`Connection: keep-alive`), and an idle time limit.
///
/// Hummingbird's requests no longer carry the HTTP version, and it kept every HTTP/1.0 connection open: a client that
/// reads to the end (`printf 'GET / HTTP/1.0\r\n\r\n' | nc host port`, a health check) waited forever, and an idle
/// connection was never closed (probe p44b). Gunicorn, under Oríon's server, closes both.
struct ServerChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    /// How long a connection may stay without a request before it is closed.
    static let idleTimeout = TimeAmount.seconds(60)

    let responder: HTTPChannelHandler.Responder

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: .init()
            )
            try channel.pipeline.syncOperations.addHandler(HTTP10ConnectionHandler())
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(
                HTTPConnectionStateHandler(idleTimeout: .init(Self.idleTimeout), logger: logger)
            )
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel,
                configuration: .init(isOutboundHalfClosureEnabled: true)
            )
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }

    /// The server builder for `Application`.
    static var builder: HTTPServerBuilder {
        HTTPServerBuilder { responder in ServerChannel(responder: responder) }
    }
}

/// Marks an HTTP/1.0 request without `Connection: keep-alive` as `Connection: close`, which ends the connection after
/// its response (Hummingbird's rule), and says so in the response's head.
final class HTTP10ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// For each request read and not yet answered, in order (requests may be pipelined), whether it ends the
    /// connection.
    private var closing = CircularBuffer<Bool>()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var part = unwrapInboundIn(data)
        if case .head(var head) = part {
            closing.append(!head.isKeepAlive)
            if !head.isKeepAlive {
                head.headers.replaceOrAdd(name: "connection", value: "close")
                part = .head(head)
            }
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var part = unwrapOutboundIn(data)
        // An interim response (`100 Continue`) is not the request's answer.
        if case .head(var head) = part, head.status.code >= 200, closing.popFirst() == true {
            head.headers.replaceOrAdd(name: "connection", value: "close")
            part = .head(head)
        }
        context.write(wrapOutboundOut(part), promise: promise)
    }
}
