import Foundation
import OrionCore
import XCTest

/// Files of `Tests/Fixtures/benchmark`: reference values computed by the peers' Python code, committed.
enum BenchmarkFixtures {
    /// The directory `Tests/Fixtures/benchmark`.
    static func directory(file: StaticString = #filePath) -> URL {
        var url = URL(fileURLWithPath: "\(file)")
        for _ in 0..<2 { url.deleteLastPathComponent() }  // the test file, OrionBenchmarkTests
        return url.appendingPathComponent("Fixtures/benchmark")
    }

    /// The path of fixture `name`, or an `XCTSkip` saying where it should be.
    static func path(_ name: String) throws -> String {
        let path = directory().appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("\(path) not found: the benchmark fixtures are in Tests/Fixtures/benchmark of the repository")
        }
        return path
    }

    /// The decoded JSON fixture `name`.
    static func json(_ name: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: try path(name))))
    }
}

/// Asserts that `actual` is within `relative` of `expected` (absolute `absolute` near zero).
func assertClose(
    _ actual: Double,
    _ expected: Double,
    relative: Double = 1e-10,
    absolute: Double = 1e-12,
    _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath,
    line: UInt = #line
) {
    let tolerance = max(absolute, relative * abs(expected))
    XCTAssertLessThanOrEqual(
        abs(actual - expected),
        tolerance,
        "\(actual) != \(expected) (tolerance \(tolerance)) \(message())",
        file: file,
        line: line
    )
}
