import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Priors as Oríon 0.2.7 reads them (`shared/reference/orion-0.2.7.md` §3), found different by the third
/// compatibility pass of 2026-12-03.
extension OrionCompatibilityEndToEndTests {
    /// A malformed prior in the script's configuration file (`orion~uniform(0, 1` without its `)`) is an error
    /// naming the dimension, as Oríon reads every `orion~` value as a prior; it was kept as text, and the hunt
    /// said there was no prior at all (or searched the other priors without it). Nothing is stored.
    func testAMalformedPriorInTheConfigurationFileIsAnError() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "one.sh",
            "#!/bin/sh\necho '[{\"name\": \"o\", \"type\": \"objective\", \"value\": 1}]' > \"$ORION_RESULTS_PATH\"\n"
        )
        for (index, value) in ["'orion~uniform(0, 1'", "orion~uniform(0,", "'lr~loguniform(1e-5 1)'"].enumerated() {
            let path = sandbox.directory + "/bad\(index).yaml"
            try "model:\n  width: 'orion~uniform(1, 4, discrete=True)'\n  lr: \(value)\n".write(
                toFile: path,
                atomically: true,
                encoding: .utf8
            )
            let hunt = try sandbox.run(["hunt", "-n", "bad\(index)", script, "--config", path])
            XCTAssertEqual(hunt.status, 2, "\(value): \(hunt.stdout)")
            let lines = hunt.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, hunt.stderr)
            XCTAssertTrue(hunt.stderr.contains("/model/lr"), hunt.stderr)
            let stored = try await sandbox.storage().experiment(named: "bad\(index)", version: nil)
            XCTAssertNil(stored, value)
        }
        // A `~` in other text is not a prior: a home path, a plain word.
        let path = sandbox.directory + "/fine.yaml"
        try "x: 'orion~uniform(0, 1)'\ndata: ~/data\nname: a~b\n".write(toFile: path, atomically: true, encoding: .utf8)
        try sandbox.succeed(["hunt", "-n", "fine", "--exp-max-trials", "1", script, "--config", path])
    }
}
