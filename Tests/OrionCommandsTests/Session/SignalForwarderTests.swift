import Dispatch
import Foundation
import XCTest

@testable import OrionCommands

#if canImport(Glibc)
    import Glibc
#endif

final class SignalForwarderTests: XCTestCase {
    /// Each forwarder of a process gets the signals while it is active: libdispatch installs its handler of a signal
    /// once per process, and the first forwarder's `cancel()` (the default action back) removed it for good, so a
    /// second forwarder never heard of the signal (the hunt ignored Ctrl-C once a forwarder had been replaced).
    func testEveryForwarderOfTheProcessGetsTheSignal() throws {
        try XCTSkipUnless(SignalForwarder.signals.contains(SIGUSR2), "SIGUSR2 was ignored when the tests started")
        for round in 0..<3 {
            let heard = DispatchSemaphore(value: 0)
            let forwarder = SignalForwarder { _, signal in
                if signal == SIGUSR2 { heard.signal() }
            }
            kill(getpid(), SIGUSR2)
            XCTAssertEqual(heard.wait(timeout: .now() + 10), .success, "forwarder \(round + 1)")
            forwarder.cancel()
        }
    }

    /// Once the forwarder is made, a signal reaches it: nothing ignores it in between (setting `SIG_IGN` before
    /// libdispatch registered its source threw away a signal that came then).
    func testASignalRightAfterTheForwarderIsMadeIsHeard() throws {
        try XCTSkipUnless(SignalForwarder.signals.contains(SIGUSR2), "SIGUSR2 was ignored when the tests started")
        let heard = DispatchSemaphore(value: 0)
        let forwarder = SignalForwarder { _, signal in
            if signal == SIGUSR2 { heard.signal() }
        }
        defer { forwarder.cancel() }
        var action = sigaction()
        sigaction(SIGUSR2, nil, &action)
        let handler = action.__sigaction_handler.sa_handler.map { unsafeBitCast($0, to: Int.self) } ?? 0
        XCTAssertGreaterThan(handler, 1, "a handler is installed when the forwarder is made, not SIG_DFL or SIG_IGN")
        kill(getpid(), SIGUSR2)
        XCTAssertEqual(heard.wait(timeout: .now() + 10), .success)
    }
}
