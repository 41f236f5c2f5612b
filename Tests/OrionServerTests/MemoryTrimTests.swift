import Foundation
import XCTest

@testable import OrionServer

final class MemoryTrimTests: XCTestCase {
    /// Memory a request freed in the middle of the heap stays with the process until it is trimmed: after 160 MB of
    /// small blocks freed but for one in 64 (what a plot's rows leave: the response and caches outlive them), the
    /// trim gives most of it back.
    func testATrimGivesFreedMemoryBackToTheSystem() throws {
        #if !canImport(Glibc)
            throw XCTSkip("malloc_trim is glibc's")
        #else
            MemoryTrim.trim()  // what earlier tests freed: the blocks below would reuse it, already resident
            let before = try residentMegabytes()
            var blocks: [UnsafeMutableRawPointer] = []
            for _ in 0..<40_000 {
                let block = try XCTUnwrap(malloc(4096))
                memset(block, 1, 4096)
                blocks.append(block)
            }
            var kept: [UnsafeMutableRawPointer] = []
            for (index, block) in blocks.enumerated() {
                if index % 64 == 63 { kept.append(block) } else { free(block) }
            }
            let freed = try residentMegabytes()
            XCTAssertGreaterThan(freed - before, 100, "the freed blocks stay resident until trimmed")
            MemoryTrim.trim()
            let trimmed = try residentMegabytes()
            XCTAssertLessThan(trimmed - before, 40, "resident after the trim: \(trimmed) MB (\(freed) MB before it)")
            for block in kept { free(block) }
        #endif
    }

    /// This process's resident memory, from `/proc/self/status`.
    private func residentMegabytes() throws -> Double {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try XCTUnwrap(Double(line.split(separator: " ").dropFirst().first ?? ""))
        return kilobytes / 1024
    }
}
