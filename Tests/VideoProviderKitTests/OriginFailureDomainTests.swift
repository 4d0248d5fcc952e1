import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// aizfw and Xingchaoyiqing both live at zcbservice.aizfw.cn: one origin is one failure domain for
/// connection failures, while HTTP answers stay per provider.
@Suite struct OriginFailureDomainTests {
    /// Both kyy providers make the same 8 s, 16:9, 720p video as OctopusX, so fallbacks need no opt-in.
    static let request = VideoRequest(model: "grok-video-3", prompt: "A cat", seconds: 8, resolution: .p720)

    @Test func thePlanSaysWhoSharesAnOrigin() throws {
        let harness = try Harness(["aizfw", "xingchaoyiqing", "octopusx"])
        let plan = harness.client.plan(Self.request)
        #expect(plan.providerIDs == ["aizfw", "xingchaoyiqing", "octopusx"])
        #expect(
            plan.eligible.map { $0.provider.origin } == [
                "https://zcbservice.aizfw.cn", "https://zcbservice.aizfw.cn", "https://octopusx.ai",
            ])
        #expect(plan.eligible.map { plan.providers(sharingOriginWith: $0) } == [["xingchaoyiqing"], ["aizfw"], []])
    }

    /// A refused connection is retried on aizfw, Xingchaoyiqing (same host) is passed over with the reason,
    /// and OctopusX takes the task: three connection attempts to the shared host, not six.
    @Test func aRefusedConnectionPassesOverTheSameHost() async throws {
        let harness = try Harness(["aizfw", "xingchaoyiqing", "octopusx"])
        harness.simulator.inject(.refuseConnection, on: .submit, at: Sim.kyy, times: nil)
        let job = try await harness.client.submit(Self.request)
        #expect(job.providerID == "octopusx")
        #expect(harness.submitTimes(at: Sim.kyy).count == 3)
        #expect(job.attempts.map(\.providerID) == ["aizfw", "aizfw", "aizfw", "octopusx"])
        let passed = harness.events.all.compactMap { event -> SkippedCandidate? in
            if case .skipped(let skipped) = event, skipped.providerID == "xingchaoyiqing" { return skipped }
            return nil
        }
        #expect(
            passed.map(\.reason) == [
                "shares its origin https://zcbservice.aizfw.cn with aizfw, which could not be reached (a connection failure is the server's, not one provider's)"
            ])
    }

    /// With nobody else to try, the call fails after one provider's retries, naming both.
    @Test func onlyTheSameHostLeftFailsAfterOneProvidersRetries() async throws {
        let harness = try Harness(["aizfw", "xingchaoyiqing"])
        harness.simulator.inject(.refuseConnection, on: .submit, at: Sim.kyy, times: nil)
        let error = await captureError { try await harness.client.submit(Self.request) }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.requestMayHaveBeenSent == false)
        #expect(harness.submitTimes(at: Sim.kyy).count == 3)
        #expect(error?.skipped.map(\.providerID) == ["xingchaoyiqing"])
    }

    /// An HTTP answer is the provider's: a 503 for aizfw's key falls back to Xingchaoyiqing on the same
    /// host, which the gateway serves.
    @Test func anHTTPFailureFallsBackOnTheSameHost() async throws {
        let harness = try Harness(["aizfw", "xingchaoyiqing", "octopusx"])
        harness.simulator.inject(
            .httpError(status: 503, message: "busy", code: nil), on: .submit, at: Sim.kyy, times: nil, apiKey: Sim.key)
        var registry = ProviderRegistry()
        try registry.register(Sim.provider("aizfw"), apiKey: Sim.key)
        try registry.register(Sim.provider("xingchaoyiqing"), apiKey: "sk-xingchaoyiqing-0123456789")
        let client = harness.freshClient(registry)
        let job = try await client.submit(Self.request)
        #expect(job.providerID == "xingchaoyiqing")
        #expect(job.attempts.first?.httpStatus == 503)
    }
}

/// The simulator plays one host the way the router sees it: a refused connection for every gateway on the
/// origin, an answer only for the key it was injected for.
@Suite struct SimulatorOriginFaultTests {
    static func get(_ simulator: GatewaySimulator, _ url: String, key: String) async throws -> Int {
        var request = HTTPRequest(method: .get, url: URL(string: url)!)
        request.headers["Authorization"] = "Bearer \(key)"
        return try await simulator.send(request).status
    }

    @Test func aRefusedConnectionCoversTheWholeOrigin() async throws {
        let simulator = GatewaySimulator(
            clock: VirtualClock(mode: .autoAdvance),
            gateways: [
                .kyyReactApiServer(baseURL: URL(string: "https://gw.example/one")!),
                .octopusX(baseURL: URL(string: "https://gw.example/two")!),
            ])
        simulator.inject(.refuseConnection, at: URL(string: "https://gw.example/one")!, times: nil)
        let error = await #expect(throws: HTTPTransportError.self) {
            _ = try await Self.get(simulator, "https://gw.example/two/v1/videos/x", key: "k")
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.requestMayHaveBeenSent == false)
    }

    @Test func anAnswerFaultKeepsToItsKey() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .autoAdvance), gateways: [.kyyReactApiServer()])
        let base = GatewaySimulator.Gateway.kyyReactApiServerBaseURL.absoluteString
        simulator.inject(
            .httpError(status: 503, message: "busy", code: nil), at: GatewaySimulator.Gateway.kyyReactApiServerBaseURL,
            times: nil, apiKey: "sk-first")
        #expect(try await Self.get(simulator, base + "/v1/result/video_1", key: "sk-first") == 503)
        #expect(try await Self.get(simulator, base + "/v1/result/video_1", key: "sk-second") != 503)
    }
}
