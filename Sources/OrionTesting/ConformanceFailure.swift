/// A failed check of a conformance suite (`AlgorithmConformance`, `StorageConformance`).
///
/// OrionTesting does not import XCTest, so that it can be used from any test framework: a check throws this
/// error, and the test that ran it fails with the message and the place of the failed expectation. In XCTest,
/// `XCTAssertNoThrow(try ...)` or a throwing test method reports it.
public struct ConformanceFailure: Error, CustomStringConvertible, Sendable {
    /// What was expected and what happened instead.
    public var message: String
    /// The file of the check that failed.
    public var file: StaticString
    /// The line of the check that failed.
    public var line: UInt

    /// Creates a failure.
    ///
    /// - Parameters:
    ///   - message: what was expected and what happened instead.
    ///   - file: the file of the check (defaults to the caller's).
    ///   - line: the line of the check (defaults to the caller's).
    public init(_ message: String, file: StaticString = #filePath, line: UInt = #line) {
        self.message = message
        self.file = file
        self.line = line
    }

    /// `file:line: message`.
    public var description: String { "\(file):\(line): \(message)" }

    /// Throws a failure with `message` unless `condition` holds.
    ///
    /// - Parameters:
    ///   - condition: the expectation.
    ///   - message: what was expected, evaluated only on failure.
    ///   - file: the file of the check (defaults to the caller's).
    ///   - line: the line of the check (defaults to the caller's).
    /// - Throws: ``ConformanceFailure`` when `condition` is false.
    public static func expect(
        _ condition: Bool,
        _ message: @autoclosure () -> String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws(ConformanceFailure) {
        if !condition { throw ConformanceFailure(message(), file: file, line: line) }
    }
}
