import Foundation
import OrionAlgorithms
import OrionCore

/// (g): the size of the multi-fidelity algorithms' saved state and the time to encode it, as the trials grow.
enum StateBenchmarks {
    /// The search space: four dimensions and a fidelity, as the learning-curve task.
    static let priors = [
        "/lr": "loguniform(1e-4, 1)",
        "/x": "uniform(-1, 1)",
        "/opt": "choices(['adam', 'sgd', 'rms'])",
        "/n": "randint(1, 8)",
        "/epochs": "fidelity(1, 27, base=3)",
    ]

    /// A deterministic objective, lower at higher fidelity.
    static func objective(_ params: Parameters) -> Double {
        let lr = params["/lr"]?.doubleValue ?? 1
        let x = params["/x"]?.doubleValue ?? 0
        let epochs = params["/epochs"]?.doubleValue ?? 1
        return pow(log10(lr) + 2.5, 2) / 4 + pow(x - 0.3, 2) + 1 / epochs
    }

    /// Prints one line per algorithm and trial count: state bytes and median encoding time.
    static func run(algorithms: [String], trials counts: [Int]) throws {
        print("(g) saved state of the multi-fidelity algorithms (one trial per round)")
        let clock = ContinuousClock()
        for name in algorithms {
            var config = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: name))
            config.options["seed"] = 1
            let experiment = Experiment(
                id: "0123456789abcdef01234567",
                name: name,
                space: try Space(priors: priors),
                algorithm: config
            )
            var driver = try AlgorithmDriver(experiment: experiment, factory: AlgorithmRegistry.standard)
            var done = 0
            for count in counts.sorted() {
                // The state is saved after every production, one entry added or finished since the last save: the
                // time is that of the saves after each of the last 21 trials (an algorithm that keeps the bytes of
                // the last save, as the successive-halving ones do, is timed as it runs).
                var samples: [Duration] = []
                var bytes = 0
                while done < count {
                    guard var trial = try driver.produce(count: 1, now: Date(timeIntervalSince1970: 0)).first else {
                        break
                    }
                    trial.status = .completed
                    trial.results = [.objective(objective(trial.params))]
                    driver.observe([trial])
                    done += 1
                    if done > count - 21 {
                        let start = clock.now
                        bytes = try driver.encodedState().count
                        samples.append(clock.now - start)
                    }
                }
                if samples.count < 21, done > 0 {
                    // The search stopped before `count`: the saves of its last state, unchanged.
                    while samples.count < 21 {
                        let start = clock.now
                        bytes = try driver.encodedState().count
                        samples.append(clock.now - start)
                    }
                }
                guard !samples.isEmpty else { continue }
                let median = milliseconds(samples.sorted()[samples.count / 2])
                print(
                    String(
                        format:
                            "    %@ at %d trials: state %d bytes, encodedState %.3f ms (median of the last %d saves)",
                        name,
                        done,
                        bytes,
                        median,
                        samples.count
                    )
                )
            }
        }
    }
}
