import Foundation
import GeminiProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Every error shape Google documents for the Gemini API (the troubleshooting page's table, the envelope of
/// `google-error.ts`, live captures quoted in `/work/research/17/gemini.md` §8), replayed into the provider:
/// each becomes one exact `VideoProviderError` kind.
@Suite struct GeminiErrorReplayTests {
    struct Replay: Sendable, CustomStringConvertible {
        let name: String
        let status: Int
        let body: String
        let kind: VideoProviderError.Kind
        let code: String
        let message: String
        var retryAfter: Duration?

        var description: String { name }
    }

    static func envelope(_ status: Int, _ word: String, _ message: String, details: String? = nil) -> String {
        #"{"error":{"code":\#(status),"message":"\#(message)","status":"\#(word)""#
            + (details.map { #","details":\#($0)"# } ?? "") + "}}"
    }

    static let replays: [Replay] = [
        Replay(
            name: "400 INVALID_ARGUMENT, an unsupported field", status: 400,
            body: envelope(400, "INVALID_ARGUMENT", "`numberOfVideos` isn't supported by this model."),
            kind: .vendorRejected, code: "INVALID_ARGUMENT", message: "`numberOfVideos` isn't supported by this model."),
        Replay(
            name: "400 INVALID_ARGUMENT, API_KEY_INVALID (a live capture)", status: 400,
            body:
                #"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}},{"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en-US","message":"API key not valid. Please pass a valid API key."}]}}"#,
            kind: .authentication, code: "INVALID_ARGUMENT", message: "API key not valid. Please pass a valid API key."),
        Replay(
            name: "400 FAILED_PRECONDITION, billing", status: 400,
            body: envelope(
                400, "FAILED_PRECONDITION",
                "Gemini API free tier is not available in your country. Please enable billing on your project in Google AI Studio."
            ),
            kind: .quotaExceeded, code: "FAILED_PRECONDITION",
            message:
                "Gemini API free tier is not available in your country. Please enable billing on your project in Google AI Studio."
        ),
        Replay(
            name: "403 PERMISSION_DENIED, no key", status: 403,
            body: envelope(
                403, "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
            ),
            kind: .authentication, code: "PERMISSION_DENIED",
            message:
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
        ),
        Replay(
            name: "403 PERMISSION_DENIED, a key without access", status: 403,
            body: envelope(403, "PERMISSION_DENIED", "The caller does not have permission"),
            kind: .authentication, code: "PERMISSION_DENIED", message: "The caller does not have permission"),
        Replay(
            name: "404 NOT_FOUND, an unknown model", status: 404,
            body: envelope(
                404, "NOT_FOUND",
                "models/veo-9 is not found for API version v1beta, or is not supported for predictLongRunning."),
            kind: .notFound, code: "NOT_FOUND",
            message: "models/veo-9 is not found for API version v1beta, or is not supported for predictLongRunning."),
        Replay(
            name: "429 RESOURCE_EXHAUSTED with RetryInfo 41s", status: 429,
            body: envelope(
                429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
                details: #"[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"41s"}]"#),
            kind: .rateLimited, code: "RESOURCE_EXHAUSTED", message: "Resource has been exhausted (e.g. check quota).",
            retryAfter: .seconds(41)),
        Replay(
            name: "429 RESOURCE_EXHAUSTED with RetryInfo 0.5s", status: 429,
            body: envelope(
                429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
                details: #"[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"0.5s"}]"#),
            kind: .rateLimited, code: "RESOURCE_EXHAUSTED", message: "Resource has been exhausted (e.g. check quota).",
            retryAfter: .milliseconds(500)),
        Replay(
            name: "429 RESOURCE_EXHAUSTED, a per-day QuotaFailure (gemini-cli#8437)", status: 429,
            body:
                #"{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier","quotaDimensions":{"location":"global","model":"gemini-2.5-flash-preview-image"}}]}]}}"#,
            kind: .quotaExceeded, code: "RESOURCE_EXHAUSTED",
            message: "You exceeded your current quota, please check your plan and billing details."),
        Replay(
            name: "429 RESOURCE_EXHAUSTED, a per-minute QuotaFailure", status: 429,
            body: envelope(
                429, "RESOURCE_EXHAUSTED", "Quota exceeded.",
                details:
                    #"[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"PredictLongRunningRequestsPerMinutePerProjectPerModel"}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12s"}]"#
            ),
            kind: .rateLimited, code: "RESOURCE_EXHAUSTED", message: "Quota exceeded.", retryAfter: .seconds(12)),
        Replay(
            name: "500 INTERNAL", status: 500,
            body: envelope(500, "INTERNAL", "An internal error has occurred."),
            kind: .serverError, code: "INTERNAL", message: "An internal error has occurred."),
        Replay(
            name: "503 UNAVAILABLE", status: 503, body: envelope(503, "UNAVAILABLE", "The model is overloaded."),
            kind: .serverError, code: "UNAVAILABLE", message: "The model is overloaded."),
        Replay(
            name: "504 DEADLINE_EXCEEDED", status: 504,
            body: envelope(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
            kind: .serverError, code: "DEADLINE_EXCEEDED", message: "Deadline expired before operation could complete."),
    ]

    static func response(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }

    @Test(arguments: replays)
    func aSubmissionRefusedSoIsThatKind(_ replay: Replay) throws {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "veo-3.1-generate-preview", prompt: "p"), on: GeminiProvider().descriptor)
        let error = try #require(throws: VideoProviderError.self) {
            try GeminiProvider().parseSubmitResponse(Self.response(replay.status, replay.body), for: resolved)
        }
        #expect(error.kind == replay.kind)
        #expect(error.httpStatus == replay.status)
        #expect(error.vendorCode == replay.code)
        #expect(error.vendorMessage == replay.message)
        #expect(error.retryAfter == replay.retryAfter)
    }

    @Test(arguments: replays)
    func aStatusRequestRefusedSoIsThatKind(_ replay: Replay) throws {
        let error = try #require(throws: VideoProviderError.self) {
            try GeminiProvider().parseStatusResponse(
                Self.response(replay.status, replay.body), taskID: GeminiConformanceTests.operation)
        }
        #expect(error.kind == replay.kind)
        #expect(error.vendorCode == replay.code)
        #expect(error.taskID == GeminiConformanceTests.operation)
    }

    /// Finished operations without a video: `error` (google.rpc.Status) is a failed task with its message
    /// and numeric code; the Responsible-AI filter is a content-policy refusal; no sample at all a failure.
    @Test(arguments: [
        (
            #"{"name":"n","done":true,"error":{"code":13,"message":"Video generation failed due to an internal error. Please try again."}}"#,
            VideoProviderError.Kind.taskFailed, "13",
            "Video generation failed due to an internal error. Please try again."
        ),
        (
            #"{"name":"n","done":true,"error":{"code":3,"message":"The prompt could not be submitted."}}"#,
            .taskFailed, "3", "The prompt could not be submitted."
        ),
        (
            #"{"name":"n","done":true,"response":{"@type":"type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse","generateVideoResponse":{"raiMediaFilteredCount":1,"raiMediaFilteredReasons":["Unable to generate videos because of a violation of Google's Responsible AI practices."]}}}"#,
            .contentPolicy, "content_policy",
            "Unable to generate videos because of a violation of Google's Responsible AI practices."
        ),
        (
            #"{"name":"n","done":true,"response":{"generateVideoResponse":{"raiMediaFilteredCount":2}}}"#,
            .contentPolicy, "content_policy", "Google filtered the video (Responsible AI)."
        ),
        (
            #"{"name":"n","done":true,"response":{"generateVideoResponse":{}}}"#, .taskFailed, "noVideo",
            "The operation finished without a video."
        ),
    ])
    func aFinishedOperationWithoutAVideoFailsAsItSays(
        _ body: String, _ kind: VideoProviderError.Kind, _ code: String, _ message: String
    ) async throws {
        let clock = VirtualClock()
        let simulator = GatewaySimulator(clock: clock, gateways: [.gemini()], timing: .instant)
        simulator.inject(
            .response(status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8)), on: .status,
            times: nil)
        var registry = ProviderRegistry()
        try registry.register(GeminiProvider(), apiKey: "AIza-replay-0123456789")
        let client = VideoClient(registry: registry, transport: simulator, clock: clock)
        let job = try await client.submit(VideoRequest(model: "veo-3.1-generate-preview", prompt: "p"))
        let error = try await #require(throws: VideoProviderError.self) { try await client.result(for: job) }
        #expect(error.kind == kind)
        #expect(error.vendorCode == code)
        #expect(error.vendorMessage == message)
        #expect(error.rawStatus == "done")
    }

    /// Google words a per-minute 429 "Quota exceeded." beside `RetryInfo` 12 s: a wait, not an exhausted account,
    /// so the client tries the same provider again after 12 s instead of falling back.
    @Test func aPerMinuteQuotaWaitsInsteadOfFallingBack() async throws {
        let perMinute = try #require(Self.replays.first { $0.name.contains("per-minute") })
        let clock = VirtualClock()
        let simulator = GatewaySimulator(clock: clock, gateways: [.gemini()], timing: .instant)
        simulator.inject(
            .response(
                status: 429, headers: ["Content-Type": "application/json"], body: Data(perMinute.body.utf8)),
            on: .submit)
        var registry = ProviderRegistry()
        try registry.register(GeminiProvider(), apiKey: "AIza-replay-0123456789")
        let client = VideoClient(registry: registry, transport: simulator, clock: clock)
        let job = try await client.submit(VideoRequest(model: "veo-3.1-generate-preview", prompt: "p"))
        #expect(job.attempts.map(\.outcome) == [.retried, .accepted])
        let submits = simulator.requests(.submit)
        #expect(submits.count == 2)
        #expect(submits[1].receivedAt - submits[0].receivedAt == .seconds(12))
    }

    /// A 429 with `RetryInfo` through the client: the submission is tried again after Google's delay (0.5 s,
    /// within the client's 30 s), and only because the 429 proves nothing was created.
    @Test func theClientWaitsGooglesRetryDelay() async throws {
        let clock = VirtualClock()
        let simulator = GatewaySimulator(clock: clock, gateways: [.gemini()], timing: .instant)
        simulator.inject(
            .response(
                status: 429, headers: ["Content-Type": "application/json"],
                body: Data(Self.replays[7].body.utf8)), on: .submit)
        var registry = ProviderRegistry()
        try registry.register(GeminiProvider(), apiKey: "AIza-replay-0123456789")
        let client = VideoClient(registry: registry, transport: simulator, clock: clock)
        let job = try await client.submit(VideoRequest(model: "veo-3.1-generate-preview", prompt: "p"))
        #expect(simulator.count(.submit) == 2)
        #expect(simulator.tasks.count == 1)
        #expect(job.attempts.map(\.outcome) == [.retried, .accepted])
        let submits = simulator.requests(.submit)
        #expect(submits[1].receivedAt - submits[0].receivedAt == .milliseconds(500))
    }
}
