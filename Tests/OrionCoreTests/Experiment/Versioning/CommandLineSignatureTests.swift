import OrionCore
import XCTest

/// Issue 13, part 2: the command-line conflict watches the script and the non-prior arguments only.
final class CommandLineSignatureTests: XCTestCase {
    func testPriorsAndMarkersAreLeftOut() {
        let items = CommandLineSignature.items(
            of: [
                "./train.py", "p~uniform(0, 1)", "data", "--lr~loguniform(1e-5, 1)", "--epochs", "10", "--opt",
                "orion~choices(['a'])", "--wd=orion~uniform(0, 1)", "--seed=3", "--y~-", "--a~>b", "-v",
            ]
        )
        XCTAssertEqual(items, ["_pos_2 data", "epochs 10", "script ./train.py", "seed 3", "v"])
    }

    func testChangesAreSeenAndIgnoredArgumentsAreNot() {
        let before = CommandLineSignature.items(of: ["python", "t.py", "-x~uniform(0, 1)", "--epochs", "10"])
        let after = CommandLineSignature.items(of: ["python", "t.py", "-x~uniform(0, 2)", "--epochs", "20"])
        XCTAssertEqual(before, ["epochs 10", "script python t.py"])
        XCTAssertNotEqual(before, after)
        XCTAssertEqual(
            CommandLineSignature.items(of: ["t.py", "--epochs", "10", "--out", "a"], ignoring: ["--out"]),
            CommandLineSignature.items(of: ["t.py", "--out", "b", "--epochs", "10"], ignoring: ["out"])
        )
    }
    /// The script is one path whatever way it was typed from where the hunt started, as Oríon stores it absolute;
    /// a command found on the `PATH` stays a name.
    func testTheScriptIsComparedByItsAbsolutePath() {
        XCTAssertEqual(
            CommandLineSignature.items(of: ["./t.py", "--epochs", "1"], in: "/home/me"),
            CommandLineSignature.items(of: ["/home/me/t.py", "--epochs", "1"], in: "/elsewhere")
        )
        XCTAssertEqual(
            CommandLineSignature.items(of: ["../run/../t.py"], in: "/home/me/sub"),
            ["script /home/me/t.py"]
        )
        XCTAssertEqual(CommandLineSignature.items(of: ["python", "t.py"], in: "/a"), ["script python /a/t.py"])
        XCTAssertEqual(CommandLineSignature.items(of: ["train-cli"], in: "/nonexistent"), ["script train-cli"])
        XCTAssertNotEqual(
            CommandLineSignature.items(of: ["./t.py"], in: "/a"),
            CommandLineSignature.items(of: ["./t.py"], in: "/b")
        )
    }
}
