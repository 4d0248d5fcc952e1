import Foundation
import OpenAICompatibleProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

private let base = URL(string: "https://api.vendor.example/v1")!

/// How a key goes on the wire: bearer (unchanged bytes), a named header, fixed headers, a signed JWT.
@Suite struct CredentialSchemeTests {
    /// Kling's AK/SK scheme, against the vector computed with Python's `hmac`/`hashlib`
    /// (/work/research/17/kling.md §2.1): AK `ak_test`, SK `sk_test`, now 1700000000.
    @Test func jsonWebTokenMatchesTheReferenceVector() {
        let signer = JSONWebTokenSigner(accessKey: "ak_test")
        let token = signer.token(secretKey: APIKey("sk_test"), at: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(
            token
                == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJha190ZXN0IiwiZXhwIjoxNzAwMDAxODAwLCJuYmYiOjE2OTk5OTk5OTV9.eDa_F6Qhv7yHoYstKBIL6uubYWDLHLekl_49ClsUCf4"
        )
    }

    /// The signed token goes in `Authorization: Bearer`, signed when the headers are built, and is redacted.
    @Test func signedBearerIsSignedPerRequestAndRedacted() {
        let context = ProviderContext(
            baseURL: base, apiKey: APIKey("sk_test"),
            credentials: .signedBearer(JSONWebTokenSigner(accessKey: "ak_test")),
            credentialDate: Date(timeIntervalSince1970: 1_700_000_000))
        let headers = context.standardHeaders()
        #expect(
            headers.fields.map(\.name) == ["Authorization", "Accept"])
        #expect(
            headers["Authorization"]
                == "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJha190ZXN0IiwiZXhwIjoxNzAwMDAxODAwLCJuYmYiOjE2OTk5OTk5OTV9.eDa_F6Qhv7yHoYstKBIL6uubYWDLHLekl_49ClsUCf4"
        )
        #expect(headers.redacted()["Authorization"] == "Bearer [redacted]")
        var later = context
        later.credentialDate = Date(timeIntervalSince1970: 1_700_000_060)
        let payload = later.standardHeaders()["Authorization"]!.split(separator: ".")[1]
        #expect(payload == "eyJpc3MiOiJha190ZXN0IiwiZXhwIjoxNzAwMDAxODYwLCJuYmYiOjE3MDAwMDAwNTV9")
    }

    /// The default scheme writes exactly what every provider wrote before schemes existed.
    @Test func bearerIsTheDefaultAndUnchanged() {
        let context = ProviderContext(baseURL: base, apiKey: APIKey("sk-1"), additionalHeaders: ["X-Tenant": "acme"])
        let headers = context.standardHeaders()
        #expect(headers.fields.map(\.name) == ["Authorization", "Accept", "X-Tenant"])
        #expect(headers.fields.map(\.value) == ["Bearer sk-1", "application/json", "acme"])
        #expect(OpenAICompatibleProvider().credentialScheme == .bearer)
    }

    /// Google's header, Runway's version pin, and a provider-declared secret header.
    @Test func namedHeaderFixedHeadersAndDeclaredSecrets() {
        var scheme = CredentialScheme.header("x-goog-api-key").adding(["X-Runway-Version": "2024-11-06"])
        scheme.additionalSensitiveHeaderNames = ["x-tenant-secret"]
        let context = ProviderContext(
            baseURL: base, apiKey: APIKey("AIza-key-1"), additionalHeaders: ["X-Tenant-Secret": "t0p"],
            credentials: scheme)
        let headers = context.standardHeaders(accept: "video/*")
        #expect(headers.fields.map(\.name) == ["x-goog-api-key", "Accept", "X-Runway-Version", "X-Tenant-Secret"])
        #expect(headers.fields.map(\.value) == ["AIza-key-1", "video/*", "2024-11-06", "t0p"])
        #expect(headers.redacted().fields.map(\.value) == ["[redacted]", "video/*", "2024-11-06", "[redacted]"])
        #expect(scheme.sensitiveHeaderNames == ["x-goog-api-key", "x-tenant-secret"])
        #expect(headers.isSensitive("X-GOOG-API-KEY"))
        #expect(!headers.isSensitive("X-Runway-Version"))
        // Marks are how headers are shown, not what is sent.
        #expect(
            headers
                == HTTPHeaders(
                    dictionaryLiteral: ("x-goog-api-key", "AIza-key-1"), ("Accept", "video/*"),
                    ("X-Runway-Version", "2024-11-06"), ("X-Tenant-Secret", "t0p")))
    }

    /// `x-goog-api-key` is a built-in secret even on headers nobody marked.
    @Test func googleKeyHeaderIsRedactedWithoutAMark() {
        let headers: HTTPHeaders = ["X-Goog-Api-Key": "AIza-secret", "Accept": "application/json"]
        #expect(headers.redacted().fields.map(\.value) == ["[redacted]", "application/json"])
        #expect(HTTPHeaders.sensitiveNames.contains("x-goog-api-key"))
    }
}

/// Two registrations of one provider type under their own ids, routed and fallen back between.
@Suite struct SeveralRegistrationsTests {
    static let gatewayA = URL(string: "https://gw-a.simulator.invalid")!
    static let gatewayB = URL(string: "https://gw-b.simulator.invalid")!

    static func twoGateways() throws -> Harness {
        var registry = ProviderRegistry()
        try registry.register(OpenAICompatibleProvider(), as: "gw-a", apiKey: "sk-gateway-a", baseURL: gatewayA)
        try registry.register(OpenAICompatibleProvider(), as: "gw-b", apiKey: "sk-gateway-b", baseURL: gatewayB)
        return try Harness(
            [], gateways: [.openAICompatible(baseURL: gatewayA), .openAICompatible(baseURL: gatewayB)],
            registry: registry)
    }

    /// Two OpenAI-format gateways: the first refuses, the second takes the task with its own key.
    @Test func twoGatewaysFallBackFromOneToTheOther() async throws {
        let harness = try Self.twoGateways()
        #expect(harness.registry.providerIDs == ["gw-a", "gw-b"])
        #expect(harness.registry.providers(offering: "grok-imagine-video") == ["gw-a", "gw-b"])
        harness.simulator.inject(.httpError(status: 403, message: "Forbidden"), on: .submit, at: Self.gatewayA)

        let job = try await harness.client.submit(Sim.imagine())

        #expect(job.providerID == "gw-b")
        #expect(job.baseURL == Self.gatewayB)
        let submits = harness.simulator.requests(.submit)
        #expect(submits.map(\.url.host) == ["gw-a.simulator.invalid", "gw-b.simulator.invalid"])
        #expect(submits.map { $0.carriesBearerToken("sk-gateway-a") } == [true, false])
        #expect(submits.map { $0.carriesBearerToken("sk-gateway-b") } == [false, true])
        #expect(harness.events.fallbacks == ["gw-a"])
        #expect(job.attempts.map(\.providerID) == ["gw-a", "gw-b"])
        #expect(job.attempts.first?.httpStatus == 403)
        let snapshot = try await harness.client.status(of: job)
        #expect(harness.simulator.requests(.status).map(\.url.host) == ["gw-b.simulator.invalid"])
        #expect(snapshot.taskID == job.taskID)
        // The provider's own error names the registration, not the provider type.
        harness.simulator.inject(
            .httpError(status: 401, message: "Invalid token"), on: .status, at: Self.gatewayB)
        let refused = await #expect(throws: VideoProviderError.self) { try await harness.client.status(of: job) }
        #expect(refused?.providerID == "gw-b")
        #expect(refused?.httpStatus == 401)
    }

    /// Two accounts of one gateway (same base URL, two keys): the first account's refusal falls back to the
    /// second; an `id:model` pin and a fallback order name registrations.
    @Test func twoAccountsOfOneGateway() async throws {
        var registry = ProviderRegistry()
        for (id, key) in [("acct-1", "sk-account-1"), ("acct-2", "sk-account-2")] {
            try registry.register(
                OpenAICompatibleProvider(), as: ProviderID(id), apiKey: key, baseURL: Sim.openAICompatible)
        }
        registry.setFallbackOrder(["acct-2", "acct-1"], for: "grok-imagine-video")
        #expect(registry.plan(for: Sim.imagine()).providerIDs == ["acct-2", "acct-1"])
        var pinned = Sim.imagine()
        pinned.model = "acct-1:grok-imagine-video"
        #expect(registry.plan(for: pinned).providerIDs == ["acct-1"])

        let harness = try Harness([], registry: registry)
        harness.simulator.inject(
            .httpError(status: 402, message: "Insufficient balance"), on: .submit, at: Sim.openAICompatible,
            apiKey: "sk-account-2")
        let job = try await harness.client.submit(Sim.imagine())

        #expect(job.providerID == "acct-1")
        #expect(job.attempts.map(\.providerID) == ["acct-2", "acct-1"])
        let submits = harness.simulator.requests(.submit)
        #expect(submits.map { $0.carriesBearerToken("sk-account-2") } == [true, false])
        #expect(submits.map { $0.carriesBearerToken("sk-account-1") } == [false, true])
    }

    @Test func registrationIDsMustBeUniqueAndWellFormed() throws {
        var registry = ProviderRegistry()
        try registry.register(OpenAICompatibleProvider(), as: "gw-a", apiKey: "k", baseURL: Self.gatewayA)
        #expect(registry.provider("gw-a")?.descriptor.id == "gw-a")
        #expect(registry.provider("gw-a")?.provider.id == "openai-compatible")
        let duplicate = #expect(throws: VideoProviderError.self) {
            try registry.register(OpenAICompatibleProvider(), as: "gw-a", apiKey: "k", baseURL: Self.gatewayB)
        }
        #expect(duplicate?.kind == .configuration)
        #expect(duplicate?.message == "Provider 'gw-a' is already registered.")
        let malformed = #expect(throws: VideoProviderError.self) {
            try registry.register(OpenAICompatibleProvider(), as: "GW_B", apiKey: "k", baseURL: Self.gatewayB)
        }
        #expect(malformed?.kind == .configuration)
        #expect(
            malformed?.violations
                == [
                    Violation(
                        parameter: "registration-id", value: "\"GW_B\"",
                        allowed: "lower-case letters, digits and '-', not starting with '-'")
                ])
        #expect(registry.providerIDs == ["gw-a"])
    }
}

/// A transport that rotates the key while the first request is on its way, then passes everything on.
private final class RotateDuringFirstRequest: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var rotated = false  // guarded by `lock`
    let inner: any HTTPTransport
    let source: APIKeySource
    let newKey: APIKey

    init(_ inner: any HTTPTransport, source: APIKeySource, newKey: APIKey) {
        self.inner = inner
        self.source = source
        self.newKey = newKey
    }

    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        let first = lock.withLock { () -> Bool in
            defer { rotated = true }
            return !rotated
        }
        if first { try source.rotate(to: newKey) }
        return try await inner.send(request, bodyDestination: bodyDestination)
    }
}

/// Key rotation without a new client.
@Suite struct KeyRotationTests {
    static func registry(_ source: APIKeySource) throws -> ProviderRegistry {
        var configuration = ProviderConfiguration(
            provider: OpenAICompatibleProvider(), apiKey: nil, baseURL: Sim.openAICompatible)
        configuration.keySource = source
        var registry = ProviderRegistry()
        try registry.register(configuration)
        return registry
    }

    /// The request on its way keeps the key it was built with; every later request carries the new one.
    @Test func nextRequestUsesTheNewKeyAndTheInFlightOneIsUnaffected() async throws {
        let source = APIKeySource(APIKey("sk-old-key"))
        let clock = VirtualClock(mode: .autoAdvance)
        let simulator = GatewaySimulator(clock: clock, gateways: GatewaySimulator.Gateway.standard())
        let transport = RotateDuringFirstRequest(simulator, source: source, newKey: APIKey(" sk-new-key\n"))
        let client = VideoClient(
            registry: try Self.registry(source), transport: transport, clock: clock, configuration: Sim.configuration())

        let job = try await client.submit(Sim.imagine())
        _ = try await client.status(of: job)
        _ = try await client.status(of: job)

        let requests = simulator.requests
        #expect(requests.map(\.operation) == [.submit, .status, .status])
        #expect(requests.map { $0.carriesBearerToken("sk-old-key") } == [true, false, false])
        #expect(requests.map { $0.carriesBearerToken("sk-new-key") } == [false, true, true])
        #expect(source.current == APIKey("sk-new-key"))
        #expect("\(source)" == "APIKeySource([redacted])")
    }

    /// A rotated-out key leaves the registration unable to send, said before any byte; a bad key is refused
    /// and the current one stays.
    @Test func emptyAndMalformedKeys() async throws {
        let source = APIKeySource(APIKey("sk-first"))
        let registry = try Self.registry(source)
        let harness = try Harness([], registry: registry)
        try source.rotate(to: APIKey("  "))
        #expect(harness.client.plan(Sim.imagine()).providerIDs == [])
        #expect(
            registry.provider("openai-compatible")?.unavailableReason
                == "no API key configured (OPENAI_COMPATIBLE_API_KEY)")
        let refused = #expect(throws: VideoProviderError.self) { try source.rotate(to: APIKey("sk bad")) }
        #expect(refused?.kind == .configuration)
        #expect(source.current == nil)
        try source.rotate(to: APIKey("sk-second"))
        _ = try await harness.client.submit(Sim.imagine())
        #expect(harness.simulator.requests(.submit).map { $0.carriesBearerToken("sk-second") } == [true])
        #expect(harness.simulator.requests.count == 1)
    }
}

/// App-declared model families: one name, a native model per registration, fallback across vendors.
@Suite struct AppModelFamilyTests {
    static let family = ModelFamily(
        name: "house-clip", members: ["openai-compatible": "grok-imagine-video", "xai": "grok-imagine-video-1.5"])

    @Test func familyNameRoutesToEachMembersNativeModel() async throws {
        var registry = try Sim.registry(["openai-compatible", "duoyuanx", "xai"])
        try registry.registerFamily(Self.family)
        var request = Sim.imagine()
        request.model = "House_Clip"
        #expect(registry.plan(for: request).providerIDs == ["openai-compatible", "xai"])
        #expect(registry.plan(for: request).eligible.map(\.model) == ["grok-imagine-video", "grok-imagine-video-1.5"])
        #expect(registry.providers(offering: "house-clip") == ["openai-compatible", "xai"])
        #expect(registry.capabilities(of: "house-clip", on: "xai")?.model == "grok-imagine-video-1.5")
        // A member's own name still means only that model; the built-in Grok families are unchanged.
        #expect(registry.plan(for: Sim.imagine()).providerIDs == ["openai-compatible", "duoyuanx", "xai"])
        #expect(registry.providers(offering: "grok_video3") == ["duoyuanx"])
        registry.setFallbackOrder(["xai", "openai-compatible"], for: "house-clip")
        #expect(registry.plan(for: request).providerIDs == ["xai", "openai-compatible"])

        let harness = try Harness(
            [],
            registry: try {
                var plain = try Sim.registry(["openai-compatible", "duoyuanx", "xai"])
                try plain.registerFamily(Self.family)
                return plain
            }())
        harness.simulator.inject(.httpError(status: 403, message: "Forbidden"), on: .submit, at: Sim.openAICompatible)
        let job = try await harness.client.submit(request)
        #expect(job.providerID == "xai")
        #expect(job.model == "grok-imagine-video-1.5")
        #expect(
            harness.simulator.requests(.submit).map { $0.json?["model"] } == [
                .string("grok-imagine-video"), .string("grok-imagine-video-1.5"),
            ])
    }

    @Test func familiesAreCheckedWhenRegistered() throws {
        var registry = ProviderRegistry()
        let builtIn = #expect(throws: VideoProviderError.self) {
            try registry.registerFamily(ModelFamily(name: "grok_video3", members: ["xai": "grok-imagine-video"]))
        }
        #expect(builtIn?.message == "'grok_video3' is a built-in model family; choose another name.")
        let pinned = #expect(throws: VideoProviderError.self) {
            try registry.registerFamily(ModelFamily(name: "xai:clip", members: ["xai": "grok-imagine-video"]))
        }
        #expect(pinned?.kind == .configuration)
        let empty = #expect(throws: VideoProviderError.self) {
            try registry.registerFamily(ModelFamily(name: "clip", members: [:]))
        }
        #expect(empty?.kind == .configuration)
        try registry.registerFamily(ModelFamily(name: " clip ", members: ["xai": " grok-imagine-video "]))
        #expect(registry.families == [ModelFamily(name: "clip", members: ["xai": "grok-imagine-video"])])
        registry.removeFamily(named: "CLIP")
        #expect(registry.families == [])
    }
}

/// Retries and polling chosen for one call, the client's configuration untouched.
@Suite struct PerCallOptionsTests {
    @Test func retryPolicyForOneCall() async throws {
        let harness = try Harness(["openai-compatible"])
        let busy = GatewaySimulator.Fault.httpError(status: 429, headers: ["Retry-After": "2"])
        harness.simulator.inject(busy, on: .submit, at: Sim.openAICompatible, times: 1)
        var options = VideoClient.SubmitOptions()
        options.retry = RetryPolicy()
        options.retry?.maximumAttempts = 1
        let refused = await #expect(throws: VideoProviderError.self) {
            try await harness.client.submit(Sim.imagine(), options: options)
        }
        #expect(refused?.kind == .rateLimited)
        #expect(refused?.httpStatus == 429)
        #expect(harness.simulator.requests(.submit).count == 1)
        // The client's own policy (three attempts) still applies to the next call.
        harness.simulator.inject(busy, on: .submit, at: Sim.openAICompatible, times: 1)
        _ = try await harness.client.submit(Sim.imagine())
        #expect(harness.simulator.requests(.submit).count == 3)
    }

    @Test func pollingForOneGenerateCall() async throws {
        let harness = try Harness(["openai-compatible"])
        var options = VideoClient.SubmitOptions()
        options.polling = .fixed(.seconds(7))
        _ = try await harness.client.generate(Sim.imagine(), options: options)
        #expect(harness.statusTimes == [7, 14, 21, 28, 35, 42].map { Duration.seconds($0) })
    }
}

/// Google's key header on a redirect, on both transports: kept on the gateway's own origin, dropped on
/// any other, as `Authorization` is.
@Suite("Named key headers on redirects", .timeLimit(.minutes(3)))
struct NamedKeyHeaderRedirectTests {
    static let canary = "AIza-canary-redirect-7c1e5f2d"

    static func headers() -> HTTPHeaders {
        ProviderContext(
            baseURL: base, apiKey: APIKey(canary), credentials: .header("x-goog-api-key")
        ).standardHeaders(accept: "video/*")
    }

    @Test(arguments: TransportKind.allCases)
    func crossOriginRedirectDropsTheKeyHeader(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let target = peer.url(.cdn, "/echo/video")
            let request = HTTPRequest(
                method: .get, url: peer.url(.api, "/redirect?to=\(target.absoluteString)"), headers: Self.headers())

            let response = try await kind.make().send(request)

            let echo = try TransportConformanceTests.echo(response)
            #expect(echo.server == .cdn)
            #expect(echo.header("x-goog-api-key") == nil)
            #expect(echo.header("Accept") == "video/*")
            let log = try await peer.log()
            #expect(log.on(.api).count == 1)
            #expect(!log.on(.cdn).contains { $0.mentions(Self.canary) })
        }
    }

    @Test(arguments: TransportKind.allCases)
    func sameOriginRedirectKeepsTheKeyHeader(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let request = HTTPRequest(
                method: .get, url: peer.url(.api, "/redirect?to=/echo/moved"), headers: Self.headers())

            let echo = try TransportConformanceTests.echo(try await kind.make().send(request))

            #expect(echo.server == .api)
            #expect(echo.header("x-goog-api-key") == Self.canary)
        }
    }
}

/// Registrations that change while the client runs.
@Suite struct RunningClientRegistrationTests {
    typealias Several = SeveralRegistrationsTests

    /// A gateway added to a running client takes the next call; one removed is no longer tried, and its
    /// jobs can no longer be followed by this client.
    @Test func aGatewayAddedAndRemovedAtRunTime() async throws {
        var registry = ProviderRegistry()
        try registry.register(OpenAICompatibleProvider(), as: "gw-a", apiKey: "sk-gateway-a", baseURL: Several.gatewayA)
        let harness = try Harness(
            [],
            gateways: [.openAICompatible(baseURL: Several.gatewayA), .openAICompatible(baseURL: Several.gatewayB)],
            registry: registry)
        let first = try await harness.client.submit(Sim.imagine())
        #expect(first.providerID == "gw-a")

        try harness.client.updateRegistry { registry in
            try registry.register(
                OpenAICompatibleProvider(), as: "gw-b", apiKey: "sk-gateway-b", baseURL: Several.gatewayB)
            registry.setFallbackOrder(["gw-b", "gw-a"], for: "grok-imagine-video")
        }
        #expect(harness.client.registry.providerIDs == ["gw-a", "gw-b"])
        let second = try await harness.client.submit(Sim.imagine())
        #expect(second.providerID == "gw-b")
        #expect(harness.simulator.requests(.submit).last?.carriesBearerToken("sk-gateway-b") == true)

        let removed = harness.client.updateRegistry { $0.unregister("gw-a") }
        #expect(removed?.id == "gw-a")
        #expect(harness.client.plan(Sim.imagine()).providerIDs == ["gw-b"])
        let orphan = await #expect(throws: VideoProviderError.self) { try await harness.client.status(of: first) }
        #expect(orphan?.kind == .configuration)
        #expect(orphan?.message == "The job's provider 'gw-a' is not registered with this client.")
        #expect(harness.client.updateRegistry { $0.unregister("gw-a") } == nil)
    }

    /// A change that throws leaves the registry as it was, even the parts changed before the throw.
    @Test func aFailedChangeLeavesTheRegistryUnchanged() throws {
        var registry = ProviderRegistry()
        try registry.register(OpenAICompatibleProvider(), as: "gw-a", apiKey: "sk-gateway-a", baseURL: Several.gatewayA)
        let harness = try Harness([], registry: registry)
        let refused = #expect(throws: VideoProviderError.self) {
            try harness.client.updateRegistry { registry in
                try registry.register(
                    OpenAICompatibleProvider(), as: "gw-b", apiKey: "sk-gateway-b", baseURL: Several.gatewayB)
                try registry.register(
                    OpenAICompatibleProvider(), as: "gw-a", apiKey: "sk-other", baseURL: Several.gatewayB)
            }
        }
        #expect(refused?.message == "Provider 'gw-a' is already registered.")
        #expect(harness.client.registry.providerIDs == ["gw-a"])
    }
}
