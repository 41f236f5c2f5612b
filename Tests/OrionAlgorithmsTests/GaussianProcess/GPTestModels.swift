import Foundation
import OrionCore

@testable import OrionAlgorithms

/// A log-EI model on the completed records `completed`: the GP of `structure` with the log-hyperparameters `fit`, on
/// the records' vectors and their objectives after the output transform; `best` 0, no local candidates.
func logEIModel(_ fit: [Double], completed: [GPBO.Record], structure: KernelStructure) throws -> AcquisitionModel {
    let width = completed.first?.vector.count ?? 0
    let values = completed.compactMap(\.objective)
    let output = OutputTransform(fitting: values)
    let hyper = GPHyperparameters(logVector: fit, width: width, warped: [], structure: structure)
    let process = try GaussianProcess(
        inputs: completed.flatMap(\.vector),
        width: width,
        targets: values.map { output($0) },
        hyperparameters: hyper
    )
    return AcquisitionModel(
        process: process,
        best: 0,
        bestInputs: [],
        functions: [.logExpectedImprovement],
        kappa: 1.96
    )
}
