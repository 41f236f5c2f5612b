import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// Asserts that a test function's `value` is `expected` (an independent implementation's value, e.g. numpy's) to 10⁻⁹
/// relative (absolute below 1), and fails when there is no value (an unknown category).
///
/// - Parameters:
///   - value: the function's value, `nil` when it has none.
///   - expected: the reference value.
func assertClose(_ value: Double?, _ expected: Double, file: StaticString = #filePath, line: UInt = #line) {
    guard let value else { return XCTFail("no value", file: file, line: line) }
    XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), file: file, line: line)
}

/// Asserts, for each task of a problem set, that its value at its argmin is its optimum, that the argmin names
/// exactly its dimensions (in its space and its evaluation order), and that none of 300 seeded draws of its space
/// beats the optimum; and that `argmins` covers exactly the set.
///
/// - Parameters:
///   - tasks: the set's tasks.
///   - argmins: each task's argmin, dimension name → value, by task name.
func assertArgminsAreOptima(
    _ tasks: [BenchmarkTask],
    _ argmins: [String: [String: JSONValue]],
    file: StaticString = #filePath,
    line: UInt = #line
) throws {
    XCTAssertEqual(Set(argmins.keys), Set(tasks.map(\.name)), file: file, line: line)
    for task in tasks {
        let argmin = try XCTUnwrap(argmins[task.name], task.name, file: file, line: line)
        let optimum = try XCTUnwrap(task.optimum, task.name, file: file, line: line)
        XCTAssertEqual(try task.evaluate(argmin), optimum, accuracy: 1e-9, task.name, file: file, line: line)
        let space = try task.space()
        XCTAssertEqual(Set(space.dimensions.map(\.name)), Set(argmin.keys), task.name, file: file, line: line)
        XCTAssertEqual(task.dimensionOrder.sorted(), argmin.keys.sorted(), task.name, file: file, line: line)
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            let value = try task.evaluate(space.sample(using: &generator))
            XCTAssertGreaterThanOrEqual(
                value,
                optimum - 1e-9,
                "\(task.name): a draw beats the optimum",
                file: file,
                line: line
            )
        }
    }
}
