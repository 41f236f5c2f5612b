import Foundation
import OrionCore
import OrionWorker
import XCTest

/// Issue 13, part 2: a change of the script's configuration file is detected on its values other than priors.
final class ConfigTemplateSignatureTests: XCTestCase {
    private func signature(_ text: String, format: ConfigTemplate.Format = .yaml) throws -> String {
        try ConfigTemplate(text: text, format: format, path: "/x/train.yaml").signature()
    }

    func testOnlyValuesOtherThanPriorsCount() throws {
        let base = try signature("epochs: 10\nopt:\n  lr: 'orion~uniform(0, 1)'\n  name: sgd\n")
        XCTAssertEqual(
            base,
            try signature("# a comment\nopt: {name: sgd, lr: 'orion~loguniform(1e-5, 1)'}\nepochs: 10\n"),
            "comments, layout, key order and the prior's expression do not count"
        )
        XCTAssertNotEqual(base, try signature("epochs: 20\nopt:\n  lr: 'orion~uniform(0, 1)'\n  name: sgd\n"))
        XCTAssertNotEqual(base, try signature("epochs: 10\nopt:\n  lr: 'orion~uniform(0, 1)'\n  name: adam\n"))
        XCTAssertNotEqual(
            base,
            try signature("epochs: 10\nopt:\n  lr: 0.1\n  name: sgd\n  wd: 'orion~uniform(0, 1)'\n")
        )
        XCTAssertEqual(
            try signature("{\"epochs\": 10, \"lr\": \"orion~uniform(0, 1)\"}", format: .json),
            try signature("{\"lr\": \"orion~uniform(0, 2)\", \"epochs\": 10}", format: .json)
        )
    }
}
