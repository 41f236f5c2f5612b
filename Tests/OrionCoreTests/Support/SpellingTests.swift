import OrionCore
import XCTest

final class SpellingTests: XCTestCase {
    /// Case and dashes are ignored on both sides: `Rosenbrock` is Oríon's `RosenBrock`, not the nine's `rosenbrock4`
    /// (the candidates were compared as written, so a capital counted as an edit).
    func testClosestIgnoresCaseAndDashesOfTheCandidatesToo() {
        XCTAssertEqual(Spelling.closest(to: "Rosenbrock", in: ["rosenbrock4", "RosenBrock"]), "RosenBrock")
        XCTAssertEqual(Spelling.closest(to: "max-trails", in: ["max_broken", "max_trials"]), "max_trials")
        XCTAssertEqual(Spelling.closest(to: "N_INITIAL_POINT", in: ["n-initial-points", "seed"]), "n-initial-points")
        XCTAssertNil(Spelling.closest(to: "zzz", in: ["abcdef"]))
        // A tie goes to the name closest as written.
        XCTAssertEqual(Spelling.closest(to: "braninn", in: ["Branin", "branin"]), "branin")
        XCTAssertEqual(Spelling.closest(to: "BRANINN", in: ["branin", "BRANIN"]), "BRANIN")
    }
}
