import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

final class CMAESTests: XCTestCase {
    private func make(_ priors: [String: String], _ options: [String: JSONValue] = [:]) throws -> (
        CMAES, AlgorithmContext
    ) {
        let decoded = try CMAES.Options.decode(["seed": 1].merging(options) { $1 }, algorithm: "cmaes")
        let context = AlgorithmContext(space: try Space(priors: priors))
        return (CMAES(options: decoded, context: context), context)
    }

    /// Runs `trials` sequential trials of `objective` and returns them in order.
    private func run(
        _ priors: [String: String],
        _ options: [String: JSONValue] = [:],
        trials: Int,
        objective: (Parameters) -> Double
    ) throws -> (trials: [Trial], algorithm: CMAES) {
        var (cmaes, context) = try make(priors, options)
        var done: [Trial] = []
        while done.count < trials {
            guard let suggestion = cmaes.suggest(count: 1, context: context).first else { break }
            XCTAssertTrue(context.space.contains(suggestion.parameters), "\(suggestion.parameters)")
            var trial = Trial(experimentID: "e", params: suggestion.parameters)
            trial.id = "t\(done.count)"
            trial.status = .completed
            trial.results = [.objective(objective(suggestion.parameters))]
            cmaes.observe([trial], context: context)
            done.append(trial)
        }
        return (done, cmaes)
    }

    private func value(_ params: Parameters, _ name: String) -> Double { params[name]?.doubleValue ?? .nan }

    func testConformance() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "cmaes"),
            braninThreshold: 1
        )
    }

    func testConformanceWithBIPOP() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "cmaes", options: ["restart_strategy": "bipop", "n_initial_points": 5]),
            braninThreshold: 1
        )
    }

    func testOptionsAndTheirChecks() throws {
        let resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "cmaes"))
        XCTAssertEqual(
            resolved.options,
            [
                "seed": .null, "sigma0": .double(0.2), "population_size": .null, "restart_strategy": .string("ipop"),
                "n_initial_points": .int(0),
            ]
        )
        let cases: [([String: JSONValue], String)] = [
            (["sigma0": 0], "cmaes: option 'sigma0' must be a number in (0, 1], not 0.0"),
            (["population_size": 1], "cmaes: option 'population_size' must be an integer >= 2 or null, not 1"),
            (
                ["restart_strategy": "lpop"],
                "cmaes: option 'restart_strategy' must be one of none, ipop, bipop, not 'lpop'"
            ),
        ]
        for (options, message) in cases {
            XCTAssertThrowsError(try CMAES.Options.decode(options, algorithm: "cmaes"), "\(options)") { error in
                XCTAssertEqual((error as? AlgorithmError)?.message, message)
            }
        }
    }

    func testMirroringFoldsIntoTheUnitCube() {
        for (x, expected) in [(1.3, 0.7), (-0.2, 0.2), (2.4, 0.4), (0.25, 0.25), (-1.5, 0.5), (Double.nan, 0.5)] {
            XCTAssertEqual(SearchDistribution.mirror(x), expected, accuracy: 1e-12, "\(x)")
        }
    }

    func testConvergesOnAnIllConditionedEllipsoid() throws {
        let priors = ["/a": "uniform(-5, 5)", "/b": "uniform(-5, 5)", "/c": "uniform(-5, 5)", "/d": "uniform(-5, 5)"]
        let (trials, cmaes) = try run(priors, ["restart_strategy": "none"], trials: 400) { params in
            ["/a", "/b", "/c", "/d"].enumerated().reduce(0.0) { sum, entry in
                sum + pow(10, Double(entry.offset)) * pow(self.value(params, entry.element) - 1, 2)
            }
        }
        let best = trials.compactMap(\.objective).min() ?? .infinity
        XCTAssertEqual(trials.count, 400)
        // From about 1,000 at the centre; the learning of C takes most of the budget.
        XCTAssertLessThan(best, 0.1)
        // The covariance learned the scaling: the coordinate with weight 1000 has the smallest variance.
        let covariance = try XCTUnwrap(cmaes.distribution?.covariance)
        XCTAssertLessThan(covariance[3][3], covariance[0][0])
    }

    func testMarginCorrectionKeepsIntegersMovingToTheOptimum() throws {
        let priors = ["/k": "randint(0, 30)", "/j": "randint(0, 30)", "/x": "uniform(0, 1)"]
        let (trials, _) = try run(priors, ["restart_strategy": "none"], trials: 150) { params in
            pow(self.value(params, "/k") - 23, 2) + pow(self.value(params, "/j") - 4, 2) + self.value(params, "/x")
        }
        let best = try XCTUnwrap(trials.min { ($0.objective ?? .infinity) < ($1.objective ?? .infinity) })
        XCTAssertEqual(best.params["/k"], .int(23))
        XCTAssertEqual(best.params["/j"], .int(4))
    }

    func testCategoriesConcentrateOnTheBestOne() throws {
        let priors = ["/c": "choices(['bad', 'good', 'worse'])", "/x": "uniform(-1, 1)"]
        let (trials, _) = try run(priors, trials: 80) { params in
            let costs: [String: Double] = ["bad": 1, "good": 0, "worse": 2]
            let category: Double = costs[params["/c"]?.stringValue ?? "bad"] ?? 1
            let x: Double = self.value(params, "/x")
            return category + x * x
        }
        XCTAssertGreaterThan(trials.suffix(30).filter { $0.params["/c"] == JSONValue.string("good") }.count, 20)
    }

    func testGenerationIsToldWhenLambdaResultsArriveOutOfOrder() throws {
        var (cmaes, context) = try make(["/x": "uniform(0, 1)", "/y": "uniform(0, 1)"], ["population_size": 4])
        // Six workers take points: the generation of 4 gets extra draws from the same distribution.
        let suggestions = cmaes.suggest(count: 6, context: context)
        XCTAssertEqual(suggestions.count, 6)
        var trials = suggestions.enumerated().map { index, suggestion in
            var trial = Trial(experimentID: "e", params: suggestion.parameters)
            trial.id = "t\(index)"
            trial.status = .reserved
            return trial
        }
        cmaes.observe(trials, context: context)
        XCTAssertEqual(cmaes.distribution?.generation, 0)
        for index in [5, 2, 0] {
            trials[index].status = .completed
            trials[index].results = [.objective(Double(index))]
            cmaes.observe([trials[index]], context: context)
        }
        XCTAssertEqual(cmaes.distribution?.generation, 0)
        trials[3].status = .broken
        cmaes.observe([trials[3]], context: context)
        XCTAssertEqual(cmaes.distribution?.generation, 1)
        XCTAssertEqual(cmaes.members.count, 0)
        // A late result of the old generation is remembered, not learned from.
        trials[1].status = .completed
        trials[1].results = [.objective(1)]
        cmaes.observe([trials[1]], context: context)
        XCTAssertEqual(cmaes.distribution?.generation, 1)
        XCTAssertEqual(cmaes.results.count, 5)
    }

    func testIPOPRestartsDoubleThePopulationWhenTheSpaceIsFlat() throws {
        let (_, cmaes) = try run(["/x": "uniform(0, 1)", "/y": "uniform(0, 1)"], trials: 300) { _ in 1 }
        let restarted = try XCTUnwrap(cmaes.distribution)
        XCTAssertGreaterThan(cmaes.restarts.large, 0)
        XCTAssertEqual(restarted.populationSize, CMAES.defaultPopulation(2) << cmaes.restarts.large)
    }

    func testSmallDiscreteSpaceIsExhaustedWithoutRepeatsThenDone() throws {
        let (trials, cmaes) = try run(["/a": "choices(['x', 'y'])", "/b": "randint(0, 3)"], trials: 100) { params in
            self.value(params, "/b")
        }
        XCTAssertEqual(trials.count, 6)
        XCTAssertEqual(Set(trials.map { Trial.parametersRepresentation($0.params) }).count, 6)
        XCTAssertTrue(
            cmaes.isDone(
                context: AlgorithmContext(
                    space: try Space(priors: ["/a": "choices(['x', 'y'])", "/b": "randint(0, 3)"])
                )
            )
        )
    }
}
