import BuiltInProviders
import Foundation
import VideoProviderKit
import VideoProviderTesting

/// Builds the registry, transport and clock a command runs with, from the environment and options.
struct Toolbox {
    /// Speed-up of the simulated clock: a minute-long simulated task finishes in about 1.5 s. The
    /// `VIDEOGEN_SIMULATION_SPEEDUP` environment variable overrides it (tests run faster).
    static let simulationSpeedup = 40.0

    let environment: [String: String]
    let simulate: Bool
    let baseURLs: [ProviderID: URL]
    /// The `--register ID=TYPE` entries, in order: a built-in provider again under its own id.
    let registrations: [(id: ProviderID, provider: any VideoProvider)]
    /// The `--simulate-flavor` values as given, repeated in the `videogen follow …` command.
    let flavorArguments: [String]
    let script: SimulatedGateways.Script

    /// - Parameter forceSimulation: a job file written in `--simulate` mode is followed in the simulator.
    init(
        arguments: Arguments, forceSimulation: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Arguments.UsageError) {
        self.environment = environment
        simulate = arguments.flag("simulate") || forceSimulation
        registrations = try Self.registrations(arguments.all("register"))
        let knownIDs = Self.providerIDs + registrations.map(\.id)
        var baseURLs: [ProviderID: URL] = [:]
        for entry in arguments.all("base-url") {
            guard let equals = entry.firstIndex(of: "=") else {
                throw Arguments.UsageError(description: "--base-url takes ID=URL, not '\(entry)'")
            }
            let id = ProviderID(String(entry[..<equals]))
            let text = String(entry[entry.index(after: equals)...])
            guard knownIDs.contains(id) else {
                throw Arguments.UsageError(
                    description:
                        "--base-url names an unknown provider '\(id)'; known: \(knownIDs.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https",
                let host = url.host, !host.isEmpty
            else {
                throw Arguments.UsageError(
                    description: "--base-url for \(id) must be an absolute http(s) URL, not '\(text)'")
            }
            guard scheme == "https" || ProviderRegistry.isLoopback(host) else {
                throw Arguments.UsageError(
                    description:
                        "--base-url for \(id) uses plain http to \(host); only loopback hosts may use http (the API key would travel unencrypted)"
                )
            }
            baseURLs[id] = url
        }
        self.baseURLs = baseURLs

        var script = SimulatedGateways.Script()
        if let name = arguments.value("simulate-outcome"),
            let outcome = SimulatedGateways.outcomes.first(where: { $0.name == name })?.outcome
        {
            script.outcome = outcome
        }
        for entry in arguments.all("simulate-fault") {
            guard let equals = entry.firstIndex(of: "="),
                let fault = SimulatedGateways.fault(String(entry[entry.index(after: equals)...]))
            else {
                throw Arguments.UsageError(
                    description:
                        "--simulate-fault takes ID=KIND (KIND: \(SimulatedGateways.faultKinds)), not '\(entry)'")
            }
            let id = ProviderID(String(entry[..<equals]))
            guard Self.providerIDs.contains(id) else {
                throw Arguments.UsageError(
                    description: "--simulate-fault names an unknown provider '\(id)'; known: \(Self.providerList)")
            }
            script.faults.append((id, fault))
        }
        for entry in arguments.all("simulate-flavor") {
            script.flavors.append(try SimulatedGateways.flavorSpec(entry))
        }
        if !simulate && (arguments.value("simulate-outcome") != nil || !arguments.all("simulate-fault").isEmpty) {
            throw Arguments.UsageError(description: "--simulate-outcome and --simulate-fault need --simulate")
        }
        if !simulate && !arguments.all("simulate-flavor").isEmpty {
            throw Arguments.UsageError(description: "--simulate-flavor needs --simulate")
        }
        self.script = script
        flavorArguments = arguments.all("simulate-flavor")
    }

    static var providerIDs: [ProviderID] { BuiltInProviders.all.map(\.descriptor.id) }

    /// `--register ID=TYPE` entries: TYPE a built-in provider, ID a new registration id (lower-case letters,
    /// digits and `-`), each ID once.
    static func registrations(_ entries: [String]) throws(Arguments.UsageError) -> [(
        id: ProviderID, provider: any VideoProvider
    )] {
        var result: [(id: ProviderID, provider: any VideoProvider)] = []
        for entry in entries {
            guard let equals = entry.firstIndex(of: "=") else {
                throw Arguments.UsageError(description: "--register takes ID=TYPE, not '\(entry)'")
            }
            let id = ProviderID(String(entry[..<equals]))
            let type = ProviderID(String(entry[entry.index(after: equals)...]))
            guard let provider = BuiltInProviders.all.first(where: { $0.descriptor.id == type }) else {
                throw Arguments.UsageError(
                    description: "--register names an unknown provider type '\(type)'; known: \(providerList)")
            }
            let text = id.rawValue
            let wellFormed =
                !text.isEmpty && !text.hasPrefix("-")
                && text.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                }
            guard wellFormed else {
                throw Arguments.UsageError(
                    description:
                        "--register: '\(text)' cannot be an id (lower-case letters, digits and '-', not starting with '-')"
                )
            }
            guard !providerIDs.contains(id), !result.contains(where: { $0.id == id }) else {
                throw Arguments.UsageError(description: "--register: the id '\(id)' is already taken")
            }
            result.append((id, provider))
        }
        return result
    }
    /// Registration id → provider type, for repeating `--register` in a printed command.
    var registrationTypes: [ProviderID: ProviderID] {
        Dictionary(registrations.map { ($0.id, $0.provider.id) }, uniquingKeysWith: { first, _ in first })
    }

    static var providerList: String { providerIDs.map(\.rawValue).joined(separator: ", ") }

    /// Where providers with no default base URL live in the simulator.
    static func simulatedBaseURL(for id: ProviderID) -> URL {
        URL(string: "https://\(id.rawValue).simulator.invalid")!
    }

    /// The key a provider gets under `--simulate` when its variable is unset: its own (the simulator tells
    /// gateways apart by key), and random-looking on purpose: keys are scrubbed from vendor text by any run of
    /// 8 of their characters, so a key spelled from words ("simulated", a provider's id) would scrub those
    /// words from every message. The hex is the id's FNV-1a hash, so it is the same in every run.
    static func simulatedKey(for id: ProviderID) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "sk-vgsim-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
    /// The key `plan` and `--dry-run` give providers without one (never sent; see ``exploringRegistry()``).
    static let placeholderKey = "sk-vgplan-5e8b1f3a96c04d27"

    func apiKey(for id: ProviderID) -> String? {
        if let key = environment[id.apiKeyEnvironmentVariable], !key.isEmpty { return key }
        return simulate ? Self.simulatedKey(for: id) : nil
    }

    func baseURL(for provider: any VideoProvider, as registration: ProviderID? = nil) -> URL? {
        let id = registration ?? provider.descriptor.id
        if let override = baseURLs[id] { return override }
        if provider.descriptor.documentedBaseURL == nil && simulate { return Self.simulatedBaseURL(for: id) }
        return nil
    }

    func registry() throws(VideoProviderError) -> ProviderRegistry {
        var registry = ProviderRegistry()
        for provider in BuiltInProviders.all {
            try register(
                provider, as: nil, apiKey: apiKey(for: provider.descriptor.id), baseURL: baseURL(for: provider),
                into: &registry)
        }
        for (id, provider) in registrations {
            try register(
                provider, as: id, apiKey: apiKey(for: id), baseURL: baseURL(for: provider, as: id), into: &registry)
        }
        return registry
    }

    /// A registry for exploring (`plan`, `--dry-run`): providers without a key get a placeholder so their
    /// capabilities are still evaluated; `missingKeys` says which. The placeholder is never sent (these
    /// commands send nothing) and headers print `[redacted]` either way.
    func exploringRegistry() throws(VideoProviderError) -> (registry: ProviderRegistry, missingKeys: Set<ProviderID>) {
        var registry = ProviderRegistry()
        var missing: Set<ProviderID> = []
        for provider in BuiltInProviders.all {
            let id = provider.descriptor.id
            var key = apiKey(for: id)
            if key == nil {
                key = Self.placeholderKey
                missing.insert(id)
            }
            try register(provider, as: nil, apiKey: key, baseURL: baseURL(for: provider), into: &registry)
        }
        for (id, provider) in registrations {
            var key = apiKey(for: id)
            if key == nil {
                key = Self.placeholderKey
                missing.insert(id)
            }
            try register(provider, as: id, apiKey: key, baseURL: baseURL(for: provider, as: id), into: &registry)
        }
        return (registry, missing)
    }

    /// The simulator plays every gateway in `--simulate` mode; otherwise real HTTP through the library's
    /// default transport, with large request bodies staged in `temporaryDirectory` (the command's own
    /// private folder, removed when it ends) when that transport is `URLSessionTransport`.
    func transportAndClock(registry: ProviderRegistry, temporaryDirectory: URL? = nil) -> (
        any HTTPTransport, any VideoClock
    ) {
        guard simulate else {
            return (
                UserAgentTransport(base: Self.networkTransport(temporaryDirectory: temporaryDirectory)), SystemClock()
            )
        }
        // A speed-up outside 0.001…100,000 (`1e300`) is ignored: the clock's arithmetic would overflow.
        let factor = environment["VIDEOGEN_SIMULATION_SPEEDUP"].flatMap(Double.init).flatMap {
            $0.isFinite && $0 >= 0.001 && $0 <= 100_000 ? $0 : nil
        }
        let clock = AcceleratedClock(factor: factor ?? Self.simulationSpeedup)
        return (SimulatedGateways.make(registry: registry, clock: clock, script: script), clock)
    }
}

extension Toolbox {
    /// The library's default transport (`CurlTransport` on Linux). When libcurl cannot be loaded and
    /// `URLSessionTransport` stands in, a note on stderr says so, once per process.
    static func networkTransport(temporaryDirectory: URL?) -> any HTTPTransport {
        var urlSession = URLSessionTransport.Configuration()
        if let temporaryDirectory { urlSession.temporaryDirectory = temporaryDirectory }
        let choice = DefaultHTTPTransport.make(curl: CurlTransport.Configuration(), urlSession: urlSession)
        if let reason = choice.fallbackReason, FallbackNote.shared.firstTime() {
            FileHandle.standardError.write(Data("videogen: note: \(reason)\n".utf8))
        }
        return choice.transport
    }
}

/// Whether the transport fallback has been reported in this process.
final class FallbackNote: @unchecked Sendable {
    static let shared = FallbackNote()
    private let lock = NSLock()
    private var said = false  // guarded by `lock`

    func firstTime() -> Bool {
        lock.withLock {
            defer { said = true }
            return !said
        }
    }
}

/// Gives every real request videogen's own `User-Agent` (``VideoGen/userAgent``) unless the provider set
/// one; without it, Linux's `URLSession` would send `videogen (unknown version) curl/…` and `CurlTransport`
/// none. Dry runs show the
/// same header (``VideoGen/addingUserAgent(_:)``).
struct UserAgentTransport: HTTPTransport {
    let base: any HTTPTransport

    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        try await base.send(VideoGen.addingUserAgent(request), bodyDestination: bodyDestination)
    }
}
