import Foundation
import Testing
import VideoProviderKit
import XAIProvider
import XAIVideoDialect

/// Reading xAI's answers: documented examples give typed snapshots; anything else gives a typed error or an
/// `.unknown` status, never a trap.
@Suite struct XAIResponseTests {
    let provider = Fixture.provider

    // MARK: Submit answers

    @Test func documentedSubmitAnswer() throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, #"{"request_id":"aa87081b-1a29-d8a6-e5bf-5807e3a7a561"}"#),
            for: try Fixture.documentedRequest())
        #expect(snapshot.taskID == Fixture.documentedRequestID)
        #expect(snapshot.status == .queued)
        #expect(snapshot.rawStatus == nil)
        #expect(snapshot.model == "grok-imagine-video")
        #expect(snapshot.progress == nil)
        #expect(snapshot.videoURL == nil)
        #expect(snapshot.errorMessage == nil)
    }

    @Test func numericRequestIDAndPollHint() throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, #"{"request_id":12345}"#, headers: ["Retry-After": "5"]),
            for: try Fixture.documentedRequest())
        #expect(snapshot.taskID == "12345")
        #expect(snapshot.pollAfter == .seconds(5))
    }

    @Test(arguments: [
        #"{}"#, #"{"request_id":""}"#, #"{"request_id":"   "}"#, #"{"request_id":null}"#,
        #"{"request_id":{"id":"x"}}"#,
    ])
    func submitAnswerWithoutUsableRequestID(body: String) throws {
        let error = try #require(submitError(200, body))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "xai answered the video submission without 'request_id'.")
        #expect(error.httpStatus == 200)
        #expect(error.model == "grok-imagine-video")
    }

    @Test func submitAnswerThatIsAnErrorEnvelopeWithSuccessStatus() throws {
        let error = try #require(
            submitError(200, #"{"code":"Client specified an invalid argument","error":"Duration must be 1-15"}"#))
        #expect(error.kind == .vendorRejected)
        #expect(error.vendorCode == "Client specified an invalid argument")
        #expect(error.vendorMessage == "Duration must be 1-15")
        #expect(error.httpStatus == 200)
    }

    @Test(arguments: [
        (400, "vendor-rejected", "Client specified an invalid argument", "Invalid aspect ratio 5:4."),
        (401, "authentication", "Unauthenticated", "No API key provided."),
        (
            403, "authentication", "The caller does not have permission to execute the specified operation",
            "Your team has no credits."
        ),
        (404, "not-found", "Some requested entity was not found", "Model grok-imagine-video-9 does not exist."),
        (422, "vendor-rejected", "Client specified an invalid argument", "Missing field prompt."),
        (429, "rate-limited", "Too many requests", "Rate limit exceeded."),
        (500, "server-error", "Internal error", "Something went wrong."),
        (503, "server-error", "Service unavailable", "Try again later."),
    ])
    func codeErrorEnvelopes(status: Int, kind: String, code: String, message: String) throws {
        let body = #"{"code":"\#(code)","error":"\#(message)"}"#
        let error = try #require(submitError(status, body, headers: ["Retry-After": "7"]))
        #expect(error.kind.rawValue == kind)
        #expect(error.httpStatus == status)
        #expect(error.vendorCode == code)
        #expect(error.vendorMessage == message)
        #expect(error.retryAfter == .seconds(7))
        #expect(error.providerID == "xai")
        #expect(error.message == "xai refused the video submission (HTTP \(status)): \(message)")
    }

    @Test func incorrectKeyAtHTTP400IsAnAuthenticationFailure() throws {
        let error = try #require(
            submitError(
                400,
                #"{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***ET. You can obtain an API key from https://console.x.ai."}"#
            ))
        #expect(error.kind == .authentication)
        #expect(error.httpStatus == 400)
        #expect(!error.description.contains(Fixture.secret))
        #expect(FailureAction.forSubmission(error, retry: RetryPolicy()) == .fallBack)
    }

    @Test func openAIStyleErrorObject() throws {
        let error = try #require(
            submitError(
                400, #"{"error":{"message":"prompt is required","type":"invalid_request_error","code":"missing"}}"#))
        #expect(error.kind == .vendorRejected)
        #expect(error.vendorCode == "missing")
        #expect(error.vendorMessage == "prompt is required")
    }

    @Test func moderationRefusalAtSubmitIsContentPolicy() throws {
        let error = try #require(
            submitError(
                400, #"{"code":"Client specified an invalid argument","error":"Prompt rejected by moderation."}"#))
        #expect(error.kind == .contentPolicy)
    }

    @Test func serverErrorWithEmptyBodyIsAmbiguous() throws {
        let error = try #require(submitError(500, ""))
        #expect(error.kind == .serverError)
        #expect(error.vendorMessage == nil)
        #expect(error.vendorCode == nil)
        #expect(FailureAction.forSubmission(error, retry: RetryPolicy()) == .ambiguous)
    }

    @Test func badGatewayHTMLPage() throws {
        let page = "<html><head><title>502 Bad Gateway</title></head><body><center>cloudflare</center></body></html>"
        let error = try #require(submitError(502, page, contentType: "text/html"))
        #expect(error.kind == .serverError)
        #expect(error.vendorMessage == "HTML page: 502 Bad Gateway")
    }

    @Test func htmlPageWithSuccessStatus() throws {
        let error = try #require(
            submitError(200, "<!DOCTYPE html><html><title>Just a moment...</title></html>", contentType: "text/html"))
        #expect(error.kind == .invalidResponse)
        #expect(
            error.message == "xai answered the video submission with an HTML page (Just a moment...) instead of JSON.")
        #expect(FailureAction.forSubmission(error, retry: RetryPolicy()) == .ambiguous)
    }

    @Test(arguments: [
        ("", "an empty body"),
        (#"[{"request_id":"x"}]"#, "JSON that is not an object"),
        ("null", "JSON that is not an object"),
        ("request_id=x", "malformed JSON (unexpected character at byte 0)"),
    ])
    func unreadableSuccessBodies(body: String, what: String) throws {
        let error = try #require(submitError(200, body))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "xai answered the video submission with \(what).")
    }

    // MARK: Status requests

    @Test func statusRequest() throws {
        let request = try provider.statusRequest(
            taskID: Fixture.documentedRequestID, model: "grok-imagine-video", context: Fixture.context)
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://api.x.ai/v1/videos/aa87081b-1a29-d8a6-e5bf-5807e3a7a561")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.createsTask == false)
        #expect(request.body.isEmpty)
    }

    @Test(arguments: [
        ("a/b c?d#e%f", "a%2Fb%20c%3Fd%23e%25f"),
        ("../generations", "..%2Fgenerations"),
        ("任务", "%E4%BB%BB%E5%8A%A1"),
    ])
    func statusRequestPercentEncodesTheID(taskID: String, encoded: String) throws {
        let request = try provider.statusRequest(taskID: taskID, model: "grok-imagine-video", context: Fixture.context)
        #expect(request.url.absoluteString == "https://api.x.ai/v1/videos/" + encoded)
    }

    @Test(arguments: ["", " ", "\n"])
    func statusRequestNeedsAnID(taskID: String) throws {
        let error = #expect(throws: VideoProviderError.self) {
            try provider.statusRequest(taskID: taskID, model: "grok-imagine-video", context: Fixture.context)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.violations.map(\.parameter) == ["task-id"])
    }

    // MARK: Status answers

    @Test(arguments: [
        (#"{"status":"pending"}"#, TaskStatus.queued, nil as Int?),
        (#"{"status":"pending","progress":0}"#, .queued, 0),
        (#"{"status":"pending","progress":37}"#, .processing, 37),
        (#"{"status":"pending","progress":"55%"}"#, .processing, 55),
        (#"{"status":"queued"}"#, .queued, nil),
        (#"{"status":"processing","progress":12.6}"#, .processing, 13),
        (#"{"status":"PENDING","progress":250}"#, .processing, 100),
    ])
    func inFlightStatusWords(body: String, expected: TaskStatus, progress: Int?) throws {
        let snapshot = try status(200, body)
        #expect(snapshot.status == expected)
        #expect(snapshot.progress == progress)
        #expect(snapshot.status.isTerminal == false)
        #expect(snapshot.videoURL == nil)
        #expect(snapshot.errorMessage == nil)
        #expect(snapshot.taskID == "req_1")
    }

    @Test func documentedDoneAnswer() throws {
        let snapshot = try status(
            200,
            """
            {"status":"done","video":{"url":"https://vidgen.x.ai/xai-vidgen-bucket/xai-video-f532feb6-49a9-4f9a-9a37-6e64ef725e8f.mp4",
             "duration":6,"respect_moderation":true},"model":"grok-imagine-video",
             "usage":{"cost_in_usd_ticks":500000000},"progress":100}
            """)
        #expect(snapshot.status == .completed)
        #expect(snapshot.status.isTerminal)
        #expect(snapshot.rawStatus == "done")
        #expect(snapshot.progress == 100)
        #expect(
            snapshot.videoURL?.absoluteString
                == "https://vidgen.x.ai/xai-vidgen-bucket/xai-video-f532feb6-49a9-4f9a-9a37-6e64ef725e8f.mp4")
        #expect(snapshot.actualDuration == 6)
        #expect(snapshot.model == "grok-imagine-video")
        #expect(snapshot.errorMessage == nil)
        #expect(snapshot.errorCode == nil)
    }

    @Test func doneWithANullErrorKeepsNoError() throws {
        let snapshot = try status(
            200, #"{"status":"done","video":{"url":"https://vidgen.x.ai/v.mp4","duration":8.04},"error":null}"#)
        #expect(snapshot.status == .completed)
        #expect(snapshot.actualDuration == 8.04)
        #expect(snapshot.errorMessage == nil)
    }

    @Test func moderatedDoneWithoutURLIsAFailedTask() throws {
        let snapshot = try status(
            200, #"{"status":"done","video":{"duration":8,"respect_moderation":false},"model":"grok-imagine-video"}"#)
        #expect(snapshot.status == .failed)
        #expect(snapshot.rawStatus == "done")
        #expect(snapshot.videoURL == nil)
        #expect(snapshot.progress == nil)
        #expect(
            snapshot.errorMessage
                == "The video did not pass xAI's moderation (respect_moderation: false); xAI withholds it.")
        #expect(VendorResponse.isContentPolicy(code: snapshot.errorCode, message: snapshot.errorMessage))
        #expect(provider.contentRequest(for: snapshot, context: Fixture.context) == nil)
    }

    @Test func doneWithoutURLButNotModeratedStaysCompleted() throws {
        let snapshot = try status(200, #"{"status":"done","video":{"duration":8,"respect_moderation":true}}"#)
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
        #expect(provider.contentRequest(for: snapshot, context: Fixture.context) == nil)
    }

    @Test func expired() throws {
        let snapshot = try status(200, #"{"status":"expired"}"#)
        #expect(snapshot.status == .expired)
        #expect(snapshot.status.isTerminal)
        #expect(snapshot.rawStatus == "expired")
    }

    @Test func documentedFailedAnswer() throws {
        let snapshot = try status(
            200,
            """
            {"status":"failed","video":{"duration":0,"respect_moderation":true},"model":"",
             "error":{"code":"internal_error","message":"Video generation failed."}}
            """)
        #expect(snapshot.status == .failed)
        #expect(snapshot.rawStatus == "failed")
        #expect(snapshot.errorCode == "internal_error")
        #expect(snapshot.errorMessage == "Video generation failed.")
        #expect(snapshot.actualDuration == nil)
        #expect(snapshot.model == nil)
        #expect(snapshot.videoURL == nil)
    }

    @Test func failedForContentPolicy() throws {
        // The error the xAI SDK's own tests use.
        let snapshot = try status(
            200,
            #"{"status":"failed","error":{"code":"CONTENT_POLICY_VIOLATION","message":"The prompt violates content policy guidelines."}}"#
        )
        #expect(snapshot.errorCode == "CONTENT_POLICY_VIOLATION")
        #expect(snapshot.errorMessage == "The prompt violates content policy guidelines.")
        #expect(VendorResponse.isContentPolicy(code: snapshot.errorCode, message: snapshot.errorMessage))
    }

    @Test func failedWithAStringErrorOrNumericCode() throws {
        #expect(try status(200, #"{"status":"failed","error":"boom"}"#).errorMessage == "boom")
        let numeric = try status(200, #"{"status":"failed","error":{"code":13,"message":"internal"}}"#)
        #expect(numeric.errorCode == "13")
        #expect(numeric.errorMessage == "internal")
    }

    @Test(arguments: ["paused", "DELETED", "succeeded-ish"])
    func unknownStatusKeepsTheVendorWord(word: String) throws {
        let snapshot = try status(200, #"{"status":"\#(word)","error":null}"#)
        #expect(snapshot.status == .unknown)
        #expect(snapshot.rawStatus == word)
        #expect(snapshot.status.isTerminal == false)
    }

    /// An unrecognised word beside an error is a failure (docs/real-gateways.md): relays pass words through
    /// that no table knows, and an error object says how the task ended.
    @Test(arguments: ["paused", "DELETED", "succeeded-ish"])
    func unknownStatusWithAnErrorIsFailed(word: String) throws {
        let snapshot = try status(200, #"{"status":"\#(word)","error":{"code":"x","message":"kept"}}"#)
        #expect(snapshot.status == .failed)
        #expect(snapshot.rawStatus == word)
        #expect(snapshot.errorMessage == "kept")
        #expect(snapshot.errorCode == "x")
    }

    /// A gateway in front of xAI may answer with `id` (new-api's `/openai/v1/videos`) or `task_id`.
    @Test(arguments: [#"{"id":"video_1"}"#, #"{"task_id":"video_1"}"#, #"{"code":"success","data":{"id":"video_1"}}"#])
    func submitAnswerWithAnotherIDFieldIsAccepted(body: String) throws {
        let snapshot = try provider.parseSubmitResponse(
            Fixture.response(200, body), for: try Fixture.documentedRequest())
        #expect(snapshot.taskID == "video_1")
        #expect(snapshot.status == .queued)
    }

    @Test func answerThatOnlyEchoesTheRequestIDIsQueued() throws {
        let snapshot = try status(200, #"{"request_id":"f5f35814-953e-b094-5a2c-4a90014a58cb"}"#)
        #expect(snapshot.status == .queued)
        #expect(snapshot.rawStatus == nil)
        #expect(snapshot.taskID == "req_1")
    }

    @Test func answerWithoutStatusButWithAVideoIsCompleted() throws {
        let snapshot = try status(
            200, #"{"video":{"url":"https://vidgen.x.ai/v.mp4","duration":5},"model":"grok-imagine-video"}"#)
        #expect(snapshot.status == .completed)
        #expect(snapshot.rawStatus == nil)
        #expect(snapshot.videoURL?.absoluteString == "https://vidgen.x.ai/v.mp4")
        #expect(snapshot.actualDuration == 5)
    }

    @Test(arguments: ["", " \n"])
    func http202WithAnEmptyBodyIsStillPending(body: String) throws {
        let snapshot = try provider.parseStatusResponse(
            HTTPResponse(status: 202, headers: ["Retry-After": "3"], body: Data(body.utf8)), taskID: "req_1")
        #expect(snapshot.status == .queued)
        #expect(snapshot.rawStatus == nil)
        #expect(snapshot.pollAfter == .seconds(3))
    }

    @Test func http202WithABodyIsRead() throws {
        let snapshot = try status(202, #"{"status":"pending","progress":40}"#)
        #expect(snapshot.status == .processing)
        #expect(snapshot.progress == 40)
    }

    @Test func http200WithAnEmptyBodyIsInvalid() throws {
        let error = try #require(statusError(200, ""))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "xai answered the status request with an empty body.")
    }

    @Test func statusWithoutAnythingUsable() throws {
        let error = try #require(statusError(200, #"{"model":"grok-imagine-video","status":"  "}"#))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "xai answered the status request without 'status'.")
        #expect(error.taskID == "req_1")
    }

    @Test func statusErrorEnvelopeWithSuccessCode() throws {
        let error = try #require(
            statusError(200, #"{"code":"Some requested entity was not found","error":"Unknown request id"}"#))
        // xAI's not-found code is recognised at any HTTP status (docs/real-gateways.md).
        #expect(error.kind == .notFound)
        #expect(error.vendorCode == "Some requested entity was not found")
        #expect(error.vendorMessage == "Unknown request id")
    }

    @Test(arguments: [
        (400, "vendor-rejected"), (401, "authentication"), (404, "not-found"), (429, "rate-limited"),
        (500, "server-error"),
    ])
    func statusErrorEnvelopes(code: Int, kind: String) throws {
        let error = try #require(statusError(code, #"{"code":"c","error":"m"}"#))
        #expect(error.kind.rawValue == kind)
        #expect(error.taskID == "req_1")
        #expect(error.httpStatus == code)
        #expect(error.vendorMessage == "m")
    }

    @Test func statusHTMLPage() throws {
        let error = try #require(statusError(200, "<html><title>Maintenance</title></html>", contentType: "text/html"))
        #expect(error.kind == .invalidResponse)
        #expect(error.message == "xai answered the status request with an HTML page (Maintenance) instead of JSON.")
    }

    @Test func statusPollHints() throws {
        let hinted = try provider.parseStatusResponse(
            Fixture.response(200, #"{"status":"pending"}"#, headers: ["openai-poll-after-ms": "2500"]), taskID: "r")
        #expect(hinted.pollAfter == .milliseconds(2500))
        let retry = try provider.parseStatusResponse(
            Fixture.response(200, #"{"status":"pending"}"#, headers: ["Retry-After": "45"]), taskID: "r")
        #expect(retry.pollAfter == .seconds(45))
    }

    @Test func wrongFieldTypesAreIgnoredNotTrusted() throws {
        let snapshot = try status(
            200,
            """
            {"status":"done","video":{"url":"javascript:alert(1)","duration":"six","respect_moderation":"no"},
             "progress":{"value":3},"model":42,"error":[1]}
            """)
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
        #expect(snapshot.actualDuration == nil)
        #expect(snapshot.progress == 100)
        #expect(snapshot.model == nil)
        #expect(snapshot.errorMessage == nil)
    }

    @Test(arguments: [
        #"{"status":42}"#, #"{"status":["done"]}"#, #"{"status":null,"video":"https://vidgen.x.ai/v.mp4"}"#,
        #"{"status":{"value":"done"},"video":{"url":7}}"#,
    ])
    func statusOfTheWrongTypeIsInvalid(body: String) throws {
        let error = try #require(statusError(200, body))
        #expect(error.kind == .invalidResponse)
    }

    @Test func videoNotAnObjectIsIgnored() throws {
        let snapshot = try status(200, #"{"status":"done","video":"https://vidgen.x.ai/v.mp4"}"#)
        #expect(snapshot.status == .completed)
        #expect(snapshot.videoURL == nil)
    }

    // MARK: Content

    @Test func contentRequestTargetsTheCDNWithoutCredentials() throws {
        let snapshot = try status(
            200, #"{"status":"done","video":{"url":"https://vidgen.x.ai/xai-vidgen-bucket/xai-video-1.mp4"}}"#)
        let request = try #require(provider.contentRequest(for: snapshot, context: Fixture.context))
        #expect(request.method == .get)
        #expect(request.url.absoluteString == "https://vidgen.x.ai/xai-vidgen-bucket/xai-video-1.mp4")
        #expect(request.headers["Authorization"] == nil)
        #expect(!request.headers.contains { $0.value.contains(Fixture.secret) })
        #expect(request.headers["Accept"] == "video/*, */*")
        #expect(request.createsTask == false)
        #expect(request.body.isEmpty)
    }

    // MARK: Robustness

    static let doneBody = Data(
        """
        {"status":"done","video":{"url":"https://vidgen.x.ai/v.mp4","duration":6,"respect_moderation":true},"model":"grok-imagine-video","progress":100}
        """.utf8)

    static let submitBody = Data(#"{"request_id":"aa87081b-1a29-d8a6-e5bf-5807e3a7a561"}"#.utf8)

    /// Every strict prefix of a valid answer is unreadable JSON: it must become `.invalidResponse`, never a
    /// trap or a half-filled snapshot.
    @Test(arguments: 0..<doneBody.count)
    func everyTruncatedStatusAnswerIsAnInvalidResponse(length: Int) throws {
        let response = HTTPResponse(status: 200, body: Self.doneBody.prefix(length))
        let error = #expect(throws: VideoProviderError.self) {
            try provider.parseStatusResponse(response, taskID: "req_1")
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.taskID == "req_1")
    }

    @Test(arguments: 0..<submitBody.count)
    func everyTruncatedSubmitAnswerIsAnInvalidResponse(length: Int) throws {
        let response = HTTPResponse(status: 200, body: Self.submitBody.prefix(length))
        let error = #expect(throws: VideoProviderError.self) {
            try provider.parseSubmitResponse(response, for: try Fixture.documentedRequest())
        }
        #expect(error?.kind == .invalidResponse)
        #expect(FailureAction.forSubmission(try #require(error), retry: RetryPolicy()) == .ambiguous)
    }

    /// Single-byte corruptions anywhere in a valid answer: any outcome is fine except a trap.
    @Test(arguments: stride(from: 0, to: doneBody.count, by: 3).map { $0 })
    func byteCorruptionNeverTraps(offset: Int) throws {
        for replacement in Array("\"{}[],:\\0n\u{0}".utf8) + [0xFF] {
            var body = Self.doneBody
            body[offset] = replacement
            let response = HTTPResponse(status: 200, body: body)
            if let snapshot = try? provider.parseStatusResponse(response, taskID: "req_1") {
                #expect(snapshot.taskID == "req_1")
            }
            _ = try? provider.parseSubmitResponse(response, for: try Fixture.documentedRequest())
        }
    }

    @Test func fullBodiesParse() throws {
        let snapshot = try provider.parseStatusResponse(HTTPResponse(status: 200, body: Self.doneBody), taskID: "req_1")
        #expect(snapshot.status == .completed)
        let submitted = try provider.parseSubmitResponse(
            HTTPResponse(status: 200, body: Self.submitBody), for: try Fixture.documentedRequest())
        #expect(submitted.taskID == Fixture.documentedRequestID)
    }

    // MARK: Helpers

    private func status(_ code: Int, _ body: String, taskID: String = "req_1") throws -> TaskSnapshot {
        try provider.parseStatusResponse(Fixture.response(code, body), taskID: taskID)
    }

    private func statusError(
        _ code: Int, _ body: String, contentType: String = "application/json",
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> VideoProviderError? {
        #expect(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try provider.parseStatusResponse(Fixture.response(code, body, contentType: contentType), taskID: "req_1")
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
