import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting
import XingchaoyiqingProvider

/// Xingchaoyiqing against the provider contract, with seed 001's examples (its "Create Video Task" page),
/// and every model through the client against the simulator. The wire is the kyyReactApiServer backend's,
/// like aizfw's; the models, defaults and image forms are Xingchaoyiqing's.
@Suite struct XingchaoyiqingConformanceTests {
    static let base = URL(string: "https://zcbservice.aizfw.cn/kyyReactApiServer")!
    static let png = "data:image/png;base64," + SampleImage.pngBase64

    static func url(_ text: String) -> ImageInput { .url(URL(string: text)!) }

    static func urls(_ count: Int) -> [ImageInput] {
        (1...count).map { .url(URL(string: "https://example.com/\($0).jpg")!) }
    }

    /// Every problem at once, in order.
    static let everyProblem = RefusalSample(
        VideoRequest(
            model: "grok_video3_max", prompt: "Rain", seconds: 7, aspectRatio: "3:2", resolution: .p1080,
            images: [.data(SampleImage.png)] + urls(5)),
        [
            Violation(parameter: "seconds", value: "7", allowed: "one of 6, 10, 12, 16, 20, 30 s"),
            Violation(parameter: "aspect-ratio", value: "3:2", allowed: "16:9, 9:16, 1:1"),
            Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p"),
            Violation(parameter: "images", value: "6 images", allowed: "at most 5"),
            Violation(
                parameter: "images[0]", value: "70 bytes", allowed: "public-url",
                reason: "grok_video3_max only takes public URLs; host the image and pass its https URL"),
        ])

    static let conformance = ProviderConformance(
        provider: XingchaoyiqingProvider(), baseURL: base, submitPath: "/v1/grok/videos",
        statusPath: "/v1/result/{id}", content: .videoURL,
        requests: [
            RequestSample(
                "the documented example",
                VideoRequest(
                    model: "grok_video3", prompt: "A cat dancing in the rain, cinematic style", seconds: 10,
                    aspectRatio: "16:9", resolution: .p720),
                body:
                    #"{"model":"grok_video3","prompt":"A cat dancing in the rain, cinematic style","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
            ),
            // "Defaults to 16:9 for all models", "Defaults to 720p for all models"; pro "Fixed 10 — do not set".
            RequestSample(
                "grok_video3's defaults", VideoRequest(model: "grok_video3", prompt: "Rain"),
                body:
                    #"{"model":"grok_video3","prompt":"Rain","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#),
            RequestSample(
                "pro's defaults", VideoRequest(model: "grok_video3_pro", prompt: "Rain"),
                body: #"{"model":"grok_video3_pro","prompt":"Rain","aspect_ratio":"16:9","resolution":"720p"}"#),
            RequestSample(
                "max's defaults", VideoRequest(model: "grok_video3_max", prompt: "Rain"),
                body:
                    #"{"model":"grok_video3_max","prompt":"Rain","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
            ),
            RequestSample(
                "stable's defaults", VideoRequest(model: "grok_video3_stable", prompt: "Rain"),
                body:
                    #"{"model":"grok_video3_stable","prompt":"Rain","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
            ),
            RequestSample(
                "pro at its fixed length",
                VideoRequest(
                    model: "grok_video3_pro", prompt: "Rain", seconds: 10, aspectRatio: "16:9", resolution: .p720),
                body: #"{"model":"grok_video3_pro","prompt":"Rain","aspect_ratio":"16:9","resolution":"720p"}"#),
            RequestSample(
                "stable with every setting",
                VideoRequest(
                    model: "grok_video3_stable", prompt: "Rain", seconds: 6, aspectRatio: "2:3", resolution: .p480),
                body:
                    #"{"model":"grok_video3_stable","prompt":"Rain","duration":6,"aspect_ratio":"2:3","resolution":"480p"}"#
            ),
            RequestSample(
                "max with public URLs",
                VideoRequest(
                    model: "grok_video3_max", prompt: "Bring them to life", seconds: 16, aspectRatio: "1:1",
                    images: [url("https://example.com/ref1.jpg"), url("https://example.com/ref2.jpg")]),
                body:
                    #"{"model":"grok_video3_max","prompt":"Bring them to life","duration":16,"aspect_ratio":"1:1","resolution":"720p","image_urls":["https://example.com/ref1.jpg","https://example.com/ref2.jpg"]}"#
            ),
            // Base64 is refused only for _max and _stable; it travels as data URIs inside image_urls.
            RequestSample(
                "bytes as data URIs beside a public URL",
                VideoRequest(
                    model: "grok_video3", prompt: "Animate", seconds: 6,
                    images: [
                        .data(SampleImage.png), .url(URL(string: "https://example.com/ref.webp")!),
                        .data(SampleImage.jpeg, format: .jpeg),
                    ]),
                body:
                    #"{"model":"grok_video3","prompt":"Animate","duration":6,"aspect_ratio":"16:9","resolution":"720p","image_urls":[""#
                    + png + #"","https://example.com/ref.webp","data:image/jpeg;base64,"# + SampleImage.jpegBase64
                    + #""]}"#),
            RequestSample(
                "a data URI sent as given",
                VideoRequest(model: "grok_video3_pro", prompt: "Animate", images: [.url(URL(string: png)!)]),
                body:
                    #"{"model":"grok_video3_pro","prompt":"Animate","aspect_ratio":"16:9","resolution":"720p","image_urls":[""#
                    + png + #""]}"#),
            RequestSample(
                "a local file streamed as a data URI",
                VideoRequest(
                    model: "grok_video3", prompt: "Animate",
                    images: [.file(SampleImage.file(.png, named: "reference.png"))]),
                body:
                    #"{"model":"grok_video3","prompt":"Animate","duration":10,"aspect_ratio":"16:9","resolution":"720p","image_urls":[""#
                    + png + #""]}"#),
            RequestSample(
                "max snapped to the nearest length and ratio",
                VideoRequest(model: "grok_video3_max", prompt: "Rain", seconds: 7, aspectRatio: "3:2"),
                policy: .adjustToNearest, warnings: ["seconds", "aspect-ratio"],
                body:
                    #"{"model":"grok_video3_max","prompt":"Rain","duration":6,"aspect_ratio":"16:9","resolution":"720p"}"#
            ),
            RequestSample(
                "vendor options sorted after the typed fields",
                VideoRequest(
                    model: "grok_video3_stable", prompt: "Rain", vendorOptions: ["user": "u-1", "enhance_prompt": true]),
                body:
                    #"{"model":"grok_video3_stable","prompt":"Rain","duration":10,"aspect_ratio":"16:9","resolution":"720p","enhance_prompt":true,"user":"u-1"}"#
            ),
        ],
        refusals: [
            .seconds("grok_video3", 5, allowed: "6–30 s"), .seconds("grok_video3", 31, allowed: "6–30 s"),
            .seconds("grok_video3_pro", 8, allowed: "fixed 10 s (field omitted)"),
            // "only the enumerated duration values are accepted".
            .seconds("grok_video3_max", 7, allowed: "one of 6, 10, 12, 16, 20, 30 s"),
            .seconds("grok_video3_stable", 8, allowed: "one of 6, 10 s"),
            .ratio("grok_video3_pro", "9:16", allowed: "16:9"),
            .ratio("grok_video3_max", "3:2", allowed: "16:9, 9:16, 1:1"),
            .resolution("grok_video3", "1080p", allowed: "480p, 720p"),
            .resolution("grok_video3_pro", "480p", allowed: "720p"),
            .resolution("grok_video3_stable", "1080p", allowed: "480p, 720p"),
            .images("grok_video3", 8, of: urls(1)[0], max: 7), .images("grok_video3_max", 6, of: urls(1)[0], max: 5),
            .images("grok_video3_stable", 8, of: urls(1)[0], max: 7),
            everyProblem,
        ],
        // `DurationRule.nearestAllowed` breaks ties toward the shorter (cheaper) length.
        adjustments: [
            .seconds("grok_video3_max", 7, to: 6), .seconds("grok_video3_max", 8, to: 6),
            .seconds("grok_video3_max", 11, to: 10), .seconds("grok_video3_max", 25, to: 20),
            .seconds("grok_video3_max", 45, to: 30), .seconds("grok_video3_stable", 8, to: 6),
            AdjustmentSample(
                VideoRequest(model: "grok_video3_stable", prompt: "Rain", seconds: 9), seconds: 10,
                warnings: ["seconds"]),
            .seconds("grok_video3_pro", 8, to: 10), .seconds("grok_video3", 3, to: 6),
        ],
        answers: [
            .submit(
                "the documented submit answer",
                #"{"id":"video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd","object":"video","created":1774836724,"model":"grok_video3_max","status":"queued","error":null}"#,
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd", status: .queued, rawStatus: "queued",
                        model: "grok_video3_max"))),
            .submit(
                "a submission answered with 201",
                #"{"id":"video_1","object":"video","created":1774836724,"model":"grok_video3","status":"queued","error":null}"#,
                http: 201, .snapshot(TaskSnapshot(taskID: "video_1", status: .queued, rawStatus: "queued"))),
            .status(
                "a finished max task",
                """
                {"id":"v","object":"video","created":1774836724,"model":"grok_video3_max","status":"completed",
                 "video_url":"https://cdn.example.com/v.mp4","actualDuration":16.0,"error":null}
                """, taskID: "v",
                .snapshot(
                    TaskSnapshot(
                        taskID: "v", status: .completed, rawStatus: "completed",
                        videoURL: URL(string: "https://cdn.example.com/v.mp4"), actualDuration: 16,
                        model: "grok_video3_max"))
            ),
            .status(
                "a failed task and its reason",
                #"{"id":"v","status":"failed","video_url":null,"error":"content policy violation"}"#,
                taskID: "v",
                .snapshot(
                    TaskSnapshot(
                        taskID: "v", status: .failed, rawStatus: "failed", errorMessage: "content policy violation"))),
            .status(
                "the word in capitals", #"{"id":"v","status":"COMPLETED","video_url":"https://cdn.example.com/v.mp4"}"#,
                taskID: "v",
                .snapshot(
                    TaskSnapshot(
                        taskID: "v", status: .completed, rawStatus: "COMPLETED",
                        videoURL: URL(string: "https://cdn.example.com/v.mp4")))),
        ],
        sharedAnswerRules: SharedAnswerRules(),
        // Seed 001's model table: grok_video3 "6–30s (default 10s)", "480p / 720p (default 720p)", "Up to 7";
        // grok_video3_pro "Fixed 10s", "16:9 (default)", "720p (default)", "Fixed 10 — do not set";
        // grok_video3_max "6 / 10 / 12 / 16 / 20 / 30s (default 10s)", "16:9 / 9:16 / 1:1", "Up to 5 (public URL
        // only)"; grok_video3_stable "6 or 10s (default 10s)", "Up to 7 (public URL only)". Base64 is refused
        // only for _max and _stable, so the other two take bytes, files and data URIs.
        lifecycle: LifecycleConformance(
            submitURL: "\(base)/v1/grok/videos", statusURL: "\(base)/v1/result/{id}", progress: .none,
            failureCodes: false,
            models: [
                .init(
                    "grok_video3", defaults: "10 s, 16:9, 720p", settings: "20 s, 3:2, 480p",
                    images: [.publicURL, .bytes, .file, .dataURI]),
                .init(
                    "grok_video3_pro", defaults: "10 s unsent, 16:9, 720p", settings: "10 s unsent, 16:9, 720p",
                    images: [.publicURL, .bytes, .file, .dataURI]),
                .init(
                    "grok_video3_max", defaults: "10 s, 16:9, 720p", settings: "12 s, 1:1, 480p", images: [.publicURL]),
                .init(
                    "grok_video3_stable", defaults: "10 s, 16:9, 720p", settings: "6 s, 9:16, 480p",
                    images: [.publicURL]),
            ],
            prompt: "A cat dancing in the rain, cinematic style",
            // A request the page does not allow, let through by a loosened table.
            pageRules: [
                .init(
                    loosening: "grok_video3_stable", of: XingchaoyiqingProvider(),
                    { $0.duration = .set(values: [6, 8, 10], default: 10) },
                    request: VideoRequest(model: "grok_video3_stable", prompt: "A cat", seconds: 8),
                    vendorMessage: "'duration' 8 is not supported by grok_video3_stable; allowed: 6, 10.")
            ]))

    /// The whole contract, one check per case.
    @Test(arguments: conformance.checks)
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }
}
