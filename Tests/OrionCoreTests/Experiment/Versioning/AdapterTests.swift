import OrionCore
import XCTest

/// Issue 13, part 2: adapters carry a parent's trials over to a child version as Oríon's do.
final class AdapterTests: XCTestCase {
    private func point(_ values: [String: Double]) -> Parameters {
        Parameters(values.map { Trial.Param(name: $0.key, type: .real, value: .double($0.value)) })
    }

    func testAdditionGivesTheDefaultOrDropsWithoutOne() {
        let parent = point(["/x": 1])
        let added = Adapter.dimensionAddition(name: "/z", type: .real, value: .double(0.5)).forward(parent)
        XCTAssertEqual(added?["/z"], .double(0.5))
        XCTAssertEqual(added?["/x"], .double(1))
        XCTAssertEqual(added?.names, ["/x", "/z"])
        XCTAssertNil(Adapter.dimensionAddition(name: "/z", type: .real, value: nil).forward(parent))
    }

    func testDeletionKeepsOnlyTrialsWithTheRemovedDimensionsValue() {
        let deletion = Adapter.dimensionDeletion(name: "/y", type: .real, value: .int(2))
        XCTAssertEqual(deletion.forward(point(["/x": 1, "/y": 2]))?.names, ["/x"])
        XCTAssertNil(deletion.forward(point(["/x": 1, "/y": 3])))
        XCTAssertNil(Adapter.dimensionDeletion(name: "/y", type: .real, value: nil).forward(point(["/x": 1, "/y": 2])))
    }

    func testPriorChangeDropsTrialsOutsideTheNewPrior() {
        let change = Adapter.dimensionPriorChange(name: "/x", oldPrior: "uniform(0, 10)", newPrior: "uniform(0, 5)")
        XCTAssertNotNil(change.forward(point(["/x": 4.5])))
        XCTAssertNil(change.forward(point(["/x": 7])))
    }

    /// A whole real value is the integer of an integer prior (Oríon's `Integer.__contains__` takes `3.0`); back in
    /// the real prior it is kept; a fractional one does not pass.
    func testAPriorMadeDiscreteKeepsTheTrialsAtWholeValues() {
        let change = Adapter.dimensionPriorChange(
            name: "/x",
            oldPrior: "uniform(0, 10)",
            newPrior: "uniform(0, 10, discrete=True)"
        )
        let carried = change.forward(point(["/x": 3, "/y": 0.5]))
        XCTAssertEqual(carried?.param(named: "/x"), Trial.Param(name: "/x", type: .integer, value: .int(3)))
        XCTAssertEqual(carried?["/y"], .double(0.5))
        XCTAssertNil(change.forward(point(["/x": 2.5])))
        XCTAssertNil(change.forward(point(["/x": 12])), "outside the new prior")
        let back = change.backward(Parameters([Trial.Param(name: "/x", type: .integer, value: .int(4))]))
        XCTAssertEqual(back?["/x"], .int(4))
        let shaped = Adapter.dimensionPriorChange(
            name: "/v",
            oldPrior: "uniform(0, 5, shape=2)",
            newPrior: "randint(0, 5, shape=2)"
        )
        let vector = Parameters([Trial.Param(name: "/v", type: .real, value: .array([.double(1), .double(2)]))])
        XCTAssertEqual(shaped.forward(vector)?["/v"], .array([.int(1), .int(2)]))
        // Many trials at once (the prior parsed once) give the same.
        let many = Adapter.forward([change], [point(["/x": 3]), point(["/x": 2.5])])
        XCTAssertEqual(many.map(\.index), [0])
        XCTAssertEqual(many.first?.params.param(named: "/x"), Trial.Param(name: "/x", type: .integer, value: .int(3)))
    }

    func testRenamingKeepsTheValueUnderTheNewNameInOrder() {
        let renamed = Adapter.dimensionRenaming(oldName: "/lr", newName: "/a").forward(point(["/lr": 0.1, "/b": 2]))
        XCTAssertEqual(renamed?.names, ["/a", "/b"])
        XCTAssertEqual(renamed?["/a"], .double(0.1))
    }

    func testChangeTypesDecideWhetherTrialsPass() {
        let parent = point(["/x": 1])
        XCTAssertNotNil(Adapter.algorithmChange.forward(parent))
        XCTAssertNotNil(Adapter.codeChange(.noEffect).forward(parent))
        XCTAssertNotNil(Adapter.commandLineChange(.unsure).forward(parent))
        XCTAssertNil(Adapter.codeChange(.breaking).forward(parent))
        XCTAssertNil(Adapter.scriptConfigChange(.breaking).forward(parent))
    }

    func testChainKeepsIndicesOfTrialsThatPass() {
        let adapters: [Adapter] = [
            .dimensionPriorChange(name: "/x", oldPrior: "uniform(0, 10)", newPrior: "uniform(0, 5)"),
            .dimensionAddition(name: "/z", type: .real, value: .double(0)),
        ]
        let carried = Adapter.forward(adapters, [point(["/x": 1]), point(["/x": 9]), point(["/x": 2])])
        XCTAssertEqual(carried.map(\.index), [0, 2])
        XCTAssertEqual(carried.map { $0.params["/z"] }, [.double(0), .double(0)])
    }

    /// Oríon's `backward`: a child's trials as its parent sees them (`orion status --collapse`).
    func testBackwardUndoesEachAdapter() {
        let child = point(["/x": 1, "/z": 0.5])
        XCTAssertEqual(
            Adapter.dimensionAddition(name: "/z", type: .real, value: .double(0.5)).backward(child),
            point(["/x": 1])
        )
        XCTAssertNil(Adapter.dimensionAddition(name: "/z", type: .real, value: .double(0.2)).backward(child))
        XCTAssertEqual(
            Adapter.dimensionDeletion(name: "/y", type: .real, value: .int(2)).backward(child)?["/y"],
            .double(2),
            "a real dimension's value is a float, however its default was written"
        )
        XCTAssertNil(Adapter.dimensionDeletion(name: "/y", type: .real, value: nil).backward(child))
        let change = Adapter.dimensionPriorChange(name: "/x", oldPrior: "uniform(2, 10)", newPrior: "uniform(0, 5)")
        XCTAssertNil(change.backward(child))
        XCTAssertNotNil(change.backward(point(["/x": 3])))
        XCTAssertEqual(Adapter.dimensionRenaming(oldName: "/w", newName: "/z").backward(child)?.names, ["/w", "/x"])
        XCTAssertNotNil(Adapter.codeChange(.noEffect).backward(child))
        XCTAssertNil(Adapter.commandLineChange(.unsure).backward(child), "unsure: parent to child only")
        XCTAssertNil(Adapter.scriptConfigChange(.breaking).backward(child))
        let chain: [Adapter] = [
            .dimensionRenaming(oldName: "/w", newName: "/x"),
            .dimensionAddition(name: "/z", type: .real, value: .double(0.5)),
        ]
        let back = Adapter.backward(chain, [child, point(["/x": 1, "/z": 0.2])])
        XCTAssertEqual(back.map(\.index), [0])
        XCTAssertEqual(back.first?.params, point(["/w": 1]))
    }

    func testAdaptersRoundTripThroughJSON() throws {
        let adapters: [Adapter] = [
            .dimensionAddition(name: "/z", type: .real, value: .double(0.5)),
            .dimensionDeletion(name: "/y", type: .integer, value: nil),
            .dimensionRenaming(oldName: "/a", newName: "/b"),
            .codeChange(.unsure),
        ]
        let data = try JSONEncoder().encode(adapters)
        XCTAssertEqual(try JSONDecoder().decode([Adapter].self, from: data), adapters)
        XCTAssertEqual(adapters[0].description, "DimensionAddition(/z, default: 0.5)")
    }
}
