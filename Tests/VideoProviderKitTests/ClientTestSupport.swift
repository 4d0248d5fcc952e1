import BuiltInProviders
import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The shared setup of the client and registry tests: the built-in providers, the gateway simulator on a
/// virtual clock, and an observer that records every event.
enum Sim {
    static let key = "sk-client-test-0123456789SECRET"

    static let kyy = GatewaySimulator.Gateway.kyyReactApiServerBaseURL
    static let octopusX = GatewaySimulator.Gateway.octopusXBaseURL
    static let duoyuanx = GatewaySimulator.Gateway.duoyuanxBaseURL
    static let xAI = GatewaySimulator.Gateway.xAIBaseURL
    static let openAICompatible = GatewaySimulator.Gateway.openAICompatibleBaseURL

    /// A built-in provider by id.
    static func provider(_ id: ProviderID) -> any VideoProvider {
        guard let provider = BuiltInProviders.all.first(where: { $0.id == id }) else {
            preconditionFailure("no built-in provider \(id)")
        }
        return provider
    }

    /// A registry with `ids` registered in that order, each with ``key`` (and the simulator's base URL for
    /// `openai-compatible`, which has no default).
    static func registry(_ ids: [ProviderID]) throws -> ProviderRegistry {
        var registry = ProviderRegistry()
        for id in ids {
            try registry.register(
                provider(id), apiKey: key, baseURL: id == "openai-compatible" ? openAICompatible : nil)
        }
        return registry
    }

    /// Client settings for exact schedules: no jitter.
    static func configuration(_ change: (inout VideoClient.Configuration) -> Void = { _ in })
        -> VideoClient.Configuration
    {
        var configuration = VideoClient.Configuration()
        configuration.random = { 0 }
        change(&configuration)
        return configuration
    }

    /// A 1×1 PNG (the core tests' sample).
    static let png = CoreSamples.png

    static func imagine(seconds: Int? = 8, images: [ImageInput] = []) -> VideoRequest {
        VideoRequest(model: "grok-imagine-video", prompt: "A lighthouse in a storm", seconds: seconds, images: images)
    }

    static func json(_ text: String) -> Data { Data(text.utf8) }
}

/// Everything a test needs, wired together.
struct Harness {
    let clock: VirtualClock
    let simulator: GatewaySimulator
    let registry: ProviderRegistry
    let events = EventLog()
    let client: VideoClient

    init(
        _ ids: [ProviderID], clock: VirtualClock = VirtualClock(mode: .autoAdvance),
        gateways: [GatewaySimulator.Gateway] = GatewaySimulator.Gateway.standard(),
        configuration: VideoClient.Configuration = Sim.configuration(),
        registry: ProviderRegistry? = nil
    ) throws {
        self.clock = clock
        simulator = GatewaySimulator(clock: clock, gateways: gateways)
        self.registry = try registry ?? Sim.registry(ids)
        let events = self.events
        client = VideoClient(
            registry: self.registry, transport: simulator, clock: clock, configuration: configuration,
            observer: VideoClientObserver { events.append($0) })
    }

    /// Another client on the same simulator and clock (a "fresh process").
    func freshClient(_ registry: ProviderRegistry, configuration: VideoClient.Configuration = Sim.configuration())
        -> VideoClient
    {
        VideoClient(registry: registry, transport: simulator, clock: clock, configuration: configuration)
    }

    /// When each submit reached (or was refused at) `gateway`, in virtual time.
    func submitTimes(at gateway: URL? = nil) -> [Duration] {
        simulator.requests.filter { request in
            request.operation == .submit
                && (gateway.map { request.url.absoluteString.hasPrefix($0.absoluteString) } ?? true)
        }.map(\.receivedAt)
    }

    /// When each status call arrived, in virtual time.
    var statusTimes: [Duration] { simulator.requests(.status).map(\.receivedAt) }
}

/// The observer's events, in order. Thread-safe: clients call it from many tasks.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [VideoClientEvent] = []  // guarded by `lock`

    func append(_ event: VideoClientEvent) { lock.withLock { storage.append(event) } }

    var all: [VideoClientEvent] { lock.withLock { storage } }

    var retries: [(provider: ProviderID, attempt: Int, delay: Duration)] {
        all.compactMap {
            if case .retry(let provider, _, let attempt, let delay, _) = $0 { return (provider, attempt, delay) }
            return nil
        }
    }

    var fallbacks: [ProviderID] {
        all.compactMap {
            if case .fallback(let provider, _, _) = $0 { return provider }
            return nil
        }
    }

    var cooldowns: [(provider: ProviderID, duration: Duration)] {
        all.compactMap {
            if case .cooldown(let provider, let duration, _) = $0 { return (provider, duration) }
            return nil
        }
    }

    var skipped: [SkippedCandidate] {
        all.compactMap {
            if case .skipped(let candidate) = $0 { return candidate }
            return nil
        }
    }

    var polls: [TaskSnapshot] {
        all.compactMap {
            if case .poll(_, _, let snapshot) = $0 { return snapshot }
            return nil
        }
    }

    var resubmissions: [ProviderID] {
        all.compactMap {
            if case .resubmitted(let previous, _) = $0 { return previous.providerID }
            return nil
        }
    }
}

/// The `VideoProviderError` a throwing async call produced, or `nil` (recorded as a failure) when it
/// returned or threw something else.
func captureError<T>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async -> VideoProviderError? {
    do {
        _ = try await body()
        Issue.record("expected a VideoProviderError, got a value", sourceLocation: sourceLocation)
        return nil
    } catch let error as VideoProviderError {
        return error
    } catch {
        Issue.record("expected a VideoProviderError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
