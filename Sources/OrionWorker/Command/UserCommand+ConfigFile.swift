import Foundation
import OrionCore

// The script's configuration file (`--config train.yaml`): its priors join the command's, and each trial's argv
// points at the trial's rendered copy.
extension UserCommand {
    /// The value of the configuration file option, as written.
    struct ConfigArgument: Sendable {
        /// The index of its piece (a `.text` piece until the file is read).
        var piece: Int
        /// The path as written (relative to the hunt's directory, or absolute).
        var path: String
        /// What comes before the path in the same item (`--config=`), or nothing.
        var prefix: String
        /// The option and the path as the command line gives them (`--config train.yaml`), for messages.
        var written: String
    }

    /// Refuses a command line that gives the configuration file option several times when one of the files holds
    /// priors.
    ///
    /// The search fills in the first file, while the script reads the one its parser keeps (argparse: the last),
    /// so every trial would run without the values the experiment records for it. Oríon refuses any repeated
    /// option; files without priors (a script that takes a list of files) are passed as written.
    ///
    /// An experiment's stored command line (`storedText`: the first file's stored text) is refused too when its
    /// first file holds priors: stored by a version that filled in one file while the script read another, its
    /// trials would go on running without their values.
    ///
    /// - Throws: ``CommandError`` `.duplicateDimension` naming the options and the file with priors.
    static func refuseRepeatedConfigFiles(
        _ arguments: [ConfigArgument],
        currentDirectory: String,
        storedText: String? = nil
    ) throws(CommandError) {
        for (index, argument) in arguments.enumerated() {
            // Resuming: only the first file was read and stored; the others are not looked for.
            if storedText != nil, index > 0 { break }
            guard let template = try template(of: argument, currentDirectory: currentDirectory, storedText: storedText),
                !template.priors.isEmpty
            else { continue }
            let given = arguments.map { "'\($0.written)'" }.joined(separator: ", ")
            let times = arguments.count == 2 ? "twice" : "\(arguments.count) times"
            throw CommandError(
                .duplicateDimension,
                "the script's configuration file is given \(times) (\(given)) and '\(argument.path)' holds priors: the"
                    + " script would read one file while the search fills in another; give the option once"
            )
        }
    }

    /// The configuration file `argument` names, read as a template; `nil` for a file passed as written: a path
    /// holding a template (`{trial.id}`), or a file that is not YAML or JSON and does not exist or is not text.
    private static func template(
        of argument: ConfigArgument,
        currentDirectory: String,
        storedText: String?
    ) throws(CommandError) -> ConfigTemplate? {
        guard !argument.path.contains("{") else { return nil }
        let format = ConfigTemplate.format(ofFileNamed: argument.path)
        let path = absolute(argument.path, in: currentDirectory)
        if let storedText {
            return try ConfigTemplate(text: storedText, format: format, path: path)
        } else if format == .text {
            guard let text = ConfigTemplate.templatableText(at: path) else { return nil }
            return try ConfigTemplate(text: text, format: .text, path: path)
        } else {
            return try ConfigTemplate(path: path)
        }
    }

    /// Reads the configuration file named by `argument` and adds its priors.
    ///
    /// A path holding a template (`{trial.id}`: the script writes it), a file with no prior, and a file that is not
    /// YAML or JSON and does not exist or is not text (``ConfigTemplate/templatableText(at:)``) are passed to the
    /// script as written. With `storedText` (the text stored with the experiment, for a resume with the stored
    /// command) the file on disk is not read.
    mutating func attachConfigFile(
        _ argument: ConfigArgument,
        currentDirectory: String,
        storedText: String? = nil
    ) throws(CommandError) {
        guard
            let template = try Self.template(of: argument, currentDirectory: currentDirectory, storedText: storedText),
            !template.priors.isEmpty
        else { return }
        for (name, expression) in template.priors {
            if let defined = priors[name] {
                throw CommandError(
                    .duplicateDimension,
                    "dimension '\(name)' is defined both in the command line ('\(defined)') and in the configuration"
                        + " file '\(argument.path)' ('\(expression)'): keep one of them"
                )
            }
            priors[name] = expression
        }
        markers.additions.formUnion(template.additions)
        pieces[argument.piece] = .configFile(prefix: argument.prefix)
        configTemplate = template
    }

    /// The configuration file of a trial: where to write it and what, when the command has a configuration template.
    ///
    /// - Parameters:
    ///   - values: the trial's parameters.
    ///   - directory: the trial's working directory.
    /// - Returns: the path of the trial's copy (`<directory>/orion.<the file's name>`: a script that copies its
    ///   configuration into its directory under its own name, a common way to keep it with the checkpoints, does
    ///   not overwrite it) and its text; `nil` when the command
    ///   has no configuration template.
    /// - Throws: ``CommandError`` `.missingValue` when `values` lacks one of the file's dimensions.
    public func renderConfigFile(
        values: Parameters,
        directory: String
    ) throws(CommandError) -> (path: String, text: String)? {
        guard let configTemplate else { return nil }
        return (directory + "/" + configTemplate.trialFileName, try configTemplate.render(values: values))
    }

    /// Writes the trial's configuration file into its working directory, when the command has a configuration
    /// template (``renderConfigFile(values:directory:)``); does nothing otherwise.
    ///
    /// Every executor calls this before it starts the script, since the argv points at the copy.
    ///
    /// - Parameters:
    ///   - values: the trial's parameters.
    ///   - directory: the trial's working directory (it exists).
    /// - Throws: ``CommandError`` `.missingValue` when `values` lacks one of the file's dimensions, `.configFile`
    ///   when the copy cannot be written.
    public func writeConfigFile(values: Parameters, directory: String) throws(CommandError) {
        guard let file = try renderConfigFile(values: values, directory: directory) else { return }
        guard FileManager.default.createFile(atPath: file.path, contents: Data(file.text.utf8)) else {
            throw CommandError(.configFile, "cannot write the trial's configuration file \(file.path)")
        }
    }
}
