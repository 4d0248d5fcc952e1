import Foundation
import OctopusXProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Reading vendor answers: documented examples give typed snapshots; anything else gives a typed error.
@Suite struct OctopusXResponseTests {
    let provider = Fixture.provider

    /// The page's response example, verbatim.
    static let documentedAnswer = """
        {
          "id": "video_abc123",
          "object": "video",
          "model": "grok-video-3",
          "status": "queued",
          "progress": 0,
          "created_at": 1735689600,
          "size": "720P"
        }
        """

    @Test func documentedSubmitAnswer() throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, Self.documentedAnswer), for: try Fixture.documentedRequest())
        // No `seconds` and no `video_url` in this example: both stay unknown.
        #expect(
            snapshot
                == TaskSnapshot(
                    taskID: "video_abc123", status: .queued, rawStatus: "queued", progress: 0, videoURL: nil,
                    actualDuration: nil, model: "grok-video-3"))
    }

    @Test func documentedAnswerAsAStatus() throws {
        let snapshot = try provider.parseStatusResponse(
            Fixture.response(200, Self.documentedAnswer), taskID: Fixture.documentedTaskID)
        #expect(snapshot.taskID == "video_abc123")
        #expect(snapshot.status == .queued)
        #expect(snapshot.model == "grok-video-3")
    }

    /// The server fixes -pro and -max; its `seconds` echo says what it chose.
    @Test func fixedTierEchoesItsLength() throws {
        let request = try Fixture.resolve(VideoRequest(model: "grok-video-3-max", prompt: "Rain"))
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(
                200, #"{"id":"video_2","object":"video","model":"grok-video-3-max","status":"queued","seconds":15}"#),
            for: request)
        #expect(snapshot.actualDuration == 15)
        #expect(snapshot.model == "grok-video-3-max")
    }

    @Test func submitAnswerWithoutID() throws {
        let error = try #require(submitError(200, #"{"object":"video","status":"queued"}"#))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "octopusx answered the video submission without 'id'.")
        #expect(error.model == "grok-video-3")
    }

    @Test func openAIErrorShape() throws {
        let error = try #require(
            submitError(
                401, #"{"error":{"message":"无效的令牌","type":"new_api_error","code":"invalid_api_key"}}"#))
        #expect(error.kind == .authentication)
        #expect(error.vendorCode == "invalid_api_key")
        #expect(error.vendorMessage == "无效的令牌")
        #expect(!error.description.contains(Fixture.secret))
    }

    @Test func codeMessageDataShape() throws {
        let error = try #require(
            submitError(400, #"{"code":"invalid_request","message":"size must be 720P or 1080P","data":null}"#))
        #expect(error.kind == .vendorRejected)
        #expect(error.httpStatus == 400)
        #expect(error.vendorCode == "invalid_request")
        #expect(error.vendorMessage == "size must be 720P or 1080P")
    }

    @Test func badGatewayHTMLPage() throws {
        let page = "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"
        let error = try #require(submitError(502, page, contentType: "text/html"))
        #expect(error.kind == .serverError)
        #expect(error.vendorMessage == "HTML page: 502 Bad Gateway")
    }

    @Test(arguments: ["", #"{"id":"video_1","#, "[]", "null", "<!doctype html><p>hi"])
    func unreadableSuccessBodies(body: String) throws {
        let submit = try #require(submitError(200, body))
        #expect(submit.kind == .invalidResponse)
        let status = try #require(statusError(200, body))
        #expect(status.kind == .invalidResponse)
    }

    // MARK: Status and content requests

    @Test func statusRequest() throws {
        let request = try provider.statusRequest(
            taskID: Fixture.documentedTaskID, model: "grok-video-3", context: Fixture.context)
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://octopusx.ai/v1/videos/video_abc123")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.createsTask == false)
        #expect(request.body.isEmpty)
    }

    @Test func contentRequestGoesToTheGatewayWithTheKey() throws {
        let snapshot = TaskSnapshot(
            taskID: "video_abc123", status: .completed, videoURL: URL(string: "https://cdn.example.com/v.mp4"))
        let request = try #require(try provider.contentRequest(for: snapshot, context: Fixture.context))
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://octopusx.ai/v1/videos/video_abc123/content")
        #expect(request.url.host == "octopusx.ai")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.headers["Accept"] == "video/*, */*")
        #expect(request.createsTask == false)
        // The CDN fallback never carries the key.
        let fallback = try #require(provider.videoURLRequest(for: snapshot))
        #expect(fallback.url.host == "cdn.example.com")
        #expect(fallback.headers["Authorization"] == nil)
    }

    @Test(arguments: [
        ("a/b c?d#e%f", "a%2Fb%20c%3Fd%23e%25f"), ("../../admin", "..%2F..%2Fadmin"), ("任务", "%E4%BB%BB%E5%8A%A1"),
    ])
    func idsArePercentEncodedAsOneSegment(taskID: String, encoded: String) throws {
        let status = try provider.statusRequest(taskID: taskID, model: "grok-video-3", context: Fixture.context)
        #expect(status.url.absoluteString == "https://octopusx.ai/v1/videos/" + encoded)
        let content = try #require(
            try provider.contentRequest(for: TaskSnapshot(taskID: taskID, status: .completed), context: Fixture.context)
        )
        #expect(content.url.absoluteString == "https://octopusx.ai/v1/videos/" + encoded + "/content")
    }

    @Test func requestsNeedAnID() throws {
        let status = #expect(throws: VideoProviderError.self) {
            try provider.statusRequest(taskID: "", model: "grok-video-3", context: Fixture.context)
        }
        #expect(status?.kind == .invalidRequest)
        let content = #expect(throws: VideoProviderError.self) {
            try provider.contentRequest(for: TaskSnapshot(taskID: " ", status: .completed), context: Fixture.context)
        }
        #expect(content?.kind == .invalidRequest)
    }

    // MARK: Status answers

    @Test(arguments: [
        ("queued", TaskStatus.queued), ("processing", .processing), ("in_progress", .processing),
        ("completed", .completed), ("failed", .failed), ("cancelled", .cancelled), ("unknown", .unknown),
        ("rendering_v2", .unknown),
    ])
    func everyStatusWord(word: String, expected: TaskStatus) throws {
        let snapshot = try status(200, #"{"id":"video_1","status":""# + word + #""}"#)
        #expect(snapshot.status == expected)
        #expect(snapshot.rawStatus == word)
    }

    @Test(arguments: [("0", 0), ("37", 37), ("99.4", 99), (#""100%""#, 100), (#""12""#, 12)] as [(String, Int)])
    func progressForms(json: String, progress: Int) throws {
        #expect(
            try status(200, #"{"id":"video_1","status":"processing","progress":"# + json + "}").progress == progress)
    }

    @Test func completedWithVideoURL() throws {
        let snapshot = try status(
            200,
            #"{"id":"video_1","object":"video","model":"grok-video-3-pro","status":"completed","progress":100,"seconds":"10","size":"1080P","video_url":"https://cdn.octopusx.ai/v/1.mp4"}"#
        )
        #expect(
            snapshot
                == TaskSnapshot(
                    taskID: "video_1", status: .completed, rawStatus: "completed", progress: 100,
                    videoURL: URL(string: "https://cdn.octopusx.ai/v/1.mp4"), actualDuration: 10,
                    model: "grok-video-3-pro"))
    }

    @Test func completedWithEmptyVideoURL() throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"completed","video_url":""}"#)
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
    }

    @Test func failedWithErrorObject() throws {
        let snapshot = try status(
            200, #"{"id":"video_1","status":"failed","error":{"message":"upstream busy","code":"upstream_error"}}"#)
        #expect(snapshot.status == .failed)
        #expect(snapshot.errorCode == "upstream_error")
        #expect(snapshot.errorMessage == "upstream busy")
    }

    @Test func statusWithoutStatusField() throws {
        let error = try #require(statusError(200, #"{"id":"video_1","object":"video"}"#))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "octopusx answered the status query without 'status'.")
    }

    @Test func statusNotFoundInCodeMessageDataShape() throws {
        let error = try #require(statusError(404, #"{"code":"task_not_exist","message":"task not found","data":null}"#))
        #expect(error.kind == .notFound)
        #expect(error.vendorCode == "task_not_exist")
        #expect(error.vendorMessage == "task not found")
    }

    @Test func pollHintHeader() throws {
        let snapshot = try provider.parseStatusResponse(
            Fixture.response(200, #"{"id":"video_1","status":"queued"}"#, headers: ["openai-poll-after-ms": "1500"]),
            taskID: "video_1")
        #expect(snapshot.pollAfter == .milliseconds(1500))
    }

    @Test func strangeFieldTypesAreIgnoredNotTrusted() throws {
        let snapshot = try status(
            200, #"{"id":"video_1","status":"completed","video_url":7,"seconds":[10],"progress":"x","model":{}}"#)
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
        #expect(snapshot.actualDuration == nil)
        #expect(snapshot.progress == nil)
        #expect(snapshot.model == nil)
    }

    // MARK: Robustness

    static let completedBody = Data(
        """
        {"id":"video_abc123","object":"video","model":"grok-video-3","status":"completed","progress":100,"created_at":1735689600,"seconds":"6","size":"720P","video_url":"https://cdn.example.com/v.mp4"}
        """.utf8)

    @Test(arguments: 0..<completedBody.count)
    func everyTruncationIsAnInvalidResponse(length: Int) throws {
        let response = HTTPResponse(
            status: 200, headers: ["Content-Type": "application/json"], body: Self.completedBody.prefix(length))
        let statusError = #expect(throws: VideoProviderError.self) {
            try provider.parseStatusResponse(response, taskID: "video_1")
        }
        #expect(statusError?.kind == .invalidResponse)
        let submitError = #expect(throws: VideoProviderError.self) {
            try provider.parseSubmitResponse(response, for: try Fixture.documentedRequest())
        }
        #expect(submitError?.kind == .invalidResponse)
    }

    @Test func fullBodyParses() throws {
        let snapshot = try provider.parseStatusResponse(
            HTTPResponse(status: 200, body: Self.completedBody), taskID: "video_abc123")
        #expect(snapshot.status == .completed)
        #expect(snapshot.actualDuration == 6)
        #expect(snapshot.videoURL?.absoluteString == "https://cdn.example.com/v.mp4")
    }

    // MARK: Helpers

    private func status(_ code: Int, _ body: String, taskID: String = "video_1") throws -> TaskSnapshot {
        try provider.parseStatusResponse(Fixture.response(code, body), taskID: taskID)
    }

    private func statusError(_ code: Int, _ body: String, sourceLocation: SourceLocation = #_sourceLocation)
        -> VideoProviderError?
    {
        #expect(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try provider.parseStatusResponse(Fixture.response(code, body), taskID: "video_1")
        }
    }

    private func submitError(
        _ code: Int, _ body: String, contentType: String = "application/json",
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> VideoProviderError? {
        #expect(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try provider.parseSubmitResponse(
                Fixture.response(code, body, contentType: contentType), for: try Fixture.documentedRequest())
        }
    }
}
