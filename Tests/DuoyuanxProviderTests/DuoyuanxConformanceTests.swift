import DuoyuanxProvider
import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Duoyuanx against the provider contract in both of its encodings, with seed 004's examples (its "Grok
/// Imagine Video" page and comparison table), and every model through the client against the simulator.
@Suite struct DuoyuanxConformanceTests {
    static let base = URL(string: "https://duoyuanx.com")!
    static let boundary = "VPKTestBoundary7MA4YWxkTrZu0gW"
    /// Seed 004's example prompt.
    static let prompt =
        "A city street in the early morning, sunlight filtering through leaves, camera slowly moving forward"
    static let familyRatios = "16:9, 9:16, 2:3, 3:2, 1:1"
    static let familySizes = "480p, 540p, 720p, 1080p"
    static let allModels = "grok-imagine-video, grok-video-1.5, grok-video-3, grok-video-3-pro, grok-video-3-max"

    static func form(_ request: VideoRequest, _ name: String, _ parts: [FormPart]) -> RequestSample {
        RequestSample(name, request, boundary: boundary, parts: parts)
    }

    /// Each multipart model's defaults written out (the fixed tiers without `seconds`), and the family's aliases
    /// sent as the native names.
    static let familyDefaults =
        ([
            ("grok-video-1.5", "grok-video-1.5", "6"), ("grok-video-3", "grok-video-3", "6"),
            ("grok-video-3-pro", "grok-video-3-pro", nil), ("grok-video-3-max", "grok-video-3-max", nil),
            ("grok_video3", "grok-video-3", "6"), ("grok_video3_pro", "grok-video-3-pro", nil),
            ("grok_video3_max", "grok-video-3-max", nil),
        ] as [(String, String, String?)]).map { model, native, seconds in
            form(
                VideoRequest(model: model, prompt: "Rain"), "\(model) with its defaults, sent as \(native)",
                FormPart.videoFields(model: native, seconds: seconds))
        }

    /// The fixed tiers leave out `seconds` whatever else the request names.
    static let fixedTiers = [("grok-video-3-pro", Resolution.p1080), ("grok-video-3-max", .p480)].map {
        (model: String, size: Resolution) in
        form(
            VideoRequest(model: model, prompt: "Rain", aspectRatio: "1:1", resolution: size),
            "\(model) leaves out seconds",
            FormPart.videoFields(model: model, aspectRatio: "1:1", seconds: nil, size: size.upperCased))
    }

    static let conformance = ProviderConformance(
        provider: DuoyuanxProvider(), baseURL: base, boundary: boundary, submitPath: "/v1/videos",
        statusPath: "/v1/videos/{id}", content: .endpoint(path: "/v1/videos/{id}/content"),
        requests: [
            // The page's curl example, field for field.
            RequestSample(
                "the documented JSON example",
                VideoRequest(
                    model: "grok-imagine-video", prompt: prompt, seconds: 8, aspectRatio: "16:9", resolution: .p720),
                body:
                    #"{"model":"grok-imagine-video","prompt":"\#(prompt)","seconds":"8","aspect_ratio":"16:9","resolution":"720P"}"#
            ),
            RequestSample(
                "JSON defaults written out", VideoRequest(model: "grok-imagine-video", prompt: "Rain"),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"8","aspect_ratio":"16:9","resolution":"480P"}"#
            ),
            RequestSample(
                "one image in image",
                VideoRequest(
                    model: "grok-imagine-video", prompt: "Animate", seconds: 3, aspectRatio: "20:9",
                    images: [.data(SampleImage.webp)]),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"3","aspect_ratio":"20:9","resolution":"480P","image":"\#(SampleImage.dataURI(.webp))"}"#
            ),
            RequestSample(
                "several images in images",
                VideoRequest(
                    model: "grok-imagine-video", prompt: "Animate",
                    images: [.file(SampleImage.file(.png, named: "a.png")), .data(SampleImage.jpeg)]),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"8","aspect_ratio":"16:9","resolution":"480P","images":["\#(SampleImage.dataURI(.png))","\#(SampleImage.dataURI(.jpeg))"]}"#
            ),
        ] + familyDefaults + [
            // A multipart body spelled out without helpers: every part, CRLF and the closing delimiter.
            RequestSample(
                "a multipart body spelled out",
                VideoRequest(
                    model: "grok-video-1.5", prompt: "Neon rain", seconds: 10, aspectRatio: "9:16", resolution: .p540,
                    images: [.data(SampleImage.jpeg)]),
                bytes: Data(
                    """
                    --VPKTestBoundary7MA4YWxkTrZu0gW\r
                    Content-Disposition: form-data; name="model"\r
                    \r
                    grok-video-1.5\r
                    --VPKTestBoundary7MA4YWxkTrZu0gW\r
                    Content-Disposition: form-data; name="prompt"\r
                    \r
                    Neon rain\r
                    --VPKTestBoundary7MA4YWxkTrZu0gW\r
                    Content-Disposition: form-data; name="aspect_ratio"\r
                    \r
                    9:16\r
                    --VPKTestBoundary7MA4YWxkTrZu0gW\r
                    Content-Disposition: form-data; name="seconds"\r
                    \r
                    10\r
                    --VPKTestBoundary7MA4YWxkTrZu0gW\r
                    Content-Disposition: form-data; name="size"\r
                    \r
                    540P\r
                    --VPKTestBoundary7MA4YWxkTrZu0gW\r
                    Content-Disposition: form-data; name="input_reference"; filename="image-1.jpg"\r
                    Content-Type: image/jpeg\r
                    \r

                    """.utf8) + SampleImage.jpeg
                    + Data("\r\n--VPKTestBoundary7MA4YWxkTrZu0gW--\r\n".utf8))
        ] + fixedTiers + [
            // Bytes, a local file and a data URI all become `input_reference` file parts.
            form(
                VideoRequest(
                    model: "grok-video-3", prompt: "Animate",
                    images: [
                        .url(URL(string: SampleImage.dataURI(.png))!),
                        .file(SampleImage.file(.webp, named: "still.webp")),
                        .data(SampleImage.jpeg, format: .jpeg),
                    ]), "every image form as a file part",
                FormPart.videoFields(model: "grok-video-3", prompt: "Animate", seconds: "6") + [
                    .file("input_reference", filename: "image-1.png", type: "image/png", SampleImage.png),
                    .file("input_reference", filename: "still.webp", type: "image/webp", SampleImage.webp),
                    .file("input_reference", filename: "image-3.jpg", type: "image/jpeg", SampleImage.jpeg),
                ]),
            form(
                VideoRequest(
                    model: "grok-video-3-pro", prompt: "Rain", images: [.data(SampleImage.png)],
                    vendorOptions: ["user": "u-1", "enhance_prompt": true]), "vendor options after the images, sorted",
                FormPart.videoFields(model: "grok-video-3-pro", seconds: nil) + [
                    .file("input_reference", filename: "image-1.png", type: "image/png", SampleImage.png),
                    .text("enhance_prompt", "true"), .text("user", "u-1"),
                ]),
        ],
        refusals: [
            // The three rule kinds this table uses: minimum (with an assumed maximum), range and fixed.

            .seconds("grok-imagine-video", 0, allowed: "1–15 s"), .seconds("grok-imagine-video", 16, allowed: "1–15 s"),
            .seconds("grok-video-1.5", 5, allowed: "6–30 s"), .seconds("grok-video-3", 31, allowed: "6–30 s"),
            .seconds("grok-video-3-pro", 8, allowed: "fixed 10 s (field omitted)"),
            .seconds("grok-video-3-max", 10, allowed: "fixed 15 s (field omitted)"),
            // Custom ratios only where allowed; a preset of grok-imagine-video is refused by the family.
            .ratio("grok-video-3", "21:9", allowed: familyRatios),
            .ratio("grok-video-1.5", "4:3", allowed: familyRatios),
            .ratio("grok-video-1.5", "19.5:9", allowed: familyRatios),
            .resolution("grok-imagine-video", "1080p", allowed: "480p, 720p"),
            .resolution("grok-imagine-video", "540p", allowed: "480p, 720p"),
            .resolution("grok-video-3", "360p", allowed: familySizes),
            .resolution("grok-video-3-max", "2160p", allowed: familySizes),
            RefusalSample(
                VideoRequest(
                    model: "grok-imagine-video", prompt: "Rain",
                    images: Array(repeating: .data(SampleImage.png), count: 8)),
                [Violation(parameter: "images", value: "8 images", allowed: "at most 7")]),
            RefusalSample(
                VideoRequest(
                    model: "grok-video-3-pro", prompt: "Rain",
                    images: Array(repeating: .data(SampleImage.png), count: 8)),
                [Violation(parameter: "images", value: "8 images", allowed: "at most 7")]),
            // Neither encoding takes a URL for the gateway to fetch; the allowed text names the model's transport.
            .publicURL("grok-imagine-video", "https://example.com/a.jpg", allowed: "data-uri"),
            .publicURL("grok-video-1.5", "https://example.com/a.jpg", allowed: "multipart-file"),
            RefusalSample(
                VideoRequest(model: "grok-imagine-video", prompt: "\t"),
                [
                    Violation(
                        parameter: "prompt", value: "\"\t\"", allowed: "1–4096 characters",
                        reason: "the prompt is empty")
                ]),
            RefusalSample(
                VideoRequest(model: "grok-video-3", prompt: "\t"),
                [
                    Violation(
                        parameter: "prompt", value: "\"\t\"", allowed: "1–4096 characters",
                        reason: "the prompt is empty")
                ]),
            RefusalSample(
                VideoRequest(model: "grok-video-1.5", prompt: String(repeating: "x", count: 4097)),
                [Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")]),
            .unknownModel("grok_video3_stable", allowed: allModels),
            .unknownModel("grok-video-2", allowed: allModels), .unknownModel("sora-2", allowed: allModels),
            // Every problem at once, in order.
            RefusalSample(
                VideoRequest(
                    model: "grok-video-3-max", prompt: "", seconds: 6, aspectRatio: "4:3", resolution: .p1080,
                    images: [.url(URL(string: "https://example.com/a.jpg")!), .data(Data("nope".utf8))],
                    vendorOptions: ["size": "1080P"]),
                [
                    Violation(
                        parameter: "prompt", value: "\"\"", allowed: "1–4096 characters", reason: "the prompt is empty"),
                    Violation(parameter: "seconds", value: "6", allowed: "fixed 15 s (field omitted)"),
                    Violation(parameter: "aspect-ratio", value: "4:3", allowed: familyRatios),
                    Violation(
                        parameter: "images[0]", value: "https://example.com/a.jpg", allowed: "multipart-file",
                        reason: "grok-video-3-max does not fetch public URLs; pass the image as bytes or a file"),
                    Violation(
                        parameter: "images[1]", value: "4 bytes of unknown format", allowed: "jpeg, png, webp",
                        reason: "not a jpeg, png or webp image"),
                    Violation(
                        parameter: "vendor-options.size", value: "\"1080P\"",
                        allowed:
                            "any field but aspect_ratio, duration, image, image_urls, images, input_reference, model, "
                            + "prompt, reference_images, resolution, seconds, size",
                        reason: "the library sets 'size' itself; use the typed parameter"),
                ]),
        ],
        answers: [
            .status(
                "an unknown word kept", #"{"id":"video_1","status":"moderating"}"#,
                .snapshot(TaskSnapshot(taskID: "video_1", status: .unknown, rawStatus: "moderating"))),
            .status(
                "progress 64.5", #"{"id":"video_1","status":"processing","progress":64.5}"#,
                .snapshot(TaskSnapshot(taskID: "video_1", status: .processing, rawStatus: "processing", progress: 65))),
            // The page's response example, verbatim. It answers a request for "8" with "6"; the snapshot reports
            // what the gateway says, so a caller can see the disagreement.
            .submit(
                "the documented answer",
                """
                {
                  "id": "video_abc123",
                  "object": "video",
                  "model": "grok-imagine-video",
                  "status": "queued",
                  "progress": 0,
                  "created_at": 1735689600,
                  "seconds": "6",
                  "size": "720P",
                  "video_url": ""
                }
                """,
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_abc123", status: .queued, rawStatus: "queued", progress: 0, actualDuration: 6,
                        model: "grok-imagine-video"))),
            .submit(
                "a multipart model's answer",
                #"{"id":"video_p1","object":"video","model":"grok-video-3-pro","status":"queued","progress":0,"seconds":"10","size":"720P"}"#,
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_p1", status: .queued, rawStatus: "queued", progress: 0, actualDuration: 10,
                        model: "grok-video-3-pro"))),
            .submit(
                "new-api's error object",
                #"{"error":{"message":"model not allowed","type":"new_api_error","code":"model_denied"}}"#, http: 403,
                .error(ExpectedError(.authentication, code: "model_denied", message: "model not allowed"))),
            // An exhausted balance is its own kind (docs/real-gateways.md): it falls back, never "authentication".
            .submit(
                "an exhausted balance at HTTP 200", #"{"code":"quota_exceeded","message":"余额不足","data":null}"#,
                .error(ExpectedError(.quotaExceeded, code: "quota_exceeded", message: "余额不足"))),
            .status(
                "a finished task",
                #"{"id":"video_1","status":"completed","progress":"100%","seconds":"8","size":"720P","video_url":"https://files.duoyuanx.com/v/1.mp4"}"#,
                .completed("video_1", "https://files.duoyuanx.com/v/1.mp4", seconds: 8)),
            .status(
                "a finished task with the documented fields",
                #"{"id":"video_abc123","object":"video","model":"grok-video-3","status":"completed","progress":100,"created_at":1735689600,"seconds":"6","size":"720P","video_url":"https://files.duoyuanx.com/v/abc.mp4"}"#,
                taskID: "video_abc123",
                .completed("video_abc123", "https://files.duoyuanx.com/v/abc.mp4", seconds: 6, model: "grok-video-3")),
            .status(
                "failed with an error object",
                #"{"id":"video_1","status":"failed","error":{"message":"content rejected","code":"sensitive_words"}}"#,
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_1", status: .failed, rawStatus: "failed", errorMessage: "content rejected",
                        errorCode: "sensitive_words"))),
            .status(
                "a 503 page", "<html><head><title>503 Service Unavailable</title></head></html>", http: 503,
                headers: ["Content-Type": "text/html"],
                .error(ExpectedError(.serverError, message: "HTML page: 503 Service Unavailable"))),
            .status(
                "progress without a status", #"{"id":"video_1","progress":10}"#,
                .error(ExpectedError(.invalidResponse, exactly: "duoyuanx answered the status query without 'status'."))
            ),
            .status(
                "strange field types are ignored, not trusted",
                #"{"id":"video_1","status":"completed","video_url":false,"seconds":null,"progress":[],"size":{}}"#,
                ignoring: [.progress],
                .snapshot(TaskSnapshot(taskID: "video_1", status: .completed, rawStatus: "completed"))),
            .status(
                "a poll hint in milliseconds", #"{"id":"video_1","status":"queued"}"#,
                headers: ["openai-poll-after-ms": "10000"],
                .snapshot(
                    TaskSnapshot(taskID: "video_1", status: .queued, rawStatus: "queued", pollAfter: .seconds(10)))),
        ],
        sharedAnswerRules: SharedAnswerRules(),
        lifecycle: lifecycle)

    // Seed 004: grok-imagine-video takes JSON ("seconds" as a string, "480P and 720P", data URIs in image /
    // images; 8 s, 16:9 and 480P assumed as defaults); the grok-video family takes multipart (sizes "480P, 540P,
    // 720P, 1080P", 720P assumed; "10s for Pro tier, 15s for Max tier", sent without seconds).
    static let lifecycle = LifecycleConformance(
        submitURL: "https://duoyuanx.com/v1/videos", statusURL: "https://duoyuanx.com/v1/videos/{id}",
        contentURL: "https://duoyuanx.com/v1/videos/{id}/content", progress: .everyAnswer,
        json: .init(length: "seconds", lengthAsText: true),
        models: [
            ("grok-imagine-video", "8 s, 16:9, 480P", "12 s, 9:20, 720P"),
            ("grok-video-1.5", "6 s, 16:9, 720P", "20 s, 1:1, 540P"),
            ("grok-video-3", "6 s, 16:9, 720P", "30 s, 9:16, 480P"),
            ("grok-video-3-pro", "10 s unsent, 16:9, 720P", "10 s unsent, 2:3, 1080P"),
            ("grok-video-3-max", "15 s unsent, 16:9, 720P", "15 s unsent, 3:2, 540P"),
        ].map { .init($0, defaults: $1, settings: $2, images: [.bytes, .file, .dataURI]) },
        prompt: prompt,
        pageRules: [
            .init(
                loosening: "grok-imagine-video", of: DuoyuanxProvider(),
                { $0.resolutions = ResolutionRule(values: [.p480, .p720, .p1080], default: .p480) },
                request: VideoRequest(model: "grok-imagine-video", prompt: prompt, resolution: .p1080),
                vendorMessage:
                    "'resolution' '1080P' is not supported by grok-imagine-video; allowed: 480P, 720P, 480, 720.")
        ])
    /// The whole contract, one check per case.
    @Test(arguments: conformance.checks)
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }
}
