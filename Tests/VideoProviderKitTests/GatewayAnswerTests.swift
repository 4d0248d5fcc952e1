import Foundation
import Testing
import VideoProviderKit

/// The shared reading rules of deployed gateways (``GatewayAnswer``, docs/real-gateways.md), value by value.
@Suite struct GatewayAnswerTests {
    static let base = URL(string: "https://gw.example.com/openai/v1/videos/task_1")!

    static func answer(_ text: String, base: URL? = GatewayAnswerTests.base) throws -> GatewayAnswer {
        GatewayAnswer(json: try JSONValue.parse(Data(text.utf8)), relativeTo: base)
    }

    /// The status vocabulary, word by word, with the source of each word (docs/real-gateways.md).
    @Test(arguments: [
        // Vendor pages.
        ("queued", TaskStatus.queued), ("processing", .processing), ("completed", .completed), ("failed", .failed),
        ("cancelled", .cancelled), ("in_progress", .processing),
        // new-api's task model (model/task.go).
        ("NOT_START", .queued), ("SUBMITTED", .queued), ("QUEUED", .queued), ("IN_PROGRESS", .processing),
        ("SUCCESS", .completed), ("FAILURE", .failed), ("UNKNOWN", .unknown),
        // new-api's sora channel relay vocabulary (sora/adaptor.go).
        ("preparing", .queued), ("starting", .queued), ("notstarted", .queued), ("created", .queued),
        ("pending", .queued), ("submitted", .queued), ("not_start", .queued), ("running", .processing),
        ("generating", .processing), ("complete", .completed), ("finished", .completed), ("Success", .completed),
        ("succeeded", .completed), ("fail", .failed), ("failure", .failed), ("error", .failed),
        ("canceled", .cancelled), ("unknown", .unknown),
        // xAI.
        ("done", .completed), ("expired", .expired),
        // Relays and kyy clients.
        ("queueing", .queued), ("queuing", .queued), ("in_queue", .queued), ("accepted", .queued),
        ("waiting", .queued), ("started", .processing),
        // Case and space are ignored; anything else is unknown.
        (" Completed ", .completed), ("rendering", .unknown), ("paused", .unknown), ("", .unknown),
    ])
    func vocabulary(word: String, status: TaskStatus) {
        #expect(TaskStatus(vendorStatus: word) == status)
    }

    @Test func theTableIsLowerCase() {
        #expect(TaskStatus.vendorWords.count == 32)
        #expect(TaskStatus.vendorWords.keys.allSatisfy { $0 == $0.lowercased() })
    }

    @Test(arguments: [
        (#"{"id":"a"}"#, "a"), (#"{"task_id":"b"}"#, "b"), (#"{"request_id":"c"}"#, "c"), (#"{"taskId":"d"}"#, "d"),
        (#"{"id":42}"#, "42"), (#"{"id":" e "}"#, "e"), (#"{"id":"","task_id":"f"}"#, "f"),
        (#"{"code":"success","message":"","data":{"task_id":"g","status":"SUCCESS"}}"#, "g"),
        (#"{"code":0,"msg":"ok","data":{"id":"h"}}"#, "h"),
    ])
    func taskIDFields(body: String, id: String) throws {
        #expect(try Self.answer(body).taskID == id)
    }

    @Test func anEnvelopeIsReadOnlyWhenItHoldsTheTask() throws {
        let own = try Self.answer(#"{"id":"top","status":"queued","data":{"id":"inner"}}"#)
        #expect(own.taskID == "top")
        #expect(own.object["data"]?["id"]?.stringValue == "inner")
        let empty = try Self.answer(#"{"code":"success","data":null}"#)
        #expect(empty.taskID == nil && !empty.reportsError && empty.status == nil)
    }

    @Test(arguments: [
        (#"{"video_url":"https://cdn.example.com/a.mp4"}"#, "https://cdn.example.com/a.mp4"),
        (#"{"url":"https://cdn.example.com/b.mp4"}"#, "https://cdn.example.com/b.mp4"),
        (#"{"result_url":"https://cdn.example.com/c.mp4"}"#, "https://cdn.example.com/c.mp4"),
        (#"{"video":{"url":"https://vidgen.x.ai/d.mp4"}}"#, "https://vidgen.x.ai/d.mp4"),
        (#"{"metadata":{"url":"https://cdn.example.com/e.mp4"}}"#, "https://cdn.example.com/e.mp4"),
        (#"{"video_url":"","url":"https://cdn.example.com/f.mp4"}"#, "https://cdn.example.com/f.mp4"),
        (#"{"video_url":"/v1/videos/task_1/content"}"#, "https://gw.example.com/v1/videos/task_1/content"),
        (#"{"url":"//cdn.example.com/g.mp4"}"#, "https://cdn.example.com/g.mp4"),
        (#"{"status":"SUCCESS","fail_reason":"https://cdn.example.com/h.mp4"}"#, "https://cdn.example.com/h.mp4"),
    ])
    func videoURLFields(body: String, url: String) throws {
        #expect(try Self.answer(body).videoURL?.absoluteString == url)
    }

    @Test(arguments: [
        #"{"video_url":"javascript:alert(1)"}"#, #"{"video_url":"ftp://cdn.example.com/a.mp4"}"#,
        #"{"video_url":"videos/a.mp4"}"#, #"{"video_url":42}"#, #"{"status":"FAILURE","fail_reason":"https://x.y/z"}"#,
        #"{"video_url":"data:video/mp4;base64,AAAA"}"#,
    ])
    func notVideoURLs(body: String) throws {
        #expect(try Self.answer(body).videoURL == nil)
    }

    @Test func aPathNeedsTheAskedURL() throws {
        #expect(try Self.answer(#"{"video_url":"/v.mp4"}"#, base: nil).videoURL == nil)
    }

    @Test(arguments: [
        (#"{"status":"failed","error":"boom"}"#, nil, "boom"),
        (#"{"status":"failed","error":{"code":"x","message":"boom"}}"#, "x", "boom"),
        (#"{"status":"FAILURE","fail_reason":"内容审核不通过"}"#, nil, "内容审核不通过"),
        (#"{"status":"failed","failReason":"boom"}"#, nil, "boom"),
        (#"{"status":"failed","failure_reason":"boom"}"#, nil, "boom"),
        (#"{"status":"failed","error_message":"boom"}"#, nil, "boom"),
        (#"{"status":"failed","metadata":{"url":"task failed upstream"}}"#, nil, "task failed upstream"),
        (#"{"status":"failed","msg":"boom","code":7}"#, "7", "boom"),
        (#"{"code":"204","msg":"登录验证失败"}"#, "204", "登录验证失败"),
        (
            #"{"error":"Not Found","message":"No handler found for GET /x","status":404}"#, nil,
            "No handler found for GET /x"
        ),
        (
            #"{"code":"fail_to_fetch_task","message":"{\"code\":\"inner\",\"error\":\"Inner message\"}","data":null}"#,
            "inner", "Inner message"
        ),
        (#"{"code":"x","message":"{not json"}"#, "x", "{not json"),
    ])
    func failureReasons(body: String, code: String?, message: String) throws {
        let answer = try Self.answer(body)
        #expect(answer.errorCode == code)
        #expect(answer.errorMessage == message)
    }

    @Test(arguments: [
        #"{"id":"a","status":"queued","error":null}"#, #"{"id":"a","status":"completed","message":"ok"}"#,
        #"{"code":"success","message":"done","data":null}"#, #"{"code":0,"msg":"success"}"#,
        #"{"id":"a","status":"processing","fail_reason":""}"#,
    ])
    func healthyAnswersReportNoError(body: String) throws {
        #expect(try !Self.answer(body).reportsError)
    }

    @Test func statusRules() throws {
        #expect(try Self.answer(#"{"status":"DELETED"}"#).status == .unknown)
        #expect(try Self.answer(#"{"status":"DELETED","error":{"message":"gone"}}"#).status == .failed)
        #expect(try Self.answer(#"{"status":"unknown","error":"lost"}"#).status == .failed)
        #expect(
            try Self.answer(#"{"status":"done","video":{"url":"https://x.ai/v.mp4","respect_moderation":false}}"#)
                .status == .failed)
        #expect(
            try Self.answer(#"{"video":{"url":"https://x.ai/v.mp4","respect_moderation":false}}"#).status == .failed)
        #expect(
            try Self.answer(#"{"status":"done","video":{"url":"https://x.ai/v.mp4","respect_moderation":true}}"#)
                .status == .completed)
        #expect(try Self.answer(#"{"video":{"url":"https://x.ai/v.mp4"}}"#).status == nil)
    }

    // MARK: Classification

    @Test(
        arguments: [
            (403, "insufficient_user_quota", "用户额度不足, 剩余额度: ＄0.000000", "quota-exceeded"),
            (401, nil, "该令牌额度已用尽 (request id: x)", "quota-exceeded"),
            (200, "402", "余额不足", "quota-exceeded"),
            (429, "insufficient_quota", "You exceeded your current quota", "quota-exceeded"),
            (403, "pre_consume_token_quota_failed", "预扣费额度失败", "quota-exceeded"),
            (402, nil, nil, "quota-exceeded"),
            (500, nil, "quota exceeded", "server-error"),
            (400, "task_not_exist", "task_not_exist", "not-found"),
            (200, "not_found", "task not found", "not-found"),
            (200, "Some requested entity was not found", "Unknown request id", "not-found"),
            (200, "204", "登录验证失败", "authentication"),
            (400, "Client specified an invalid argument", "Incorrect API key provided: xa***", "authentication"),
            (401, "", "无效的令牌 (request id: x)", "authentication"),
            (200, nil, "内容审核不通过", "content-policy"),
            (400, nil, "prompt violates content policy: policy rejected", "content-policy"),
            (500, nil, "内容违规", "content-policy"), (200, "sensitive_words_detected", nil, "content-policy"),
            (200, nil, "敏感词", "content-policy"),
            (400, "invalid_request", "seconds must be between 1 and 15", "vendor-rejected"),
        ] as [(Int, String?, String?, String)])
    func classification(status: Int, code: String?, message: String?, kind: String) {
        #expect(VendorResponse.classify(status: status, code: code, message: message).rawValue == kind)
    }

    @Test func quotaFallsBackLikeAnAccountProblemAndNeverAsAuthentication() {
        let error = VideoProviderError(
            .quotaExceeded, "gw refused", providerID: "gw", httpStatus: 200, vendorMessage: "余额不足")
        #expect(FailureAction.isAccountProblem(error))
        #expect(FailureAction.forSubmission(error, retry: RetryPolicy()) == .fallBack)
        #expect(VideoProviderError.Kind.quotaExceeded.rawValue == "quota-exceeded")
    }

    @Test func sameOrigin() {
        let base = URL(string: "https://gw.example.com/kyyReactApiServer")!
        #expect(VendorResponse.isSameOrigin(URL(string: "https://GW.example.com:443/v1/videos/x/content")!, base))
        #expect(!VendorResponse.isSameOrigin(URL(string: "http://gw.example.com/v.mp4")!, base))
        #expect(!VendorResponse.isSameOrigin(URL(string: "https://gw.example.com:8443/v.mp4")!, base))
        #expect(!VendorResponse.isSameOrigin(URL(string: "https://cdn.gw.example.com/v.mp4")!, base))
    }
}
