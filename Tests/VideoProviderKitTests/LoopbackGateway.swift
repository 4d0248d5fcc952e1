import AizfwProvider
import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting
import XingchaoyiqingProvider

/// A `VideoClient` on a real transport (``TransportKind/selected``: CI runs these suites on both), wired to a
/// ``LoopbackPeer``: the real
/// `AizfwProvider` at the peer's `api` host and, for fallback tests, the real `XingchaoyiqingProvider`
/// (same kyyReactApiServer backend) at `api2`. Waits (backoff, `Retry-After`, polling) run on a
/// `VirtualClock` in auto-advance mode: they cost no real time, and the clock shows exactly how long
/// the client chose to wait.
struct LoopbackGateway {
    /// API-key canaries: each must reach its own gateway's host and appear nowhere else.
    static let primaryKey = "sk-canary-aizfw-7d1e0b3a9c5f"
    static let fallbackKey = "sk-canary-xcyq-42f8e6d015ab"

    /// aizfw's documented example request (seed 000), six seconds long.
    static let request = VideoRequest(
        model: "grok_video3", prompt: "A cat dancing in the rain, cinematic style", seconds: 6, aspectRatio: "16:9",
        resolution: .p720)

    let client: VideoClient
    let clock: VirtualClock
    let events: EventLog

    /// - Parameters:
    ///   - primaryBase: aizfw's base URL; the peer's `api` host by default.
    ///   - fallback: also register Xingchaoyiqing at `api2`, after aizfw.
    init(
        peer: LoopbackPeer, primaryBase: URL? = nil, fallback: Bool = false, idleTimeout: Duration = .seconds(10),
        ambiguousSubmissions: AmbiguousSubmissionPolicy = .fail, maximumDownloadBytes: Int64? = nil,
        transport: TransportKind = .selected
    ) throws {
        var registry = ProviderRegistry()
        try registry.register(AizfwProvider(), apiKey: Self.primaryKey, baseURL: primaryBase ?? peer.kyyBase(.api))
        if fallback {
            try registry.register(XingchaoyiqingProvider(), apiKey: Self.fallbackKey, baseURL: peer.kyyBase(.api2))
        }
        var configuration = VideoClient.Configuration()
        configuration.ambiguousSubmissions = ambiguousSubmissions
        if let maximumDownloadBytes { configuration.maximumDownloadBytes = maximumDownloadBytes }
        // No jitter: backoff delays are exact.
        configuration.random = { 0 }
        let clock = VirtualClock(mode: .autoAdvance)
        let events = EventLog()
        self.clock = clock
        self.events = events
        client = VideoClient(
            registry: registry, transport: try transport.make(idleTimeout: idleTimeout), clock: clock,
            configuration: configuration, observer: VideoClientObserver { events.record($0) })
    }

    /// The client's retry and fallback decisions, as they happened.
    final class EventLog: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [VideoClientEvent] = []  // guarded by `lock`

        func record(_ event: VideoClientEvent) { lock.withLock { events.append(event) } }

        /// `(provider, delay)` of every retry.
        var retries: [(provider: ProviderID, delay: Duration)] {
            lock.withLock {
                events.compactMap {
                    if case .retry(let provider, _, _, let delay, _) = $0 { return (provider, delay) }
                    return nil
                }
            }
        }

        /// Every provider the client fell back from.
        var fallbacks: [ProviderID] {
            lock.withLock {
                events.compactMap {
                    if case .fallback(let provider, _, _) = $0 { return provider }
                    return nil
                }
            }
        }
    }

    /// Every text an error shows (message, description, cause, vendor text, attempts) is free of both keys.
    static func expectNoSecrets(in error: VideoProviderError, sourceLocation: SourceLocation = #_sourceLocation) {
        let texts =
            [
                error.message, error.description, error.localizedDescription, error.underlying ?? "",
                error.vendorMessage ?? "", error.vendorCode ?? "",
            ] + error.attempts.map { "\($0) \($0.detail ?? "")" }
        for key in [primaryKey, fallbackKey] {
            #expect(
                !texts.contains { $0.contains(key) }, "an API key leaked into the error", sourceLocation: sourceLocation
            )
        }
    }

    /// Each key reached only its own gateway's host, and the CDN saw no credentials at all.
    static func expectKeysStayedHome(_ log: PeerLog, sourceLocation: SourceLocation = #_sourceLocation) {
        for entry in log.requests {
            if entry.mentions(primaryKey) {
                #expect(entry.server == .api, "aizfw's key reached \(entry.server)", sourceLocation: sourceLocation)
            }
            if entry.mentions(fallbackKey) {
                #expect(
                    entry.server == .api2, "the fallback key reached \(entry.server)", sourceLocation: sourceLocation)
            }
            if entry.server == .cdn {
                #expect(entry.header("Authorization") == nil, sourceLocation: sourceLocation)
            }
        }
    }

    /// Every request to a gateway carried that gateway's own key.
    static func expectGatewaysGotTheirKeys(_ log: PeerLog, sourceLocation: SourceLocation = #_sourceLocation) {
        for entry in log.on(.api) {
            #expect(entry.header("Authorization") == "Bearer \(primaryKey)", sourceLocation: sourceLocation)
        }
        for entry in log.on(.api2) {
            #expect(entry.header("Authorization") == "Bearer \(fallbackKey)", sourceLocation: sourceLocation)
        }
    }
}
