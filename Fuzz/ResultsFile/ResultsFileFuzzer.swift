import Foundation
import OrionCore
import OrionWorker

/// libFuzzer's entry point for the results-file reader: one file's contents per input.
///
/// Besides crashes and hangs, it checks that accepted results hold exactly one objective and survive storage:
/// encoding them (as storages do) and decoding them gives the same results, number for number.
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
    do {
        let encoded = try JSONEncoder().encode(results)
        let decoded = try JSONDecoder().decode([TrialResult].self, from: encoded)
        let same =
            decoded.count == results.count
            && zip(decoded, results).allSatisfy { after, before in
                after.name == before.name && after.type == before.type && sameNumbers(after.value, before.value)
            }
        if !same { fatalError("results change in a round trip: \(String(decoding: encoded, as: UTF8.self))") }
    } catch {
        fatalError("accepted results do not round-trip: \(error)")
    }
    return 0
}

/// Whether a value read back from storage is the value written: JSON does not tell an integral double from an
/// integer (`1.0` is written `1`), so numbers compare by value (NaN equal to NaN, -0.0 keeping its sign); a
/// string that names a non-finite number reads back as that number (documented for statistics).
func sameNumbers(_ after: JSONValue, _ before: JSONValue) -> Bool {
    switch (after, before) {
    case (.array(let left), .array(let right)):
        return left.count == right.count && zip(left, right).allSatisfy { sameNumbers($0, $1) }
    case (.object(let left), .object(let right)):
        return left.count == right.count
            && left.allSatisfy { key, value in right[key].map { sameNumbers(value, $0) } ?? false }
    case (_, .string(let text)) where JSONValue.nonFiniteValue(named: text) != nil:
        return sameNumbers(after, .double(JSONValue.nonFiniteValue(named: text) ?? 0))
    default:
        guard let left = after.doubleValue, let right = before.doubleValue else { return after == before }
        return left.isNaN ? right.isNaN : left == right && left.sign == right.sign
    }
}
