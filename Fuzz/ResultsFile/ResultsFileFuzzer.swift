import Foundation
import OrionCore
import OrionWorker

/// libFuzzer's entry point for the results-file reader: one file's contents per input.
///
/// Besides crashes and hangs, it checks that accepted results hold exactly one objective and survive storage:
/// encoding them (as storages do), decoding and encoding again gives the same bytes and the same objective.
///
/// - Parameters:
///   - data: the file's bytes.
///   - size: the number of bytes.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResultsFile(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let results = try? ResultsFile.parse(bytes, path: "results.json") else { return 0 }
    let objectives = results.filter { $0.type == .objective }
    if objectives.count != 1 { fatalError("\(objectives.count) objectives accepted") }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    do {
        let first = try encoder.encode(results)
        let decoded = try JSONDecoder().decode([TrialResult].self, from: first)
        let second = try encoder.encode(decoded)
        if first != second {
            fatalError("results change in a round trip: \(String(decoding: first, as: UTF8.self))")
        }
        let before = objectives[0].value.doubleValue ?? 0
        let after = decoded.first { $0.type == .objective }?.value.doubleValue ?? 0
        if !(before == after || before.isNaN && after.isNaN) { fatalError("objective \(before) reads as \(after)") }
    } catch {
        fatalError("accepted results do not round-trip: \(error)")
    }
    return 0
}
