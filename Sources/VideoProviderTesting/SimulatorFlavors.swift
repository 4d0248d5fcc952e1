import Foundation
import VideoProviderKit

// How deployed gateways answer beyond their documents (GatewaySimulator.Flavor). Each shape is written from
// the deployment's own code or from public clients of it; docs/real-gateways.md names every source.

extension GatewaySimulator.Gateway {
    /// The xAI API behind new-api's xAI channel: xAI's own rules, plus this gateway's models xAI does not list.
    var xAIUpstream: Self {
        var upstream = Self.xAI(baseURL: baseURL)
        upstream.models += models.filter { upstream.rules(for: $0.name) == nil }
        return upstream
    }
}

extension Responses {
    /// new-api's request-id suffix on middleware errors (`common.MessageWithRequestId`), fixed here.
    static let newAPIRequestID = "20250101000000000000000000000000"

    /// The error body of a flavour, or `nil` to use the dialect's documented one.
    func flavoredError(_ status: Int, _ message: String, code: String?) -> HTTPResponse? {
        switch flavor {
        case .newAPISora, .newAPIXAI, .newAPIGeneric:
            if status == 401 {
                // middleware/auth.go: abortWithOpenAiMessage(c, 401, "无效的令牌").
                return Self.json(
                    401,
                    [
                        "error": [
                            "message": "无效的令牌 (request id: \(Self.newAPIRequestID))", "type": "new_api_error",
                            "code": "",
                        ]
                    ])
            }
            if status == 404 || status == 405 {
                // controller/relay.go RelayNotFound.
                return Self.json(
                    status,
                    ["error": ["message": message, "type": "invalid_request_error", "param": "", "code": ""]])
            }
            // dto.TaskError rendered by respondTaskError: {"code","message","data"} with the real status.
            return Self.json(status, ["code": code ?? "invalid_request", "message": message, "data": NSNull()])
        case .kyyDeployment where status == 401:
            return Self.kyyTransientAuth()
        default:
            return nil
        }
    }

    /// new-api's xAI channel refusing a body xAI refused (relay_task.go): a non-200 upstream answer becomes
    /// `{"code":"fail_to_fetch_task","message":<its body>}` with the upstream's status.
    static func newAPIUpstreamRefusal(_ rejection: Rejection) -> HTTPResponse {
        let upstream = Responses(dialect: .xAI).error(rejection.status, rejection.message, code: rejection.code)
        return json(
            rejection.status,
            ["code": "fail_to_fetch_task", "message": String(decoding: upstream.body, as: UTF8.self), "data": NSNull()])
    }

    /// A kyy deployment's refused status call: HTTP 401 `AuthenticationError` (the body public clients of
    /// the backend test against).
    static func kyyTransientAuth() -> HTTPResponse {
        json(
            401,
            [
                "error": [
                    "code": "AuthenticationError", "message": "the API key in the request is missing or invalid",
                    "type": "Unauthorized",
                ]
            ])
    }

    /// The answer to a task id the gateway does not know.
    func taskNotFound(_ id: String) -> HTTPResponse {
        if flavor.isNewAPI {
            // relay/relay_task.go: TaskErrorWrapperLocal(errors.New("task_not_exist"), "task_not_exist", 400).
            return Self.json(400, ["code": "task_not_exist", "message": "task_not_exist", "data": NSNull()])
        }
        return error(404, "Task '\(id)' not found.", code: "task_not_found")
    }

    /// The answer to a submission when the account's quota or balance is used up.
    func quotaExhausted() -> HTTPResponse {
        switch flavor {
        case .newAPISora, .newAPIXAI, .newAPIGeneric:
            // service/pre_consume_quota.go: 403 insufficient_user_quota, "用户额度不足, 剩余额度: …".
            return Self.json(
                403,
                ["code": "insufficient_user_quota", "message": "用户额度不足, 剩余额度: ＄0.000000", "data": NSNull()])
        case .kyyDeployment:
            // A refusal sent as HTTP 200 {code, msg} with no id (the code's value is assumed).
            return Self.json(200, ["code": "402", "msg": "余额不足"])
        case .documented, .xAIMirror:
            return error(402, "Insufficient balance.", code: "insufficient_quota", vendorCode: true)
        }
    }

    /// new-api's content proxy (controller/video_proxy.go) errors: OpenAI-style `{"error":{message,type}}`.
    static func contentProxyError(_ status: Int, _ message: String, type: String) -> HTTPResponse {
        json(status, ["error": ["message": message, "type": type]])
    }

    /// A new-api proxy URL for a task's video (taskcommon.BuildProxyURL): the gateway's own origin.
    static func proxyURL(_ record: GatewaySimulator.TaskRecord) -> String {
        var base = record.gatewayBaseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/v1/videos/\(record.id)/content"
    }

    /// The submit answer of a flavour, or `nil` for the documented one.
    func flavoredSubmitted(_ record: GatewaySimulator.TaskRecord) -> HTTPResponse? {
        let created = Int(record.createdWall.timeIntervalSince1970)
        switch flavor {
        case .newAPISora, .newAPIGeneric:
            // sora DoResponse: the upstream's answer with `id` and `task_id` set to the public id.
            var object: [String: Any] = [
                "id": record.id, "task_id": record.id, "object": "video", "model": record.submission.model,
                "status": "queued", "progress": 0, "created_at": created,
                "seconds": String(record.submission.seconds),
            ]
            if let size = record.submission.resolution { object["size"] = size }
            return Self.json(200, object)
        case .newAPIXAI:
            // xai DoResponse: the native route sets `request_id` and deletes `id`; /openai sets `id`.
            if nativeRoute { return Self.json(200, ["request_id": record.id]) }
            return Self.json(200, ["id": record.id, "object": "video", "status": "queued"])
        case .documented, .kyyDeployment, .xAIMirror:
            return nil
        }
    }

    /// The status answer of a flavour, or `nil` for the documented one.
    func flavoredStatus(_ view: StatusView) -> [String: Any]? {
        switch flavor {
        case .newAPISora: return newAPISoraStatus(view)
        case .newAPIXAI: return nativeRoute ? newAPIXAINativeStatus(view) : newAPIXAIOpenAIStatus(view)
        case .newAPIGeneric: return newAPIGenericStatus(view)
        case .xAIMirror: return xAIMirrorStatus(view)
        case .documented, .kyyDeployment: return nil
        }
    }

    /// new-api's `TaskStatus.ToVideoStatus()` word for a phase.
    private static func newAPIVideoStatus(_ phase: GatewaySimulator.Phase) -> String {
        switch phase {
        case .queued: return "queued"
        case .processing: return "in_progress"
        case .completed: return "completed"
        case .failed, .expired, .cancelled: return "failed"
        }
    }

    /// The reason new-api stores for a task that did not succeed.
    private static func failReason(_ record: GatewaySimulator.TaskRecord, _ phase: GatewaySimulator.Phase) -> String {
        switch (phase, record.script.outcome) {
        case (_, .failure(let message, _)): return message
        case (_, .moderated): return moderationMessage
        case (.expired, _): return "The task expired."
        case (.cancelled, _): return "The task was cancelled."
        default: return "task failed"
        }
    }

    private func common(_ view: StatusView) -> [String: Any] {
        let record = view.record
        return [
            "id": record.id, "object": "video", "model": record.submission.model,
            "status": view.overrideStatus ?? Self.newAPIVideoStatus(view.phase), "progress": Int(view.progress),
            "created_at": Int(record.createdWall.timeIntervalSince1970),
        ]
    }

    /// sora ConvertToOpenAIVideo: the stored submit answer with `id`, `status`, `progress` and, for a
    /// failure, `error.message` set; no `video_url` (the content proxy serves the video).
    private func newAPISoraStatus(_ view: StatusView) -> [String: Any] {
        var object = common(view)
        object["task_id"] = view.record.id
        object["seconds"] = String(view.record.submission.seconds)
        if view.overrideStatus == nil, view.phase.isTerminal, view.phase != .completed {
            object["error"] = ["message": Self.failReason(view.record, view.phase)]
        }
        return object
    }

    /// `Task.ToOpenAIVideo()`: `metadata.url` is `GetResultURL()`, which falls back to the failure reason.
    private func newAPIGenericStatus(_ view: StatusView) -> [String: Any] {
        var object = common(view)
        var url = ""
        if view.overrideStatus == nil {
            if view.phase == .completed, view.revealsVideoURL {
                url = view.record.videoURL.absoluteString
            } else if view.phase.isTerminal, view.phase != .completed {
                url = Self.failReason(view.record, view.phase)
            }
        }
        if view.phase.isTerminal {
            object["completed_at"] = Int(view.record.createdWall.timeIntervalSince1970)
        }
        object["metadata"] = ["url": url]
        return object
    }

    /// xai ConvertToOpenAIVideo: `completed` with `video_url` (the proxy URL when xAI gave none, so a
    /// moderated video looks completed here), `failed` with `error {code: video_generation_failed}`.
    private func newAPIXAIOpenAIStatus(_ view: StatusView) -> [String: Any] {
        var object = common(view)
        object["seconds"] = String(view.record.submission.seconds)
        guard view.overrideStatus == nil else { return object }
        switch (view.phase, view.record.script.outcome) {
        case (.completed, _):
            object["completed_at"] = Int(view.record.createdWall.timeIntervalSince1970)
            if view.revealsVideoURL { object["video_url"] = view.record.videoURL.absoluteString }
        case (.failed, .moderated):
            // ParseTaskResult maps xAI's `done` to success; without a URL new-api stores its proxy URL.
            object["status"] = "completed"
            object["completed_at"] = Int(view.record.createdWall.timeIntervalSince1970)
            object["video_url"] = Self.proxyURL(view.record)
        case (.failed, _), (.expired, _), (.cancelled, _):
            object["error"] = ["code": "video_generation_failed", "message": Self.failReason(view.record, view.phase)]
        default:
            break
        }
        return object
    }

    /// xai ConvertToNativeVideo: xAI's own answer with `request_id` set to the public id; a moderated video
    /// keeps `respect_moderation: false` and gets new-api's proxy URL.
    private func newAPIXAINativeStatus(_ view: StatusView) -> [String: Any] {
        xAIStatus(
            view, requestID: view.record.id, moderatedVideoURL: Self.proxyURL(view.record),
            defaultFailureCode: "internal_error")
    }

    /// An xAI mirror: no `status` while pending (only `request_id`) or when done (only `video`); a
    /// moderated video keeps its URL beside `respect_moderation: false`.
    private func xAIMirrorStatus(_ view: StatusView) -> [String: Any] {
        let record = view.record
        if let word = view.overrideStatus { return ["status": word, "model": record.submission.model] }
        switch (view.phase, record.script.outcome) {
        case (.queued, _), (.processing, _):
            return ["request_id": record.id]
        case (.completed, _):
            var video: [String: Any] = ["duration": record.submission.seconds, "respect_moderation": true]
            if view.revealsVideoURL { video["url"] = record.videoURL.absoluteString }
            return ["video": video, "model": record.submission.model]
        case (.failed, .moderated):
            return [
                "video": [
                    "url": record.videoURL.absoluteString, "duration": record.submission.seconds,
                    "respect_moderation": false,
                ],
                "model": record.submission.model,
            ]
        case (.failed, .failure(let message, let code)):
            return ["status": "failed", "error": ["code": code ?? "internal_error", "message": message]]
        case (.failed, _):
            return ["status": "failed"]
        case (.expired, _):
            return ["status": "expired"]
        case (.cancelled, _):
            return ["status": "cancelled"]
        }
    }
}
