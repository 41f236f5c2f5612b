import Foundation
import OrionCore

/// Renders figures to images with headless Chromium, through plotly.js's own `toImage` (as Oríon's kaleido does):
/// PNG, JPEG, WebP and SVG from the page's DOM (`--dump-dom`), PDF with `--print-to-pdf`.
///
/// The page is a temporary file with plotly.js inlined; Chromium runs with a temporary profile, as argv (never a
/// shell), and nothing is fetched from the network.
public struct ChromiumRenderer: Sendable {
    /// The browser executable.
    public var executable: String
    /// The longest a rendering may take, in seconds (default 180: a loaded machine is slow to start Chromium).
    public var timeout: Double = 180

    /// Names tried on `PATH`, in order, when `ORION_CHROMIUM` is not set.
    public static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"]

    /// A renderer using `executable`.
    ///
    /// - Parameter executable: the browser's path.
    public init(executable: String) {
        self.executable = executable
    }

    /// The browser named by `ORION_CHROMIUM`, or the first of ``candidates`` on `PATH`.
    ///
    /// - Parameter environment: the process environment.
    /// - Returns: a renderer.
    /// - Throws: ``InsightError`` `.missingAsset` saying what to install.
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) throws(InsightError)
        -> ChromiumRenderer
    {
        if let chosen = environment["ORION_CHROMIUM"], !chosen.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: chosen) else {
                throw InsightError(.missingAsset, "ORION_CHROMIUM=\(chosen) is not an executable file")
            }
            return ChromiumRenderer(executable: chosen)
        }
        let directories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for name in candidates {
            for directory in directories {
                let path = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return ChromiumRenderer(executable: path) }
            }
        }
        throw InsightError(
            .missingAsset,
            "image output needs headless Chromium: install it (Debian: apt-get install chromium) or set "
                + "ORION_CHROMIUM to its path; -t html or -t json need nothing"
        )
    }

    /// The image of `figure`.
    ///
    /// - Parameters:
    ///   - figure: plotly figure JSON.
    ///   - format: an image format (not `json` or `html`).
    ///   - scale: the image scale (Oríon's `--scale`): pixels per layout pixel for raster images.
    ///   - width: the layout width in pixels (default 700, as kaleido's).
    ///   - height: the layout height in pixels (default 500).
    ///   - plotly: the plotly.js source.
    /// - Returns: the file's bytes.
    /// - Throws: ``InsightError`` `.missingAsset` when Chromium fails or times out, with its reason.
    public func render(
        _ figure: JSONValue,
        format: FigureFormat,
        scale: Double = 1,
        width: Int = 700,
        height: Int = 500,
        plotly: Data
    ) throws -> Data {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("orion-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("figure.html")
        var arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions", "--no-first-run",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
        ]
        if let imageFormat = format.plotlyImageFormat {
            try FigureDocument.imagePage(
                figure: figure,
                format: imageFormat,
                width: width,
                height: height,
                scale: scale,
                plotly: plotly
            )
            .write(to: page)
            arguments += ["--virtual-time-budget=30000", "--dump-dom", page.absoluteString]
            let output = try run(arguments)
            return try Self.image(fromDOM: output, format: format)
        }
        let pdf = directory.appendingPathComponent("figure.pdf")
        try FigureDocument.html(figure: figure, title: "figure", plotly: plotly, width: width, height: height)
            .write(to: page)
        arguments += [
            "--virtual-time-budget=30000", "--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", page.absoluteString,
        ]
        _ = try run(arguments)
        guard let data = try? Data(contentsOf: pdf), !data.isEmpty else {
            throw InsightError(.missingAsset, "\(executable) wrote no PDF")
        }
        return data
    }

    /// The length of a TMPDIR past which the browser gets `/tmp` instead (its sockets' paths must stay < 108 bytes).
    static let longTemporaryDirectory = 40

    /// Runs the browser; returns its stdout.
    private func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // The system browser loads the system's libraries: not those a Swift toolchain or test runner points at.
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "LD_LIBRARY_PATH")
        environment.removeValue(forKey: "LD_PRELOAD")
        // Chromium's zygote puts a Unix socket in the temporary directory: under a long TMPDIR (a test runner's,
        // a sandbox's) the path passes the 108-byte limit of socket addresses and the browser aborts (SIGABRT,
        // "zygote ... write: Broken pipe"). The short system directory avoids that.
        if let path = environment["TMPDIR"], path.utf8.count > Self.longTemporaryDirectory,
            FileManager.default.isWritableFile(atPath: "/tmp")
        {
            environment["TMPDIR"] = "/tmp"
        }
        process.environment = environment
        let output = Pipe()
        let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent(
            "orion-chromium-\(UUID().uuidString).log"
        )
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorLog) }
        let errors = FileHandle(forWritingAtPath: errorLog.path)
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        do {
            try process.run()
        } catch {
            throw InsightError(.missingAsset, "cannot start \(executable): \(error.localizedDescription)")
        }
        let running = process
        let expired = ExpiryFlag()
        let timer = DispatchWorkItem {
            guard running.isRunning else { return }
            expired.set()
            running.terminate()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        if expired.isSet {
            throw InsightError(.missingAsset, "\(executable) did not render the figure within \(Int(timeout)) s")
        }
        if process.terminationReason == .uncaughtSignal {
            throw InsightError(
                .missingAsset,
                "\(executable) was killed by signal \(process.terminationStatus) while rendering the figure"
                    + Self.lastError(in: errorLog)
            )
        }
        guard process.terminationStatus == 0 else {
            throw InsightError(
                .missingAsset,
                "\(executable) failed with exit code \(process.terminationStatus)" + Self.lastError(in: errorLog)
            )
        }
        return data
    }

    /// `: <the browser's last stderr line that is not about D-Bus>`, or nothing.
    private static func lastError(in log: URL) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").last {
            !$0.contains("dbus") && !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        return line.map { ": \($0.prefix(300))" } ?? ""
    }

    /// The image the page left in its `<pre id="out">` element: a data URL (base64, or percent-encoded SVG).
    static func image(fromDOM dom: Data, format: FigureFormat) throws(InsightError) -> Data {
        let text = String(decoding: dom, as: UTF8.self)
        guard let start = text.range(of: "<pre id=\"out\">"),
            let end = text.range(of: "</pre>", range: start.upperBound..<text.endIndex)
        else { throw InsightError(.missingAsset, "the browser did not run plotly.js (no result in the page)") }
        let result = String(text[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        guard result.hasPrefix("ok:data:"), let comma = result.firstIndex(of: ",") else {
            throw InsightError(.missingAsset, "plotly.js could not draw the figure: \(result.prefix(200))")
        }
        let header = result[result.index(result.startIndex, offsetBy: 3)..<comma]
        let payload = String(result[result.index(after: comma)...])
        if header.hasSuffix(";base64") {
            guard let data = Data(base64Encoded: payload) else {
                throw InsightError(.missingAsset, "plotly.js returned an unreadable \(format.rawValue) image")
            }
            return data
        }
        guard let svg = payload.removingPercentEncoding else {
            throw InsightError(.missingAsset, "plotly.js returned an unreadable \(format.rawValue) image")
        }
        return Data(svg.utf8)
    }
}

/// Whether the time limit stopped the browser (set from the timer's thread, read after the process ended).
private final class ExpiryFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }

    var isSet: Bool { lock.withLock { value } }
}
