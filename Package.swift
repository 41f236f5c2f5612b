// swift-tools-version: 6.1
import PackageDescription

let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "swift-orion",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "orion", targets: ["orion"]),
        .library(name: "OrionCore", targets: ["OrionCore"]),
        .library(name: "OrionNumerics", targets: ["OrionNumerics"]),
        .library(name: "OrionAlgorithms", targets: ["OrionAlgorithms"]),
        .library(name: "OrionSQLite", targets: ["OrionSQLite"]),
        .library(name: "OrionPostgres", targets: ["OrionPostgres"]),
        .library(name: "OrionWorker", targets: ["OrionWorker"]),
        .library(name: "OrionTesting", targets: ["OrionTesting"]),
        .library(name: "OrionBenchmark", targets: ["OrionBenchmark"]),
        .library(name: "OrionServer", targets: ["OrionServer"]),
        .library(name: "OrionInsight", targets: ["OrionInsight"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // `orion serve` only (OrionServer): the HTTP server, and NIOPosix's thread pool for the storage calls.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.86.0"),
        // Already built for Hummingbird: the HTTP/1 codec of the server's own channel (HTTP/1.0 requests).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // The core (the space's transform and snapping, which the model-based algorithms call for every candidate) and
        // the numerical code are optimized in debug builds too: unoptimized, the model-based algorithms' tests would
        // take minutes instead of seconds, and two thirds of a debug `gp` run went to unoptimized snapping.
        .target(name: "COrionDecimal"),
        .target(name: "OrionCore", dependencies: ["COrionDecimal"], swiftSettings: optimizedInDebug),
        .target(name: "OrionNumerics", swiftSettings: optimizedInDebug),
        .target(
            name: "OrionAlgorithms",
            dependencies: ["OrionCore", "OrionNumerics"],
            swiftSettings: optimizedInDebug
        ),
        .target(
            name: "OrionSQLite",
            dependencies: [
                "OrionCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "OrionPostgres",
            dependencies: ["OrionCore", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // The guardian that ends the trials' scripts when their worker dies (C: only async-signal-safe code may run
        // after a fork of a multithreaded process); system headers only.
        .target(name: "COrionSpawn"),
        // Test support for COrionSpawn (a worker killed right after a spawn); only the tests depend on it.
        .target(name: "COrionSpawnTesting", dependencies: ["COrionSpawn"]),
        .target(
            name: "OrionWorker",
            dependencies: ["OrionCore", "OrionAlgorithms", "COrionSpawn", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "OrionCommands",
            dependencies: [
                "OrionCore", "OrionAlgorithms", "OrionSQLite", "OrionPostgres", "OrionWorker", "OrionBenchmark",
                "OrionInsight", "OrionServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(name: "orion", dependencies: ["OrionCommands", "OrionWorker"]),
        .target(
            name: "OrionBenchmark",
            dependencies: ["OrionCore", "OrionAlgorithms", "OrionSQLite", "OrionWorker"]
        ),
        .target(name: "OrionTesting", dependencies: ["OrionCore", "OrionAlgorithms"]),
        // The REST API and the dashboard (`orion serve`): the only target that depends on Hummingbird.
        .target(
            name: "OrionServer",
            dependencies: [
                "OrionCore", "OrionWorker", "OrionInsight",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ]
        ),
        // Analyses and plotly figures of an experiment (`orion plot`, the server's /plots routes); the surrogate
        // (a random forest) is optimized in debug builds too. COrionAssets embeds plotly.js when
        // scripts/services/plotly.sh has fetched it (docs/plotting.md).
        .target(name: "COrionAssets", exclude: ["assets"]),
        .target(
            name: "OrionInsight",
            dependencies: ["OrionCore", "OrionWorker", "COrionAssets"],
            swiftSettings: optimizedInDebug
        ),
        .testTarget(name: "OrionInsightTests", dependencies: ["OrionInsight", "OrionTesting"]),
        .executableTarget(
            name: "OrionBenchmarks",
            dependencies: ["OrionCore", "OrionAlgorithms", "OrionSQLite", "OrionPostgres", "OrionWorker"],
            path: "Benchmarks/OrionBenchmarks"
        ),
        .executableTarget(
            name: "orion-storage-stress",
            dependencies: ["OrionCore", "OrionSQLite", "OrionPostgres"],
            path: "Sources/OrionStorageStress"
        ),
        .testTarget(name: "OrionCoreTests", dependencies: ["OrionCore", "OrionTesting"], exclude: ["Space/Fixtures"]),
        .testTarget(name: "OrionAlgorithmsTests", dependencies: ["OrionAlgorithms", "OrionTesting"]),
        .testTarget(
            name: "OrionSQLiteTests",
            dependencies: ["OrionSQLite", "OrionTesting", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "OrionPostgresTests",
            dependencies: [
                "OrionPostgres", "OrionTesting", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "OrionWorkerTests",
            dependencies: ["OrionWorker", "OrionSQLite", "OrionTesting", "COrionSpawn", "COrionSpawnTesting"]
        ),
        .testTarget(
            name: "OrionCommandsTests",
            dependencies: ["OrionCommands", "OrionSQLite", "OrionPostgres", "OrionWorker", "OrionTesting"]
        ),
        .testTarget(name: "OrionBenchmarkTests", dependencies: ["OrionBenchmark", "OrionTesting"]),
        .testTarget(
            name: "OrionServerTests",
            dependencies: ["OrionServer", "OrionSQLite", "OrionWorker", "OrionTesting"]
        ),
        .testTarget(name: "OrionNumericsTests", dependencies: ["OrionNumerics"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

// Coverage-guided fuzz targets (libFuzzer), one executable per reader. They exist only when ORION_FUZZ=1, so the
// normal build and tests never see them; scripts/fuzz builds them with -sanitize=fuzzer (docs/fuzzing.md).
if Context.environment["ORION_FUZZ"] == "1" {
    package.targets += [
        .executableTarget(
            name: "fuzz-prior-parser",
            dependencies: ["OrionCore"],
            path: "Fuzz/PriorParser"
        ),
        .executableTarget(
            name: "fuzz-results-file",
            dependencies: ["OrionCore", "OrionWorker"],
            path: "Fuzz/ResultsFile"
        ),
        .executableTarget(
            name: "fuzz-configuration",
            dependencies: ["OrionCommands"],
            path: "Fuzz/Configuration"
        ),
    ]
}
