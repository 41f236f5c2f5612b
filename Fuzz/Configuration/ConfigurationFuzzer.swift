import OrionCommands

/// libFuzzer's entry point for the configuration reader: one YAML configuration file per input.
///
/// The text is read as a configuration layer (Oríon's keys, with `path:line:column` errors) and resolved over the
/// defaults; anything but a value or a ``ConfigurationError`` (a crash, a hang, a runaway allocation) is a finding.
///
/// - Parameters:
///   - data: the file's bytes (read as UTF-8, invalid sequences repaired).
///   - size: the number of bytes.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    guard let layer = try? ConfigurationLoader.layer(fromYAML: text, path: "orion_config.yaml") else { return 0 }
    _ = ConfigurationLoader.resolve([layer])
    return 0
}
