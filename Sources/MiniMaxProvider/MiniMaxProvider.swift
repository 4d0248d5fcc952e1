import Foundation
public import VideoProviderKit

/// MiniMax Hailuo through MiniMax's V1 video API (`MiniMax-Hailuo-2.3`, `MiniMax-Hailuo-2.3-Fast`,
/// `MiniMax-Hailuo-02`).
///
/// Wire format (sources in `/work/research/17/minimax.md`, quoted beside the table):
/// - Submit: `POST {base}/v1/video_generation` with `{model, prompt, first_frame_image, last_frame_image,
///   duration, resolution, prompt_optimizer}`; images are public URLs or `data:` URIs. The answer is
///   `{"task_id", "base_resp": {"status_code", "status_msg"}}`.
/// - Status: `GET {base}/v1/query/video_generation?task_id=…` → `Preparing | Queueing | Processing | Success |
///   Fail`, with a `file_id` on success.
/// - Result (a second call): `GET {base}/v1/files/retrieve?file_id=…` → `file.download_url`, a CDN URL fetched
///   without the key.
/// - Errors come in `base_resp` with **HTTP 200**: a non-zero `status_code` is read per MiniMax's error-code
///   table (``errorKind(code:)``), never as a success.
public struct MiniMaxProvider: VideoProvider {
    /// `minimax`: the provider's stable identifier (and `MINIMAX_API_KEY` for `videogen`).
    public static let id: ProviderID = "minimax"

    /// A provider with MiniMax's published Hailuo capability table.
    public init() {}

    /// Identity, base URL and the capability table of the three Hailuo models.
    public var descriptor: ProviderDescriptor { Self.descriptorValue }

    /// "valid for 1 hour": a download refused with 403/410 asks `files/retrieve` for a fresh URL.
    public var resultURLsExpire: Bool { true }

    // MARK: - Capability table

    private static let sharedAssumptions = [
        "Text-to-video is 16:9 (no aspect-ratio field exists; the only evidence is the 1366×768 and 1920×1080 "
            + "sizes); with a first frame the video takes the image's shape (\"Video resolution follows the first "
            + "frame image\"), so no ratio is sent at all.",
        "Billed per second of video: MiniMax prices each video by its length and resolution.",
        "Images jpeg/png/webp up to 20 MB (\"JPG, JPEG, PNG, WebP\", \"< 20MB\"); the short-edge > 300 px and "
            + "2:5–5:2 ratio limits are left to MiniMax.",
        "prompt_optimizer is always written (MiniMax's default, true) so the body never depends on a "
            + "server-side default; providerOptions[\"minimax\"] may set it to false.",
        "A failed task (status Fail) may carry its reason in base_resp.status_msg with status_code 0 or non-zero; "
            + "both are read.",
        "download_url lives 1 hour (current download page; older pages: 9 hours).",
    ]

    /// "1080P" only at 6 s ("| MiniMax-Hailuo-02 | `768P` (default), `1080P` | `768P` (default) |", columns
    /// 6 s / 10 s); a first frame sets the shape.
    private static let commonRules = [
        CapabilityRule(
            when: .init(resolutions: [Resolution(parsing: "1080P")!]), then: .init(seconds: [6]),
            note: "MiniMax: 1080P is only available at 6 s (10 s is 768P only)"),
        CapabilityRule(
            when: .init(modes: [.imageToVideo]), then: .init(aspectRatioFollowsImage: true),
            note: "MiniMax: \"Video resolution follows the first frame image\""),
    ]

    private static let p512 = Resolution(parsing: "512P")!
    private static let p768 = Resolution(parsing: "768P")!

    private static func model(
        _ name: String, resolutions: [Resolution], lastFrame: Bool, rules extra: [CapabilityRule],
        assumption: String? = nil
    ) -> ModelCapabilities {
        var capabilities = ModelCapabilities(
            model: name,
            // "duration … Default is `6`. Available values depend on model and resolution: … `6` or `10`"
            duration: .set(values: [6, 10], default: 6),
            // No aspect-ratio field: text-to-video is landscape (assumed 16:9).
            aspectRatios: AspectRatioRule(values: ["16:9"], default: "16:9", custom: false),
            // "resolution … `768P` (default), `1080P`"; Hailuo-02 image-to-video also "512P".
            resolutions: ResolutionRule(values: resolutions, default: p768),
            // "first_frame_image … Supports public URLs or Base64-encoded Data URLs (`data:image/jpeg;base64,...`)";
            // "JPG, JPEG, PNG, WebP"; "< 20MB"; `last_frame_image` on the First & Last Frame page (Hailuo-02 only).
            images: ImageRule(
                max: lastFrame ? 2 : 1, transports: [.publicURL, .dataURI], formats: [.jpeg, .png, .webp],
                layout: .singleOrArray(single: "first_frame_image", multiple: "last_frame_image"),
                roles: lastFrame
                    ? [ImageRoleLimit(.firstFrame, max: 1), ImageRoleLimit(.lastFrame, max: 1)]
                    : [ImageRoleLimit(.firstFrame, max: 1)],
                unassignedRole: .always(.firstFrame)),
            // "prompt … Max 2000 characters"
            promptMaxLength: 2000,
            billing: .perSecond,
            assumptions: sharedAssumptions + (assumption.map { [$0] } ?? []))
        capabilities.rules = commonRules + extra
        return capabilities
    }

    /// Image-to-video only: "MiniMax-Hailuo-2.3-Fast" is in the image-to-video enum and absent from the
    /// text-to-video one. The provider refuses it without a first frame (``submitBody(for:)``), before any byte.
    static let fastModel = "MiniMax-Hailuo-2.3-Fast"

    static let descriptorValue = ProviderDescriptor(
        id: id,
        name: "MiniMax (Hailuo)",
        defaultBaseURL: URL(string: "https://api.minimax.io"),
        baseURLSource:
            "MiniMax API reference, https://platform.minimax.io/docs/api-reference/video-generation-t2v "
            + "(OpenAPI \"servers: https://api.minimax.io\"); mainland China accounts use https://api.minimaxi.com "
            + "(\"The API host and key vary by region and must match\", MiniMax-MCP README).",
        documentationURL: URL(string: "https://platform.minimax.io/docs/api-reference/video-generation-t2v"),
        models: [
            model("MiniMax-Hailuo-2.3", resolutions: [p768, .p1080], lastFrame: false, rules: []),
            model(
                fastModel, resolutions: [p768, .p1080], lastFrame: false, rules: [],
                assumption:
                    "Image-to-video only (absent from the text-to-video enum): a request without a first frame is "
                    + "refused by the provider before anything is sent (a table rule would fail the shared checks, "
                    + "which resolve every model text-only)."),
            model(
                "MiniMax-Hailuo-02", resolutions: [p512, p768, .p1080], lastFrame: true,
                rules: [
                    CapabilityRule(
                        when: .init(imageRoles: [.lastFrame]), then: .init(requiredImageRoles: [.firstFrame]),
                        note: "MiniMax: first & last frame needs both images")
                ],
                assumption:
                    "512P is image-to-video from a first frame alone (\"512P\" only in the image-to-video enum; first & "
                    + "last frame \"does not support 512P\"): other 512P requests are refused by the provider before "
                    + "anything is sent (a table rule would fail the shared checks, which resolve every resolution "
                    + "text-only)."),
        ],
        // "Polling: the video guide's sample polls every 10 s"; MiniMax's MCP server every 20 s.
        polling: PollingRecommendation(minimumInterval: .seconds(10), maximumInterval: .seconds(20)),
        // "The download URL is valid for 1 hour"
        resultRetention: .seconds(3600))

    // MARK: - Requests

    /// Options MiniMax documents, and the JSON type each must have.
    static let booleanOptions = ["prompt_optimizer", "fast_pretreatment", "aigc_watermark"]
    /// Image fields the typed images fill; an option may not set them.
    static let imageFields = ["first_frame_image", "last_frame_image", "subject_reference"]

    /// The submit body: `model`, `prompt`, `first_frame_image`, `last_frame_image`, `duration`, `resolution`
    /// (upper-case `P`), `prompt_optimizer`, then any other option sorted by name.
    public static func submitBody(for request: ResolvedVideoRequest) throws(VideoProviderError) -> JSONBody {
        let options = try checkedOptions(request.vendorOptions, model: request.model)
        try checkModes(request)
        var body = JSONBody()
        body["model"] = .string(request.model)
        body["prompt"] = .string(request.prompt)
        for role in [ImageRole.firstFrame, .lastFrame] {
            guard let (index, image) = request.images(withRole: role).first else { continue }
            body[role == .firstFrame ? "first_frame_image" : "last_frame_image"] = try image.jsonURL(
                index: index, model: request.model, provider: id)
        }
        body["duration"] = .int(request.seconds)
        if let resolution = request.resolution { body["resolution"] = .string(resolution.upperCased) }
        body["prompt_optimizer"] = .json(options["prompt_optimizer"] ?? .bool(true))
        body.appendVendorOptions(options)
        return body
    }

    /// The mode rules the shared validation cannot hold as table data without refusing text-only checks:
    /// MiniMax-Hailuo-2.3-Fast is image-to-video only ("MiniMax-Hailuo-2.3-Fast" is absent from the
    /// text-to-video enum), and 512P is Hailuo-02 image-to-video only (text-to-video lists `768P`, `1080P`;
    /// first & last frame "does not support 512P"). Refused naming the parameter, before any byte.
    static func checkModes(_ request: ResolvedVideoRequest) throws(VideoProviderError) {
        let firstFrame = !request.images(withRole: .firstFrame).isEmpty
        let lastFrame = !request.images(withRole: .lastFrame).isEmpty
        var violation: Violation?
        if request.model == fastModel, !firstFrame {
            violation = Violation(
                parameter: "images", value: "none", allowed: "one first-frame image",
                reason: "\(fastModel) is image-to-video only")
        } else if request.resolution == p512, !firstFrame || lastFrame {
            violation = Violation(
                parameter: "resolution", value: "512p", allowed: "768p, 1080p",
                reason: "512P is for image-to-video from a first frame alone")
        }
        guard let violation else { return }
        throw VideoProviderError(
            .invalidRequest, "Invalid request for \(request.model) on \(id): \(violation).", providerID: id,
            model: request.model, violations: [violation])
    }

    /// The options, refused naming the option when one of MiniMax's switches is not a boolean, when
    /// `callback_url` is not an http(s) URL, or when an option would set an image field.
    static func checkedOptions(_ options: [String: JSONValue], model: String) throws(VideoProviderError)
        -> [String: JSONValue]
    {
        var violations: [Violation] = []
        for key in options.keys.sorted() {
            let value = options[key]!
            let parameter = "provider-options.\(id).\(key)"
            var isBoolean = false
            if case .bool = value { isBoolean = true }
            if booleanOptions.contains(key), !isBoolean {
                violations.append(Violation(parameter: parameter, value: value.description, allowed: "true, false"))
            } else if key == "callback_url", VendorResponse.url(value) == nil {
                violations.append(Violation(parameter: parameter, value: value.description, allowed: "an http(s) URL"))
            } else if imageFields.contains(key) {
                violations.append(
                    Violation(
                        parameter: parameter, value: value.description, allowed: "any field but image fields",
                        reason: "images are typed: pass them with a first-frame or last-frame role"))
            }
        }
        guard violations.isEmpty else {
            throw VideoProviderError(
                .invalidRequest,
                "Invalid request for \(model) on \(id): "
                    + (violations.count == 1
                        ? violations[0].description : violations.map(\.parameter).joined(separator: ", "))
                    + ".",
                providerID: id, model: model, violations: violations)
        }
        return options
    }

    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        context.submission(
            to: "/v1/video_generation", body: try Self.submitBody(for: request).httpBody,
            contentType: "application/json")
    }

    public func statusRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        _ = try ProviderContext.taskSegment(taskID, provider: Self.id)
        return context.get("/v1/query/video_generation?task_id=" + Self.queryValue(taskID))
    }

    /// `GET /v1/files/retrieve?file_id=…` for a completed task whose `file_id` is known and whose URL is not.
    public func resultRequest(
        for snapshot: TaskSnapshot, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest? {
        guard snapshot.status == .completed, snapshot.videoURL == nil,
            let fileID = snapshot.resultReference, !fileID.trimmingWhitespaceAndNewlines().isEmpty
        else { return nil }
        return context.get("/v1/files/retrieve?file_id=" + Self.queryValue(fileID))
    }

    /// A query-string value: everything but RFC 3986's unreserved characters percent-encoded (ids are
    /// digits, so nothing changes for MiniMax's own; an odd id cannot add a parameter).
    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet()
        allowed.insert(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    // MARK: - Answers

    /// Reads `{"task_id", "base_resp"}`: code 0 with a task id is the task; a non-zero code is MiniMax's
    /// refusal, sent as HTTP 200 (``submitError(code:message:taskID:model:status:)`` decides whether it proves
    /// that nothing was created).
    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "video submission"
        guard response.isSuccess else {
            throw VendorResponse.error(for: response, provider: id, model: request.model, operation: operation)
        }
        let json = try VendorResponse.jsonObject(response, provider: id, model: request.model, operation: operation)
        let taskID = Self.text(json["task_id"])
        let (code, message) = try Self.baseResponse(json, response: response, model: request.model, taskID: nil)
        if code != 0 {
            throw Self.submitError(
                code: code, message: message, taskID: taskID, model: request.model, status: response.status)
        }
        guard let taskID else {
            throw VideoProviderError(
                .invalidResponse, "\(id) answered the \(operation) with status_code 0 but no task_id.",
                providerID: id, model: request.model, httpStatus: response.status)
        }
        return TaskSnapshot(taskID: taskID, status: .queued, model: request.model)
    }

    /// Reads a query answer: `Preparing`/`Queueing` queued, `Processing` processing, `Success` with a
    /// `file_id` completed (its URL comes from ``resultRequest(for:context:)``), `Fail` failed; 1026/1027 are
    /// content-policy failures whatever the word; any other non-zero code is MiniMax's refusal of the query.
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "status query"
        guard response.isSuccess else {
            throw VendorResponse.error(for: response, provider: id, taskID: taskID, operation: operation)
        }
        let json = try VendorResponse.jsonObject(response, provider: id, taskID: taskID, operation: operation)
        let (code, message) = try Self.baseResponse(json, response: response, model: nil, taskID: taskID)
        let word = json["status"]?.stringValue
        let lowered = word?.lowercased()
        if code == 1026 || code == 1027, let sensitive = Self.sensitive[code] {
            // The documented reason leads, so the failure reads as a content-policy refusal whatever MiniMax's
            // own text says ("Output content error" names no policy).
            let reason = message.map { $0 == sensitive ? sensitive : "\(sensitive): \($0)" } ?? sensitive
            return TaskSnapshot(
                taskID: taskID, status: .failed, rawStatus: word, errorMessage: reason, errorCode: String(code))
        }
        if code != 0, lowered != "fail", lowered != "failed" {
            throw Self.error(
                code: code, message: message, operation: operation, taskID: taskID, status: response.status)
        }
        switch lowered {
        case "preparing", "queueing": return TaskSnapshot(taskID: taskID, status: .queued, rawStatus: word)
        case "processing": return TaskSnapshot(taskID: taskID, status: .processing, rawStatus: word)
        case "success":
            guard let fileID = Self.text(json["file_id"]) else {
                return TaskSnapshot(
                    taskID: taskID, status: .failed, rawStatus: word,
                    errorMessage: "The task succeeded without a file_id.", errorCode: "noFile")
            }
            return TaskSnapshot(taskID: taskID, status: .completed, rawStatus: word, resultReference: fileID)
        case "fail", "failed":
            let reason = message.flatMap { $0.lowercased() == "success" ? nil : $0 }
            return TaskSnapshot(
                taskID: taskID, status: .failed, rawStatus: word, errorMessage: reason ?? "The task failed.",
                errorCode: code == 0 ? nil : String(code))
        default:
            return TaskSnapshot(taskID: taskID, status: .unknown, rawStatus: word)
        }
    }

    /// Reads `files/retrieve`: `file.download_url` (or `file.backup_download_url`) is the video, valid for an
    /// hour from the answer's `Date`.
    public func parseResultResponse(
        _ response: HTTPResponse, for snapshot: TaskSnapshot
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "file retrieval"
        guard response.isSuccess else {
            throw VendorResponse.error(
                for: response, provider: id, model: snapshot.model, taskID: snapshot.taskID, operation: operation)
        }
        let json = try VendorResponse.jsonObject(
            response, provider: id, model: snapshot.model, taskID: snapshot.taskID, operation: operation)
        let (code, message) = try Self.baseResponse(
            json, response: response, model: snapshot.model, taskID: snapshot.taskID)
        if code != 0 {
            var error = Self.error(
                code: code, message: message, operation: operation, taskID: snapshot.taskID, status: response.status)
            error.model = snapshot.model
            throw error
        }
        let file = json["file"]
        guard let url = VendorResponse.url(file?["download_url"]) ?? VendorResponse.url(file?["backup_download_url"])
        else {
            throw VideoProviderError(
                .invalidResponse,
                "\(id) answered the \(operation) for task \(snapshot.taskID) without an http(s) download_url.",
                providerID: id, model: snapshot.model, taskID: snapshot.taskID, httpStatus: response.status)
        }
        var resolved = snapshot
        resolved.videoURL = url
        resolved.videoURLExpiresAt = response.headers["Date"].flatMap(VendorResponse.httpDate).map {
            $0.addingTimeInterval(3600)
        }
        return resolved
    }

    // MARK: - base_resp

    /// The documented messages of the content codes, for an answer that carries none.
    static let sensitive = [
        1026: "Sensitive content detected in the input", 1027: "Sensitive content detected in the generated video",
    ]

    /// A non-empty string, or a number written in decimal (ids are strings in one answer and int64 in another).
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.trimmingWhitespaceAndNewlines().isEmpty: return text
        case .int(let number)?: return String(number)
        default: return nil
        }
    }

    /// `base_resp.status_code` and `status_msg`; an answer without `base_resp` reads as code 0 (lenient), one
    /// whose code is not an integer is an invalid response.
    static func baseResponse(
        _ json: JSONValue, response: HTTPResponse, model: String?, taskID: String?
    ) throws(VideoProviderError) -> (code: Int, message: String?) {
        guard let base = json["base_resp"], base != .null else { return (0, nil) }
        guard let code = base["status_code"]?.intValue else {
            throw VideoProviderError(
                .invalidResponse, "\(id) answered with a base_resp whose status_code is not an integer.",
                providerID: id, model: model, taskID: taskID, httpStatus: response.status)
        }
        return (code, text(base["status_msg"]))
    }

    /// What a `base_resp.status_code` means, per MiniMax's error-code table
    /// (https://platform.minimax.io/docs/api-reference/errorcode) and the per-endpoint lists; `nil` for a
    /// code the table does not list.
    public static func errorKind(code: Int) -> VideoProviderError.Kind? {
        switch code {
        // "rate limit", "token limit", "conn limit", "rate growth limit"
        case 1002, 1039, 1041, 2045: return .rateLimited
        // "not authorized …", "invalid api key"
        case 1004, 2049: return .authentication
        // "insufficient balance"; "usage limit exceeded" (plan window); MiniMax's CLI: 1028/1030 "Quota
        // exhausted", 2061 "model not available on your current Token Plan"
        case 1008, 1028, 1030, 2056, 2061: return .quotaExceeded
        // "input new_sensitive", "output new_sensitive"
        case 1026, 1027: return .contentPolicy
        // "invalid params"
        case 2013: return .vendorRejected
        // "request timeout"
        case 1001: return .timeout
        // "unknown error", "Internal service error", "internal error", "system error / mysql failed"
        case 1000, 1013, 1024, 1033: return .serverError
        default: return nil
        }
    }

    /// Codes of a server that failed while handling the request: at submit they do not prove that no task
    /// was created (as an HTTP 500 or 504 does not).
    static let serverSideCodes: Set<Int> = [1000, 1001, 1013, 1024, 1033]

    /// A refusal of a query or a file retrieval.
    static func error(code: Int, message: String?, operation: String, taskID: String?, status: Int)
        -> VideoProviderError
    {
        let kind =
            errorKind(code: code) ?? VendorResponse.classify(status: status, code: String(code), message: message)
        return VideoProviderError(
            kind, "\(id) refused the \(operation) (status_code \(code))" + (message.map { ": \($0)" } ?? ""),
            providerID: id, taskID: taskID, httpStatus: status, vendorCode: String(code), vendorMessage: message)
    }

    /// A refused submission. Whether it proves that nothing was created decides whether the client may send it
    /// again anywhere (docs/reliability.md, the money rule):
    /// - a task id beside a non-zero code, or a server-side code (1000, 1001, 1013, 1024, 1033), does not:
    ///   ``VideoProviderError/Kind/ambiguousSubmission``, never resent without the caller's opt-in;
    /// - the rest are refusals at the door (rate limits, credentials, balance, content, parameters): their
    ///   own kinds, so the client retries a rate limit, falls back from an account problem and stops on
    ///   content or parameters.
    static func submitError(code: Int, message: String?, taskID: String?, model: String, status: Int)
        -> VideoProviderError
    {
        let summary = message.map { ": \($0)" } ?? ""
        if taskID != nil || serverSideCodes.contains(code) {
            return VideoProviderError(
                .ambiguousSubmission,
                "\(id) answered the video submission with status_code \(code)\(summary)"
                    + (taskID.map { " beside task \($0)" } ?? "") + "; a task may exist.",
                providerID: id, model: model, taskID: taskID, httpStatus: status, vendorCode: String(code),
                vendorMessage: message, requestMayHaveBeenSent: true)
        }
        var error = self.error(
            code: code, message: message, operation: "video submission", taskID: nil, status: status)
        error.model = model
        return error
    }
}
