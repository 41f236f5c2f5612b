import OrionCore

/// The OpenAPI 3.1 description of every route, served at `/openapi.json`.
enum OpenAPIDocument {
    /// One route of the API, as the document lists it.
    struct Route {
        /// The path in OpenAPI's template form (`/experiments/{name}`).
        var path: String
        /// One line saying what it returns.
        var summary: String
        /// Its query parameters: name, type, description.
        var query: [(name: String, type: String, description: String)] = []
        /// The media type of a success.
        var mediaType = "application/json"
    }

    private static let version = ("version", "integer", "The experiment's version (default: the latest).")
    private static let paging: [(name: String, type: String, description: String)] = [
        ("limit", "integer", "Extension: the page's size (1 to 10000, default 100)."),
        ("offset", "integer", "Extension: how many matching trials to skip (default 0)."),
        ("sort", "string", "Extension: submitTime (default), startTime, endTime, objective, status or id."),
        ("order", "string", "Extension: asc (default) or desc; trials without a value come last."),
    ]
    private static let status = ("status", "string", "Only trials with this status (repeat or comma-separate).")

    /// Every route, in the order the document lists them.
    static let routes: [Route] = [
        Route(path: "/", summary: "The server: Oríon's version, the server and the database (HTML: the dashboard)."),
        Route(path: "/experiments", summary: "The latest version of each experiment: [{name, version}]."),
        Route(
            path: "/experiments/{name}",
            summary: "One experiment: status, completed trials, times, configuration and best trial.",
            query: [version]
        ),
        Route(
            path: "/experiments/status/{name}",
            summary: "An experiment's statistics (Oríon's ExperimentStats.to_json()).",
            query: [version]
        ),
        Route(
            path: "/trials/{name}",
            summary:
                "The ids of an experiment's trials: [{id}]; with a paging parameter, {total, offset, limit, trials}.",
            query: [("ancestors", "boolean", "Include the trials inherited from parent versions."), status, version]
                + paging
        ),
        Route(path: "/trials/{name}/{id}", summary: "One trial of the experiment's latest version."),
        Route(
            path: "/trial-rows/{name}",
            summary: "Extension: one page of trials with their figures, {total, offset, limit, rows} (the dashboard).",
            query: [status, version] + paging
        ),
        Route(
            path: "/plots/{kind}/{name}",
            summary: "A plotly figure (kind: lpi, parallel_coordinates, partial_dependencies, regret).",
            query: [version]
        ),
        Route(path: "/benchmarks", summary: "The stored benchmarks: [{name, algorithms, tasks, assessments}]."),
        Route(
            path: "/benchmarks/{name}",
            summary: "One benchmark with its analysis.",
            query: [
                ("assessment", "string", "Only this assessment."), ("task", "string", "Only this task."),
                ("algorithms", "string", "Only these algorithms."),
            ]
        ),
        Route(path: "/openapi.json", summary: "This document."),
        Route(path: "/dashboard", summary: "The web dashboard.", mediaType: "text/html"),
    ]

    /// The document.
    static var json: JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            var parameters: [JSONValue] = pathParameters(of: route.path).map { name in
                .object([
                    "name": .string(name), "in": .string("path"), "required": .bool(true),
                    "schema": .object(["type": .string("string")]),
                ])
            }
            parameters += route.query.map { name, type, description in
                .object([
                    "name": .string(name), "in": .string("query"), "required": .bool(false),
                    "description": .string(description), "schema": .object(["type": .string(type)]),
                ])
            }
            paths[route.path] = .object([
                "get": .object([
                    "summary": .string(route.summary),
                    "parameters": .array(parameters),
                    "responses": .object([
                        "200": .object([
                            "description": .string("Success"),
                            "content": .object([route.mediaType: .object([:])]),
                        ]),
                        "400": error("Invalid parameter"),
                        "404": error("Not found: {\"title\": \"Experiment not found\", \"description\": ...}"),
                        "403": error("An Origin outside frontends_uri"),
                    ]),
                ])
            ])
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("swift-orion REST API"),
                "version": .string(OrionVersion.current),
                "description": .string("Oríon's read-only REST API (orion serve), with paging extensions."),
            ]),
            "paths": .object(paths),
        ])
    }

    private static func error(_ description: String) -> JSONValue {
        .object([
            "description": .string(description),
            "content": .object([
                "application/json": .object([
                    "schema": .object([
                        "type": .string("object"),
                        "properties": .object([
                            "title": .object(["type": .string("string")]),
                            "description": .object(["type": .string("string")]),
                        ]),
                    ])
                ])
            ]),
        ])
    }

    /// The `{name}` segments of a path template.
    static func pathParameters(of path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map {
            String($0.dropFirst().dropLast())
        }
    }
}
