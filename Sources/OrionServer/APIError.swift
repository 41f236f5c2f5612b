import Foundation
import HTTPTypes
import Hummingbird
import OrionCore

/// An error answered the way Oríon's server answers it: a status and `{"title": ..., "description": ...}`.
public struct APIError: Error, Sendable, Equatable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// Oríon's title (`Experiment not found`, `Invalid parameter`, ...).
    public var title: String
    /// What exactly is wrong; absent for the bare `{"title": "404 Not Found"}` of an unknown route.
    public var description: String?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - title: the title.
    ///   - description: the details.
    public init(_ status: HTTPResponse.Status, title: String, description: String? = nil) {
        self.status = status
        self.title = title
        self.description = description
    }

    /// `Experiment not found` (404).
    static func experimentNotFound(_ name: String, version: Int? = nil) -> APIError {
        let text =
            version.map { "Experiment \"\(name)\" has no version \"\($0)\"" }
            ?? "Experiment \"\(name)\" does not exist"
        return APIError(.notFound, title: "Experiment not found", description: text)
    }

    /// `Trial not found` (404), Oríon's description.
    static func trialNotFound(_ id: String) -> APIError {
        APIError(.notFound, title: "Trial not found", description: "Trial \"\(id)\" does not exist")
    }

    /// `Invalid parameter` (400).
    static func invalidParameter(_ description: String) -> APIError {
        APIError(.badRequest, title: "Invalid parameter", description: description)
    }

    /// The bare error of a route that does not exist, or of a status without a specific title
    /// (`{"title": "404 Not Found"}`).
    static func bare(_ status: HTTPResponse.Status) -> APIError {
        APIError(status, title: "\(status.code) \(status.reasonPhrase)")
    }

    /// The body: `{"title": ..., "description": ...}`.
    var body: JSONValue {
        var members: [String: JSONValue] = ["title": .string(title)]
        if let description { members["description"] = .string(description) }
        return .object(members)
    }

    /// The answer: the body as JSON, with `vary: Accept` as on every error of Oríon's server.
    ///
    /// Falcon picks an error's media type from `Accept`, so caches must key on it; answers that succeed carry no
    /// `vary`. A 503 (the storage out of reach or its lock busy) says when to ask again: `retry-after` of
    /// ``APIServer/requestRetryFor``.
    var response: Response {
        var response = JSONResponse.make(body, status: status)
        response.headers[.vary] = "Accept"
        if status == .serviceUnavailable {
            response.headers[.retryAfter] = "\(APIServer.requestRetryFor.components.seconds)"
        }
        return response
    }

    /// The error for anything thrown while answering: an ``APIError`` as it is, Hummingbird's errors as their bare
    /// status, Oríon's own errors with the status of their kind (`ErrorReport`) and their message.
    ///
    /// - Parameter error: what was thrown.
    /// - Returns: the error to answer with.
    static func from(_ error: any Error) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? any HTTPResponseError { return .bare(error.status) }
        let report = ErrorReport(error)
        let status = Self.status(code: report.httpStatus)
        return APIError(status, title: "\(status.code) \(status.reasonPhrase)", description: report.message)
    }

    /// The status of `code` with its reason phrase, as falcon titles its errors (`503 Service Unavailable`):
    /// `HTTPResponse.Status(code:)` has none, and the title of a 503 read `"503 "`.
    static func status(code: Int) -> HTTPResponse.Status {
        let known: [HTTPResponse.Status] = [
            .badRequest, .notFound, .conflict, .internalServerError, .serviceUnavailable, .notImplemented,
        ]
        return known.first { $0.code == code } ?? HTTPResponse.Status(code: code)
    }
}

/// Answers every error thrown by a route, or by the router for a route that does not exist, with Oríon's JSON body.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return APIError.from(error).response
        }
    }
}
