import Hummingbird
import OrionCore
import OrionInsight

/// `/plots/:kind/:name`: an experiment's plotly figure as JSON, Oríon's four single-experiment kinds.
public struct PlotRoutes: Sendable {
    /// Draws the figure of `kind` for an experiment: the plotly figure JSON text.
    public typealias Renderer =
        @Sendable (_ kind: String, _ experiment: Experiment, _ storage: any Storage) async throws
        -> String

    /// Oríon's kinds served here.
    public static let kinds = ["lpi", "parallel_coordinates", "partial_dependencies", "regret"]

    /// Draws with OrionInsight (`Figure.make`, Oríon's default options): what `orion serve` uses.
    public static let insight: Renderer = { kind, experiment, storage in
        let figure = try await Figure.make(try PlotKind(named: kind), experiment: experiment, storage: storage)
        return FigureExport.plotlyJSON(figure)
    }

    let api: APIRoutes
    let renderer: Renderer?
    /// Lets a quarter of the storage executor's threads draw plots at once, so that the other requests keep the rest.
    let gate: ConcurrencyGate

    init(api: APIRoutes, renderer: Renderer?) {
        self.api = api
        self.renderer = renderer
        gate = ConcurrencyGate(limit: api.executor.threadCount / 4)
    }

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/plots/:kind/:name") { request, context in
            let kind = try context.pathParameter("kind")
            guard Self.kinds.contains(kind) else { throw APIError.bare(.notFound) }
            // Oríon's plot routes read no query and ignore any; `version` is ours, every other name is ignored.
            let query = try QueryParameters(request, supported: ["version"], ignoringOthers: true)
            let experiment = try await api.experiment(
                try context.pathParameter("name"),
                version: query.integer("version")
            )
            guard let renderer else {
                throw APIError(
                    .notImplemented,
                    title: "Plot not available",
                    description: "this server was started without plots"
                )
            }
            let storage = api.storage
            let executor = api.executor
            let figure = try await gate.run { try await executor.run { try await renderer(kind, experiment, storage) } }
            // A plot reads every trial of the experiment, whatever the size of its figure.
            MemoryTrim.soon()
            return JSONResponse.text(figure, contentType: "application/json")
        }
    }
}
