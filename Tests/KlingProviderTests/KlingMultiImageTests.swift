import Foundation
import KlingProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// kling-v1-6's reference images on `POST /v1/videos/multi-image2video` (Kling's API reference, "Multi-Image
/// to Video"): `image_list` of up to 4 `{"image": …}`, URL or raw base64, with `aspect_ratio`; status on
/// `GET /v1/videos/multi-image2video/{id}`.
@Suite struct KlingMultiImageTests {
    static let context = KlingConformanceTests.context
    static let dog = "https://p1-kling.klingai.com/kcdn/cdn-kcdn112452/kling-qa-test/dog.png"
    static let cloth = "https://p1-kling.klingai.com/kcdn/cdn-kcdn112452/kling-qa-test/dog_cloth.png"
    static let bichon = "A white Bichon Frise wearing a red Northeast-style floral cotton jacket, licking its paw"

    static func references(
        _ images: [ImageInput], model: String = "kling-v1-6", prompt: String = "Rain", seconds: Int? = nil,
        aspectRatio: AspectRatio? = nil, resolution: Resolution? = nil, negativePrompt: String? = nil,
        options: [String: JSONValue] = [:]
    ) -> VideoRequest {
        var request = VideoRequest(
            model: model, prompt: prompt, seconds: seconds, aspectRatio: aspectRatio, resolution: resolution)
        for image in images { request.addImage(image, role: .reference) }
        request.negativePrompt = negativePrompt
        if !options.isEmpty { request.providerOptions["kling"] = options }
        return request
    }

    static let samples: [RequestSample] = [
        // The reference's example (empty negative_prompt, callback_url, external_task_id left out).
        RequestSample(
            "the documented multi-image example, URLs",
            references(
                [.url(URL(string: dog)!), .url(URL(string: cloth)!)], prompt: bichon, seconds: 5, aspectRatio: "16:9",
                resolution: .p1080),
            body:
                #"{"model_name":"kling-v1-6","image_list":[{"image":"\#(dog)"},{"image":"\#(cloth)"}],"prompt":"\#(bichon)","mode":"pro","duration":"5","aspect_ratio":"16:9"}"#
        ),
        RequestSample(
            "raw base64 without a data: prefix, a chosen ratio, a negative prompt and an option",
            references(
                [.data(SampleImage.png), .url(URL(string: SampleImage.dataURI(.jpeg))!)], seconds: 10,
                aspectRatio: "9:16", negativePrompt: "blur", options: ["external_task_id": "order-7"]),
            body:
                #"{"model_name":"kling-v1-6","image_list":[{"image":"\#(SampleImage.pngBase64)"},{"image":"\#(SampleImage.jpegBase64)"}],"prompt":"Rain","negative_prompt":"blur","mode":"std","duration":"10","aspect_ratio":"9:16","external_task_id":"order-7"}"#
        ),
        RequestSample(
            "four references, every default written out",
            references(Array(repeating: .url(URL(string: dog)!), count: 4)),
            body:
                #"{"model_name":"kling-v1-6","image_list":[{"image":"\#(dog)"},{"image":"\#(dog)"},{"image":"\#(dog)"},{"image":"\#(dog)"}],"prompt":"Rain","mode":"std","duration":"5","aspect_ratio":"16:9"}"#
        ),
    ]

    @Test(arguments: samples)
    func referenceImagesGoToMultiImage2Video(_ sample: RequestSample) throws {
        let resolved = try RequestValidator.resolve(sample.request, on: KlingProvider().descriptor)
        #expect(resolved.warnings == [])
        #expect(resolved.sendsAspectRatio)
        #expect(KlingProvider.Endpoint(for: resolved) == .multiImageToVideo)
        let request = try KlingProvider().submitRequest(for: resolved, context: Self.context)
        #expect(request.url.absoluteString == "https://api-singapore.klingai.com/v1/videos/multi-image2video")
        #expect(request.method == .post)
        #expect(request.createsTask)
        #expect(request.headers["Content-Type"] == "application/json")
        let body = try KlingConformanceTests.body(request)
        #expect(body == String(decoding: sample.body, as: UTF8.self))
        #expect(!body.contains("data:"))
    }

    /// The submit answer is a handle on multi-image2video, and status and follow ask there.
    @Test func theHandleRoundTripsToTheMultiImageStatusPath() throws {
        let resolved = try RequestValidator.resolve(
            Self.references([.url(URL(string: Self.dog)!)]), on: KlingProvider().descriptor)
        let answer = HTTPResponse(
            status: 200, headers: ["Content-Type": "application/json"],
            body: Data(
                KlingConformanceTests.envelope(#"{"task_id":"867283741759111202","task_status":"submitted"}"#).utf8))
        let snapshot = try KlingProvider().parseSubmitResponse(answer, for: resolved)
        #expect(snapshot.taskID == "multi-image2video/867283741759111202")
        #expect(snapshot.status == .queued)
        let parsed = try #require(KlingProvider.parseHandle(snapshot.taskID))
        #expect(parsed.endpoint == .multiImageToVideo)
        #expect(parsed.taskID == "867283741759111202")
        let status = try KlingProvider().statusRequest(
            taskID: snapshot.taskID, model: "kling-v1-6", context: Self.context)
        #expect(status.method == .get)
        #expect(
            status.url.absoluteString
                == "https://api-singapore.klingai.com/v1/videos/multi-image2video/867283741759111202")
        #expect(status.headers["Authorization"] == "Bearer \(KlingConformanceTests.key)")
    }

    static let excludesFrames = "Kling: reference images go to multi-image2video, which takes no first or last frame"

    static func refused(_ request: VideoRequest) throws -> VideoProviderError {
        let error = #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(request, on: KlingProvider().descriptor)
        }
        return try #require(error)
    }

    @Test func fiveReferenceImagesAreRefused() throws {
        let error = try Self.refused(Self.references(Array(repeating: .url(URL(string: Self.dog)!), count: 5)))
        #expect(error.kind == .invalidRequest)
        #expect(error.violations.map(\.parameter) == ["images"], "\(error.violations)")
        #expect(error.violations.first?.allowed.contains("4") == true, "\(error.violations)")
    }

    @Test func aReferenceWithAFirstFrameIsRefused() throws {
        var request = Self.references([.url(URL(string: Self.dog)!)], resolution: .p1080)
        request.addImage(.url(URL(string: Self.cloth)!), role: .firstFrame)
        let error = try Self.refused(request)
        #expect(error.kind == .invalidRequest)
        #expect(
            error.violations.map(\.reason).contains(Self.excludesFrames), "\(error.violations)")
    }

    @Test(arguments: ["kling-v2-6", "kling-v3", "kling-v1-5", "kling-v1"])
    func otherModelsRefuseReferenceImages(_ model: String) throws {
        let error = try Self.refused(Self.references([.url(URL(string: Self.dog)!)], model: model))
        #expect(error.kind == .invalidRequest)
        #expect(error.violations.map(\.parameter) == ["images[0]"], "\(error.violations)")
    }

    /// The table shows it: kling-v1-6 takes 4 references and the rule that keeps frames out; no other model
    /// takes a reference.
    @Test func theCapabilityTableShowsTheReferences() throws {
        let models = KlingProvider().descriptor.models
        let v16 = try #require(models.first { $0.model == "kling-v1-6" })
        #expect(v16.images.maximum(of: .reference) == 4)
        #expect(v16.images.max == 4)
        #expect(
            v16.rules.contains(
                CapabilityRule(
                    when: .init(imageRoles: [.reference]), then: .init(excludedImageRoles: [.firstFrame, .lastFrame]),
                    note: Self.excludesFrames)))
        for model in models where model.model != "kling-v1-6" {
            #expect(model.images.maximum(of: .reference) == 0, "\(model.model)")
        }
    }
}
