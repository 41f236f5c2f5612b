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
        guard !argument.path.contains("{") else { return }
        let format = ConfigTemplate.format(ofFileNamed: argument.path)
        let path = Self.absolute(argument.path, in: currentDirectory)
        let template: ConfigTemplate
        if let storedText {
            template = try ConfigTemplate(text: storedText, format: format, path: path)
        } else if format == .text {
            guard let text = ConfigTemplate.templatableText(at: path) else { return }
            template = try ConfigTemplate(text: text, format: .text, path: path)
        } else {
            template = try ConfigTemplate(path: path)
        }
        guard !template.priors.isEmpty else { return }
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
