import Foundation
import XCTest

/// The JSON fixtures computed by Fixtures/generate.py (numpy, scipy, mpmath).
enum Fixture {
    /// The decoded fixture `name` (e.g. `normal.json`).
    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}

/// Asserts that `actual` matches `expected` to a relative tolerance (an absolute one near 0).
func assertClose(
    _ actual: [Double],
    _ expected: [Double],
    relative: Double = 1e-10,
    absolute: Double = 1e-12,
    _ message: String = "",
    file: StaticString = #filePath,
    line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "sizes differ \(message)", file: file, line: line)
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        let tolerance = max(absolute, relative * abs(e))
        XCTAssertTrue(abs(a - e) <= tolerance, "[\(index)] \(a) != \(e) \(message)", file: file, line: line)
    }
}
