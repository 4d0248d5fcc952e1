import Foundation
import KlingProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Kling AI against the provider contract, with the bodies of Kling's API reference
/// (`/work/research/17/kling.md`): exact submit bytes, refusals from the table's rules, answers and every
/// documented error code.
@Suite struct KlingConformanceTests {
    static let base = URL(string: "https://api-singapore.klingai.com")!
    static let taskID = "867283741759111202"
    static let handle = "text2video/867283741759111202"
    static let videoURL = "https://p1.a.kwimgs.com/output/video-001.mp4"
    static let rabbit =
        "A cute little rabbit wearing glasses, sitting at a table, reading a newspaper, with a cup of cappuccino on the table"

    static func video(
        _ model: String = "kling-v2-6", prompt: String = "Rain", seconds: Int? = nil,
        aspectRatio: AspectRatio? = nil, resolution: Resolution? = nil, images: [ImageInput] = [],
        roles: [Int: ImageRole] = [:], negativePrompt: String? = nil, audio: Bool? = nil,
        options: [String: JSONValue] = [:]
    ) -> VideoRequest {
        var request = VideoRequest(
            model: model, prompt: prompt, seconds: seconds, aspectRatio: aspectRatio, resolution: resolution,
            images: images)
        request.imageRoles = roles
        request.negativePrompt = negativePrompt
        request.audio = audio
        if !options.isEmpty { request.providerOptions["kling"] = options }
        return request
    }

    /// text2video samples: the conformance suite checks each byte against one submit path.
    static let requests: [RequestSample] = [
        RequestSample(
            "every default written out", video(prompt: "A cat dancing in the rain"),
            body:
                #"{"model_name":"kling-v2-6","prompt":"A cat dancing in the rain","duration":"5","mode":"std","sound":"off","aspect_ratio":"16:9"}"#
        ),
        // The reference's text2video example (empty negative_prompt, callback_url, external_task_id left out).
        RequestSample(
            "the documented text-to-video example",
            video(prompt: rabbit, seconds: 5, aspectRatio: "1:1", resolution: .p1080, audio: true),
            body:
                #"{"model_name":"kling-v2-6","prompt":"\#(rabbit)","duration":"5","mode":"pro","sound":"on","aspect_ratio":"1:1"}"#
        ),
        RequestSample(
            "a negative prompt, 10 s portrait",
            video(seconds: 10, aspectRatio: "9:16", negativePrompt: "blur, low quality"),
            body:
                #"{"model_name":"kling-v2-6","prompt":"Rain","negative_prompt":"blur, low quality","duration":"10","mode":"std","sound":"off","aspect_ratio":"9:16"}"#
        ),
        RequestSample(
            "kling-v3 at 15 s", video("kling-v3", seconds: 15, resolution: .p1080),
            body:
                #"{"model_name":"kling-v3","prompt":"Rain","duration":"15","mode":"pro","sound":"off","aspect_ratio":"16:9"}"#
        ),
        RequestSample(
            "a master model sends no mode and no sound", video("kling-v2-1-master"),
            body: #"{"model_name":"kling-v2-1-master","prompt":"Rain","duration":"5","aspect_ratio":"16:9"}"#),
        RequestSample(
            "kling-v1 in pro, with camera control",
            video(
                "kling-v1",
                options: [
                    "mode": "pro",
                    "camera_control": .object(["type": "simple", "config": .object(["zoom": .int(5)])]),
                ]),
            body:
                #"{"model_name":"kling-v1","prompt":"Rain","duration":"5","mode":"pro","aspect_ratio":"16:9","camera_control":{"config":{"zoom":5},"type":"simple"}}"#
        ),
        RequestSample(
            "cfg_scale and an external task id",
            video("kling-v1-6", options: ["cfg_scale": .double(0.7), "external_task_id": "order-42"]),
            body:
                #"{"model_name":"kling-v1-6","prompt":"Rain","duration":"5","mode":"std","aspect_ratio":"16:9","cfg_scale":0.7,"external_task_id":"order-42"}"#
        ),
    ]

    static let ratioFollowsImage = "Kling: image2video has no aspect_ratio; the output takes the image's shape"

    static let refusals: [RefusalSample] = [
        RefusalSample(
            video(seconds: 8), [Violation(parameter: "seconds", value: "8", allowed: "one of 5, 10 s")]),
        RefusalSample(
            video("kling-v3", seconds: 16), [Violation(parameter: "seconds", value: "16", allowed: "3–15 s")]),
        RefusalSample(
            video(aspectRatio: "4:3"),
            [Violation(parameter: "aspect-ratio", value: "4:3", allowed: "16:9, 9:16, 1:1")]),
        RefusalSample(
            video(resolution: .p480), [Violation(parameter: "resolution", value: "480p", allowed: "720p, 1080p")]),
        RefusalSample(
            video(resolution: .p720, audio: true),
            [
                Violation(
                    parameter: "resolution", value: "720p", allowed: "resolution 1080p when audio on",
                    reason: "Kling: sound needs mode pro (1080p); std is silent")
            ]),
        RefusalSample(
            video("kling-v2-1"),
            [
                Violation(
                    parameter: "images", value: "no first-frame image",
                    allowed: "a first-frame image when mode text-to-video",
                    reason: "Kling: kling-v2-1 is image-to-video only (image2video)")
            ]),
        RefusalSample(
            video(aspectRatio: "9:16", images: [.data(SampleImage.png)]),
            [
                Violation(
                    parameter: "aspect-ratio", value: "9:16",
                    allowed: "none (the ratio follows the image) when mode image-to-video", reason: ratioFollowsImage)
            ]),
        RefusalSample(
            video(
                "kling-v1", seconds: 10, images: [.data(SampleImage.png), .data(SampleImage.jpeg)],
                roles: [1: .lastFrame]),
            [
                Violation(
                    parameter: "seconds", value: "10", allowed: "seconds 5 when a last-frame image",
                    reason: "Kling: kling-v1 takes start and end frames at 5 s only")
            ]),
        RefusalSample(
            video("kling-v3.5"), kind: .unknownModel,
            [
                Violation(
                    parameter: "model", value: "kling-v3.5",
                    allowed:
                        "kling-v2-6, kling-v3, kling-v2-5-turbo, kling-v2-1, kling-v2-1-master, kling-v2-master, kling-v1-6, kling-v1-5, kling-v1"
                )
            ]),
    ]

    static func envelope(_ data: String) -> String {
        #"{"code":0,"message":"SUCCEED","request_id":"7d1c0e8a-3b44-4f0e-8d6a-5c2b9e4f1a07","data":\#(data)}"#
    }

    static let answers: [AnswerSample] = [
        // A real submit answer (kling-v3, from a public request log).
        .submit(
            "the task id",
            #"{"code":0,"message":"SUCCEED","request_id":"c0656403-1e6e-4b7e-b8f8-2cdd2595f2b9","data":{"task_id":"867283741759111202","task_status":"submitted","task_info":{"external_task_id":"text2video_kling_v3_final-1774805076"},"created_at":1774805076166,"updated_at":1774805076166}}"#,
            .snapshot(
                TaskSnapshot(taskID: handle, status: .queued, rawStatus: "submitted", model: "kling-v2-6"))),
        .submit(
            "no task id", envelope(#"{"task_status":"submitted"}"#),
            .error(
                ExpectedError(
                    .invalidResponse, exactly: "kling answered the video submission without a usable 'data.task_id'."))),
        .submit(
            "a refusal at HTTP 200",
            #"{"code":1201,"message":"Invalid parameters, such as incorrect key or illegal value","request_id":"85814f13-15a6-4450-9759-34eb59963085"}"#,
            .error(
                ExpectedError(
                    .vendorRejected, code: "1201", message: "Invalid parameters, such as incorrect key or illegal value"
                ))),
        .status(
            "submitted",
            envelope(
                #"{"task_id":"867283741759111202","task_status":"submitted","task_status_msg":"","created_at":1774805076166,"updated_at":1774805076166}"#
            ), taskID: handle, .snapshot(TaskSnapshot(taskID: handle, status: .queued, rawStatus: "submitted"))),
        .status(
            "processing",
            envelope(
                #"{"task_id":"867283741759111202","task_status":"processing","task_status_msg":"","task_info":{},"created_at":1774805076166,"updated_at":1774805089120}"#
            ), taskID: handle, .snapshot(TaskSnapshot(taskID: handle, status: .processing, rawStatus: "processing"))),
        .status(
            "succeed with a video",
            envelope(
                #"{"task_id":"867283741759111202","task_status":"succeed","task_status_msg":"","task_info":{"external_task_id":"text2video_kling_v3_final-1774805076"},"task_result":{"videos":[{"id":"867283741759111203","url":"\#(videoURL)","watermark_url":"https://p1.a.kwimgs.com/output/video-001-watermark.mp4","duration":"5.1"}]},"watermark_info":{"enabled":false},"final_unit_deduction":"1","created_at":1774805076166,"updated_at":1774805241870}"#
            ), taskID: handle, .completed(handle, videoURL, seconds: 5.1, progress: nil, raw: "succeed")),
        // A real failure (QuantumNous/new-api#2532): the envelope still says SUCCEED.
        .status(
            "failed",
            #"{"code": 0, "data": {"task_id": "833446756", "task_info": {}, "created_at": 1766737710125, "updated_at": 1766737711775, "task_result": {}, "task_status": "failed", "task_status_msg": "Image pixel is invalid"}, "message": "SUCCEED", "request_id": "ace7625a-3e18-49aa-abc4-0"}"#,
            taskID: "image2video/833446756",
            .snapshot(
                TaskSnapshot(
                    taskID: "image2video/833446756", status: .failed, rawStatus: "failed",
                    errorMessage: "Image pixel is invalid"))),
        .status(
            "failed by risk control",
            envelope(
                #"{"task_id":"867283741759111202","task_status":"failed","task_status_msg":"Failure to pass the risk control system"}"#
            ), taskID: handle,
            .snapshot(
                TaskSnapshot(
                    taskID: handle, status: .failed, rawStatus: "failed",
                    errorMessage: "Failure to pass the risk control system", errorCode: "content_policy"))),
        .status(
            "succeed without a video",
            envelope(#"{"task_id":"867283741759111202","task_status":"succeed","task_result":{"videos":[]}}"#),
            taskID: handle,
            .snapshot(
                TaskSnapshot(
                    taskID: handle, status: .failed, rawStatus: "succeed",
                    errorMessage: "The task succeeded without a video URL.", errorCode: "noVideo"))),
        .status(
            "an unknown status word", envelope(#"{"task_id":"867283741759111202","task_status":"rendering"}"#),
            taskID: handle, .snapshot(TaskSnapshot(taskID: handle, status: .unknown, rawStatus: "rendering"))),
        .status(
            "an unknown task",
            #"{"code":1203,"message":"The requested resource does not exist","request_id":"0b7e3c2a-91f4-4d5e-8f0a-6a2c1d9e7b40"}"#,
            http: 404, taskID: handle,
            .error(ExpectedError(.notFound, code: "1203", message: "The requested resource does not exist"))),
    ]

    static let conformance = ProviderConformance(
        provider: KlingProvider(), baseURL: base, submitPath: "/v1/videos/text2video",
        statusPath: "/v1/videos/text2video/{id}", content: .videoURL, requests: requests, refusals: refusals,
        answers: answers)

    /// The checks of the shared contract that assume `video_1`-style task ids, image samples on the one submit
    /// path, every model resolving a prompt alone (kling-v2-1 and kling-v1-5 are image-to-video only) and two
    /// images without roles being valid (Kling's second image needs the last-frame role): each is checked
    /// below in Kling's terms.
    static let sharedIDChecks: Set<String> = [
        "table", "validation from the table", "headers and the key", "status requests", "image inputs",
        "images past validation",
    ]

    @Test(arguments: conformance.checks.filter { !sharedIDChecks.contains($0.name) })
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }

    static let key = "kling-conformance-0123456789"
    static let context = ProviderContext(baseURL: base, apiKey: APIKey(key))

    static func body(_ request: HTTPRequest) throws -> String {
        String(decoding: try request.body.collect(), as: UTF8.self)
    }
}

// MARK: - image2video

extension KlingConformanceTests {
    static let first = "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-qa-test/multi-2.png"
    static let last = "https://p2-kling.klingai.com/kcdn/cdn-kcdn112452/kling-qa-test/multi-1.png"

    static let imageRequests: [RequestSample] = [
        RequestSample(
            "one image is the first frame, raw base64 without a data: prefix",
            video(prompt: "The girl smiles", images: [.data(SampleImage.png)]),
            body:
                #"{"model_name":"kling-v2-6","image":"\#(SampleImage.pngBase64)","prompt":"The girl smiles","duration":"5","mode":"std","sound":"off"}"#
        ),
        // The reference's image2video example (empty strings left out).
        RequestSample(
            "the documented first and last frame example",
            video(
                prompt: "Camera zooms out, the girl smiles", seconds: 5, resolution: .p1080,
                images: [.url(URL(string: first)!), .url(URL(string: last)!)], roles: [1: .lastFrame], audio: false),
            body:
                #"{"model_name":"kling-v2-6","image":"\#(first)","image_tail":"\#(last)","prompt":"Camera zooms out, the girl smiles","duration":"5","mode":"pro","sound":"off"}"#
        ),
        RequestSample(
            "a data URI is sent as its raw base64; a last frame alone on kling-v1-6",
            video(
                "kling-v1-6", resolution: .p1080, images: [.url(URL(string: SampleImage.dataURI(.jpeg))!)],
                roles: [0: .lastFrame]),
            body:
                #"{"model_name":"kling-v1-6","image_tail":"\#(SampleImage.jpegBase64)","prompt":"Rain","duration":"5","mode":"pro"}"#
        ),
        RequestSample(
            "an image-to-video-only model", video("kling-v2-1", seconds: 10, images: [.url(URL(string: first)!)]),
            body:
                #"{"model_name":"kling-v2-1","image":"\#(first)","prompt":"Rain","duration":"10","mode":"std"}"#),
    ]

    @Test(arguments: imageRequests)
    func imagesGoToImage2VideoAsRawBase64OrURLs(_ sample: RequestSample) throws {
        let resolved = try RequestValidator.resolve(sample.request, on: KlingProvider().descriptor)
        let request = try KlingProvider().submitRequest(for: resolved, context: Self.context)
        #expect(request.url.absoluteString == "https://api-singapore.klingai.com/v1/videos/image2video")
        #expect(request.method == .post)
        #expect(request.createsTask)
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(try Self.body(request) == String(decoding: sample.body, as: UTF8.self))
        #expect(!(try Self.body(request)).contains("data:"))
    }

    /// The answer to an image2video submit is a handle on image2video, and its status goes there.
    @Test func theStatusPathFollowsTheSubmitEndpoint() throws {
        let resolved = try RequestValidator.resolve(
            Self.video(images: [.url(URL(string: Self.first)!)]), on: KlingProvider().descriptor)
        let answer = HTTPResponse(
            status: 200, headers: ["Content-Type": "application/json"],
            body: Data(Self.envelope(#"{"task_id":"867283741759111202","task_status":"submitted"}"#).utf8))
        let snapshot = try KlingProvider().parseSubmitResponse(answer, for: resolved)
        #expect(snapshot.taskID == "image2video/867283741759111202")
        let status = try KlingProvider().statusRequest(
            taskID: snapshot.taskID, model: "kling-v2-6", context: Self.context)
        #expect(status.method == .get)
        #expect(
            status.url.absoluteString
                == "https://api-singapore.klingai.com/v1/videos/image2video/867283741759111202")
        let text = try KlingProvider().statusRequest(taskID: Self.handle, model: "kling-v2-6", context: Self.context)
        #expect(text.url.absoluteString == "https://api-singapore.klingai.com/v1/videos/text2video/867283741759111202")
        #expect(text.headers["Authorization"] == "Bearer \(Self.key)")
    }

    @Test(arguments: [
        "", "867283741759111202", "text2video/", "image2video/../x", "multi-image2video/", "text2video/1/2",
        "text2video/a b", "/text2video/1",
    ])
    func aStatusForSomethingThatIsNotAHandleIsRefused(_ taskID: String) {
        #expect(throws: VideoProviderError.self) {
            try KlingProvider().statusRequest(taskID: taskID, model: "kling-v2-6", context: Self.context)
        }
    }

    @Test(arguments: [
        (video(images: [.data(SampleImage.webp)]), "images[0]"),
        (
            video(resolution: .p720, images: [.data(SampleImage.png), .data(SampleImage.png)], roles: [1: .lastFrame]),
            "resolution"
        ),
        (
            video(
                resolution: .p1080, images: [.data(SampleImage.png), .data(SampleImage.png)], roles: [1: .lastFrame],
                audio: true), "audio"
        ),
        (video(resolution: .p1080, images: [.data(SampleImage.png)], roles: [0: .lastFrame]), "images"),
        (video("kling-v2-1-master", images: [.data(SampleImage.png)], roles: [0: .lastFrame]), "images[0]"),
        (video(images: [.data(SampleImage.png)], roles: [0: .reference]), "images[0]"),
    ])
    func theTablesRulesRefuseImages(_ request: VideoRequest, _ parameter: String) {
        do {
            _ = try RequestValidator.resolve(request, on: KlingProvider().descriptor)
            Issue.record("\(request) was accepted")
        } catch {
            #expect(error.violations.map(\.parameter).contains(parameter), "\(error.violations)")
        }
    }
}

// MARK: - Provider options

extension KlingConformanceTests {
    @Test(arguments: [
        (video(options: ["cfg_scale": .double(0.5)]), "provider-options.kling.cfg_scale"),
        (video("kling-v1-6", options: ["cfg_scale": .double(1.5)]), "provider-options.kling.cfg_scale"),
        (video("kling-v1-6", options: ["cfg_scale": "0.5"]), "provider-options.kling.cfg_scale"),
        (video(options: ["mode": "pro"]), "provider-options.kling.mode"),
        (video("kling-v1", options: ["mode": "turbo"]), "provider-options.kling.mode"),
        (video(options: ["camera_control": .object(["type": "zoom"])]), "provider-options.kling.camera_control"),
        (video(options: ["camera_control": .object(["type": "simple"])]), "provider-options.kling.camera_control"),
        (
            video(options: ["camera_control": .object(["type": "simple", "config": .object(["zoom": .int(11)])])]),
            "provider-options.kling.camera_control"
        ),
        (
            video(
                options: [
                    "camera_control": .object([
                        "type": "simple", "config": .object(["zoom": .int(1), "pan": .int(2)]),
                    ])
                ]), "provider-options.kling.camera_control"
        ),
        (
            video(
                resolution: .p1080, images: [.data(SampleImage.png), .data(SampleImage.png)], roles: [1: .lastFrame],
                options: ["camera_control": .object(["type": "down_back"])]), "provider-options.kling.camera_control"
        ),
        (video(options: ["external_task_id": .int(5)]), "provider-options.kling.external_task_id"),
        (video(options: ["external_task_id": " "]), "provider-options.kling.external_task_id"),
        (video(options: ["image_tail": "https://example.com/a.png"]), "provider-options.kling.image_tail"),
        (video(options: ["negative_prompt": "blur"]), "provider-options.kling.negative_prompt"),
        (video(options: ["sound": "on"]), "provider-options.kling.sound"),
        (video(options: ["model_name": "kling-v3"]), "provider-options.kling.model_name"),
    ])
    func badOptionsAreRefusedBeforeAnyByte(_ request: VideoRequest, _ parameter: String) throws {
        let resolved = try RequestValidator.resolve(request, on: KlingProvider().descriptor)
        do {
            _ = try KlingProvider().submitRequest(for: resolved, context: Self.context)
            Issue.record("\(request) was accepted")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.violations.map(\.parameter) == [parameter], "\(error.violations)")
        }
    }

    /// The capability map marks only v2.6's std "only no audio": kling-v3 takes sound in std, and takes
    /// `cfg_scale` ("kling-v2.x models do not support this parameter" does not name v3); v2.6 std stays silent.
    @Test func klingV3TakesSoundInStdAndCfgScale() throws {
        let request = Self.video("kling-v3", audio: true, options: ["cfg_scale": 0.5])
        let resolved = try RequestValidator.resolve(request, on: KlingProvider().descriptor)
        #expect(resolved.warnings == [])
        let built = try KlingProvider().submitRequest(for: resolved, context: Self.context)
        #expect(
            try Self.body(built)
                == #"{"model_name":"kling-v3","prompt":"Rain","duration":"5","mode":"std","sound":"on","aspect_ratio":"16:9","cfg_scale":0.5}"#
        )
        let silentStd = #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(
                Self.video("kling-v2-6", resolution: .p720, audio: true), on: KlingProvider().descriptor)
        }
        #expect(silentStd?.violations.map(\.parameter) == ["resolution"])
    }

    @Test func otherOptionsPassThroughSortedAfterTheTypedFields() throws {
        let request = Self.video(
            options: ["watermark_info": .object(["enabled": .bool(false)]), "callback_url": "https://example.com/cb"])
        let resolved = try RequestValidator.resolve(request, on: KlingProvider().descriptor)
        let built = try KlingProvider().submitRequest(for: resolved, context: Self.context)
        #expect(
            try Self.body(built)
                == #"{"model_name":"kling-v2-6","prompt":"Rain","duration":"5","mode":"std","sound":"off","aspect_ratio":"16:9","callback_url":"https://example.com/cb","watermark_info":{"enabled":false}}"#
        )
    }
}

// MARK: - The table

extension KlingConformanceTests {
    static let imageToVideoOnly: Set<String> = ["kling-v2-1", "kling-v1-5"]

    @Test func theTableRoundTripsAndEveryModelResolvesItsDefaults() throws {
        let descriptor = KlingProvider().descriptor
        #expect(try JSONDecoder().decode(ProviderDescriptor.self, from: JSONEncoder().encode(descriptor)) == descriptor)
        #expect(descriptor.documentedBaseURL?.absoluteString == "https://api-singapore.klingai.com")
        for model in descriptor.models {
            let images: [ImageInput] = Self.imageToVideoOnly.contains(model.model) ? [.data(SampleImage.png)] : []
            let resolved = try RequestValidator.resolve(
                VideoRequest(model: model.model, prompt: "Rain", images: images), on: descriptor)
            #expect(resolved.seconds == 5, "\(model.model)")
            #expect(resolved.resolution == model.resolutions?.default, "\(model.model)")
            #expect(resolved.warnings == [], "\(model.model)")
            #expect(resolved.sendsAspectRatio == images.isEmpty, "\(model.model)")
        }
    }

    /// Two images need the second's role: a plain list of two is two first frames.
    @Test func twoImagesWithoutRolesAreRefusedNamingTheSecond() {
        let request = Self.video(resolution: .p1080, images: [.data(SampleImage.png), .data(SampleImage.png)])
        do {
            _ = try RequestValidator.resolve(request, on: KlingProvider().descriptor)
            Issue.record("accepted")
        } catch {
            #expect(error.violations.map(\.parameter) == ["images[1]"])
        }
    }

    @Test func theKeyTravelsInAuthorizationToKlingsHostOnly() throws {
        let resolved = try RequestValidator.resolve(Self.video(), on: KlingProvider().descriptor)
        let submit = try KlingProvider().submitRequest(for: resolved, context: Self.context)
        let status = try KlingProvider().statusRequest(taskID: Self.handle, model: "kling-v2-6", context: Self.context)
        for request in [submit, status] {
            #expect(request.headers["Authorization"] == "Bearer \(Self.key)")
            #expect(request.headers.isSensitive("Authorization"))
            #expect(request.url.host == "api-singapore.klingai.com")
            #expect(!request.url.absoluteString.contains(Self.key))
        }
        let done = TaskSnapshot(taskID: Self.handle, status: .completed, videoURL: URL(string: Self.videoURL))
        let content = try #require(KlingProvider().contentRequest(for: done, context: Self.context))
        #expect(content.url.absoluteString == Self.videoURL)
        #expect(!content.headers.contains { $0.value.contains(Self.key) })
    }
}
