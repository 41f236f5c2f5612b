import Foundation
import OrionCore
import XCTest

@testable import OrionAlgorithms

/// `output_transform`: the default map (standardize, Yeo-Johnson) and HEBO's Box-Cox of positive values with 0 as the
/// origin (`OutputTransform.swift`).
final class GPOutputTransformTests: XCTestCase {
    /// Positive values whose best few differ by little against their range: Box-Cox (a λ near 0, a log) spreads them
    /// apart where the default map, centred on the mean, keeps them together; both maps are increasing and
    /// standardized.
    func testBoxCoxSpreadsTheBestOfPositiveValues() {
        let values = [0.001, 0.002, 0.01, 0.1, 1, 5, 20, 50, 80, 100]
        let boxCox = OutputTransform(fitting: values, kind: .boxCox)
        let yeoJohnson = OutputTransform(fitting: values)
        XCTAssertTrue(boxCox.usesBoxCox)
        XCTAssertFalse(yeoJohnson.usesBoxCox)
        XCTAssertEqual(boxCox.lambda, 0, accuracy: 0.3)
        for transform in [boxCox, yeoJohnson] {
            let targets = values.map { transform($0) }
            XCTAssertEqual(targets, targets.sorted())
            XCTAssertEqual(targets.reduce(0, +) / 10, 0, accuracy: 1e-9)
            let variance = targets.reduce(0) { $0 + $1 * $1 } / 10
            XCTAssertEqual(variance, 1, accuracy: 1e-9)
        }
        // The gap between the two best values, in standard deviations of the targets.
        let gap = { (transform: OutputTransform) in transform(0.002) - transform(0.001) }
        XCTAssertGreaterThan(gap(boxCox), 0.1)
        XCTAssertGreaterThan(gap(boxCox), 20 * gap(yeoJohnson))
        // Scaling the values does not change Box-Cox's targets: only their origin matters.
        let scaled = OutputTransform(fitting: values.map { $0 * 1000 }, kind: .boxCox)
        for value in values { XCTAssertEqual(scaled(value * 1000), boxCox(value), accuracy: 1e-6) }
    }

    /// With a value at or below 0, Box-Cox does not apply: the map is the default's, to the bit.
    func testBoxCoxFallsBackToTheDefaultWhenAValueIsNotPositive() {
        for values in [[0.0, 1, 2, 5, 9], [-3.0, -1, 0.5, 2, 7], [-3.3, -2.1, -1.0, -0.2, -0.1]] {
            let boxCox = OutputTransform(fitting: values, kind: .boxCox)
            let yeoJohnson = OutputTransform(fitting: values)
            XCTAssertFalse(boxCox.usesBoxCox)
            XCTAssertEqual(values.map { boxCox($0) }, values.map { yeoJohnson($0) })
        }
    }

    func testOptionIsDecodedSavedAndRefused() throws {
        try assertStringOption(
            "output_transform",
            value: "box_cox",
            defaultValue: "yeo_johnson",
            allowed: ["yeo_johnson", "box_cox"],
            refused: "log",
            read: \.outputTransform
        )
        XCTAssertEqual(
            try GPBO.Options.decode(["output_transform": "box_cox"], algorithm: "gp").outputTransformKind,
            .boxCox
        )
    }

    /// A run with Box-Cox on a positive objective differs from the default's; on an objective that is negative
    /// everywhere it suggests exactly the default's points, and its state round-trips.
    func testARunChangesOnlyWhereEveryValueIsPositive() throws {
        func options(_ transform: String) throws -> GPBO.Options {
            try GPBO.Options.decode(
                [
                    "seed": 3, "matern_nu": 1.5, "trust_region": "v2l", "additive": "global",
                    "output_transform": .string(transform),
                ],
                algorithm: "gp"
            )
        }
        let bowl = { (x: [Double]) in x.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) } + 1e-3 }
        let negative = { (x: [Double]) in bowl(x) - 10 }
        let positiveDefault = try runSequentially(options("yeo_johnson"), width: 2, count: 24, objective: bowl)
        let positiveBoxCox = try runSequentially(options("box_cox"), width: 2, count: 24, objective: bowl)
        XCTAssertEqual(positiveDefault.points.prefix(10), positiveBoxCox.points.prefix(10))
        XCTAssertNotEqual(positiveDefault.points, positiveBoxCox.points)
        let negativeDefault = try runSequentially(options("yeo_johnson"), width: 2, count: 24, objective: negative)
        let negativeBoxCox = try runSequentially(options("box_cox"), width: 2, count: 24, objective: negative)
        XCTAssertEqual(negativeDefault.points, negativeBoxCox.points)
        let (_, _, restored) = try stateRoundTrip(positiveBoxCox.gp)
        XCTAssertEqual(restored.options.outputTransformKind, .boxCox)
    }
}
