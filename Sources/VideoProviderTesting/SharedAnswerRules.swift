import Foundation
public import VideoProviderKit

/// The answer shapes deployed gateways send, and what a provider that reads them by the shared rules
/// (``GatewayAnswer`` and ``VendorResponse``, as every dialect in this package does) must make of them.
///
/// The expected values are written out from docs/real-gateways.md and the vendor pages, not computed by
/// the rules under test: status words in any case, progress as a number, a string or a percentage, task ids
/// as integers, new-api's task envelope and failure reasons, errors in the OpenAI and the `{code, message}`
/// shapes, polling hints, and fields of the wrong type, which are ignored rather than trusted.
public struct SharedAnswerRules: Sendable {
    /// The task-id field the vendor's page documents, which an answer without one is reported as missing.
    public var submitIDField: String
    /// What the provider makes of status answers without a status word.
    public var statusless: VendorResponse.StatuslessAnswers
    /// How the provider's errors name a status query (`status query`, `status request`).
    public var statusOperation: String

    public init(
        submitIDField: String = "id", statusless: VendorResponse.StatuslessAnswers = [],
        statusOperation: String = "status query"
    ) {
        self.submitIDField = submitIDField
        self.statusless = statusless
        self.statusOperation = statusOperation
    }

    // MARK: - Status answers

    /// Status answers for task `video_1` (unless a row says otherwise). Completed answers leave progress
    /// unchecked where they carry none, because xAI's convention reports a finished task as 100 %.
    public var statusAnswers: [AnswerSample] {
        Self.statusWords + Self.progressForms + Self.finishedTasks + Self.failedTasks + Self.envelopesAndHints
            + statuslessAnswers
    }

    static let statusWords: [AnswerSample] = [
        ("queued", TaskStatus.queued), ("processing", .processing), ("in_progress", .processing),
        ("completed", .completed), ("Completed", .completed), ("failed", .failed), ("cancelled", .cancelled),
        ("unknown", .unknown), ("paused", .unknown), ("rendering", .unknown),
    ].map { word, status in
        .status(
            "the status word '\(word)'", #"{"id":"video_1","object":"video","status":"\#(word)"}"#,
            ignoring: status == .completed ? [.progress] : [], .task(status, word))
    }

    static let progressForms: [AnswerSample] = [
        ("0", 0), ("42", 42), ("42.6", 43), (#""100%""#, 100), (#""55""#, 55), (#""7.5%""#, 8), ("150", 100),
        ("-5", 0), (#""soon""#, nil), ("null", nil), ("{}", nil), ("[]", nil), ("true", nil),
    ].map { (json: String, progress: Int?) in
        .status(
            "progress \(json)", #"{"id":"video_1","status":"in_progress","progress":\#(json)}"#,
            .task(.processing, "in_progress", progress: progress))
    }

    static let finishedTasks: [AnswerSample] =
        [
            .status(
                "an OpenAI-style video object, completed",
                """
                {"id":"video_abc123","object":"video","model":"grok-imagine-video","status":"completed","progress":100,
                 "created_at":1735689600,"seconds":"8","size":"720P","video_url":"https://cdn.example.com/v/abc123.mp4"}
                """, taskID: "video_abc123",
                .task(
                    .completed, "completed", progress: 100, videoURL: "https://cdn.example.com/v/abc123.mp4",
                    seconds: 8,
                    model: "grok-imagine-video", id: "video_abc123")),
            .status(
                "a kyyReactApiServer result, completed",
                """
                {"id":"video_1","object":"video","created":1774836724,"model":"grok_video3","status":"completed",
                 "video_url":"https://cdn.example.com/grok/video_1.mp4","actualDuration":10.04,"error":null}
                """, ignoring: [.progress],
                .task(
                    .completed, "completed", videoURL: "https://cdn.example.com/grok/video_1.mp4", seconds: 10.04,
                    model: "grok_video3")),
            .status(
                "fields of the wrong type are ignored",
                """
                {"id":"video_1","status":"completed","video_url":{"url":"https://cdn.example.com/v.mp4"},
                 "seconds":"six","progress":{"value":3},"model":42,"created_at":"yesterday","size":[720],"error":null}
                """, ignoring: [.progress], .task(.completed, "completed")),
            .status(
                "a script URL, a length in words",
                #"{"id":"video_1","status":"completed","video_url":"javascript:alert(1)","actualDuration":"ten","model":42}"#,
                ignoring: [.progress], .task(.completed, "completed")),
        ]
        + [#""""#, "null", #""  ""#, #""ftp://cdn.example.com/v.mp4""#, "42"].map { json in
            .status(
                "completed with the video URL \(json)", #"{"id":"video_1","status":"completed","video_url":\#(json)}"#,
                ignoring: [.progress], .task(.completed, "completed"))
        }
        + [("8", 8.0), (#""8""#, 8.0), ("8.5", 8.5), ("-1", nil), (#""""#, nil)].map {
            (json: String, seconds: Double?) in
            .status(
                "the length echo \(json)", #"{"id":"video_1","status":"queued","seconds":\#(json)}"#,
                .task(.queued, "queued", seconds: seconds))
        }

    static let failedTasks: [AnswerSample] = [
        .status(
            "failed with an OpenAI error object",
            #"{"id":"video_1","status":"failed","progress":0,"error":{"message":"Prompt rejected","type":"upstream_error","code":"moderation_blocked"}}"#,
            .task(.failed, "failed", progress: 0, code: "moderation_blocked", message: "Prompt rejected")),
        .status(
            "failed with an error string",
            #"{"id":"video_1","status":"failed","video_url":null,"error":"Prompt rejected by content review"}"#,
            .task(.failed, "failed", message: "Prompt rejected by content review")),
        .status(
            "failed with new-api's fail_reason",
            #"{"id":"video_1","status":"failed","fail_reason":"upstream timeout"}"#,
            .task(.failed, "failed", message: "upstream timeout")),
        .status(
            "cancelled with a top-level code and message",
            #"{"id":"video_1","status":"cancelled","code":"cancelled","message":"by user"}"#,
            .task(.cancelled, "cancelled", code: "cancelled", message: "by user")),
        .status(
            "a message beside a healthy status is no error",
            #"{"id":"video_1","status":"processing","message":"rendering","error":null}"#,
            .task(.processing, "processing")),
        .status(
            "an unknown word with an error is a failure", #"{"id":"video_1","status":"broken","error":"GPU lost"}"#,
            .task(.failed, "broken", message: "GPU lost")),
    ]

    static let envelopesAndHints: [AnswerSample] = [
        .status(
            "new-api's task envelope",
            #"{"code":"success","message":"","data":{"id":"video_1","status":"in_progress","progress":"30%"}}"#,
            .task(.processing, "in_progress", progress: 30)),
        .status(
            "the id asked about, not the one answered", #"{"id":"other","status":"queued"}"#, taskID: "video_9",
            .task(.queued, "queued", id: "video_9")),
        .status(
            "Retry-After", #"{"id":"video_1","status":"processing"}"#, headers: ["Retry-After": "45"],
            .task(.processing, "processing", pollAfter: .seconds(45))),
        .status(
            "openai-poll-after-ms", #"{"id":"video_1","status":"processing"}"#,
            headers: ["openai-poll-after-ms": "5000"], .task(.processing, "processing", pollAfter: .seconds(5))),
        .status(
            "an unreadable poll hint", #"{"id":"video_1","status":"processing"}"#,
            headers: ["openai-poll-after-ms": "soon"], .task(.processing, "processing")),
        .status(
            "'task not found' at HTTP 200",
            #"{"error":{"message":"task not found","type":"invalid_request_error","code":"not_found"}}"#,
            .error(ExpectedError(.notFound, code: "not_found", message: "task not found"))),
        .status(
            "new-api's task_not_exist", #"{"code":"task_not_exist","message":"task_not_exist","data":null}"#, http: 404,
            .error(ExpectedError(.notFound, code: "task_not_exist", message: "task_not_exist"))),
    ]

    /// Answers without a status word: an echoed id and a bare video are read as ``statusless`` says.
    var statuslessAnswers: [AnswerSample] {
        let missing = AnswerSample.Outcome.error(
            ExpectedError(.invalidResponse, exactly: "{provider} answered the \(statusOperation) without 'status'."))
        let echoed: AnswerSample.Outcome =
            statusless.contains(.echoedIDMeansQueued) ? .task(.queued, nil) : missing
        let video: AnswerSample.Outcome =
            statusless.contains(.videoURLMeansCompleted)
            ? .task(.completed, nil, progress: 100, videoURL: "https://cdn.example.com/v.mp4") : missing
        return [
            .status("an object without a status", #"{"id":"video_1","object":"video"}"#, echoed),
            .status("a blank status", #"{"id":"video_1","status":""}"#, echoed),
            .status("a status that is a number", #"{"status":3}"#, missing),
            .status("a bare video", #"{"video":{"url":"https://cdn.example.com/v.mp4"}}"#, video),
        ]
    }

    // MARK: - Submit answers

    /// Submit answers, read for the conformance's first request sample (whose model a snapshot reports).
    public func submitAnswers(idField: String) -> [AnswerSample] {
        [
            .submit("an id without a status", #"{"id":"video_1"}"#, .task(.queued, nil)),
            .submit("an integer id", #"{"id":12345,"status":"queued"}"#, .task(.queued, "queued", id: "12345")),
            .submit(
                "openai-poll-after-ms", #"{"id":"video_1","status":"queued"}"#,
                headers: ["openai-poll-after-ms": "2500"],
                .task(.queued, "queued", pollAfter: .milliseconds(2500))),
            .submit(
                "no id, no error", #"{"object":"video","status":"queued","error":null}"#,
                .error(
                    ExpectedError(
                        .invalidResponse, exactly: "{provider} answered the video submission without '\(idField)'."))),
            .submit(
                "an exhausted balance at HTTP 200",
                #"{"id":null,"object":"video","status":"failed","error":"insufficient balance"}"#,
                .error(ExpectedError(.quotaExceeded, message: "insufficient balance"))),
            .submit(
                "new-api's quota code at HTTP 200",
                #"{"code":"insufficient_user_quota","message":"user quota is not enough","data":null}"#,
                .error(
                    ExpectedError(.quotaExceeded, code: "insufficient_user_quota", message: "user quota is not enough"))
            ),
            .submit(
                "an OpenAI error without a code",
                #"{"error":{"message":"seconds must be >= 1","type":"invalid_request_error","code":null}}"#, http: 400,
                .error(ExpectedError(.vendorRejected, code: "invalid_request_error", message: "seconds must be >= 1"))),
            .submit(
                "a content-policy refusal",
                #"{"error":{"message":"Your request was rejected by the safety system","type":"invalid_request_error","code":"content_policy_violation"}}"#,
                http: 400,
                .error(
                    ExpectedError(
                        .contentPolicy, code: "content_policy_violation",
                        message: "Your request was rejected by the safety system"))),
            .submit(
                "a sign-in page at HTTP 200", "<!DOCTYPE html><html><title>Sign in</title></html>",
                .error(
                    ExpectedError(
                        .invalidResponse,
                        exactly: "{provider} answered the video submission with an HTML page (Sign in) instead of JSON."
                    ))),
        ]
    }
}

extension AnswerSample.Outcome {
    /// A snapshot of task `id` with these fields and no others.
    public static func task(
        _ status: TaskStatus, _ rawStatus: String?, progress: Int? = nil, videoURL: String? = nil,
        code: String? = nil, message: String? = nil, seconds: Double? = nil, model: String? = nil,
        pollAfter: Duration? = nil, id: String = "video_1"
    ) -> Self {
        .snapshot(
            TaskSnapshot(
                taskID: id, status: status, rawStatus: rawStatus, progress: progress,
                videoURL: videoURL.flatMap(URL.init(string:)), errorMessage: message, errorCode: code,
                actualDuration: seconds, model: model, pollAfter: pollAfter))
    }
}
