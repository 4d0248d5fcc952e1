import Foundation
import OpenAICompatibleProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Reading vendor answers: documented examples give typed snapshots; anything else gives a typed error.
@Suite struct OpenAICompatibleResponseTests {
    let provider = Fixture.provider

    /// The page's response example (seed 004's copy of it, which has every documented field).
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

    // MARK: Submit answers

    @Test func documentedSubmitAnswer() throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, Self.documentedAnswer), for: try Fixture.documentedRequest())
        #expect(
            snapshot
                == TaskSnapshot(
                    taskID: "video_abc123", status: .queued, rawStatus: "queued", progress: 0, videoURL: nil,
                    errorMessage: nil, errorCode: nil, actualDuration: 6, model: "grok-imagine-video", pollAfter: nil))
    }

    @Test func submitAnswerWithoutStatusIsQueued() throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, #"{"id":"video_1"}"#), for: try Fixture.documentedRequest())
        #expect(snapshot.taskID == "video_1")
        #expect(snapshot.status == .queued)
        #expect(snapshot.rawStatus == nil)
        #expect(snapshot.model == "grok-imagine-video")
        #expect(snapshot.errorMessage == nil)
    }

    @Test func integerIDIsKeptAsText() throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, #"{"id":12345,"status":"queued"}"#), for: try Fixture.documentedRequest())
        #expect(snapshot.taskID == "12345")
    }

    @Test(arguments: [#"{"object":"video","status":"queued"}"#, #"{"id":"","status":"queued"}"#, #"{"id":null}"#])
    func submitAnswerWithoutID(body: String) throws {
        let error = try #require(submitError(200, body))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "openai-compatible answered the video submission without 'id'.")
        #expect(error.httpStatus == 200)
        #expect(error.model == "grok-imagine-video")
    }

    @Test func submitPollHint() throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, Self.documentedAnswer, headers: ["openai-poll-after-ms": "2500"]),
            for: try Fixture.documentedRequest())
        #expect(snapshot.pollAfter == .milliseconds(2500))
    }

    // MARK: Error shapes

    @Test func openAIErrorShape() throws {
        let error = try #require(
            submitError(
                401, #"{"error":{"message":"Invalid token","type":"new_api_error","code":"invalid_api_key"}}"#))
        #expect(error.kind == .authentication)
        #expect(error.httpStatus == 401)
        #expect(error.vendorCode == "invalid_api_key")
        #expect(error.vendorMessage == "Invalid token")
        #expect(error.providerID == "openai-compatible")
        #expect(!error.description.contains(Fixture.secret))
    }

    @Test func openAIErrorShapeWithoutCodeUsesTheType() throws {
        let error = try #require(
            submitError(
                400, #"{"error":{"message":"seconds must be >= 1","type":"invalid_request_error","code":null}}"#))
        #expect(error.kind == .vendorRejected)
        #expect(error.vendorCode == "invalid_request_error")
        #expect(error.vendorMessage == "seconds must be >= 1")
    }

    @Test func codeMessageDataShapeWithSuccessStatus() throws {
        let error = try #require(
            submitError(200, #"{"code":"insufficient_user_quota","message":"user quota is not enough","data":null}"#))
        // new-api's quota code is an exhausted quota (docs/real-gateways.md), not a rejection of the request.
        #expect(error.kind == .quotaExceeded)
        #expect(error.httpStatus == 200)
        #expect(error.vendorCode == "insufficient_user_quota")
        #expect(error.vendorMessage == "user quota is not enough")
    }

    @Test func contentPolicyRefusal() throws {
        let error = try #require(
            submitError(
                400,
                #"{"error":{"message":"Your request was rejected by the safety system","type":"invalid_request_error","code":"content_policy_violation"}}"#
            ))
        #expect(error.kind == .contentPolicy)
        #expect(error.vendorCode == "content_policy_violation")
    }

    @Test func rateLimitedWithRetryAfter() throws {
        let error = try #require(
            submitError(429, #"{"error":{"message":"rate limit","type":"rate_limit"}}"#, headers: ["Retry-After": "30"])
        )
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == .seconds(30))
        #expect(error.vendorCode == "rate_limit")
    }

    @Test func serverErrorWithEmptyBody() throws {
        let error = try #require(submitError(500, ""))
        #expect(error.kind == .serverError)
        #expect(error.httpStatus == 500)
        #expect(error.vendorMessage == nil)
    }

    @Test func badGatewayHTMLPage() throws {
        let page = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
        let error = try #require(submitError(502, page, contentType: "text/html"))
        #expect(error.kind == .serverError)
        #expect(error.vendorMessage == "HTML page: 502 Bad Gateway")
    }

    @Test func htmlPageWithSuccessStatus() throws {
        let error = try #require(
            submitError(200, "<!DOCTYPE html><html><title>Sign in</title></html>", contentType: "text/html"))
        #expect(error.kind == .invalidResponse)
        #expect(
            error.message
                == "openai-compatible answered the video submission with an HTML page (Sign in) instead of JSON.")
    }

    @Test(arguments: [
        ("", "empty body"),
        (#"{"id":"video_1","status":"que"#, "truncated JSON"),
        (#"[{"id":"video_1"}]"#, "a JSON array"),
        ("null", "JSON null"),
        ("\"video_1\"", "a JSON string"),
        ("not json at all", "plain text"),
    ])
    func unreadableSuccessBodies(body: String, label: String) throws {
        let submit = try #require(submitError(200, body), "\(label)")
        #expect(submit.kind == .invalidResponse, "\(label)")
        #expect(submit.httpStatus == 200)
        let status = try #require(statusError(200, body), "\(label)")
        #expect(status.kind == .invalidResponse, "\(label)")
        #expect(status.taskID == "video_1")
    }

    // MARK: Status requests

    @Test func statusRequest() throws {
        let request = try provider.statusRequest(
            taskID: Fixture.documentedTaskID, model: "grok-imagine-video", context: Fixture.context)
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://gateway.example.com/v1/videos/video_abc123")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.createsTask == false)
        #expect(request.body.isEmpty)
    }

    @Test(arguments: [
        ("a/b c?d#e%f", "a%2Fb%20c%3Fd%23e%25f"),
        ("../content", "..%2Fcontent"),
        ("任务 ✓", "%E4%BB%BB%E5%8A%A1%20%E2%9C%93"),
    ])
    func statusAndContentRequestsPercentEncodeTheID(taskID: String, encoded: String) throws {
        let status = try provider.statusRequest(taskID: taskID, model: "grok-imagine-video", context: Fixture.context)
        #expect(status.url.absoluteString == "https://gateway.example.com/v1/videos/" + encoded)
        let content = try #require(
            try provider.contentRequest(
                for: TaskSnapshot(taskID: taskID, status: .completed), context: Fixture.context))
        #expect(content.url.absoluteString == "https://gateway.example.com/v1/videos/" + encoded + "/content")
    }

    @Test(arguments: ["", "  ", "\n"])
    func statusAndContentRequestsNeedAnID(taskID: String) throws {
        let status = #expect(throws: VideoProviderError.self) {
            try provider.statusRequest(taskID: taskID, model: "grok-imagine-video", context: Fixture.context)
        }
        #expect(status?.kind == .invalidRequest)
        #expect(status?.violations.map(\.parameter) == ["task-id"])
        let content = #expect(throws: VideoProviderError.self) {
            try provider.contentRequest(for: TaskSnapshot(taskID: taskID, status: .completed), context: Fixture.context)
        }
        #expect(content?.kind == .invalidRequest)
    }

    // MARK: Status answers

    @Test(arguments: [
        ("queued", TaskStatus.queued), ("processing", .processing), ("in_progress", .processing),
        ("completed", .completed), ("failed", .failed), ("cancelled", .cancelled), ("unknown", .unknown),
        ("paused", .unknown), ("Completed", .completed),
    ])
    func everyStatusWord(word: String, expected: TaskStatus) throws {
        let snapshot = try status(200, #"{"id":"video_1","object":"video","status":""# + word + #""}"#)
        #expect(snapshot.status == expected)
        #expect(snapshot.rawStatus == word)
        #expect(snapshot.taskID == "video_1")
    }

    @Test(
        arguments: [
            ("0", 0), ("42", 42), ("42.6", 43), (#""100%""#, 100), (#""55""#, 55), (#""7.5%""#, 8), ("150", 100),
            ("-5", 0),
        ] as [(String, Int)])
    func progressForms(json: String, progress: Int) throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"in_progress","progress":"# + json + "}")
        #expect(snapshot.progress == progress)
    }

    @Test(arguments: [#""soon""#, "null", "{}", "[]", "true"])
    func unreadableProgressIsNil(json: String) throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"in_progress","progress":"# + json + "}")
        #expect(snapshot.progress == nil)
        #expect(snapshot.status == .processing)
    }

    @Test func completedWithVideoURL() throws {
        let snapshot = try status(
            200,
            """
            {"id":"video_abc123","object":"video","model":"grok-imagine-video","status":"completed","progress":100,
             "created_at":1735689600,"seconds":"8","size":"720P","video_url":"https://cdn.example.com/v/abc123.mp4"}
            """, taskID: "video_abc123")
        #expect(
            snapshot
                == TaskSnapshot(
                    taskID: "video_abc123", status: .completed, rawStatus: "completed", progress: 100,
                    videoURL: URL(string: "https://cdn.example.com/v/abc123.mp4"), actualDuration: 8,
                    model: "grok-imagine-video"))
    }

    @Test(arguments: [#""""#, "null", #""  ""#, #""ftp://cdn.example.com/v.mp4""#, #""javascript:alert(1)""#, "42"])
    func completedWithoutAUsableVideoURL(json: String) throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"completed","video_url":"# + json + "}")
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
        // The content endpoint still serves the video.
        let content = try provider.contentRequest(for: snapshot, context: Fixture.context)
        #expect(content?.url.absoluteString == "https://gateway.example.com/v1/videos/video_1/content")
    }

    @Test func failedWithOpenAIErrorObject() throws {
        let snapshot = try status(
            200,
            #"{"id":"video_1","status":"failed","progress":0,"error":{"message":"Prompt rejected","type":"upstream_error","code":"moderation_blocked"}}"#
        )
        #expect(snapshot.status == .failed)
        #expect(snapshot.errorCode == "moderation_blocked")
        #expect(snapshot.errorMessage == "Prompt rejected")
    }

    @Test func failedWithNewAPIFailReason() throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"failed","fail_reason":"upstream timeout"}"#)
        #expect(snapshot.status == .failed)
        #expect(snapshot.errorMessage == "upstream timeout")
    }

    @Test func cancelledWithTopLevelMessage() throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"cancelled","code":"cancelled","message":"by user"}"#)
        #expect(snapshot.status == .cancelled)
        #expect(snapshot.errorCode == "cancelled")
        #expect(snapshot.errorMessage == "by user")
    }

    /// A message beside a healthy status is not an error.
    @Test func messageBesideAHealthyStatusIsNotAnError() throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"processing","message":"rendering","error":null}"#)
        #expect(snapshot.errorMessage == nil)
        #expect(snapshot.errorCode == nil)
    }

    @Test func newAPIDataEnvelopeIsUnwrapped() throws {
        let snapshot = try status(
            200, #"{"code":"success","message":"","data":{"id":"video_1","status":"in_progress","progress":"30%"}}"#)
        #expect(snapshot.status == .processing)
        #expect(snapshot.rawStatus == "in_progress")
        #expect(snapshot.progress == 30)
        #expect(snapshot.errorMessage == nil)
    }

    @Test func statusCarriesTheRequestedID() throws {
        let snapshot = try provider.parseStatusResponse(
            Fixture.response(200, #"{"id":"other","status":"queued"}"#), taskID: "video_9")
        #expect(snapshot.taskID == "video_9")
    }

    @Test(arguments: [#"{"id":"video_1","object":"video"}"#, #"{"id":"video_1","status":""}"#, #"{"status":3}"#])
    func statusWithoutAUsableStatusField(body: String) throws {
        let error = try #require(statusError(200, body))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "openai-compatible answered the status query without 'status'.")
        #expect(error.taskID == "video_1")
    }

    @Test func statusErrorEnvelopeWithSuccessCode() throws {
        let error = try #require(
            statusError(
                200, #"{"error":{"message":"task not found","type":"invalid_request_error","code":"not_found"}}"#))
        // "task not found" is recognised at any HTTP status (docs/real-gateways.md), so polling stops after
        // three strikes instead of eight.
        #expect(error.kind == .notFound)
        #expect(error.vendorCode == "not_found")
        #expect(error.vendorMessage == "task not found")
    }

    @Test func statusNotFound() throws {
        let error = try #require(statusError(404, #"{"code":"task_not_exist","message":"task_not_exist","data":null}"#))
        #expect(error.kind == .notFound)
        #expect(error.taskID == "video_1")
        #expect(error.vendorCode == "task_not_exist")
    }

    @Test func statusPollHints() throws {
        let hinted = try provider.parseStatusResponse(
            Fixture.response(
                200, #"{"id":"video_1","status":"processing"}"#, headers: ["openai-poll-after-ms": "5000"]),
            taskID: "video_1")
        #expect(hinted.pollAfter == .seconds(5))
        let unreadable = try provider.parseStatusResponse(
            Fixture.response(
                200, #"{"id":"video_1","status":"processing"}"#, headers: ["openai-poll-after-ms": "soon"]),
            taskID: "video_1")
        #expect(unreadable.pollAfter == nil)
    }

    @Test func strangeFieldTypesAreIgnoredNotTrusted() throws {
        let snapshot = try status(
            200,
            """
            {"id":"video_1","status":"completed","video_url":{"url":"https://cdn.example.com/v.mp4"},
             "seconds":"six","progress":{"value":3},"model":42,"created_at":"yesterday","size":[720],"error":null}
            """)
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
        #expect(snapshot.actualDuration == nil)
        #expect(snapshot.progress == nil)
        #expect(snapshot.model == nil)
        #expect(snapshot.errorMessage == nil)
    }

    @Test(arguments: [("8", 8.0), (#""8""#, 8.0), ("8.5", 8.5), ("-1", nil), (#""""#, nil)] as [(String, Double?)])
    func secondsEchoForms(json: String, seconds: Double?) throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"queued","seconds":"# + json + "}")
        #expect(snapshot.actualDuration == seconds)
    }

    // MARK: Content

    /// The documented `GET /v1/videos/{task_id}/content`: the gateway's own host, so the key goes with it.
    @Test func contentRequestGoesToTheGatewayWithTheKey() throws {
        let snapshot = TaskSnapshot(
            taskID: "video_abc123", status: .completed, videoURL: URL(string: "https://cdn.example.com/v.mp4"))
        let request = try #require(try provider.contentRequest(for: snapshot, context: Fixture.context))
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://gateway.example.com/v1/videos/video_abc123/content")
        #expect(request.url.host == Fixture.baseURL.host)
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.headers["Accept"] == "video/*, */*")
        #expect(request.createsTask == false)
        #expect(request.body.isEmpty)
    }

    /// The fallback the client tries next is the CDN URL, and that never carries the key.
    @Test func videoURLFallbackCarriesNoKey() throws {
        let snapshot = TaskSnapshot(
            taskID: "video_abc123", status: .completed, videoURL: URL(string: "https://cdn.example.com/v.mp4"))
        let request = try #require(provider.videoURLRequest(for: snapshot))
        #expect(request.url.absoluteString == "https://cdn.example.com/v.mp4")
        #expect(request.headers["Authorization"] == nil)
        #expect(!request.headers.contains { $0.value.contains(Fixture.secret) })
    }

    @Test func contentRequestKeepsTheBasePathAndAdditionalHeaders() throws {
        let context = ProviderContext(
            baseURL: URL(string: "https://proxy.example.com/openai")!, apiKey: nil,
            additionalHeaders: ["X-Team": "video"])
        let request = try #require(
            try provider.contentRequest(for: TaskSnapshot(taskID: "video_1", status: .completed), context: context))
        #expect(request.url.absoluteString == "https://proxy.example.com/openai/v1/videos/video_1/content")
        #expect(request.headers["Authorization"] == nil)
        #expect(request.headers["X-Team"] == "video")
    }

    // MARK: Robustness

    static let completedBody = Data(
        """
        {"id":"video_abc123","object":"video","model":"grok-imagine-video","status":"completed","progress":"100%","created_at":1735689600,"seconds":"8","size":"720P","video_url":"https://cdn.example.com/v.mp4","error":null}
        """.utf8)

    /// Every strict prefix of a valid answer is unreadable JSON: it must become `.invalidResponse`, never a
    /// trap or a half-filled snapshot.
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

    /// Single-byte corruptions anywhere in a valid answer: any outcome is fine except a trap.
    @Test(arguments: stride(from: 0, to: completedBody.count, by: 3).map { $0 })
    func byteCorruptionNeverTraps(offset: Int) throws {
        for replacement in Array("\"{}[],:\\0n\u{0}".utf8) + [0xFF] {
            var body = Self.completedBody
            body[offset] = replacement
            let response = HTTPResponse(status: 200, body: body)
            if let snapshot = try? provider.parseStatusResponse(response, taskID: "video_1") {
                #expect(snapshot.taskID == "video_1")
            }
            _ = try? provider.parseSubmitResponse(response, for: try Fixture.documentedRequest())
        }
    }

    @Test func fullBodyParsesAfterAllThat() throws {
        let snapshot = try provider.parseStatusResponse(
            HTTPResponse(status: 200, body: Self.completedBody), taskID: "video_abc123")
        #expect(snapshot.status == .completed)
        #expect(snapshot.progress == 100)
        #expect(snapshot.actualDuration == 8)
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
        _ code: Int, _ body: String, contentType: String = "application/json", headers: HTTPHeaders = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> VideoProviderError? {
        #expect(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try provider.parseSubmitResponse(
                Fixture.response(code, body, contentType: contentType, headers: headers),
                for: try Fixture.documentedRequest())
        }
    }
}
