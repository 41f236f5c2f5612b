import Foundation
import OrionCore
import OrionInsight

/// Experiments and trials with known answers for the analyses' tests.
enum InsightFixtures {
    /// An experiment over `priors`.
    static func experiment(_ priors: [String: String], name: String = "insight") throws -> Experiment {
        Experiment(name: name, space: try Space(priors: priors), algorithm: AlgorithmConfig(name: "random"))
    }

    /// A completed trial at `point` whose objective is `objective`, submitted at `submitted` seconds, run from
    /// `start` to `end` seconds after the epoch (defaults: submitted + 1 and + 2).
    static func completed(
        _ point: [String: JSONValue],
        objective: Double,
        in experiment: Experiment,
        submitted: TimeInterval = 0,
        start: TimeInterval? = nil,
        end: TimeInterval? = nil
    ) -> Trial {
        var trial = Trial(
            experimentID: experiment.id,
            params: experiment.space.params(from: point),
            submitTime: Date(timeIntervalSince1970: submitted)
        )
        trial.status = .completed
        trial.results = [.objective(objective, name: "loss")]
        trial.startTime = Date(timeIntervalSince1970: start ?? submitted + 1)
        trial.endTime = Date(timeIntervalSince1970: end ?? submitted + 2)
        return trial
    }

    /// `count` completed trials drawn from the space (seeded), objective `f(point)`, submitted 1 s apart.
    static func sampled(
        _ count: Int,
        in experiment: Experiment,
        seed: UInt64 = 1,
        objective f: ([String: Double]) -> Double
    ) -> [Trial] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            let params = experiment.space.sample(using: &rng)
            var numbers: [String: Double] = [:]
            for param in params { numbers[param.name] = param.value.doubleValue }
            var values: [String: JSONValue] = [:]
            for param in params { values[param.name] = param.value }
            return completed(values, objective: f(numbers), in: experiment, submitted: Double(index))
        }
    }
}
