import Foundation
import OrionCore
import XCTest

@testable import OrionAlgorithms

/// A log-EI model on the completed records `completed`: the GP of `structure` with the log-hyperparameters `fit`, on
/// the records' vectors and their objectives after the output transform; `best` 0, no local candidates.
func logEIModel(_ fit: [Double], completed: [GPBO.Record], structure: KernelStructure) throws -> AcquisitionModel {
    let width = completed.first?.vector.count ?? 0
    let values = completed.compactMap(\.objective)
    let output = OutputTransform(fitting: values)
    let hyper = GPHyperparameters(logVector: fit, width: width, warped: [], structure: structure)
    let process = try GaussianProcess(
        inputs: completed.flatMap(\.vector),
        width: width,
        targets: values.map { output($0) },
        hyperparameters: hyper
    )
    return AcquisitionModel(
        process: process,
        best: 0,
        bestInputs: [],
        functions: [.logExpectedImprovement],
        kappa: 1.96
    )
}

/// Runs `gp` with `options` for `count` trials of `objective` over the unit cube of `width` reals (`/x1`, `/x2`, …,
/// each `prior`), one at a time, each completed before the next suggestion; calls `inspect` with the algorithm before
/// and after each suggestion and the suggestion's vector.
///
/// - Returns: the suggestions' vectors, in order, and the algorithm at the end.
func runSequentially(
    _ options: GPBO.Options,
    width: Int,
    prior: String = "uniform(0, 1)",
    count: Int,
    objective: ([Double]) -> Double,
    inspect: (GPBO, GPBO, [Double]) throws -> Void = { _, _, _ in }
) throws -> (points: [[Double]], gp: GPBO) {
    let space = try Space(priors: Dictionary(uniqueKeysWithValues: (1...width).map { ("/x\($0)", prior) }))
    return try runSequentially(options, space: space, count: count, objective: { objective($1) }, inspect: inspect)
}

/// Runs `gp` with `options` for `count` trials of `objective` (of the suggested parameters and their vector) over
/// `space`, one at a time, each completed before the next suggestion; calls `inspect` with the algorithm before and
/// after each suggestion and the suggestion's vector; the experiment's budget is `maxTrials`.
///
/// - Returns: the suggestions' vectors, in order, and the algorithm at the end.
func runSequentially(
    _ options: GPBO.Options,
    space: Space,
    count: Int,
    maxTrials: Int? = nil,
    objective: (Parameters, [Double]) -> Double,
    inspect: (GPBO, GPBO, [Double]) throws -> Void = { _, _, _ in }
) throws -> (points: [[Double]], gp: GPBO) {
    let context = AlgorithmContext(space: space, maxTrials: maxTrials)
    let transform = GPBO.transform(context)
    var gp = GPBO(options: options, context: context)
    var points: [[Double]] = []
    for index in 0..<count {
        let before = gp
        let suggestion = try XCTUnwrap(gp.suggest(count: 1, context: context).first)
        let point = try transform.encode(suggestion.parameters)
        try inspect(before, gp, point)
        var trial = Trial(experimentID: "e", params: suggestion.parameters)
        trial.id = "t\(index)"
        trial.status = .completed
        trial.results = [.objective(objective(suggestion.parameters, point))]
        gp.observe([trial], context: context)
        points.append(point)
    }
    return (points, gp)
}

/// `gp`'s state as `JSONEncoder` writes it (`text`, `data`), checked to be the bytes that `writtenState()` writes
/// (sorted keys), and the algorithm decoded from it.
func stateRoundTrip(
    _ gp: GPBO,
    file: StaticString = #filePath,
    line: UInt = #line
) throws -> (text: String, data: Data, restored: GPBO) {
    let data = try JSONEncoder().encode(gp)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    XCTAssertEqual(
        String(decoding: try gp.writtenState(), as: UTF8.self),
        String(decoding: try encoder.encode(gp), as: UTF8.self),
        file: file,
        line: line
    )
    return (String(decoding: data, as: UTF8.self), data, try JSONDecoder().decode(GPBO.self, from: data))
}

/// Checks a string option of `gp` named `key`: `value` is decoded (`read` gives it back), written under `key` and read
/// again; options written before the option existed read as `defaultValue`; `refused` is refused with a message that
/// lists `allowed`.
func assertStringOption(
    _ key: String,
    value: String,
    defaultValue: String,
    allowed: [String],
    refused: String,
    read: (GPBO.Options) -> String,
    file: StaticString = #filePath,
    line: UInt = #line
) throws {
    XCTAssertEqual(read(GPBO.Options()), defaultValue, file: file, line: line)
    let options = try GPBO.Options.decode([key: .string(value)], algorithm: "gp")
    XCTAssertEqual(read(options), value, file: file, line: line)
    let encoded = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
    XCTAssertTrue(encoded.contains("\"\(key)\":\"\(value)\""), encoded, file: file, line: line)
    XCTAssertEqual(
        read(try JSONDecoder().decode(GPBO.Options.self, from: Data(encoded.utf8))),
        value,
        file: file,
        line: line
    )
    var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? [String: Any])
    object[key] = nil
    let old = try JSONDecoder().decode(GPBO.Options.self, from: JSONSerialization.data(withJSONObject: object))
    XCTAssertEqual(read(old), defaultValue, file: file, line: line)
    XCTAssertThrowsError(try GPBO.Options.decode([key: .string(refused)], algorithm: "gp")) { error in
        let expected = "gp: option '\(key)' must be one of \(allowed.joined(separator: ", ")), not '\(refused)'"
        XCTAssertTrue("\(error)".contains(expected), "\(error)", file: file, line: line)
    }
}
