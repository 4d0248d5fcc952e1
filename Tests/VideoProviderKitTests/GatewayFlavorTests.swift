import BuiltInProviders
import Foundation
import OpenAICompatibleProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The library against the simulator's deployed-gateway flavours (``GatewaySimulator/Flavor``): what each
/// real deployment does differently, end to end through the client (docs/real-gateways.md).
@Suite struct GatewayFlavorTests {
    typealias Gateway = GatewaySimulator.Gateway
    typealias TaskScript = GatewaySimulator.TaskScript
    static let gateway = URL(string: "https://gw.example.com")!

    static func harness(
        _ registrations: [(any VideoProvider, URL?)], gateways: [Gateway]
    ) throws -> Harness {
        var registry = ProviderRegistry()
        for (provider, base) in registrations { try registry.register(provider, apiKey: Sim.key, baseURL: base) }
        return try Harness([], gateways: gateways, registry: registry)
    }

    static func output() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("flavor-\(UUID().uuidString).mp4")
    }

    @Test func newAPISoraCompletesWithoutAURLAndServesTheVideoFromItsContentProxy() async throws {
        let harness = try Self.harness(
            [(Sim.provider("openai-compatible"), Self.gateway)], gateways: [.newAPISora(baseURL: Self.gateway)])
        let file = Self.output()
        defer { try? FileManager.default.removeItem(at: file) }
        let generation = try await harness.client.generate(Sim.imagine(), downloadTo: file)
        #expect(generation.job.taskID.hasPrefix("task_"))
        #expect(generation.snapshot.videoURL == nil)
        #expect(generation.video?.sourceHost == "gw.example.com")
        #expect(harness.simulator.count(.content) == 1)
        #expect(!harness.simulator.cdnReceivedAuthorization)
    }

    @Test func newAPISoraReportsAMissingTaskAsNotFoundAfterThreeCalls() async throws {
        let harness = try Self.harness(
            [(Sim.provider("openai-compatible"), Self.gateway)], gateways: [.newAPISora(baseURL: Self.gateway)])
        let job = try await harness.client.submit(Sim.imagine())
        harness.simulator.reset()
        let error = await captureError { try await harness.client.result(for: job) }
        #expect(error?.kind == .notFound)
        #expect(error?.httpStatus == 400)
        #expect(error?.vendorCode == "task_not_exist")
        #expect(harness.simulator.count(.status) == 3)
    }

    @Test func newAPISoraFailureKeepsTheReason() async throws {
        let harness = try Self.harness(
            [(Sim.provider("openai-compatible"), Self.gateway)], gateways: [.newAPISora(baseURL: Self.gateway)])
        harness.simulator.scriptNextTasks(TaskScript(outcome: .failure(message: "GPU pool exhausted")))
        let error = await captureError { try await harness.client.generate(Sim.imagine()) }
        #expect(error?.kind == .taskFailed)
        #expect(error?.vendorMessage == "GPU pool exhausted")
    }

    @Test func newAPIQuotaIsItsOwnKindAndFallsBack() async throws {
        let other = URL(string: "https://other.example.com")!
        var registry = ProviderRegistry()
        try registry.register(Sim.provider("openai-compatible"), apiKey: Sim.key, baseURL: Self.gateway)
        try registry.register(Sim.provider("duoyuanx"), apiKey: Sim.key, baseURL: other)
        let harness = try Harness(
            [], gateways: [.newAPISora(baseURL: Self.gateway), .duoyuanx(baseURL: other)], registry: registry)
        harness.simulator.inject(.quotaExhausted, on: .submit, at: Self.gateway, times: nil)
        let job = try await harness.client.submit(Sim.imagine())
        #expect(job.providerID == "duoyuanx")
        #expect(job.attempts.first?.errorKind == .quotaExceeded)
        #expect(job.attempts.first?.httpStatus == 403)
        #expect(harness.events.cooldowns.map(\.provider) == ["openai-compatible"])
    }

    // MARK: new-api's xAI channel

    @Test func theOpenAIFormatBodyIsRefusedOnTheNativeRoute() async throws {
        let harness = try Self.harness(
            [(Sim.provider("openai-compatible"), Self.gateway)], gateways: [.newAPIXAI(baseURL: Self.gateway)])
        let error = await captureError { try await harness.client.submit(Sim.imagine()) }
        #expect(error?.kind == .vendorRejected)
        #expect(error?.httpStatus == 400)
        #expect(error?.vendorMessage == "Unknown parameter 'seconds'; this API takes 'duration' (an integer).")
        #expect(error?.vendorCode == "Client specified an invalid argument")
        #expect(harness.simulator.tasks.isEmpty)
    }

    @Test func theOpenAIRouteWorksAtTheOpenAIBase() async throws {
        let base = Self.gateway.appendingPathComponent("openai")
        let harness = try Self.harness(
            [(Sim.provider("openai-compatible"), base)], gateways: [.newAPIXAI(baseURL: Self.gateway)])
        let file = Self.output()
        defer { try? FileManager.default.removeItem(at: file) }
        let generation = try await harness.client.generate(Sim.imagine(), downloadTo: file)
        #expect(generation.snapshot.status == .completed)
        #expect(generation.snapshot.videoURL != nil)
        #expect(harness.simulator.requests(.submit).first?.url.path == "/openai/v1/videos")
    }

    /// The provider setting for xAI-backed `/v1/videos`: xAI's body, read back from `request_id`.
    @Test func theXAIChannelSettingWritesXAIsBodyAndReadsRequestID() async throws {
        let harness = try Self.harness(
            [(OpenAICompatibleProvider(upstream: .xAIChannel), Self.gateway)],
            gateways: [.newAPIXAI(baseURL: Self.gateway)])
        let file = Self.output()
        defer { try? FileManager.default.removeItem(at: file) }
        let request = Sim.imagine(seconds: 6, images: [.data(Sim.png, format: .png)])
        let generation = try await harness.client.generate(request, downloadTo: file)
        #expect(generation.snapshot.status == .completed)
        let body = try #require(harness.simulator.requests(.submit).first?.json)
        #expect(body["duration"] == .int(6))
        #expect(body["resolution"] == .string("480p"))
        #expect(body["image"]?["url"]?.stringValue?.hasPrefix("data:image/png;base64,") == true)
        #expect(body["seconds"] == nil)
    }

    @Test func theXAIProviderWorksPointedAtTheGateway() async throws {
        let harness = try Self.harness(
            [(Sim.provider("xai"), Self.gateway)], gateways: [.newAPIXAI(baseURL: Self.gateway)])
        let generation = try await harness.client.generate(
            VideoRequest(model: "xai:grok-imagine-video", prompt: "A lighthouse", seconds: 6))
        #expect(generation.snapshot.status == .completed)
        #expect(generation.job.taskID.hasPrefix("task_"))
    }

    @Test func aModeratedVideoWithTheProxyURLIsAPolicyFailureOnTheNativeRoute() async throws {
        let harness = try Self.harness(
            [(Sim.provider("xai"), Self.gateway)], gateways: [.newAPIXAI(baseURL: Self.gateway)])
        harness.simulator.scriptNextTasks(TaskScript(outcome: .moderated))
        let error = await captureError {
            try await harness.client.generate(
                VideoRequest(model: "xai:grok-imagine-video", prompt: "A lighthouse"), downloadTo: Self.output())
        }
        #expect(error?.kind == .contentPolicy)
        #expect(error?.vendorMessage?.contains("respect_moderation: false") == true)
        #expect(harness.simulator.count(.content) == 0)
    }

    // MARK: new-api's generic view

    @Test func theGenericViewsMetadataURLIsRead() async throws {
        let harness = try Self.harness(
            [(Sim.provider("openai-compatible"), Self.gateway)], gateways: [.newAPIGeneric(baseURL: Self.gateway)])
        let generation = try await harness.client.generate(Sim.imagine())
        #expect(generation.snapshot.videoURL?.host == "cdn.simulator.invalid")
    }

    @Test func theGenericViewsFailureReasonIsInMetadataURL() async throws {
        let harness = try Self.harness(
            [(Sim.provider("openai-compatible"), Self.gateway)], gateways: [.newAPIGeneric(baseURL: Self.gateway)])
        harness.simulator.scriptNextTasks(TaskScript(outcome: .moderated))
        let error = await captureError { try await harness.client.generate(Sim.imagine()) }
        #expect(error?.kind == .contentPolicy)
        #expect(error?.vendorMessage == "The request was rejected by the content policy (moderation).")
    }

    // MARK: kyy

    @Test func aKyyDeploymentsTransient401IsTolerated() async throws {
        let harness = try Self.harness(
            [(Sim.provider("aizfw"), nil)], gateways: [.kyyDeployment()])
        let generation = try await harness.client.generate(VideoRequest(model: "aizfw:grok_video3", prompt: "A cat"))
        #expect(generation.snapshot.status == .completed)
        #expect(harness.simulator.requests(.status).first?.responseStatus == 401)
    }

    @Test func aKyyRefusalSentAsHTTP200IsNotAmbiguous() async throws {
        let harness = try Self.harness(
            [(Sim.provider("aizfw"), nil), (Sim.provider("octopusx"), nil)],
            gateways: [.kyyDeployment(), .octopusX()])
        harness.simulator.inject(.quotaExhausted, on: .submit, at: Sim.kyy, times: nil)
        // 720p: both gateways then make the same video, so the fallback is allowed without opting in.
        let job = try await harness.client.submit(
            VideoRequest(model: "grok-video-3", prompt: "A cat", seconds: 8, resolution: .p720))
        #expect(job.providerID == "octopusx")
        let first = try #require(job.attempts.first)
        #expect(first.errorKind == .quotaExceeded)
        #expect(first.outcome == .fellBack)
        #expect(first.httpStatus == 200)
    }

    // MARK: xAI mirror

    @Test func anXAIMirrorsStatuslessAnswersComplete() async throws {
        let harness = try Self.harness([(Sim.provider("xai"), nil)], gateways: [.xAIMirror()])
        let generation = try await harness.client.generate(VideoRequest(model: "xai:grok-imagine-video", prompt: "A"))
        #expect(generation.snapshot.status == .completed)
        #expect(generation.snapshot.rawStatus == nil)
    }

    @Test func anXAIMirrorsModeratedVideoIsNeverSaved() async throws {
        let harness = try Self.harness([(Sim.provider("xai"), nil)], gateways: [.xAIMirror()])
        harness.simulator.scriptNextTasks(TaskScript(outcome: .moderated))
        let error = await captureError {
            try await harness.client.generate(
                VideoRequest(model: "xai:grok-imagine-video", prompt: "A"), downloadTo: Self.output())
        }
        #expect(error?.kind == .contentPolicy)
        #expect(harness.simulator.count(.content) == 0)
    }
}
