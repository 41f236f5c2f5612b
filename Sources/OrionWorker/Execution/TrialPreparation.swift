import Foundation
import OrionCore

/// What every executor does before a trial runs, wherever it runs: the argv rendered from the trial's values and
/// the templates, the script's configuration file rendered into the trial's directory, and an empty results file
/// at `<trial dir>/.orion-results.json` (a stale one from an earlier, interrupted run must not be read as this run's).
enum TrialPreparation {
    /// Ready to run `argv`; the script writes its results to `resultsPath`.
    case ready(argv: [String], resultsPath: String)
    /// The trial cannot run: break it with this outcome.
    case failed(TrialOutcome)

    /// Prepares `context`'s trial for `command`.
    ///
    /// - Parameters:
    ///   - command: the user's command.
    ///   - context: the trial and where it runs.
    /// - Returns: the argv and results path, or the outcome that breaks the trial with the reason.
    static func prepare(_ command: UserCommand, for context: TrialContext) -> TrialPreparation {
        let directory = context.workingDirectory
        let resultsPath = directory + "/" + TrialDirectory.resultsFileName
        let argv: [String]
        do {
            let templates = TemplateContext(
                trialID: context.trial.id,
                trialWorkingDir: directory,
                trialHashParams: context.trial.hashParams,
                trialLegacyID: context.trial.legacyID,
                experimentID: context.experiment.id,
                experimentName: context.experiment.name,
                experimentVersion: context.experiment.version,
                experimentWorkingDir: context.experimentWorkingDirectory,
                trialParams: context.trial.values,
                experimentMaxTrials: context.experiment.maxTrials,
                experimentMaxBroken: context.experiment.maxBroken,
                experimentMetadata: [
                    "user": context.experiment.metadata.user,
                    "user_script": context.experiment.metadata.userScript ?? "None",
                    "orion_version": context.experiment.metadata.orionVersion,
                ],
                trialParent: context.trial.parent
            )
            argv = try command.render(values: context.trial.values, context: templates)
            try command.writeConfigFile(values: context.trial.values, directory: directory)
        } catch {
            return .failed(.broken(reason: error.description, exitCode: nil, detail: nil))
        }
        unlink(resultsPath)
        let file = open(resultsPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard file >= 0 else {
            let code = errno
            let reason = "cannot create the results file \(resultsPath): \(TrialDirectory.describe(code))"
            // A full or read-only file system is not the trial's fault: put back, and the hunt stops saying why.
            if TrialDirectory.isFileSystemWide(code: code) {
                return .failed(.notStarted(reason: reason))
            }
            return .failed(.broken(reason: reason, exitCode: nil, detail: nil))
        }
        close(file)
        return .ready(argv: argv, resultsPath: resultsPath)
    }
}
