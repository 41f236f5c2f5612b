import OrionCore

/// libFuzzer's entry point for the prior parser: one prior expression per input.
///
/// Besides crashes and hangs, it checks what must hold for every expression that parses: the canonical prior string
/// parses back to the same dimension, a sampled value belongs to the dimension, and casting that value (or its
/// Python `str`, as `orion insert` receives it) gives it back. A violated property stops the fuzzer like a crash.
///
/// - Parameters:
///   - data: the input's bytes (read as UTF-8, invalid sequences repaired).
///   - size: the number of bytes.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPriorParser(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    // The text as a value given by a user, for dimensions of each kind.
    for dimension in PriorParserOracle.fixedDimensions {
        _ = try? dimension.cast(.string(text))
    }
    guard let dimension = try? PriorExpression.parse(text, name: "/x") else { return 0 }
    PriorParserOracle.check(dimension, seed: UInt64(size))
    return 0
}

/// The properties checked on every parsed dimension.
enum PriorParserOracle {
    /// Dimensions of each kind, whose `cast` reads user values with the same literal parser.
    static let fixedDimensions: [SpaceDimension] = [
        "uniform(0, 1)", "uniform(-5, 5, discrete=True)", "choices(['a', 1, 2.5, True, None])",
        "uniform(0, 1, shape=(2, 2))", "fidelity(1, 81, base=3)",
    ].compactMap { try? PriorExpression.parse($0, name: "/fixed") }

    /// Stops the process when `dimension` breaks a property.
    static func check(_ dimension: SpaceDimension, seed: UInt64) {
        let canonical = dimension.priorString
        guard let again = try? PriorExpression.parse(canonical, name: "/x") else {
            fatalError("the canonical string \(canonical) does not parse")
        }
        if again != dimension || again.priorString != canonical {
            fatalError("\(canonical) parses back as \(again.priorString)")
        }
        var rng = SeededGenerator(seed: seed)
        let value = dimension.sample(using: &rng)
        if !dimension.contains(value) { fatalError("\(value.pythonRepr) sampled outside \(canonical)") }
        guard (try? dimension.cast(value)) == value else {
            fatalError("casting the sampled \(value.pythonRepr) changes it in \(canonical)")
        }
        // Categories can share a text (`choices(['1', 1])`): then the text gives one of them, not a given one.
        let text = value.pythonString
        let fromText = try? dimension.cast(.string(text))
        if dimension.kind == .categorical ? fromText?.pythonString != text : fromText != value {
            fatalError("casting the text \(text) does not give it back in \(canonical)")
        }
    }
}
