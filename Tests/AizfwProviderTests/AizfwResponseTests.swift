import AizfwProvider
import Foundation
import KyyReactDialect
import Testing
import VideoProviderKit

/// Reading vendor answers: documented examples give typed snapshots; anything else gives a typed error.
@Suite struct AizfwResponseTests {
    let provider = Fixture.provider

    // MARK: Submit answers

    @Test func documentedSubmitAnswer() throws {
        let body = """
            {
              "id": "video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd",
              "object": "video",
              "created": 1774836724,
              "model": "grok_video3",
              "status": "queued",
              "error": null
            }
            """
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, body), for: try Fixture.documentedRequest())
        #expect(snapshot.taskID == Fixture.documentedTaskID)
        #expect(snapshot.status == .queued)
        #expect(snapshot.rawStatus == "queued")
        #expect(snapshot.model == "grok_video3")
        #expect(snapshot.errorMessage == nil)
        #expect(snapshot.videoURL == nil)
    }

    @Test func submitAnswerWithoutStatusIsQueued() throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, #"{"id":"video_1"}"#), for: try Fixture.documentedRequest())
        #expect(snapshot.taskID == "video_1")
        #expect(snapshot.status == .queued)
        #expect(snapshot.rawStatus == nil)
        #expect(snapshot.model == "grok_video3")
    }

    @Test func submitAnswerWithAnErrorAndNoID() throws {
        let error = try #require(
            submitError(200, #"{"id":null,"object":"video","status":"failed","error":"insufficient balance"}"#))
        // A balance refusal is an exhausted quota (docs/real-gateways.md): it falls back to the next provider.
        #expect(error.kind == .quotaExceeded)
        #expect(error.httpStatus == 200)
        #expect(error.vendorMessage == "insufficient balance")
        #expect(error.providerID == "aizfw")
        #expect(error.model == "grok_video3")
    }

    @Test func submitAnswerWithoutID() throws {
        let error = try #require(submitError(200, #"{"object":"video","status":"queued","error":null}"#))
        #expect(error.kind == .invalidResponse)
        #expect(error.message.contains("'id'"))
    }

    @Test func unauthorizedWithOpenAIStyleError() throws {
        let error = try #require(
            submitError(401, #"{"error":{"message":"invalid key","type":"auth","code":"invalid_api_key"}}"#))
        #expect(error.kind == .authentication)
        #expect(error.httpStatus == 401)
        #expect(error.vendorCode == "invalid_api_key")
        #expect(error.vendorMessage == "invalid key")
        #expect(!error.description.contains(Fixture.secret))
    }

    @Test func rateLimitedWithRetryAfter() throws {
        let error = try #require(submitError(429, #"{"error":"too many requests"}"#, headers: ["Retry-After": "30"]))
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == .seconds(30))
        #expect(error.vendorMessage == "too many requests")
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
        #expect(error.httpStatus == 502)
        #expect(error.vendorMessage == "HTML page: 502 Bad Gateway")
    }

    @Test func htmlPageWithSuccessStatus() throws {
        let error = try #require(
            submitError(200, "<!DOCTYPE html><html><title>Login</title></html>", contentType: "text/html"))
        #expect(error.kind == .invalidResponse)
        #expect(error.message.contains("HTML"))
    }

    @Test(arguments: [
        ("", "empty body"),
        (#"{"id":"video_1","status":"que"#, "truncated JSON"),
        (#"[{"id":"video_1"}]"#, "a JSON array"),
        ("null", "JSON null"),
        ("not json at all", "plain text"),
    ])
    func unreadableSuccessBodies(body: String, label: String) throws {
        let error = try #require(submitError(200, body), "\(label)")
        #expect(error.kind == .invalidResponse, "\(label)")
        #expect(error.httpStatus == 200)
    }

    // MARK: Status requests and answers

    @Test func statusRequest() throws {
        let request = try provider.statusRequest(
            taskID: Fixture.documentedTaskID, model: "grok_video3", context: Fixture.context)
        #expect(request.method == .get)
        #expect(
            request.url.absoluteString
                == "https://zcbservice.aizfw.cn/kyyReactApiServer/v1/result/video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.createsTask == false)
        #expect(request.body.isEmpty)
    }

    @Test(arguments: [
        ("a/b c?d#e%f", "a%2Fb%20c%3Fd%23e%25f"),
        ("../status", "..%2Fstatus"),
        ("任务 ✓", "%E4%BB%BB%E5%8A%A1%20%E2%9C%93"),
    ])
    func statusRequestPercentEncodesTheID(taskID: String, encoded: String) throws {
        let request = try provider.statusRequest(taskID: taskID, model: "grok_video3", context: Fixture.context)
        #expect(request.url.absoluteString == "https://zcbservice.aizfw.cn/kyyReactApiServer/v1/result/" + encoded)
    }

    @Test func statusRequestNeedsAnID() throws {
        let error = #expect(throws: VideoProviderError.self) {
            try provider.statusRequest(taskID: " ", model: "grok_video3", context: Fixture.context)
        }
        #expect(error?.kind == .invalidRequest)
    }

    @Test func documentedQueuedStatus() throws {
        let snapshot = try status(
            200,
            """
            {"id":"video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd","object":"video","created":1774836724,
             "model":"grok_video3","status":"queued","video_url":null,"error":null}
            """, taskID: Fixture.documentedTaskID)
        #expect(snapshot.taskID == Fixture.documentedTaskID)
        #expect(snapshot.status == .queued)
        #expect(snapshot.rawStatus == "queued")
        #expect(snapshot.videoURL == nil)
        #expect(snapshot.errorMessage == nil)
        #expect(snapshot.model == "grok_video3")
    }

    @Test func processingWithProgress() throws {
        let snapshot = try status(
            200, #"{"id":"video_1","status":"processing","progress":"45%","video_url":null,"error":null}"#)
        #expect(snapshot.status == .processing)
        #expect(snapshot.progress == 45)
    }

    @Test func completedWithVideoURLAndActualDuration() throws {
        let snapshot = try status(
            200,
            """
            {"id":"video_1","object":"video","created":1774836724,"model":"grok_video3","status":"completed",
             "video_url":"https://cdn.example.com/grok/video_1.mp4","actualDuration":10.04,"error":null}
            """)
        #expect(snapshot.status == .completed)
        #expect(snapshot.status.isTerminal)
        #expect(snapshot.videoURL?.absoluteString == "https://cdn.example.com/grok/video_1.mp4")
        #expect(snapshot.actualDuration == 10.04)
    }

    @Test func completedWithoutVideoURL() throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"completed","video_url":null}"#)
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
        #expect(provider.contentRequest(for: snapshot, context: Fixture.context) == nil)
    }

    @Test func failedWithErrorString() throws {
        let snapshot = try status(
            200, #"{"id":"video_1","status":"failed","video_url":null,"error":"Prompt rejected by content review"}"#)
        #expect(snapshot.status == .failed)
        #expect(snapshot.rawStatus == "failed")
        #expect(snapshot.errorMessage == "Prompt rejected by content review")
    }

    @Test func unknownStatusKeepsTheVendorWord() throws {
        let snapshot = try status(200, #"{"id":"video_1","status":"paused"}"#)
        #expect(snapshot.status == .unknown)
        #expect(snapshot.rawStatus == "paused")
        #expect(!snapshot.status.isTerminal)
    }

    @Test func statusCarriesTheRequestedID() throws {
        let snapshot = try provider.parseStatusResponse(
            Fixture.response(200, #"{"status":"queued"}"#), taskID: "video_9")
        #expect(snapshot.taskID == "video_9")
    }

    @Test func statusWithoutStatusField() throws {
        let error = try #require(statusError(200, #"{"id":"video_1","object":"video"}"#))
        #expect(error.kind == .invalidResponse)
        #expect(error.taskID == "video_1")
    }

    @Test func statusErrorEnvelopeWithSuccessCode() throws {
        let error = try #require(statusError(200, #"{"error":{"message":"task not found","code":"not_found"}}"#))
        // "task not found" is recognised at any HTTP status (docs/real-gateways.md), so polling stops after
        // three strikes instead of eight.
        #expect(error.kind == .notFound)
        #expect(error.vendorCode == "not_found")
        #expect(error.vendorMessage == "task not found")
    }

    @Test func statusNotFound() throws {
        let error = try #require(statusError(404, #"{"error":"task not found"}"#))
        #expect(error.kind == .notFound)
        #expect(error.taskID == "video_1")
    }

    @Test func statusPollHintFromRetryAfter() throws {
        let snapshot = try provider.parseStatusResponse(
            Fixture.response(200, #"{"id":"video_1","status":"processing"}"#, headers: ["Retry-After": "45"]),
            taskID: "video_1")
        #expect(snapshot.pollAfter == .seconds(45))
    }

    @Test func strangeFieldTypesAreIgnoredNotTrusted() throws {
        let snapshot = try status(
            200,
            """
            {"id":"video_1","status":"completed","video_url":"javascript:alert(1)","actualDuration":"ten",
             "progress":{"value":3},"model":42,"error":null}
            """)
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
        #expect(snapshot.actualDuration == nil)
        #expect(snapshot.progress == nil)
        #expect(snapshot.model == nil)
    }

    // MARK: Content

    @Test func contentRequestTargetsTheCDNWithoutCredentials() throws {
        let snapshot = TaskSnapshot(
            taskID: "video_1", status: .completed, videoURL: URL(string: "https://cdn.example.com/grok/video_1.mp4"))
        let request = try #require(provider.contentRequest(for: snapshot, context: Fixture.context))
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://cdn.example.com/grok/video_1.mp4")
        #expect(request.headers["Authorization"] == nil)
        #expect(!request.headers.contains { $0.value.contains(Fixture.secret) })
        #expect(request.createsTask == false)
    }

    // MARK: Robustness

    static let completedBody = Data(
        """
        {"id":"video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd","object":"video","created":1774836724,"model":"grok_video3","status":"completed","video_url":"https://cdn.example.com/v.mp4","actualDuration":10,"error":null}
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
            HTTPResponse(status: 200, body: Self.completedBody), taskID: "video_1")
        #expect(snapshot.status == .completed)
        #expect(snapshot.actualDuration == 10)
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
