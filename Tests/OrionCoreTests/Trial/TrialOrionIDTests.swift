import OrionCore
import XCTest

final class TrialOrionIDTests: XCTestCase {
    private func trial(_ x: Double, epochs: Int, parent: Trial? = nil) -> Trial {
        Trial(
            experimentID: "0123456789abcdef01234567",
            params: Parameters([
                Trial.Param(name: "/epochs", type: .fidelity, value: .int(epochs)),
                Trial.Param(name: "/x", type: .real, value: .double(x)),
            ]),
            parent: parent?.id
        )
    }

    /// Oríon 0.2.7's id hashes the parameters followed by the parent's own Oríon id: a promoted trial's depends on
    /// its lineage (only the parameters were hashed, and an imported ASHA run's 8 promoted trials of 20 were not found
    /// by the ids Oríon gave them).
    func testAPromotedTrialsOrionIDFollowsItsLineage() {
        let first = trial(0.25, epochs: 1)
        let second = trial(0.25, epochs: 3, parent: first)
        let third = trial(0.25, epochs: 9, parent: second)
        let other = trial(0.75, epochs: 1)
        let ids = Trial.orionIDs(of: [third, other, first, second])
        let firstID = MD5.hex(first.params.representation)
        XCTAssertEqual(ids[first.id], [firstID])
        let secondID = MD5.hex(second.params.representation + firstID)
        XCTAssertEqual(ids[second.id], [secondID])
        XCTAssertEqual(ids[third.id], [MD5.hex(third.params.representation + secondID)])
        XCTAssertEqual(ids[other.id], other.orionIDs)
        // A parent in another version: its stored id stands for Oríon's.
        let orphan = trial(0.5, epochs: 3, parent: first)
        XCTAssertEqual(Trial.orionIDs(of: [orphan])[orphan.id], [MD5.hex(orphan.params.representation + first.id)])
    }
}
