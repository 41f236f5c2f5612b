import Foundation
import OrionCore
import XCTest

final class ParametersTests: XCTestCase {
    private let lr = Trial.Param(name: "/lr", type: .real, value: 0.01)
    private let epochs = Trial.Param(name: "/epochs", type: .fidelity, value: 4)
    private let opt = Trial.Param(name: "/opt", type: .categorical, value: "adam")

    func testSortedByNameWithLookupByName() {
        let params: Parameters = [opt, lr, epochs]
        XCTAssertEqual(params.names, ["/epochs", "/lr", "/opt"])
        XCTAssertEqual(params["/lr"]?.doubleValue, 0.01)
        XCTAssertEqual(params["/opt"], "adam")
        XCTAssertEqual(params["/epochs"]?.intValue, 4)
        XCTAssertNil(params["/momentum"])
        XCTAssertNil(params["lr"])
        XCTAssertEqual(params.param(named: "/epochs"), epochs)
        XCTAssertEqual(params.index(of: "/opt"), 2)
        XCTAssertEqual(params[0], epochs, "integer positions are the collection's")
        XCTAssertEqual(Parameters([lr, opt, epochs]), params, "order of construction does not matter")
        let trial = Trial(experimentID: "e", params: [.init(name: "/x", type: .real, value: 0.5)])
        XCTAssertEqual(trial.params["/x"], 0.5, "an array literal of implicit members is parameters")
    }

    func testLookupFindsEveryNameOfALargePoint() {
        let names = (0..<257).map { String(format: "/x%03d", $0) }
        let params = Parameters(names.shuffled().map { Trial.Param(name: $0, type: .integer, value: .string($0)) })
        for name in names { XCTAssertEqual(params[name], .string(name)) }
        XCTAssertNil(params["/x257"])
        XCTAssertNil(params["/"])
    }

    func testDuplicateNamesKeepTheFirst() {
        let other = Trial.Param(name: "/lr", type: .real, value: 0.5)
        XCTAssertEqual(Parameters([opt, lr, other]).elements, [lr, opt])
        XCTAssertEqual(Parameters([other, lr]).elements, [other])
    }

    func testReplacingChangesOneValue() {
        let params: Parameters = [lr, epochs]
        let promoted = params.replacing("/epochs", with: 16)
        XCTAssertEqual(promoted["/epochs"], 16)
        XCTAssertEqual(promoted["/lr"], params["/lr"])
        XCTAssertEqual(params["/epochs"], 4, "the original is unchanged")
        XCTAssertEqual(params.replacing("/nope", with: 1), params)
    }

    /// Trials are stored as they always were: a JSON array of `{name, type, value}`.
    func testCodableInTheStoredFormOfTrialParams() throws {
        let params: Parameters = [opt, lr]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(params)
        XCTAssertEqual(
            String(decoding: data, as: UTF8.self),
            #"[{"name":"\/lr","type":"real","value":0.01},{"name":"\/opt","type":"categorical","value":"adam"}]"#
        )
        XCTAssertEqual(try JSONDecoder().decode(Parameters.self, from: data), params)
        XCTAssertEqual(try encoder.encode([lr, opt]), data)
        let unsorted = Data(#"[{"name":"/b","type":"real","value":1},{"name":"/a","type":"integer","value":2}]"#.utf8)
        let decoded = try JSONDecoder().decode(Parameters.self, from: unsorted)
        XCTAssertEqual(decoded.names, ["/a", "/b"])
        XCTAssertEqual(decoded["/b"], .double(1), "reals written without a decimal point stay reals")
    }

    func testRepresentationIsOrionsAndGivesTheTrialId() {
        let params: Parameters = [Trial.Param(name: "/y", type: .real, value: 1e-5), lr]
        XCTAssertEqual(params.representation, "/lr:0.01,/y:1e-05")
        XCTAssertEqual("\(params)", "/lr:0.01,/y:1e-05")
        let trial = Trial(experimentID: "e", params: params, parent: "p")
        XCTAssertEqual(trial.id, MD5.hex("e|/lr:0.01,/y:1e-05"))
        XCTAssertEqual(trial.paramsHash, MD5.hex("/lr:0.01,/y:1e-05"))
        XCTAssertEqual(trial.parent, "p")
        XCTAssertEqual(trial.values, trial.params)
    }
}
