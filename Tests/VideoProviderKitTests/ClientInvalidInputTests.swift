import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Every class of invalid input, through `VideoClient.submit` with every built-in provider registered and
/// the simulator as the network: a typed error naming the parameter, the value and what is allowed, and
/// not one request seen by any gateway.
@Suite struct ClientInvalidInputTests {
    static let everyProvider: [ProviderID] = [
        "aizfw", "xingchaoyiqing", "openai-compatible", "octopusx", "duoyuanx", "xai",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let request: VideoRequest
        let parameter: String
        let value: String
        let allowed: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "range: 31 s on aizfw grok_video3",
            request: VideoRequest(model: "aizfw:grok_video3", prompt: "A cat", seconds: 31),
            parameter: "seconds", value: "31", allowed: "6–30 s"),
        Case(
            name: "fixed: 8 s on octopusx grok-video-3-pro",
            request: VideoRequest(model: "octopusx:grok-video-3-pro", prompt: "A cat", seconds: 8),
            parameter: "seconds", value: "8", allowed: "fixed 10 s (field omitted)"),
        Case(
            name: "set: 7 s on xingchaoyiqing grok_video3_max",
            request: VideoRequest(model: "xingchaoyiqing:grok_video3_max", prompt: "A cat", seconds: 7),
            parameter: "seconds", value: "7", allowed: "one of 6, 10, 12, 16, 20, 30 s"),
        Case(
            name: "minimum: 0 s on openai-compatible grok-imagine-video",
            request: VideoRequest(model: "openai-compatible:grok-imagine-video", prompt: "A cat", seconds: 0),
            parameter: "seconds", value: "0", allowed: "1–15 s"),
        Case(
            name: "aspect ratio 4:3 on aizfw grok_video3",
            request: VideoRequest(model: "aizfw:grok_video3", prompt: "A cat", aspectRatio: "4:3"),
            parameter: "aspect-ratio", value: "4:3", allowed: "16:9, 9:16, 1:1, 3:2, 2:3"),
        Case(
            name: "resolution 1080p on aizfw grok_video3",
            request: VideoRequest(model: "aizfw:grok_video3", prompt: "A cat", resolution: .p1080),
            parameter: "resolution", value: "1080p", allowed: "480p, 720p"),
        Case(
            name: "six images on xingchaoyiqing grok_video3_max",
            request: VideoRequest(
                model: "xingchaoyiqing:grok_video3_max", prompt: "A cat",
                images: (1...6).map { .url(URL(string: "https://example.com/\($0).png")!) }),
            parameter: "images", value: "6 images", allowed: "at most 5"),
        Case(
            name: "bytes on a public-URL-only model",
            request: VideoRequest(
                model: "xingchaoyiqing:grok_video3_stable", prompt: "A cat", images: [.data(Sim.png)]),
            parameter: "images[0]", value: "70 bytes", allowed: "public-url"),
        Case(
            name: "a public URL on a multipart-only model",
            request: VideoRequest(
                model: "octopusx:grok-video-3", prompt: "A cat",
                images: [.url(URL(string: "https://example.com/cat.png")!)]),
            parameter: "images[0]", value: "https://example.com/cat.png", allowed: "multipart-file"),
        Case(
            name: "empty prompt",
            request: VideoRequest(model: "duoyuanx:grok-imagine-video", prompt: "  \n "),
            parameter: "prompt", value: "\"  \n \"", allowed: "1–4096 characters"),
        Case(
            name: "prompt of 4097 characters",
            request: VideoRequest(
                model: "duoyuanx:grok-imagine-video", prompt: String(repeating: "a", count: 4097)),
            parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters"),
    ]

    @Test(arguments: cases)
    func isATypedErrorAndNothingIsSent(_ invalid: Case) async throws {
        let harness = try Harness(Self.everyProvider)
        let error = await captureError { try await harness.client.submit(invalid.request) }
        #expect(error?.kind == .invalidRequest)
        let violation = try #require(error?.violations.first { $0.parameter == invalid.parameter })
        #expect(violation.value == invalid.value)
        #expect(violation.allowed == invalid.allowed)
        #expect(error?.message.contains(invalid.parameter) == true)
        #expect(error?.attempts.isEmpty == true)
        #expect(harness.simulator.requests.isEmpty)
    }

    @Test func anUnknownModelNamesTheKnownOnes() async throws {
        let harness = try Harness(Self.everyProvider)
        let error = await captureError {
            try await harness.client.submit(VideoRequest(model: "grok-video-9", prompt: "A cat"))
        }
        #expect(error?.kind == .unknownModel)
        let violation = try #require(error?.violations.first)
        #expect(violation.parameter == "model")
        #expect(violation.value == "grok-video-9")
        #expect(violation.allowed.contains("grok_video3_max"))
        #expect(violation.allowed.contains("grok-imagine-video-1.5"))
        #expect(harness.simulator.requests.isEmpty)
    }

    /// Unpinned, the same mistake is judged on every gateway that has the model, and every reason is kept.
    @Test func anUnpinnedRequestNobodyCanServeListsEveryCandidate() async throws {
        let harness = try Harness(Self.everyProvider)
        let error = await captureError {
            try await harness.client.submit(VideoRequest(model: "grok-video-3", prompt: "A cat", seconds: 45))
        }
        // The same violation everywhere: the request is at fault, so it is an invalid request, said once.
        #expect(error?.kind == .invalidRequest)
        #expect(
            error?.message
                == "Invalid request for 'grok-video-3': seconds = 45 is not allowed; allowed: 6–30 s (on every one of the 4 providers that offer it)."
        )
        #expect(error?.violations == [Violation(parameter: "seconds", value: "45", allowed: "6–30 s")])
        #expect(error?.skipped.map(\.providerID) == ["aizfw", "xingchaoyiqing", "octopusx", "duoyuanx"])
        #expect(error?.skipped.allSatisfy { $0.violations.map(\.parameter) == ["seconds"] } == true)
        #expect(harness.simulator.requests.isEmpty)
    }

    /// Different gateways refusing different things is a routing failure: every reason is listed.
    @Test func differentReasonsOnDifferentGatewaysAreNoEligibleProvider() async throws {
        let harness = try Harness(Self.everyProvider)
        let error = await captureError {
            try await harness.client.submit(
                VideoRequest(model: "grok-video-3", prompt: "A cat", seconds: 45, resolution: .p1080))
        }
        #expect(error?.kind == .noEligibleProvider)
        #expect(error?.violations == [])
        #expect(error?.skipped.isEmpty == false)
        #expect(harness.simulator.requests.isEmpty)
    }

    /// The same value refused everywhere, but with different allowed values: listed per provider.
    @Test func theSameMistakeWithDifferentRulesListsEachProvidersRule() async throws {
        let harness = try Harness(Self.everyProvider)
        let error = await captureError {
            try await harness.client.submit(VideoRequest(model: "grok-video-3-max", prompt: "A cat", seconds: 7))
        }
        #expect(error?.kind == .invalidRequest)
        #expect(
            error?.violations == [
                Violation(
                    parameter: "seconds", value: "7",
                    allowed:
                        "one of 6, 10, 12, 16, 20, 30 s on xingchaoyiqing; fixed 15 s (field omitted) on octopusx; "
                        + "fixed 15 s (field omitted) on duoyuanx")
            ])
        #expect(harness.simulator.requests.isEmpty)
    }

    /// Several problems are reported at once, so a user fixes the request in one round.
    @Test func everyViolationIsListedAtOnce() async throws {
        let harness = try Harness(Self.everyProvider)
        let request = VideoRequest(
            model: "aizfw:grok_video3", prompt: "", seconds: 40, aspectRatio: "4:3", resolution: .p1080)
        let error = await captureError { try await harness.client.submit(request) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.violations.map(\.parameter) == ["prompt", "seconds", "aspect-ratio", "resolution"])
        #expect(harness.simulator.requests.isEmpty)
    }
}
