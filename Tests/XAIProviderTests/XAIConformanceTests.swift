import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting
import XAIProvider

/// xAI against the provider contract, with the examples of xAI's REST reference, SDK and docs
/// (`docs/providers/xai.md`), and both models through the client against the simulator.
@Suite struct XAIConformanceTests {
    static let base = URL(string: "https://api.x.ai")!
    static let requestID = "aa87081b-1a29-d8a6-e5bf-5807e3a7a561"
    /// Not an image xAI takes: a GIF header (12 bytes).
    static let gif = Data("GIF89a".utf8) + Data([0x01, 0x00, 0x01, 0x00, 0x80, 0x00])
    static let ratios = "1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3"
    static let defaults = #""aspect_ratio":"16:9","resolution":"480p""#

    static func video(
        _ model: String = "grok-imagine-video", prompt: String = "Rain", seconds: Int? = nil,
        aspectRatio: AspectRatio? = nil, resolution: Resolution? = nil, images: [ImageInput] = [],
        vendorOptions: [String: JSONValue] = [:]
    ) -> VideoRequest {
        VideoRequest(
            model: model, prompt: prompt, seconds: seconds, aspectRatio: aspectRatio, resolution: resolution,
            images: images, vendorOptions: vendorOptions)
    }

    static func url(_ text: String) -> ImageInput { .url(URL(string: text)!) }

    static func failure(_ kind: VideoProviderError.Kind, code: String? = nil, message: String? = nil)
        -> AnswerSample
        .Outcome
    {
        .error(ExpectedError(kind, code: code, message: message))
    }

    static func exactly(_ message: String) -> AnswerSample.Outcome {
        .error(ExpectedError(.invalidResponse, exactly: message))
    }

    static let requests: [RequestSample] =
        [
            // docs.x.ai's quick start: duration 10, 16:9, 720p.
            RequestSample(
                "the documented example",
                video(
                    prompt: "A glowing crystal-powered rocket launching from the red dunes of Mars", seconds: 10,
                    aspectRatio: "16:9", resolution: .p720),
                body:
                    #"{"model":"grok-imagine-video","prompt":"A glowing crystal-powered rocket launching from the red dunes of Mars","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
            ),
            RequestSample(
                "every default written out", video(prompt: "A cat playing"),
                body: #"{"model":"grok-imagine-video","prompt":"A cat playing","duration":8,\#(defaults)}"#),
            RequestSample(
                "one public URL in an image object",
                video(prompt: "Animate the photo", images: [url("https://example.com/photos/cat.jpg?size=large&v=2")]),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Animate the photo","duration":8,\#(defaults),"image":{"url":"https://example.com/photos/cat.jpg?size=large&v=2"}}"#
            ),
            RequestSample(
                "bytes as a data URI in the image object", video(prompt: "Animate", images: [.data(SampleImage.png)]),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Animate","duration":8,\#(defaults),"image":{"url":"\#(SampleImage.dataURI(.png))"}}"#
            ),
            RequestSample(
                "a data URI sent as the same data URI",
                video(prompt: "Animate", seconds: 5, images: [url(SampleImage.dataURI(.jpeg))]),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Animate","duration":5,\#(defaults),"image":{"url":"\#(SampleImage.dataURI(.jpeg))"}}"#
            ),
            RequestSample(
                "a local file streamed as a data URI",
                video(prompt: "Animate", images: [.file(SampleImage.file(.webp, named: "still.webp"))]),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Animate","duration":8,\#(defaults),"image":{"url":"\#(SampleImage.dataURI(.webp))"}}"#
            ),
            RequestSample(
                "several images are reference images, in order",
                video(
                    prompt: "The model from <IMAGE_1> wears the shirt from <IMAGE_2>", seconds: 10, aspectRatio: "9:16",
                    resolution: .p720,
                    images: [
                        url("https://example.com/model.png"), .data(SampleImage.png),
                        .data(SampleImage.jpeg, format: .jpeg),
                    ]),
                body:
                    #"{"model":"grok-imagine-video","prompt":"The model from <IMAGE_1> wears the shirt from <IMAGE_2>","duration":10,"aspect_ratio":"9:16","resolution":"720p","reference_images":[{"url":"https://example.com/model.png"},{"url":"\#(SampleImage.dataURI(.png))"},{"url":"\#(SampleImage.dataURI(.jpeg))"}]}"#
            ),
            RequestSample(
                "seven reference images",
                video(prompt: "Seven", seconds: 6, images: (1...7).map { url("https://example.com/\($0).png") }),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Seven","duration":6,\#(defaults),"reference_images":["#
                    + (1...7).map { #"{"url":"https://example.com/\#($0).png"}"# }.joined(separator: ",") + "]}"),
            RequestSample(
                "vendor options after the typed fields, sorted",
                video(
                    seconds: 6,
                    vendorOptions: [
                        "user": "user-42", "generate_audio": false,
                        "output": ["upload_url": "https://bucket.example.com/put?sig=1"],
                    ]),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Rain","duration":6,\#(defaults),"generate_audio":false,"output":{"upload_url":"https://bucket.example.com/put?sig=1"},"user":"user-42"}"#
            ),
            RequestSample(
                "the prompt escaped and kept as UTF-8", video(prompt: "Say \"hi\"\n猫 \\ 🐱\t\u{1}", seconds: 3),
                body:
                    #"{"model":"grok-imagine-video","prompt":"Say \"hi\"\n猫 \\ 🐱\t\u0001","duration":3,\#(defaults)}"#),
        ]
        + [(1, "1:1", Resolution.p480), (15, "2:3", .p720), (6, "4:3", .p720)].map {
            (seconds: Int, ratio: AspectRatio, resolution: Resolution) in
            RequestSample(
                "\(seconds) s, \(ratio), \(resolution) as given",
                video(
                    "grok-imagine-video-1.5", prompt: "Waves", seconds: seconds, aspectRatio: ratio,
                    resolution: resolution),
                body:
                    #"{"model":"grok-imagine-video-1.5","prompt":"Waves","duration":\#(seconds),"aspect_ratio":"\#(ratio)","resolution":"\#(resolution)"}"#
            )
        }

    static let refusals: [RefusalSample] =
        [0, 16, 30, -1].map { (seconds: Int) in
            RefusalSample(
                video(seconds: seconds), [Violation(parameter: "seconds", value: "\(seconds)", allowed: "1–15 s")],
                message:
                    "Invalid request for grok-imagine-video on xai: seconds = \(seconds) is not allowed; allowed: 1–15 s."
            )
        }
        + ["21:9", "2:1", "19.5:9", "16:10"].map { (ratio: AspectRatio) in
            RefusalSample(
                video(aspectRatio: ratio),
                [Violation(parameter: "aspect-ratio", value: ratio.rawValue, allowed: ratios)])
        }
        + ["grok-imagine-video", "grok-imagine-video-1.5"].map { model in
            RefusalSample(
                video(model, resolution: .p1080),
                [Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p")])
        }
        + [11, 15].map { (seconds: Int) in
            // A rule of the capability table, so validation (and routing) refuses it before any request is built.
            RefusalSample(
                video(
                    prompt: "Two refs", seconds: seconds,
                    images: [url("https://example.com/a.png"), url("https://example.com/b.png")]),
                [
                    Violation(
                        parameter: "seconds", value: "\(seconds)", allowed: "1–10 s with 2–7 images",
                        reason: "reference-to-video is limited to 10 s")
                ])
        }
        + ["", "   ", "\n\t"].map { prompt in
            RefusalSample(
                video(prompt: prompt),
                [
                    Violation(
                        parameter: "prompt", value: "\"\(prompt)\"", allowed: "1–4096 characters",
                        reason: "the prompt is empty")
                ])
        }
        + [
            RefusalSample(
                video(images: (1...8).map { url("https://example.com/\($0).jpg") }),
                [Violation(parameter: "images", value: "8 images", allowed: "at most 7")]),
            RefusalSample(
                video(images: [.data(gif)]),
                [
                    Violation(
                        parameter: "images[0]", value: "12 bytes of unknown format", allowed: "jpeg, png, webp",
                        reason: "not a jpeg, png or webp image")
                ]),
            RefusalSample(
                video(prompt: String(repeating: "a", count: 4097)),
                [Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")]),
            RefusalSample(
                video("grok-video-3"), kind: .unknownModel,
                [
                    Violation(
                        parameter: "model", value: "grok-video-3", allowed: "grok-imagine-video, grok-imagine-video-1.5"
                    )
                ]),
            RefusalSample(
                video(
                    "grok-imagine-video-1.5", prompt: "", seconds: 20, aspectRatio: "21:9", resolution: .p1080,
                    images: [.data(gif), url("https://example.com/ok.png")], vendorOptions: ["image": "x"]),
                [
                    Violation(
                        parameter: "prompt", value: "\"\"", allowed: "1–4096 characters", reason: "the prompt is empty"),
                    Violation(parameter: "seconds", value: "20", allowed: "1–15 s"),
                    Violation(parameter: "aspect-ratio", value: "21:9", allowed: ratios),
                    Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p"),
                    Violation(
                        parameter: "images[0]", value: "12 bytes of unknown format", allowed: "jpeg, png, webp",
                        reason: "not a jpeg, png or webp image"),
                    Violation(
                        parameter: "vendor-options.image", value: #""x""#,
                        allowed:
                            "any field but aspect_ratio, duration, image, image_urls, images, input_reference, model, "
                            + "prompt, reference_images, resolution, seconds, size",
                        reason: "the library sets 'image' itself; use the typed parameter"),
                ],
                message: "Invalid request for grok-imagine-video-1.5 on xai: 6 problems: "
                    + "prompt, seconds, aspect-ratio, resolution, images[0], vendor-options.image."),
        ]

    static let conformance = ProviderConformance(
        provider: XAIProvider(), baseURL: base, submitPath: "/v1/videos/generations", statusPath: "/v1/videos/{id}",
        content: .videoURL, requests: requests, refusals: refusals,
        adjustments: [16, 90].map { (seconds: Int) in
            AdjustmentSample(
                video(seconds: seconds), seconds: 15, warnings: ["seconds"],
                messages: ["seconds \(seconds) adjusted to 15: grok-imagine-video allows 1–15 s."])
        } + [
            AdjustmentSample(
                video(aspectRatio: "21:9", resolution: .p1080), aspectRatio: "16:9", resolution: .p720,
                warnings: ["aspect-ratio", "resolution"])
        ],
        answers: submitAnswers + statusAnswers,
        sharedAnswerRules: SharedAnswerRules(
            submitIDField: "request_id", statusless: [.videoURLMeansCompleted, .echoedIDMeansQueued],
            statusOperation: "status request"),
        // xAI: "Range: [1, 15]. Default: 8", the seven ratios, 480p/720p; one image as `image: {url}`, several as
        // `reference_images`; the submit answer is only `{"request_id"}` and every status answer carries an
        // integer `progress`; the video lives on xAI's CDN.
        lifecycle: LifecycleConformance(
            submitURL: "https://api.x.ai/v1/videos/generations", statusURL: "https://api.x.ai/v1/videos/{id}",
            progress: .statusAnswers, json: .init(length: "duration", imagesAsObjects: true),
            models: [("grok-imagine-video", "15 s, 4:3, 720p"), ("grok-imagine-video-1.5", "1 s, 3:4, 720p")].map {
                .init($0, defaults: "8 s, 16:9, 480p", settings: $1, images: [.publicURL, .bytes, .file, .dataURI])
            },
            prompt: "A glass of water tipping over in slow motion, studio lighting",
            pageRules: [
                .init(
                    loosening: "grok-imagine-video", of: XAIProvider(),
                    { $0.duration = .range(min: 1, max: 20, default: 8) },
                    request: video(
                        prompt: "A glass of water tipping over in slow motion, studio lighting", seconds: 20),
                    vendorMessage: "'duration' 20 is out of range for grok-imagine-video; allowed: 1 to 15 seconds.",
                    vendorCode: "Client specified an invalid argument")
            ]))

    static let submitAnswers: [AnswerSample] =
        [
            .submit(
                "the documented answer", #"{"request_id":"aa87081b-1a29-d8a6-e5bf-5807e3a7a561"}"#,
                .task(.queued, nil, id: requestID)),
            .submit(
                "a numeric request id and a poll hint", #"{"request_id":12345}"#, headers: ["Retry-After": "5"],
                .task(.queued, nil, pollAfter: .seconds(5), id: "12345")),
            .submit(
                "an error envelope at HTTP 200",
                #"{"code":"Client specified an invalid argument","error":"Duration must be 1-15"}"#,
                failure(.vendorRejected, code: "Client specified an invalid argument", message: "Duration must be 1-15")
            ),
            .submit(
                "a wrong key at HTTP 400",
                #"{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***ET. You can obtain an API key from https://console.x.ai."}"#,
                http: 400,
                failure(
                    .authentication, code: "Client specified an invalid argument",
                    message: "Incorrect API key provided: xa***ET. You can obtain an API key from https://console.x.ai."
                )),
            .submit(
                "an OpenAI-style error object",
                #"{"error":{"message":"prompt is required","type":"invalid_request_error","code":"missing"}}"#,
                http: 400,
                failure(.vendorRejected, code: "missing", message: "prompt is required")),
            .submit(
                "a moderation refusal",
                #"{"code":"Client specified an invalid argument","error":"Prompt rejected by moderation."}"#,
                http: 400,
                failure(
                    .contentPolicy, code: "Client specified an invalid argument",
                    message: "Prompt rejected by moderation.")),
            AnswerSample(
                "a challenge page at HTTP 200", .submit,
                HTTPResponse(
                    status: 200, headers: ["Content-Type": "text/html"],
                    body: Data("<!DOCTYPE html><html><title>Just a moment...</title></html>".utf8)),
                exactly("xai answered the video submission with an HTML page (Just a moment...) instead of JSON.")),
            .submit("an empty body", "", exactly("xai answered the video submission with an empty body.")),
            .submit(
                "an array", #"[{"request_id":"x"}]"#,
                exactly("xai answered the video submission with JSON that is not an object.")),
            .submit("null", "null", exactly("xai answered the video submission with JSON that is not an object.")),
            .submit(
                "a form", "request_id=x",
                exactly("xai answered the video submission with malformed JSON (unexpected character at byte 0).")),
        ]
        + [
            #"{}"#, #"{"request_id":""}"#, #"{"request_id":"   "}"#, #"{"request_id":null}"#,
            #"{"request_id":{"id":"x"}}"#,
        ]
        .map { body in
            .submit(
                "no usable request id: \(body)", body,
                exactly("xai answered the video submission without 'request_id'."))
        }
        // A gateway in front of xAI may answer with `id` (new-api's `/openai/v1/videos`) or `task_id`.
        + [#"{"id":"video_1"}"#, #"{"task_id":"video_1"}"#, #"{"code":"success","data":{"id":"video_1"}}"#].map {
            body in
            .submit("another id field: \(body)", body, .task(.queued, nil, id: "video_1"))
        }
        + [
            (
                400, VideoProviderError.Kind.vendorRejected, "Client specified an invalid argument",
                "Invalid aspect ratio 5:4."
            ),
            (401, .authentication, "Unauthenticated", "No API key provided."),
            (
                403, .authentication, "The caller does not have permission to execute the specified operation",
                "Your team has no credits."
            ),
            (404, .notFound, "Some requested entity was not found", "Model grok-imagine-video-9 does not exist."),
            (422, .vendorRejected, "Client specified an invalid argument", "Missing field prompt."),
            (429, .rateLimited, "Too many requests", "Rate limit exceeded."),
            (500, .serverError, "Internal error", "Something went wrong."),
            (503, .serverError, "Service unavailable", "Try again later."),
        ].map { (status: Int, kind: VideoProviderError.Kind, code: String, message: String) in
            .submit(
                "xAI's \(status) envelope", #"{"code":"\#(code)","error":"\#(message)"}"#, http: status,
                headers: ["Retry-After": "7"],
                .error(
                    ExpectedError(
                        kind, code: code, message: message, retryAfter: .seconds(7),
                        exactly: "xai refused the video submission (HTTP \(status)): \(message)")))
        }

    static let statusAnswers: [AnswerSample] =
        [
            (#"{"status":"pending"}"#, TaskStatus.queued, "pending", nil as Int?),
            (#"{"status":"pending","progress":0}"#, .queued, "pending", 0),
            (#"{"status":"pending","progress":37}"#, .processing, "pending", 37),
            (#"{"status":"pending","progress":"55%"}"#, .processing, "pending", 55),
            (#"{"status":"queued"}"#, .queued, "queued", nil),
            (#"{"status":"processing","progress":12.6}"#, .processing, "processing", 13),
            (#"{"status":"PENDING","progress":250}"#, .processing, "PENDING", 100),
        ].map { body, status, raw, progress in
            AnswerSample.status("in flight: \(body)", body, .task(status, raw, progress: progress))
        }
        + [
            .status(
                "the documented done answer",
                """
                {"status":"done","video":{"url":"https://vidgen.x.ai/xai-vidgen-bucket/xai-video-f532feb6-49a9-4f9a-9a37-6e64ef725e8f.mp4",
                 "duration":6,"respect_moderation":true},"model":"grok-imagine-video",
                 "usage":{"cost_in_usd_ticks":500000000},"progress":100}
                """,
                .task(
                    .completed, "done", progress: 100,
                    videoURL:
                        "https://vidgen.x.ai/xai-vidgen-bucket/xai-video-f532feb6-49a9-4f9a-9a37-6e64ef725e8f.mp4",
                    seconds: 6, model: "grok-imagine-video")),
            .status(
                "done with a null error",
                #"{"status":"done","video":{"url":"https://vidgen.x.ai/v.mp4","duration":8.04},"error":null}"#,
                .task(.completed, "done", progress: 100, videoURL: "https://vidgen.x.ai/v.mp4", seconds: 8.04)),
            .status(
                "done, but withheld by moderation",
                #"{"status":"done","video":{"duration":8,"respect_moderation":false},"model":"grok-imagine-video"}"#,
                .task(
                    .failed, "done",
                    code: "respect_moderation",
                    message: "The video did not pass xAI's moderation (respect_moderation: false); xAI withholds it.",
                    seconds: 8, model: "grok-imagine-video")),
            .status(
                "done without a URL, not moderated",
                #"{"status":"done","video":{"duration":8,"respect_moderation":true}}"#,
                .task(.completed, "done", progress: 100, seconds: 8)),
            .status("expired", #"{"status":"expired"}"#, .task(.expired, "expired")),
            .status(
                "the documented failed answer",
                """
                {"status":"failed","video":{"duration":0,"respect_moderation":true},"model":"",
                 "error":{"code":"internal_error","message":"Video generation failed."}}
                """, .task(.failed, "failed", code: "internal_error", message: "Video generation failed.")),
            // The error the xAI SDK's own tests use.
            .status(
                "failed for content policy",
                #"{"status":"failed","error":{"code":"CONTENT_POLICY_VIOLATION","message":"The prompt violates content policy guidelines."}}"#,
                .task(
                    .failed, "failed", code: "CONTENT_POLICY_VIOLATION",
                    message: "The prompt violates content policy guidelines.")),
            .status(
                "failed with a string", #"{"status":"failed","error":"boom"}"#,
                .task(.failed, "failed", message: "boom")
            ),
            .status(
                "failed with a numeric code", #"{"status":"failed","error":{"code":13,"message":"internal"}}"#,
                .task(.failed, "failed", code: "13", message: "internal")),
            .status(
                "only the request id echoed", #"{"request_id":"f5f35814-953e-b094-5a2c-4a90014a58cb"}"#,
                .task(.queued, nil)),
            .status(
                "a video without a status",
                #"{"video":{"url":"https://vidgen.x.ai/v.mp4","duration":5},"model":"grok-imagine-video"}"#,
                .task(
                    .completed, nil, progress: 100, videoURL: "https://vidgen.x.ai/v.mp4", seconds: 5,
                    model: "grok-imagine-video")),
            .status(
                "a body at HTTP 202", #"{"status":"pending","progress":40}"#, http: 202,
                .task(.processing, "pending", progress: 40)),
            // xAI's deferred-result convention: HTTP 202 with nothing in the body is still pending.
            .status(
                "an empty HTTP 202", "", http: 202, headers: ["Retry-After": "3"],
                .task(.queued, nil, pollAfter: .seconds(3))),
            .status(
                "a blank HTTP 202", " \n", http: 202, headers: ["Retry-After": "3"],
                .task(.queued, nil, pollAfter: .seconds(3))),
            .status("an empty body at HTTP 200", "", exactly("xai answered the status request with an empty body.")),
            .status(
                "a blank status", #"{"model":"grok-imagine-video","status":"  "}"#,
                exactly("xai answered the status request without 'status'.")),
            // xAI's not-found code is recognised at any HTTP status (docs/real-gateways.md).
            .status(
                "not found at HTTP 200",
                #"{"code":"Some requested entity was not found","error":"Unknown request id"}"#,
                failure(.notFound, code: "Some requested entity was not found", message: "Unknown request id")),
            AnswerSample(
                "a maintenance page", .status(taskID: "video_1"),
                HTTPResponse(
                    status: 200, headers: ["Content-Type": "text/html"],
                    body: Data("<html><title>Maintenance</title></html>".utf8)),
                exactly("xai answered the status request with an HTML page (Maintenance) instead of JSON.")),
            .status(
                "openai-poll-after-ms", #"{"status":"pending"}"#, headers: ["openai-poll-after-ms": "2500"],
                taskID: "r",
                .task(.queued, "pending", pollAfter: .milliseconds(2500), id: "r")),
            .status(
                "Retry-After", #"{"status":"pending"}"#, headers: ["Retry-After": "45"], taskID: "r",
                .task(.queued, "pending", pollAfter: .seconds(45), id: "r")),
            .status(
                "wrong field types are ignored, not trusted",
                """
                {"status":"done","video":{"url":"javascript:alert(1)","duration":"six","respect_moderation":"no"},
                 "progress":{"value":3},"model":42,"error":[1]}
                """, .task(.completed, "done", progress: 100)),
            .status(
                "a video that is not an object", #"{"status":"done","video":"https://vidgen.x.ai/v.mp4"}"#,
                .task(.completed, "done", progress: 100)),
            .status(
                "a done answer to truncate",
                #"{"status":"done","video":{"url":"https://vidgen.x.ai/v.mp4","duration":6,"respect_moderation":true},"model":"grok-imagine-video","progress":100}"#,
                .task(
                    .completed, "done", progress: 100, videoURL: "https://vidgen.x.ai/v.mp4", seconds: 6,
                    model: "grok-imagine-video")),
        ]
        + [
            #"{"status":42}"#, #"{"status":["done"]}"#, #"{"status":null,"video":"https://vidgen.x.ai/v.mp4"}"#,
            #"{"status":{"value":"done"},"video":{"url":7}}"#,
        ].map { body in
            .status("a status of the wrong type: \(body)", body, .error(ExpectedError(.invalidResponse)))
        }
        + ["paused", "DELETED", "succeeded-ish"].flatMap { (word: String) in
            [
                .status("the unknown word \(word)", #"{"status":"\#(word)","error":null}"#, .task(.unknown, word)),
                // An unrecognised word beside an error is a failure (docs/real-gateways.md).
                .status(
                    "the unknown word \(word) with an error",
                    #"{"status":"\#(word)","error":{"code":"x","message":"kept"}}"#,
                    .task(.failed, word, code: "x", message: "kept")),
            ]
        }
        + [
            (400, VideoProviderError.Kind.vendorRejected), (401, .authentication), (404, .notFound),
            (429, .rateLimited), (500, .serverError),
        ]
        .map { http, kind in
            .status(
                "xAI's \(http) envelope", #"{"code":"c","error":"m"}"#, http: http,
                failure(kind, code: "c", message: "m"))
        }

    /// The whole contract, one check per case.
    @Test(arguments: conformance.checks)
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }
}
