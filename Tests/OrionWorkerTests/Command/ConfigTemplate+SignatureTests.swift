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
        XCTAssertTrue(base.hasPrefix("2:"), base)
        XCTAssertEqual(
            try signature("{\"epochs\": 10, \"lr\": \"orion~uniform(0, 1)\"}", format: .json),
            try signature("{\"lr\": \"orion~uniform(0, 2)\", \"epochs\": 10}", format: .json)
        )
    }

    /// As Oríon leaves out the keys whose value is a prior: a prior added to the file (`orion~+...`) or taken from
    /// it changes the space only, and its new or missing dimension is the conflict, not the file's values.
    func testAPriorAddedOrRemovedIsNotAChangeOfTheFilesValues() throws {
        let base = try signature("epochs: 10\nlr: 'orion~uniform(0, 1)'\n")
        XCTAssertEqual(base, try signature("epochs: 10\nlr: 'orion~uniform(0, 1)'\nmom: 'orion~+uniform(0, 1)'\n"))
        XCTAssertEqual(base, try signature("epochs: 10\n"))
        // A prior in a list keeps its place: the list's length is a value.
        XCTAssertNotEqual(
            try signature("sizes: ['orion~randint(1, 9)', 4]\n"),
            try signature("sizes: [4]\n")
        )
        // Versions before the `2:` prefix counted the keys of the priors; a parent that stored such a digest is
        // compared with the candidate's digest of that kind.
        let legacy = try ConfigTemplate(
            text: "epochs: 10\nlr: 'orion~uniform(0, 1)'\n",
            format: .yaml,
            path: "/x/t.yaml"
        )
        let added = try ConfigTemplate(
            text: "epochs: 10\nlr: 'orion~uniform(0, 1)'\nmom: 'orion~uniform(0, 1)'\n",
            format: .yaml,
            path: "/x/t.yaml"
        )
        XCTAssertFalse(try legacy.legacySignature().hasPrefix("2:"))
        XCTAssertNotEqual(try legacy.legacySignature(), try added.legacySignature())
    }
}
