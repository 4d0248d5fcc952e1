import Foundation
import GeminiProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Google Veo through the Gemini API against the provider contract, with the bodies of Google's Veo guide and
/// SDKs (`/work/research/17/gemini.md`): exact submit bytes, refusals from the table's rules, operation answers.
@Suite struct GeminiConformanceTests {
    static let base = URL(string: "https://generativelanguage.googleapis.com")!
    static let operation = "models/veo-3.1-generate-preview/operations/9k2m4q7xz1ab"
    static let videoURI = "https://generativelanguage.googleapis.com/v1beta/files/9k2m4q7xz1ab:download?alt=media"
    static let defaults = #""aspectRatio":"16:9","durationSeconds":8,"resolution":"720p""#
    static let pngObject = #"{"bytesBase64Encoded":"\#(SampleImage.pngBase64)","mimeType":"image/png"}"#
    static let jpegObject = #"{"bytesBase64Encoded":"\#(SampleImage.jpegBase64)","mimeType":"image/jpeg"}"#

    static func video(
        _ model: String = "veo-3.1-generate-preview", prompt: String = "Rain", seconds: Int? = nil,
        aspectRatio: AspectRatio? = nil, resolution: Resolution? = nil, images: [ImageInput] = [],
        roles: [Int: ImageRole] = [:], seed: Int? = nil, negativePrompt: String? = nil
    ) -> VideoRequest {
        var request = VideoRequest(
            model: model, prompt: prompt, seconds: seconds, aspectRatio: aspectRatio, resolution: resolution,
            images: images)
        request.imageRoles = roles
        request.seed = seed
        request.negativePrompt = negativePrompt
        return request
    }

    static let requests: [RequestSample] = [
        RequestSample(
            "every default written out", video(prompt: "A cat dancing in the rain"),
            body: #"{"instances":[{"prompt":"A cat dancing in the rain"}],"parameters":{\#(defaults)}}"#),
        // Google's REST sample, with the defaults the provider always writes.
        RequestSample(
            "the documented text-to-video sample",
            video(
                prompt: "A cinematic shot of a majestic lion in the savannah.", aspectRatio: "16:9",
                negativePrompt: "cartoon, drawing, low quality"),
            body:
                #"{"instances":[{"prompt":"A cinematic shot of a majestic lion in the savannah."}],"parameters":{\#(defaults),"negativePrompt":"cartoon, drawing, low quality"}}"#
        ),
        RequestSample(
            "1080p at 8 s, portrait, a seed", video(aspectRatio: "9:16", resolution: .p1080, seed: 4_294_967_295),
            body:
                #"{"instances":[{"prompt":"Rain"}],"parameters":{"aspectRatio":"9:16","durationSeconds":8,"resolution":"1080p","seed":4294967295}}"#
        ),
        RequestSample(
            "one image is the first frame, inline base64", video(seconds: 6, images: [.data(SampleImage.png)]),
            body:
                #"{"instances":[{"prompt":"Rain","image":\#(pngObject)}],"parameters":{"aspectRatio":"16:9","durationSeconds":6,"resolution":"720p"}}"#
        ),
        RequestSample(
            "first and last frame",
            video(
                images: [.data(SampleImage.png), .data(SampleImage.jpeg)], roles: [0: .firstFrame, 1: .lastFrame]),
            body:
                #"{"instances":[{"prompt":"Rain","image":\#(pngObject),"lastFrame":\#(jpegObject)}],"parameters":{\#(defaults)}}"#
        ),
        RequestSample(
            "several images are reference assets, in order",
            video(images: [.data(SampleImage.png), .data(SampleImage.jpeg)]),
            body:
                #"{"instances":[{"prompt":"Rain","referenceImages":[{"image":\#(pngObject),"referenceType":"asset"},{"image":\#(jpegObject),"referenceType":"asset"}]}],"parameters":{\#(defaults)}}"#
        ),
    ]

    static let refusals: [RefusalSample] = [
        RefusalSample(
            video(seconds: 5), [Violation(parameter: "seconds", value: "5", allowed: "one of 4, 6, 8 s")]),
        RefusalSample(
            video(aspectRatio: "1:1"), [Violation(parameter: "aspect-ratio", value: "1:1", allowed: "16:9, 9:16")]),
        RefusalSample(
            video(resolution: .p480), [Violation(parameter: "resolution", value: "480p", allowed: "720p, 1080p")]),
        RefusalSample(
            video("veo-2.0-generate-001"), kind: .unknownModel,
            [
                Violation(
                    parameter: "model", value: "veo-2.0-generate-001",
                    allowed: "veo-3.1-generate-preview, veo-3.1-fast-generate-preview, veo-3.0-generate-001")
            ]),
    ]

    static let answers: [AnswerSample] = [
        .submit(
            "the operation name", #"{"name":"\#(operation)"}"#, .task(.queued, nil, id: operation)),
        .submit(
            "a wrong key at HTTP 400",
            #"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}"#,
            http: 400,
            .error(
                ExpectedError(
                    .authentication, code: "INVALID_ARGUMENT",
                    message: "API key not valid. Please pass a valid API key."
                ))),
        .submit(
            "no operation name", #"{}"#,
            .error(
                ExpectedError(
                    .invalidResponse, exactly: "gemini answered the video submission without an operation 'name'."))),
        .status(
            "pending: done omitted", #"{"name":"\#(operation)"}"#, taskID: operation,
            .task(.processing, nil, id: operation)),
        .status(
            "pending: done false", #"{"name":"\#(operation)","done":false,"metadata":{}}"#, taskID: operation,
            .task(.processing, nil, id: operation)),
        .status(
            "done with a video",
            #"{"name":"\#(operation)","done":true,"response":{"@type":"type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse","generateVideoResponse":{"generatedSamples":[{"video":{"uri":"\#(videoURI)"}}]}}}"#,
            taskID: operation, .task(.completed, "done", progress: 100, videoURL: videoURI, id: operation)),
        .status(
            "done, filtered by Responsible AI",
            #"{"name":"\#(operation)","done":true,"response":{"generateVideoResponse":{"raiMediaFilteredCount":1,"raiMediaFilteredReasons":["Unable to generate videos because of a violation of Google's Responsible AI practices."]}}}"#,
            taskID: operation,
            .task(
                .failed, "done", code: "raiMediaFiltered",
                message: "Unable to generate videos because of a violation of Google's Responsible AI practices.",
                id: operation)),
        .status(
            "done with an operation error",
            #"{"name":"\#(operation)","done":true,"error":{"code":13,"message":"Video generation failed due to an internal error. Please try again."}}"#,
            taskID: operation,
            .task(
                .failed, "done", code: "13",
                message: "Video generation failed due to an internal error. Please try again.", id: operation)),
        .status(
            "done without a sample", #"{"name":"\#(operation)","done":true,"response":{}}"#, taskID: operation,
            .task(.failed, "done", code: "noVideo", message: "The operation finished without a video.", id: operation)),
    ]

    static let conformance = ProviderConformance(
        provider: GeminiProvider(), baseURL: base,
        submitPath: "/v1beta/models/veo-3.1-generate-preview:predictLongRunning",
        statusPath: "/v1beta/{id}", content: .videoURL, requests: requests, refusals: refusals, answers: answers)

    /// The checks of the shared contract that do not assume a bearer key and `video_1`-style task ids (the
    /// key and the operation-name paths are checked below).
    static let bearerOnlyChecks: Set<String> = ["headers and the key", "status requests", "content requests"]

    @Test(arguments: conformance.checks.filter { !bearerOnlyChecks.contains($0.name) })
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }

    static let key = "AIza-conformance-0123456789"
    static let context = ProviderContext(
        baseURL: base, apiKey: APIKey(key), credentials: GeminiProvider().credentialScheme)

    /// Samples for the other models: the model is part of the submit path, so the shared byte check (one
    /// submit path) cannot hold them.
    static let otherModels: [RequestSample] = [
        RequestSample(
            "4 s at 720p on Veo 3", video("veo-3.0-generate-001", seconds: 4),
            body:
                #"{"instances":[{"prompt":"Rain"}],"parameters":{"aspectRatio":"16:9","durationSeconds":4,"resolution":"720p"}}"#
        ),
        RequestSample(
            "the fast model, the prompt escaped", video("veo-3.1-fast-generate-preview", prompt: "Say \"hi\"\n猫"),
            body: #"{"instances":[{"prompt":"Say \"hi\"\n猫"}],"parameters":{\#(defaults)}}"#),
    ]

    @Test(arguments: otherModels)
    func otherModelsSubmitToTheirOwnPath(_ sample: RequestSample) throws {
        let resolved = try RequestValidator.resolve(sample.request, on: GeminiProvider().descriptor)
        let request = try GeminiProvider().submitRequest(for: resolved, context: Self.context)
        #expect(
            request.url.absoluteString
                == "https://generativelanguage.googleapis.com/v1beta/models/\(sample.request.model):predictLongRunning")
        #expect(
            String(decoding: try request.body.collect(), as: UTF8.self) == String(decoding: sample.body, as: UTF8.self))
    }

    @Test func theKeyTravelsInXGoogAPIKeyOnly() throws {
        let resolved = try RequestValidator.resolve(Self.video(), on: GeminiProvider().descriptor)
        let submit = try GeminiProvider().submitRequest(for: resolved, context: Self.context)
        let status = try GeminiProvider().statusRequest(
            taskID: Self.operation, model: "veo-3.1-generate-preview", context: Self.context)
        for request in [submit, status] {
            #expect(request.headers["x-goog-api-key"] == Self.key)
            #expect(request.headers["Authorization"] == nil)
            #expect(!request.url.absoluteString.contains(Self.key))
        }
        #expect(
            submit.url.absoluteString
                == "https://generativelanguage.googleapis.com/v1beta/models/veo-3.1-generate-preview:predictLongRunning"
        )
        #expect(submit.method == .post)
        #expect(status.method == .get)
        #expect(
            status.url.absoluteString
                == "https://generativelanguage.googleapis.com/v1beta/models/veo-3.1-generate-preview/operations/9k2m4q7xz1ab"
        )
    }

    @Test(arguments: ["", "video_1", "models/x/operations/../y", "models/a/operations/b/c", "../models/a/operations/b"])
    func aStatusForSomethingThatIsNotAnOperationNameIsRefused(_ taskID: String) {
        #expect(throws: VideoProviderError.self) {
            try GeminiProvider().statusRequest(taskID: taskID, model: "veo-3.1-generate-preview", context: Self.context)
        }
    }

    @Test func aPublicImageURLIsRefusedBeforeAnyByte() {
        let request = Self.video(images: [.url(URL(string: "https://example.com/cat.png")!)])
        #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(request, on: GeminiProvider().descriptor)
        }
    }

    @Test(arguments: [
        (video(seconds: 4, resolution: .p1080), "seconds"),
        (video("veo-3.0-generate-001", aspectRatio: "9:16", resolution: .p1080), "aspect-ratio"),
        (video(seconds: 6, images: [.data(SampleImage.png), .data(SampleImage.jpeg)]), "seconds"),
        (video(aspectRatio: "9:16", images: [.data(SampleImage.png), .data(SampleImage.jpeg)]), "aspect-ratio"),
    ])
    func theTablesDependentRulesRefuse(_ request: VideoRequest, _ parameter: String) {
        do {
            _ = try RequestValidator.resolve(request, on: GeminiProvider().descriptor)
            Issue.record("\(request) was accepted")
        } catch {
            #expect(error.violations.map(\.parameter).contains(parameter), "\(error.violations)")
        }
    }
}

extension GeminiConformanceTests {
    /// "Download the video using the URI and API key": the provider asks for the URI itself, with no key in
    /// it; the client adds `x-goog-api-key` only on the provider's own origin (Download.swift), so a URI on any
    /// other host never sees the key.
    @Test func theVideoURIIsFetchedAsItIsWithoutTheKeyInTheProvidersRequest() throws {
        for uri in [Self.videoURI, "https://storage.example.com/v.mp4"] {
            let snapshot = TaskSnapshot(taskID: Self.operation, status: .completed, videoURL: URL(string: uri))
            let request = try #require(GeminiProvider().contentRequest(for: snapshot, context: Self.context))
            #expect(request.url.absoluteString == uri)
            #expect(request.method == .get)
            #expect(!request.headers.contains { $0.value.contains(Self.key) })
        }
    }
}
