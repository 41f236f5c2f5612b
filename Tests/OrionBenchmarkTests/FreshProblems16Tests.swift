import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The sixteenth fresh set (`fresh16`): each problem at its known minimum, the functions at other points against
/// numpy, the characters the set was chosen for, and the set's separation from the others.
final class FreshProblems16Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value (any point of the cube of minima for `corana4`).
    private static let argmins: [String: [String: JSONValue]] = [
        "rotated_cigar_tablet6": [
            "x1": .double(pow(10, -0.5)), "x2": .double(pow(10, -2.6)), "x3": .double(0.1), "x4": .double(pow(10, 0.2)),
            "x5": .double(pow(10, -3.2)), "x6": .double(0.01),
        ],
        "buche_rastrigin8": [
            "x1": .double(1.6), "x2": .double(-2.4), "x3": .double(0.8), "x4": .double(3.1), "x5": .double(-1.3),
            "x6": .double(2.2), "x7": .double(-3.4), "x8": .double(0.5),
        ],
        "pretrained_finetune3": ["lr": .double(pow(10, -3.5)), "wd": .double(1e-6), "dropout": .double(0)],
        "corana4": ["x1": .double(1.3), "x2": .double(-2.2), "x3": .double(0.45), "x4": .double(3.05)],
        "tfidf_text5": [
            "scaling": "sublinear", "ngram_max": .int(2), "min_df": .int(4), "max_df": .double(0.85),
            "C": .double(pow(10, 1.2)),
        ],
        "augment_mix6": [
            "ops": .int(1), "magnitude": .int(15), "mixup": .double(0.2), "smoothing": .double(0.1),
            "epochs": .int(100),
            "lr": .double(pow(10, -2.8)),
        ],
        "attractive_sector3": ["sector": "b", "x1": .double(2.2), "x2": .double(-1.4)],
        "cosine_wave_integer4": ["x1": .double(1.4), "x2": .double(-2.1), "x3": .double(0.7), "k": .int(3)],
    ]

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems16.all, Self.argmins)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points (/tmp/h42f/check.py of
    /// session 42).
    func testValuesMatchNumpy() {
        assertClose(TestFunctions.rotatedCigarTablet([0.01, 0.01, 0.01, 0.01, 0.01, 0.01]), 53347.87249999999)
        assertClose(TestFunctions.rotatedCigarTablet([1, 1e-3, 0.05, 2, 1e-4, 0.3]), 2481.827995859354)
        assertClose(TestFunctions.rotatedCigarTablet([0.3, 0.0025, 0.1, 1.6, 0.0007, 0.011]), 12.583444051841505)
        assertClose(TestFunctions.bucheRastrigin([0, 0, 0, 0, 0, 0, 0, 0]), 8705.581354226248)
        assertClose(TestFunctions.bucheRastrigin([1.7, -2.4, 0.7, 3.3, -1.3, 2.0, -3.0, 0.5]), 149.898770779445)
        assertClose(TestFunctions.bucheRastrigin([-5, 5, -5, 5, -5, 5, -5, 5]), 576.2819729393013)
        assertClose(TestFunctions.pretrainedFinetune(lr: 1e-3, wd: 1e-4, dropout: 0.1), 0.407625)
        assertClose(TestFunctions.pretrainedFinetune(lr: 1e-5, wd: 0.1, dropout: 0.6), 1.2345)
        assertClose(TestFunctions.pretrainedFinetune(lr: 0.02, wd: 1e-6, dropout: 0), 0.8109272613203501)
        assertClose(TestFunctions.corana([0, 0, 0, 0]), 825.7862500000003)
        assertClose(TestFunctions.corana([1.52, -2.17, 0.03, 3.25]), 0.5246250000000001)
        assertClose(TestFunctions.corana([1.33, -2.23, 0.49, 3.01]), 0)
        assertClose(TestFunctions.corana([1.39, -2.2, 0.45, 3.05]), 0.008099999999999975)
        assertClose(
            TestFunctions.tfidfText(scaling: "raw", ngrams: 1, minDF: 1, maxDF: 0.3, c: 1e-3),
            1.6203749999999997
        )
        assertClose(
            TestFunctions.tfidfText(scaling: "sublinear", ngrams: 3, minDF: 50, maxDF: 0.9, c: 100),
            0.44967735253240926
        )
        assertClose(
            TestFunctions.tfidfText(scaling: "binary", ngrams: 2, minDF: 7, maxDF: 0.55, c: 0.4),
            0.06467782352502713
        )
        assertClose(
            TestFunctions.augmentMix(operations: 2, magnitude: 10, mixup: 0.5, smoothing: 0.2, epochs: 30, lr: 1e-3),
            1.9844079568197597
        )
        assertClose(
            TestFunctions.augmentMix(operations: 4, magnitude: 30, mixup: 1, smoothing: 0.3, epochs: 300, lr: 0.1),
            13.449729572964122
        )
        assertClose(
            TestFunctions.augmentMix(operations: 1, magnitude: 0, mixup: 0, smoothing: 0, epochs: 10, lr: 1e-5),
            1.6700201145458902
        )
        assertClose(TestFunctions.attractiveSector(sector: "a", 0, 0), 29.031340782084587)
        assertClose(TestFunctions.attractiveSector(sector: "b", 2.5, -1.6), 1999.2621836030671)
        assertClose(TestFunctions.attractiveSector(sector: "b", 1.9, -1.2), 0.5228049435343112)
        assertClose(TestFunctions.attractiveSector(sector: "c", -5, 5), 79170.08417979197)
        assertClose(TestFunctions.cosineWaveInteger(0, 0, 0, k: 0), 0.3925179999103159)
        assertClose(TestFunctions.cosineWaveInteger(1.5, -2, 1, k: 2), -0.3550532563067321)
        assertClose(TestFunctions.cosineWaveInteger(-4, 4.5, -3, k: -5), 0.0007135496068352482)
    }

    /// The characters the set was chosen for: the bounds the best values lie on, the flat pockets, the categories
    /// that move the best reals, the asymmetric sector, the rotation, and the integer the well needs.
    func testCharacters() throws {
        // pretrained_finetune3: at the best lr for each, a larger weight decay or dropout is worse all the way from
        // the lower bounds (10⁻⁶, 0).
        for (w, p) in [(-5.9, 0.0), (-4.0, 0.0), (-6.0, 0.02), (-6.0, 0.3)] {
            let lr = pow(10, -3.5 - 0.3 * (w + 6) + 1.5 * p)
            XCTAssertGreaterThan(TestFunctions.pretrainedFinetune(lr: lr, wd: pow(10, w), dropout: p), 0)
        }
        // augment_mix6: every number of operations above 1 is worse, even with the magnitude on the ridge.
        for o in 2...4 {
            let magnitude = 15 / Double(o)
            XCTAssertEqual(
                TestFunctions.augmentMix(
                    operations: Double(o),
                    magnitude: magnitude,
                    mixup: 0.2,
                    smoothing: 0.1,
                    epochs: 100,
                    lr: pow(10, -2.8)
                ),
                0.02 * Double(o * o - 1),
                accuracy: 1e-12
            )
        }
        // corana4: a flat pocket — two points of one pocket give the same value — and a cube of minima.
        XCTAssertEqual(TestFunctions.corana([1.51, -2.2, 0.45, 3.05]), TestFunctions.corana([1.53, -2.2, 0.45, 3.05]))
        XCTAssertEqual(TestFunctions.corana([1.34, -2.24, 0.41, 3.09]), 0)
        // tfidf_text5: each scaling's best C differs; with trigrams the best min_df is 5 or 6, not 4.
        for (scaling, logC) in [("raw", 0.5), ("sublinear", 1.2), ("binary", -0.3)] {
            let best = try XCTUnwrap(
                TestFunctions.tfidfText(scaling: scaling, ngrams: 2, minDF: 4, maxDF: 0.7, c: pow(10, logC))
            )
            for shift in [-0.2, 0.2] {
                let other = try XCTUnwrap(
                    TestFunctions.tfidfText(scaling: scaling, ngrams: 2, minDF: 4, maxDF: 0.7, c: pow(10, logC + shift))
                )
                XCTAssertLessThan(best, other, scaling)
            }
        }
        let trigrams = try [3.0, 4, 5, 6, 7].map { minDF in
            try XCTUnwrap(TestFunctions.tfidfText(scaling: "sublinear", ngrams: 3, minDF: minDF, maxDF: 0.85, c: 16))
        }
        XCTAssertGreaterThan(trigrams[1], min(trigrams[2], trigrams[3]))
        // attractive_sector3: steeper on the side away from the origin (x*₁ = 2.2 > 0).
        XCTAssertGreaterThan(
            try XCTUnwrap(TestFunctions.attractiveSector(sector: "b", 2.3, -1.4)),
            1000 * (try XCTUnwrap(TestFunctions.attractiveSector(sector: "b", 2.1, -1.4)))
        )
        XCTAssertEqual(try XCTUnwrap(TestFunctions.attractiveSector(sector: "c", 0.7, 3.3)), 0.4)
        // rotated_cigar_tablet6: not separable — moving one log coordinate moves the others' best values.
        let centre = [pow(10, -0.5), pow(10, -2.6), 0.1, pow(10, 0.2), pow(10, -3.2), 0.01]
        var moved = centre
        moved[0] *= 10
        var both = moved
        both[5] *= 1.5
        XCTAssertNotEqual(TestFunctions.rotatedCigarTablet(moved), TestFunctions.rotatedCigarTablet(both))
        // cosine_wave_integer4: the well needs k = 3; at its reals, k = 2 or 4 stays well above the optimum −3.
        for k in [2.0, 4.0] {
            XCTAssertGreaterThan(TestFunctions.cosineWaveInteger(1.4, -2.1, 0.7, k: k), -2.9)
        }
        XCTAssertNil(TestFunctions.tfidfText(scaling: "log", ngrams: 1, minDF: 1, maxDF: 0.5, c: 1))
        XCTAssertNil(TestFunctions.attractiveSector(sector: "d", 0, 0))
    }

    /// `fresh16` names the set (its names are unique across the sets: ``ProblemSetsTests``): four spaces of reals of
    /// dimensions 3, 4, 6 and 8, and four mixed spaces of dimension 3 to 6 (two with a categorical, three with an
    /// integer); four with a log scale.
    func testTheSetIsNamedAndSplit() throws {
        XCTAssertEqual(FreshProblems16.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh16").map(\.name), FreshProblems16.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("corana4").map(\.name), ["corana4"])
        var (realSizes, mixedSizes) = ([Int](), [Int]())
        var (categorical, integer, logScale) = (0, 0, 0)
        for task in FreshProblems16.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.contains { $0.kind == .real }, task.name)
            if dimensions.allSatisfy({ $0.kind == .real }) {
                realSizes.append(dimensions.count)
            } else {
                mixedSizes.append(dimensions.count)
            }
            if dimensions.contains(where: { $0.kind == .categorical }) { categorical += 1 }
            if dimensions.contains(where: { $0.kind == .integer }) { integer += 1 }
            if dimensions.contains(where: \.isLogScale) { logScale += 1 }
        }
        XCTAssertEqual(realSizes.sorted(), [3, 4, 6, 8])
        XCTAssertEqual(mixedSizes.sorted(), [3, 4, 5, 6])
        XCTAssertEqual([categorical, integer, logScale], [2, 3, 4])
    }
}
