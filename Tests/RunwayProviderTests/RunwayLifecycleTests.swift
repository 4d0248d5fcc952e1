import Foundation
import RunwayProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The whole task life through `VideoClient` against the simulator's Runway dialect (written from Runway's
/// documents, SimulatorDialect+Runway.swift): submit → PENDING → RUNNING → SUCCEEDED → download, both
/// endpoints, `DELETE` cancel, failure codes, the version header, credits, and an output URL that expired.
@Suite struct RunwayLifecycleTests {
    static let base = "https://api.dev.runwayml.com"
    static let prompt = "A golden retriever running through wildflowers at sunset"
    static let key = "key_lifecycle0123456789abcdef"

    /// The shared lifecycle (its harness, and the scenarios that fit a wire of Runway's field names).
    static let conformance = ProviderConformance(
        provider: RunwayProvider(), baseURL: URL(string: base)!, submitPath: "/v1/text_to_video",
        statusPath: "/v1/tasks/{id}", content: .videoURL, requests: RunwayConformanceTests.requests,
        lifecycle: LifecycleConformance(
            gateways: [.runway()], submitURL: base + "/v1/text_to_video", statusURL: base + "/v1/tasks/{id}",
            progress: .statusAnswers,
            models: ["gen4.5", "veo3.1", "veo3.1_fast", "veo3"].map {
                .init($0, defaults: "5 s, 1280:720", settings: "5 s, 1280:720", images: [])
            }, prompt: prompt, apiKey: key))

    /// The shared scenarios whose checks hold for any field names: an unknown status word keeps the follow
    /// going until the task completes and the video downloads.
    @Test(arguments: conformance.checks.filter { $0.name.hasSuffix("an unknown status word") })
    func sharedScenarios(_ check: ProviderConformance.Check) async throws { try await check.verify() }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("runway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func request(
        _ model: String, seconds: Int? = nil, aspectRatio: AspectRatio? = nil, resolution: Resolution? = nil,
        images: [ImageInput] = [], roles: [Int: ImageRole] = [:]
    ) -> VideoRequest {
        var request = VideoRequest(
            model: model, prompt: prompt, seconds: seconds, aspectRatio: aspectRatio, resolution: resolution,
            images: images)
        request.imageRoles = roles
        return request
    }

    /// Text-to-video on every model that has it, each with what the simulator understood.
    @Test(
        arguments: [
            ("gen4.5", nil, "16:9", nil, "1280:720", 5),
            ("gen4.5", 10, "9:16", nil, "720:1280", 10),
            ("veo3.1", 6, "16:9", "1080p", "1920:1080", 6),
            ("veo3.1_fast", nil, "9:16", "1080p", "1080:1920", 8),
            ("veo3", nil, nil, nil, "1280:720", 8),
        ] as [(String, Int?, AspectRatio?, String?, String, Int)])
    func textToVideoEndToEnd(
        _ model: String, _ seconds: Int?, _ ratio: AspectRatio?, _ resolution: String?, _ wire: String, _ length: Int
    ) async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (simulator, client) = try Self.conformance.harness()
        let job = try await client.submit(
            Self.request(
                model, seconds: seconds, aspectRatio: ratio, resolution: resolution.flatMap(Resolution.init(parsing:))))
        let pending = try await client.status(of: job)
        #expect(pending.status == .queued)
        #expect(pending.rawStatus == "PENDING")
        var seen: [TaskSnapshot] = []
        for try await snapshot in client.updates(for: job) { seen.append(snapshot) }
        #expect(seen.contains { $0.status == .processing && $0.rawStatus == "RUNNING" && ($0.progress ?? 0) > 0 })
        #expect(seen.last?.status == .completed)
        #expect(seen.last?.rawStatus == "SUCCEEDED")
        let video = try await client.download(job, to: directory.appendingPathComponent("video.mp4"))
        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)

        let submit = try #require(simulator.requests(.submit).first)
        #expect(submit.url.absoluteString == Self.base + "/v1/text_to_video")
        #expect(submit.headers["X-Runway-Version"] == "2024-11-06")
        #expect(submit.carriesBearerToken(Self.key))
        #expect(submit.json?["model"] == .string(model))
        #expect(submit.json?["promptText"] == .string(Self.prompt))
        #expect(submit.json?["ratio"] == .string(wire))
        #expect(submit.json?["duration"] == .int(length))
        let task = try #require(simulator.tasks.first)
        #expect(task.aspectRatio == wire)
        #expect(task.seconds == length)
        #expect(simulator.requests(.status).allSatisfy { $0.headers["X-Runway-Version"] == "2024-11-06" })
        #expect(!simulator.cdnReceivedAuthorization)
    }

    /// Image-to-video: one first frame in every form, and veo3.1's first and last frame.
    @Test func imageToVideoEndToEnd() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("frame.png")
        try SampleImage.png.write(to: file)
        let cases: [(VideoRequest, [JSONValue])] = [
            (
                Self.request("gen4_turbo", aspectRatio: "1:1", images: [.data(SampleImage.png)]),
                [.object(["uri": .string(SampleImage.dataURI(.png)), "position": "first"])]
            ),
            (
                Self.request("gen4.5", aspectRatio: "21:9", images: [.url(URL(string: "https://example.com/a.png")!)]),
                [.object(["uri": "https://example.com/a.png", "position": "first"])]
            ),
            (
                Self.request(
                    "veo3.1", images: [.file(file), .url(URL(string: "https://example.com/last.jpg")!)],
                    roles: [0: .firstFrame, 1: .lastFrame]),
                [
                    .object(["uri": .string(SampleImage.dataURI(.png)), "position": "first"]),
                    .object(["uri": "https://example.com/last.jpg", "position": "last"]),
                ]
            ),
        ]
        for (request, promptImage) in cases {
            let (simulator, client) = try Self.conformance.harness()
            let job = try await client.submit(request)
            #expect(try await client.result(for: job).status == .completed)
            let submit = try #require(simulator.requests(.submit).first)
            #expect(submit.url.absoluteString == Self.base + "/v1/image_to_video")
            #expect(submit.json?["promptImage"] == .array(promptImage), "\(request.model)")
            #expect(simulator.tasks.first?.imageCount == promptImage.count)
        }
    }

    /// `DELETE /v1/tasks/{id}` cancels a running task (204), which then reads CANCELLED; a second DELETE of the
    /// ended task deletes it, and it is gone (404).
    @Test func cancelThenDelete() async throws {
        let (simulator, client) = try Self.conformance.harness()
        let job = try await client.submit(Self.request("gen4.5"))
        let cancelled = try await client.cancel(job)
        #expect(cancelled.status == .cancelled)
        let deletes = simulator.requests.filter { $0.method == .delete }
        #expect(deletes.map(\.url.absoluteString) == [Self.base + "/v1/tasks/\(job.taskID)"])
        #expect(deletes.first?.headers["X-Runway-Version"] == "2024-11-06")
        #expect(deletes.first?.responseStatus == 204)
        let status = try await client.status(of: job)
        #expect(status.status == .cancelled)
        #expect(status.rawStatus == "CANCELLED")
        do {
            _ = try await client.result(for: job)
            Issue.record("a cancelled task gave a result")
        } catch {
            #expect(error.kind == .taskFailed)
        }
        #expect(try await client.cancel(job).status == .cancelled)
        do {
            _ = try await client.status(of: job)
            Issue.record("a deleted task answered")
        } catch {
            #expect(error.kind == .notFound)
        }
        #expect(simulator.count(.submit) == 1)
    }

    /// FAILED with `failureCode`: SAFETY.* is a content-policy refusal, the others task failures, the code and
    /// reason kept.
    @Test(arguments: [
        ("SAFETY.INPUT.IMAGE", VideoProviderError.Kind.contentPolicy),
        ("INTERNAL.BAD_OUTPUT.CODE01", .taskFailed), ("ASSET.INVALID", .taskFailed), ("INTERNAL", .taskFailed),
    ])
    func failureCodes(_ code: String, _ kind: VideoProviderError.Kind) async throws {
        let (simulator, client) = try Self.conformance.harness()
        simulator.scriptNextTasks(
            GatewaySimulator.TaskScript(outcome: .failure(message: "Generation failed.", code: code)))
        let job = try await client.submit(Self.request("gen4.5"))
        do {
            _ = try await client.result(for: job)
            Issue.record("a failed task gave a result")
        } catch {
            #expect(error.kind == kind)
            #expect(error.vendorCode == code)
            #expect(error.vendorMessage == "Generation failed.")
            #expect(error.rawStatus == "FAILED")
        }
    }

    @Test func moderationIsAContentPolicyRefusal() async throws {
        let (simulator, client) = try Self.conformance.harness()
        simulator.scriptNextTasks(GatewaySimulator.TaskScript(outcome: .moderated))
        let job = try await client.submit(Self.request("veo3.1"))
        do {
            _ = try await client.result(for: job)
            Issue.record("a moderated task gave a result")
        } catch {
            #expect(error.kind == .contentPolicy)
            #expect(error.vendorCode == "SAFETY.INPUT.TEXT")
        }
    }

    /// No credits: Runway's HTTP 400 "You do not have enough credits to run this task." is quota; no task.
    @Test func noCreditsIsQuota() async throws {
        let (simulator, client) = try Self.conformance.harness()
        simulator.inject(.quotaExhausted, on: .submit)
        do {
            _ = try await client.submit(Self.request("gen4.5"))
            Issue.record("submitted without credits")
        } catch {
            #expect(error.kind == .quotaExceeded)
            #expect(error.httpStatus == 400)
            #expect(error.vendorMessage == "You do not have enough credits to run this task.")
        }
        #expect(simulator.tasks.isEmpty)
    }

    /// The simulator answers as Runway does without `X-Runway-Version`, and refuses what the SDK rules out.
    @Test func theSimulatorRequiresTheVersionHeaderAndReadsTheDocumentedRules() async throws {
        let (simulator, _) = try Self.conformance.harness()
        func post(_ path: String, _ body: String, version: Bool = true) async throws -> (Int, JSONValue?) {
            var headers: HTTPHeaders = ["Authorization": "Bearer \(Self.key)", "Content-Type": "application/json"]
            if version { headers["X-Runway-Version"] = "2024-11-06" }
            let response = try await simulator.send(
                HTTPRequest(
                    method: .post, url: URL(string: Self.base + path)!, headers: headers,
                    body: HTTPBody(Data(body.utf8)),
                    createsTask: true), bodyDestination: .memory(limit: 1 << 20))
            return (response.status, try? JSONValue.parse(response.body))
        }
        let valid = #"{"model":"gen4.5","promptText":"p","ratio":"1280:720","duration":5}"#
        let (missing, missingBody) = try await post("/v1/text_to_video", valid, version: false)
        #expect(missing == 400)
        #expect(missingBody?["error"] == .string("A valid X-Runway-Version header is required (2024-11-06)."))
        #expect(try await post("/v1/text_to_video", valid).0 == 200)
        let refused: [(String, String, String)] = [
            ("/v1/text_to_video", #"{"model":"gen4.5","promptText":"p","ratio":"960:960","duration":5}"#, "ratio"),
            ("/v1/text_to_video", #"{"model":"gen4_turbo","promptText":"p","ratio":"1280:720"}"#, "model"),
            ("/v1/text_to_video", #"{"model":"gen4.5","promptText":"p","ratio":"1280:720"}"#, "duration"),
            ("/v1/text_to_video", #"{"model":"veo3.1","promptText":"p","ratio":"1280:720","duration":5}"#, "duration"),
            (
                "/v1/image_to_video",
                #"{"model":"veo3.1","promptImage":[{"uri":"https://example.com/a.png","position":"last"}],"ratio":"1280:720"}"#,
                "promptImage"
            ),
            (
                "/v1/text_to_video",
                #"{"model":"gen4.5","promptText":"p","ratio":"1280:720","duration":5,"negativePrompt":"x"}"#,
                "negativePrompt"
            ),
        ]
        for (path, body, field) in refused {
            let (status, answer) = try await post(path, body)
            #expect(status == 400, "\(body)")
            #expect(answer?["error"] == .string("Validation of body failed"), "\(body)")
            guard case .array(let issues)? = answer?["issues"] else {
                Issue.record("no issues in \(String(describing: answer))")
                continue
            }
            #expect(issues.first?["path"] == .array([.string(field)]), "\(body)")
        }
    }

    /// A URL still inside its lifetime on the client's clock (the simulated wall time here, months before
    /// today) is downloaded as it is, without asking for the task again.
    @Test func aFreshOutputURLIsDownloadedWithoutAskingAgain() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (simulator, client) = try Self.conformance.harness()
        let job = try await client.submit(Self.request("gen4.5"))
        let final = try await client.result(for: job)
        let url = try #require(final.videoURL)
        let statusQueries = simulator.count(.status)
        let video = try await client.download(job, to: directory.appendingPathComponent("v.mp4"), snapshot: final)
        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)
        #expect(simulator.count(.status) == statusQueries)
        #expect(simulator.requests(.content).map(\.url) == [url])
    }

    /// An output URL past its lifetime is refused (403) by the CDN; the client asks for the task again and
    /// downloads from the fresh URL.
    @Test func anExpiredOutputURLIsRefreshedByAskingForTheTaskAgain() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (simulator, client) = try Self.conformance.harness()
        let job = try await client.submit(Self.request("gen4.5"))
        let final = try await client.result(for: job)
        let stale = try #require(final.videoURL)
        #expect(stale.query?.hasPrefix("_jwt=") == true)
        try #require(simulator.clock as? VirtualClock).advance(by: .seconds(25 * 3600))
        let refused = try await simulator.send(
            HTTPRequest(method: .get, url: stale), bodyDestination: .memory(limit: 1 << 20))
        #expect(refused.status == 403)
        let statusQueries = simulator.count(.status)
        let video = try await client.download(job, to: directory.appendingPathComponent("v.mp4"), snapshot: final)
        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)
        #expect(simulator.count(.status) == statusQueries + 1)
        let fetched = simulator.requests(.content).map(\.url)
        #expect(fetched.last != stale)
        #expect(fetched.last?.query?.hasPrefix("_jwt=") == true)
        // Expiry is judged on the client's clock: the client knew the URL had expired and never tried it
        // (the one request for it is this test's own probe).
        #expect(fetched.filter { $0 == stale }.count == 1)
    }
}
