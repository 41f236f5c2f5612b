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
            XCTAssertEqual(point.names, space.names)
            XCTAssertEqual(point.map(\.type), [.categorical, .fidelity, .integer, .real, .real])
            let values = Dictionary(uniqueKeysWithValues: point.map { ($0.name, $0.value) })
            XCTAssertEqual(space.params(from: values), point)
            XCTAssertEqual(point["/epochs"], 81)
        }
        var first = SeededGenerator(seed: 9)
        var second = SeededGenerator(seed: 9)
        XCTAssertEqual(space.sample(using: &first), space.sample(using: &second))
    }

    func testContainsNeedsExactlyTheSpaceNames() throws {
        let space = try Space(priors: ["/x": "uniform(0, 1)", "/y": "choices(['a', 'b'])"])
        let x = Trial.Param(name: "/x", type: .real, value: 0.5)
        let y = Trial.Param(name: "/y", type: .categorical, value: "a")
        XCTAssertTrue(space.contains([x, y]))
        XCTAssertTrue(space.contains([y, x]))
        XCTAssertFalse(space.contains([x]))
        XCTAssertFalse(space.contains([x, y, Trial.Param(name: "/z", type: .integer, value: 1)]))
        XCTAssertFalse(space.contains([x, Trial.Param(name: "/z", type: .categorical, value: "a")]))
        XCTAssertFalse(space.contains([Trial.Param(name: "/x", type: .real, value: 2), y]))
        XCTAssertFalse(space.contains([Trial.Param(name: "/x", type: .integer, value: 0.5), y]), "wrong kind")
        XCTAssertEqual(space.params(from: ["/y": "b", "/z": 1]).names, ["/y"])
    }

    func testSubscriptFindsDimensionsByName() throws {
        let space = try Space(priors: ["/b": "uniform(0, 1)", "/a": "randint(0, 3)", "/c": "choices(['x'])"])
        XCTAssertEqual(space["/a"]?.kind, .integer)
        XCTAssertEqual(space["/b"]?.kind, .real)
        XCTAssertEqual(space["/c"]?.kind, .categorical)
        XCTAssertNil(space["/d"])
        XCTAssertNil(space["/"])
    }

    func testConfigurationIgnoresTheFidelity() throws {
        let space = try Space(priors: ["/x": "randint(0, 3)", "/epochs": "fidelity(1, 16, base=2)"])
        XCTAssertEqual(space.cardinality, 3, "a fidelity does not multiply the configurations")
        let low: Parameters = [
            Trial.Param(name: "/x", type: .integer, value: 2), Trial.Param(name: "/epochs", type: .fidelity, value: 1),
        ]
        let high = low.replacing("/epochs", with: 16)
        XCTAssertNotEqual(low, high)
        XCTAssertEqual(space.configuration(of: low), high)
        XCTAssertEqual(space.configuration(of: high), high)
        let plain = try Space(priors: ["/x": "randint(0, 3)"])
        let point: Parameters = [Trial.Param(name: "/x", type: .integer, value: 2)]
        XCTAssertEqual(plain.configuration(of: point), point)
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
