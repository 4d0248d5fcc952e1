public import Foundation
import VideoProviderKit

// Google's Gemini API for Veo, written from Google's documents (the Veo guide
// https://ai.google.dev/gemini-api/docs/video, the `generativelanguage` v1beta protos and discovery document,
// the troubleshooting page's status table), not from GeminiProvider. What Google does not document (the
// redirect of a file download, the wording of refusals the guide only states as rules) is marked assumed.

extension GatewaySimulator.Gateway {
    /// `https://generativelanguage.googleapis.com`, the Gemini API's host ("BASE_URL=…/v1beta").
    public static let geminiBaseURL = URL(string: "https://generativelanguage.googleapis.com")!

    /// The Gemini API serving Veo 3.1, Veo 3.1 Fast and Veo 3.
    public static func gemini(baseURL: URL = geminiBaseURL) -> Self {
        Self(name: "Gemini API", baseURL: baseURL, dialect: .gemini, models: GatewaySimulator.ModelRules.gemini)
    }
}

extension GatewaySimulator.ModelRules {
    private static func veo(_ name: String, images: Int) -> Self {
        // "durationSeconds: 4, 6, 8"; "aspectRatio: "16:9" (default), "9:16""; "resolution: "720p" (default),
        // "1080p""; images inline as `bytesBase64Encoded` (jpeg, png, webp assumed); "Text input 1,024 tokens".
        Self(
            name, seconds: .oneOf([4, 6, 8], default: 8), aspectRatios: ["16:9", "9:16"],
            resolutions: ["720p", "1080p"], defaultResolution: "720p", maxImages: images,
            imageTransports: [.dataURI], promptMaxLength: 1024)
    }

    /// `veo-3.1-generate-preview` and `veo-3.1-fast-generate-preview` (a first frame, a last frame, or up to
    /// three reference images) and `veo-3.0-generate-001` / `veo-3.0-fast-generate-001` (a first frame only;
    /// the guide's tables give "Veo 3 & Veo 3 Fast" one column).
    public static let gemini = [
        veo("veo-3.1-generate-preview", images: 3), veo("veo-3.1-fast-generate-preview", images: 3),
        veo("veo-3.0-generate-001", images: 1), veo("veo-3.0-fast-generate-001", images: 1),
    ]
}

/// The Gemini API's wire: routes, the key's header, Google's error envelope and long-running operations.
enum GeminiWire {
    /// "-H "x-goog-api-key: $GEMINI_API_KEY"" on every call, the download included.
    static let keyPlacement = KeyPlacement.header("x-goog-api-key")

    /// The models that take a last frame and reference images ("Veo 3.1 models only").
    static let veo31 = ["veo-3.1-generate-preview", "veo-3.1-fast-generate-preview"]

    static let submitSuffix = ":predictLongRunning"
    static let downloadSuffix = ":download"

    /// `POST v1beta/models/{model}:predictLongRunning`, `GET v1beta/models/{model}/operations/{id}` (the
    /// operation's `name` below `v1beta/`), `GET v1beta/files/{id}:download`.
    static func action(_ segments: [String], method: HTTPMethod) -> Endpoint.Action {
        func expect(_ allowed: HTTPMethod, _ action: Endpoint.Action) -> Endpoint.Action {
            method == allowed ? action : .wrongMethod(allowed: allowed.rawValue)
        }
        guard segments.first == "v1beta" else { return .unknownPath }
        if segments.count == 3, segments[1] == "models", segments[2].hasSuffix(submitSuffix),
            segments[2].count > submitSuffix.count
        {
            return expect(.post, .submit)
        }
        if segments.count == 5, segments[1] == "models", segments[3] == "operations" {
            return expect(.get, .status(segments[1...].joined(separator: "/")))
        }
        if segments.count == 3, segments[1] == "files", segments[2].hasSuffix(downloadSuffix),
            segments[2].count > downloadSuffix.count
        {
            return expect(.get, .content(String(segments[2].dropLast(downloadSuffix.count))))
        }
        return .unknownPath
    }

    /// The model a `…/models/{model}:predictLongRunning` URL names.
    static func model(in url: URL) -> String? {
        guard let last = url.path(percentEncoded: true).split(separator: "/").last else { return nil }
        let segment = String(last).removingPercentEncoding ?? String(last)
        guard segment.hasSuffix(submitSuffix) else { return nil }
        return String(segment.dropLast(submitSuffix.count))
    }

    /// `models/{model}/operations/{id}`, the operation name pattern of the discovery document.
    static func operationName(model: String, id: String) -> String { "models/\(model)/operations/\(id)" }

    /// Whether `name` matches `^models/[^/]+/operations/[^/]+$`.
    static func isOperationName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "models" && parts[2] == "operations" && !parts[1].isEmpty
            && !parts[3].isEmpty
    }

    /// A fresh operation id: twelve lower-case letters and digits, as Google's look.
    static func newOperationID() -> String {
        String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
    }

    // MARK: Errors

    /// The google.rpc status word for an HTTP status (the troubleshooting page's table).
    static func statusWord(_ status: Int) -> String {
        switch status {
        case 400: return "INVALID_ARGUMENT"
        case 401: return "UNAUTHENTICATED"
        case 403: return "PERMISSION_DENIED"
        case 404: return "NOT_FOUND"
        case 409: return "ABORTED"
        case 429: return "RESOURCE_EXHAUSTED"
        case 501: return "UNIMPLEMENTED"
        case 503: return "UNAVAILABLE"
        case 504: return "DEADLINE_EXCEEDED"
        case 500...599: return "INTERNAL"
        default: return "INVALID_ARGUMENT"
        }
    }

    /// Google's envelope `{"error": {"code", "message", "status", "details"?}}`. `code` is the status word when
    /// `vendorCode` says the caller chose it; otherwise the word for the HTTP status. An exhausted account
    /// (the simulator's `insufficient_quota`) is Google's 429 `RESOURCE_EXHAUSTED` with a per-day
    /// `QuotaFailure`: Google has no 402.
    static func error(
        _ status: Int, _ message: String, code: String?, vendorCode: Bool = false, details: [[String: Any]] = []
    ) -> HTTPResponse {
        if code == "insufficient_quota" { return quotaExhausted() }
        var error: [String: Any] = [
            "code": status, "message": message, "status": vendorCode ? code ?? statusWord(status) : statusWord(status),
        ]
        if !details.isEmpty { error["details"] = details }
        return Responses.json(status, ["error": error])
    }

    /// No key: "Method doesn't allow unregistered callers", 403 `PERMISSION_DENIED`.
    static func missingKey() -> HTTPResponse {
        error(
            403,
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key "
                + "or other form of API consumer identity to call this API.",
            code: "PERMISSION_DENIED", vendorCode: true)
    }

    /// A wrong key: HTTP 400 `INVALID_ARGUMENT` with `ErrorInfo.reason: "API_KEY_INVALID"` (live captures).
    static func invalidKey() -> HTTPResponse {
        error(
            400, "API key not valid. Please pass a valid API key.", code: "INVALID_ARGUMENT", vendorCode: true,
            details: [
                [
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com", "metadata": ["service": "generativelanguage.googleapis.com"],
                ]
            ])
    }

    /// A used-up per-day quota: 429 `RESOURCE_EXHAUSTED` with `google.rpc.QuotaFailure` (gemini-cli#8437).
    static func quotaExhausted() -> HTTPResponse {
        error(
            429,
            "You exceeded your current quota, please check your plan and billing details. For more information on "
                + "this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
            code: "RESOURCE_EXHAUSTED", vendorCode: true,
            details: [
                [
                    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [
                        [
                            "quotaMetric": "generativelanguage.googleapis.com/predict_long_running_requests",
                            "quotaId": "PredictLongRunningRequestsPerDayPerProjectPerModel",
                        ]
                    ],
                ]
            ])
    }

    static let notFoundMessage = "Requested entity was not found."

    // MARK: Operations

    static let responseType = "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse"

    /// A new operation: its `name` only (`done` is false, which proto3 JSON leaves out).
    static func operation(_ record: GatewaySimulator.TaskRecord) -> [String: Any] { ["name": record.id] }

    /// Where an operation's video is: `{base}/v1beta/files/{id}:download?alt=media` on Google's own host.
    static func fileURI(_ record: GatewaySimulator.TaskRecord) -> String {
        var base = record.gatewayBaseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let id = record.id.split(separator: "/").last.map(String.init) ?? record.id
        return base + "/v1beta/files/\(id)\(downloadSuffix)?alt=media"
    }

    /// The operation as it stands: running (`name` only; Google reports no progress), or `done` with a
    /// `response` (the sample's URI, or the Responsible-AI filter's count and reasons) or an `error`
    /// (google.rpc.Status: a failure's numeric code, 13 `INTERNAL` when it has none; 4 `DEADLINE_EXCEEDED`
    /// for an expired task, 1 `CANCELLED` for a cancelled one, both assumed). Operations have no status word,
    /// so a scripted unknown word does not show.
    static func operation(_ view: StatusView) -> [String: Any] {
        let record = view.record
        var object: [String: Any] = ["name": record.id]
        func done(error code: Int, _ message: String) {
            object["done"] = true
            object["error"] = ["code": code, "message": message]
        }
        switch (view.phase, record.script.outcome) {
        case (.queued, _), (.processing, _):
            break
        case (.completed, _):
            guard view.revealsVideoURL else { break }
            object["done"] = true
            object["response"] = [
                "@type": responseType,
                "generateVideoResponse": ["generatedSamples": [["video": ["uri": fileURI(record)]]]],
            ]
        case (.failed, .moderated):
            object["done"] = true
            object["response"] = [
                "@type": responseType,
                "generateVideoResponse": [
                    "raiMediaFilteredCount": 1,
                    "raiMediaFilteredReasons": [Responses.moderationMessage],
                ],
            ]
        case (.failed, .failure(let message, let code)):
            done(error: code.flatMap { Int($0) } ?? 13, message)
        case (.failed, _):
            done(error: 13, "The operation failed.")
        case (.expired, _):
            done(error: 4, "The operation exceeded its deadline.")
        case (.cancelled, _):
            done(error: 1, "The operation was cancelled.")
        }
        return object
    }
}

// MARK: - Serving

extension GatewaySimulator {
    /// Answers a request to a Gemini API gateway: the key in `x-goog-api-key` first, then the endpoint.
    func gemini(
        _ request: HTTPRequest, body: Data, gateway: Gateway, action: Endpoint.Action, now: Duration
    ) -> (HTTPResponse, String?) {
        switch action {
        case .unknownPath, .wrongMethod, .result:
            return (GeminiWire.error(404, "Method not found.", code: nil), nil)
        case .submit, .status, .content:
            break
        }
        if let failure = Auth.check(request.headers, gateway: gateway) {
            return (failure.code == "missing_api_key" ? GeminiWire.missingKey() : GeminiWire.invalidKey(), nil)
        }
        switch action {
        case .submit: return geminiSubmit(request, body: body, gateway: gateway, now: now)
        case .status(let name): return geminiStatus(name, gateway: gateway, now: now)
        case .content(let fileID): return geminiDownload(fileID, gateway: gateway, now: now)
        case .unknownPath, .wrongMethod, .result: return (GeminiWire.error(404, "Method not found.", code: nil), nil)
        }
    }

    private func geminiSubmit(_ request: HTTPRequest, body: Data, gateway: Gateway, now: Duration) -> (
        HTTPResponse, String?
    ) {
        let accepted: AcceptedSubmission
        do {
            let mediaType = request.headers["Content-Type"].map(SubmitValidator.mediaTypeOf) ?? ""
            accepted = try SubmitValidator.gemini(
                try SubmitValidator.jsonBody(body, mediaType: mediaType), model: GeminiWire.model(in: request.url),
                gateway: gateway)
        } catch {
            return (GeminiWire.error(error.status, error.message, code: GeminiWire.statusWord(error.status)), nil)
        }
        let record = createTask(
            GeminiWire.operationName(model: accepted.model, id: GeminiWire.newOperationID()), for: accepted,
            at: gateway, now: now, wall: clock.wallTime())
        let id = record.id
        var response = Responses.json(200, GeminiWire.operation(record))
        if let hint = gateway.pollHint { response.headers[hint.field.name] = hint.field.value }
        return (response, id)
    }

    /// The operation `name` at `gateway`; with ``UnknownTasks/completed``, a well-formed name nobody created
    /// is adopted as an operation that has just finished.
    private func geminiOperation(_ name: String, gateway: Gateway, now: Duration) -> TaskRecord? {
        if unknownTasks == .completed, state.tasks[name] == nil, GeminiWire.isOperationName(name) {
            let model = String(name.split(separator: "/")[1])
            let rules = gateway.rules(for: model) ?? gateway.models.first
            let submission = AcceptedSubmission(
                model: rules?.name ?? model, prompt: "", requestedSeconds: nil,
                seconds: rules?.seconds.defaultSeconds ?? 8, aspectRatio: rules?.defaultAspectRatio ?? "16:9",
                resolution: rules?.defaultResolution, imageCount: 0)
            adoptCompletedTask(name, submission: submission, at: gateway, now: now, wall: clock.wallTime())
        }
        guard let record = state.tasks[name], record.belongs(to: gateway) else { return nil }
        return record
    }

    private func geminiStatus(_ name: String, gateway: Gateway, now: Duration) -> (HTTPResponse, String?) {
        guard var record = geminiOperation(name, gateway: gateway, now: now) else {
            return (GeminiWire.error(404, GeminiWire.notFoundMessage, code: nil), name)
        }
        let view = record.answerStatusQuery(at: now, statusWords: false)
        state.tasks[name] = record
        var response = Responses(dialect: .gemini).status(view)
        if let hint = gateway.pollHint { response.headers[hint.field.name] = hint.field.value }
        return (response, name)
    }

    /// `files/{id}:download` of a finished operation: a 302 to the CDN (Google's own download redirects to
    /// another host, assumed signed and keyless), which the key must not follow.
    private func geminiDownload(_ fileID: String, gateway: Gateway, now: Duration) -> (HTTPResponse, String?) {
        let suffix = "/operations/" + fileID
        guard
            let record = state.taskOrder.lazy.compactMap({ self.state.tasks[$0] }).first(where: {
                $0.id.hasSuffix(suffix) && $0.belongs(to: gateway)
            })
        else { return (GeminiWire.error(404, GeminiWire.notFoundMessage, code: nil), nil) }
        let (phase, _) = record.phase(at: now)
        // "Generated videos are stored on the server for 2 days, after which they are removed."
        let removed = now > record.finishesAt + .seconds(2 * 86_400)
        guard phase == .completed, record.script.outcome == .success, !removed else {
            return (GeminiWire.error(404, GeminiWire.notFoundMessage, code: nil), record.id)
        }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        let file = (record.id.addingPercentEncoding(withAllowedCharacters: allowed) ?? fileID) + ".mp4"
        var base = cdnBaseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let response = HTTPResponse(
            status: 302, headers: ["Location": base + "/videos/" + file, "Content-Length": "0"], body: Data())
        return (response, record.id)
    }
}
