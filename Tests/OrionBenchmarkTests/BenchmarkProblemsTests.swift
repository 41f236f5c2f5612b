import Foundation
import OrionBenchmark
import OrionCore
import XCTest

final class BenchmarkProblemsTests: XCTestCase {
    /// Every problem's objective agrees with peers/functions.py at its argmin, the corners of its box and 40
    /// random points (Tests/Fixtures/benchmark/problem_values.json).
    func testValuesMatchThePeersReferenceImplementation() throws {
        let fixture = try BenchmarkFixtures.json("problem_values.json")
        let problems = try XCTUnwrap(fixture.objectValue?["problems"]?.objectValue)
        XCTAssertEqual(Set(problems.keys), Set(BenchmarkProblems.all.map(\.name)))
        for task in BenchmarkProblems.all {
            let entry = try XCTUnwrap(problems[task.name]?.objectValue, task.name)
            XCTAssertEqual(entry["optimum"]?.doubleValue, task.optimum, task.name)
            let points = try XCTUnwrap(entry["points"]?.arrayValue, task.name)
            XCTAssertGreaterThanOrEqual(points.count, 40)
            for point in points {
                let params = try XCTUnwrap(point.objectValue?["params"]?.objectValue)
                let expected = try XCTUnwrap(point.objectValue?["value"]?.doubleValue)
                assertClose(
                    try task.evaluate(params),
                    expected,
                    relative: 1e-11,
                    absolute: 1e-12,
                    "\(task.name) \(params)"
                )
            }
        }
    }

    /// The spaces parse, have the dimensions of problems.json with their kinds, and hold the argmin.
    func testSpacesHaveTheDeclaredDimensions() throws {
        let fixture = try BenchmarkFixtures.json("problem_values.json")
        let problems = try XCTUnwrap(fixture.objectValue?["problems"]?.objectValue)
        for task in BenchmarkProblems.all {
            let space = try task.space()
            let argmin = try XCTUnwrap(
                problems[task.name]?.objectValue?["points"]?.arrayValue?.first?.objectValue?["params"]?.objectValue
            )
            XCTAssertEqual(Set(space.names), Set(argmin.keys), task.name)
            let point = space.params(
                from: argmin.mapValues { value in
                    value.intValue.map { .int($0) } ?? value
                }
            )
            XCTAssertEqual(point.count, space.dimensions.count, task.name)
        }
        let mixed = try BenchmarkProblems.mixedCatInt.space()
        XCTAssertEqual(mixed["k"]?.kind, .integer)
        XCTAssertEqual(mixed["c"]?.kind, .categorical)
        XCTAssertEqual(try BenchmarkProblems.lrLike.space()["batch_size"]?.kind, .integer)
    }

    /// Sampled points stay in the box, and no sample beats the known optimum.
    func testSamplesStayInsideTheBoxAndAboveTheOptimum() throws {
        var generator = SeededGenerator(seed: 7)
        for task in BenchmarkProblems.all {
            let space = try task.space()
            let optimum = try XCTUnwrap(task.optimum)
            for _ in 0..<200 {
                let point = space.sample(using: &generator)
                XCTAssertTrue(space.contains(point))
                XCTAssertGreaterThanOrEqual(try task.evaluate(point), optimum - 1e-9, "\(task.name) \(point)")
            }
        }
    }

    /// A point missing a dimension is refused with a message naming it.
    func testMissingDimensionIsABadPoint() {
        XCTAssertThrowsError(try BenchmarkProblems.branin.evaluate(["x1": 1.0])) { error in
            XCTAssertEqual((error as? BenchmarkError)?.code, .badPoint)
            XCTAssertTrue("\(error)".contains("'x2'"), "\(error)")
        }
        XCTAssertThrowsError(try BenchmarkProblems.mixedCatInt.evaluate(["x1": 0.0, "x2": 0.0, "k": 3, "c": "z"]))
    }
}
