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

    /// Oríon's executors run as `pool`, and the hunt says so once, with where the name came from.
    func testOrionsExecutorsAreNoted() {
        XCTAssertNil(HuntExecutorKind.note(for: "pool", source: "flag --executor"))
        XCTAssertNil(HuntExecutorKind.note(for: "PoolExecutor", source: nil))
        XCTAssertNil(HuntExecutorKind.note(for: "slurm", source: nil))
        XCTAssertEqual(
            HuntExecutorKind.note(for: "Dask", source: "env ORION_EXECUTOR"),
            "executor 'Dask' (env ORION_EXECUTOR) runs here as 'pool': n_workers trials at a time, as child processes"
                + " of this orion (no cluster is used); 'slurm' runs each trial as a Slurm job"
        )
        XCTAssertEqual(
            HuntExecutorKind.note(for: "singleexecutor", source: nil),
            "executor 'singleexecutor' runs here as 'pool': one trial at a time, as Oríon's SingleExecutor, as child"
                + " processes of this orion; 'slurm' runs each trial as a Slurm job"
        )
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
