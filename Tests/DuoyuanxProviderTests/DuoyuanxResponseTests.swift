import DuoyuanxProvider
import Foundation
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Reading vendor answers: documented examples give typed snapshots; anything else gives a typed error.
@Suite struct DuoyuanxResponseTests {
    let provider = Fixture.provider

    /// The page's response example, verbatim.
    static let documentedAnswer = """
        {
          "id": "video_abc123",
          "object": "video",
          "model": "grok-imagine-video",
          "status": "queued",
          "progress": 0,
          "created_at": 1735689600,
          "seconds": "6",
          "size": "720P",
          "video_url": ""
        }
        """

    /// The example answers a request for `"seconds": "8"` with `"seconds": "6"`; the snapshot reports what
    /// the gateway says, so a caller can see the disagreement.
    @Test func documentedSubmitAnswer() throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, Self.documentedAnswer), for: try Fixture.documentedRequest())
        #expect(
            snapshot
                == TaskSnapshot(
                    taskID: "video_abc123", status: .queued, rawStatus: "queued", progress: 0, videoURL: nil,
                    actualDuration: 6, model: "grok-imagine-video"))
    }

    @Test func multipartModelAnswer() throws {
        let request = try Fixture.resolve(VideoRequest(model: "grok-video-3-pro", prompt: "Rain"))
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(
                200,
                #"{"id":"video_p1","object":"video","model":"grok-video-3-pro","status":"queued","progress":0,"seconds":"10","size":"720P"}"#
            ), for: request)
        #expect(snapshot.taskID == "video_p1")
        #expect(snapshot.actualDuration == 10)
        #expect(snapshot.model == "grok-video-3-pro")
    }

    @Test(arguments: [
        ("queued", TaskStatus.queued), ("processing", .processing), ("in_progress", .processing),
        ("completed", .completed), ("failed", .failed), ("cancelled", .cancelled), ("unknown", .unknown),
        ("moderating", .unknown),
    ])
    func everyStatusWord(word: String, expected: TaskStatus) throws {
        let snapshot = try status(200, #"{"id":"video_1","status":""# + word + #""}"#)
        #expect(snapshot.status == expected)
        #expect(snapshot.rawStatus == word)
    }

    @Test(arguments: [("0", 0), ("64", 64), ("64.5", 65), (#""100%""#, 100), (#""80""#, 80)] as [(String, Int)])
    func progressForms(json: String, progress: Int) throws {
        #expect(
            try status(200, #"{"id":"video_1","status":"processing","progress":"# + json + "}").progress == progress)
    }

    @Test func completedWithVideoURL() throws {
        let snapshot = try status(
            200,
            #"{"id":"video_1","status":"completed","progress":"100%","seconds":"8","size":"720P","video_url":"https://files.duoyuanx.com/v/1.mp4"}"#
        )
        #expect(snapshot.status == .completed)
        #expect(snapshot.progress == 100)
        #expect(snapshot.videoURL?.absoluteString == "https://files.duoyuanx.com/v/1.mp4")
        #expect(snapshot.actualDuration == 8)
    }

    @Test func failedWithErrorObject() throws {
        let snapshot = try status(
            200, #"{"id":"video_1","status":"failed","error":{"message":"content rejected","code":"sensitive_words"}}"#)
        #expect(snapshot.status == .failed)
        #expect(snapshot.errorCode == "sensitive_words")
        #expect(snapshot.errorMessage == "content rejected")
    }

    @Test func openAIErrorShape() throws {
        let error = try #require(
            submitError(403, #"{"error":{"message":"model not allowed","type":"new_api_error","code":"model_denied"}}"#)
        )
        #expect(error.kind == .authentication)
        #expect(error.vendorCode == "model_denied")
        #expect(error.vendorMessage == "model not allowed")
    }

    @Test func codeMessageDataShape() throws {
        let error = try #require(submitError(200, #"{"code":"quota_exceeded","message":"余额不足","data":null}"#))
        // An exhausted balance is its own kind (docs/real-gateways.md): it falls back, never "authentication".
        #expect(error.kind == .quotaExceeded)
        #expect(error.vendorCode == "quota_exceeded")
        #expect(error.vendorMessage == "余额不足")
    }

    @Test(arguments: ["", #"{"id":"#, "[1]", "<html><title>Maintenance</title></html>"])
    func unreadableSuccessBodies(body: String) throws {
        #expect(try #require(submitError(200, body)).kind == .invalidResponse)
        #expect(try #require(statusError(200, body)).kind == .invalidResponse)
    }

    @Test func serviceUnavailableHTML() throws {
        let error = try #require(
            statusError(
                503, "<html><head><title>503 Service Unavailable</title></head></html>", contentType: "text/html"))
        #expect(error.kind == .serverError)
        #expect(error.vendorMessage == "HTML page: 503 Service Unavailable")
        #expect(error.taskID == "video_1")
    }

    @Test func statusWithoutStatusField() throws {
        let error = try #require(statusError(200, #"{"id":"video_1","progress":10}"#))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "duoyuanx answered the status query without 'status'.")
    }

    @Test func strangeFieldTypesAreIgnoredNotTrusted() throws {
        let snapshot = try status(
            200, #"{"id":"video_1","status":"completed","video_url":false,"seconds":null,"progress":[],"size":{}}"#)
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
        #expect(snapshot.actualDuration == nil)
        #expect(snapshot.progress == nil)
    }

    @Test func pollHintHeader() throws {
        let snapshot = try provider.parseStatusResponse(
            Fixture.response(200, #"{"id":"video_1","status":"queued"}"#, headers: ["openai-poll-after-ms": "10000"]),
            taskID: "video_1")
        #expect(snapshot.pollAfter == .seconds(10))
    }

    // MARK: Status and content requests

    /// "Query the result later with GET /v1/videos/{id}".
    @Test func statusRequest() throws {
        let request = try provider.statusRequest(
            taskID: Fixture.documentedTaskID, model: "grok-imagine-video", context: Fixture.context)
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://duoyuanx.com/v1/videos/video_abc123")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.createsTask == false)
        #expect(request.body.isEmpty)
    }

    /// "You can also download the result with GET /v1/videos/{task_id}/content": same host, with the key.
    @Test func contentRequest() throws {
        let snapshot = TaskSnapshot(
            taskID: "video_abc123", status: .completed, videoURL: URL(string: "https://files.duoyuanx.com/v/1.mp4"))
        let request = try #require(try provider.contentRequest(for: snapshot, context: Fixture.context))
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://duoyuanx.com/v1/videos/video_abc123/content")
        #expect(request.url.host == "duoyuanx.com")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.headers["Accept"] == "video/*, */*")
        let fallback = try #require(provider.videoURLRequest(for: snapshot))
        #expect(fallback.headers["Authorization"] == nil)
    }

    @Test(arguments: [("id with space", "id%20with%20space"), ("x/../../y", "x%2F..%2F..%2Fy"), ("a?b#c", "a%3Fb%23c")])
    func idsArePercentEncodedAsOneSegment(taskID: String, encoded: String) throws {
        let status = try provider.statusRequest(taskID: taskID, model: "grok-video-3", context: Fixture.context)
        #expect(status.url.absoluteString == "https://duoyuanx.com/v1/videos/" + encoded)
        let content = try #require(
            try provider.contentRequest(for: TaskSnapshot(taskID: taskID, status: .completed), context: Fixture.context)
        )
        #expect(content.url.absoluteString == "https://duoyuanx.com/v1/videos/" + encoded + "/content")
    }

    // MARK: Robustness

    static let completedBody = Data(
        """
        {"id":"video_abc123","object":"video","model":"grok-video-3","status":"completed","progress":100,"created_at":1735689600,"seconds":"6","size":"720P","video_url":"https://files.duoyuanx.com/v/abc.mp4"}
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
        #expect(snapshot.videoURL?.absoluteString == "https://files.duoyuanx.com/v/abc.mp4")
    }

    // MARK: Helpers

    private func status(_ code: Int, _ body: String, taskID: String = "video_1") throws -> TaskSnapshot {
        try provider.parseStatusResponse(Fixture.response(code, body), taskID: taskID)
    }

    private func statusError(
        _ code: Int, _ body: String, contentType: String = "application/json",
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> VideoProviderError? {
        #expect(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try provider.parseStatusResponse(Fixture.response(code, body, contentType: contentType), taskID: "video_1")
        }
    }

    private func submitError(_ code: Int, _ body: String, sourceLocation: SourceLocation = #_sourceLocation)
        -> VideoProviderError?
    {
        #expect(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try provider.parseSubmitResponse(Fixture.response(code, body), for: try Fixture.documentedRequest())
        }
    }
}
