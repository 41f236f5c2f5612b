import XCTest

@testable import OrionCore

final class SpaceTests: XCTestCase {
    private let priors = [
        "/lr": "loguniform(1e-5, 1)",
        "/layers": "uniform(1, 4, discrete=True)",
        "/act": "choices({'relu': 0.7, 'tanh': 0.3}, default_value='relu')",
        "/epochs": "fidelity(1, 81, base=3)",
        "/w": "normal(0, 1, shape=2)",
    ]

    func testDimensionsAreSortedAndNamed() throws {
        let space = try Space(priors: priors)
        XCTAssertEqual(space.names, ["/act", "/epochs", "/layers", "/lr", "/w"])
        XCTAssertEqual(space.dimensions.map(\.name), space.names)
        XCTAssertEqual(space["/lr"]?.prior, .logUniform(low: 1e-5, high: 1))
        XCTAssertNil(space["/nope"])
        XCTAssertEqual(space.fidelity?.name, "/epochs")
        XCTAssertEqual(space.priorStrings["/lr"], "loguniform(1e-05, 1)")
        XCTAssertEqual(space.priorStrings["/act"], "choices({'relu': 0.7, 'tanh': 0.3}, default_value='relu')")
        XCTAssertNil(try Space(priors: ["/x": "uniform(0, 1)"]).fidelity)
    }

    func testDuplicateAndEmptySpaces() throws {
        let x = try PriorExpression.parse("uniform(0, 1)", name: "/x")
        XCTAssertThrowsError(try Space(dimensions: [x, x])) { error in
            XCTAssertEqual((error as? SpaceError)?.code, .duplicateDimension)
            XCTAssertEqual((error as? SpaceError)?.dimension, "/x")
        }
        XCTAssertThrowsError(try Space(dimensions: [])) { error in
            XCTAssertEqual((error as? SpaceError)?.code, .emptySpace)
        }
        XCTAssertThrowsError(try Space(priors: ["/x": "uniform(0, 1)", "/y": "uniform(1, 0)"])) { error in
            XCTAssertEqual((error as? SpaceError)?.code, .invalidArguments)
            XCTAssertEqual((error as? SpaceError)?.dimension, "/y")
        }
    }

    func testCardinality() throws {
        let finite = try Space(priors: [
            "/a": "choices(['x', 'y', 'z'])", "/b": "randint(0, 4)", "/e": "fidelity(1, 9)",
        ])
        XCTAssertEqual(finite.cardinality, 12)
        XCTAssertEqual(try Space(priors: priors).cardinality, .infinity)
    }

    func testSampleContainsAndParams() throws {
        let space = try Space(priors: priors)
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<200 {
            let point = space.sample(using: &rng)
            XCTAssertTrue(space.contains(point), "\(point)")
            let params = space.params(from: point)
            XCTAssertEqual(params.map(\.name), space.names)
            XCTAssertEqual(params.map(\.type), [.categorical, .fidelity, .integer, .real, .real])
            XCTAssertEqual(params.map(\.value), space.names.compactMap { point[$0] })
            XCTAssertEqual(point["/epochs"], 81)
        }
        var first = SeededGenerator(seed: 9)
        var second = SeededGenerator(seed: 9)
        XCTAssertEqual(space.sample(using: &first), space.sample(using: &second))
    }

    func testContainsNeedsExactlyTheSpaceNames() throws {
        let space = try Space(priors: ["/x": "uniform(0, 1)", "/y": "choices(['a', 'b'])"])
        XCTAssertTrue(space.contains(["/x": 0.5, "/y": "a"]))
        XCTAssertFalse(space.contains(["/x": 0.5]))
        XCTAssertFalse(space.contains(["/x": 0.5, "/y": "a", "/z": 1]))
        XCTAssertFalse(space.contains(["/x": 0.5, "/z": "a"]))
        XCTAssertFalse(space.contains(["/x": 2, "/y": "a"]))
        XCTAssertEqual(space.params(from: ["/y": "b", "/z": 1]).map(\.name), ["/y"])
    }

    func testCodableRoundTrip() throws {
        let space = try Space(
            priors: priors.merging([
                "/p": "uniform(0.0, 1, precision=None)", "/q": "choices(['it\\'s', 2.5, None, True])",
                "/r": "randint(-3, 3, shape=(2, 2))", "/s": "uniform(0, 1e-3, precision=2, default_value=0.0005)",
            ]) { first, _ in first }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(space)
        let decoded = try JSONDecoder().decode(Space.self, from: data)
        XCTAssertEqual(decoded, space)
        XCTAssertEqual(try encoder.encode(decoded), data)
        let object = try JSONDecoder().decode([String: String].self, from: data)
        XCTAssertEqual(object, space.priorStrings)
        XCTAssertEqual(object["/lr"], "loguniform(1e-05, 1)")
    }

    func testDecodingABadPriorFails() {
        let data = Data(#"{"/x": "uniform(1, 0)"}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(Space.self, from: data)) { error in
            guard case DecodingError.dataCorrupted(let context) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(context.debugDescription.hasPrefix("dimension '/x', column 12"))
        }
    }
}
