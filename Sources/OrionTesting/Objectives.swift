import Foundation
import OrionCore

/// Test objectives over trial points (``Parameters``), all minimized.
///
/// Points are read as their numbers in dimension-name order, arrays flattened; categories, booleans and other
/// non-numbers are ignored.
public enum Objectives {
    /// The global minimum of ``branin(_:)``, 0.397887 (reached at (-π, 12.275), (π, 2.275) and (9.42478, 2.475)).
    public static let braninMinimum = 0.397_887_357_729_738_2

    /// The Branin–Hoo function of `x ∈ [-5, 10]`, `y ∈ [0, 15]`.
    ///
    /// - Parameters:
    ///   - x: the first coordinate.
    ///   - y: the second coordinate.
    /// - Returns: `(y - b x² + c x - r)² + s (1 - t) cos x + s` with the usual constants.
    public static func branin(_ x: Double, _ y: Double) -> Double {
        let b = 5.1 / (4 * Double.pi * Double.pi)
        let c = 5 / Double.pi
        let t = 1 / (8 * Double.pi)
        let inner = y - b * x * x + c * x - 6
        return inner * inner + 10 * (1 - t) * cos(x) + 10
    }

    /// Branin of the point's first two numbers (`.infinity` when it has fewer).
    ///
    /// - Parameter point: the parameters, e.g. in ``TestSpaces/branin()``.
    /// - Returns: the objective.
    public static func branin(_ point: Parameters) -> Double {
        let values = numbers(point)
        guard values.count >= 2 else { return .infinity }
        return branin(values[0], values[1])
    }

    /// The Rosenbrock function `Σ 100 (x[i+1] - x[i]²)² + (1 - x[i])²` of the point's numbers (minimum 0 at 1...1).
    ///
    /// - Parameter point: the parameters.
    /// - Returns: the objective.
    public static func rosenbrock(_ point: Parameters) -> Double {
        let values = numbers(point)
        return zip(values, values.dropFirst()).reduce(0) { total, pair in
            let (current, next) = pair
            return total + 100 * (next - current * current) * (next - current * current) + (1 - current) * (1 - current)
        }
    }

    /// The sum of squares of the point's numbers (minimum 0 at the origin).
    ///
    /// - Parameter point: the parameters.
    /// - Returns: the objective.
    public static func sphere(_ point: Parameters) -> Double {
        numbers(point).reduce(0) { $0 + $1 * $1 }
    }

    /// The numbers of a point in dimension-name order, nested arrays flattened, non-numbers skipped.
    ///
    /// - Parameter point: the parameters.
    /// - Returns: the numbers.
    public static func numbers(_ point: Parameters) -> [Double] {
        func flatten(_ value: JSONValue) -> [Double] {
            switch value {
            case .int(let number): [Double(number)]
            case .double(let number): [number]
            case .array(let items): items.flatMap(flatten)
            default: []
            }
        }
        return point.flatMap { flatten($0.value) }
    }
}
