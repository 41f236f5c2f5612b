import Foundation
import OrionCore
import XCTest

@testable import OrionWorker

final class ConfigTemplateTests: XCTestCase {
    private let yaml = """
        # A training configuration.
        dataset: mnist
        optimizer:
          name: sgd
          lr: 'orion~loguniform(1e-4, 1)'   # searched
          momentum: 0.9
        model:
          width: orion~randint(16, 512)
          activation: "orion~choices([\\"relu\\", \\"gelu\\"])"
          layers: [32, 'orion~uniform(0, 1)']
        tag: home~not-a-prior
        path: ~/data

        """

    private func params(_ values: [String: JSONValue]) -> Parameters {
        Parameters(
            values.map { name, value in
                let kind: DimensionKind =
                    switch value {
                    case .int: .integer
                    case .double: .real
                    default: .categorical
                    }
                return Trial.Param(name: name, type: kind, value: value)
            }
        )
    }

    func testYAMLPriorsAreNamedAfterTheirPath() throws {
        let template = try ConfigTemplate(text: yaml, format: .yaml, path: "/x/train.yaml")
        XCTAssertEqual(
            template.priors,
            [
                "/optimizer/lr": "loguniform(1e-4, 1)",
                "/model/width": "randint(16, 512)",
                "/model/activation": "choices([\"relu\", \"gelu\"])",
                "/model/layers/1": "uniform(0, 1)",
            ]
        )
        XCTAssertEqual(template.fileName, "train.yaml")
        XCTAssertNoThrow(try Space(priors: template.priors))
    }

    /// A prior in an anchored mapping that an alias or a merge key repeats is two dimensions at one place of the
    /// text: refused, saying where and which two (it said "overlapping priors").
    func testAPriorSharedThroughAYAMLAliasIsRefusedSayingWhere() {
        let text = "base: &b\n  lr: orion~uniform(0, 1)\n  wd: 0.1\nmerged:\n  <<: *b\n  extra: 1\n"
        XCTAssertThrowsError(try ConfigTemplate(text: text, format: .yaml, path: "/x/c.yaml")) { error in
            XCTAssertEqual(
                (error as? CommandError)?.message,
                "configuration file '/x/c.yaml', line 2, column 7: the prior 'orion~uniform(0, 1)' is reached as both "
                    + "/base/lr and /merged/lr (a YAML alias or merge key); write the prior under each key instead of "
                    + "sharing it"
            )
        }
    }

    /// A prior with its own anchor or tag says so (it said to write the prior on one line, which it was).
    func testAPriorWithAnAnchorOrATagSaysSo() {
        for (text, what) in [
            ("a: 1\nb: &x 'orion~uniform(10, 20)'\n", "anchor"), ("a: !!str 'orion~uniform(0, 1)'\n", "tag"),
        ] {
            XCTAssertThrowsError(try ConfigTemplate(text: text, format: .yaml, path: "/x/c.yaml")) { error in
                let message = (error as? CommandError)?.message ?? ""
                XCTAssertTrue(message.contains("carries a YAML \(what); write the prior without it"), message)
            }
        }
    }

    func testYAMLRenderingKeepsEverythingButThePriors() throws {
        let template = try ConfigTemplate(text: yaml, format: .yaml, path: "/x/train.yaml")
        let rendered = try template.render(
            values: params([
                "/optimizer/lr": .double(1.5e-5), "/model/width": .int(64), "/model/activation": .string("gelu"),
                "/model/layers/1": .double(0.25),
            ])
        )
        XCTAssertEqual(
            rendered,
            """
            # A training configuration.
            dataset: mnist
            optimizer:
              name: sgd
              lr: 1.5e-05   # searched
              momentum: 0.9
            model:
              width: 64
              activation: "gelu"
              layers: [32, 0.25]
            tag: home~not-a-prior
            path: ~/data

            """
        )
    }

    func testPyYAMLReadsTheRenderedValuesWithTheirTypes() {
        XCTAssertEqual(ConfigTemplate.yamlFloat(1e-5), "1.0e-05")
        XCTAssertEqual(ConfigTemplate.yamlFloat(1e20), "1.0e+20")
        XCTAssertEqual(ConfigTemplate.yamlFloat(0.001), "0.001")
        XCTAssertEqual(ConfigTemplate.yamlFloat(12350), "12350.0")
        XCTAssertEqual(ConfigTemplate.yamlFloat(-.infinity), "-.inf")
        XCTAssertEqual(ConfigTemplate.yamlFloat(.nan), ".nan")
        XCTAssertEqual(ConfigTemplate.literal(.bool(true), format: .yaml), "true")
        XCTAssertEqual(ConfigTemplate.literal(.string("a\"b"), format: .json), "\"a\\\"b\"")
        XCTAssertEqual(ConfigTemplate.literal(.array([.double(1e-5), .int(2)]), format: .json), "[1e-05, 2]")
        XCTAssertEqual(ConfigTemplate.literal(.double(.infinity), format: .json), "Infinity")
    }

    func testJSONPriorsAndRendering() throws {
        let json = """
            {"optimizer": {"lr": "orion~loguniform(1e-4, 1)", "name": "sgd"},
             "model": {"activation": "orion~choices(['relu', 'tanh'])", "width": 128}}
            """
        let template = try ConfigTemplate(text: json, format: .json, path: "/x/cfg.json")
        XCTAssertEqual(
            template.priors,
            ["/optimizer/lr": "loguniform(1e-4, 1)", "/model/activation": "choices(['relu', 'tanh'])"]
        )
        let rendered = try template.render(
            values: params(["/optimizer/lr": .double(0.5), "/model/activation": .string("tanh")])
        )
        let object = try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String: [String: Any]]
        XCTAssertEqual(object?["optimizer"]?["lr"] as? Double, 0.5)
        XCTAssertEqual(object?["model"]?["activation"] as? String, "tanh")
        XCTAssertEqual(object?["model"]?["width"] as? Int, 128)
        XCTAssertTrue(rendered.hasPrefix("{\"optimizer\": {\"lr\": 0.5, \"name\": \"sgd\"}"), rendered)
    }

    func testShapesThatBlowUpYAMLParsingAreRefusedBeforeParsing() {
        func message(_ text: String) -> String? {
            do {
                _ = try ConfigTemplate(text: text, format: .yaml, path: "/x/train.yaml")
                return nil
            } catch {
                return error.message
            }
        }
        XCTAssertEqual(
            message("lr: orion~uniform(0, 1)\n? [a, [b, [c]]]\n: 1\n"),
            "configuration file '/x/train.yaml', line 2: complex mapping keys ('? ...') are not supported; write plain"
                + " 'key: value' pairs"
        )
        let deep =
            "lr: orion~uniform(0, 1)\nx: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        XCTAssertEqual(
            message(deep),
            "configuration file '/x/train.yaml', line 2: lists or mappings nested more than 32 levels deep; a"
                + " configuration needs a few levels at most"
        )
    }

    func testUnsupportedPlacesAndMarkersAreErrors() {
        func code(_ text: String) -> CommandError.Code? {
            do {
                _ = try ConfigTemplate(text: text, format: .yaml, path: "/x/c.yaml")
                return nil
            } catch {
                return error.code
            }
        }
        XCTAssertEqual(code("lr: >-\n  orion~uniform(0, 1)\n"), .configFile)
        XCTAssertEqual(code("lr: 'orion~-'\n"), .invalidArgument)
        XCTAssertEqual(code("lr: 'orion~>rate'\n"), .invalidArgument)
        XCTAssertNil(code("lr: 'orion~+uniform(0, 1)'\n"))
        XCTAssertEqual(code("lr: [unclosed\n"), .configFile)
        XCTAssertNil(code("lr: 0.1\n"))
    }

    /// Errors that say where, on one line: a key given twice (JSON too), a key holding `/` that names the same
    /// dimension as nested keys (the copy wrote one value in both places, one outside its prior), a syntax error.
    func testDuplicateKeysSameDimensionsAndSyntaxErrorsSayWhere() {
        func message(_ text: String, _ format: ConfigTemplate.Format = .yaml) -> String {
            do {
                _ = try ConfigTemplate(text: text, format: format, path: "/x/c")
                return ""
            } catch {
                return error.message
            }
        }
        XCTAssertEqual(
            message("lr: 0.1\nlr: 'orion~uniform(0, 1)'\n"),
            "configuration file '/x/c', line 1, column 1: key 'lr' given twice in the same mapping; keep one (the"
                + " script's loader would read one value, the search could fill in the other)"
        )
        XCTAssertTrue(
            message("{\"lr\": 0.1, \"lr\": \"orion~uniform(0, 1)\"}", .json).hasPrefix(
                "configuration file '/x/c', line 1, column 2: key 'lr' given twice"
            )
        )
        XCTAssertEqual(
            message("a/b: 'orion~uniform(0, 1)'\na:\n  b: 'orion~uniform(100, 200)'\n"),
            "configuration file '/x/c', line 3, column 6: this prior makes the dimension '/a/b', as the one at line 1,"
                + " column 6 does (a key holding '/' and nested keys give the same name); rename one of the keys"
        )
        let syntax = message("lr: [0.1\n")
        XCTAssertTrue(syntax.hasPrefix("configuration file '/x/c', line 2, column 1: not valid YAML: "), syntax)
        XCTAssertFalse(syntax.contains("\n"), syntax)
        // A prior that does not parse is said where it is in the file: it was `dimension '/lr', column 11: ...`
        // alone, and a prior inside quotes was told to use a shell's quoting.
        XCTAssertEqual(
            message("a: 1\nopt:\n  lr: 'orion~uniform(0,'\n"),
            "configuration file '/x/c', line 3, column 7: dimension '/opt/lr', column 11: expected ')' after the"
                + " arguments of 'uniform'; the '(' at column 8 is never closed"
        )
        XCTAssertEqual(
            message("{\"lr\": \"orion~uniform(1, 0)\"}", .json),
            "configuration file '/x/c', line 1, column 8: dimension '/lr', column 12: the upper bound 0 of 'uniform'"
                + " must be greater than the lower bound 1"
        )
        XCTAssertEqual(
            message("lr: \"orion~'uniform(0, 1)'\"\n"),
            "configuration file '/x/c', line 1, column 5: the prior of dimension '/lr' is inside quotes,"
                + " 'uniform(0, 1)'; remove them: orion~uniform(0, 1)"
        )
        XCTAssertEqual(
            message("lr: \"orion~+'uniform(0, 1)'\"\n"),
            "configuration file '/x/c', line 1, column 5: the prior of dimension '/lr' is inside quotes,"
                + " 'uniform(0, 1)'; remove them: orion~+uniform(0, 1)"
        )
        // In a text template the quoted prior was text: the script got it as written (hBP's re-check).
        XCTAssertEqual(
            message("x = x~uniform(0, 1)\ny = y~'uniform(0,1)'\n", .text),
            "configuration file '/x/c', line 2, column 5: the prior of dimension '/y' is inside quotes,"
                + " 'uniform(0,1)'; remove them: y~uniform(0,1)"
        )
        XCTAssertEqual(message("path = ~'/data'\nname = a~'b'\n", .text), "", "not priors")
        XCTAssertTrue(
            message("x = 1\n  lr = lr~unifrm(0, 1)\n", .text).hasPrefix(
                "configuration file '/x/c', line 2, column 8: dimension '/lr', column 1: unknown prior 'unifrm';"
            )
        )
    }

    /// Oríon's `orion~+prior` in a script's configuration: a prior, marked as a new dimension for version control.
    func testAnAddedDimensionInTheFileIsAPriorMarkedAsNew() throws {
        let yaml = "lr: orion~uniform(0, 1)\nmom: 'orion~+uniform(0, 1, default_value=0.5)'\n"
        let template = try ConfigTemplate(text: yaml, format: .yaml, path: "/x/c.yaml")
        XCTAssertEqual(template.priors, ["/lr": "uniform(0, 1)", "/mom": "uniform(0, 1, default_value=0.5)"])
        XCTAssertEqual(template.additions, ["/mom"])
        XCTAssertEqual(try template.render(values: params(["/lr": 0.25, "/mom": 0.75])), "lr: 0.25\nmom: 0.75\n")
        // Not stored: a template decoded from the experiment reads its text again when it is needed.
        let decoded = try JSONDecoder().decode(ConfigTemplate.self, from: JSONEncoder().encode(template))
        XCTAssertEqual(decoded.priors, template.priors)
    }

    func testMissingValueIsAnError() throws {
        let template = try ConfigTemplate(text: "lr: orion~uniform(0, 1)\n", format: .yaml, path: "/x/c.yaml")
        XCTAssertThrowsError(try template.render(values: params([:]))) { error in
            XCTAssertEqual((error as? CommandError)?.code, .missingValue)
        }
    }
}
