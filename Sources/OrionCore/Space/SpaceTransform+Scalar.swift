import Foundation

extension DimensionCodec {
    /// Appends the coordinates of one valid scalar.
    func encodeScalar(_ value: JSONValue, into vector: inout [Double]) {
        switch scalar {
        case .linear, .log, .normal, .distribution:
            vector.append(encodeReal(value.doubleValue ?? 0))
        case .linearInteger(let first, let last):
            let cells = Double(last) - Double(first) + 1
            vector.append((Self.difference(value.intValue ?? first, first) + 0.5) / cells)
        case .logInteger(let first, _, let logLow, let logHigh):
            let integer = Double(value.intValue ?? first)
            let centre = (Foundation.log(integer) + Foundation.log(integer + 1)) / 2
            vector.append(Self.clipped((centre - logLow) / (logHigh - logLow)))
        case .normalInteger(let mean, let sd):
            let integer = Double(value.intValue ?? 0)
            let lower = StandardNormal.cdf(Self.standardized(integer - 0.5, mean, sd))
            let upper = StandardNormal.cdf(Self.standardized(integer + 0.5, mean, sd))
            vector.append(lower / 2 + upper / 2)
        case .distributionInteger(let distribution, let rounded):
            let integer = Double(value.intValue ?? 0)
            let shift = rounded ? 0.5 : 0
            let lower = distribution.cdf(integer - 1 + shift)
            let upper = distribution.cdf(integer + shift)
            vector.append(lower / 2 + upper / 2)
        case .index(let count):
            vector.append((Double(categoryIndex(of: value)) + 0.5) / Double(count))
        case .oneHot(let count):
            let index = categoryIndex(of: value)
            for position in 0..<count { vector.append(position == index ? 1 : 0) }
        }
    }

    /// The scalar whose coordinates start at `start` in `vector`.
    func decodeScalar(_ vector: [Double], at start: Int) -> JSONValue {
        let unit = Self.clipped(vector[start])
        switch scalar {
        case .linear, .log, .normal, .distribution:
            return .double(decodeReal(unit))
        case .linearInteger(let first, let last):
            return .int(Self.linearInteger(unit, first, last))
        case .logInteger(let first, let last, let logLow, let logHigh):
            let integer = exp(Self.between(logLow, logHigh, unit)).rounded(.down)
            return .int(Int(min(max(integer, Double(first)), Double(last))))
        case .normalInteger(let mean, let sd):
            let value = Self.normalValue(mean, sd, unit).rounded()
            return .int(Int(min(max(value, -Self.integerLimit), Self.integerLimit)))
        case .distributionInteger(let distribution, let rounded):
            return .int(Self.integerValue(distribution, rounded: rounded, unit: unit, dimension.interval))
        case .index(let count):
            guard case .choices(let values, _) = dimension.prior, !values.isEmpty else { return .null }
            let index = Int((unit * Double(count)).rounded(.down))
            return values[min(max(index, 0), values.count - 1)]
        case .oneHot(let count):
            guard case .choices(let values, _) = dimension.prior, !values.isEmpty else { return .null }
            var best: Int?
            for position in 0..<count where !vector[start + position].isNaN {
                if let current = best, vector[start + position] <= vector[start + current] { continue }
                best = position
            }
            return values[min(best ?? 0, values.count - 1)]
        }
    }

    /// The integer of an equal-cell coordinate already in `[0, 1]`.
    static func linearInteger(_ unit: Double, _ first: Int, _ last: Int) -> Int {
        let cells = Double(last) - Double(first) + 1
        let cell = (unit * cells).rounded(.down)
        if cells <= 0x1p53, let offset = Int(exactly: min(cell, cells - 1)) { return first + offset }
        return Int(min(max(Double(first) + cell, Double(first)), Double(last)))
    }

    /// Appends the snapped coordinates of this dimension: `encode(decode(vector))`, the same to the bit, without
    /// the JSON value in between for a scalar real or equal-cell integer (``SpaceTransform/snap(_:)``).
    func snap(_ vector: [Double], into result: inout [Double]) {
        guard dimension.shape.isEmpty else {
            encode(decode(vector), into: &result)
            return
        }
        switch scalar {
        case .linear, .log, .normal, .distribution:
            result.append(encodeReal(decodeReal(Self.clipped(vector[offset]))))
        case .linearInteger(let first, let last):
            let integer = Self.linearInteger(Self.clipped(vector[offset]), first, last)
            let cells = Double(last) - Double(first) + 1
            result.append((Self.difference(integer, first) + 0.5) / cells)
        default:
            let value = decodeScalar(vector, at: offset)
            if case .array = value {
                encode(value, into: &result)
            } else {
                encodeScalar(value, into: &result)
            }
        }
    }

    /// The real decoded from a coordinate already in `[0, 1]`: the prior's quantile, rounded to the precision.
    ///
    /// It computes a `uniform` or `loguniform` value exactly as sampling does from its uniform draw, so every
    /// sampled real has a coordinate that decodes to it. Non-decreasing in `unit` (the normal quantile may wobble by
    /// an ulp, which ``preimage(of:guess:decode:)`` allows for).
    func decodeReal(_ unit: Double) -> Double {
        let value: Double
        switch scalar {
        case .linear(let low, let high):
            value = Self.between(low, high, unit)
        case .log(let low, let high, let logLow, let logHigh):
            value = min(max(exp(Self.between(logLow, logHigh, unit)), low), high)
        case .normal(let mean, let sd):
            value = Self.normalValue(mean, sd, unit)
        case .distribution(let distribution):
            value = Self.distributionValue(distribution, unit)
        default:
            value = unit
        }
        return dimension.applyingPrecision(value)
    }

    /// The coordinate of a real value: the prior's CDF, then the nearest coordinate that decodes to it exactly.
    private func encodeReal(_ value: Double) -> Double {
        let guess: Double
        switch scalar {
        case .linear(let low, let high):
            let width = high - low
            guess = width.isFinite ? (value - low) / width : (value / 2 - low / 2) / (high / 2 - low / 2)
        case .log(_, _, let logLow, let logHigh):
            guess = (Foundation.log(value) - logLow) / (logHigh - logLow)
        case .normal(let mean, let sd):
            guess = StandardNormal.cdf(Self.standardized(value, mean, sd))
        case .distribution(let distribution):
            guess = distribution.cdf(value)
        default:
            guess = 0.5
        }
        return Self.preimage(of: value, guess: guess, decode: decodeReal)
    }

    /// A coordinate in `[0, 1]` whose decoding is `target`, or else the one whose decoding is nearest.
    ///
    /// `decode` must be non-decreasing. Starting from `guess`, it gallops over the ordered bit patterns of the
    /// doubles of `[0, 1]` (1, 2, 4, ... steps) until the decoding crosses `target`, then bisects that bracket for
    /// the first coordinate whose decoding reaches `target`.
    ///
    /// - Complexity: O(log d) evaluations of `decode`, where d is the number of doubles between `guess` and the
    ///   answer; at most about 135.
    static func preimage(of target: Double, guess: Double, decode: (Double) -> Double) -> Double {
        let one = (1.0).bitPattern
        let start = clipped(guess).bitPattern
        let startValue = decode(Double(bitPattern: start))
        if startValue == target { return Double(bitPattern: start) }
        // Bracket (below, above]: decode(below) < target <= decode(above), or the end of [0, 1].
        var below: UInt64?
        var above: UInt64?
        var step: UInt64 = 1
        if startValue < target {
            below = start
            while above == nil {
                let next = one - start > step ? start + step : one
                if decode(Double(bitPattern: next)) >= target || next == one { above = next } else { below = next }
                step *= 2
            }
        } else {
            above = start
            while below == nil && above != 0 {
                let next = start > step ? start - step : 0
                if decode(Double(bitPattern: next)) < target { below = next } else { above = next }
                step *= 2
            }
        }
        var high = above ?? start
        if var low = below {
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if decode(Double(bitPattern: middle)) >= target { high = middle } else { low = middle }
            }
        }
        // `high` is the first coordinate whose decoding reaches `target`, or its neighbour where rounding in
        // `decode` wobbles by an ulp: take the nearest of those.
        var best = Double(bitPattern: high)
        var bestDistance = abs(decode(best) - target)
        for candidate in (high > 4 ? high - 4 : 0)...(one - high > 4 ? high + 4 : one) where bestDistance > 0 {
            let distance = abs(decode(Double(bitPattern: candidate)) - target)
            if distance < bestDistance { (best, bestDistance) = (Double(bitPattern: candidate), distance) }
        }
        return best
    }

    /// `low + (high - low) * unit` kept in `[low, high]`, as ``SpaceDimension`` samples (also for infinite widths).
    static func between(_ low: Double, _ high: Double, _ unit: Double) -> Double {
        let width = high - low
        let value = width.isFinite ? low + width * unit : low * (1 - unit) + high * unit
        return min(max(value, low), high)
    }

    /// The finite value of a normal prior at CDF `unit`, clipped to ±8.2 standard deviations.
    static func normalValue(_ mean: Double, _ sd: Double, _ unit: Double) -> Double {
        let z = StandardNormal.quantile(min(max(unit, normalTail), 1 - normalTail))
        return min(max(mean + sd * z, -Double.greatestFiniteMagnitude), Double.greatestFiniteMagnitude)
    }

    /// The finite value of a scipy distribution at CDF `unit`, the CDF clipped as for `normal` (``normalTail``;
    /// a discrete family only at the top: its support starts at a finite integer), the value within
    /// ±``ScipyDistribution/valueLimit``.
    static func distributionValue(_ distribution: ScipyDistribution, _ unit: Double) -> Double {
        let bottom = distribution.family.isDiscrete ? 0 : normalTail
        let value = distribution.quantile(min(max(unit, bottom), 1 - normalTail))
        return min(max(value, -ScipyDistribution.valueLimit), ScipyDistribution.valueLimit)
    }

    /// The integer of a scipy distribution at CDF `unit`: the discrete quantile, or the continuous one rounded to
    /// the nearest integer; kept inside `interval` and within ±``integerLimit``.
    static func integerValue(
        _ distribution: ScipyDistribution,
        rounded: Bool,
        unit: Double,
        _ interval: (low: Double, high: Double)?
    ) -> Int {
        var value = distributionValue(distribution, unit)
        if rounded { value.round() }
        if let (low, high) = interval { value = min(max(value, low), high) }
        return Int(min(max(value, -integerLimit), integerLimit))
    }

    /// `(value - mean) / sd`, without overflowing in the subtraction.
    static func standardized(_ value: Double, _ mean: Double, _ sd: Double) -> Double {
        let difference = value - mean
        return difference.isFinite ? difference / sd : value / sd - mean / sd
    }

    /// `unit` clipped to `[0, 1]`, with `nan` read as 0.5.
    static func clipped(_ unit: Double) -> Double {
        unit.isNaN ? 0.5 : min(max(unit, 0), 1)
    }

    /// `integer - first` as a `Double`, without overflowing.
    private static func difference(_ integer: Int, _ first: Int) -> Double {
        let (difference, overflow) = integer.subtractingReportingOverflow(first)
        return overflow ? Double(integer) - Double(first) : Double(difference)
    }

    /// The index of a valid category in the prior's list.
    private func categoryIndex(of value: JSONValue) -> Int {
        guard case .choices(let values, _) = dimension.prior else { return 0 }
        return values.firstIndex { SpaceDimension.sameCategory($0, value) } ?? 0
    }
}
