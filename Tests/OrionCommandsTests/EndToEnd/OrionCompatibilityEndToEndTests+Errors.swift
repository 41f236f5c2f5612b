import Foundation
import OrionCore
import OrionTesting
import XCTest

/// The errors of each command on an experiment that does not exist, compared with Oríon 0.2.7's by the fifth
/// compatibility pass (2026-12-03): one `Error:` line on stderr naming the experiment, nothing on stdout, exit 1.
extension OrionCompatibilityEndToEndTests {
    /// Every command that reads one experiment (`info`, `status`, `plot`, `insert`, `db rm`, `db set`, `db release`)
    /// says so in one line and exits 1 for a name that is not stored, as Oríon's do (`Error: No experiment with given
    /// name 'nope' ...`, exit 1); `orion plot` exited 2, as for a mistake in the command line.
    func testUnknownExperimentIsOneLineAndExitOne() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed(["hunt", "--init-only", "-n", "known", script, "-x~uniform(0, 1)"])
        let commands: [[String]] = [
            ["info", "-n", "nope"], ["status", "-n", "nope"], ["plot", "regret", "-n", "nope"],
            ["plot", "regret", "-n", "nope", "-t", "json"], ["insert", "-n", "nope", script, "-x=0.5"],
            ["db", "rm", "nope", "-f"], ["db", "set", "nope", "status=broken", "status=new", "-f"],
            ["db", "release", "nope", "-f"],
        ]
        for arguments in commands {
            let output = try sandbox.run(arguments)
            let command = arguments.joined(separator: " ")
            XCTAssertEqual(output.status, 1, "\(command): \(output.stderr)")
            XCTAssertEqual(output.stdout, "", command)
            XCTAssertEqual(output.stderr.split(separator: "\n").count, 1, "\(command): \(output.stderr)")
            XCTAssertTrue(output.stderr.hasPrefix("Error: "), "\(command): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains("'nope'"), "\(command): \(output.stderr)")
        }
    }
}
