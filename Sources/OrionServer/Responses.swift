import Foundation
import OrionCore
import OrionWorker

/// Oríon's JSON shapes (`orion/serving/responses.py`), built from the library's typed values.
enum Responses {
    /// A trial as `/trials/:name/:id` and `bestTrial` show it: `id`, `submitTime`, `startTime`, `endTime` (Python's
    /// `str` of the datetime, `"None"` when absent), `parameters` (nested on `/`), `objective` (`null` unless
    /// completed), `statistics` (`{name: value}`) and `status`.
    static func trial(_ trial: Trial) -> JSONValue {
        var statistics: [String: JSONValue] = [:]
        for result in trial.results where result.type == .statistic { statistics[result.name] = result.value }
        return .object([
            "id": .string(trial.id),
            "submitTime": .string(PythonText.datetime(trial.submitTime)),
            "startTime": .string(PythonText.datetimeOrNone(trial.startTime)),
            "endTime": .string(PythonText.datetimeOrNone(trial.endTime)),
            "parameters": nested(trial.params),
            "objective": objective(of: trial),
            "statistics": .object(statistics),
            "status": .string(trial.status.rawValue),
        ])
    }

    /// A row of the dashboard's trials table (`/trial-rows/:name`): the trial's figures with flat parameter names.
    static func trialRow(_ trial: Trial) -> JSONValue {
        var parameters: [String: JSONValue] = [:]
        for param in trial.params { parameters[param.name] = param.value }
        return .object([
            "id": .string(trial.id),
            "status": .string(trial.status.rawValue),
            "submitTime": date(trial.submitTime),
            "startTime": trial.startTime.map(date) ?? .null,
            "endTime": trial.endTime.map(date) ?? .null,
            "objective": objective(of: trial),
            "parameters": .object(parameters),
            "worker": trial.worker.map(JSONValue.string) ?? .null,
            "parent": trial.parent.map(JSONValue.string) ?? .null,
        ])
    }

    /// An ISO 8601 date (UTC, milliseconds) for the dashboard, which parses it with `Date`.
    static func date(_ date: Date) -> JSONValue {
        .string(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }

    /// The objective of a completed trial, `null` otherwise.
    static func objective(of trial: Trial) -> JSONValue {
        guard trial.status == .completed, let objective = trial.objectiveValue, objective.doubleValue != nil else {
            return .null
        }
        return objective
    }

    /// Parameters as Oríon's `Trial.params` gives them (`unflatten`): nested on `.` in their names, so `/x` stays
    /// `{"/x": ...}` and `opt.lr` becomes `{"opt": {"lr": ...}}`.
    static func nested(_ params: Parameters) -> JSONValue {
        var root: [String: JSONValue] = [:]
        for param in params {
            let path = param.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            insert(param.value, at: path, into: &root)
        }
        return .object(root)
    }

    private static func insert(_ value: JSONValue, at path: [String], into object: inout [String: JSONValue]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            object[head] = value
            return
        }
        var child = object[head]?.objectValue ?? [:]
        insert(value, at: Array(path.dropFirst()), into: &child)
        object[head] = .object(child)
    }

    /// `/experiments/:name`: identification, status, completion, configuration and best trial.
    static func experiment(_ summary: ExperimentSummary) -> JSONValue {
        let experiment = summary.experiment
        var algorithm: [String: JSONValue] = experiment.algorithm.options
        algorithm["name"] = .string(experiment.algorithm.name)
        let completed = summary.completed
        return .object([
            "name": .string(experiment.name),
            "version": .int(experiment.version),
            "status": .string(summary.isDone ? "done" : "not done"),
            "trialsCompleted": .int(completed),
            "startTime": completed > 0 ? .string(PythonText.datetime(summary.startTime)) : .null,
            "endTime": completed > 0 ? .string(PythonText.datetimeOrNone(summary.finishTime)) : .null,
            "user": .string(experiment.metadata.user),
            "orionVersion": .string(experiment.metadata.orionVersion),
            "config": .object([
                "maxTrials": experiment.maxTrials.map(JSONValue.int) ?? .null,
                "maxBroken": .int(experiment.maxBroken),
                "algorithm": .object(algorithm),
                "space": .object(experiment.space.priorStrings.mapValues(JSONValue.string)),
            ]),
            "bestTrial": summary.bestTrial.map(trial) ?? .object([:]),
        ])
    }

    /// `/experiments/status/:name`: `ExperimentStats.to_json()` (dates and durations as Python's `str`).
    ///
    /// Elapsed time, ETA and the sum of the trials' times as Oríon computes them from the trials' execution intervals
    /// (``ExperimentStats``).
    static func stats(_ summary: ExperimentSummary) -> JSONValue {
        let completed = summary.completed
        let total = summary.total
        let finish = summary.finishTime.map { max($0, summary.startTime) } ?? summary.startTime
        let elapsed = summary.elapsedTime
        let maxTrials = summary.experiment.maxTrials
        var progress = JSONValue.null
        var eta = JSONValue.null
        var etaMilliseconds = JSONValue.null
        if let maxTrials, maxTrials > 0 {
            let toComplete = max(maxTrials, total) - summary.broken
            if completed > maxTrials {
                progress = .double(1)
            } else if toComplete > 0 {
                progress = .double(Double(completed) / Double(toComplete))
            }
            if completed >= maxTrials {
                eta = .string(PythonText.timedelta(0))
                etaMilliseconds = .double(0)
            } else if completed == 0 {
                eta = .string("infinite")
            } else {
                let span = summary.completedSpan ?? elapsed
                let seconds = span / Double(completed) * Double(maxTrials - completed)
                eta = .string(PythonText.timedelta(seconds))
                // Python's timedelta keeps microseconds: the milliseconds match the `eta` text.
                etaMilliseconds = .double((seconds * 1_000_000).rounded(.toNearestOrEven) / 1000)
            }
        }
        var counts: [String: JSONValue] = [:]
        for (status, count) in summary.countsByStatus { counts[status.rawValue] = .int(count) }
        return .object([
            "trials_completed": .int(completed),
            "best_trials_id": summary.bestTrial.map { .string($0.id) } ?? .null,
            "best_evaluation": summary.bestTrial?.objectiveValue ?? .null,
            "start_time": .string(PythonText.datetime(summary.startTime)),
            "finish_time": .string(PythonText.datetime(finish)),
            "max_trials": maxTrials.map(JSONValue.int) ?? .string("infinite"),
            "nb_trials": .int(total),
            "progress": progress,
            "trial_status_count": .object(counts),
            "elapsed_time": .string(PythonText.timedelta(elapsed)),
            "sum_of_trials_time": .string(PythonText.timedelta(summary.sumOfTrialsTime)),
            "eta": eta,
            "eta_milliseconds": etaMilliseconds,
        ])
    }
}
