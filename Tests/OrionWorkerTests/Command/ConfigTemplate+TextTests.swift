import Foundation
import OrionCore
import XCTest

@testable import OrionWorker

/// Oríon's generic templating of configuration files that are neither YAML nor JSON.
final class ConfigTemplateTextTests: XCTestCase {
    private let text = """
        # settings.cfg
        lr = lr~loguniform(1e-5, 1.0)
        depth: /model/depth~uniform(1, 5, discrete=True)   # (searched)
        act=act~choices(["relu", "tan(h)"])
        data = ~/data and a~b stay
        """

    private func params(_ values: [String: JSONValue]) -> Parameters {
        Parameters(
            values.map { name, value in
                let type: DimensionKind =
                    switch value {
                    case .int: .integer
                    case .string: .categorical
                    default: .real
                    }
                return Trial.Param(name: name, type: type, value: value)
            }
        )
    }

    func testPriorsAreFoundAnywhereInTheText() throws {
        let template = try ConfigTemplate(text: text, format: .text, path: "/x/settings.cfg")
        XCTAssertEqual(
            template.priors,
            [
                "/lr": "loguniform(1e-5, 1.0)",
                "/model/depth": "uniform(1, 5, discrete=True)",
                "/act": "choices([\"relu\", \"tan(h)\"])",
            ]
        )
        XCTAssertEqual(ConfigTemplate.format(ofFileNamed: "settings.cfg"), .text)
        XCTAssertEqual(ConfigTemplate.format(ofFileNamed: "train.YML"), .yaml)
    }

    func testEachPriorIsReplacedByItsValueAsPythonWritesIt() throws {
        let template = try ConfigTemplate(text: text, format: .text, path: "/x/settings.cfg")
        let rendered = try template.render(
            values: params(["/lr": .double(1.0e-05), "/model/depth": .int(3), "/act": .string("relu")])
        )
        XCTAssertEqual(
            rendered,
            """
            # settings.cfg
            lr = 1e-05
            depth: 3   # (searched)
            act=relu
            data = ~/data and a~b stay
            """
        )
    }

    func testATextWithoutPriorsHasNone() throws {
        let template = try ConfigTemplate(text: "home = ~/x\nv1~beta\nf~(1)\n", format: .text, path: "/x/a.ini")
        XCTAssertEqual(template.priors, [:])
        XCTAssertEqual(try template.render(values: params([:])), "home = ~/x\nv1~beta\nf~(1)\n")
    }

    func testAnAddedDimensionIsMarkedAndDuplicatesAreErrors() throws {
        let template = try ConfigTemplate(text: "z~+uniform(0, 1)\ny~uniform(0, 2)", format: .text, path: "/x/a.cfg")
        XCTAssertEqual(template.priors, ["/z": "uniform(0, 1)", "/y": "uniform(0, 2)"])
        XCTAssertEqual(template.additions, ["/z"])
        XCTAssertEqual(try template.render(values: params(["/z": 0.5, "/y": 1.5])), "0.5\n1.5")
        XCTAssertThrowsError(
            try ConfigTemplate(text: "x~uniform(0, 1)\nx~uniform(0, 2)", format: .text, path: "/x/a.cfg")
        ) {
            XCTAssertEqual(($0 as? CommandError)?.code, .duplicateDimension)
            XCTAssertTrue("\($0)".contains("/x"), "\($0)")
        }
    }

    func testTheSignatureIgnoresThePriorsExpressionsOnly() throws {
        let first = try ConfigTemplate(text: "a = 1\nlr = lr~uniform(0, 1)\n", format: .text, path: "/x/a.cfg")
        let second = try ConfigTemplate(text: "a = 1\nlr = lr~uniform(0, 2)\n", format: .text, path: "/x/a.cfg")
        let third = try ConfigTemplate(text: "a = 2\nlr = lr~uniform(0, 1)\n", format: .text, path: "/x/a.cfg")
        XCTAssertEqual(try first.signature(), try second.signature())
        XCTAssertNotEqual(try first.signature(), try third.signature())
    }
}
