public import Foundation

/// A task answer read the way deployed gateways actually write it, the same way for every dialect.
///
/// Vendor pages document one shape; the servers behind them send several (docs/real-gateways.md lists
/// each with its source). new-api renames the task id (`task_id`, or `request_id` on its xAI channel),
/// wraps some answers in its task envelope `{"code":"success","data":{…}}`, puts the video URL in
/// `metadata.url` or `result_url`, and the failure reason in `fail_reason`; relays pass upstream status
/// words through (`preparing`, `fail`, `Success`, …); xAI withholds moderated videos with
/// `respect_moderation: false`. This value reads all of them and nothing else, so every dialect applies
/// one set of rules:
///
/// - the task id is the first of `id`, `task_id`, `request_id`, `taskId` (a string or an integer);
/// - the status word is the first of `status`, `task_status`, `taskStatus`, read through
///   ``TaskStatus/vendorWords``; a word that table does not know becomes `failed` when the answer also
///   carries an error, and a moderation flag makes the task `failed` whatever else the answer says;
/// - the video URL is the first of `video_url`, `url`, `result_url`, `video.url`, `metadata.url` that is an
///   http(s) URL, or a path (`/v1/videos/…/content`) resolved against the URL that was asked;
/// - the error is `error` (a string or `{code, message}`), else a failure reason (`fail_reason`, …), else a
///   top-level `code`/`msg`/`message` where they can only mean an error.
///
/// Tolerance never invents success: an answer without a status is never completed here (a dialect may
/// opt in to xAI's status-less conventions in ``VendorResponse/statusSnapshot(_:provider:taskID:operation:statusless:vendorName:)``).
public struct GatewayAnswer: Sendable, Hashable {
    /// The object the fields were read from: the body, or the `data` object of new-api's task envelope.
    public let object: JSONValue
    /// The task id, trimmed; `nil` when no id field holds a non-blank string or an integer.
    public let taskID: String?
    /// The vendor's status word as sent; `nil` when missing or blank.
    public let rawStatus: String?
    /// Progress 0–100, from `42`, `42.5`, `"42"` or `"42%"`.
    public let progress: Int?
    /// The finished video's address: absolute http(s), or a path resolved against the asked URL.
    public let videoURL: URL?
    /// The vendor's error code, when the answer reports an error.
    public let errorCode: String?
    /// The vendor's error or failure reason, when the answer reports one.
    public let errorMessage: String?
    /// Whether a moderation flag says the video was withheld (`respect_moderation: false`).
    public let isModerated: Bool
    /// The video length the vendor reports (`actualDuration`, `video.duration` or `seconds`), in seconds.
    public let actualDuration: Double?
    /// The model the vendor says it ran.
    public let model: String?

    /// Reads `json`; never fails. `base` is the URL that was asked, for video URLs given as a path.
    public init(json: JSONValue, relativeTo base: URL? = nil) {
        let object = Self.unwrapped(json)
        self.object = object
        taskID = Self.firstText(object, Self.taskIDFields)
        rawStatus = Self.firstWord(object, Self.statusFields)
        progress = VendorResponse.progress(object["progress"])
        model = object["model"]?.stringValue.flatMap { $0.trimmingWhitespaceAndNewlines().isEmpty ? nil : $0 }
        isModerated =
            object["respect_moderation"] == .bool(false) || object["video"]?["respect_moderation"] == .bool(false)
        actualDuration = Self.duration(object)
        let word = rawStatus.map(TaskStatus.init(vendorStatus:))
        (errorCode, errorMessage) = Self.errorDetails(
            object, status: word, hasStatus: rawStatus != nil, hasID: taskID != nil)
        videoURL = Self.videoURL(object, relativeTo: base, completed: word == .completed)
    }

    /// Whether the answer reports an error or a failure reason.
    public var reportsError: Bool { errorCode != nil || errorMessage != nil }

    /// The task's status by the shared rules, or `nil` when the answer has no status word and no moderation
    /// flag: a moderation flag means `failed` (it wins over a URL); a word ``TaskStatus/vendorWords`` does
    /// not know means `failed` when the answer carries an error, else ``TaskStatus/unknown``.
    public var status: TaskStatus? {
        if isModerated { return .failed }
        guard let rawStatus else { return nil }
        let status = TaskStatus(vendorStatus: rawStatus)
        if status == .unknown && reportsError { return .failed }
        return status
    }

    // MARK: - Field names (docs/real-gateways.md names the source of each)

    /// Where the task id is: kyy and OpenAI `id`, new-api `task_id`, xAI and new-api's xAI channel
    /// `request_id`, kyy clients `taskId`.
    package static let taskIDFields = ["id", "task_id", "request_id", "taskId"]
    /// Where the status word is.
    package static let statusFields = ["status", "task_status", "taskStatus"]
    /// Where the video URL is, in order.
    package static let videoURLPaths: [[String]] = [
        ["video_url"], ["url"], ["result_url"], ["video", "url"], ["metadata", "url"],
    ]
    /// Where a failure reason is when there is no `error` member.
    package static let failureReasonFields = ["fail_reason", "failReason", "failure_reason", "error_message"]
    /// Codes that mean "no error" in envelopes (`{"code":"success"}`, `{"code":0}`, `{"code":200}`).
    package static let successCodes: Set<String> = ["success", "ok", "0", "200"]

    // MARK: - Readers

    /// new-api's task envelope `{"code":"success","message":"","data":{…}}` (and any `{…,"data":{…}}` whose
    /// top level has neither id nor status but whose `data` has one) yields its `data`.
    static func unwrapped(_ json: JSONValue) -> JSONValue {
        guard let data = json["data"], case .object = data else { return json }
        let topHasTask = firstText(json, taskIDFields) != nil || firstWord(json, statusFields) != nil
        let dataHasTask = firstText(data, taskIDFields) != nil || firstWord(data, statusFields) != nil
        let successEnvelope = text(json["code"]).map { successCodes.contains($0.lowercased()) } ?? false
        return dataHasTask && (!topHasTask || successEnvelope) ? data : json
    }

    /// A non-blank string (trimmed) or an integer as text.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let string)?:
            let trimmed = string.trimmingWhitespaceAndNewlines()
            return trimmed.isEmpty ? nil : trimmed
        case .int(let number)?:
            return String(number)
        default:
            return nil
        }
    }

    static func firstText(_ object: JSONValue, _ fields: [String]) -> String? {
        for field in fields {
            if let value = text(object[field]) { return value }
        }
        return nil
    }

    /// The first non-blank string among `fields`, kept as sent (the vendor's word is shown as is).
    static func firstWord(_ object: JSONValue, _ fields: [String]) -> String? {
        for field in fields {
            if let word = object[field]?.stringValue, !word.trimmingWhitespaceAndNewlines().isEmpty { return word }
        }
        return nil
    }

    static func duration(_ object: JSONValue) -> Double? {
        // xAI reports `video.duration: 0` for a failed task: that is no length.
        if let seconds = object["video"]?["duration"]?.doubleValue, seconds.isFinite, seconds > 0 { return seconds }
        for value in [object["actualDuration"], object["seconds"]] {
            if let seconds = value?.doubleValue, seconds.isFinite, seconds >= 0 { return seconds }
        }
        return nil
    }

    /// The first video URL among ``videoURLPaths``; for a completed task of new-api's task view, a URL in
    /// `fail_reason` (new-api stored results there before it had `result_url`, and still reads it back).
    static func videoURL(_ object: JSONValue, relativeTo base: URL?, completed: Bool) -> URL? {
        for path in videoURLPaths {
            var value: JSONValue? = object
            for key in path { value = value?[key] }
            if let url = VendorResponse.url(value, relativeTo: base) { return url }
        }
        if completed { return VendorResponse.url(object["fail_reason"], relativeTo: nil) }
        return nil
    }

    /// The error the answer reports, by the rules in the type's documentation. `"error": null` reports
    /// none; a top-level `code`/`message` is read only where it can only be an error (no id and no status,
    /// or a task that ended badly); success codes are not errors.
    static func errorDetails(
        _ object: JSONValue, status: TaskStatus?, hasStatus: Bool, hasID: Bool
    ) -> (code: String?, message: String?) {
        if let error = object["error"], !error.isNull {
            let details = VendorResponse.extractError(from: object)
            if details.code != nil || details.message != nil { return details }
        }
        let code = text(object["code"]).flatMap { successCodes.contains($0.lowercased()) ? nil : $0 }
        if status != .completed, let reason = firstText(object, failureReasonFields) {
            let (innerCode, message) = VendorResponse.unwrappingNestedJSON(reason)
            return (innerCode ?? code, message)
        }
        let ended = status == .failed || status == .cancelled || status == .expired
        // new-api's generic view puts a failed task's reason where the URL would be (`metadata.url` is
        // `GetResultURL()`, which falls back to the failure reason).
        if ended, let text = text(object["metadata"]?["url"]), VendorResponse.url(.string(text)) == nil {
            return (code, text)
        }
        guard ended || (!hasID && !hasStatus) else { return (nil, nil) }
        let details = VendorResponse.extractError(from: object)
        let detailCode = details.code.flatMap { successCodes.contains($0.lowercased()) ? nil : $0 }
        // An envelope that says "success" (with or without a message) reports nothing bad; a task that
        // ended badly keeps whatever reason it gives.
        if !ended, detailCode == nil, details.code != nil { return (nil, nil) }
        return (detailCode ?? code, details.message)
    }
}

extension TaskStatus {
    /// The status words gateways send, lower-cased, and what each means. Words are matched after trimming
    /// and lower-casing, so `Success`, `SUCCESS` and ` success ` are one word; anything else is
    /// ``TaskStatus/unknown``. Sources (docs/real-gateways.md): the vendor pages; new-api's task model
    /// (`NOT_START`, `SUBMITTED`, `QUEUED`, `IN_PROGRESS`, `SUCCESS`, `FAILURE`) and its sora channel's
    /// relay vocabulary (`preparing`, `starting`, `fail`, `complete`, `finished`, …); xAI (`pending`,
    /// `done`, `expired`).
    public static let vendorWords: [String: TaskStatus] = {
        var words: [String: TaskStatus] = [:]
        for word in [
            "queued", "queueing", "queuing", "in_queue", "pending", "submitted", "waiting", "not_start",
            "not_started", "notstarted", "created", "preparing", "starting", "accepted",
        ] {
            words[word] = .queued
        }
        for word in ["processing", "in_progress", "running", "generating", "started"] { words[word] = .processing }
        for word in ["completed", "complete", "succeeded", "success", "done", "finished"] { words[word] = .completed }
        for word in ["failed", "failure", "fail", "error"] { words[word] = .failed }
        for word in ["cancelled", "canceled"] { words[word] = .cancelled }
        words["expired"] = .expired
        return words
    }()
}

extension VendorResponse {
    /// An http(s) URL from a string field: absolute, or a path (`/…`, `//host/…`) resolved against `base`.
    /// Empty strings, other schemes and paths without a base give `nil`.
    public static func url(_ value: JSONValue?, relativeTo base: URL?) -> URL? {
        if let absolute = url(value) { return absolute }
        guard let base, let text = value?.stringValue?.trimmingWhitespaceAndNewlines(), text.hasPrefix("/"),
            let resolved = URL(string: text, relativeTo: base)?.absoluteURL,
            let scheme = resolved.scheme?.lowercased(), scheme == "http" || scheme == "https",
            resolved.host?.isEmpty == false
        else { return nil }
        return resolved
    }

    /// Whether `url` is on the same origin (scheme, host, port) as `base`: only such a URL may carry the
    /// API key.
    public static func isSameOrigin(_ url: URL, _ base: URL) -> Bool {
        guard let origin = Origin(url) else { return false }
        return origin == Origin(base)
    }

    /// A message that is itself a JSON object (new-api passes an upstream's error body on as its message)
    /// read once: its code and message, else the text as it was.
    public static func unwrappingNestedJSON(_ message: String) -> (code: String?, message: String) {
        let trimmed = message.trimmingWhitespaceAndNewlines()
        guard trimmed.hasPrefix("{"), let inner = try? JSONValue.parse(Data(trimmed.utf8)), case .object = inner
        else { return (nil, message) }
        let (code, innerMessage) = extractError(from: inner, unwrapping: false)
        return (code, innerMessage ?? message)
    }

    /// The wording of a moderated video's failure, when the answer gives no reason of its own.
    public static func moderationMessage(vendor: String) -> String {
        "The video did not pass \(vendor)'s moderation (respect_moderation: false); \(vendor) withholds it."
    }

    /// How a dialect reads status answers that carry no status word.
    public struct StatuslessAnswers: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// A video URL alone means completed (xAI; the Vercel AI SDK treats it so).
        public static let videoURLMeansCompleted = StatuslessAnswers(rawValue: 1)
        /// An answer that only echoes the task id means queued (xAI mirrors: "poll again").
        public static let echoedIDMeansQueued = StatuslessAnswers(rawValue: 2)
    }

    /// Reads a submit answer by the shared rules: non-2xx is the vendor's typed error; a 2xx answer with a
    /// task id is the snapshot (status `queued` when it says none); a 2xx answer without a task id that
    /// reports an error is a refusal carrying that error (nothing was created, so it is never ambiguous);
    /// anything else is ``VideoProviderError/Kind/invalidResponse`` naming `documentedIDField`.
    public static func submitSnapshot(
        _ response: HTTPResponse, provider: ProviderID, model: String, documentedIDField: String,
        vendorName: String? = nil
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "video submission"
        guard response.isSuccess else {
            throw error(for: response, provider: provider, model: model, operation: operation)
        }
        let json = try jsonObject(response, provider: provider, model: model, operation: operation)
        let answer = GatewayAnswer(json: json, relativeTo: response.url)
        guard let taskID = answer.taskID else {
            if answer.reportsError {
                throw refusal(
                    code: answer.errorCode, message: answer.errorMessage, response: response, provider: provider,
                    model: model, operation: operation)
            }
            throw VideoProviderError(
                .invalidResponse, "\(provider) answered the \(operation) without '\(documentedIDField)'.",
                providerID: provider, model: model, httpStatus: response.status)
        }
        return snapshot(
            answer, taskID: taskID, status: answer.status ?? .queued, model: model, response: response,
            vendorName: vendorName ?? provider.rawValue)
    }

    /// Reads a status answer by the shared rules: non-2xx is the vendor's typed error; an answer with a
    /// status (or a moderation flag) is the snapshot; without one, `statusless` says what xAI-style
    /// answers mean, an error is the vendor's typed error, and anything else is
    /// ``VideoProviderError/Kind/invalidResponse``. The snapshot carries the id that was asked about.
    public static func statusSnapshot(
        _ response: HTTPResponse, provider: ProviderID, taskID: String, operation: String,
        statusless: StatuslessAnswers = [], vendorName: String? = nil
    ) throws(VideoProviderError) -> TaskSnapshot {
        guard response.isSuccess else {
            throw error(for: response, provider: provider, taskID: taskID, operation: operation)
        }
        let json = try jsonObject(response, provider: provider, taskID: taskID, operation: operation)
        let answer = GatewayAnswer(json: json, relativeTo: response.url)
        let vendor = vendorName ?? provider.rawValue
        if let status = answer.status {
            return snapshot(answer, taskID: taskID, status: status, model: nil, response: response, vendorName: vendor)
        }
        if statusless.contains(.videoURLMeansCompleted), answer.videoURL != nil {
            return snapshot(
                answer, taskID: taskID, status: .completed, model: nil, response: response, vendorName: vendor)
        }
        if answer.reportsError {
            throw refusal(
                code: answer.errorCode, message: answer.errorMessage, response: response, provider: provider,
                taskID: taskID, operation: operation)
        }
        if statusless.contains(.echoedIDMeansQueued), answer.taskID != nil {
            return snapshot(answer, taskID: taskID, status: .queued, model: nil, response: response, vendorName: vendor)
        }
        throw VideoProviderError(
            .invalidResponse, "\(provider) answered the \(operation) without 'status'.",
            providerID: provider, taskID: taskID, httpStatus: response.status)
    }

    /// The snapshot of an answer. A healthy task's `error` (usually `null`) is not kept; a moderated task
    /// loses its URL (there is nothing it may be downloaded from) and gets a reason if it had none.
    static func snapshot(
        _ answer: GatewayAnswer, taskID: String, status: TaskStatus, model: String?, response: HTTPResponse,
        vendorName: String
    ) -> TaskSnapshot {
        let healthy = status == .queued || status == .processing || status == .completed
        var message = healthy ? nil : answer.errorMessage
        var code = healthy ? nil : answer.errorCode
        if answer.isModerated, message == nil {
            message = moderationMessage(vendor: vendorName)
            code = code ?? "respect_moderation"
        }
        return TaskSnapshot(
            taskID: taskID, status: status, rawStatus: answer.rawStatus, progress: answer.progress,
            videoURL: answer.isModerated ? nil : answer.videoURL, errorMessage: message, errorCode: code,
            actualDuration: answer.actualDuration, model: answer.model ?? model, pollAfter: pollAfter(response.headers))
    }

    /// The typed error for a refusal read from a 2xx answer (or any answer whose error was already read).
    public static func refusal(
        code: String?, message: String?, response: HTTPResponse, provider: ProviderID, model: String? = nil,
        taskID: String? = nil, operation: String
    ) -> VideoProviderError {
        let kind = classify(status: response.status, code: code, message: message)
        let summary = message.map { ": \($0)" } ?? code.map { ": \($0)" } ?? ""
        return VideoProviderError(
            kind, "\(provider) refused the \(operation) (HTTP \(response.status))\(summary)",
            providerID: provider, model: model, taskID: taskID, httpStatus: response.status, vendorCode: code,
            vendorMessage: message, retryAfter: retryAfter(response.headers))
    }

    // MARK: - Wording

    /// Whether the vendor's code or message says the quota, balance or credit is used up (new-api
    /// `insufficient_user_quota`, `pre_consume_token_quota_failed`, 用户额度不足, 该令牌额度已用尽; OpenAI
    /// `insufficient_quota`; resellers' 余额不足).
    public static func isQuotaExhausted(code: String?, message: String?) -> Bool {
        isQuotaExhausted(code: code, message: message, ignoringRateQuotas: false)
    }

    /// The same, optionally without the bare "quota exceeded" wording that rate quotas share with
    /// exhausted accounts (Google's per-minute 429).
    static func isQuotaExhausted(code: String?, message: String?, ignoringRateQuotas: Bool) -> Bool {
        let haystack = [code, message].compactMap { $0?.lowercased() }.joined(separator: " ")
        guard !haystack.isEmpty else { return false }
        return quotaWords.contains { word in
            !(ignoringRateQuotas && rateQuotaWords.contains(word)) && haystack.contains(word)
        }
    }

    /// Words a rate quota uses as well as an exhausted account.
    static let rateQuotaWords: Set<String> = ["quota_exceeded", "quota exceeded"]

    static let quotaWords = [
        "insufficient_quota", "insufficient quota", "insufficient_user_quota", "pre_consume_token_quota_failed",
        "quota_exceeded", "quota exceeded", "exceeded your current quota", "quota is not enough",
        "insufficient balance", "insufficient_balance", "insufficient credit", "out of credit", "not enough balance",
        "balance is not enough", "余额不足", "额度不足", "额度已用尽", "额度用尽", "配额不足", "预扣费额度失败",
        "余额不够",
    ]

    /// Whether the vendor's code or message says the task does not exist (new-api `task_not_exist`, the
    /// simulator's and OpenAI-format gateways' `task_not_found`, xAI's "Some requested entity was not
    /// found"), whatever the HTTP status.
    public static func isTaskNotFound(code: String?, message: String?) -> Bool {
        let code = code?.lowercased() ?? ""
        let message = message?.lowercased() ?? ""
        return ["task_not_exist", "task_not_found", "video_not_found", "some requested entity was not found"]
            .contains { code == $0 || message == $0 } || message.contains("task not found")
            || message.contains("任务不存在")
    }

    /// Whether the vendor's wording says the credentials were refused, whatever the HTTP status (xAI's
    /// HTTP 400 "Incorrect API key provided", kyy's HTTP 200 "登录验证失败", new-api's "无效的令牌").
    package static func isAuthenticationWording(code: String?, message: String?) -> Bool {
        let haystack = [code, message].compactMap { $0?.lowercased() }.joined(separator: " ")
        guard !haystack.isEmpty else { return false }
        return [
            "incorrect api key", "invalid api key", "invalid_api_key", "api key in the request is missing or invalid",
            "authenticationerror", "无效的令牌", "未提供令牌", "令牌已过期", "登录验证失败", "鉴权失败",
        ].contains { haystack.contains($0) }
    }
}
