import Foundation
import RunwayProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Runway's developer API against the provider contract, with the bodies of Runway's API reference, SDKs and
/// openapi (`docs/providers/runway.md`): exact submit bytes, the pixel-size ratios, refusals from the table's
/// rules, task answers and Runway's error bodies, one replay per documented error shape.
@Suite struct RunwayConformanceTests {
    static let base = URL(string: "https://api.dev.runwayml.com")!
    static let taskID = "3086d332-1963-4c9d-8103-0f90efa72e20"
    static let videoURL =
        "https://dnznrvs05pmza.cloudfront.net/3086d332-1963-4c9d-8103-0f90efa72e20/video.mp4?_jwt=eyJhbGciOiJIUzI1NiJ9.e30.c2ln"
    static let pngURI = "data:image/png;base64,\(SampleImage.pngBase64)"

    static func video(
        _ model: String = "gen4.5", prompt: String = "Rain", seconds: Int? = nil, aspectRatio: AspectRatio? = nil,
        resolution: Resolution? = nil, images: [ImageInput] = [], roles: [Int: ImageRole] = [:], seed: Int? = nil,
        negativePrompt: String? = nil, audio: Bool? = nil
    ) -> VideoRequest {
        var request = VideoRequest(
            model: model, prompt: prompt, seconds: seconds, aspectRatio: aspectRatio, resolution: resolution,
            images: images)
        request.imageRoles = roles
        request.seed = seed
        request.negativePrompt = negativePrompt
        request.audio = audio
        return request
    }

    /// Text-to-video samples (one submit path, `/v1/text_to_video`, for the shared byte check).
    static let requests: [RequestSample] = [
        // Runway's own skill, verbatim: {"model":"gen4.5","promptText":"A golden retriever running through
        // wildflowers at sunset","ratio":"1280:720","duration":5}
        RequestSample(
            "the documented gen4.5 text-to-video body",
            video(prompt: "A golden retriever running through wildflowers at sunset", aspectRatio: "16:9"),
            body:
                #"{"model":"gen4.5","promptText":"A golden retriever running through wildflowers at sunset","ratio":"1280:720","duration":5}"#
        ),
        RequestSample(
            "portrait 9:16 at 720p is 720:1280, a seed, 10 s",
            video(seconds: 10, aspectRatio: "9:16", seed: 4_294_967_295),
            body: #"{"model":"gen4.5","promptText":"Rain","ratio":"720:1280","duration":10,"seed":4294967295}"#),
        RequestSample(
            "veo3.1 at 1080p is 1920:1080, audio written out",
            video("veo3.1", prompt: "A cat dancing in the rain", resolution: .p1080),
            body:
                #"{"model":"veo3.1","promptText":"A cat dancing in the rain","ratio":"1920:1080","duration":8,"audio":true}"#
        ),
        RequestSample(
            "veo3.1_fast, portrait 1080p, no audio, 4 s",
            video("veo3.1_fast", seconds: 4, aspectRatio: "9:16", resolution: .p1080, audio: false),
            body: #"{"model":"veo3.1_fast","promptText":"Rain","ratio":"1080:1920","duration":4,"audio":false}"#),
        RequestSample(
            "veo3 sends its fixed 8 s", video("veo3"),
            body: #"{"model":"veo3","promptText":"Rain","ratio":"1280:720","duration":8}"#),
        RequestSample(
            "the prompt escaped", video(prompt: "Say \"hi\"\n猫"),
            body: #"{"model":"gen4.5","promptText":"Say \"hi\"\n猫","ratio":"1280:720","duration":5}"#),
    ]

    static let refusals: [RefusalSample] = [
        RefusalSample(video(seconds: 11), [Violation(parameter: "seconds", value: "11", allowed: "2–10 s")]),
        RefusalSample(
            video("veo3.1", seconds: 5), [Violation(parameter: "seconds", value: "5", allowed: "one of 4, 6, 8 s")]),
        RefusalSample(video("veo3", seconds: 6), [Violation(parameter: "seconds", value: "6", allowed: "fixed 8 s")]),
        RefusalSample(
            video(resolution: .p1080), [Violation(parameter: "resolution", value: "1080p", allowed: "720p")]),
        RefusalSample(
            video("veo3.1", aspectRatio: "1:1"),
            [Violation(parameter: "aspect-ratio", value: "1:1", allowed: "16:9, 9:16")]),
        // gen4.5's text_to_video ratios are "1280:720", "720:1280" only.
        RefusalSample(
            video(aspectRatio: "1:1"),
            [
                Violation(
                    parameter: "aspect-ratio", value: "1:1", allowed: "aspect ratio 16:9/9:16 when mode text-to-video",
                    reason: "Runway: gen4.5 text_to_video takes ratio \"1280:720\" or \"720:1280\" only")
            ]),
        // gen4_turbo is absent from TextToVideoCreateParams.
        RefusalSample(
            video("gen4_turbo"),
            [
                Violation(
                    parameter: "images", value: "no first-frame image",
                    allowed: "a first-frame image when mode text-to-video",
                    reason: "Runway: gen4_turbo is image_to_video only; promptImage is required")
            ]),
        // "This model does not support generating with only a last frame."
        RefusalSample(
            video("veo3.1", images: [.data(SampleImage.png)], roles: [0: .lastFrame]),
            [
                Violation(
                    parameter: "images", value: "no first-frame image",
                    allowed: "a first-frame image when a last-frame image",
                    reason: "Runway: \"This model does not support generating with only a last frame.\"")
            ]),
        // Two frames need their roles: without them both would be first frames.
        RefusalSample(
            video("veo3.1", images: [.data(SampleImage.png), .data(SampleImage.jpeg)]),
            [
                Violation(
                    parameter: "images[1]",
                    value: "role first-frame (the role of an image without one), image 2 of that role",
                    allowed: "at most 1 first-frame image", reason: "too many first-frame images for veo3.1")
            ]),
        RefusalSample(
            video("veo3.1", seed: 1),
            [Violation(parameter: "seed", value: "1", allowed: "none", reason: "veo3.1 does not take a seed")]),
        RefusalSample(
            video("gen4.5", negativePrompt: "blur"),
            [
                Violation(
                    parameter: "negative-prompt", value: "4 characters", allowed: "none",
                    reason: "gen4.5 does not take a negative prompt")
            ]),
        RefusalSample(
            video("gen4.5", audio: false),
            [Violation(parameter: "audio", value: "false", allowed: "none", reason: "gen4.5 has no audio switch")]),
        RefusalSample(
            video("gen3a_turbo"), kind: .unknownModel,
            [
                Violation(
                    parameter: "model", value: "gen3a_turbo", allowed: "gen4.5, gen4_turbo, veo3.1, veo3.1_fast, veo3")
            ]),
    ]

    static let answers: [AnswerSample] =
        [
            // Real capture (a text-to-speech task; the same shape for video per openapi).
            .submit(
                "the task id and its estimated cost", #"{"id":"\#(taskID)","estimatedCost":{"credits":5}}"#,
                .task(.queued, nil, id: taskID)),
            .submit(
                "no id", #"{"estimatedCost":{"credits":5}}"#,
                .error(
                    ExpectedError(
                        .invalidResponse, exactly: "runway answered the video submission without a task 'id'."))),
            .status(
                "PENDING", #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"PENDING"}"#,
                taskID: taskID,
                .task(.queued, "PENDING", id: taskID)),
            .status(
                "THROTTLED: concurrency limit hit, auto-queued",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"THROTTLED"}"#, taskID: taskID,
                .task(.queued, "THROTTLED", id: taskID)),
            // Real capture.
            .status(
                "RUNNING with progress 0.45",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"RUNNING","progress":0.45,"estimatedCost":{"credits":5}}"#,
                taskID: taskID, .task(.processing, "RUNNING", progress: 45, id: taskID)),
            .status(
                "SUCCEEDED with its output URL",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"SUCCEEDED","output":["\#(videoURL)"]}"#,
                taskID: taskID, .task(.completed, "SUCCEEDED", progress: 100, videoURL: videoURL, id: taskID)),
            .status(
                "SUCCEEDED without output",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"SUCCEEDED","output":[]}"#,
                taskID: taskID,
                .error(
                    ExpectedError(
                        .invalidResponse,
                        exactly: "runway answered the status request with SUCCEEDED but no https URL in 'output'."))),
            // Real, quoted in dsundt/northwoods-events-v2 (failure and failureCode verbatim).
            .status(
                "FAILED, INTERNAL",
                #"{"id":"\#(taskID)","createdAt":"2026-01-10T12:00:00.000Z","status":"FAILED","failure":"Generation failed: {\"code\":13,\"message\":\"Internal error. Please try again later.\"}","failureCode":"INTERNAL"}"#,
                taskID: taskID,
                .task(
                    .failed, "FAILED", code: "INTERNAL",
                    message: #"Generation failed: {"code":13,"message":"Internal error. Please try again later."}"#,
                    id: taskID)),
            .status(
                "FAILED by input moderation, SAFETY.INPUT.TEXT",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"FAILED","failure":"The input was flagged by our content moderation system.","failureCode":"SAFETY.INPUT.TEXT"}"#,
                taskID: taskID,
                .task(
                    .failed, "FAILED", code: "SAFETY.INPUT.TEXT",
                    message: "The input was flagged by our content moderation system.", id: taskID)),
            .status(
                "FAILED, INTERNAL.BAD_OUTPUT.CODE01",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"FAILED","failure":"An unexpected error occurred.","failureCode":"INTERNAL.BAD_OUTPUT.CODE01"}"#,
                taskID: taskID,
                .task(
                    .failed, "FAILED", code: "INTERNAL.BAD_OUTPUT.CODE01", message: "An unexpected error occurred.",
                    id: taskID)),
            .status(
                "FAILED, ASSET.INVALID",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"FAILED","failure":"Invalid asset.","failureCode":"ASSET.INVALID"}"#,
                taskID: taskID, .task(.failed, "FAILED", code: "ASSET.INVALID", message: "Invalid asset.", id: taskID)),
            .status(
                "FAILED without a code",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"FAILED"}"#, taskID: taskID,
                .task(.failed, "FAILED", message: "The task failed without a reason.", id: taskID)),
            .status(
                "CANCELLED: a cancelled or deleted task",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"CANCELLED"}"#, taskID: taskID,
                .task(.cancelled, "CANCELLED", id: taskID)),
            .status(
                "a status word Runway has not documented",
                #"{"id":"\#(taskID)","createdAt":"2026-08-11T06:12:01.171Z","status":"ARCHIVED"}"#, taskID: taskID,
                .task(.unknown, "ARCHIVED", id: taskID)),
        ] + errorReplays

    /// Every error shape Runway documents (openapi `400`/`429` schemas, the troubleshooting page, captures),
    /// on submit, and the task errors on status.
    static let errorReplays: [AnswerSample] = [
        // Real capture: validation of body failed, with issues.
        .submit(
            "400 validation with issues",
            #"{"error":"Validation of body failed","issues":[{"expected":"string","code":"invalid_type","path":["model"],"message":"Invalid input: expected string, received undefined"},{"code":"invalid_union","errors":[],"note":"No matching discriminator","discriminator":"model","path":["model"],"message":"Invalid input"}],"docUrl":"https://docs.dev.runwayml.com/api"}"#,
            http: 400,
            .error(
                ExpectedError(
                    .vendorRejected, code: "invalid_type",
                    message:
                        "Validation of body failed (model: Invalid input: expected string, received undefined; model: Invalid input)"
                ))),
        .submit(
            "400 a ratio the model does not take",
            #"{"error":"Validation of body failed","issues":[{"code":"invalid_value","path":["ratio"],"message":"Invalid option: expected one of \"1280:720\"|\"720:1280\""}],"docUrl":"https://docs.dev.runwayml.com/api"}"#,
            http: 400,
            .error(
                ExpectedError(
                    .vendorRejected, code: "invalid_value",
                    message:
                        #"Validation of body failed (ratio: Invalid option: expected one of "1280:720"|"720:1280")"#))),
        .submit(
            "400 an asset Runway could not fetch",
            #"{"error":"Failed to fetch asset. Received HTTP response code 403.","docUrl":"https://docs.dev.runwayml.com/api"}"#,
            http: 400,
            .error(ExpectedError(.vendorRejected, message: "Failed to fetch asset. Received HTTP response code 403."))),
        // Real capture quoted in third-party tests: insufficient credits at HTTP 400.
        .submit(
            "400 insufficient credits",
            #"{"error":"You do not have enough credits to run this task.","docUrl":"https://docs.dev.runwayml.com/api"}"#,
            http: 400,
            .error(
                ExpectedError(
                    .quotaExceeded, message: "You do not have enough credits to run this task.",
                    exactly:
                        "runway refused the video submission (HTTP 400): You do not have enough credits to run this task."
                ))),
        .submit(
            "400 without the version header",
            #"{"error":"A valid X-Runway-Version header is required."}"#, http: 400,
            .error(ExpectedError(.vendorRejected, message: "A valid X-Runway-Version header is required."))),
        .submit(
            "401 a bad key", #"{"error":"Invalid API key"}"#, http: 401,
            .error(ExpectedError(.authentication, message: "Invalid API key"))),
        .submit(
            "429 the documented rate limit", #"{"error":"You have exceeded the rate limit for this endpoint."}"#,
            http: 429,
            .error(ExpectedError(.rateLimited, message: "You have exceeded the rate limit for this endpoint."))),
        .submit(
            "429 the daily generation limit", #"{"error":"You have exceeded your daily task limit."}"#, http: 429,
            headers: ["Retry-After": "3600"],
            .error(
                ExpectedError(
                    .quotaExceeded, message: "You have exceeded your daily task limit.", retryAfter: .seconds(3600)))),
        .submit(
            "502 overloaded", #"{"error":"Bad Gateway"}"#, http: 502,
            .error(ExpectedError(.serverError, message: "Bad Gateway"))),
        .submit(
            "503 overloaded", #"{"error":"Service temporarily unavailable"}"#, http: 503,
            .error(ExpectedError(.serverError, message: "Service temporarily unavailable"))),
        .status(
            "404 an unknown or deleted task", #"{"error":"Task not found"}"#, http: 404, taskID: taskID,
            .error(ExpectedError(.notFound, message: "Task not found"))),
        .status(
            "401 on a status request", #"{"error":"Invalid API key"}"#, http: 401, taskID: taskID,
            .error(ExpectedError(.authentication, message: "Invalid API key"))),
    ]

    static let conformance = ProviderConformance(
        provider: RunwayWithoutModeRules(), baseURL: base, submitPath: "/v1/text_to_video",
        statusPath: "/v1/tasks/{id}", content: .videoURL, requests: requests, refusals: [], answers: answers)

    @Test(arguments: conformance.checks)
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }

    /// The refusals run on the real table, mode rules included.
    static let realTable = ProviderConformance(
        provider: RunwayProvider(), baseURL: base, submitPath: "/v1/text_to_video", statusPath: "/v1/tasks/{id}",
        content: .videoURL, requests: requests, refusals: refusals)

    @Test func theDocumentedRefusals() async throws {
        try await #require(Self.realTable.checks.first { $0.name == "documented refusals" }).verify()
    }
}

/// Runway's table as the shared contract reads it: without the rules that depend on the mode (gen4.5's
/// text-to-video ratios, gen4_turbo's required image), since the contract sends every model text-only
/// requests at every ratio it lists; and at most one image without a role, since the contract sends a
/// model's most images without roles, and two of Runway's frames need theirs (first and last). The real
/// table is checked in `theDocumentedRefusals` and `RunwayRequestTests`.
struct RunwayWithoutModeRules: VideoProvider {
    let runway = RunwayProvider()

    var descriptor: ProviderDescriptor {
        var descriptor = runway.descriptor
        descriptor.models = descriptor.models.map { model in
            var copy = model
            copy.rules = model.rules.filter { $0.when.modes == nil }
            copy.images.max = model.images.roles.map(\.max).max() ?? model.images.max
            return copy
        }
        return descriptor
    }

    func submitRequest(for request: ResolvedVideoRequest, context: ProviderContext) throws(VideoProviderError)
        -> HTTPRequest
    { try runway.submitRequest(for: request, context: context) }

    func parseSubmitResponse(_ response: HTTPResponse, for request: ResolvedVideoRequest) throws(VideoProviderError)
        -> TaskSnapshot
    { try runway.parseSubmitResponse(response, for: request) }

    func statusRequest(taskID: String, model: String, context: ProviderContext) throws(VideoProviderError)
        -> HTTPRequest
    { try runway.statusRequest(taskID: taskID, model: model, context: context) }

    func parseStatusResponse(_ response: HTTPResponse, taskID: String) throws(VideoProviderError) -> TaskSnapshot {
        try runway.parseStatusResponse(response, taskID: taskID)
    }
}
