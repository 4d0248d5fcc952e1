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
                    allowed:
                        "veo-3.1-generate-preview, veo-3.1-fast-generate-preview, veo-3.0-generate-001, veo-3.0-fast-generate-001"
                )
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
            taskID: operation, .task(.completed, "done", videoURL: videoURI, id: operation)),
        .status(
            "done, filtered by Responsible AI",
            #"{"name":"\#(operation)","done":true,"response":{"generateVideoResponse":{"raiMediaFilteredCount":1,"raiMediaFilteredReasons":["Unable to generate videos because of a violation of Google's Responsible AI practices."]}}}"#,
            taskID: operation,
            .task(
                .failed, "done", code: "content_policy",
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

    static let prompt = "A cinematic shot of a majestic lion in the savannah."

    /// The documented body (`instances[0]`: `prompt`, then `image` or `referenceImages`; `parameters`:
    /// `aspectRatio`, `durationSeconds` as a number, `resolution`), written from Google's guide.
    static let documentedBody: LifecycleConformance.SubmissionBody = { _, wire, images in
        let objects: [JSONValue] = images.map { image in
            guard case .bytes(let data, let format) = image else { return .null }
            return .object([
                "bytesBase64Encoded": .string(data.base64EncodedString()), "mimeType": .string(format.mimeType),
            ])
        }
        var instance: [String: JSONValue] = ["prompt": .string(prompt)]
        if objects.count == 1 { instance["image"] = objects[0] }
        if objects.count > 1 {
            instance["referenceImages"] = .array(
                objects.map { .object(["image": $0, "referenceType": .string("asset")]) })
        }
        return .object([
            "instances": .array([.object(instance)]),
            "parameters": .object([
                "aspectRatio": .string(wire.aspectRatio), "durationSeconds": .int(wire.seconds),
                "resolution": .string(wire.resolution ?? ""),
            ]),
        ])
    }

    static let lifecycle: LifecycleConformance = {
        var lifecycle = LifecycleConformance(
            gateways: [.gemini()],
            submitURL: "https://generativelanguage.googleapis.com/v1beta/models/{model}:predictLongRunning",
            statusURL: "https://generativelanguage.googleapis.com/v1beta/{id}", progress: .none,
            models: [
                .init(
                    "veo-3.1-generate-preview", defaults: "8 s, 16:9, 720p", settings: "6 s, 9:16, 720p",
                    images: [.bytes, .file, .dataURI]),
                .init(
                    "veo-3.1-fast-generate-preview", defaults: "8 s, 16:9, 720p", settings: "8 s, 9:16, 1080p",
                    images: [.dataURI, .bytes, .file]),
                .init(
                    "veo-3.0-generate-001", defaults: "8 s, 16:9, 720p", settings: "4 s, 9:16, 720p",
                    images: [.file, .bytes, .dataURI]),
            ],
            prompt: prompt,
            pageRules: [
                .init(
                    loosening: "veo-3.1-generate-preview", of: GeminiProvider(), { $0.rules = [] },
                    request: video(prompt: prompt, seconds: 4, resolution: .p1080),
                    vendorMessage: "1080p only supports 8s duration; durationSeconds is 4.",
                    vendorCode: "INVALID_ARGUMENT"),
                .init(
                    loosening: "veo-3.0-generate-001", of: GeminiProvider(),
                    { $0.duration = .set(values: [4, 5, 6, 8], default: 8) },
                    request: video("veo-3.0-generate-001", prompt: prompt, seconds: 5),
                    vendorMessage: "'durationSeconds' 5 is not supported by veo-3.0-generate-001; allowed: 4, 6, 8.",
                    vendorCode: "INVALID_ARGUMENT"),
                .init(
                    loosening: "veo-3.0-generate-001", of: GeminiProvider(), { $0.rules = [] },
                    request: video("veo-3.0-generate-001", prompt: prompt, aspectRatio: "9:16", resolution: .p1080),
                    vendorMessage: "1080p on veo-3.0-generate-001 only supports 16:9; aspectRatio is 9:16.",
                    vendorCode: "INVALID_ARGUMENT"),
            ])
        lifecycle.submissionBody = documentedBody
        lifecycle.longRunningOperations = true
        lifecycle.videoURLRedirectsToCDN = true
        return lifecycle
    }()

    static let conformance: ProviderConformance = {
        var conformance = ProviderConformance(
            provider: GeminiProvider(), baseURL: base,
            submitPath: "/v1beta/models/veo-3.1-generate-preview:predictLongRunning",
            statusPath: "/v1beta/{id}", content: .videoURL, requests: requests, refusals: refusals, answers: answers,
            lifecycle: lifecycle)
        conformance.sampleTaskID = operation
        conformance.malformedTaskIDs = [
            "video_1", "models/x/operations/../y", "models/a/operations/b/c", "../models/a/operations/b",
        ]
        return conformance
    }()

    @Test(arguments: conformance.checks)
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

    /// Options go into `parameters`, where the typed values are written first: `durationSeconds` as an
    /// option is refused (it would be dropped behind `--seconds`), `personGeneration` goes in as given.
    @Test func optionsCannotShadowTheTypedParameters() throws {
        var shadowing = Self.video()
        shadowing.providerOptions = ["gemini": ["durationSeconds": 4, "seed": 1]]
        let error = #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(shadowing, on: GeminiProvider().descriptor)
        }
        #expect(
            error?.violations.map(\.parameter) == [
                "provider-options.gemini.durationSeconds", "provider-options.gemini.seed",
            ])
        var people = Self.video()
        people.providerOptions = ["gemini": ["personGeneration": "allow_adult"]]
        let resolved = try RequestValidator.resolve(people, on: GeminiProvider().descriptor)
        let body = String(decoding: try GeminiProvider.submitBody(for: resolved).httpBody.collect(), as: UTF8.self)
        #expect(
            body
                == #"{"instances":[{"prompt":"Rain"}],"parameters":{\#(Self.defaults),"personGeneration":"allow_adult"}}"#
        )
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
