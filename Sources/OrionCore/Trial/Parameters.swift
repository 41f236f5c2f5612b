/// The parameters of one point of a search space, ordered by dimension name.
///
/// One value carries a point from the algorithm that suggests it, through the driver and the storage, to the
/// script's command line: it is never reshaped on the way. Looking a parameter up by name is a binary search
/// (`params["/lr"]?.doubleValue`), so no dictionary is built per access.
///
/// It encodes as the JSON array of ``Trial/Param`` that trials have always been stored with
/// (`[{"name": "/lr", "type": "real", "value": 0.01}]`), and it is an array literal of ``Trial/Param``.
public struct Parameters: Sendable, Hashable {
    /// The parameters, sorted by name, names distinct.
    public private(set) var elements: [Trial.Param]

    /// Creates parameters from any sequence of them, sorted by name.
    ///
    /// When two parameters share a name, the first one is kept.
    ///
    /// - Parameter params: the parameters, in any order.
    public init(_ params: some Sequence<Trial.Param>) {
        var elements = Array(params)
        if !zip(elements, elements.dropFirst()).allSatisfy({ $0.name < $1.name }) {
            elements = elements.enumerated()
                .sorted {
                    $0.element.name != $1.element.name ? $0.element.name < $1.element.name : $0.offset < $1.offset
                }
                .map(\.element)
            var unique: [Trial.Param] = []
            unique.reserveCapacity(elements.count)
            for param in elements where unique.last?.name != param.name { unique.append(param) }
            elements = unique
        }
        self.elements = elements
    }

    /// No parameters.
    public init() {
        self.elements = []
    }

    /// The dimension names, sorted.
    public var names: [String] { elements.map(\.name) }

    /// The position of the parameter called `name`, if any.
    ///
    /// - Parameter name: a dimension name, such as `/lr`.
    /// - Returns: its index in ``elements``, or `nil`.
    /// - Complexity: O(log n).
    public func index(of name: String) -> Int? {
        var low = 0
        var high = elements.count
        while low < high {
            let middle = (low + high) / 2
            let current = elements[middle].name
            if current == name { return middle }
            if current < name { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// The value of the parameter called `name`, if any: `params["/lr"]?.doubleValue`.
    ///
    /// - Parameter name: a dimension name, such as `/lr`.
    /// - Complexity: O(log n).
    public subscript(name: String) -> JSONValue? {
        index(of: name).map { elements[$0].value }
    }

    /// The parameter called `name`, if any.
    ///
    /// - Parameter name: a dimension name.
    /// - Returns: the parameter with its kind, or `nil`.
    /// - Complexity: O(log n).
    public func param(named name: String) -> Trial.Param? {
        index(of: name).map { elements[$0] }
    }

    /// The same parameters with the value of `name` replaced, such as a configuration promoted to a higher
    /// fidelity.
    ///
    /// - Parameters:
    ///   - name: a dimension name; nothing changes when there is no such parameter.
    ///   - value: the new value.
    /// - Returns: the changed copy.
    public func replacing(_ name: String, with value: JSONValue) -> Parameters {
        guard let index = index(of: name) else { return self }
        var copy = self
        let current = copy.elements[index]
        copy.elements[index] = Trial.Param(name: current.name, type: current.type, value: value)
        return copy
    }

    /// Oríon's rendering of the parameters, `"/x:-4.504,/y:0.09233"` (Python `str` of each value, names sorted).
    public var representation: String {
        elements.map { "\($0.name):\($0.value.pythonString)" }.joined(separator: ",")
    }
}

extension Parameters: RandomAccessCollection {
    /// The position of the first parameter.
    public var startIndex: Int { elements.startIndex }

    /// The position past the last parameter.
    public var endIndex: Int { elements.endIndex }

    /// The parameter at `position`, in name order.
    ///
    /// - Parameter position: a valid index.
    public subscript(position: Int) -> Trial.Param { elements[position] }
}

extension Parameters: ExpressibleByArrayLiteral {
    /// Creates parameters from a list, sorted by name (see ``init(_:)``).
    ///
    /// - Parameter elements: the parameters.
    public init(arrayLiteral elements: Trial.Param...) {
        self.init(elements)
    }
}

extension Parameters: Codable {
    /// Decodes the stored form, a JSON array of ``Trial/Param``.
    ///
    /// - Throws: `DecodingError` when the array or a parameter is malformed.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([Trial.Param].self))
    }

    /// Encodes the stored form, a JSON array of ``Trial/Param`` in name order.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(elements)
    }
}

extension Parameters: CustomStringConvertible {
    /// ``representation``.
    public var description: String { representation }
}
