import Foundation
import VideoProviderKit

/// What one status answer shows of a task.
struct StatusView {
    let record: GatewaySimulator.TaskRecord
    let phase: GatewaySimulator.Phase
    let progress: Double
    var revealsVideoURL: Bool
    var overrideStatus: String?
}

extension GatewaySimulator.TaskRecord {
    /// Counts one status query and says what it shows, the same in every dialect: the phase now, the
    /// script's unknown word for its first polls (`statusWords: false` for a vendor without status words,
    /// Google's operations), and the video URL only after the scripted completed answers without one.
    mutating func answerStatusQuery(at now: Duration, statusWords: Bool = true) -> StatusView {
        statusQueries += 1
        let (current, progress) = phase(at: now)
        var view = StatusView(record: self, phase: current, progress: progress, revealsVideoURL: true)
        if statusWords, let word = script.unknownStatus, statusQueries <= script.unknownStatusPolls {
            view.overrideStatus = word
        } else if current == .completed {
            completedAnswers += 1
            view.revealsVideoURL = completedAnswers > script.completedWithoutVideoURLPolls
        }
        return view
    }
}

/// Answers in each dialect's documented shape, or as a deployed flavour of it answers
/// (SimulatorFlavors.swift).
struct Responses {
    let dialect: GatewaySimulator.Dialect
    var flavor: GatewaySimulator.Flavor = .documented
    /// Whether the request used one of new-api's xAI-native routes (`/v1/videos…`, not `/openai/v1/videos…`).
    var nativeRoute = false

    // MARK: Errors

    /// The dialect's error body: kyy `{"error": message}` (plus `code` when one is given), OpenAI format
    /// `{"error": {"message", "type", "code"}}`, xAI `{"code", "error"}`.
    ///
    /// `code` is the simulator's machine code (`invalid_seconds`, …), used as is by the OpenAI format; xAI
    /// spells its codes as gRPC-style phrases, so there a machine code is replaced by the phrase for the
    /// status unless `vendorCode` says the caller (a scripted fault) chose the exact spelling.
    func error(_ status: Int, _ message: String, code: String?, vendorCode: Bool = false) -> HTTPResponse {
        if let flavored = flavoredError(status, message, code: code) { return flavored }
        switch dialect {
        case .kyyReact:
            var object: [String: Any] = ["error": message]
            if vendorCode, let code { object["code"] = code }
            return Self.json(status, object)
        case .openAIFormat:
            let type: String
            switch status {
            case 401: type = "authentication_error"
            case 403: type = "permission_error"
            case 429: type = "rate_limit_error"
            case 500...599: type = "server_error"
            default: type = "invalid_request_error"
            }
            return Self.json(
                status, ["error": ["message": message, "type": type, "code": code ?? Self.defaultCode(status)]])
        case .xAI:
            let phrase = vendorCode ? code ?? Self.xAIDefaultCode(status) : Self.xAIDefaultCode(status)
            return Self.json(status, ["code": phrase, "error": message])
        case .runway: return RunwayWire.error(status, message, code: code)
        case .gemini: return GeminiWire.error(status, message, code: code, vendorCode: vendorCode)
        case .miniMax: return Self.miniMaxError(status, message, code: code)
        case .kling: return KlingDialect.error(status, message, code: code, vendorCode: vendorCode)
        }
    }

    private static func defaultCode(_ status: Int) -> String {
        switch status {
        case 401: return "invalid_api_key"
        case 404: return "not_found"
        case 429: return "rate_limit_exceeded"
        case 500...599: return "server_error"
        default: return "invalid_request"
        }
    }

    private static func xAIDefaultCode(_ status: Int) -> String {
        switch status {
        case 400: return "Client specified an invalid argument"
        case 401: return "Unauthenticated"
        case 403: return "Permission denied"
        case 404: return "Some requested entity was not found"
        case 405: return "Method not allowed"
        case 429: return "Too many requests"
        case 503: return "Service unavailable"
        case 500...599: return "Internal error"
        default: return "Client specified an invalid argument"
        }
    }

    // MARK: Tasks

    /// The submit answer: kyy `{id, object, created, model, status, error}`, OpenAI format the video object,
    /// xAI `{request_id}`.
    func submitted(_ record: GatewaySimulator.TaskRecord) -> HTTPResponse {
        if let flavored = flavoredSubmitted(record) { return flavored }
        let created = Int(record.createdWall.timeIntervalSince1970)
        switch dialect {
        case .kyyReact:
            return Self.json(
                200,
                [
                    "id": record.id, "object": "video", "created": created, "model": record.submission.model,
                    "status": "queued", "error": NSNull(),
                ])
        case .openAIFormat:
            return Self.json(
                200,
                [
                    "id": record.id, "object": "video", "model": record.submission.model, "status": "queued",
                    "progress": 0, "created_at": created, "seconds": String(record.submission.seconds),
                    "size": record.submission.resolution ?? "", "video_url": "",
                ])
        case .xAI:
            return Self.json(200, ["request_id": record.id])
        case .runway: return Self.json(200, ["id": record.id])
        case .gemini: return Self.json(200, GeminiWire.operation(record))
        case .miniMax: return Self.miniMaxSubmitted(record)
        case .kling: return KlingDialect.submitted(record)
        }
    }

    func status(_ view: StatusView) -> HTTPResponse {
        if let flavored = flavoredStatus(view) { return Self.json(200, flavored) }
        switch dialect {
        case .kyyReact: return Self.json(200, kyyStatus(view))
        case .openAIFormat: return Self.json(200, openAIStatus(view))
        case .xAI: return Self.json(200, xAIStatus(view))
        case .runway: return Self.json(200, RunwayWire.task(view, now: .zero))
        case .gemini: return Self.json(200, GeminiWire.operation(view))
        case .miniMax: return Self.json(200, Self.miniMaxStatus(view))
        case .kling: return KlingDialect.status(view)
        }
    }

    static let moderationMessage = "The request was rejected by the content policy (moderation)."

    /// `{id, object, created, model, status, video_url, actualDuration, error}`; no progress field.
    private func kyyStatus(_ view: StatusView) -> [String: Any] {
        let record = view.record
        var object: [String: Any] = [
            "id": record.id, "object": "video", "created": Int(record.createdWall.timeIntervalSince1970),
            "model": record.submission.model, "status": view.overrideStatus ?? view.phase.rawValue,
            "video_url": NSNull(), "actualDuration": NSNull(), "error": NSNull(),
        ]
        guard view.overrideStatus == nil else { return object }
        switch (view.phase, record.script.outcome) {
        case (.completed, _):
            if view.revealsVideoURL { object["video_url"] = record.videoURL.absoluteString }
            object["actualDuration"] = record.submission.seconds
        case (.failed, .failure(let message, _)):
            object["error"] = message
        case (.failed, .moderated):
            object["error"] = Self.moderationMessage
        case (.expired, _):
            object["error"] = "The task expired."
        case (.cancelled, _):
            object["error"] = "The task was cancelled."
        default:
            break
        }
        return object
    }

    /// `{id, object, model, status, progress, created_at, seconds, size, video_url, completed_at?, error?}`.
    private func openAIStatus(_ view: StatusView) -> [String: Any] {
        let record = view.record
        let progress: Any
        switch record.script.progressFormat {
        case .integer: progress = Int(view.progress)
        case .fractional: progress = (view.progress * 10).rounded(.down) / 10
        case .percentString: progress = "\(Int(view.progress))%"
        }
        var object: [String: Any] = [
            "id": record.id, "object": "video", "model": record.submission.model,
            "status": view.overrideStatus ?? view.phase.rawValue, "progress": progress,
            "created_at": Int(record.createdWall.timeIntervalSince1970),
            "seconds": String(record.submission.seconds), "size": record.submission.resolution ?? "",
            "video_url": "",
        ]
        guard view.overrideStatus == nil else { return object }
        if view.phase.isTerminal {
            let finished = record.createdWall.addingTimeInterval((record.finishesAt - record.createdAt).seconds)
            object["completed_at"] = Int(finished.timeIntervalSince1970)
        }
        switch (view.phase, record.script.outcome) {
        case (.completed, _):
            if view.revealsVideoURL { object["video_url"] = record.videoURL.absoluteString }
        case (.failed, .failure(let message, let code)):
            object["error"] = ["message": message, "code": code ?? "generation_failed"]
        case (.failed, .moderated):
            object["error"] = ["message": Self.moderationMessage, "code": "content_policy_violation"]
        case (.expired, _):
            object["error"] = ["message": "The task expired.", "code": "expired"]
        default:
            break
        }
        return object
    }

    /// `pending` (with an integer `progress`, assumed), `done` with `video {url, duration,
    /// respect_moderation}`, `failed` with `error {code, message}`, `expired`.
    ///
    /// Relays that pass xAI's answer through change a few things: they add the task's `requestID`, give a
    /// moderated video a URL of their own, and name failures with another default code.
    func xAIStatus(
        _ view: StatusView, requestID: String? = nil, moderatedVideoURL: String? = nil,
        defaultFailureCode: String = "generation_failed"
    ) -> [String: Any] {
        let record = view.record
        var object: [String: Any] = ["model": record.submission.model]
        if let requestID { object["request_id"] = requestID }
        if let word = view.overrideStatus {
            object["status"] = word
            return object
        }
        switch (view.phase, record.script.outcome) {
        case (.queued, _), (.processing, _):
            object["status"] = "pending"
            object["progress"] = Int(view.progress)
        case (.completed, _):
            object["status"] = "done"
            object["progress"] = 100
            var video: [String: Any] = ["duration": record.submission.seconds, "respect_moderation": true]
            if view.revealsVideoURL { video["url"] = record.videoURL.absoluteString }
            object["video"] = video
        case (.failed, .moderated):
            object["status"] = "done"
            object["progress"] = 100
            var video: [String: Any] = ["duration": record.submission.seconds, "respect_moderation": false]
            if let moderatedVideoURL { video["url"] = moderatedVideoURL }
            object["video"] = video
        case (.failed, .failure(let message, let code)):
            object["status"] = "failed"
            object["error"] = ["code": code ?? defaultFailureCode, "message": message]
        case (.failed, _):
            object["status"] = "failed"
        case (.expired, _):
            object["status"] = "expired"
        case (.cancelled, _):
            object["status"] = "cancelled"
        }
        return object
    }

    // MARK: Bodies

    static func json(_ status: Int, _ object: [String: Any]) -> HTTPResponse {
        let body = SimulatorJSON.data(object)
        return HTTPResponse(
            status: status,
            headers: ["Content-Type": "application/json; charset=utf-8", "Content-Length": String(body.count)],
            body: body)
    }

    /// ``SampleVideo/mp4`` as `video/mp4` with its `Content-Length` (no body for `HEAD`).
    static func video(method: HTTPMethod) -> HTTPResponse {
        let body = SampleVideo.mp4
        return HTTPResponse(
            status: 200,
            headers: ["Content-Type": SampleVideo.contentType, "Content-Length": String(body.count)],
            body: method.rawValue == "HEAD" ? Data() : body)
    }

    /// An S3-style XML error, as object stores behind CDNs answer.
    static func cdnError(_ status: Int, code: String, _ message: String) -> HTTPResponse {
        let body = Data(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message></Error>\n"
                .utf8)
        return HTTPResponse(
            status: status, headers: ["Content-Type": "application/xml", "Content-Length": String(body.count)],
            body: body)
    }

    /// An nginx-style HTML error page.
    static func html(_ status: Int) -> HTTPResponse {
        let reasons = [
            200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Temporarily Unavailable",
            504: "Gateway Time-out",
        ]
        let title = "\(status) \(reasons[status] ?? "Error")"
        let body = Data(
            """
            <html>
            <head><title>\(title)</title></head>
            <body>
            <center><h1>\(title)</h1></center>
            <hr><center>nginx</center>
            </body>
            </html>

            """.utf8)
        return HTTPResponse(
            status: status, headers: ["Content-Type": "text/html", "Content-Length": String(body.count)], body: body)
    }

    static func plain(_ status: Int, _ text: String) -> HTTPResponse {
        let body = Data(text.utf8)
        return HTTPResponse(
            status: status,
            headers: ["Content-Type": "text/plain; charset=utf-8", "Content-Length": String(body.count)],
            body: body)
    }
}
