import ArgumentParser
import Foundation
import OrionCore
import OrionInsight
import OrionWorker

/// `orion plot KIND -n NAME`: writes a figure of one experiment (html, json, or an image through Chromium).
struct Plot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plot an experiment: regret, parallel coordinates, parameter importance, partial dependencies, ...",
        discussion: """
            Writes {name}-v{version}_{kind}.{type} in the current directory, or OUTPUT (whose extension, if any, \
            is the type). html (the default) is one self-contained file that opens offline; json is the plotly \
            figure; png, jpg, webp, svg and pdf need headless Chromium (docs/plotting.md).
            """
    )

    @Argument(help: "The plot: \(PlotKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: String

    @OptionGroup var options: ExperimentOptions

    @Option(
        name: [.customShort("t"), .long],
        help: "Output type: \(FigureFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: html)."
    )
    var type: String?

    @Option(name: [.customShort("o"), .long], help: "Output file; its extension, if any, overrides --type.")
    var output: String?

    // Unconditional: `--scale -1` reads -1 as the value (and gets the range error), as argparse does; it was
    // "Missing value for --scale".
    @Option(parsing: .unconditional, help: "Image scale (png, jpg, webp).")
    var scale: Double = 1

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let plotKind = try PlotKind(named: kind)
            guard scale.isFinite, scale > 0, scale <= 20 else {
                throw UsageError("--scale must be a number above 0 and at most 20 (got \(scale))")
            }
            let context = try CommandContext(options: options)
            guard let name = options.name ?? context.configuration.experiment.name else {
                throw UsageError("orion plot needs an experiment name: orion plot \(plotKind.rawValue) -n NAME")
            }
            let version = try await context.resolvedVersion(
                of: name,
                context.configuration.experiment.version
            )
            guard let experiment = try await context.storage.experiment(named: name, version: version) else {
                let which = version.map { " and version \($0)" } ?? ""
                throw ExperimentError(.notFound, "no experiment named '\(name)'\(which); run `orion list` to see them")
            }
            let (path, format) = try FigureExport.destination(
                kind: plotKind,
                experiment: experiment,
                type: type,
                output: output
            )
            let figure = try await Figure.make(plotKind, experiment: experiment, storage: context.storage)
            let data = try FigureExport.data(
                of: figure,
                format: format,
                title: "\(plotKind.rawValue) of \(experiment.displayName)",
                scale: scale
            )
            do {
                let url = URL(fileURLWithPath: path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(),
                    withIntermediateDirectories: true
                )
                try data.write(to: url)
            } catch {
                throw UsageError("cannot write \(path): \(error.localizedDescription)")
            }
            StandardStream.emit("Wrote \(path)\n")
        }
    }
}
