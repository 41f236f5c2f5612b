import Foundation
import OrionCore
import OrionWorker
import XCTest

final class ResultsFileTests: XCTestCase {
    private func parse(_ text: String) throws -> [TrialResult] {
        try ResultsFile.parse(Data(text.utf8), path: "r.json")
    }

    func testParsesEveryKind() throws {
        let results = try parse(
            """
            [{"name": "loss", "type": "objective", "value": 0.12}, {"name": "acc", "type": "statistic", "value": 0.9},
             {"name": "c1", "type": "constraint", "value": -1.0}, {"name": "g", "type": "gradient", "value": [0.1, 0.2]}]
            """
        )
        XCTAssertEqual(results.map(\.type), [.objective, .statistic, .constraint, .gradient])
        XCTAssertEqual(results[3].value, [0.1, 0.2])
    }

    func testRejectsWithOneLineReasons() {
        let cases: [(String, String)] = [
            ("loss = 3", "is not valid JSON"),
            ("{\"name\": \"loss\"}", "must hold a JSON list"),
            ("[{\"name\": \"loss\", \"value\": 1}]", "entry 0: expected"),
            ("[{\"name\": \"loss\", \"type\": \"metric\", \"value\": 1}]", "unknown type 'metric'"),
            ("[{\"name\": \"loss\", \"type\": \"objective\", \"value\": \"low\"}]", "must be a number"),
            ("[{\"name\": \"acc\", \"type\": \"statistic\", \"value\": 1}]", "has no result of type \"objective\""),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try parse(text), text) { error in
                let message = (error as? ResultsFile.Problem)?.message ?? ""
                XCTAssertTrue(message.contains(expected), "\(text): \(message)")
                XCTAssertFalse(message.contains("\n"))
            }
        }
    }
}
