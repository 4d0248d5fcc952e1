// swift-tools-version:6.0
// VideoProviderKit: one typed API over the gateways that resell xAI's Grok video models.
// The design card says "packages: none": this manifest declares no package dependencies.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Vendor targets: one per gateway, each a capability table on a dialect (or a wire format of its own).
/// Adding a vendor means adding a line here (and to `BuiltInProviders`).
let vendorTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("AizfwProvider", ["KyyReactDialect"]),
    ("XingchaoyiqingProvider", ["KyyReactDialect"]),
    ("OpenAICompatibleProvider", ["OpenAIVideoDialect"]),
    ("OctopusXProvider", ["OpenAIVideoDialect"]),
    ("DuoyuanxProvider", ["OpenAIVideoDialect"]),
    ("XAIProvider", ["XAIVideoDialect"]),
    ("GeminiProvider", []),
    ("RunwayProvider", []),
    ("MiniMaxProvider", []),
    ("KlingProvider", []),
    // new-provider: new vendor targets go above this line
]

let package = Package(
    name: "VideoProviderKit",
    platforms: [.macOS(.v13), .iOS(.v16)],
    products: [
        .library(name: "VideoProviderKit", targets: ["VideoProviderKit"]),
        .library(name: "KyyReactDialect", targets: ["KyyReactDialect"]),
        .library(name: "OpenAIVideoDialect", targets: ["OpenAIVideoDialect"]),
        .library(name: "XAIVideoDialect", targets: ["XAIVideoDialect"]),
        .library(name: "VideoProviderTesting", targets: ["VideoProviderTesting"]),
        .library(name: "BuiltInProviders", targets: ["BuiltInProviders"]),
        .executable(name: "videogen", targets: ["videogen"]),
        .executable(name: "videogen-bench", targets: ["videogen-bench"]),
        .plugin(name: "CapabilityMatrixPlugin", targets: ["CapabilityMatrixPlugin"]),
        .plugin(name: "NewProviderPlugin", targets: ["NewProviderPlugin"]),
    ] + vendorTargets.map { .library(name: $0.name, targets: [$0.name]) },
    targets: [
        // Declares the few libcurl functions CurlTransport uses and loads libcurl.so.4 at run time (dlopen):
        // no curl headers, nothing installed. Ours, not a package dependency.
        .target(name: "CCurlLoader", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "VideoProviderKit", dependencies: ["CCurlLoader"], swiftSettings: swiftSettings),
        .target(name: "KyyReactDialect", dependencies: ["VideoProviderKit"], swiftSettings: swiftSettings),
        .target(
            name: "OpenAIVideoDialect", dependencies: ["VideoProviderKit", "XAIVideoDialect"],
            swiftSettings: swiftSettings),
        .target(name: "XAIVideoDialect", dependencies: ["VideoProviderKit"], swiftSettings: swiftSettings),
        .target(name: "VideoProviderTesting", dependencies: ["VideoProviderKit"], swiftSettings: swiftSettings),
        .target(
            name: "BuiltInProviders",
            dependencies: ["VideoProviderKit"] + vendorTargets.map { .target(name: $0.name) },
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "videogen",
            dependencies: ["VideoProviderKit", "BuiltInProviders", "VideoProviderTesting"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "videogen-bench",
            dependencies: ["VideoProviderKit", "BuiltInProviders", "VideoProviderTesting"],
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "CapabilityMatrixPlugin",
            capability: .command(
                intent: .custom(
                    verb: "capability-matrix", description: "Regenerate docs/capabilities.md from the provider tables"),
                permissions: [.writeToPackageDirectory(reason: "Writes docs/capabilities.md")]
            ),
            dependencies: ["videogen"]
        ),
        .plugin(
            name: "NewProviderPlugin",
            capability: .command(
                intent: .custom(verb: "new-provider", description: "Scaffold a vendor target and its tests"),
                permissions: [
                    .writeToPackageDirectory(reason: "Creates Sources/<Name>Provider and Tests/<Name>ProviderTests")
                ]
            )
        ),
        .testTarget(
            name: "VideoProviderKitTests",
            dependencies: ["VideoProviderKit", "VideoProviderTesting", "BuiltInProviders"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VideoProviderTestingTests",
            dependencies: ["VideoProviderKit", "VideoProviderTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReplayTests",
            dependencies: ["VideoProviderKit", "VideoProviderTesting", "BuiltInProviders", "videogen"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "videogenTests",
            dependencies: ["VideoProviderKit", "VideoProviderTesting", "videogen", "videogen-bench"],
            swiftSettings: swiftSettings
        ),
    ]
        + vendorTargets.map {
            .target(name: $0.name, dependencies: ["VideoProviderKit"] + $0.dependencies, swiftSettings: swiftSettings)
        }
        + vendorTargets.map {
            .testTarget(
                name: "\($0.name)Tests",
                dependencies: [.target(name: $0.name), "VideoProviderKit", "VideoProviderTesting"],
                swiftSettings: swiftSettings
            )
        }
)
