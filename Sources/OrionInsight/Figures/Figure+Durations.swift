import OrionCore

extension Figure {
    /// The durations figure: each trial's running time, and the busy workers over time.
    ///
    /// Not among Oríon's single-experiment plots. Above, each trial's running time against its start time, one
    /// trace (color and legend entry) per status; below, the number of busy workers over time (a step line, on
    /// whole-number ticks). Both share the time axis.
    ///
    /// - Parameters:
    ///   - analysis: the runs and the busy-workers curve.
    ///   - experiment: the experiment (its name).
    /// - Returns: the figure JSON.
    public static func durations(_ analysis: DurationAnalysis, experiment: Experiment) -> JSONValue {
        var layout: [String: JSONValue] = ["title": PlotlyJSON.title("Durations for experiment '\(experiment.name)'")]
        guard !analysis.runs.isEmpty else { return PlotlyJSON.figure([], layout) }
        // Completed first, then the statuses in their usual order: a broken trial is told apart at a glance.
        let order: [TrialStatus] = [.completed, .broken, .interrupted, .reserved, .suspended, .new]
        let statuses = order.filter { status in analysis.runs.contains { $0.status == status } }
        let traces: [JSONValue] = statuses.map { status in
            let runs = analysis.runs.filter { $0.status == status }
            return [
                "type": "scatter", "mode": "markers", "name": .string(status.rawValue),
                "x": .array(runs.map { PlotlyJSON.time($0.start) }),
                "y": PlotlyJSON.numbers(runs.map(\.seconds)),
                "customdata": .array(runs.map { [.string($0.trialID), .string($0.status.rawValue)] }),
                "hovertemplate": .string(
                    "<b>ID: %{customdata[0]}</b><br>%{customdata[1]}<br>started: %{x}<br>duration: %{y:.3f} s"
                        + "<extra></extra>"
                ),
                "xaxis": "x", "yaxis": "y",
            ]
        }
        let busy: JSONValue = [
            "type": "scatter", "mode": "lines", "name": "busy workers",
            "x": .array(analysis.busyWorkers.map { PlotlyJSON.time($0.time) }),
            "y": .array(analysis.busyWorkers.map { .int($0.busy) }),
            "line": ["shape": "hv"],
            "xaxis": "x2", "yaxis": "y2",
        ]
        layout["xaxis"] = PlotlyJSON.axis(nil, ["anchor": "y", "matches": "x2", "showticklabels": false])
        layout["yaxis"] = PlotlyJSON.axis("Trial duration (s)", ["anchor": "x", "domain": [0.55, 1.0]])
        layout["xaxis2"] = PlotlyJSON.axis("Time", ["anchor": "y2"])
        // Whole numbers of workers: at most about six ticks, a whole number apart.
        let step = max(1, Int((Double(analysis.maxBusy) / 6).rounded(.up)))
        layout["yaxis2"] = PlotlyJSON.axis(
            "Busy workers",
            ["anchor": "x2", "domain": [0.0, 0.45], "rangemode": "tozero", "tick0": 0, "dtick": .int(step)]
        )
        return PlotlyJSON.figure(traces + [busy], layout)
    }

    /// The rungs figure: the objectives at each fidelity and the best of each rung.
    ///
    /// Not among Oríon's single-experiment plots. One marker trace per rung (the completed trials' objectives at
    /// that fidelity) and a line through each rung's best objective, on a log fidelity axis.
    ///
    /// - Parameters:
    ///   - analysis: the rungs.
    ///   - experiment: the experiment (its name).
    /// - Returns: the figure JSON.
    public static func rungs(_ analysis: RungAnalysis, experiment: Experiment) -> JSONValue {
        var layout: [String: JSONValue] = ["title": PlotlyJSON.title("Rungs for experiment '\(experiment.name)'")]
        guard !analysis.rungs.isEmpty else { return PlotlyJSON.figure([], layout) }
        var traces: [JSONValue] = analysis.rungs.map { rung in
            [
                "type": "scatter", "mode": "markers",
                "name": .string(
                    "\(PlotlyJSON.format(.double(rung.fidelity))): \(rung.completed)/\(rung.trials) completed"
                ),
                "x": .array(rung.objectives.map { _ in PlotlyJSON.number(rung.fidelity) }),
                "y": PlotlyJSON.numbers(rung.objectives.map(\.objective)),
                "customdata": .array(rung.objectives.map { [.string($0.trialID)] }),
                "hovertemplate": "<b>ID: %{customdata[0]}</b><br>fidelity: %{x}<br>value: %{y}<extra></extra>",
            ]
        }
        let ranked = analysis.rungs.filter { $0.best != nil }
        traces.append(
            [
                "type": "scatter", "mode": "lines+markers", "name": "best per rung",
                "x": PlotlyJSON.numbers(ranked.map(\.fidelity)),
                "y": .array(ranked.map { PlotlyJSON.number($0.best) }),
            ]
        )
        layout["xaxis"] = PlotlyJSON.axis(analysis.fidelityName, ["type": "log"])
        layout["yaxis"] = PlotlyJSON.axis(PlotlyJSON.objectiveTitle(analysis.objectiveName))
        return PlotlyJSON.figure(traces, layout)
    }
}
