import Foundation
import OrionAlgorithms
import OrionBenchmark
import OrionCore
import XCTest

final class SafeNameTests: XCTestCase {
    /// A safe, short label is its own name (existing result directories keep matching); any other gets a bounded
    /// slug and a stable hash, and different labels get different names.
    func testSafeLabelsKeepTheirNameAndOthersGetABoundedUniqueOne() {
        for label in ["random", "random-seed=7", "tpe-n_initial_points=5-w4-sqlite", "RosenBrock+dim=3", "gp-x=1e-05"] {
            XCTAssertEqual(SafeName.of(label), label)
        }
        XCTAssertEqual(SafeName.hash(""), "cbf29ce484222325")
        XCTAssertEqual(SafeName.hash("a"), "af63dc4c8601ec8c")
        let nested = "tpe-parallel_strategy={'of_type': 'MaxParallelStrategy'}"
        XCTAssertEqual(
            SafeName.of(nested),
            "tpe-parallel_strategy=-of_type-MaxParallelStrategy-@" + SafeName.hash(nested)
        )
        let long = (0..<15).map { "option_number_\($0)=0.123456789" }.joined(separator: "-")
        let labels = [
            nested, "tpe-parallel_strategy={'of_type': 'MeanParallelStrategy'}", long, long + "1", long.uppercased(),
            "a b", "a-b", "a  b", "a/b", "", "-", "x@0000000000000000", String(repeating: "é", count: 200),
        ]
        let names = labels.map { SafeName.of($0) }
        XCTAssertEqual(Set(names).count, labels.count, "\(names)")
        for name in names {
            XCTAssertLessThanOrEqual(name.utf8.count, SafeName.labelLength, name)
            XCTAssertTrue(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.=+@".contains($0)) }, name)
        }
        XCTAssertEqual(SafeName.of(long + "x", maximumLength: 40).utf8.count, 40)
    }

    /// An algorithm with nested options, or with many, runs and writes a file of a valid name holding the full
    /// label: the experiment name contained '{' (or was 320 bytes long) and `mf-run` wrote names with braces,
    /// quotes and spaces, or too long to write.
    func testNestedAndLongLabelsRunAndWriteBoundedFiles() async throws {
        let algorithm = try JSONDecoder().decode(
            AlgorithmConfig.self,
            from: Data(#"{"tpe": {"parallel_strategy": {"of_type": "MaxParallelStrategy"}}}"#.utf8)
        )
        let long =
            "tpe-parallel_strategy={'of_type': 'MaxParallelStrategy'}-"
            + (0..<15).map { "option_number_\($0)=0.123456789" }.joined(separator: "-")
        let directory = FileManager.default.temporaryDirectory.path + "/orion-names-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for label in ["tpe-parallel_strategy={'of_type': 'MaxParallelStrategy'}", long] {
            let configuration = BenchmarkConfiguration(
                algorithm: algorithm,
                name: label,
                task: BenchmarkProblems.branin,
                budget: 3
            )
            let file = try await BenchmarkRunner().runAll(configuration, seeds: [0])
            let path = try file.write(to: directory)
            let name = (path as NSString).lastPathComponent
            XCTAssertTrue(name.hasPrefix("swift-orion_tpe-parallel_strategy=-of_type-MaxParallelStrategy-"), name)
            XCTAssertLessThanOrEqual(name.utf8.count, 255)
            XCTAssertFalse(name.contains { "{}' ".contains($0) }, name)
            XCTAssertEqual(try BenchmarkResultFile.read(from: path).algorithm, label)
        }
        let multiFidelity = MultiFidelityResultFile(
            algorithm: "pbt-exploit={'of_type': 'TruncateExploit', 'min_forking_population': 5}",
            task: "learning_curve",
            optimum: 0,
            maxFidelity: 27,
            budget: 81,
            notes: "",
            runs: []
        )
        XCTAssertEqual(
            multiFidelity.fileName,
            "mf_swift-orion_pbt-exploit=-of_type-TruncateExploit-min_forking_population-5-@"
                + SafeName.hash(multiFidelity.algorithm) + "_learning_curve.json"
        )
    }
}
