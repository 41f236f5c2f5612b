/// Maps over a sequence with a bounded number of calls in flight, keeping the order of the elements.
///
/// What the reports use to read many experiments from a storage: one after the other, `orion status` on a PostgreSQL
/// database of 1,000 experiments made 5,000 round trips in turn (4.7–6 s on a local server, more over a network).
extension Sequence where Element: Sendable {
    /// The results of `transform` on every element, in the elements' order, with at most `limit` calls running at
    /// once.
    ///
    /// - Parameters:
    ///   - limit: the most calls in flight (at least 1).
    ///   - transform: the call.
    /// - Returns: the results, in order.
    /// - Throws: the first error `transform` throws, once the calls in flight have ended.
    public func concurrentMap<T: Sendable>(
        limit: Int,
        _ transform: @escaping @Sendable (Element) async throws -> T
    ) async throws -> [T] {
        let elements = Array(self)
        guard elements.count > 1, limit > 1 else {
            var results: [T] = []
            for element in elements { results.append(try await transform(element)) }
            return results
        }
        return try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results = [T?](repeating: nil, count: elements.count)
            var next = 0
            for _ in 0..<Swift.min(limit, elements.count) {
                let index = next
                group.addTask { (index, try await transform(elements[index])) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < elements.count {
                    let index = next
                    group.addTask { (index, try await transform(elements[index])) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}
