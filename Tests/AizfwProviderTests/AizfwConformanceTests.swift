import AizfwProvider
import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// aizfw against the provider contract, with seed 000's examples (aizfw's "Grok Create Video Task" page and
/// the backend's query page it links to), and through the whole client against the simulator.
@Suite struct AizfwConformanceTests {
    static let base = URL(string: "https://zcbservice.aizfw.cn/kyyReactApiServer")!
    static let documentedTaskID = "video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd"
    /// Seed 000's example prompt.
    static let prompt = "A cat dancing in the rain, cinematic style"

    static let conformance = ProviderConformance(
        provider: AizfwProvider(), baseURL: base, submitPath: "/v1/grok/videos", statusPath: "/v1/result/{id}",
        content: .videoURL,
        requests: [
            RequestSample(
                "the documented example",
                VideoRequest(model: "grok_video3", prompt: prompt, seconds: 10, aspectRatio: "16:9", resolution: .p720),
                body:
                    #"{"model":"grok_video3","prompt":"\#(prompt)","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
            ),
            RequestSample(
                "every default written out", VideoRequest(model: "grok_video3", prompt: "A lighthouse at dusk"),
                body:
                    #"{"model":"grok_video3","prompt":"A lighthouse at dusk","duration":6,"aspect_ratio":"16:9","resolution":"480p"}"#
            ),
            RequestSample(
                "a family alias sent as the native name",
                VideoRequest(model: "grok-video-3", prompt: "Waves", seconds: 8),
                body:
                    #"{"model":"grok_video3","prompt":"Waves","duration":8,"aspect_ratio":"16:9","resolution":"480p"}"#),
            RequestSample(
                "public URLs in image_urls",
                VideoRequest(
                    model: "grok_video3", prompt: "Bring the photos to life", seconds: 12, aspectRatio: "9:16",
                    images: [
                        .url(URL(string: "https://example.com/image1.jpg")!),
                        .url(URL(string: "https://example.com/image2.jpg")!),
                    ]),
                body:
                    #"{"model":"grok_video3","prompt":"Bring the photos to life","duration":12,"aspect_ratio":"9:16","resolution":"480p","image_urls":["https://example.com/image1.jpg","https://example.com/image2.jpg"]}"#
            ),
            // "Fixed 10 seconds (no need to set)"; "does not support specifying resolution".
            RequestSample(
                "pro leaves out its length and resolution",
                VideoRequest(
                    model: "grok_video3_pro", prompt: "A red fox in snow", aspectRatio: "1:1",
                    images: [.url(URL(string: "https://example.com/fox.png")!)]),
                body:
                    #"{"model":"grok_video3_pro","prompt":"A red fox in snow","aspect_ratio":"1:1","image_urls":["https://example.com/fox.png"]}"#
            ),
            RequestSample(
                "pro at its fixed length", VideoRequest(model: "grok_video3_pro", prompt: "Rain", seconds: 10),
                body: #"{"model":"grok_video3_pro","prompt":"Rain","aspect_ratio":"16:9"}"#),
            RequestSample(
                "pro drops a resolution when adjusting",
                VideoRequest(model: "grok_video3_pro", prompt: "A red fox", resolution: .p720),
                policy: .adjustToNearest,
                body: #"{"model":"grok_video3_pro","prompt":"A red fox","aspect_ratio":"16:9"}"#),
            RequestSample(
                "vendor options after the typed fields, sorted",
                VideoRequest(
                    model: "grok_video3", prompt: "Rain", seconds: 6,
                    vendorOptions: ["watermark": false, "callback_url": "https://example.com/hook", "tags": ["a", 1]]),
                body:
                    #"{"model":"grok_video3","prompt":"Rain","duration":6,"aspect_ratio":"16:9","resolution":"480p","callback_url":"https://example.com/hook","tags":["a",1],"watermark":false}"#
            ),
            RequestSample(
                "the prompt escaped and kept as UTF-8",
                VideoRequest(model: "grok_video3", prompt: "Say \"hi\"\n猫咪 \\ 🐱", seconds: 6),
                body:
                    #"{"model":"grok_video3","prompt":"Say \"hi\"\n猫咪 \\ 🐱","duration":6,"aspect_ratio":"16:9","resolution":"480p"}"#
            ),
        ],
        // Adjusting drops a resolution pro cannot choose, and says it ignored it.
        adjustments: [
            AdjustmentSample(
                VideoRequest(model: "grok_video3_pro", prompt: "A red fox", resolution: .p720), seconds: 10,
                dropsResolution: true, warnings: ["resolution"])
        ],
        answers: [
            .submit(
                "the documented submit answer",
                """
                {
                  "id": "video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd",
                  "object": "video",
                  "created": 1774836724,
                  "model": "grok_video3",
                  "status": "queued",
                  "error": null
                }
                """, .snapshot(TaskSnapshot(taskID: documentedTaskID, status: .queued, rawStatus: "queued"))),
            .status(
                "the documented queued task",
                """
                {"id":"video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd","object":"video","created":1774836724,
                 "model":"grok_video3","status":"queued","video_url":null,"error":null}
                """, taskID: documentedTaskID,
                .snapshot(
                    TaskSnapshot(taskID: documentedTaskID, status: .queued, rawStatus: "queued", model: "grok_video3"))),
            .status(
                "a finished task",
                #"{"id":"video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd","object":"video","created":1774836724,"model":"grok_video3","status":"completed","video_url":"https://cdn.example.com/v.mp4","actualDuration":10,"error":null}"#,
                .snapshot(
                    TaskSnapshot(
                        taskID: "video_1", status: .completed, rawStatus: "completed",
                        videoURL: URL(string: "https://cdn.example.com/v.mp4"), actualDuration: 10, model: "grok_video3"
                    ))
            ),
        ],
        sharedAnswerRules: SharedAnswerRules(),
        // Seed 000: grok_video3 "Supports 6-30 seconds, default 6 seconds", "default is 480p", "Only grok_video3
        // supports resolution selection"; grok_video3_pro "Fixed 10 seconds (no need to set)", resolution "Not
        // configurable". Aspect ratio "default is 16:9". Images: "Value type: Public URL array". The backend
        // documents no progress field, and its failures carry no code.
        lifecycle: LifecycleConformance(
            submitURL: "\(base)/v1/grok/videos", statusURL: "\(base)/v1/result/{id}", progress: .none,
            failureCodes: false,
            models: [
                .init("grok_video3", defaults: "6 s, 16:9, 480p", settings: "12 s, 9:16, 720p", images: [.publicURL]),
                .init(
                    "grok_video3_pro", defaults: "10 s unsent, 16:9", settings: "10 s unsent, 2:3", images: [.publicURL]
                ),
            ],
            prompt: prompt,
            // A request the page does not allow, let through by a loosened table.
            pageRules: [
                .init(
                    loosening: "grok_video3", of: AizfwProvider(),
                    { $0.duration = .range(min: 6, max: 40, default: 6) },
                    request: VideoRequest(model: "grok_video3", prompt: "A cat", seconds: 40),
                    vendorMessage: "'duration' 40 is out of range for grok_video3; allowed: 6 to 30 seconds.")
            ]))

    /// The whole contract, one check per case.
    @Test(arguments: conformance.checks)
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }
}
