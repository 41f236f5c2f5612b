import Foundation
import OrionCore
import XCTest

@testable import OrionWorker

final class UserCommandTests: XCTestCase {
    private var directory = ""
    private var binDirectory = ""

    override func setUpWithError() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("usercommand-\(UUID().uuidString)")
        // Resolve symbolic links (macOS /var → /private/var) so that expected paths compare equal.
        directory = base.path
        binDirectory = directory + "/bin"
        try FileManager.default.createDirectory(atPath: binDirectory, withIntermediateDirectories: true)
        try makeFile("train.py", executable: true)
        try makeFile("plain.py", executable: false)
        try makeFile("bin/python3", executable: true)
        try makeFile("bin/tool", executable: true)
        try FileManager.default.createDirectory(atPath: directory + "/folder", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func makeFile(_ name: String, executable: Bool) throws {
        let path = directory + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("#!/bin/sh\n".utf8)))
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: path)
    }

    private func command(_ arguments: [String]) throws -> UserCommand {
        try UserCommand(arguments: arguments, currentDirectory: directory, environmentPath: binDirectory)
    }

    private func error(_ arguments: [String]) -> CommandError? {
        do {
            _ = try command(arguments)
            return nil
        } catch let error as CommandError {
            return error
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    private let context = TemplateContext(
        trialID: "abc123",
        trialWorkingDir: "/work/exp/abc123",
        trialHashParams: "f00d",
        trialLegacyID: "legacy",
        experimentID: "e1",
        experimentName: "exp",
        experimentVersion: 2,
        experimentWorkingDir: "/work/exp"
    )

    private func render(_ arguments: [String], _ values: [String: JSONValue]) throws -> [String] {
        try command(arguments).render(values: params(values), context: context)
    }

    /// Parameters from values, each of the kind its JSON case suggests (enough for rendering).
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

    // MARK: - Marker forms

    func testShortOptionPrior() throws {
        let parsed = try command(["./train.py", "-x~uniform(0, 1)"])
        XCTAssertEqual(parsed.priors, ["/x": "uniform(0, 1)"])
        XCTAssertEqual(
            try parsed.render(values: params(["/x": 0.5]), context: context),
            [directory + "/train.py", "-x", "0.5"]
        )
    }

    func testLongOptionPrior() throws {
        let argv = try render(["./train.py", "--lr~loguniform(1e-5, 1)", "--epochs", "10"], ["/lr": 1e-05])
        XCTAssertEqual(argv, [directory + "/train.py", "--lr", "1e-05", "--epochs", "10"])
    }

    /// An item that is exactly one letter with two dashes is passed with one, as Oríon passes it (its scripts were
    /// given `-y`), for priors and plain options; `--w=...` and `--r=4` are kept (Oríon passes `--r 4`, checked with
    /// its parser), and longer names keep theirs.
    func testSingleLetterLongOptionsArePassedWithOneDashAsOrionDoes() throws {
        let parsed = try command([
            "./train.py", "--y~uniform(0, 1)", "--z", "orion~uniform(0, 1)", "--w=orion~uniform(0, 1)", "--q", "3",
            "--r=4", "--lr~uniform(0, 1)", "--ab", "5", "--cd=6", "-e", "7", "--", "--f",
        ])
        XCTAssertEqual(Set(parsed.priors.keys), ["/y", "/z", "/w", "/lr"])
        XCTAssertEqual(
            try parsed.render(values: params(["/y": 0.25, "/z": 0.5, "/w": 0.75, "/lr": 0.125]), context: context),
            [
                directory + "/train.py", "-y", "0.25", "-z", "0.5", "--w=0.75", "-q", "3", "--r=4", "--lr", "0.125",
                "--ab", "5", "--cd=6", "-e", "7", "--", "-f",
            ]
        )
    }

    func testValueFormPrior() throws {
        let parsed = try command(["./train.py", "--lr", "orion~loguniform(1e-5, 1)", "--seed", "3"])
        XCTAssertEqual(parsed.priors, ["/lr": "loguniform(1e-5, 1)"])
        let argv = try parsed.render(values: params(["/lr": 0.001]), context: context)
        XCTAssertEqual(argv, [directory + "/train.py", "--lr", "0.001", "--seed", "3"])
    }

    /// Oríon reads an option's value `<word>~<prior>` as a prior whatever the word (`orion` in its documentation), as
    /// a string value of the script's configuration file is read; it was passed to the script as text.
    func testValueFormPriorAfterAnyWord() throws {
        let parsed = try command([
            "./train.py", "--lr", "lr~loguniform(1e-5, 1)", "--act=act~choices([\"relu\", \"tanh\"])", "--z",
            "w~+uniform(0, 1)",
        ])
        XCTAssertEqual(
            parsed.priors,
            ["/lr": "loguniform(1e-5, 1)", "/act": #"choices(["relu", "tanh"])"#, "/z": "uniform(0, 1)"]
        )
        XCTAssertEqual(
            try parsed.render(values: params(["/lr": 0.001, "/act": "relu", "/z": 0.5]), context: context),
            [directory + "/train.py", "--lr", "0.001", "--act=relu", "-z", "0.5"]
        )
        // A `~` not followed by a name and `(` is text, as is a word after an option's value.
        let text = ["--data", "/home/me~old/set", "--tag", "v1~2", "--home", "~/x", "--lr", "0.1", "x~uniform(0, 1)"]
        let plain = try command(["./train.py", "-y~uniform(0, 1)"] + text)
        XCTAssertEqual(Set(plain.priors.keys), ["/y"])
        XCTAssertEqual(
            try plain.render(values: params(["/y": 0.5]), context: context),
            [directory + "/train.py", "-y", "0.5"] + text
        )
    }

    func testEqualsFormPrior() throws {
        let parsed = try command(["./train.py", "--lr=orion~loguniform(1e-5, 1)"])
        XCTAssertEqual(parsed.priors, ["/lr": "loguniform(1e-5, 1)"])
        XCTAssertEqual(
            try parsed.render(values: params(["/lr": 0.5]), context: context),
            [directory + "/train.py", "--lr=0.5"]
        )
    }

    func testPositionalPriorIsNamedByItsIndexInTheCommand() throws {
        let parsed = try command(["./train.py", "data", "p~uniform(0, 1)", "--flag"])
        XCTAssertEqual(parsed.priors, ["/_pos_2": "uniform(0, 1)"])
        let argv = try parsed.render(values: params(["/_pos_2": 0.75]), context: context)
        XCTAssertEqual(argv, [directory + "/train.py", "data", "0.75", "--flag"])
    }

    func testPositionalPriorAfterInterpreterCountsTheInterpreter() throws {
        let parsed = try command(["python3", "plain.py", "p~uniform(0, 1)"])
        XCTAssertEqual(parsed.priors, ["/_pos_2": "uniform(0, 1)"])
    }

    func testPositionalOrionPrefixBeforeAnyOption() throws {
        let parsed = try command(["./train.py", "orion~choices([1, 2])"])
        XCTAssertEqual(parsed.priors, ["/_pos_1": "choices([1, 2])"])
        XCTAssertEqual(
            try parsed.render(values: params(["/_pos_1": 2]), context: context),
            [directory + "/train.py", "2"]
        )
    }

    func testTildeAfterAnOptionValueIsText() throws {
        // Oríon: a positional after an option is one more value of that option, not a prior.
        let parsed = try command(["./train.py", "--lr", "0.1", "x~uniform(0, 1)"])
        XCTAssertEqual(parsed.priors, [:])
        XCTAssertEqual(
            try parsed.render(values: params([:]), context: context),
            [directory + "/train.py", "--lr", "0.1", "x~uniform(0, 1)"]
        )
    }

    /// Oríon gives an option every item up to the next option: a prior followed by another value (`--a~prior
    /// extra`, `--a orion~prior extra`, `--a=orion~prior extra`) is a list of values there, not a prior, passed as
    /// written (`-a orion~uniform(0, 1) extra`, checked with Oríon 0.2.7). Read that way with `.orionList` (an
    /// experiment Oríon created, resumed: it has no such dimension); a negative number starts another option there,
    /// and the prior stays. Our own rule keeps the prior.
    func testAPriorFollowedByAnotherValueIsAListWhenReadAsOrionReadsIt() throws {
        let cases: [(arguments: [String], priors: Set<String>, argv: [String])] = [
            (
                ["--b~uniform(0, 1)", "--a~uniform(0, 1)", "extra"], ["/b"],
                ["-b", "0.5", "-a", "orion~uniform(0, 1)", "extra"]
            ),
            (
                ["--lr", "orion~uniform(0, 1)", "x", "y", "--cc", "2"], [],
                ["--lr", "orion~uniform(0, 1)", "x", "y", "--cc", "2"]
            ),
            (["--lr=orion~uniform(0, 1)", "x"], [], ["--lr=orion~uniform(0, 1)", "x"]),
            (
                ["--sd~uniform(0, 1)", "pos~choices([1, 2])"], [],
                ["--sd", "orion~uniform(0, 1)", "pos~choices([1, 2])"]
            ),
            (["--lr~uniform(0, 1)", "-1"], ["/lr"], ["--lr", "0.5", "-1"]),
            (["--lr~uniform(0, 1)", ""], ["/lr"], ["--lr", "0.5", ""]),
        ]
        for (arguments, priors, argv) in cases {
            let parsed = try UserCommand(
                arguments: ["./train.py"] + arguments,
                currentDirectory: directory,
                environmentPath: binDirectory,
                valuesAfterAPrior: .orionList
            )
            XCTAssertEqual(Set(parsed.priors.keys), priors, "\(arguments)")
            let values = params(Dictionary(uniqueKeysWithValues: priors.map { ($0, 0.5) }))
            XCTAssertEqual(try parsed.render(values: values, context: context), [directory + "/train.py"] + argv)
        }
        let ours = try command(["./train.py", "--b~uniform(0, 1)", "--a~uniform(0, 1)", "extra"])
        XCTAssertEqual(Set(ours.priors.keys), ["/a", "/b"])
        XCTAssertEqual(ours.notes, [])
        let orion = try UserCommand(
            arguments: ["./train.py", "--b~uniform(0, 1)", "--a~uniform(0, 1)", "extra"],
            currentDirectory: directory,
            environmentPath: binDirectory,
            valuesAfterAPrior: .orionList
        )
        XCTAssertEqual(
            orion.notes,
            [
                "'--a~uniform(0, 1)' 'extra' gives the option several values, so it is not a prior and its items are "
                    + "passed as written, as Oríon read this command line when it created the experiment"
            ]
        )
    }

    func testTildeFollowedByNothingOrSlashIsNotAPrior() throws {
        let items = ["a~/b", "--x~", "--data~/some/path", "--path=~/x", "--y=~uniform(0, 1)"]
        let parsed = try command(["./train.py"] + items)
        XCTAssertEqual(parsed.priors, [:])
        XCTAssertEqual(try parsed.render(values: params([:]), context: context), [directory + "/train.py"] + items)
    }

    func testPriorWithKeywordsHoldingEquals() throws {
        let parsed = try command([
            "./train.py", "--lr~loguniform(1e-5, 1, precision=2)", "--opt~choices([\"adam\", \"sgd\"])",
        ])
        XCTAssertEqual(
            parsed.priors,
            ["/lr": "loguniform(1e-5, 1, precision=2)", "/opt": "choices([\"adam\", \"sgd\"])"]
        )
        let argv = try parsed.render(values: params(["/lr": 0.01, "/opt": "adam"]), context: context)
        XCTAssertEqual(argv, [directory + "/train.py", "--lr", "0.01", "--opt", "adam"])
    }

    func testNestedDimensionNamesAndDashes() throws {
        let parsed = try command(["./train.py", "--model/learning-rate~uniform(0, 1)"])
        XCTAssertEqual(parsed.priors, ["/model/learning-rate": "uniform(0, 1)"])
    }

    func testValuesRenderPythonStyle() throws {
        let parsed = try command(["./train.py", "-a~a", "-b~b", "-c~c", "-d~d", "-e~e", "-f~f"])
        let argv = try parsed.render(
            values: params(["/a": 1.235e-05, "/b": 12350.0, "/c": 7, "/d": "sgd", "/e": [0.1, 0.2], "/f": true]),
            context: context
        )
        XCTAssertEqual(
            argv,
            [
                directory + "/train.py", "-a", "1.235e-05", "-b", "12350.0", "-c", "7", "-d", "sgd", "-e", "[0.1, 0.2]",
                "-f", "True",
            ]
        )
    }

    func testNegativeNumbersAreValuesNotOptions() throws {
        let parsed = try command(["./train.py", "--shift", "-1", "-.5"])
        XCTAssertEqual(
            try parsed.render(values: params([:]), context: context),
            [directory + "/train.py", "--shift", "-1", "-.5"]
        )
        // `-1` is a value of --shift, so an orion~ item after it no longer follows an option name.
        XCTAssertEqual(error(["./train.py", "--shift", "-1", "orion~uniform(0, 1)"])?.code, .invalidArgument)
    }

    // MARK: - Errors in priors

    func testDuplicateDimension() {
        let failure = error(["./train.py", "-x~uniform(0, 1)", "--x~uniform(0, 2)"])
        XCTAssertEqual(failure?.code, .duplicateDimension)
        XCTAssertEqual(
            failure?.message,
            "dimension '/x' is defined twice, by '-x~uniform(0, 1)' and by '--x~uniform(0, 2)': keep one of them"
        )
    }

    /// An option given a prior and a value: the script would get both (argparse keeps the last), so every trial
    /// would run with the value. Oríon refuses any repeated option; swift-orion refuses this one.
    func testAnOptionGivenBothAPriorAndAValueIsRefused() throws {
        let failure = error(["./train.py", "-x~uniform(0,1)", "-x", "3"])
        XCTAssertEqual(failure?.code, .duplicateDimension)
        XCTAssertEqual(
            failure?.message,
            "option -x is given both a prior ('-x~uniform(0,1)') and a value ('-x ...'): the script would get both"
                + " and use one; keep one of them"
        )
        for arguments in [
            ["./train.py", "--lr=0.1", "--lr~loguniform(1e-5, 1)"],
            ["./train.py", "--lr", "orion~loguniform(1e-5, 1)", "--lr", "0.1"],
            ["./train.py", "--x", "3", "-x~uniform(0, 1)"],  // `--x` reaches the script as `-x`
            ["./train.py", "--epochs~fidelity(1, 9)", "--epochs=9"],
        ] {
            XCTAssertEqual(error(arguments)?.code, .duplicateDimension, "\(arguments)")
        }
        // Other repeats and a value-form prior alone are passed as written.
        XCTAssertNil(error(["./train.py", "--tag", "a", "--tag", "b", "-x~uniform(0, 1)"]))
        XCTAssertNil(error(["./train.py", "--lr", "orion~loguniform(1e-5, 1)", "--lrs", "0.1"]))
        XCTAssertNil(error(["./train.py", "--y", "orion~uniform(0, 1)", "-x~uniform(0, 1)"]))
    }

    /// Issue 13, part 2: Oríon's branching markers are read for experiment version control.
    func testBranchingMarkersAreRecorded() throws {
        let parsed = try command([
            "./train.py", "--lr~+uniform(0, 1)", "--y~-", "--w~-0.5", "--a~>b", "--b~uniform(0, 2)", "--epochs", "3",
        ])
        XCTAssertEqual(parsed.priors, ["/lr": "uniform(0, 1)", "/b": "uniform(0, 2)"])
        XCTAssertEqual(
            parsed.markers,
            BranchingMarkers(additions: ["/lr"], removals: ["/y": nil, "/w": "0.5"], renames: ["/a": "/b"])
        )
        let argv = try parsed.render(
            values: Parameters([
                Trial.Param(name: "/b", type: .real, value: .double(1)),
                Trial.Param(name: "/lr", type: .real, value: .double(0.5)),
            ]),
            context: context
        )
        XCTAssertEqual(argv, [directory + "/train.py", "--lr", "0.5", "-b", "1.0", "--epochs", "3"])
    }

    /// A stored command line's markers are read as a typed one's, without the script (which may be elsewhere now);
    /// what does not read is skipped.
    func testAStoredCommandLinesMarkersAreReadWithoutItsScript() {
        let stored = [
            "/gone/train.py", "--a~>b", "--b~uniform(0, 2)", "-x~>/w", "--path=~/data", "--c~>", "--y~-", "--epochs",
            "3",
        ]
        let markers = UserCommand.storedMarkers(stored)
        XCTAssertEqual(markers.renames, ["/a": "/b", "/x": "/w"])
        XCTAssertEqual(markers.removals, ["/y": nil])
        XCTAssertEqual(UserCommand.storedMarkers(["python3", "-u", "t.py", "--lr~>rate"]).renames, ["/lr": "/rate"])
        XCTAssertEqual(UserCommand.storedMarkers([]), BranchingMarkers())
    }

    func testMisplacedBranchingMarkersAreErrors() {
        XCTAssertEqual(
            error(["./train.py", "--lr", "orion~-"])?.message,
            "'orion~-': the branching marker '~-' is written after an option name, e.g. `--y~-` or"
                + " `--lr~>learning_rate`"
        )
        XCTAssertEqual(
            error(["./train.py", "--lr~+"])?.message,
            "'--lr~+' has no prior after '~+': write e.g. `--z~+'uniform(0, 1)'`"
        )
        XCTAssertEqual(error(["./train.py", "--lr~>"])?.code, .invalidArgument)
        XCTAssertEqual(error(["./train.py", "--lr~>/"])?.code, .invalidArgument, "a slash names no dimension")
        XCTAssertEqual(error(["./train.py", "--y~-", "--y~uniform(0, 1)"])?.code, .duplicateDimension)
    }

    func testOrionPrefixAfterAValueIsAnError() {
        let failure = error(["./train.py", "--lr", "0.1", "orion~uniform(0, 1)"])
        XCTAssertEqual(failure?.code, .invalidArgument)
        XCTAssertEqual(
            failure?.message,
            "'orion~uniform(0, 1)' does not follow an option name: write `--name orion~...` or `--name~...`"
        )
        XCTAssertEqual(error(["./train.py", "--lr", "orion~"])?.code, .invalidArgument)
    }

    func testPriorWithoutName() {
        XCTAssertEqual(
            error(["./train.py", "--~uniform(0, 1)"])?.message,
            "'--~uniform(0, 1)' has no name before '~': write e.g. `--lr~'uniform(0, 1)'`"
        )
    }

    func testMissingValueAtRender() throws {
        let parsed = try command(["./train.py", "--lr~uniform(0, 1)"])
        XCTAssertThrowsError(try parsed.render(values: params(["/x": 1]), context: context)) { error in
            XCTAssertEqual((error as? CommandError)?.code, .missingValue)
        }
    }

    // MARK: - Script resolution

    func testScriptIsMadeAbsoluteAndOtherPathsAreKept() throws {
        let parsed = try command(["./sub/../train.py", "--data", "./plain.py"])
        XCTAssertEqual(parsed.executable, directory + "/train.py")
        XCTAssertEqual(parsed.script, directory + "/train.py")
        XCTAssertEqual(parsed.arguments, ["./sub/../train.py", "--data", "./plain.py"])
        XCTAssertEqual(
            try parsed.render(values: params([:]), context: context),
            [directory + "/train.py", "--data", "./plain.py"]
        )
    }

    func testScriptInCurrentDirectoryWithoutSlash() throws {
        let parsed = try command(["train.py"])
        XCTAssertEqual(parsed.executable, directory + "/train.py")
    }

    func testInterpreterIsFoundOnPathAndScriptNeedNotBeExecutable() throws {
        let parsed = try command(["python3", "plain.py", "--lr~uniform(0, 1)"])
        XCTAssertEqual(parsed.executable, binDirectory + "/python3")
        XCTAssertEqual(parsed.script, directory + "/plain.py")
        let argv = try parsed.render(values: params(["/lr": 0.5]), context: context)
        XCTAssertEqual(argv, [binDirectory + "/python3", directory + "/plain.py", "--lr", "0.5"])
    }

    func testProgramOnPath() throws {
        let parsed = try command(["tool", "--x~uniform(0, 1)"])
        XCTAssertEqual(parsed.executable, binDirectory + "/tool")
        XCTAssertNil(parsed.script)
    }

    func testMissingScript() {
        XCTAssertEqual(error([])?.code, .missingScript)
        XCTAssertEqual(
            error([])?.message,
            "no script to run: give it after the options, e.g. `orion hunt -n exp ./train.py --lr~'uniform(0, 1)'`"
        )
        XCTAssertEqual(error(["python3"])?.message, "no script after 'python3': write `python3 ./train.py ...`")
    }

    func testScriptNotFound() {
        let failure = error(["./nope.py"])
        XCTAssertEqual(failure?.code, .scriptNotFound)
        XCTAssertEqual(failure?.message, "script './nope.py' not found (looked in \(directory))")
        XCTAssertEqual(error(["python3", "nope.py"])?.message, "script 'nope.py' not found (looked in \(directory))")
        XCTAssertEqual(
            error(["nope"])?.message,
            "script 'nope' not found (looked in \(directory) and on PATH \(binDirectory))"
        )
        XCTAssertEqual(
            error(["python2", "plain.py"])?.message,
            "command 'python2' not found on PATH (\(binDirectory))"
        )
    }

    func testScriptNotExecutable() {
        let failure = error(["./plain.py"])
        XCTAssertEqual(failure?.code, .notExecutable)
        XCTAssertEqual(
            failure?.message,
            "script './plain.py' is not executable: run `chmod +x ./plain.py` (with a #! line), or run it as"
                + " `python3 ./plain.py`"
        )
        XCTAssertEqual(
            error(["./folder"])?.message,
            "script './folder' is a directory: give the path of the file to run"
        )
    }

    func testInterpreterScriptMustBeAFile() {
        XCTAssertEqual(
            error(["python3", "folder"])?.message,
            "script 'folder' is a directory: give the path of the file to run"
        )
    }

    /// Interpreter options that take no value (`python3 -u -B train.py`) come before a script that is checked and
    /// known as any (a positional prior after it is `/_pos_4`); other options (`python3 -m package.train`) make the
    /// interpreter the program, as under Oríon: everything after it is passed as written, priors replaced. (They were
    /// refused.)
    func testInterpreterOptions() throws {
        let unbuffered = try command(["python3", "-u", "-B", "plain.py", "p~uniform(0, 1)", "-x~uniform(0, 1)"])
        XCTAssertEqual(unbuffered.script, directory + "/plain.py")
        XCTAssertTrue(unbuffered.executable.hasSuffix("/python3"), unbuffered.executable)
        XCTAssertEqual(unbuffered.priors, ["/_pos_4": "uniform(0, 1)", "/x": "uniform(0, 1)"])
        XCTAssertEqual(
            try unbuffered.render(values: params(["/_pos_4": 0.25, "/x": 0.5]), context: context),
            [unbuffered.executable, "-u", "-B", directory + "/plain.py", "0.25", "-x", "0.5"]
        )
        XCTAssertEqual(error(["python3", "-u", "missing.py"])?.code, .scriptNotFound)
        let module = try command(["python3", "-m", "package.train", "--lr~uniform(0, 1)"])
        XCTAssertEqual(
            try module.render(values: params(["/lr": 0.5]), context: context),
            [module.executable, "-m", "package.train", "--lr", "0.5"]
        )
    }

    // MARK: - Templates

    func testTemplatesInsideItems() throws {
        let argv = try render(
            [
                "./train.py", "--out", "{trial.working_dir}/model.pt", "--tag", "some-{exp.name}-{trial.id}-x",
                "--ids={exp.id}:{exp.version}:{trial.hash_params}", "{exp.working_dir}", "{trial.legacy_id}",
            ],
            [:]
        )
        XCTAssertEqual(
            argv,
            [
                directory + "/train.py", "--out", "/work/exp/abc123/model.pt", "--tag", "some-exp-abc123-x",
                "--ids=e1:2:f00d", "/work/exp", "legacy",
            ]
        )
    }

    func testDoubledBracesAreLiteral() throws {
        let argv = try render(["./train.py", "--json", "{{\"a\": 1}}"], [:])
        XCTAssertEqual(argv, [directory + "/train.py", "--json", "{\"a\": 1}"])
    }

    func testTemplatesAreNotAppliedToSampledValues() throws {
        let argv = try render(["./train.py", "--name~choices([\"{exp.name}\"])"], ["/name": "{exp.name}"])
        XCTAssertEqual(argv, [directory + "/train.py", "--name", "{exp.name}"])
    }

    func testUnknownTemplateFailsAtParse() {
        let failure = error(["./train.py", "--out", "x-{trial.foo}"])
        XCTAssertEqual(failure?.code, .unknownTemplate)
        XCTAssertEqual(
            failure?.message,
            "unknown template '{trial.foo}' in argument 'x-{trial.foo}': use one of {trial.id}, {trial.working_dir},"
                + " {trial.hash_params}, {trial.legacy_id}, {trial.parent}, {trial.exp_working_dir}, {exp.id},"
                + " {exp.name}, {exp.version}, {exp.working_dir}, {exp.max_trials}, {exp.max_broken},"
                + " {trial.params[/x]}, {exp.metadata[user]}, or write '{{' and '}}' for literal braces"
        )
        XCTAssertEqual(error(["./train.py", "{exp.metadata[password]}"])?.code, .unknownTemplate)
    }

    /// Oríon formats the command with its trial and experiment objects, so a script may take any of their
    /// attributes; these are the ones a command line uses, written as Python's `str` writes them.
    func testOrionsAttributeTemplates() throws {
        var context = self.context
        context.trialParams = params(["/lr": .double(0.001), "/layers": .int(3)])
        context.experimentMaxTrials = 100
        context.experimentMaxBroken = 3
        context.experimentMetadata = ["user": "ada"]
        let argv = try command([
            "./train.py", "--lr~loguniform(1e-5, 1)", "--layers~randint(1, 5)",
            "--tag={trial.params[/lr]}-{trial.params[layers]}", "{exp.max_trials}/{exp.max_broken}",
            "by-{exp.metadata[user]}",
        ]).render(values: context.trialParams, context: context)
        XCTAssertEqual(
            argv,
            [directory + "/train.py", "--lr", "0.001", "--layers", "3", "--tag=0.001-3", "100/3", "by-ada"]
        )
        context.experimentMaxTrials = nil
        XCTAssertEqual(
            try command(["./train.py", "{exp.max_trials}"]).render(values: [], context: context).last,
            "None"
        )
        // The parent trial (a promotion's), `None` without one, as Oríon's `str.format` of its trial writes it
        // (probe p43e: `--resume-from {trial.parent}` was refused).
        let resume = try command(["./train.py", "--resume-from", "{trial.parent}", "{trial.exp_working_dir}"])
        XCTAssertEqual(try resume.render(values: [], context: context).suffix(2), ["None", "/work/exp"])
        context.trialParent = "0a1b2c"
        XCTAssertEqual(try resume.render(values: [], context: context).suffix(2), ["0a1b2c", "/work/exp"])
        XCTAssertThrowsError(
            try command(["./train.py", "{trial.params[/nope]}"]).render(values: [], context: context)
        ) { error in
            XCTAssertEqual((error as? CommandError)?.code, .missingValue)
            XCTAssertEqual(
                (error as? CommandError)?.message,
                "template '{trial.params[/nope]}' in argument '{trial.params[/nope]}' has no value for this trial"
                    + " (the trial's parameters: /layers, /lr)"
            )
        }
    }

    func testUnmatchedBraces() {
        XCTAssertEqual(
            error(["./train.py", "a{b"])?.message,
            "unclosed '{' in argument 'a{b': write '{{' for a literal brace"
        )
        XCTAssertEqual(
            error(["./train.py", "a}b"])?.message,
            "single '}' in argument 'a}b': write '}}' for a literal brace"
        )
    }

    // MARK: - Coding

    func testCodableRoundTrip() throws {
        let parsed = try command(["./train.py", "--lr~uniform(0, 1)", "--out", "{trial.id}", "p"])
        let decoded = try JSONDecoder().decode(UserCommand.self, from: JSONEncoder().encode(parsed))
        XCTAssertEqual(decoded, parsed)
        XCTAssertEqual(
            try decoded.render(values: params(["/lr": 0.5]), context: context),
            [directory + "/train.py", "--lr", "0.5", "--out", "abc123", "p"]
        )
    }

    /// An executable text file without a `#!` line cannot be run (the kernel refuses it): refused at once, saying
    /// how to fix it, instead of three broken trials. An executable binary is run.
    func testAnExecutableScriptWithoutAShebangIsRefusedAtOnce() throws {
        let path = directory + "/bare.py"
        try "import sys\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        XCTAssertEqual(
            error(["./bare.py"])?.message,
            "script './bare.py' has no #! line, so it cannot be run directly: add one as its first line (e.g."
                + " #!/usr/bin/env python3), or run it as `python3 ./bare.py`"
        )
        XCTAssertNoThrow(try command(["python3", "bare.py"]))
        XCTAssertNoThrow(try command(["/bin/true"]))
    }
}
