import Foundation
import Hummingbird
import OrionCore
import OrionWorker

/// The read-only routes of Oríon's REST API (reference §10), plus the paging extension and the dashboard's rows.
///
/// Every storage call runs on the ``StorageExecutor``'s threads.
struct APIRoutes: Sendable {
    /// The storage read.
    let storage: any Storage
    /// Where storage calls run.
    let executor: StorageExecutor
    /// The backend's name for `/` (Oríon shows its database class).
    let databaseName: String

    /// The names `/trials/:name` accepts: Oríon's, then the paging extension's.
    static let trialParameters = ["ancestors", "status", "version", "limit", "offset", "sort", "order"]
    /// The paging extension's names.
    static let pagingParameters = ["limit", "offset", "sort", "order"]
    /// The most trials one page may hold.
    static let maximumLimit = 10_000

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/experiments") { _, _ in try await experiments() }
        // An experiment named `status`: the route of the stats has no name here, so this is the experiment's.
        router.get("/experiments/status") { request, _ in
            let query = try QueryParameters(request, supported: ["version"])
            return JSONResponse.make(
                Responses.experiment(
                    try await summary("status", version: try query.integer("version"), algorithmState: true)
                )
            )
        }
        router.get("/experiments/status/:name") { request, context in
            let query = try QueryParameters(request, supported: ["version"])
            let summary = try await summary(try context.pathParameter("name"), version: try query.integer("version"))
            return JSONResponse.make(Responses.stats(summary))
        }
        router.get("/experiments/:name") { request, context in
            let query = try QueryParameters(request, supported: ["version"])
            let summary = try await summary(
                try context.pathParameter("name"),
                version: try query.integer("version"),
                algorithmState: true
            )
            return JSONResponse.make(Responses.experiment(summary))
        }
        router.get("/trials/:name") { request, context in
            try await trials(request, name: try context.pathParameter("name"))
        }
        // Oríon reads no query parameter on these two routes, and ignores any given.
        router.get("/trials/:name/:id") { _, context in
            try await trial(try context.pathParameter("id"), of: try context.pathParameter("name"))
        }
        router.get("/trial-rows/:name") { request, context in
            try await trialRows(request, name: try context.pathParameter("name"))
        }
        router.get("/benchmarks") { _, _ in JSONResponse.make(.array([])) }
        router.get("/benchmarks/:name") { request, context -> Response in
            _ = try QueryParameters(request, supported: ["algorithms", "assessment", "task"])
            let name = try context.pathParameter("name")
            throw APIError(.notFound, title: "Benchmark not found", description: "Benchmark \"\(name)\" does not exist")
        }
    }

    /// `/`: the server's identification.
    func runtime() -> Response {
        JSONResponse.make(
            .object([
                "orion": .string(OrionVersion.current),
                "server": .string("hummingbird"),
                "database": .string(databaseName),
            ])
        )
    }

    /// `/experiments`: the latest version of each experiment, in the order the names were first created (as
    /// Oríon lists its database's documents, and as `orion list` orders its trees).
    func experiments() async throws -> Response {
        let all = try await executor.run { try await storage.experiments() }
        var latest: [String: Int] = [:]
        var names: [String] = []
        let created = all.sorted {
            ($0.metadata.datetime, $0.version, $0.name) < ($1.metadata.datetime, $1.version, $1.name)
        }
        for experiment in created {
            if latest[experiment.name] == nil { names.append(experiment.name) }
            latest[experiment.name] = max(latest[experiment.name] ?? 0, experiment.version)
        }
        let list = names.map { name -> JSONValue in
            .object(["name": .string(name), "version": .int(latest[name] ?? 1)])
        }
        return JSONResponse.make(.array(list))
    }

    /// The experiment named `name` (latest version unless given).
    ///
    /// - Throws: ``APIError`` `Experiment not found`.
    func experiment(_ name: String, version: Int?) async throws -> Experiment {
        // No stored name holds U+0000 (`%00`): SQLite read the name up to it and answered another experiment, and
        // PostgreSQL refuses the byte (a 503 to retry; probe p44b).
        guard !name.contains("\0") else { throw APIError.experimentNotFound(name) }
        let found = try await executor.run { try await storage.experiment(named: name, version: version) }
        guard let found else {
            // A version of a name that has none at all: the experiment does not exist, as Oríon says.
            let named = try await executor.run { try await storage.experiment(named: name, version: nil) }
            throw APIError.experimentNotFound(name, version: named == nil ? nil : version)
        }
        return found
    }

    /// The summary of the experiment named `name`, with whether its algorithm is done when `algorithmState`.
    func summary(_ name: String, version: Int?, algorithmState: Bool = false) async throws -> ExperimentSummary {
        let experiment = try await experiment(name, version: version)
        return try await executor.run {
            try await ExperimentSummary(experiment: experiment, storage: storage, algorithmState: algorithmState)
        }
    }

    /// `/trials/:name`: Oríon's `[{"id": ...}]` of every matching trial; with any of `limit`, `offset`, `sort`,
    /// `order`, one page `{"total", "offset", "limit", "trials": [{"id"}]}`.
    func trials(_ request: Request, name: String) async throws -> Response {
        let query = try QueryParameters(request, supported: Self.trialParameters)
        let statuses = try query.statuses()
        let experiment = try await experiment(name, version: try query.integer("version"))
        let ancestors = try query.boolean("ancestors") ?? false
        guard query.containsAny(Self.pagingParameters) else {
            // Only the ids: read from one column unless the version tree's trials are asked for.
            let ids = try await executor.run {
                guard ancestors else { return try await storage.trialIDs(of: experiment.id, status: statuses) }
                return try await ExperimentTree.trials(
                    of: experiment,
                    status: statuses,
                    withVersionTree: true,
                    storage: storage
                )
                .map(\.id)
            }
            return JSONResponse.make(.array(ids.map { .object(["id": .string($0)]) }))
        }
        let pageQuery = try pageQuery(query, statuses: statuses)
        let page = try await executor.run {
            guard ancestors else { return try await storage.trialPage(of: experiment.id, query: pageQuery) }
            let trials = try await ExperimentTree.trials(
                of: experiment,
                status: statuses,
                withVersionTree: true,
                storage: storage
            )
            return TrialPage.select(from: trials, query: pageQuery)
        }
        return JSONResponse.make(
            .object([
                "total": .int(page.total),
                "offset": .int(pageQuery.offset),
                "limit": .int(pageQuery.limit),
                "trials": .array(page.trials.map { .object(["id": .string($0.id)]) }),
            ])
        )
    }

    /// `/trial-rows/:name`: one page of the dashboard's table, `{"total", "offset", "limit", "rows": [...]}`.
    func trialRows(_ request: Request, name: String) async throws -> Response {
        let query = try QueryParameters(request, supported: ["status", "version"] + Self.pagingParameters)
        let pageQuery = try pageQuery(query, statuses: try query.statuses())
        let experiment = try await experiment(name, version: try query.integer("version"))
        let page = try await executor.run { try await storage.trialPage(of: experiment.id, query: pageQuery) }
        return JSONResponse.make(
            .object([
                "total": .int(page.total),
                "offset": .int(pageQuery.offset),
                "limit": .int(pageQuery.limit),
                "rows": .array(page.trials.map(Responses.trialRow)),
            ])
        )
    }

    /// `/trials/:name/:id`: one trial of the latest version, by its id or by the id Oríon 0.2.7 gave it (a trial
    /// brought over by `scripts/import-orion.py` gets an id of ours; links and logs keep Oríon's).
    func trial(_ id: String, of name: String) async throws -> Response {
        let experiment = try await experiment(name, version: nil)
        guard !id.contains("\0") else { throw APIError.trialNotFound(id) }
        let trial = try await executor.run { () async throws -> Trial? in
            if let trial = try await storage.trial(id: id, of: experiment.id) { return trial }
            guard id.count == 32, id.allSatisfy(\.isHexDigit) else { return nil }
            // Read only for an id that is not ours: O(trials of the experiment).
            let trials = try await storage.trials(of: experiment.id, status: nil)
            let orionIDs = Trial.orionIDs(of: trials)
            return trials.first { orionIDs[$0.id]?.contains(id) == true }
        }
        guard let trial else { throw APIError.trialNotFound(id) }
        return JSONResponse.make(Responses.trial(trial))
    }

    /// The page asked for by `limit`, `offset`, `sort` and `order`.
    func pageQuery(_ query: QueryParameters, statuses: [TrialStatus]?) throws -> TrialPageQuery {
        let limit = try query.integer("limit", minimum: 1) ?? 100
        guard limit <= Self.maximumLimit else {
            throw APIError.invalidParameter(
                "The \"limit\" parameter is invalid. The value must be at most \(Self.maximumLimit)."
            )
        }
        var sort = TrialPageQuery.SortKey.submitTime
        if let text = query.values["sort"] {
            guard let key = TrialPageQuery.SortKey(rawValue: text) else {
                let valid = TrialPageQuery.SortKey.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                throw APIError.invalidParameter("The \"sort\" parameter is invalid. It must be one of [\(valid)]")
            }
            sort = key
        }
        let order = query.values["order"] ?? "asc"
        guard order == "asc" || order == "desc" else {
            throw APIError.invalidParameter("The \"order\" parameter is invalid. It must be one of ['asc', 'desc']")
        }
        return TrialPageQuery(
            statuses: statuses,
            sort: sort,
            descending: order == "desc",
            offset: try query.integer("offset") ?? 0,
            limit: limit
        )
    }
}
