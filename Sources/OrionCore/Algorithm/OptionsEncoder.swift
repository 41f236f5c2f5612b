/// Encodes a value to a ``JSONValue`` the way algorithm options are stored: like `JSONEncoder`, except that a `nil`
/// optional is written as `null` instead of being left out, so the encoded options list every key, and a `Double`
/// stays a `.double` even when it is integral (`gamma: 1.0`).
enum OptionsEncoder {
    /// The JSON value of `value`.
    ///
    /// - Throws: the value's encoding error; `EncodingError` for an unsigned integer above `Int.max`.
    static func encode(_ value: some Encodable) throws -> JSONValue {
        let node = Node()
        try node.put(value, path: [])
        return node.resolved
    }

    /// One value being built: a scalar, or the members or elements of a container.
    final class Node {
        var scalar: JSONValue = .null
        var members: [String: Node]?
        var elements: [Node]?

        var resolved: JSONValue {
            if let members { return .object(members.mapValues(\.resolved)) }
            if let elements { return .array(elements.map(\.resolved)) }
            return scalar
        }

        func put(_ value: some Encodable, path: [any CodingKey]) throws {
            if let json = value as? JSONValue {
                scalar = json
            } else {
                try value.encode(to: NodeEncoder(node: self, codingPath: path))
            }
        }

        func member(_ key: some CodingKey) -> Node {
            let node = Node()
            members = members ?? [:]
            members?[key.stringValue] = node
            return node
        }

        func element() -> Node {
            let node = Node()
            elements = (elements ?? []) + [node]
            return node
        }
    }

    struct NodeEncoder: Encoder {
        let node: Node
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if node.members == nil { node.members = [:] }
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if node.elements == nil { node.elements = [] }
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            Single(node: node, codingPath: codingPath)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.scalar = .null }
        mutating func encode(_ value: Bool) throws { node.scalar = .bool(value) }
        mutating func encode(_ value: String) throws { node.scalar = .string(value) }
        mutating func encode(_ value: Double) throws { node.scalar = .double(value) }
        mutating func encode(_ value: Float) throws { node.scalar = .double(Double(value)) }
        mutating func encode(_ value: Int) throws { node.scalar = .int(value) }
        mutating func encode(_ value: Int8) throws { node.scalar = .int(Int(value)) }
        mutating func encode(_ value: Int16) throws { node.scalar = .int(Int(value)) }
        mutating func encode(_ value: Int32) throws { node.scalar = .int(Int(value)) }
        mutating func encode(_ value: Int64) throws { node.scalar = .int(Int(value)) }
        mutating func encode(_ value: UInt) throws { try unsigned(value) }
        mutating func encode(_ value: UInt8) throws { try unsigned(value) }
        mutating func encode(_ value: UInt16) throws { try unsigned(value) }
        mutating func encode(_ value: UInt32) throws { try unsigned(value) }
        mutating func encode(_ value: UInt64) throws { try unsigned(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try node.put(value, path: codingPath) }

        private func unsigned(_ value: some BinaryInteger) throws {
            guard let exact = Int(exactly: value) else {
                throw EncodingError.invalidValue(
                    value,
                    .init(codingPath: codingPath, debugDescription: "\(value) does not fit in a JSON integer")
                )
            }
            node.scalar = .int(exact)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey]

        private func child(_ key: Key) -> Single { Single(node: node.member(key), codingPath: codingPath + [key]) }

        private func optional<T: Encodable>(_ value: T?, _ key: Key) throws {
            var single = child(key)
            if let value { try single.encode(value) } else { try single.encodeNil() }
        }

        mutating func encodeNil(forKey key: Key) throws { try optional(Int?.none, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: String, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try optional(value, key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try optional(value, key) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try optional(value, key) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try optional(value, key) }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            NodeEncoder(node: node.member(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            NodeEncoder(node: node.member(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            NodeEncoder(node: node.member(SuperKey()), codingPath: codingPath)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            NodeEncoder(node: node.member(key), codingPath: codingPath + [key])
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]
        var count: Int { node.elements?.count ?? 0 }

        private func next() -> Single { Single(node: node.element(), codingPath: codingPath) }

        mutating func encodeNil() throws {
            var single = next()
            try single.encodeNil()
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            var single = next()
            try single.encode(value)
        }

        mutating func encode(_ value: Bool) throws { try encode(Optional(value)) }
        mutating func encode(_ value: String) throws { try encode(Optional(value)) }
        mutating func encode(_ value: Double) throws { try encode(Optional(value)) }
        mutating func encode(_ value: Float) throws { try encode(Optional(value)) }
        mutating func encode(_ value: Int) throws { try encode(Optional(value)) }
        mutating func encode(_ value: Int8) throws { try encode(Optional(value)) }
        mutating func encode(_ value: Int16) throws { try encode(Optional(value)) }
        mutating func encode(_ value: Int32) throws { try encode(Optional(value)) }
        mutating func encode(_ value: Int64) throws { try encode(Optional(value)) }
        mutating func encode(_ value: UInt) throws { try encode(Optional(value)) }
        mutating func encode(_ value: UInt8) throws { try encode(Optional(value)) }
        mutating func encode(_ value: UInt16) throws { try encode(Optional(value)) }
        mutating func encode(_ value: UInt32) throws { try encode(Optional(value)) }
        mutating func encode(_ value: UInt64) throws { try encode(Optional(value)) }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            NodeEncoder(node: node.element(), codingPath: codingPath).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            NodeEncoder(node: node.element(), codingPath: codingPath).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.element(), codingPath: codingPath) }
    }

    /// The key of a superclass's encoding, `super`.
    struct SuperKey: CodingKey {
        var stringValue: String { "super" }
        var intValue: Int? { nil }
        init() {}
        init?(stringValue: String) { return nil }
        init?(intValue: Int) { return nil }
    }
}
