import OrionTesting
import XCTest

@testable import OrionCore

/// Round-trip properties of ``SpaceTransform`` over random spaces (``RandomSpaces``) and random points and vectors.
final class SpaceTransformPropertyTests: XCTestCase {
    /// Whether `dimension` is a `normal` real without `precision`, whose sampled values `decode` cannot all give
    /// back exactly (see ``SpaceTransform``).
    private func isUnroundedNormal(_ dimension: SpaceDimension) -> Bool {
        if case .normal = dimension.prior { return dimension.kind == .real && dimension.precision == nil }
        return false
    }

    /// Sampled points: encode gives `width` coordinates in [0, 1] and decode gives the point back exactly (within
    /// a few ulps for `normal` reals without precision), for both categorical encodings.
    func testDecodeOfEncodeGivesSampledPointsBack() throws {
        var rng = SeededGenerator(seed: 2026)
        var checked = 0
        var kinds: Set<String> = []
        for _ in 0..<250 {
            let space = try RandomSpaces.space(using: &rng)
            kinds.formUnion(space.dimensions.map { "\($0.prior.name) \($0.kind)" })
            for encoding in SpaceTransform.CategoricalEncoding.allCases {
                let transform = SpaceTransform(space, categoricalEncoding: encoding)
                for _ in 0..<10 {
                    let point = space.sample(using: &rng)
                    let vector = try transform.encode(point)
                    XCTAssertEqual(vector.count, transform.width)
                    XCTAssertTrue(vector.allSatisfy { (0...1).contains($0) }, "\(vector) for \(space.priorStrings)")
                    let decoded = transform.decode(vector)
                    XCTAssertTrue(space.contains(decoded))
                    for dimension in space.dimensions where !isUnroundedNormal(dimension) {
                        XCTAssertEqual(
                            decoded[dimension.name],
                            point[dimension.name],
                            "\(dimension.name) ~ \(dimension.priorString), \(encoding)"
                        )
                        checked += 1
                    }
                    for dimension in space.dimensions where isUnroundedNormal(dimension) {
                        assertClose(decoded[dimension.name], point[dimension.name], dimension)
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 6_000)
        // Every prior kind was met: uniform, loguniform and normal, real and integer; randint; choices; fidelity.
        XCTAssertEqual(kinds.count, 9, "\(kinds.sorted())")
    }

    /// Any vector, inside or outside the cube, with `nan` and infinities: decode gives a point of the space, that
    /// point round-trips exactly, and `snap` is `encode ∘ decode` and idempotent.
    func testAnyVectorDecodesInsideTheSpaceAndRoundTrips() throws {
        var rng = SeededGenerator(seed: 7)
        let specials: [Double] = [.nan, .infinity, -.infinity, 0, 1, -0.0, 0.5, 1e-300, 1 - 0x1p-53]
        for _ in 0..<150 {
            let space = try RandomSpaces.space(using: &rng)
            for encoding in SpaceTransform.CategoricalEncoding.allCases {
                let transform = SpaceTransform(space, categoricalEncoding: encoding)
                for _ in 0..<8 {
                    let vector = (0..<transform.width).map { _ in
                        Int.random(in: 0..<8, using: &rng) == 0
                            ? specials.randomElement(using: &rng) ?? 0 : Double.random(in: -0.5...1.5, using: &rng)
                    }
                    let point = transform.decode(vector)
                    XCTAssertTrue(space.contains(point), "\(point) from \(vector) in \(space.priorStrings)")
                    let encoded = try transform.encode(point)
                    XCTAssertEqual(transform.decode(encoded), point, "\(space.priorStrings), \(encoding)")
                    let snapped = transform.snap(vector)
                    // To the bit: model-based algorithms compare snapped points and score them.
                    XCTAssertEqual(snapped.map(\.bitPattern), encoded.map(\.bitPattern))
                    XCTAssertEqual(transform.snap(snapped), snapped)
                }
            }
        }
    }

    /// A fidelity passed to decode is kept (clipped to its bounds); without one, decode gives the upper bound.
    func testFidelityIsFilledAndClipped() throws {
        var rng = SeededGenerator(seed: 11)
        var seen = 0
        for _ in 0..<200 {
            let space = try RandomSpaces.space(using: &rng)
            guard let fidelity = space.fidelity, let (low, high) = fidelity.interval else { continue }
            seen += 1
            let transform = SpaceTransform(space)
            XCTAssertEqual(transform.fidelityNames, [fidelity.name])
            XCTAssertFalse(transform.coordinates.contains { $0.dimension == fidelity.name })
            let vector = (0..<transform.width).map { _ in Double.random(in: 0...1, using: &rng) }
            XCTAssertEqual(transform.decode(vector)[fidelity.name], fidelity.defaultValue)
            let level = Double.random(in: (low - 5)...(high + 5), using: &rng).rounded()
            let point = transform.decode(vector, fidelity: level)
            XCTAssertTrue(space.contains(point))
            XCTAssertEqual(point[fidelity.name]?.doubleValue, min(max(level, low), high))
        }
        XCTAssertGreaterThan(seen, 20)
    }

    private func assertClose(
        _ decoded: JSONValue?,
        _ sampled: JSONValue?,
        _ dimension: SpaceDimension,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        var decodedScalars: [Double] = []
        var sampledScalars: [Double] = []
        flatten(decoded, into: &decodedScalars)
        flatten(sampled, into: &sampledScalars)
        XCTAssertEqual(decodedScalars.count, sampledScalars.count, file: file, line: line)
        guard case .normal(let mean, let sd) = dimension.prior else { return }
        for (value, expected) in zip(decodedScalars, sampledScalars) where abs(expected - mean) < 7 * sd {
            XCTAssertEqual(value, expected, accuracy: 1e-13 * max(abs(expected), sd), file: file, line: line)
        }
    }

    private func flatten(_ value: JSONValue?, into scalars: inout [Double]) {
        switch value {
        case .array(let items)?: for item in items { flatten(item, into: &scalars) }
        case let scalar?: scalars.append(scalar.doubleValue ?? .nan)
        case nil: break
        }
    }
}
