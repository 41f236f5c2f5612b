import Foundation
import OrionBenchmark

/// A run of the multi-fidelity tests: each trial's fidelity and regret (`nil` below full fidelity); its observed
/// values are `values`, or the regrets themselves (1 below full fidelity) when not given.
func fixtureRun(
    _ seed: Int,
    _ fidelities: [Double],
    _ regrets: [Double?],
    values: [Double]? = nil,
    times: [Double]? = nil
) -> MultiFidelityRun {
    MultiFidelityRun(
        seed: seed,
        wallSeconds: 1,
        fidelities: fidelities,
        values: values ?? regrets.map { $0 ?? 1 },
        regrets: regrets,
        times: times
    )
}

/// A result file of the multi-fidelity tests' task `t` (optimum 0, fidelities up to 27, budget 81 unless given).
func fixtureFile(
    _ algorithm: String,
    framework: String = "swift-orion",
    budget: Double = 81,
    workers: Int = 1,
    runs: [MultiFidelityRun]
) -> MultiFidelityResultFile {
    MultiFidelityResultFile(
        framework: framework,
        algorithm: algorithm,
        task: "t",
        optimum: 0,
        maxFidelity: 27,
        budget: budget,
        workers: workers,
        notes: "",
        runs: runs
    )
}
