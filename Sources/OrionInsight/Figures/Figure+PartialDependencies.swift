import OrionCore

extension Figure {
    /// Oríon's partial dependencies figure: an n × n grid of subplots for n parameters; on the diagonal the mean
    /// prediction along each parameter with a ±1 standard deviation band and the trials (objective against the
    /// parameter); below it a contour of each pair with the trials; columns share their x axis.
    ///
    /// - Parameters:
    ///   - analysis: the dependencies.
    ///   - experiment: the experiment (its name, space).
    ///   - trials: the trials drawn as points (completed ones).
    ///   - options: `smoothing`, `colorscale`, `verboseHover`.
    /// - Returns: the figure JSON.
    public static func partialDependencies(
        _ analysis: PartialDependence,
        experiment: Experiment,
        trials: [Trial],
        options: PlotOptions = PlotOptions()
    ) -> JSONValue {
        var layout: [String: JSONValue] = [
            "title": PlotlyJSON.title("Partial dependencies for experiment '\(experiment.name)'")
        ]
        guard !analysis.curves.isEmpty else { return PlotlyJSON.figure([], layout) }
        let features = FeatureSpace(space: experiment.space)
        let completed = TrialOrder.suggested.sorted(
            trials.filter { $0.status == .completed && ($0.objective?.isFinite ?? false) }
        )
        let params = analysis.params
        let count = params.count
        let grid = SubplotGrid(rows: count, columns: count)
        func trialValues(_ name: String) -> JSONValue {
            guard let index = features.index(of: name) else { return .array([]) }
            return .array(completed.map { PlotlyJSON.axisValue(features.value(of: index, in: $0.params)) })
        }
        // Every trial's parameters in the hover of the one-parameter plots only: in each of the pair plots too they
        // made the figure grow with the cube of the dimensions (1.7 GB for 100 trials of 100 dimensions); a pair
        // plot's point shows its two parameters as its position.
        let verbose = options.verboseHover
        let withParameters: JSONValue = .array(
            completed.map { trial -> JSONValue in
                let parameters: [JSONValue] = verbose ? [.string(PlotlyJSON.parameters(trial.params))] : []
                return .array([.string(trial.id), PlotlyJSON.time(trial.submitTime)] + parameters)
            }
        )
        let withoutParameters: JSONValue = .array(
            completed.map { .array([.string($0.id), PlotlyJSON.time($0.submitTime)]) }
        )
        func scatter(_ x: JSONValue, _ y: JSONValue, row: Int, column: Int) -> JSONValue {
            let diagonal = row == column
            var trace: [String: JSONValue] = [
                "type": "scatter", "mode": "markers", "x": x, "y": y, "opacity": 0.5, "showlegend": false,
                "marker": ["line": ["width": 0.5, "color": "Grey"], "color": "black", "size": 5],
                "customdata": diagonal ? withParameters : withoutParameters,
                "hovertemplate": .string(PlotlyJSON.trialHover(verbose: verbose && diagonal)),
            ]
            grid.place(&trace, row: row, column: column)
            return .object(trace)
        }
        let color = "#1F77B4"
        var traces: [JSONValue] = []
        var low = Double.infinity
        var high = -Double.infinity
        for surface in analysis.surfaces {
            for value in surface.mean.joined() where value.isFinite {
                low = min(low, value)
                high = max(high, value)
            }
        }
        for (i, curve) in analysis.curves.enumerated() {
            let x = JSONValue.array(curve.grid.map(PlotlyJSON.axisValue))
            var line: [String: JSONValue] = [
                "type": "scatter", "mode": "lines", "x": x, "y": PlotlyJSON.numbers(curve.mean), "showlegend": false,
                "line": ["color": .string(color)],
            ]
            grid.place(&line, row: i, column: i)
            let upper = zip(curve.mean, curve.standardDeviation).map { $0 + $1 }
            let lower = zip(curve.mean, curve.standardDeviation).map { $0 - $1 }
            var band: [String: JSONValue] = [
                "type": "scatter", "mode": "lines", "fill": "toself", "showlegend": false,
                "x": .array((curve.grid + curve.grid.reversed()).map(PlotlyJSON.axisValue)),
                "y": PlotlyJSON.numbers(lower + upper.reversed()),
                "line": ["color": .string(color), "width": 0],
            ]
            grid.place(&band, row: i, column: i)
            traces += [.object(line), .object(band)]
            traces.append(
                scatter(
                    trialValues(curve.name),
                    PlotlyJSON.numbers(completed.compactMap(\.objective)),
                    row: i,
                    column: i
                )
            )
            for (j, other) in params.enumerated() where j > i {
                guard let surface = analysis.surfaces.first(where: { $0.x == curve.name && $0.y == other }) else {
                    continue
                }
                var contour: [String: JSONValue] = [
                    "type": "contour",
                    "x": .array(surface.xGrid.map(PlotlyJSON.axisValue)),
                    "y": .array(surface.yGrid.map(PlotlyJSON.axisValue)),
                    "z": .array(surface.mean.map(PlotlyJSON.numbers)),
                    "connectgaps": true,
                    "coloraxis": "coloraxis",
                    "line": ["smoothing": PlotlyJSON.number(options.smoothing)],
                    "contours": [
                        "coloring": "heatmap", "showlabels": true, "labelfont": ["size": 12, "color": "white"],
                    ],
                ]
                grid.place(&contour, row: j, column: i)
                traces.append(.object(contour))
                traces.append(scatter(trialValues(curve.name), trialValues(other), row: j, column: i))
            }
        }
        for row in 0..<count {
            for column in 0...row {
                var x: [String: JSONValue] = ["anchor": .string(grid.yName(row: row, column: column))]
                var y: [String: JSONValue] = ["anchor": .string(grid.xName(row: row, column: column))]
                x["domain"] = PlotlyJSON.numbers(grid.xDomain(column: column))
                y["domain"] = PlotlyJSON.numbers(grid.yDomain(row: row))
                if row < count - 1 {
                    x["matches"] = .string(grid.xName(row: count - 1, column: column))
                    x["showticklabels"] = false
                }
                if row == count - 1 { x["title"] = PlotlyJSON.title(params[column]) }
                if column == 0 { y["title"] = PlotlyJSON.title(row == 0 ? "Objective" : params[row]) }
                if Self.isLogScale(params[column], features) { x["type"] = "log" }
                if row != column, Self.isLogScale(params[row], features) { y["type"] = "log" }
                if row == column, low <= high { y["range"] = PlotlyJSON.numbers([low, high]) }
                layout[grid.axisKey("xaxis", row: row, column: column)] = .object(x)
                layout[grid.axisKey("yaxis", row: row, column: column)] = .object(y)
            }
        }
        var coloraxis = PlotlyJSON.colorscale(options.colorscale)
        coloraxis["colorbar"] = ["title": PlotlyJSON.title("Objective")]
        layout["coloraxis"] = .object(coloraxis)
        layout["showlegend"] = false
        layout["paper_bgcolor"] = "rgba(0,0,0,0)"
        layout["plot_bgcolor"] = "rgba(0,0,0,0)"
        return PlotlyJSON.figure(traces, layout)
    }

    /// Whether the feature called `name` is drawn on a log axis (`loguniform`, fidelity), as Oríon draws it.
    static func isLogScale(_ name: String, _ features: FeatureSpace) -> Bool {
        guard let index = features.index(of: name) else { return false }
        let dimension = features.features[index].dimension
        return dimension.isLogScale || dimension.kind == .fidelity
    }
}

/// The axes of a grid of subplots, laid out as plotly.py's `make_subplots` does (row 0 on top; spacing 0.2 / columns
/// across and 0.3 / rows down).
struct SubplotGrid {
    let rows: Int
    let columns: Int

    /// The 1-based number of the subplot's axes (`x`, `x2`, ...), row by row.
    func number(row: Int, column: Int) -> Int { row * columns + column + 1 }

    /// `x`, `x2`, ...: the name a trace gives its x axis.
    func xName(row: Int, column: Int) -> String {
        let number = number(row: row, column: column)
        return number == 1 ? "x" : "x\(number)"
    }

    /// `y`, `y2`, ...: the name a trace gives its y axis.
    func yName(row: Int, column: Int) -> String {
        let number = number(row: row, column: column)
        return number == 1 ? "y" : "y\(number)"
    }

    /// `xaxis`, `xaxis2`, ...: the layout key of an axis (`prefix` is `xaxis` or `yaxis`).
    func axisKey(_ prefix: String, row: Int, column: Int) -> String {
        let number = number(row: row, column: column)
        return number == 1 ? prefix : "\(prefix)\(number)"
    }

    /// Puts a trace on the subplot's axes.
    func place(_ trace: inout [String: JSONValue], row: Int, column: Int) {
        trace["xaxis"] = .string(xName(row: row, column: column))
        trace["yaxis"] = .string(yName(row: row, column: column))
    }

    /// The horizontal extent of a column, in `[0, 1]`, to the bit as plotly.py computes it.
    func xDomain(column: Int) -> [Double] {
        let spacing = columns > 1 ? 0.2 / Double(columns) : 0
        let width = (1 - spacing * Double(columns - 1)) / Double(columns)
        let start = Self.start(of: column, size: width, spacing: spacing)
        return [start, min(start + width, 1)]
    }

    /// The vertical extent of a row, in `[0, 1]` (row 0 on top), to the bit as plotly.py computes it: from the
    /// bottom up, ends within 0.01 outside `[0, 1]` rounded onto it.
    func yDomain(row: Int) -> [Double] {
        let spacing = rows > 1 ? 0.3 / Double(rows) : 0
        let height = (1 - spacing * Double(rows - 1)) / Double(rows)
        let start = Self.start(of: rows - 1 - row, size: height, spacing: spacing)
        return [start, start + height].map { Swift.min(Swift.max($0, 0), 1) }
    }

    /// plotly.py's `sum(sizes[:index]) + index * spacing`: the sizes added one by one (not `index * size`, which
    /// can differ in the last bit, and did: `0.7333333333333334` for plotly's `0.7333333333333333`).
    private static func start(of index: Int, size: Double, spacing: Double) -> Double {
        var sum = 0.0
        for _ in 0..<index { sum += size }
        return sum + Double(index) * spacing
    }
}
