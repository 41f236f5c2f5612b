import Foundation
import OrionCore
import XCTest

@testable import OrionBenchmark

/// The problem sets `--problems` knows, together: a task is found by its name alone, so no name may be in two sets.
final class ProblemSetsTests: XCTestCase {
    /// Every task name is unique across the nine, the synthetic sets, Oríon's tasks and the scikit-learn tasks; every
    /// set's name gives the set, and each of its tasks, named alone, is that task.
    func testEveryTaskNameIsUniqueAndEverySetIsNamed() throws {
        let names =
            BenchmarkProblems.all.map(\.name) + syntheticProblemSets.flatMap { $0.all.map(\.name) }
            + OrionTasks.defaults.map(\.name) + SklearnTasks.definitions.map(\.name)
        let repeated = Dictionary(grouping: names, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        XCTAssertEqual(repeated, [])
        XCTAssertEqual(Set(syntheticProblemSets.map { $0.setName }).count, syntheticProblemSets.count)
        for set in syntheticProblemSets {
            XCTAssertEqual(try BenchmarkTasks.tasks(set.setName).map(\.name), set.all.map(\.name), set.setName)
            for task in set.all {
                XCTAssertEqual(try BenchmarkTasks.task(task.name).name, task.name)
                XCTAssertEqual(try BenchmarkTasks.task(task.name).summary, task.summary)
            }
        }
    }

    /// An unknown name is refused with every set's name in the message (their tasks: `orion benchmark list`).
    func testAnUnknownTaskListsEverySet() {
        XCTAssertThrowsError(try BenchmarkTasks.task("nope")) { error in
            let sets = syntheticProblemSets.map { $0.setName } + [SklearnTasks.setName]
            XCTAssertTrue("\(error)".contains("the sets \(sets.joined(separator: ", ")) and their tasks"), "\(error)")
        }
    }
}
