extension SpaceDimension {
    /// The number of values of a dimension whose values can be listed one by one, or `nil`.
    ///
    /// A scalar categorical dimension (its choices), a scalar integer one with a finite support (its integers) and a
    /// fidelity (its upper bound alone, as sampled) can; reals cannot, even with a `precision` (a value off its grid
    /// is still a member of the dimension), nor can a dimension with a shape.
    public var enumeratedCount: UInt64? {
        guard shape.isEmpty else { return nil }
        switch kind {
        case .fidelity:
            return 1
        case .categorical, .integer:
            guard cardinality.isFinite, cardinality >= 1, cardinality < 0x1p63 else { return nil }
            return UInt64(cardinality)
        default:
            return nil
        }
    }

    /// The value at `index` of a dimension that ``enumeratedCount`` lists, as sampling writes it.
    ///
    /// - Parameter index: in `0..<enumeratedCount`.
    /// - Returns: the choice at `index`, the integer `low + index`, or a fidelity's upper bound.
    public func enumeratedValue(at index: UInt64) -> JSONValue {
        switch (kind, prior) {
        case (.categorical, .choices(let values, _)):
            return values[Int(index)]
        case (.integer, _):
            return .int(Int(interval?.low ?? 0) + Int(index))
        case (_, .fidelity(_, let high, _)):
            return numberValue(high, nil)
        default:
            preconditionFailure("\(name) cannot be listed: enumeratedValue(at:) needs enumeratedCount")
        }
    }
}

extension Space {
    /// The number of configurations when every dimension can be listed (``SpaceDimension/enumeratedCount``) and
    /// there are at most `limit`, or `nil`.
    ///
    /// - Parameter limit: the most configurations wanted.
    /// - Returns: the product of the dimensions' counts.
    public func enumeratedCount(upTo limit: UInt64) -> UInt64? {
        var count: UInt64 = 1
        for dimension in dimensions {
            guard let size = dimension.enumeratedCount else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= limit else { return nil }
            count = product
        }
        return count
    }

    /// The configuration at `index` of a space that ``enumeratedCount(upTo:)`` lists: `index` read in mixed radix,
    /// the last dimension (in name order) varying fastest.
    ///
    /// - Parameter index: in `0..<enumeratedCount`.
    /// - Returns: its parameters, as ``sample(using:)`` writes them.
    public func configuration(at index: UInt64) -> Parameters {
        var rest = index
        var values: [JSONValue] = []
        values.reserveCapacity(dimensions.count)
        for dimension in dimensions.reversed() {
            let size = dimension.enumeratedCount ?? 1
            values.append(dimension.enumeratedValue(at: rest % size))
            rest /= size
        }
        return Parameters(
            zip(dimensions, values.reversed()).map { dimension, value in
                Trial.Param(name: dimension.name, type: dimension.kind, value: value)
            }
        )
    }

    /// The most configurations ``isFilled(index:experimentID:counted:)`` looks up one by one.
    public static let filledCheckLimit: UInt64 = 1 << 16

    /// Whether every configuration of the space has a trial, so that no algorithm can add one.
    ///
    /// Only a space without a fidelity (with one, a configuration may be several trials: its rungs) whose every
    /// configuration can be listed (categories and integers, at most ``filledCheckLimit``) can be filled. When the
    /// trials counted reach the number of configurations, each configuration's trial id is looked up in `index`: a
    /// count alone would take for configurations the points that are not (a real off a `precision` grid, inherited
    /// or inserted).
    ///
    /// - Parameters:
    ///   - index: answers which trial ids the experiment has (inherited points included, where they count).
    ///   - experimentID: the experiment's id, part of each trial id.
    ///   - counted: how many trials (and inherited points) the experiment has, whatever their status.
    /// - Returns: whether every configuration has a trial.
    /// - Throws: the index's error when the storage cannot be read.
    public func isFilled(index: TrialIndex, experimentID: String, counted: Int) throws -> Bool {
        guard fidelity == nil, let count = enumeratedCount(upTo: Self.filledCheckLimit), UInt64(counted) >= count
        else { return false }
        var start: UInt64 = 0
        while start < count {
            let end = min(count, start + 500)
            let ids = (start..<end).map { Trial(experimentID: experimentID, params: configuration(at: $0)).id }
            guard try index.existing(ids).count == ids.count else { return false }
            start = end
        }
        return true
    }
}
