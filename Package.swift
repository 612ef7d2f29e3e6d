// swift-tools-version: 6.2
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Vigie",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rulesctl", targets: ["rulesctl"])
    ],
    dependencies: [
        // The command line: subcommands, --help, exit status 64 on usage errors.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // YAML rule test fixtures (Rules/tests/*.yaml).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // SQLite for the vault: WAL, migrations, transactions.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The partner HTTP API (rulesctl serve), with graceful shutdown through swift-service-lifecycle.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Hummingbird's own I/O library: its thread pool runs the server's blocking vault calls.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Structured access logs (already a dependency of Hummingbird).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libsodium, the only cryptography library (apt: libsodium-dev).
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // The rule language: pure Swift, no dependencies, no I/O beyond the source text it is given.
        .target(name: "RulesEngine", swiftSettings: upcoming),
        // The sealed vault: keys, sealed records, blind indexes, imports, storage.
        .target(
            name: "Vault",
            dependencies: ["RulesEngine", "CSodium", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: upcoming
        ),
        // Rule folders on disk: reading .vigie files, YAML test fixtures (Rules/tests/*.yaml), running them.
        .target(
            name: "RuleFiles",
            dependencies: ["RulesEngine", .product(name: "Yams", package: "Yams")],
            swiftSettings: upcoming
        ),
        // Realistic, deterministic synthetic partner files (rulesctl synth).
        .target(name: "Synthetic", dependencies: ["RulesEngine"], swiftSettings: upcoming),
        // The HTTP layer: thin handlers over the vault, the OpenAPI document, errors, rate limits.
        .target(
            name: "VigieHTTP",
            dependencies: [
                "Vault", "RulesEngine", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("openapi.json")],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "rulesctl",
            dependencies: [
                "RulesEngine", "Vault", "RuleFiles", "Synthetic", "VigieHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The benchmark's plaintext baseline (rulesctl bench).
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RulesEngineTests",
            dependencies: ["RulesEngine"],
            exclude: ["Fixtures"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "VaultTests",
            dependencies: [
                "Vault", "RulesEngine", "RuleFiles", "Synthetic",
                // Tests tamper with the database file directly, as an attacker holding it would.
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "VigieHTTPTests",
            dependencies: [
                "VigieHTTP", "Vault", "RulesEngine", "RuleFiles",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // A test holds the database's write lock, as another process would.
                .product(name: "GRDB", package: "GRDB.swift"),
                // A test reads what the access log writes.
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "rulesctlTests",
            dependencies: ["RuleFiles", "RulesEngine"],
            exclude: ["Fixtures"],
            swiftSettings: upcoming
        ),
    ],
    swiftLanguageModes: [.v6]
)
