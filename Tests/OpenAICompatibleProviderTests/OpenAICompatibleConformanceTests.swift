import Foundation
import OpenAICompatibleProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The OpenAI-compatible provider against the provider contract, with the generic OpenAI-format page's examples
/// (seeds 002 and 004), through the client against the simulator; and the same provider behind new-api's xAI
/// channel, whose `/v1/videos` passes bodies to xAI unchanged (docs/real-gateways.md,
/// docs/providers/openai-compatible.md).
@Suite struct OpenAICompatibleConformanceTests {
    static let base = URL(string: "https://gateway.example.com")!
    static let prompt =
        "A city street in the early morning, sunlight filtering through leaves, camera slowly moving forward"
    static let fields = #""seconds":"8","aspect_ratio":"16:9","resolution":"480P""#

    static func json(_ name: String, _ request: VideoRequest, _ body: String) -> RequestSample {
        RequestSample(name, request, body: body)
    }

    static func refusal(_ request: VideoRequest, _ violations: Violation...) -> RefusalSample {
        RefusalSample(request, violations)
    }

    static func video(
        prompt: String = "Rain", seconds: Int? = nil, aspectRatio: AspectRatio? = nil, resolution: Resolution? = nil,
        images: [ImageInput] = []
    ) -> VideoRequest {
        VideoRequest(
            model: "grok-imagine-video", prompt: prompt, seconds: seconds, aspectRatio: aspectRatio,
            resolution: resolution, images: images)
    }

    static let conformance = ProviderConformance(
        provider: OpenAICompatibleProvider(), baseURL: base, submitPath: "/v1/videos", statusPath: "/v1/videos/{id}",
        content: .endpoint(path: "/v1/videos/{id}/content"),
        requests: [
            // The page's text-to-video example, field for field.
            json(
                "the documented example", video(prompt: prompt, seconds: 8, aspectRatio: "16:9", resolution: .p720),
                #"{"model":"grok-imagine-video","prompt":"\#(prompt)","seconds":"8","aspect_ratio":"16:9","resolution":"720P"}"#
            ),
            json(
                "every default written out", video(prompt: "A lighthouse at dusk"),
                #"{"model":"grok-imagine-video","prompt":"A lighthouse at dusk",\#(fields)}"#),
            json(
                "1 s as a JSON string", video(seconds: 1),
                #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"1","aspect_ratio":"16:9","resolution":"480P"}"#
            ),
            json(
                "15 s as a JSON string", video(seconds: 15),
                #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"15","aspect_ratio":"16:9","resolution":"480P"}"#
            ),
        ]
            + ["19.5:9", "9:20", "21:9", "2.39:1"].map { (ratio: AspectRatio) in
                json(
                    "the ratio \(ratio) sent as given", video(aspectRatio: ratio),
                    #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"8","aspect_ratio":"\#(ratio)","resolution":"480P"}"#
                )
            } + [
                json(
                    "one image in image", video(prompt: "Animate", seconds: 6, images: [.data(SampleImage.png)]),
                    #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"6","aspect_ratio":"16:9","resolution":"480P","image":"\#(SampleImage.dataURI(.png))"}"#
                ),
                json(
                    "several images in images",
                    video(
                        prompt: "Animate", seconds: 10, aspectRatio: "9:16", resolution: .p720,
                        images: [
                            .data(SampleImage.png), .data(SampleImage.jpeg, format: .jpeg),
                            .url(URL(string: SampleImage.dataURI(.webp))!),
                        ]),
                    #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"10","aspect_ratio":"9:16","resolution":"720P","images":["\#(SampleImage.dataURI(.png))","\#(SampleImage.dataURI(.jpeg))","\#(SampleImage.dataURI(.webp))"]}"#
                ),
                RequestSample(
                    "a local file streamed as a data URI",
                    video(prompt: "Animate", images: [.file(SampleImage.file(.jpeg, named: "reference.jpg"))]),
                    warningMessages: ["images[0] sent as data-uri (given as file): grok-imagine-video takes data-uri."],
                    body:
                        #"{"model":"grok-imagine-video","prompt":"Animate",\#(fields),"image":"\#(SampleImage.dataURI(.jpeg))"}"#
                ),
                json(
                    "seven images",
                    video(prompt: "Animate", images: Array(repeating: .data(SampleImage.png), count: 7)),
                    #"{"model":"grok-imagine-video","prompt":"Animate",\#(fields),"images":["#
                        + Array(repeating: "\"\(SampleImage.dataURI(.png))\"", count: 7).joined(separator: ",") + "]}"),
                RequestSample(
                    "vendor options after the typed fields, sorted",
                    VideoRequest(
                        model: "grok-imagine-video", prompt: "Rain", images: [.data(SampleImage.png)],
                        vendorOptions: ["watermark": false, "callback_url": "https://example.com/hook", "n": 1]),
                    body:
                        #"{"model":"grok-imagine-video","prompt":"Rain",\#(fields),"image":"\#(SampleImage.dataURI(.png))","callback_url":"https://example.com/hook","n":1,"watermark":false}"#
                ),
                json(
                    "the prompt escaped and kept as UTF-8", video(prompt: "Say \"hi\"\r\n猫咪 \\ 🐱\t"),
                    #"{"model":"grok-imagine-video","prompt":"Say \"hi\"\r\n猫咪 \\ 🐱\t",\#(fields)}"#),
            ],
        refusals: [
            // The `.minimum(1, max: 15)` rule: below the documented minimum and above the assumed maximum.
            refusal(video(seconds: 0), Violation(parameter: "seconds", value: "0", allowed: "1–15 s")),
            refusal(video(seconds: -3), Violation(parameter: "seconds", value: "-3", allowed: "1–15 s")),
            refusal(video(seconds: 16), Violation(parameter: "seconds", value: "16", allowed: "1–15 s")),
            refusal(video(seconds: 60), Violation(parameter: "seconds", value: "60", allowed: "1–15 s")),
            refusal(
                video(resolution: .p1080), Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p")),
            refusal(video(resolution: .p540), Violation(parameter: "resolution", value: "540p", allowed: "480p, 720p")),
            refusal(
                video(images: Array(repeating: .data(SampleImage.png), count: 8)),
                Violation(parameter: "images", value: "8 images", allowed: "at most 7")),
            // The gateway takes data URIs only, and the library never fetches an image on the user's behalf.
            refusal(
                video(images: [.data(SampleImage.png), .url(URL(string: "https://example.com/cat.png")!)]),
                Violation(
                    parameter: "images[1]", value: "https://example.com/cat.png", allowed: "data-uri",
                    reason: "grok-imagine-video does not fetch public URLs; pass the image as bytes or a file")),
            refusal(
                video(prompt: "\n "),
                Violation(
                    parameter: "prompt", value: "\"\n \"", allowed: "1–4096 characters", reason: "the prompt is empty")),
            // "Up to 4096 characters", counted in Unicode scalars: an emoji is one.
            refusal(
                video(prompt: String(repeating: "🐱", count: 4097)),
                Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")),
            RefusalSample(
                VideoRequest(model: "grok-video-3", prompt: "Rain"), kind: .unknownModel,
                [Violation(parameter: "model", value: "grok-video-3", allowed: "grok-imagine-video")]),
            refusal(
                video(
                    prompt: "", seconds: 20, resolution: .p1080,
                    images: [.url(URL(string: "https://example.com/a.png")!)]),
                Violation(
                    parameter: "prompt", value: "\"\"", allowed: "1–4096 characters", reason: "the prompt is empty"),
                Violation(parameter: "seconds", value: "20", allowed: "1–15 s"),
                Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p"),
                Violation(
                    parameter: "images[0]", value: "https://example.com/a.png", allowed: "data-uri",
                    reason: "grok-imagine-video does not fetch public URLs; pass the image as bytes or a file")),
        ]
            + ["seconds", "image", "images", "resolution"].map { key in
                RefusalSample(
                    VideoRequest(model: "grok-imagine-video", prompt: "Rain", vendorOptions: [key: "x"]),
                    [
                        Violation(
                            parameter: "vendor-options.\(key)", value: #""x""#,
                            allowed:
                                "any field but aspect_ratio, duration, image, image_urls, images, input_reference, "
                                + "model, prompt, reference_images, resolution, seconds, size",
                            reason: "the library sets '\(key)' itself; use the typed parameter")
                    ])
            },
        adjustments: [
            AdjustmentSample(
                video(seconds: 16), seconds: 15, warnings: ["seconds"],
                messages: ["seconds 16 adjusted to 15: grok-imagine-video allows 1–15 s."]),
            AdjustmentSample(
                video(seconds: 90), seconds: 15, warnings: ["seconds"],
                messages: ["seconds 90 adjusted to 15: grok-imagine-video allows 1–15 s."]),
            AdjustmentSample(video(resolution: .p1080), resolution: .p720, warnings: ["resolution"]),
        ],
        answers: [
            // The page's response example (seed 004's copy of it, which has every documented field).
            .submit(
                "the documented answer",
                #"{"id":"video_abc123","object":"video","model":"grok-imagine-video","status":"queued","progress":0,"created_at":1735689600,"seconds":"6","size":"720P","video_url":""}"#,
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_abc123", status: .queued, rawStatus: "queued", progress: 0, actualDuration: 6,
                        model: "grok-imagine-video"))),
            .submit(
                "an empty id", #"{"id":"","status":"queued"}"#,
                .error(
                    ExpectedError(
                        .invalidResponse, exactly: "openai-compatible answered the video submission without 'id'."))),
            .submit(
                "a null id", #"{"id":null}"#,
                .error(
                    ExpectedError(
                        .invalidResponse, exactly: "openai-compatible answered the video submission without 'id'."))),
            .submit(
                "new-api's error object",
                #"{"error":{"message":"Invalid token","type":"new_api_error","code":"invalid_api_key"}}"#, http: 401,
                .error(ExpectedError(.authentication, code: "invalid_api_key", message: "Invalid token"))),
            .submit(
                "rate limited, with Retry-After", #"{"error":{"message":"rate limit","type":"rate_limit"}}"#, http: 429,
                headers: ["Retry-After": "30"],
                .error(ExpectedError(.rateLimited, code: "rate_limit", message: "rate limit", retryAfter: .seconds(30)))
            ),
            AnswerSample(
                "a sign-in page at HTTP 200", .submit,
                HTTPResponse(
                    status: 200, headers: ["Content-Type": "text/html"],
                    body: Data("<!DOCTYPE html><html><title>Sign in</title></html>".utf8)),
                .error(
                    ExpectedError(
                        .invalidResponse,
                        exactly:
                            "openai-compatible answered the video submission with an HTML page (Sign in) instead of JSON."
                    ))),
            AnswerSample(
                "a finished task with every documented field", .status(taskID: "video_abc123"),
                HTTPResponse(
                    status: 200, headers: ["Content-Type": "application/json"],
                    body: Data(
                        #"{"id":"video_abc123","object":"video","model":"grok-imagine-video","status":"completed","progress":"100%","created_at":1735689600,"seconds":"8","size":"720P","video_url":"https://cdn.example.com/v.mp4","error":null}"#
                            .utf8)),
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_abc123", status: .completed, rawStatus: "completed", progress: 100,
                        videoURL: URL(string: "https://cdn.example.com/v.mp4"), actualDuration: 8,
                        model: "grok-imagine-video"))),
        ],
        sharedAnswerRules: SharedAnswerRules(),
        // Seed 002: "Minimum is 1 second" (8 s default and 15 s assumed), 13 presets "as well as custom
        // number:number ratios", "480P and 720P", data URIs in image / images, progress in every answer.
        lifecycle: LifecycleConformance(
            registeredBaseURL: GatewaySimulator.Gateway.openAICompatibleBaseURL,
            submitURL: "https://openai-compatible.simulator.invalid/v1/videos",
            statusURL: "https://openai-compatible.simulator.invalid/v1/videos/{id}",
            contentURL: "https://openai-compatible.simulator.invalid/v1/videos/{id}/content", progress: .everyAnswer,
            json: .init(length: "seconds", lengthAsText: true),
            models: [
                .init(
                    "grok-imagine-video", defaults: "8 s, 16:9, 480P", settings: "5 s, 21:9, 720P",
                    images: [.bytes, .file, .dataURI])
            ],
            prompt: "A lighthouse at dusk, waves breaking on the rocks, slow aerial orbit",
            pageRules: [
                .init(
                    loosening: "grok-imagine-video", of: OpenAICompatibleProvider(),
                    { $0.resolutions = ResolutionRule(values: [.p480, .p720, .p1080], default: .p480) },
                    request: VideoRequest(
                        model: "grok-imagine-video",
                        prompt: "A lighthouse at dusk, waves breaking on the rocks, slow aerial orbit",
                        resolution: .p1080),
                    vendorMessage:
                        "'resolution' '1080P' is not supported by grok-imagine-video; allowed: 480P, 720P, 480, 720.")
            ]))

    /// Behind new-api's xAI channel: xAI's body (`duration`, lower-case `resolution`, `image: {url}`,
    /// `reference_images`), xAI's seven ratios, and the answer read from `request_id`.
    static let xAIChannel = ProviderConformance(
        provider: OpenAICompatibleProvider(upstream: .xAIChannel), baseURL: base, submitPath: "/v1/videos",
        statusPath: "/v1/videos/{id}", content: .endpoint(path: "/v1/videos/{id}/content"),
        requests: [
            json(
                "text-to-video is xAI's body", video(seconds: 6, resolution: .p720),
                #"{"model":"grok-imagine-video","prompt":"Rain","duration":6,"aspect_ratio":"16:9","resolution":"720p"}"#
            ),
            json(
                "one image is an object with a URL",
                video(prompt: "Animate", seconds: 6, images: [.data(SampleImage.png)]),
                #"{"model":"grok-imagine-video","prompt":"Animate","duration":6,"aspect_ratio":"16:9","resolution":"480p","image":{"url":"\#(SampleImage.dataURI(.png))"}}"#
            ),
            json(
                "several images are reference images",
                video(prompt: "Mix", seconds: 6, images: [.data(SampleImage.png), .data(SampleImage.jpeg)]),
                #"{"model":"grok-imagine-video","prompt":"Mix","duration":6,"aspect_ratio":"16:9","resolution":"480p","reference_images":[{"url":"\#(SampleImage.dataURI(.png))"},{"url":"\#(SampleImage.dataURI(.jpeg))"}]}"#
            ),
        ],
        // The OpenAI-format page's 13 presets and `W:H` are refused before anything is sent.
        refusals: [
            refusal(
                video(aspectRatio: "21:9"),
                Violation(parameter: "aspect-ratio", value: "21:9", allowed: "1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3"))
        ],
        answers: [
            .submit(
                "the answer read from request_id", #"{"request_id":"task_public","status":"pending"}"#,
                .snapshot(TaskSnapshot(taskID: "task_public", status: .queued, rawStatus: "pending")))
        ])

    /// The whole contract, one check per case.
    @Test(arguments: conformance.checks + xAIChannel.checks)
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }
}
