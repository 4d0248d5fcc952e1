import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Submit → status with progress → completed → content, per dialect, on a manual virtual clock.
///
/// With ``GatewaySimulator/Timing/realistic`` a task is queued 5 s, then processes 15 s + 2 s per video
/// second: a 10 s video finishes 40 s after submission, an 8 s one after 36 s.
@Suite struct LifecycleTests {
    static func at(_ clock: VirtualClock, _ seconds: Double) {
        clock.advance(by: .milliseconds(Int64(seconds * 1000)) - clock.now())
    }

    static func expectSampleVideo(_ bytes: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(bytes == SampleVideo.mp4, sourceLocation: sourceLocation)
        #expect(Array(bytes.dropFirst(4).prefix(4)) == Array("ftyp".utf8), sourceLocation: sourceLocation)
    }

    /// A simulator on a manual clock, and the id of the task `request` created there (the answer's
    /// `idField`).
    static func submitted(
        _ request: HTTPRequest, idField: String = "id"
    ) async throws -> (VirtualClock, GatewaySimulator, String) {
        let clock = VirtualClock(mode: .manual)
        let simulator = GatewaySimulator(clock: clock)
        let answer = try Raw.json(try await Raw.send(simulator, request))
        return (clock, simulator, try #require(answer[idField]?.stringValue))
    }

    @Test func kyyTaskRunsToCompletionAndTheCDNServesTheVideoWithoutCredentials() async throws {
        let (clock, simulator, id) = try await Self.submitted(
            Raw.postJSON(KyyReactDialectTests.submitURL, KyyReactDialectTests.documentedBody))
        let statusURL = Raw.kyyBase + "/v1/result/\(id)"

        let queued = try Raw.json(try await Raw.send(simulator, Raw.get(statusURL)))
        #expect(queued["status"] == .string("queued"))
        #expect(queued["video_url"] == .null)
        #expect(queued["actualDuration"] == .null)
        #expect(queued["error"] == .null)
        #expect(queued["progress"] == nil)
        #expect(queued["object"] == .string("video"))
        #expect(queued["id"] == .string(id))

        Self.at(clock, 20)
        let processing = try Raw.json(try await Raw.send(simulator, Raw.get(statusURL)))
        #expect(processing["status"] == .string("processing"))
        #expect(processing["video_url"] == .null)
        #expect(simulator.task(id)?.phase == .processing)
        #expect(simulator.task(id)?.progress == 42)  // (20 - 5) / 35

        Self.at(clock, 40)
        let completed = try Raw.json(try await Raw.send(simulator, Raw.get(statusURL)))
        #expect(completed["status"] == .string("completed"))
        #expect(completed["actualDuration"] == .int(10))
        #expect(completed["error"] == .null)
        let videoURL = try #require(completed["video_url"]?.stringValue)
        #expect(videoURL == "https://cdn.simulator.invalid/videos/\(id).mp4")

        let video = try await simulator.send(
            HTTPRequest(method: .get, url: Raw.url(videoURL), headers: ["Accept": "video/*"]))
        #expect(video.status == 200)
        #expect(video.headers["Content-Type"] == "video/mp4")
        #expect(video.headers["Content-Length"] == String(SampleVideo.mp4.count))
        Self.expectSampleVideo(video.body)
        #expect(!simulator.cdnReceivedAuthorization)
        let task = try #require(simulator.task(id))
        #expect(task.phase == .completed)
        #expect(task.statusQueries == 3)
        #expect(task.downloads == 1)
        #expect(simulator.count(.content, at: simulator.cdnBaseURL) == 1)
    }

    @Test func openAIJSONTaskReportsRisingProgressAndServesContentWithAuth() async throws {
        let (clock, simulator, id) = try await Self.submitted(
            Raw.postJSON(OpenAIJSONDialectTests.duoyuanxSubmit, OpenAIJSONDialectTests.documentedBody))
        let statusURL = Raw.duoyuanx + "/v1/videos/\(id)"

        var progress: [JSONValue?] = []
        var statuses: [JSONValue?] = []
        for time in [0, 20.5, 28.25, 36] {
            Self.at(clock, time)
            let json = try Raw.json(try await Raw.send(simulator, Raw.get(statusURL)))
            progress.append(json["progress"])
            statuses.append(json["status"])
            #expect(json["seconds"] == .string("8"))
            #expect(json["size"] == .string("720P"))
        }
        #expect(statuses == [.string("queued"), .string("processing"), .string("processing"), .string("completed")])
        #expect(progress == [.int(0), .int(50), .int(75), .int(100)])
        let completed = try Raw.json(try await Raw.send(simulator, Raw.get(statusURL)))
        #expect(completed["video_url"] == .string("https://cdn.simulator.invalid/videos/\(id).mp4"))
        #expect(completed["completed_at"] == .int(1_767_225_636))
        #expect(completed["error"] == nil)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let content = try await simulator.send(
            Raw.get(statusURL + "/content"), bodyDestination: .temporaryFile(in: directory))
        #expect(content.status == 200)
        #expect(content.headers["Content-Type"] == "video/mp4")
        #expect(content.body.isEmpty)
        let file = try #require(content.bodyFile)
        #expect(file.path.hasPrefix(directory.path + "/"))
        Self.expectSampleVideo(try Data(contentsOf: file))

        let unauthorized = try await Raw.send(simulator, Raw.get(statusURL + "/content", key: nil))
        #expect(unauthorized.status == 401)
        #expect(try ErrorShape.openAI(unauthorized).code == "missing_api_key")
    }

    @Test func contentIsRefusedUntilTheVideoIsReady() async throws {
        let (_, simulator, id) = try await Self.submitted(
            Raw.postMultipart(OpenAIMultipartDialectTests.octopusXSubmit, Raw.octopusXExample()))
        let early = try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(id)/content"))
        #expect(early.status == 404)
        #expect(try ErrorShape.openAI(early).code == "video_not_ready")
        let cdnEarly = try await simulator.send(
            HTTPRequest(method: .get, url: try #require(simulator.task(id)?.videoURL)))
        #expect(cdnEarly.status == 404)
        #expect(cdnEarly.mediaType == "application/xml")
    }

    @Test func multipartProTaskIsTenSecondsLong() async throws {
        let (clock, simulator, id) = try await Self.submitted(
            Raw.postMultipart(
                OpenAIMultipartDialectTests.octopusXSubmit,
                [.text("model", "grok-video-3-pro"), .text("prompt", "p"), .text("size", "720P")]))
        Self.at(clock, 22.5)
        let halfway = try Raw.json(try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(id)")))
        #expect(halfway["progress"] == .int(50))
        Self.at(clock, 40)
        let done = try Raw.json(try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(id)")))
        #expect(done["status"] == .string("completed"))
        #expect(done["seconds"] == .string("10"))
        let content = try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(id)/content"))
        Self.expectSampleVideo(content.body)
    }

    @Test func xAITaskIsPendingThenDoneWithAVideoObject() async throws {
        let (clock, simulator, id) = try await Self.submitted(
            Raw.postJSON(XAIDialectTests.submitURL, XAIDialectTests.documentedBody), idField: "request_id")
        let statusURL = Raw.xAI + "/v1/videos/\(id)"
        let queued = try Raw.json(try await Raw.send(simulator, Raw.get(statusURL)))
        #expect(queued["status"] == .string("pending"))
        #expect(queued["progress"] == .int(0))
        #expect(queued["model"] == .string("grok-imagine-video"))
        Self.at(clock, 20.5)
        let pending = try Raw.json(try await Raw.send(simulator, Raw.get(statusURL)))
        #expect(pending["status"] == .string("pending"))
        #expect(pending["progress"] == .int(50))
        #expect(pending["video"] == nil)
        Self.at(clock, 36)
        let done = try Raw.json(try await Raw.send(simulator, Raw.get(statusURL)))
        #expect(done["status"] == .string("done"))
        #expect(done["video"]?["url"] == .string("https://cdn.simulator.invalid/videos/\(id).mp4"))
        #expect(done["video"]?["duration"] == .int(8))
        #expect(done["video"]?["respect_moderation"] == .bool(true))
        let video = try await simulator.send(
            HTTPRequest(method: .get, url: Raw.url("https://cdn.simulator.invalid/videos/\(id).mp4")))
        Self.expectSampleVideo(video.body)
    }

    @Test func instantTimingFinishesOnTheFirstPoll() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), timing: .instant)
        let id = try #require(
            try Raw.json(
                try await Raw.send(simulator, Raw.postJSON(XAIDialectTests.submitURL, XAIDialectTests.documentedBody)))[
                    "request_id"]?.stringValue)
        let done = try Raw.json(try await Raw.send(simulator, Raw.get(Raw.xAI + "/v1/videos/\(id)")))
        #expect(done["status"] == .string("done"))
    }

    @Test func videoURLsExpireAfterTheirLifetime() async throws {
        let (clock, simulator, id) = try await Self.submitted(
            Raw.postJSON(KyyReactDialectTests.submitURL, KyyReactDialectTests.documentedBody))
        let url = try #require(simulator.task(id)?.videoURL)
        Self.at(clock, 40 + 86_400)
        #expect(try await simulator.send(HTTPRequest(method: .get, url: url)).status == 200)
        Self.at(clock, 40 + 86_401)
        let expired = try await simulator.send(HTTPRequest(method: .get, url: url))
        #expect(expired.status == 403)
        #expect(String(decoding: expired.body, as: UTF8.self).contains("<Code>AccessDenied</Code>"))
    }

    @Test func aMemoryLimitSmallerThanTheVideoThrowsResponseTooLarge() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), timing: .instant)
        let id = try #require(
            try Raw.json(
                try await Raw.send(
                    simulator, Raw.postJSON(KyyReactDialectTests.submitURL, KyyReactDialectTests.documentedBody)))[
                    "id"]?
                .stringValue)
        let url = try #require(simulator.task(id)?.videoURL)
        let error = await #expect(throws: HTTPTransportError.self) {
            try await simulator.send(HTTPRequest(method: .get, url: url), bodyDestination: .memory(limit: 1000))
        }
        #expect(error?.kind == .responseTooLarge)
        #expect(error?.requestMayHaveBeenSent == true)
    }
}
