import Foundation
import OctopusXProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// OctopusX against the provider contract, with seed 003's examples (its "Grok Video Generation" page), and
/// every model through the client against the simulator, which reads the multipart wire with its own reader.
@Suite struct OctopusXConformanceTests {
    static let base = URL(string: "https://octopusx.ai")!
    static let boundary = "VPKTestBoundary7MA4YWxkTrZu0gW"
    /// Seed 003's example prompt.
    static let prompt = "猫咪听歌摇头晃脑,下大雨"
    static let ratios = "16:9, 9:16, 2:3, 3:2, 1:1"
    static let models = "grok-video-3, grok-video-3-pro, grok-video-3-max"

    static func form(_ request: VideoRequest, _ name: String, warnings: [String]? = nil, _ parts: [FormPart])
        -> RequestSample
    {
        RequestSample(name, request, warnings: warnings, boundary: boundary, parts: parts)
    }

    static func png(_ name: String = "image-1.png") -> FormPart {
        .file("input_reference", filename: name, type: "image/png", SampleImage.png)
    }

    /// The document's curl example (`-F model=grok-video-3 … -F input_reference=@reference.png`), byte for
    /// byte, spelled out without helpers.
    static let documentedExample = RequestSample(
        "the documented example",
        VideoRequest(
            model: "grok-video-3", prompt: prompt, seconds: 6, aspectRatio: "2:3", resolution: .p720,
            images: [.file(SampleImage.file(.png, named: "reference.png"))]),
        bytes: Data(
            ("--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"model\"\r\n\r\ngrok-video-3\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"prompt\"\r\n\r\n猫咪听歌摇头晃脑,下大雨\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"aspect_ratio\"\r\n\r\n2:3\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"seconds\"\r\n\r\n6\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"size\"\r\n\r\n720P\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"input_reference\"; filename=\"reference.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").utf8) + SampleImage.png
            + Data("\r\n--VPKTestBoundary7MA4YWxkTrZu0gW--\r\n".utf8))

    @Test func theDocumentedExampleIs734Bytes() {
        #expect(Self.documentedExample.body.count == 734)
        let parts = FormPart.videoFields(model: "grok-video-3", prompt: Self.prompt, aspectRatio: "2:3", seconds: "6")
        #expect(
            FormPart.body(parts + [Self.png("reference.png")], boundary: Self.boundary) == Self.documentedExample.body)
    }

    static let conformance = ProviderConformance(
        provider: OctopusXProvider(), baseURL: base, boundary: boundary, submitPath: "/v1/videos",
        statusPath: "/v1/videos/{id}", content: .endpoint(path: "/v1/videos/{id}/content"),
        requests: [
            documentedExample,
            form(
                VideoRequest(model: "grok-video-3", prompt: "Rain"), "text-to-video defaults written out",
                FormPart.videoFields(model: "grok-video-3", seconds: "6")),
            form(
                VideoRequest(model: "grok-video-3-pro", prompt: "Rain", aspectRatio: "9:16", resolution: .p1080),
                "pro leaves out seconds",
                FormPart.videoFields(model: "grok-video-3-pro", aspectRatio: "9:16", seconds: nil, size: "1080P")),
            form(
                VideoRequest(model: "grok-video-3-max", prompt: "Rain", aspectRatio: "9:16", resolution: .p1080),
                "max leaves out seconds",
                FormPart.videoFields(model: "grok-video-3-max", aspectRatio: "9:16", seconds: nil, size: "1080P")),
            form(
                VideoRequest(model: "grok-video-3-pro", prompt: "Rain", seconds: 10), "pro at its fixed length",
                FormPart.videoFields(model: "grok-video-3-pro", seconds: nil)),
            form(
                VideoRequest(model: "grok-video-3-max", prompt: "Rain", seconds: 15), "max at its fixed length",
                FormPart.videoFields(model: "grok-video-3-max", seconds: nil)),
            form(
                VideoRequest(model: "grok_video3", prompt: "Rain"), "an alias sent as the native name",
                FormPart.videoFields(model: "grok-video-3", seconds: "6")),
            form(
                VideoRequest(model: "grok_video3_pro", prompt: "Rain"), "the pro alias sent as the native name",
                FormPart.videoFields(model: "grok-video-3-pro", seconds: nil)),
            form(
                VideoRequest(model: "grok_video3_max", prompt: "Rain"), "the max alias sent as the native name",
                FormPart.videoFields(model: "grok-video-3-max", seconds: nil)),
            // Bytes, a local file and a data URI all become `input_reference` file parts, in order; only the
            // data URI changed form, and that is reported.
            form(
                VideoRequest(
                    model: "grok-video-3", prompt: "Animate", seconds: 12,
                    images: [
                        .data(SampleImage.png), .file(SampleImage.file(.jpeg, named: "ref.jpg")),
                        .url(URL(string: SampleImage.dataURI(.webp))!),
                    ]), "every image form as a file part", warnings: ["images[2]"],
                FormPart.videoFields(model: "grok-video-3", prompt: "Animate", seconds: "12") + [
                    png(), .file("input_reference", filename: "ref.jpg", type: "image/jpeg", SampleImage.jpeg),
                    .file("input_reference", filename: "image-3.webp", type: "image/webp", SampleImage.webp),
                ]),
            form(
                VideoRequest(
                    model: "grok-video-3-max", prompt: "Rain",
                    images: Array(repeating: .data(SampleImage.jpeg), count: 7)
                ), "seven images are seven parts",
                FormPart.videoFields(model: "grok-video-3-max", seconds: nil)
                    + (1...7).map {
                        .file("input_reference", filename: "image-\($0).jpg", type: "image/jpeg", SampleImage.jpeg)
                    }),
            form(
                VideoRequest(
                    model: "grok-video-3-pro", prompt: "Rain",
                    images: [.file(SampleImage.file(.png, named: "my \"ref\".png"))]),
                "a file name escaped by the form-encoding rules",
                FormPart.videoFields(model: "grok-video-3-pro", seconds: nil) + [png("my %22ref%22.png")]),
            // Strings as themselves, other values as compact JSON, null left out; sorted, after the images.
            form(
                VideoRequest(
                    model: "grok-video-3", prompt: "Rain", images: [.data(SampleImage.png)],
                    vendorOptions: [
                        "watermark": false, "callback_url": "https://example.com/hook", "n": 1, "extra": nil,
                        "meta": ["b": 2, "a": "x"],
                    ]), "vendor options as text parts",
                FormPart.videoFields(model: "grok-video-3", seconds: "6") + [
                    png(), .text("callback_url", "https://example.com/hook"), .text("meta", #"{"a":"x","b":2}"#),
                    .text("n", "1"), .text("watermark", "false"),
                ]),
            form(
                VideoRequest(model: "grok-video-3", prompt: "Say \"hi\"\r\n猫咪 \\ 🐱", seconds: 30),
                "the prompt sent raw as UTF-8",
                FormPart.videoFields(model: "grok-video-3", prompt: "Say \"hi\"\r\n猫咪 \\ 🐱", seconds: "30")),
        ],
        refusals: [
            .seconds("grok-video-3", 5, allowed: "6–30 s"), .seconds("grok-video-3", 31, allowed: "6–30 s"),
            .seconds("grok-video-3", 0, allowed: "6–30 s"),
            .seconds("grok-video-3-pro", 8, allowed: "fixed 10 s (field omitted)"),
            .seconds("grok-video-3-pro", 15, allowed: "fixed 10 s (field omitted)"),
            .seconds("grok-video-3-max", 10, allowed: "fixed 15 s (field omitted)"),
            .ratio("grok-video-3", "4:3", allowed: ratios), .ratio("grok-video-3-pro", "21:9", allowed: ratios),
            .ratio("grok-video-3-max", "19.5:9", allowed: ratios),
            .resolution("grok-video-3", "480p", allowed: "720p, 1080p"),
            .resolution("grok-video-3-max", "540p", allowed: "720p, 1080p"),
            .images("grok-video-3", 8, of: .data(SampleImage.png), max: 7),
            .images("grok-video-3-pro", 8, of: .data(SampleImage.png), max: 7),
            .publicURL("grok-video-3-max", "https://example.com/cat.png", allowed: "multipart-file"),
            RefusalSample(
                VideoRequest(
                    model: "grok-video-3", prompt: "Rain",
                    images: [.file(URL(fileURLWithPath: "/nonexistent/octopusx/ref.png"))]),
                [
                    Violation(
                        parameter: "images[0]", value: "/nonexistent/octopusx/ref.png",
                        allowed: "a readable jpeg, png or webp file",
                        reason: "cannot open the file: No such file or directory (ENOENT)")
                ]),
            RefusalSample(
                VideoRequest(model: "grok-video-3-max", prompt: String(repeating: "猫", count: 4097)),
                [Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")]),
            .unknownModel("grok-imagine-video", allowed: models),
            .unknownModel("grok_video3_stable", allowed: models),
            .unknownModel("grok-video-1.5", allowed: models),
            // Every problem at once, in order.
            RefusalSample(
                VideoRequest(
                    model: "grok-video-3-pro", prompt: " ", seconds: 6, aspectRatio: "4:3", resolution: .p480,
                    images: [.url(URL(string: "https://example.com/a.png")!)]
                        + Array(repeating: .data(SampleImage.png), count: 7)),
                [
                    Violation(
                        parameter: "prompt", value: #"" ""#, allowed: "1–4096 characters", reason: "the prompt is empty"
                    ),
                    Violation(parameter: "seconds", value: "6", allowed: "fixed 10 s (field omitted)"),
                    Violation(parameter: "aspect-ratio", value: "4:3", allowed: ratios),
                    Violation(parameter: "resolution", value: "480p", allowed: "720p, 1080p"),
                    Violation(parameter: "images", value: "8 images", allowed: "at most 7"),
                    Violation(
                        parameter: "images[0]", value: "https://example.com/a.png", allowed: "multipart-file",
                        reason: "grok-video-3-pro does not fetch public URLs; pass the image as bytes or a file"),
                ]),
        ],
        adjustments: [
            .seconds("grok-video-3", 3, to: 6), .seconds("grok-video-3", 45, to: 30),
            .seconds("grok-video-3-pro", 6, to: 10), .seconds("grok-video-3-max", 30, to: 15),
            AdjustmentSample(
                VideoRequest(model: "grok-video-3", prompt: "Rain", aspectRatio: "4:3", resolution: .p480),
                aspectRatio: "3:2", resolution: .p720, warnings: ["aspect-ratio", "resolution"]),
        ],
        answers: [
            // The page's response example, verbatim; no `seconds` and no `video_url`: both stay unknown.
            .submit(
                "the documented answer",
                """
                {
                  "id": "video_abc123",
                  "object": "video",
                  "model": "grok-video-3",
                  "status": "queued",
                  "progress": 0,
                  "created_at": 1735689600,
                  "size": "720P"
                }
                """,
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_abc123", status: .queued, rawStatus: "queued", progress: 0, model: "grok-video-3"
                    ))),
            .status(
                "the documented answer as a status",
                #"{"id":"video_abc123","object":"video","model":"grok-video-3","status":"queued","progress":0,"created_at":1735689600,"size":"720P"}"#,
                taskID: "video_abc123",
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_abc123", status: .queued, rawStatus: "queued", progress: 0, model: "grok-video-3"
                    ))),
            // The server fixes -pro and -max; its `seconds` echo says what it chose.
            .status(
                "an unknown word kept", #"{"id":"video_1","status":"rendering_v2"}"#,
                .snapshot(TaskSnapshot(taskID: "video_1", status: .unknown, rawStatus: "rendering_v2"))),
            .submit(
                "a fixed tier echoes its length",
                #"{"id":"video_2","object":"video","model":"grok-video-3-max","status":"queued","seconds":15}"#,
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_2", status: .queued, rawStatus: "queued", actualDuration: 15,
                        model: "grok-video-3-max"))),
            .submit(
                "new-api's error object",
                #"{"error":{"message":"无效的令牌","type":"new_api_error","code":"invalid_api_key"}}"#,
                http: 401, .error(ExpectedError(.authentication, code: "invalid_api_key", message: "无效的令牌"))),
            .submit(
                "the code/message/data shape",
                #"{"code":"invalid_request","message":"size must be 720P or 1080P","data":null}"#,
                http: 400,
                .error(ExpectedError(.vendorRejected, code: "invalid_request", message: "size must be 720P or 1080P"))),
            .status(
                "a finished task",
                #"{"id":"video_1","object":"video","model":"grok-video-3-pro","status":"completed","progress":100,"seconds":"10","size":"1080P","video_url":"https://cdn.octopusx.ai/v/1.mp4"}"#,
                .completed("video_1", "https://cdn.octopusx.ai/v/1.mp4", seconds: 10, model: "grok-video-3-pro")),
            .status(
                "a finished task with the documented fields",
                #"{"id":"video_abc123","object":"video","model":"grok-video-3","status":"completed","progress":100,"created_at":1735689600,"seconds":"6","size":"720P","video_url":"https://cdn.example.com/v.mp4"}"#,
                taskID: "video_abc123",
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_abc123", status: .completed, rawStatus: "completed", progress: 100,
                        videoURL: URL(string: "https://cdn.example.com/v.mp4"), actualDuration: 6, model: "grok-video-3"
                    ))),
            .status(
                "failed with an error object",
                #"{"id":"video_1","status":"failed","error":{"message":"upstream busy","code":"upstream_error"}}"#,
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_1", status: .failed, rawStatus: "failed", errorMessage: "upstream busy",
                        errorCode: "upstream_error"))),
            .status(
                "not found in the code/message/data shape",
                #"{"code":"task_not_exist","message":"task not found","data":null}"#,
                http: 404, .error(ExpectedError(.notFound, code: "task_not_exist", message: "task not found"))),
            .status(
                "a poll hint in milliseconds", #"{"id":"video_1","status":"queued"}"#,
                headers: ["openai-poll-after-ms": "1500"],
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_1", status: .queued, rawStatus: "queued", pollAfter: .milliseconds(1500)))),
            .status(
                "strange field types are ignored, not trusted",
                #"{"id":"video_1","status":"completed","video_url":7,"seconds":[10],"progress":"x","model":{}}"#,
                ignoring: [.progress],
                .snapshot(TaskSnapshot(taskID: "video_1", status: .completed, rawStatus: "completed"))),
            .status(
                "progress 99.4", #"{"id":"video_1","status":"processing","progress":99.4}"#,
                .snapshot(TaskSnapshot(taskID: "video_1", status: .processing, rawStatus: "processing", progress: 99))),
        ],
        sharedAnswerRules: SharedAnswerRules(),
        // Seed 003: "grok-video-3-pro will be automatically fixed to 10 seconds, and grok-video-3-max will be
        // automatically fixed to 15 seconds" (sent without `seconds`); grok-video-3 "is processed according to the
        // actual parameters passed" (6–30 s with default 6 assumed; the example sends 6); ratios "16:9, 9:16, 2:3,
        // 3:2, and 1:1" (16:9 default assumed); sizes "720P or 1080P" (720P default assumed). "input_reference:
        // Reference image file. Can be passed multiple times": bytes, files and data URIs become file parts.
        lifecycle: LifecycleConformance(
            submitURL: "https://octopusx.ai/v1/videos", statusURL: "https://octopusx.ai/v1/videos/{id}",
            contentURL: "https://octopusx.ai/v1/videos/{id}/content", progress: .everyAnswer,
            models: [
                .init(
                    "grok-video-3", defaults: "6 s, 16:9, 720P", settings: "15 s, 2:3, 1080P",
                    images: [.bytes, .file, .dataURI]),
                .init(
                    "grok-video-3-pro", defaults: "10 s unsent, 16:9, 720P", settings: "10 s unsent, 3:2, 1080P",
                    images: [.bytes, .file, .dataURI]),
                .init(
                    "grok-video-3-max", defaults: "15 s unsent, 16:9, 720P", settings: "15 s unsent, 1:1, 720P",
                    images: [.bytes, .file, .dataURI]),
            ],
            prompt: prompt,
            pageRules: [
                .init(
                    loosening: "grok-video-3", of: OctopusXProvider(),
                    {
                        $0.aspectRatios = AspectRatioRule(
                            values: ["16:9", "9:16", "2:3", "3:2", "1:1", "4:3"], default: "16:9")
                    },
                    request: VideoRequest(model: "grok-video-3", prompt: prompt, aspectRatio: "4:3"),
                    vendorMessage:
                        "'aspect_ratio' '4:3' is not supported by grok-video-3; allowed: 16:9, 9:16, 2:3, 3:2, 1:1.")
            ]))

    /// The whole contract, one check per case.
    @Test(arguments: conformance.checks)
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }
}
