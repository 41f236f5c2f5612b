import OrionCore
import XCTest

@testable import OrionCommands

final class HuntExecutorKindTests: XCTestCase {
    func testNamesAreReadCaseInsensitively() throws {
        XCTAssertEqual(try HuntExecutorKind("slurm"), .slurm)
        XCTAssertEqual(try HuntExecutorKind("Slurm"), .slurm)
        XCTAssertEqual(try HuntExecutorKind("pool"), .pool)
        XCTAssertEqual(try HuntExecutorKind("PoolExecutor"), .pool, "Oríon's default")
        XCTAssertEqual(try HuntExecutorKind("joblib"), .pool)
        XCTAssertEqual(try HuntExecutorKind("dask"), .pool)
    }

    func testAnUnknownExecutorIsAUsageErrorNamingTheChoices() {
        XCTAssertThrowsError(try HuntExecutorKind("kubernetes")) { error in
            let error = error as? any OrionError
            XCTAssertEqual(error?.kind, .usage)
            XCTAssertEqual(
                error?.message,
                "unknown executor 'kubernetes': use 'pool' (trials as child processes, the default) or 'slurm' (one Slurm"
                    + " job per trial); set it with --executor, ORION_EXECUTOR or worker.executor"
            )
        }
    }
}
