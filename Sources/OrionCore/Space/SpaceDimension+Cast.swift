extension SpaceDimension {
    /// Coerces user input, such as `orion insert -x=1.5` or the string `"1.5"`, to a value of the dimension.
    ///
    /// Strings are read as Python literals first (`"1.5"`, `"[1, 2]"`, `"True"`). Reals become `.double`;
    /// integers become `.int` (a float must be integral); a categorical value becomes the matching category (equal
    /// value, equal number, or a string equal to the category's Python `str`, e.g. `"3"` for `3`); a fidelity value
    /// becomes `.int` when integral. Shaped dimensions take a nested list of the right shape.
    ///
    /// - Parameter value: the user's value.
    /// - Returns: the value in the dimension's type.
    /// - Throws: ``SpaceError`` `invalidArguments` when the value cannot be converted, `outOfBounds` when it lies
    ///   outside the dimension.
    public func cast(_ value: JSONValue) throws(SpaceError) -> JSONValue {
        var input = value
        if case .string(let text) = value, kind != .categorical || !shape.isEmpty, let parsed = literal(text) {
            input = parsed
        }
        return try cast(input, shape: shape[...])
    }

    private func cast(_ value: JSONValue, shape: ArraySlice<Int>) throws(SpaceError) -> JSONValue {
        guard let size = shape.first else { return try castScalar(value) }
        guard case .array(let items) = value, items.count == size else {
            throw SpaceError(
                .invalidArguments,
                dimension: name,
                "\(value.pythonRepr) does not have the dimension's shape "
                    + "\(SpaceDimension.shapeString(self.shape) ?? ""); give a list of \(size) values"
            )
        }
        var result: [JSONValue] = []
        for item in items { result.append(try cast(item, shape: shape.dropFirst())) }
        return .array(result)
    }

    private func castScalar(_ value: JSONValue) throws(SpaceError) -> JSONValue {
        var input = value
        if case .string(let text) = value, kind != .categorical, let parsed = literal(text) { input = parsed }
        let result: JSONValue
        switch kind {
        case .categorical:
            result = try category(for: input)
        case .real:
            guard let number = input.doubleValue, number.isFinite else { throw notANumber(value) }
            result = .double(number)
        case .integer, .fidelity:
            guard let number = input.doubleValue, number.isFinite else { throw notANumber(value) }
            if case .int = input {
                result = input
            } else if let integer = Int(exactly: number) {
                result = .int(integer)
            } else if kind == .fidelity {
                result = .double(number)
            } else {
                throw SpaceError(
                    .invalidArguments,
                    dimension: name,
                    "\(value.pythonRepr) is not an integer; give a whole number"
                )
            }
        }
        guard containsScalar(result) else {
            throw SpaceError(
                .outOfBounds,
                dimension: name,
                "\(value.pythonRepr) is outside \(priorWithoutDefault); give a value inside the prior"
            )
        }
        return result
    }

    private func category(for value: JSONValue) throws(SpaceError) -> JSONValue {
        guard case .choices(let values, _) = prior else { return value }
        if let match = values.first(where: { SpaceDimension.sameCategory($0, value) }) { return match }
        if case .string(let text) = value {
            if let match = values.first(where: { $0.pythonString == text }) { return match }
            if let parsed = literal(text), let match = values.first(where: { SpaceDimension.sameCategory($0, parsed) })
            {
                return match
            }
        }
        throw SpaceError(
            .outOfBounds,
            dimension: name,
            "\(value.pythonRepr) is not one of the categories \(JSONValue.array(values).pythonRepr)"
        )
    }

    private func notANumber(_ value: JSONValue) -> SpaceError {
        SpaceError(.invalidArguments, dimension: name, "\(value.pythonRepr) is not a number; give a number")
    }

    /// A string read as a Python literal, or `nil` when it is not one.
    private func literal(_ text: String) -> JSONValue? {
        do throws(SpaceError) {
            var parser = try PriorParser(text: text, dimension: name)
            return try parser.parseLiteral().json
        } catch {
            return nil
        }
    }

    /// The canonical prior string without its `default_value` option, for messages about values.
    var priorWithoutDefault: String {
        var copy = self
        copy.defaultValue = nil
        return copy.priorString
    }
}
