import Foundation
import OrionCore
import OrionWorker

/// Plotly figures of an experiment: `{"data": [...], "layout": {...}}` JSON, the shapes Oríon's plotly backend
/// produces (trace types and names, titles, axis titles), ready for `orion plot`, a REST route or plotly.js.
///
/// ```swift
/// let figure = try await Figure.make(.regret, experiment: experiment, storage: storage)
/// ```
///
/// Differences from Oríon's JSON (docs/plotting.md): no `layout.template` (plotly.js applies its defaults), times
/// as UTC text, and a figure with no data keeps its title.
public enum Figure {
    /// The figure of a stored experiment.
    ///
    /// - Parameters:
    ///   - kind: which plot.
    ///   - experiment: the experiment.
    ///   - storage: where it is stored.
    ///   - options: the plot's options (Oríon's defaults).
    ///   - now: the end of the trials still running (`durations`).
    /// - Returns: the figure JSON.
    /// - Throws: ``InsightError`` for an option that does not apply; the storage's errors.
    public static func make(
        _ kind: PlotKind,
        experiment: Experiment,
        storage: any Storage,
        options: PlotOptions = PlotOptions(),
        now: Date = Date()
    ) async throws -> JSONValue {
        let trials = try await ExperimentTrials.load(
            of: experiment,
            storage: storage,
            withEVCTree: options.withEVCTree
        )
        return try make(kind, experiment: experiment, trials: trials, options: options, now: now)
    }

    /// The figure of the experiment called `name`.
    ///
    /// - Parameters:
    ///   - kind: which plot.
    ///   - name: the experiment's name.
    ///   - version: its version; `nil` for the latest.
    ///   - storage: where it is stored.
    ///   - options: the plot's options.
    /// - Returns: the experiment (for naming the output) and the figure JSON.
    /// - Throws: `ExperimentError` `.notFound` when no such experiment exists; as
    ///   ``make(_:experiment:storage:options:now:)``.
    public static func make(
        _ kind: PlotKind,
        named name: String,
        version: Int? = nil,
        storage: any Storage,
        options: PlotOptions = PlotOptions()
    ) async throws -> (experiment: Experiment, figure: JSONValue) {
        guard let experiment = try await storage.experiment(named: name, version: version) else {
            let which = version.map { " and version \($0)" } ?? ""
            throw ExperimentError(.notFound, "no experiment named '\(name)'\(which); run `orion list` to see them")
        }
        return (experiment, try await make(kind, experiment: experiment, storage: storage, options: options))
    }

    /// The figure of `experiment` drawn from `trials` (no storage access).
    ///
    /// - Parameters:
    ///   - kind: which plot.
    ///   - experiment: the experiment (its name, space).
    ///   - trials: its trials (``ExperimentTrials/load(of:storage:withEVCTree:)``).
    ///   - options: the plot's options.
    ///   - now: the end of the trials still running (`durations`).
    /// - Returns: the figure JSON.
    /// - Throws: ``InsightError`` for a parameter that is not in the space, or `rungs` without a fidelity.
    public static func make(
        _ kind: PlotKind,
        experiment: Experiment,
        trials: [Trial],
        options: PlotOptions = PlotOptions(),
        now: Date = Date()
    ) throws(InsightError) -> JSONValue {
        switch kind {
        case .regret:
            return regret(
                RegretAnalysis(trials: trials, order: options.order),
                experiment: experiment,
                options: options
            )
        case .lpi:
            return lpi(
                LocalParameterImportance(trials: trials, space: experiment.space, options: options.lpi),
                experiment: experiment,
                // As the other kinds: a trial whose objective is not finite (inf, NaN) is no data; a 0.0 bar for an
                // experiment whose every objective was inf said the parameter did not matter (probe hD3's F3).
                hasData: trials.contains { $0.status == .completed && $0.objective?.isFinite == true }
            )
        case .parallelCoordinates:
            return parallelCoordinates(
                try ParallelCoordinates(trials: trials, space: experiment.space, order: options.parameterOrder),
                experiment: experiment,
                options: options
            )
        case .partialDependencies:
            return partialDependencies(
                try PartialDependence(trials: trials, space: experiment.space, options: options.partialDependence),
                experiment: experiment,
                trials: trials,
                options: options
            )
        case .durations:
            return durations(DurationAnalysis(trials: trials, now: now), experiment: experiment)
        case .rungs:
            return rungs(try RungAnalysis(trials: trials, space: experiment.space), experiment: experiment)
        }
    }

    /// Oríon's regret figure: a `trials` scatter of objectives (markers) and a `best-to-date` line.
    ///
    /// - Parameters:
    ///   - analysis: the regret curve.
    ///   - experiment: the experiment (its name).
    ///   - options: `verboseHover`.
    /// - Returns: the figure JSON.
    public static func regret(_ analysis: RegretAnalysis, experiment: Experiment, options: PlotOptions = PlotOptions())
        -> JSONValue
    {
        var layout: [String: JSONValue] = ["title": PlotlyJSON.title("Regret for experiment '\(experiment.name)'")]
        guard !analysis.points.isEmpty else { return PlotlyJSON.figure([], layout) }
        let points = analysis.points
        let trials: JSONValue = [
            "type": "scatter",
            "mode": "markers",
            "name": "trials",
            "y": PlotlyJSON.numbers(points.map(\.objective)),
            "customdata": .array(
                points.map {
                    [.string($0.trialID), PlotlyJSON.time($0.time), .string(PlotlyJSON.parameters($0.params))]
                }
            ),
            "hovertemplate": .string(PlotlyJSON.trialHover(verbose: options.verboseHover)),
        ]
        let best: JSONValue = [
            "type": "scatter",
            "mode": "lines",
            "name": "best-to-date",
            "y": .array(points.map { PlotlyJSON.number($0.best) }),
            "customdata": .array(
                points.map { [$0.bestTrialID.map(JSONValue.string) ?? .null, PlotlyJSON.number($0.best)] }
            ),
            "hovertemplate": "<b>Best ID: %{customdata[0]}</b><br>value: %{customdata[1]}<extra></extra>",
        ]
        layout["xaxis"] = PlotlyJSON.axis("Trials ordered by \(analysis.order.rawValue) time")
        layout["yaxis"] = PlotlyJSON.axis(PlotlyJSON.objectiveTitle(analysis.objectiveName))
        return PlotlyJSON.figure([trials, best], layout)
    }

    /// Oríon's LPI figure: one bar per parameter with its standard deviation as error bars.
    ///
    /// - Parameters:
    ///   - analysis: the importances.
    ///   - experiment: the experiment (its name).
    ///   - hasData: whether there were completed trials with a finite objective (without, the figure has no data, as
    ///     Oríon's).
    /// - Returns: the figure JSON.
    public static func lpi(_ analysis: LocalParameterImportance, experiment: Experiment, hasData: Bool = true)
        -> JSONValue
    {
        var layout: [String: JSONValue] = ["title": PlotlyJSON.title("LPI for experiment '\(experiment.name)'")]
        guard hasData else { return PlotlyJSON.figure([], layout) }
        let bars: JSONValue = [
            "type": "bar",
            "x": .array(analysis.entries.map { .string($0.name) }),
            "y": PlotlyJSON.numbers(analysis.entries.map(\.importance)),
            "error_y": ["type": "data", "array": PlotlyJSON.numbers(analysis.entries.map(\.standardDeviation))],
        ]
        layout["xaxis"] = PlotlyJSON.axis("Hyperparameters")
        layout["yaxis"] = PlotlyJSON.axis("Local Parameter Importance (LPI)")
        return PlotlyJSON.figure([bars], layout)
    }

    /// Oríon's parallel coordinates figure: one `parcoords` trace, lines colored by objective.
    ///
    /// - Parameters:
    ///   - data: the axes.
    ///   - experiment: the experiment (its name).
    ///   - options: `parallelColorscale`.
    /// - Returns: the figure JSON.
    public static func parallelCoordinates(
        _ data: ParallelCoordinates,
        experiment: Experiment,
        options: PlotOptions = PlotOptions()
    ) -> JSONValue {
        let layout: [String: JSONValue] = [
            "title": PlotlyJSON.title("Parallel Coordinates Plot for experiment '\(experiment.name)'")
        ]
        guard !data.trialIDs.isEmpty, let objective = data.axes.last else { return PlotlyJSON.figure([], layout) }
        let dimensions: [JSONValue] = data.axes.map { axis in
            var members: [String: JSONValue] = [
                "label": .string(axis.label), "values": PlotlyJSON.numbers(axis.values, integers: axis.isInteger),
            ]
            if let range = axis.range { members["range"] = PlotlyJSON.numbers(range, integers: axis.isInteger) }
            if let ticks = axis.tickValues { members["tickvals"] = .array(ticks.map { .int($0) }) }
            if let text = axis.tickText { members["ticktext"] = .array(text.map { .string($0) }) }
            return .object(members)
        }
        var line = PlotlyJSON.colorscale(options.parallelColorscale)
        line["color"] = PlotlyJSON.numbers(objective.values)
        line["showscale"] = true
        line["cmin"] = PlotlyJSON.number(objective.range?.first)
        line["cmax"] = PlotlyJSON.number(objective.range?.last)
        line["colorbar"] = ["title": PlotlyJSON.title(data.objectiveName)]
        let trace: JSONValue = ["type": "parcoords", "line": .object(line), "dimensions": .array(dimensions)]
        return PlotlyJSON.figure([trace], layout)
    }
}
