/// Conformance suites for storages and algorithms.
import OrionCore
