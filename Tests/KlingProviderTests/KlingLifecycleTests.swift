import Foundation
import KlingProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Kling's whole task life through `VideoClient` against the simulator's Kling dialect, which reads the wire
/// with its own parsers written from Kling's API reference.
@Suite struct KlingLifecycleTests {
    static let base = GatewaySimulator.Gateway.klingBaseURL.absoluteString
    static let prompt = "A cute little rabbit wearing glasses, sitting at a table, reading a newspaper"

    static let lifecycle = LifecycleConformance(
        gateways: [.kling()], submitURL: base + "/v1/videos/text2video",
        statusURL: base + "/v1/videos/text2video/{id}", progress: .none, failureCodes: false,
        json: LifecycleConformance.JSONFields(length: "duration", lengthAsText: true),
        models: [
            LifecycleConformance.Model(
                "kling-v2-6", defaults: "5 s, 16:9", settings: "10 s, 9:16",
                images: [.publicURL, .bytes, .file, .dataURI]),
            LifecycleConformance.Model("kling-v3", defaults: "5 s, 16:9", settings: "15 s, 1:1", images: [.publicURL]),
        ],
        prompt: prompt,
        pageRules: [
            LifecycleConformance.PageRule(
                loosening: "kling-v2-6", of: KlingProvider(), { $0.rules.removeAll { $0.when.audio == true } },
                request: {
                    var request = VideoRequest(model: "kling-v2-6", prompt: "Rain", resolution: .p720)
                    request.audio = true
                    return request
                }(), vendorMessage: "'sound' on requires mode pro.", vendorCode: "1201"),
            LifecycleConformance.PageRule(
                loosening: "kling-v2-6", of: KlingProvider(), { $0.duration = .set(values: [5, 10, 15], default: 5) },
                request: VideoRequest(model: "kling-v2-6", prompt: "Rain", seconds: 15),
                vendorMessage: "'duration' \"15\" is not supported by kling-v2-6; allowed: \"5\", \"10\".",
                vendorCode: "1201"),
            LifecycleConformance.PageRule(
                loosening: "kling-v2-6", of: KlingProvider(), { $0.images.formats.append(.webp) },
                request: VideoRequest(model: "kling-v2-6", prompt: "Rain", images: [.data(SampleImage.webp)]),
                vendorMessage: "'image' must be a .jpg / .jpeg / .png image.", vendorCode: "1201"),
        ])

    static let conformance = ProviderConformance(
        provider: KlingProvider(), baseURL: GatewaySimulator.Gateway.klingBaseURL,
        submitPath: "/v1/videos/text2video", statusPath: "/v1/videos/text2video/{id}", content: .videoURL,
        requests: KlingConformanceTests.requests, lifecycle: lifecycle)

    /// The shared scenarios that hold for Kling. The others assume what Kling is not: a task id that is the
    /// vendor's id as it is (Kling's handle is `text2video/<id>`), `model`/`resolution` fields (Kling has
    /// `model_name` and a mode), data URIs (Kling takes raw base64), two images without roles, and expired or
    /// cancelled tasks (Kling only fails). `KlingLifecycleTests` checks those lives in Kling's terms below.
    static let sharedScenarios = [
        "the task ends failed", "the task ends moderated", "an unknown status word", "a vendor refusal",
        "the simulator refuses what the page rules out",
    ]

    @Test(
        arguments: conformance.checks.filter { check in
            check.name.hasPrefix("through the client") && sharedScenarios.contains { check.name.hasSuffix($0) }
        })
    func livesThroughTheClient(_ check: ProviderConformance.Check) async throws { try await check.verify() }

    @Test func theSharedScenariosAreRun() {
        let names = Self.conformance.checks.map(\.name).filter { name in
            Self.sharedScenarios.contains { name.hasSuffix($0) }
        }
        #expect(names.count == 2 * 4 + 3)
    }
}

// MARK: - Kling's own lives

extension KlingLifecycleTests {
    /// A simulator on a virtual clock (the client signs tokens with the clock's wall time, the simulator checks
    /// them against it) and a client with Kling registered with `key`, signing with `accessKey` when given.
    static func harness(
        gateway: GatewaySimulator.Gateway = .kling(), key: String = "kling-lifecycle-0123456789",
        accessKey: String? = nil
    ) throws -> (GatewaySimulator, VideoClient) {
        let clock = VirtualClock()
        let simulator = GatewaySimulator(clock: clock, gateways: [gateway])
        var configuration = ProviderConfiguration(provider: KlingProvider(), apiKey: APIKey(key))
        configuration.credentials = accessKey.map { KlingProvider.accessKeyCredentials(accessKey: $0) }
        var registry = ProviderRegistry()
        try registry.register(configuration)
        return (simulator, VideoClient(registry: registry, transport: simulator, clock: clock))
    }

    static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kling-lifecycle-\(UUID().uuidString).mp4")
    }

    @Test func textToVideoFromSubmitToDownload() async throws {
        let (simulator, client) = try Self.harness()
        var request = VideoRequest(model: "kling-v2-6", prompt: Self.prompt, seconds: 10, aspectRatio: "9:16")
        request.negativePrompt = "blur"
        let job = try await client.submit(request)
        var seen = [job.initialSnapshot]
        for try await snapshot in client.updates(for: job) { seen.append(snapshot) }
        let file = Self.scratch()
        defer { try? FileManager.default.removeItem(at: file) }
        let video = try await client.download(job, to: file)

        #expect(seen.map(\.rawStatus).contains("processing"))
        #expect(seen.last?.status == .completed)
        #expect(seen.last?.actualDuration == 10)
        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)
        #expect(video.sourceHost == GatewaySimulator.defaultCDNBaseURL.host)
        let task = try #require(simulator.tasks.first)
        #expect(job.taskID == "text2video/" + task.id)
        #expect(task.model == "kling-v2-6")
        #expect(task.seconds == 10)
        #expect(task.requestedSeconds == 10)
        #expect(task.aspectRatio == "9:16")
        #expect(task.imageCount == 0)
        let submit = try #require(simulator.requests(.submit).first)
        #expect(submit.url.absoluteString == Self.base + "/v1/videos/text2video")
        #expect(submit.json?["negative_prompt"] == .string("blur"))
        #expect(submit.json?["mode"] == .string("std"))
        let statuses = simulator.requests(.status)
        #expect(!statuses.isEmpty)
        #expect(statuses.allSatisfy { $0.url.absoluteString == Self.base + "/v1/videos/text2video/" + task.id })
        #expect(statuses.allSatisfy { $0.carriesBearerToken("kling-lifecycle-0123456789") })
        #expect(!simulator.cdnReceivedAuthorization)
    }

    /// Raw base64 for the first frame, a URL for the last, pro with sound off: the task lives on
    /// image2video and is asked about there.
    @Test(arguments: [
        ImageInput.data(SampleImage.png), .data(SampleImage.jpeg), .url(URL(string: SampleImage.dataURI(.png))!),
    ])
    func imageToVideoLivesOnImage2Video(_ first: ImageInput) async throws {
        let (simulator, client) = try Self.harness()
        var request = VideoRequest(model: "kling-v2-6", prompt: "The girl smiles", resolution: .p1080)
        request.addImage(first, role: .firstFrame)
        request.addImage(.url(URL(string: "https://example.com/last.png")!), role: .lastFrame)
        let job = try await client.submit(request)
        let snapshot = try await client.result(for: job)
        #expect(snapshot.status == .completed)
        let task = try #require(simulator.tasks.first)
        #expect(job.taskID == "image2video/" + task.id)
        #expect(task.imageCount == 2)
        let submit = try #require(simulator.requests(.submit).first)
        #expect(submit.url.absoluteString == Self.base + "/v1/videos/image2video")
        #expect(submit.json?["image"]?.stringValue?.hasPrefix("data:") == false)
        #expect(submit.json?["aspect_ratio"] == nil)
        #expect(submit.json?["mode"] == .string("pro"))
        #expect(simulator.requests(.status).allSatisfy { $0.url.path.hasPrefix("/v1/videos/image2video/") })
    }

    /// The simulator answers a task only on the endpoint that created it: asking text2video about an
    /// image2video task is Kling's 404 1203, which the client reads as not found.
    @Test func aTaskAskedOnTheOtherEndpointIsNotFound() async throws {
        let (simulator, client) = try Self.harness()
        var request = VideoRequest(model: "kling-v2-6", prompt: "Rain")
        request.addImage(.data(SampleImage.png), role: .firstFrame)
        let job = try await client.submit(request)
        let id = try #require(simulator.tasks.first?.id)
        let wrong = try KlingProvider().statusRequest(
            taskID: "text2video/" + id, model: "kling-v2-6",
            context: ProviderContext(
                baseURL: GatewaySimulator.Gateway.klingBaseURL, apiKey: APIKey("kling-lifecycle-0123456789")))
        let answer = try await simulator.send(wrong, bodyDestination: .memory(limit: 1 << 20))
        #expect(answer.status == 404)
        #expect(throws: VideoProviderError.self) { try KlingProvider().parseStatusResponse(answer, taskID: job.taskID) }
        do {
            _ = try KlingProvider().parseStatusResponse(answer, taskID: job.taskID)
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.vendorCode == "1203")
        }
    }

    /// The AK/SK scheme end to end: the simulator verifies each token's HS256 signature with the secret key,
    /// its `iss` and its time, and the task completes. The virtual clock's wall time is 2026-01-01, not now:
    /// the client signs with its clock's wall time, or every token would be "not yet valid" or expired.
    @Test func signedTokensAreAccepted() async throws {
        let keys = GatewaySimulator.SignedTokenKeys(accessKey: "AKq1w2e3", secretKey: APIKey("sk-0f9e8d7c6b5a"))
        let (simulator, client) = try Self.harness(
            gateway: .kling(keys: keys), key: "sk-0f9e8d7c6b5a", accessKey: "AKq1w2e3")
        let job = try await client.submit(VideoRequest(model: "kling-v2-6", prompt: "Rain"))
        let snapshot = try await client.result(for: job)
        #expect(snapshot.status == .completed)
        #expect(simulator.requests.allSatisfy { !($0.headers["Authorization"] ?? "").contains("sk-0f9e8d7c6b5a") })
    }

    @Test(arguments: [("a-wrong-secret", "AKq1w2e3"), ("sk-0f9e8d7c6b5a", "AK-someone-else")])
    func aTokenSignedWithTheWrongKeysIsRefused(_ secret: String, _ accessKey: String) async throws {
        let keys = GatewaySimulator.SignedTokenKeys(accessKey: "AKq1w2e3", secretKey: APIKey("sk-0f9e8d7c6b5a"))
        let (simulator, client) = try Self.harness(gateway: .kling(keys: keys), key: secret, accessKey: accessKey)
        do {
            _ = try await client.submit(VideoRequest(model: "kling-v2-6", prompt: "Rain"))
            Issue.record("a token with the wrong keys was accepted")
        } catch {
            #expect(error.kind == .authentication)
            #expect(error.vendorCode == "1002")
            #expect(error.vendorMessage == "Authorization is invalid")
        }
        #expect(simulator.tasks.isEmpty)
    }

    /// A token signed long ago has expired (1004); one from the future is not yet valid (1003).
    @Test func tokensOutsideTheirTimeAreRefused() async throws {
        let keys = GatewaySimulator.SignedTokenKeys(accessKey: "AKq1w2e3", secretKey: APIKey("sk-0f9e8d7c6b5a"))
        let simulator = GatewaySimulator(clock: VirtualClock(wallOrigin: Date()), gateways: [.kling(keys: keys)])
        for (offset, code, message) in [
            (-3600.0, 1004, "Authorization has expired"), (3600.0, 1003, "Authorization is not yet valid"),
        ] {
            let context = ProviderContext(
                baseURL: GatewaySimulator.Gateway.klingBaseURL, apiKey: APIKey("sk-0f9e8d7c6b5a"),
                credentials: KlingProvider.accessKeyCredentials(accessKey: "AKq1w2e3"),
                credentialDate: Date().addingTimeInterval(offset))
            let request = try KlingProvider().statusRequest(
                taskID: "text2video/1", model: "kling-v2-6", context: context)
            let answer = try await simulator.send(request, bodyDestination: .memory(limit: 1 << 20))
            #expect(answer.status == 401)
            let json = try JSONValue.parse(answer.body)
            #expect(json["code"] == .int(code))
            #expect(json["message"] == .string(message))
        }
    }

    /// An exhausted resource pack (`--simulate-fault kling=quota`) is HTTP 429 code 1102: a quota, not a
    /// rate limit.
    @Test func anExhaustedResourcePackIsAQuota() async throws {
        let (simulator, client) = try Self.harness()
        simulator.inject(.quotaExhausted, on: .submit)
        do {
            _ = try await client.submit(VideoRequest(model: "kling-v2-6", prompt: "Rain"))
            Issue.record("accepted")
        } catch {
            #expect(error.kind == .quotaExceeded)
            #expect(error.httpStatus == 429)
            #expect(error.vendorCode == "1102")
        }
        #expect(simulator.tasks.isEmpty)
    }
}

// MARK: - multi-image2video

extension KlingLifecycleTests {
    /// kling-v1-6's reference images through the client: the simulator (written from the reference's
    /// "Multi-Image to Video") takes `image_list` with an aspect ratio on multi-image2video and answers the
    /// task only there.
    @Test func referenceImagesLiveOnMultiImage2Video() async throws {
        let (simulator, client) = try Self.harness()
        var request = VideoRequest(model: "kling-v1-6", prompt: "The dog wears the jacket", aspectRatio: "1:1")
        request.addImage(.data(SampleImage.png), role: .reference)
        request.addImage(.url(URL(string: "https://example.com/jacket.jpg")!), role: .reference)
        let job = try await client.submit(request)
        var seen = [job.initialSnapshot]
        for try await snapshot in client.updates(for: job) { seen.append(snapshot) }
        let file = Self.scratch()
        defer { try? FileManager.default.removeItem(at: file) }
        let video = try await client.download(job, to: file)

        #expect(seen.last?.status == .completed)
        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)
        let task = try #require(simulator.tasks.first)
        #expect(job.taskID == "multi-image2video/" + task.id)
        #expect(task.model == "kling-v1-6")
        #expect(task.imageCount == 2)
        #expect(task.aspectRatio == "1:1")
        let submit = try #require(simulator.requests(.submit).first)
        #expect(submit.url.absoluteString == Self.base + "/v1/videos/multi-image2video")
        #expect(submit.json?["aspect_ratio"] == .string("1:1"))
        #expect(submit.json?["image"] == nil)
        let statuses = simulator.requests(.status)
        #expect(!statuses.isEmpty)
        #expect(
            statuses.allSatisfy { $0.url.absoluteString == Self.base + "/v1/videos/multi-image2video/" + task.id })
    }

    static func post(_ path: String, _ json: String, to simulator: GatewaySimulator) async throws -> JSONValue {
        let context = ProviderContext(
            baseURL: GatewaySimulator.Gateway.klingBaseURL, apiKey: APIKey("kling-lifecycle-0123456789"))
        let request = context.submission(to: path, body: HTTPBody(Data(json.utf8)), contentType: "application/json")
        let answer = try await simulator.send(request, bodyDestination: .memory(limit: 1 << 20))
        return try JSONValue.parse(answer.body)
    }

    /// The simulator's own checks of multi-image2video, from the reference: 1–4 images, raw base64 (no
    /// `data:` prefix) or a URL, jpg/png, kling-v1-6 only, `image_list` on that endpoint only.
    @Test(arguments: [
        (#"{"model_name":"kling-v1-6","image_list":[],"prompt":"Rain"}"#, "'image_list' must hold 1 to 4 images."),
        (
            #"{"model_name":"kling-v1-6","image_list":[{"image":"https://e.com/1.png"},{"image":"https://e.com/2.png"},{"image":"https://e.com/3.png"},{"image":"https://e.com/4.png"},{"image":"https://e.com/5.png"}],"prompt":"Rain"}"#,
            "'image_list' must hold 1 to 4 images."
        ),
        (
            #"{"model_name":"kling-v1-6","image_list":[{"image":"data:image/png;base64,\#(SampleImage.pngBase64)"}],"prompt":"Rain"}"#,
            "'image_list[0].image': submit only the raw Base64 string, without a data: prefix."
        ),
        (
            #"{"model_name":"kling-v1-6","image_list":[{"image":"\#(SampleImage.webpBase64)"}],"prompt":"Rain"}"#,
            "'image_list[0].image' must be a .jpg / .jpeg / .png image."
        ),
        (
            #"{"model_name":"kling-v2-6","image_list":[{"image":"https://e.com/1.png"}],"prompt":"Rain"}"#,
            "model_name 'kling-v2-6' is not supported by multi-image2video."
        ),
        (
            #"{"model_name":"kling-v1-6","image_list":[{"image":"https://e.com/1.png"}],"prompt":""}"#,
            "'prompt' must not be empty."
        ),
        (
            #"{"model_name":"kling-v1-6","image":"https://e.com/1.png","prompt":"Rain"}"#,
            "multi-image2video takes 'image_list', not 'image' or 'image_tail'."
        ),
    ])
    func theSimulatorRefusesBadMultiImageBodies(_ body: String, _ message: String) async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(), gateways: [.kling()])
        let json = try await Self.post("/v1/videos/multi-image2video", body, to: simulator)
        #expect(json["code"] == .int(1201))
        #expect(json["message"] == .string(message))
        #expect(simulator.tasks.isEmpty)
    }

    @Test func theSimulatorTakesImageListOnlyOnMultiImage2Video() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(), gateways: [.kling()])
        let body = #"{"model_name":"kling-v1-6","image_list":[{"image":"https://e.com/1.png"}],"prompt":"Rain"}"#
        let wrong = try await Self.post("/v1/videos/image2video", body, to: simulator)
        #expect(wrong["message"] == .string("'image_list' is taken by multi-image2video, not image2video."))
        let right = try await Self.post(
            "/v1/videos/multi-image2video",
            #"{"model_name":"kling-v1-6","image_list":[{"image":"\#(SampleImage.jpegBase64)"},{"image":"https://e.com/1.png"}],"prompt":"Rain","mode":"pro","duration":"10","aspect_ratio":"9:16"}"#,
            to: simulator)
        #expect(right["code"] == .int(0))
        let task = try #require(simulator.tasks.first)
        #expect(task.imageCount == 2)
        #expect(task.seconds == 10)
        #expect(task.aspectRatio == "9:16")
    }
}
