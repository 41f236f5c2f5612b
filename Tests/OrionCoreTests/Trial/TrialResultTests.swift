import Foundation
import OrionCore
import XCTest

final class TrialResultTests: XCTestCase {
    private func roundTrip(_ result: TrialResult) throws -> TrialResult {
        try StoredJSON.decoder().decode(TrialResult.self, from: StoredJSON.encoder().encode(result))
    }

    private func decode(_ text: String) throws -> TrialResult {
        try StoredJSON.decoder().decode(TrialResult.self, from: Data(text.utf8))
    }

    func testWholeNumbersKeepTheirKindThroughStoredJSON() throws {
        let cases: [(TrialResult.Kind, JSONValue)] = [
            (.objective, .int(2)), (.objective, .double(2)), (.objective, .double(2.5)), (.constraint, .int(-1)),
            (.lie, .int(7)), (.statistic, .double(3)), (.statistic, .int(3)), (.statistic, .string("3")),
            (.objective, .int(Int.max)), (.statistic, .double(-0.0)),
        ]
        for (kind, value) in cases {
            let result = TrialResult(name: "r", type: kind, value: value)
            XCTAssertEqual(result.value, value, "\(kind) \(value.pythonRepr) is kept as given")
            let read = try roundTrip(result)
            XCTAssertEqual(read, result, "\(kind) \(value.pythonRepr)")
            XCTAssertEqual(read.value.pythonRepr, value.pythonRepr, "\(kind) \(value.pythonRepr)")
        }
    }

    func testTheNumberKeyIsWrittenOnlyWhereJSONLosesTheKind() throws {
        let int = String(
            decoding: try StoredJSON.encoder().encode(TrialResult(name: "o", type: .objective, value: 2)),
            as: UTF8.self
        )
        XCTAssertEqual(int, #"{"name":"o","number":"int","type":"objective","value":2}"#)
        let double = String(
            decoding: try StoredJSON.encoder().encode(TrialResult.objective(2.5, name: "o")),
            as: UTF8.self
        )
        XCTAssertEqual(double, #"{"name":"o","type":"objective","value":2.5}"#)
        let statistic = TrialResult(name: "s", type: .statistic, value: .double(3))
        let text = String(decoding: try StoredJSON.encoder().encode(statistic), as: UTF8.self)
        XCTAssertEqual(text, #"{"name":"s","number":"float","type":"statistic","value":3}"#)
    }

    func testDocumentsWithoutTheNumberKeyReadAsBefore() throws {
        // Stored before the key existed: an objective or constraint was always a double.
        XCTAssertEqual(try decode(#"{"name":"o","type":"objective","value":2}"#).value, .double(2))
        XCTAssertEqual(try decode(#"{"name":"c","type":"constraint","value":-1}"#).value, .double(-1))
        XCTAssertEqual(try decode(#"{"name":"s","type":"statistic","value":3}"#).value, .int(3))
        XCTAssertEqual(try decode(#"{"name":"o","type":"objective","value":"NaN"}"#).value.doubleValue?.isNaN, true)
        XCTAssertEqual(try decode(#"{"name":"g","type":"gradient","value":[1,2.5]}"#).value, [1.0, 2.5])
    }

    func testAGradientIsAListOfDoubles() {
        XCTAssertEqual(TrialResult(name: "g", type: .gradient, value: [1, 2]).value, [1.0, 2.0])
    }

    func testAnUnknownNumberKindIsRefused() {
        XCTAssertThrowsError(try decode(#"{"name":"o","type":"objective","value":2,"number":"complex"}"#))
    }

    func testAlgorithmsReadTheObjectiveAsADouble() {
        var trial = Trial(experimentID: "e", params: Parameters())
        trial.results = [TrialResult(name: "loss", type: .objective, value: .int(2))]
        XCTAssertEqual(trial.objective, 2.0)
        XCTAssertEqual(trial.objectiveValue, .int(2))
    }
}
