import Foundation
import MiniMaxProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// MiniMax Hailuo against the provider contract, with the bodies of MiniMax's API reference
/// (`/work/research/17/minimax.md`): exact submit bytes, refusals from the table's rules, answers.
@Suite struct MiniMaxConformanceTests {
    static let base = URL(string: "https://api.minimax.io")!
    static let pngURI = SampleImage.dataURI(.png)
    static let jpegURI = SampleImage.dataURI(.jpeg)

    static func video(
        _ model: String = "MiniMax-Hailuo-02", prompt: String = "Rain", seconds: Int? = nil,
        aspectRatio: AspectRatio? = nil, resolution: Resolution? = nil, images: [ImageInput] = [],
        roles: [Int: ImageRole] = [:], options: [String: JSONValue] = [:]
    ) -> VideoRequest {
        var request = VideoRequest(
            model: model, prompt: prompt, seconds: seconds, aspectRatio: aspectRatio, resolution: resolution,
            images: images)
        request.imageRoles = roles
        if !options.isEmpty { request.providerOptions = [MiniMaxProvider.id: options] }
        return request
    }

    static let p1080 = Resolution(parsing: "1080P")!
    static let p512 = Resolution(parsing: "512P")!

    static let requests: [RequestSample] = [
        // The research's recommended form: every default written out.
        RequestSample(
            "every default written out", video(prompt: "A cat dancing in the rain"),
            body:
                #"{"model":"MiniMax-Hailuo-02","prompt":"A cat dancing in the rain","duration":6,"resolution":"768P","prompt_optimizer":true}"#
        ),
        // MiniMax's text-to-video example (Hailuo-2.3, 1080P at 6 s).
        RequestSample(
            "the documented text-to-video example",
            video(
                "MiniMax-Hailuo-2.3", prompt: "A man picks up a book [Pedestal up], then reads [Static shot].",
                seconds: 6, resolution: p1080),
            body:
                #"{"model":"MiniMax-Hailuo-2.3","prompt":"A man picks up a book [Pedestal up], then reads [Static shot].","duration":6,"resolution":"1080P","prompt_optimizer":true}"#
        ),
        // MiniMax's image-to-video example: a public URL as first_frame_image.
        RequestSample(
            "the documented image-to-video example",
            video(
                "MiniMax-Hailuo-2.3", prompt: "A mouse runs toward the camera, smiling and blinking.", seconds: 6,
                resolution: p1080,
                images: [
                    .url(
                        URL(
                            string:
                                "https://cdn.hailuoai.com/prod/2024-09-18-16/user/multi_chat_file/9c0b5c14-ee88-4a5b-b503-4f626f018639.jpeg"
                        )!)
                ]),
            body:
                #"{"model":"MiniMax-Hailuo-2.3","prompt":"A mouse runs toward the camera, smiling and blinking.","first_frame_image":"https://cdn.hailuoai.com/prod/2024-09-18-16/user/multi_chat_file/9c0b5c14-ee88-4a5b-b503-4f626f018639.jpeg","duration":6,"resolution":"1080P","prompt_optimizer":true}"#
        ),
        // MiniMax's first & last frame example (Hailuo-02 only).
        RequestSample(
            "the documented first & last frame example",
            video(
                prompt: "A little girl grow up.", seconds: 6, resolution: p1080,
                images: [
                    .url(URL(string: "https://filecdn.minimax.chat/public/fe9d04da-f60e-444d-a2e0-18ae743add33.jpeg")!),
                    .url(URL(string: "https://filecdn.minimax.chat/public/97b7cd08-764e-4b8b-a7bf-87a0bd898575.jpeg")!),
                ], roles: [0: .firstFrame, 1: .lastFrame]),
            body:
                #"{"model":"MiniMax-Hailuo-02","prompt":"A little girl grow up.","first_frame_image":"https://filecdn.minimax.chat/public/fe9d04da-f60e-444d-a2e0-18ae743add33.jpeg","last_frame_image":"https://filecdn.minimax.chat/public/97b7cd08-764e-4b8b-a7bf-87a0bd898575.jpeg","duration":6,"resolution":"1080P","prompt_optimizer":true}"#
        ),
        RequestSample(
            "bytes become a data URI; 512P image-to-video at 10 s",
            video(prompt: "The cat looks up", seconds: 10, resolution: p512, images: [.data(SampleImage.png)]),
            body:
                #"{"model":"MiniMax-Hailuo-02","prompt":"The cat looks up","first_frame_image":"\#(pngURI)","duration":10,"resolution":"512P","prompt_optimizer":true}"#
        ),
        RequestSample(
            "the fast model with a JPEG first frame, prompt_optimizer off, fast_pretreatment on",
            video(
                "MiniMax-Hailuo-2.3-Fast", images: [.data(SampleImage.jpeg)],
                options: ["prompt_optimizer": false, "fast_pretreatment": true]),
            body:
                #"{"model":"MiniMax-Hailuo-2.3-Fast","prompt":"Rain","first_frame_image":"\#(jpegURI)","duration":6,"resolution":"768P","prompt_optimizer":false,"fast_pretreatment":true}"#
        ),
    ]

    static let refusals: [RefusalSample] = [
        RefusalSample(video(seconds: 8), [Violation(parameter: "seconds", value: "8", allowed: "one of 6, 10 s")]),
        RefusalSample(
            video(aspectRatio: "9:16"), [Violation(parameter: "aspect-ratio", value: "9:16", allowed: "16:9")]),
        RefusalSample(
            video("MiniMax-Hailuo-2.3", resolution: .p720),
            [Violation(parameter: "resolution", value: "720p", allowed: "768p, 1080p")]),
        RefusalSample(
            video("Hailuo-3"), kind: .unknownModel,
            [
                Violation(
                    parameter: "model", value: "Hailuo-3",
                    allowed: "MiniMax-Hailuo-2.3, MiniMax-Hailuo-2.3-Fast, MiniMax-Hailuo-02")
            ]),
    ]

    static let taskID = "106916112212032"
    static let cdnURL =
        "https://video-product.cdn.minimax.io/inference_output/video/2025-09-19/5c06f899-c689-4dfb-93f6-e4468a2743fc/output.mp4"

    /// `{"task_id":"","base_resp":{…}}`, the refusal template for a submission (HTTP 200).
    static func refusal(_ code: Int, _ message: String) -> String {
        #"{"task_id":"","base_resp":{"status_code":\#(code),"status_msg":"\#(message)"}}"#
    }

    /// One replay per code of MiniMax's error-code table a submission can meet, sent as HTTP 200, and the
    /// kind it must read as.
    static let submitRefusals: [(code: Int, message: String, kind: VideoProviderError.Kind)] = [
        (1002, "rate limit", .rateLimited),
        (
            1004, "login fail: Please carry the API secret key in the 'Authorization' field of the request header",
            .authentication
        ),
        (1008, "insufficient balance", .quotaExceeded),
        (1026, "input new_sensitive", .contentPolicy),
        (1027, "output new_sensitive", .contentPolicy),
        (1039, "token limit", .rateLimited),
        (1041, "conn limit", .rateLimited),
        (2013, "invalid params, duration 10 is not supported for resolution 1080P", .vendorRejected),
        (2045, "rate growth limit", .rateLimited),
        (2049, "invalid api key", .authentication),
        (2056, "usage limit exceeded", .quotaExceeded),
        (1028, "Quota exhausted", .quotaExceeded),
        (1030, "Quota exhausted", .quotaExceeded),
        (2061, "model not available on your current Token Plan", .quotaExceeded),
        // Server-side codes: the server failed while handling the request, so a task may exist.
        (1000, "unknown error", .ambiguousSubmission),
        (1001, "request timeout", .ambiguousSubmission),
        (1013, "Internal service error", .ambiguousSubmission),
        (1024, "internal error", .ambiguousSubmission),
        (1033, "system error", .ambiguousSubmission),
    ]

    static let answers: [AnswerSample] =
        [
            .submit(
                "the documented task",
                #"{"task_id":"\#(taskID)","base_resp":{"status_code":0,"status_msg":"success"}}"#,
                .task(.queued, nil, id: taskID)),
            .submit(
                "a task id as a number", #"{"task_id":106916112212032,"base_resp":{"status_code":0}}"#,
                .task(.queued, nil, id: taskID)),
            .submit(
                "code 0 without a task id", #"{"task_id":"","base_resp":{"status_code":0,"status_msg":"success"}}"#,
                .error(
                    ExpectedError(
                        .invalidResponse,
                        exactly: "minimax answered the video submission with status_code 0 but no task_id."
                    ))),
            .submit(
                "a missing key without a task_id field",
                #"{"base_resp":{"status_code":1004,"status_msg":"login fail: Please carry the API secret key in the 'Authorization' field of the request header"}}"#,
                .error(
                    ExpectedError(
                        .authentication, code: "1004",
                        message:
                            "login fail: Please carry the API secret key in the 'Authorization' field of the request header"
                    ))),
            .submit(
                "a non-zero code beside a task id",
                #"{"task_id":"\#(taskID)","base_resp":{"status_code":1002,"status_msg":"rate limit"}}"#,
                .error(ExpectedError(.ambiguousSubmission, code: "1002", message: "rate limit"))),
        ]
        + submitRefusals.map { code, message, kind in
            .submit(
                "submit refused with \(code)", refusal(code, message),
                .error(ExpectedError(kind, code: String(code), message: message)))
        }
        + [
            .status(
                "Preparing", #"{"task_id":"\#(taskID)","status":"Preparing","base_resp":{"status_code":0}}"#,
                taskID: taskID, .task(.queued, "Preparing", id: taskID)),
            .status(
                "Queueing",
                #"{"task_id":"\#(taskID)","status":"Queueing","file_id":"","base_resp":{"status_code":0,"status_msg":"success"}}"#,
                taskID: taskID, .task(.queued, "Queueing", id: taskID)),
            .status(
                "Processing",
                #"{"task_id":"\#(taskID)","status":"Processing","file_id":"","base_resp":{"status_code":0,"status_msg":"success"}}"#,
                taskID: taskID, .task(.processing, "Processing", id: taskID)),
            .status(
                "the documented success (the URL comes from files/retrieve)",
                #"{"task_id":"\#(taskID)","status":"Success","file_id":"176844028768320","video_width":1920,"video_height":1080,"base_resp":{"status_code":0,"status_msg":"success"}}"#,
                taskID: taskID, .task(.completed, "Success", id: taskID)),
            .status(
                "success without a file_id",
                #"{"task_id":"\#(taskID)","status":"Success","file_id":"","base_resp":{"status_code":0,"status_msg":"success"}}"#,
                taskID: taskID,
                .task(.failed, "Success", code: "noFile", message: "The task succeeded without a file_id.", id: taskID)),
            .status(
                "Fail with a reason and code 0",
                #"{"task_id":"\#(taskID)","status":"Fail","file_id":"","base_resp":{"status_code":0,"status_msg":"video generation failed"}}"#,
                taskID: taskID, .task(.failed, "Fail", message: "video generation failed", id: taskID)),
            .status(
                "Failed (MiniMax's CLI word) with a server code",
                #"{"task_id":"\#(taskID)","status":"Failed","base_resp":{"status_code":1000,"status_msg":"unknown error"}}"#,
                taskID: taskID, .task(.failed, "Failed", code: "1000", message: "unknown error", id: taskID)),
            .status(
                "the generated video was sensitive (1027)",
                #"{"task_id":"\#(taskID)","status":"Fail","file_id":"","base_resp":{"status_code":1027,"status_msg":"output new_sensitive"}}"#,
                taskID: taskID,
                .task(
                    .failed, "Fail", code: "1027",
                    message: "Sensitive content detected in the generated video: output new_sensitive", id: taskID)),
            .status(
                "an unknown word keeps polling",
                #"{"task_id":"\#(taskID)","status":"Unknown","base_resp":{"status_code":0}}"#, taskID: taskID,
                .task(.unknown, "Unknown", id: taskID)),
            .status(
                "the query refused: rate limit",
                #"{"task_id":"","status":"","base_resp":{"status_code":1002,"status_msg":"rate limit"}}"#,
                taskID: taskID, .error(ExpectedError(.rateLimited, code: "1002", message: "rate limit"))),
            .status(
                "the query refused: authentication",
                #"{"base_resp":{"status_code":1004,"status_msg":"not authorized"}}"#, taskID: taskID,
                .error(ExpectedError(.authentication, code: "1004", message: "not authorized"))),
            .status(
                "the query refused: server error",
                #"{"base_resp":{"status_code":1013,"status_msg":"Internal service error"}}"#, taskID: taskID,
                .error(ExpectedError(.serverError, code: "1013", message: "Internal service error"))),
        ]

    static let prompt = "A man picks up a book [Pedestal up], then reads [Static shot]."

    /// The body MiniMax's pages give (`model`, `prompt`, `first_frame_image`, `last_frame_image`, `duration`,
    /// `resolution`, `prompt_optimizer`), written from the documents.
    static let documentedBody: LifecycleConformance.SubmissionBody = { model, wire, images in
        var body: [String: JSONValue] = [
            "model": .string(model), "prompt": .string(prompt), "duration": .int(wire.seconds),
            "resolution": .string(wire.resolution ?? ""), "prompt_optimizer": .bool(true),
        ]
        for (field, image) in zip(["first_frame_image", "last_frame_image"], images) {
            switch image {
            case .url(let url): body[field] = .string(url)
            case .bytes(let data, let format):
                body[field] = .string("data:\(format.mimeType);base64,\(data.base64EncodedString())")
            }
        }
        return .object(body)
    }

    static let lifecycle: LifecycleConformance = {
        var lifecycle = LifecycleConformance(
            gateways: [.miniMax()], submitURL: "https://api.minimax.io/v1/video_generation",
            statusURL: "https://api.minimax.io/v1/query/video_generation?task_id={id}", progress: .none,
            failureCodes: false,
            models: [
                .init(
                    "MiniMax-Hailuo-2.3", defaults: "6 s, 16:9, 768P", settings: "6 s, 16:9, 1080P",
                    images: [.publicURL, .bytes, .file, .dataURI]),
                .init(
                    "MiniMax-Hailuo-02", defaults: "6 s, 16:9, 768P", settings: "10 s, 16:9, 768P",
                    images: [.publicURL, .bytes, .file, .dataURI]),
            ],
            prompt: prompt,
            pageRules: [
                .init(
                    loosening: "MiniMax-Hailuo-02", of: MiniMaxProvider(), { $0.rules = [] },
                    request: video(prompt: prompt, seconds: 10, resolution: p1080),
                    vendorMessage:
                        "invalid params, duration 10 is not supported for resolution 1080P (1080P is 6 s only).",
                    vendorCode: "2013"),
                .init(
                    loosening: "MiniMax-Hailuo-2.3", of: MiniMaxProvider(),
                    {
                        $0.images.roles.append(ImageRoleLimit(.lastFrame, max: 1))
                        $0.images.max = 2
                    },
                    request: video(
                        "MiniMax-Hailuo-2.3", prompt: prompt,
                        images: [
                            .url(URL(string: "https://example.com/a.png")!),
                            .url(URL(string: "https://example.com/b.png")!),
                        ], roles: [0: .firstFrame, 1: .lastFrame]),
                    vendorMessage: "invalid params, 'last_frame_image' is only supported by MiniMax-Hailuo-02.",
                    vendorCode: "2013"),
            ])
        lifecycle.submissionBody = documentedBody
        lifecycle.failureWord = "Fail"
        lifecycle.refusalShape = .init(httpStatus: 200, code: "2013", messagePrefix: "invalid params, ")
        return lifecycle
    }()

    static let conformance = ProviderConformance(
        provider: MiniMaxProvider(), baseURL: base, submitPath: "/v1/video_generation",
        statusPath: "/v1/query/video_generation?task_id={id}", content: .videoURL, requests: requests,
        refusals: refusals, answers: answers, lifecycle: lifecycle)

    @Test(arguments: conformance.checks)
    func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }

    /// The follow-up call through the client: each completed task asks `files/retrieve` with the key (once
    /// while following, once more for the download), and the video comes from the CDN without it.
    @Test func theFollowUpCallGoesToFilesRetrieveWithTheKey() async throws {
        let (simulator, client) = try Self.conformance.harness()
        let job = try await client.submit(VideoRequest(model: "MiniMax-Hailuo-02", prompt: Self.prompt))
        let final = try await client.result(for: job)
        #expect(final.status == .completed)
        #expect(final.resultReference == "1" + job.taskID)
        #expect(final.videoURL?.host == GatewaySimulator.defaultCDNBaseURL.host)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minimax-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let video = try await client.download(job, to: directory.appendingPathComponent("v.mp4"))
        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)
        let retrievals = simulator.requests(.result)
        #expect(retrievals.count == 2)
        #expect(
            retrievals.allSatisfy {
                $0.carriesBearerToken(Self.lifecycle.apiKey)
                    && $0.url.absoluteString == "https://api.minimax.io/v1/files/retrieve?file_id=1\(job.taskID)"
            })
        #expect(!simulator.cdnReceivedAuthorization)
    }

    /// MiniMax answers every refusal with HTTP 200: a missing key is 1004, an exhausted balance 1008 (the
    /// client falls back, nothing was created), a server failure 1000 (ambiguous: never sent again).
    @Test func theSimulatorsRefusalsReachTheAppTyped() async throws {
        let (simulator, client) = try Self.conformance.harness()
        simulator.inject(.quotaExhausted, on: .submit)
        do {
            _ = try await client.submit(VideoRequest(model: "MiniMax-Hailuo-02", prompt: Self.prompt))
            Issue.record("an exhausted balance was accepted")
        } catch {
            #expect(error.kind == .quotaExceeded)
            #expect(error.vendorCode == "1008")
            #expect(error.httpStatus == 200)
        }
        #expect(simulator.count(.submit) == 1)
        // A fresh client: the exhausted balance cooled the provider down.
        let (second, again) = try Self.conformance.harness()
        second.inject(.httpError(status: 500, message: "unknown error"), on: .submit)
        do {
            _ = try await again.submit(VideoRequest(model: "MiniMax-Hailuo-02", prompt: Self.prompt))
            Issue.record("a server failure was accepted")
        } catch {
            #expect(error.kind == .ambiguousSubmission)
            #expect(error.vendorCode == "1000")
        }
        #expect(second.count(.submit) == 1)
        #expect(second.tasks.isEmpty)
        let keyless = try await simulator.send(
            HTTPRequest(
                method: .post, url: URL(string: "https://api.minimax.io/v1/video_generation")!,
                headers: ["Content-Type": "application/json"], body: HTTPBody(Data("{}".utf8))),
            bodyDestination: .memory(limit: 1 << 20))
        #expect(keyless.status == 200)
        #expect(
            try JSONValue.parse(keyless.body)
                == .object([
                    "task_id": "",
                    "base_resp": .object([
                        "status_code": 1004,
                        "status_msg":
                            "login fail: Please carry the API secret key in the 'Authorization' field of the request header",
                    ]),
                ]))
    }
}
