import Foundation
public import VideoProviderKit

/// Runway's developer API (`gen4.5`, `gen4_turbo`, `veo3.1`, `veo3.1_fast`, `veo3`).
///
/// Wire format (sources in `docs/providers/runway.md`, quoted beside the table):
/// - Submit: `POST /v1/text_to_video` or `POST /v1/image_to_video` (by the request's mode) with
///   `{"model", "promptText", "promptImage", "ratio", "duration", …}`; `ratio` is a pixel size (`"1280:720"`)
///   mapped from the request's aspect ratio and resolution (``pixelRatio(aspectRatio:resolution:)``). The
///   answer is `{"id": "<uuid>", "estimatedCost": {"credits": n}}`.
/// - Status: `GET /v1/tasks/{id}`: `PENDING`, `THROTTLED`, `RUNNING` (with `progress` 0–1), `SUCCEEDED` (with
///   `output[]`, URLs that "expire within 24-48 hours; fetch the task again to get fresh URLs"), `FAILED`
///   (`failure`, `failureCode`), `CANCELLED`.
/// - Cancel: `DELETE /v1/tasks/{id}` ("Tasks that are running, pending, or throttled can be canceled").
/// - Credential: `Authorization: Bearer <key>` and `X-Runway-Version: 2024-11-06` on every call.
public struct RunwayProvider: VideoProvider {
    /// `runway`: the provider's stable identifier (and `RUNWAY_API_KEY` for `videogen`).
    public static let id: ProviderID = "runway"

    /// The API version every request pins: `X-Runway-Version: 2024-11-06` (sdk-python `_client.py`
    /// `runway_version = "2024-11-06"`; openapi `info.version`; "All requests require these headers").
    public static let apiVersion = "2024-11-06"

    /// A provider with Runway's published capability table.
    public init() {}

    /// Identity, base URL and the capability table of the five models.
    public var descriptor: ProviderDescriptor { Self.descriptorValue }

    /// `Authorization: Bearer <key>` with `X-Runway-Version` beside it on every call.
    public var credentialScheme: CredentialScheme {
        CredentialScheme.bearer.adding(["X-Runway-Version": Self.apiVersion])
    }

    /// "These URLs will expire within 24-48 hours; fetch the task again to get fresh URLs." (sdk-python
    /// `Succeeded.output`): a download refused as forbidden or gone asks for the task again.
    public var resultURLsExpire: Bool { true }

    // MARK: - Ratios

    /// One of Runway's `ratio` values: the pixel size sent, and the aspect ratio and resolution it stands for.
    public struct PixelRatio: Sendable, Hashable {
        /// The wire value, `W:H` in pixels (`1280:720`).
        public let ratio: String
        public let aspectRatio: AspectRatio
        public let resolution: Resolution
    }

    /// Every `ratio` the models take (sdk-python `text_to_video_create_params.py`,
    /// `image_to_video_create_params.py`), with the aspect ratio and resolution class it is read as. The
    /// 16:9 / 9:16 sizes are exact; `1104:832` (1.327), `832:1104`, `960:960` and `1584:672` (2.357) are the
    /// nearest of the usual aspect ratios (4:3, 3:4, 1:1, 21:9) and about 720p's pixel count.
    public static let pixelRatios: [PixelRatio] = [
        PixelRatio(ratio: "1280:720", aspectRatio: "16:9", resolution: .p720),
        PixelRatio(ratio: "720:1280", aspectRatio: "9:16", resolution: .p720),
        PixelRatio(ratio: "1920:1080", aspectRatio: "16:9", resolution: .p1080),
        PixelRatio(ratio: "1080:1920", aspectRatio: "9:16", resolution: .p1080),
        PixelRatio(ratio: "1104:832", aspectRatio: "4:3", resolution: .p720),
        PixelRatio(ratio: "832:1104", aspectRatio: "3:4", resolution: .p720),
        PixelRatio(ratio: "960:960", aspectRatio: "1:1", resolution: .p720),
        PixelRatio(ratio: "1584:672", aspectRatio: "21:9", resolution: .p720),
    ]

    /// The `ratio` sent for an aspect ratio at a resolution (`16:9` at `720p` is `1280:720`), or `nil` when
    /// Runway has no such size.
    public static func pixelRatio(aspectRatio: AspectRatio, resolution: Resolution) -> String? {
        pixelRatios.first { $0.aspectRatio == aspectRatio && $0.resolution == resolution }?.ratio
    }

    /// The aspect ratio and resolution a `ratio` stands for (`1280:720` is `16:9` at `720p`), or `nil`.
    public static func aspectRatioAndResolution(pixelRatio ratio: String) -> (AspectRatio, Resolution)? {
        pixelRatios.first { $0.ratio == ratio }.map { ($0.aspectRatio, $0.resolution) }
    }

    // MARK: - Capability table

    private static let sharedAssumptions = [
        "Aspect ratios are Runway's pixel sizes read as the nearest usual ratio: 1104:832 is 4:3, 832:1104 is 3:4, "
            + "960:960 is 1:1, 1584:672 is 21:9, all 720p-class; 1280:720 / 720:1280 are 720p, 1920:1080 / 1080:1920 1080p.",
        "The prompt limit of 1000 is \"measured in UTF-16 code units\": the table counts characters, and the "
            + "provider refuses a prompt over 1000 UTF-16 units before sending.",
        "Images up to 3,932,142 bytes: the largest whose data URI stays \"under 5MB (1024 × 1024 × 5 bytes)\"; "
            + "public https URLs are fetched by Runway (up to 16MB, no redirects).",
        "Without a role an image is the first frame (the plain `promptImage` string means the first frame); "
            + "it is sent in the array form with `position`.",
    ]

    /// The two 720p-class ratios every model takes, and the four more Gen-4 image-to-video takes.
    private static let wideRatios: [AspectRatio] = ["16:9", "9:16"]
    private static let gen4Ratios: [AspectRatio] = ["16:9", "9:16", "4:3", "3:4", "1:1", "21:9"]

    private static func images(lastFrame: Bool) -> ImageRule {
        ImageRule(
            // "promptImage: … array with a first frame and optionally a last frame" (veo3.1); "position:
            // Literal["first"]" (gen4.5, gen4_turbo, veo3).
            max: lastFrame ? 2 : 1, transports: [.publicURL, .dataURI],
            // "Formats: JPEG, PNG, WebP" (skills rw-api-reference).
            formats: [.jpeg, .png, .webp], layout: .array(field: "promptImage"),
            // Data URIs "must be under 5MB (1024 × 1024 × 5 bytes)" (docs "Inputs"): 23 + 4·⌈n/3⌉ < 5,242,880.
            maximumBytes: 3_932_142,
            roles: lastFrame
                ? [ImageRoleLimit(.firstFrame, max: 1), ImageRoleLimit(.lastFrame, max: 1)]
                : [ImageRoleLimit(.firstFrame, max: 1)],
            unassignedRole: .always(.firstFrame))
    }

    /// gen4.5: text- and image-to-video; "duration: Must be an integer from 2 to 10"; t2v ratios
    /// `"1280:720", "720:1280"`, i2v adds `1104:832, 960:960, 832:1104, 1584:672`; `seed` 0–4294967295.
    static let gen45: ModelCapabilities = {
        var model = ModelCapabilities(
            model: "gen4.5", duration: .range(min: 2, max: 10, default: 5),
            aspectRatios: AspectRatioRule(values: gen4Ratios, default: "16:9"),
            resolutions: ResolutionRule(values: [.p720], default: .p720), images: images(lastFrame: false),
            // "A non-empty string up to 1000 characters (measured in UTF-16 code units)."
            promptMaxLength: 1000, billing: .perSecond,
            assumptions: sharedAssumptions + [
                "The default length is 5 s (Runway's own examples send \"duration\":5; the field is required)."
            ])
        // "seed: integer 0–4294967295" (openapi).
        model.seed = SeedRule()
        model.rules = [
            CapabilityRule(
                when: .init(modes: [.textToVideo]), then: .init(aspectRatios: wideRatios),
                note: "Runway: gen4.5 text_to_video takes ratio \"1280:720\" or \"720:1280\" only")
        ]
        return model
    }()

    /// gen4_turbo: image-to-video only (absent from `TextToVideoCreateParams`); duration 2–10 (openapi); the
    /// six Gen-4 ratios; `seed`.
    static let gen4Turbo: ModelCapabilities = {
        var model = ModelCapabilities(
            model: "gen4_turbo", duration: .range(min: 2, max: 10, default: 5),
            aspectRatios: AspectRatioRule(values: gen4Ratios, default: "16:9"),
            resolutions: ResolutionRule(values: [.p720], default: .p720), images: images(lastFrame: false),
            promptMaxLength: 1000, billing: .perSecond,
            assumptions: sharedAssumptions + [
                "Durations 2–10 s as the current openapi states (older schemas: 5 or 10); default 5 s."
            ])
        model.seed = SeedRule()
        model.rules = [
            CapabilityRule(
                when: .init(modes: [.textToVideo]), then: .init(requiredImageRoles: [.firstFrame]),
                note: "Runway: gen4_turbo is image_to_video only; promptImage is required")
        ]
        return model
    }()

    /// veo3.1 and veo3.1_fast: text- and image-to-video; "duration: Literal[4, 6, 8]"; ratios `1280:720`,
    /// `720:1280`, `1080:1920`, `1920:1080`; "audio: Whether to generate audio for the video. Audio inclusion
    /// affects pricing." (default `true`, openapi); `negativePrompt` on both endpoints (sdk-python 5.13.0
    /// `Veo3_1.negative_prompt` in text_to_video and image_to_video); first and last frame.
    static func veo31(_ name: String) -> ModelCapabilities {
        var model = ModelCapabilities(
            model: name, duration: .set(values: [4, 6, 8], default: 8),
            aspectRatios: AspectRatioRule(values: wideRatios, default: "16:9"),
            resolutions: ResolutionRule(values: [.p720, .p1080], default: .p720), images: images(lastFrame: true),
            promptMaxLength: 1000, billing: .perSecond,
            assumptions: sharedAssumptions + [
                "The default length is 8 s (duration is optional and Runway states no default).",
                "No seed: the SDK's \(name) parameters have none (one openapi copy lists it for image_to_video).",
                "1080p at 4 and 6 s is allowed: Runway states no rule (Google's own API takes 1080p at 8 s only).",
            ])
        model.audio = AudioRule(default: true)
        model.negativePrompt = NegativePromptRule(maxLength: 1000)
        model.rules = [
            CapabilityRule(
                when: .init(imageRoles: [.lastFrame]), then: .init(requiredImageRoles: [.firstFrame]),
                note: "Runway: \"This model does not support generating with only a last frame.\"")
        ]
        return model
    }

    /// veo3: text- and image-to-video; "duration: Required[Literal[8]]"; the four Veo ratios; first frame only;
    /// `negativePrompt` on both endpoints (sdk-python 5.13.0 `Veo3.negative_prompt`).
    static let veo3: ModelCapabilities = {
        var model = ModelCapabilities(
            model: "veo3", duration: .fixed(value: 8, omitted: false),
            aspectRatios: AspectRatioRule(values: wideRatios, default: "16:9"),
            resolutions: ResolutionRule(values: [.p720, .p1080], default: .p720), images: images(lastFrame: false),
            promptMaxLength: 1000, billing: .perSecond,
            assumptions: sharedAssumptions + [
                "No audio switch or seed is offered (the SDK's Veo3 parameters have none).",
                "The negative prompt's limit of 1000 characters is assumed from veo3.1's (Runway states none for veo3).",
            ])
        model.negativePrompt = NegativePromptRule(maxLength: 1000)
        return model
    }()

    static let descriptorValue: ProviderDescriptor = {
        var descriptor = ProviderDescriptor(
            id: id,
            name: "Runway",
            defaultBaseURL: URL(string: "https://api.dev.runwayml.com"),
            baseURLSource:
                "Runway's API reference (skills rw-api-reference: \"Base URL: https://api.dev.runwayml.com\"); "
                + "sdk-python `_client.py` (`base_url = f\"https://api.dev.runwayml.com\"`); docs "
                + "\"Troubleshooting\" (\"You should be using api.dev.runwayml.com\").",
            documentationURL: URL(string: "https://docs.dev.runwayml.com/api/"),
            models: [gen45, gen4Turbo, veo31("veo3.1"), veo31("veo3.1_fast"), veo3],
            // "Consumers of this API should not expect updates more frequent than once every five seconds"; the
            // Node SDK waits 6 s ± 1.5 s.
            polling: PollingRecommendation(minimumInterval: .seconds(5), maximumInterval: .seconds(10)),
            // "expire within 24-48 hours": the shorter bound.
            resultRetention: .seconds(24 * 3600))
        // The fields the body sets from typed values: an option of the same name is refused, not dropped.
        descriptor.reservedOptionNames = [
            "model", "promptText", "promptImage", "ratio", "duration", "seed", "audio", "negativePrompt",
        ]
        return descriptor
    }()

    // MARK: - Requests

    /// The path a request goes to: `/v1/image_to_video` when it has an image, `/v1/text_to_video` otherwise.
    public static func submitPath(for request: ResolvedVideoRequest) -> String {
        request.images.isEmpty ? "/v1/text_to_video" : "/v1/image_to_video"
    }

    /// The submit body: `model`, `promptText`, `promptImage` (an array of `{uri, position}`), `ratio`,
    /// `duration`, then `seed`, `audio`, `negativePrompt` where the model takes them, then vendor options.
    public static func submitBody(for request: ResolvedVideoRequest) throws(VideoProviderError) -> JSONBody {
        let units = request.prompt.utf16.count
        guard units <= 1000 else {
            throw VideoProviderError(
                .invalidRequest, "\(id) takes a promptText of at most 1000 UTF-16 code units; this one has \(units).",
                providerID: id, model: request.model,
                violations: [
                    Violation(
                        parameter: "prompt", value: "\(units) UTF-16 code units", allowed: "at most 1000",
                        reason: "Runway measures promptText in UTF-16 code units")
                ])
        }
        guard let ratio = request.resolution.flatMap({ pixelRatio(aspectRatio: request.aspectRatio, resolution: $0) })
        else {
            let resolution = request.resolution?.rawValue ?? "none"
            throw VideoProviderError(
                .invalidRequest, "\(id) has no ratio for \(request.aspectRatio) at \(resolution).",
                providerID: id, model: request.model,
                violations: [
                    Violation(
                        parameter: "aspect-ratio", value: "\(request.aspectRatio) at \(resolution)",
                        allowed: pixelRatios.map { "\($0.aspectRatio) at \($0.resolution)" }.joined(separator: ", "))
                ])
        }
        var body = JSONBody()
        body["model"] = .string(request.model)
        body["promptText"] = .string(request.prompt)
        if !request.images.isEmpty {
            var frames: [JSONBody.Value] = []
            for (index, image) in request.images.enumerated() {
                let role = index < request.imageRoles.count ? request.imageRoles[index] : .firstFrame
                if case .publicURL(let url) = image, url.scheme?.lowercased() != "https" {
                    // "HTTPS only" ("Only HTTPS URLs are allowed.", docs "Inputs").
                    throw VideoProviderError(
                        .invalidRequest, "\(id) fetches image URLs over HTTPS only.", providerID: id,
                        model: request.model,
                        violations: [
                            Violation(
                                parameter: "images[\(index)]", value: url.absoluteString,
                                allowed: "an https URL or a data URI", reason: "Runway fetches HTTPS URLs only")
                        ])
                }
                var frame = JSONBody()
                frame["uri"] = try image.jsonURL(index: index, model: request.model, provider: id)
                switch role {
                case .firstFrame: frame["position"] = .string("first")
                case .lastFrame: frame["position"] = .string("last")
                case .reference:
                    throw VideoProviderError(
                        .invalidRequest, "\(id) takes first and last frames, not reference images.",
                        providerID: id, model: request.model,
                        violations: [
                            Violation(
                                parameter: "images[\(index)]", value: "role reference",
                                allowed: "first-frame, last-frame")
                        ])
                }
                frames.append(.object(frame))
            }
            body["promptImage"] = .array(frames)
        }
        body["ratio"] = .string(ratio)
        body["duration"] = .int(request.seconds)
        if let seed = request.seed { body["seed"] = .int(seed) }
        if let audio = request.audio { body["audio"] = .bool(audio) }
        if let negativePrompt = request.negativePrompt { body["negativePrompt"] = .string(negativePrompt) }
        body.appendVendorOptions(request.vendorOptions)
        return body
    }

    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        let body = try Self.submitBody(for: request)
        return context.submission(
            to: Self.submitPath(for: request), body: body.httpBody, contentType: "application/json")
    }

    /// `{"id": "<uuid>", "estimatedCost": {"credits": n}}`: the task, queued.
    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "video submission"
        guard response.isSuccess else {
            throw Self.error(for: response, model: request.model, operation: operation)
        }
        let json = try VendorResponse.jsonObject(response, provider: id, model: request.model, operation: operation)
        guard let taskID = json["id"]?.stringValue, !taskID.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            if json["error"] != nil { throw Self.error(for: response, model: request.model, operation: operation) }
            throw VideoProviderError(
                .invalidResponse, "\(id) answered the \(operation) without a task 'id'.",
                providerID: id, model: request.model, httpStatus: response.status)
        }
        return TaskSnapshot(taskID: taskID, status: .queued, model: request.model)
    }

    public func statusRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        try context.get("/v1/tasks/", task: taskID, provider: id)
    }

    /// Reads a task: `PENDING` and `THROTTLED` ("Concurrency limit hit — auto-queued") are queued, `RUNNING`
    /// is processing with `progress` (0–1) as a percentage, `SUCCEEDED` is completed with `output[0]`,
    /// `FAILED` is failed with `failure` and `failureCode`, `CANCELLED` ("A cancelled or deleted task") is
    /// cancelled. A completed task's URL counts as expiring 24 h after `createdAt`: a URL is minted when the
    /// task is read, never before it was created, and lasts "24-48 hours".
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "status request"
        guard response.isSuccess else {
            throw Self.error(for: response, taskID: taskID, operation: operation)
        }
        let json = try VendorResponse.jsonObject(response, provider: id, taskID: taskID, operation: operation)
        guard let status = json["status"]?.stringValue else {
            if json["error"] != nil { throw Self.error(for: response, taskID: taskID, operation: operation) }
            throw VideoProviderError(
                .invalidResponse, "\(id) answered the \(operation) without a 'status'.",
                providerID: id, taskID: taskID, httpStatus: response.status)
        }
        switch status {
        case "PENDING", "THROTTLED":
            return TaskSnapshot(taskID: taskID, status: .queued, rawStatus: status)
        case "RUNNING":
            let progress = json["progress"]?.doubleValue.flatMap { $0.isFinite ? Int(($0 * 100).rounded()) : nil }
            return TaskSnapshot(taskID: taskID, status: .processing, rawStatus: status, progress: progress)
        case "SUCCEEDED":
            guard case .array(let output)? = json["output"], let url = VendorResponse.url(output.first),
                url.scheme?.lowercased() == "https"
            else {
                throw VideoProviderError(
                    .invalidResponse, "\(id) answered the \(operation) with SUCCEEDED but no https URL in 'output'.",
                    providerID: id, taskID: taskID, httpStatus: response.status)
            }
            let expiry = json["createdAt"]?.stringValue.flatMap(Self.date).map { $0.addingTimeInterval(24 * 3600) }
            return TaskSnapshot(
                taskID: taskID, status: .completed, rawStatus: status, progress: 100, videoURL: url,
                videoURLExpiresAt: expiry)
        case "FAILED":
            return TaskSnapshot(
                taskID: taskID, status: .failed, rawStatus: status,
                errorMessage: json["failure"]?.stringValue ?? "The task failed without a reason.",
                errorCode: json["failureCode"]?.stringValue)
        case "CANCELLED":
            return TaskSnapshot(taskID: taskID, status: .cancelled, rawStatus: status)
        default:
            return TaskSnapshot(taskID: taskID, status: .unknown, rawStatus: status)
        }
    }

    /// `2026-08-11T06:12:01.171Z`, with or without the milliseconds.
    static func date(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// `DELETE /v1/tasks/{id}`: cancels a pending, throttled or running task (and deletes an ended one).
    public func cancelRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest? {
        let segment = try ProviderContext.taskSegment(taskID, provider: id)
        // The SDK sends `Accept: */*`: the answer has no body.
        return HTTPRequest(
            method: .delete, url: context.url("/v1/tasks/" + segment), headers: context.standardHeaders(accept: "*/*"))
    }

    /// Any 2xx (Runway answers `204 No Content`) is cancelled; an error is read as Runway's.
    public func parseCancelResponse(_ response: HTTPResponse, taskID: String) throws(VideoProviderError)
        -> TaskSnapshot
    {
        guard response.isSuccess else { throw Self.error(for: response, taskID: taskID, operation: "cancel") }
        return TaskSnapshot(taskID: taskID, status: .cancelled)
    }

    // MARK: - Errors

    /// Runway's error body `{"error": "<text>", "issues"?: [{code, path, message}], "docUrl"?}`.
    ///
    /// - 400 "You do not have enough credits to run this task." is ``VideoProviderError/Kind/quotaExceeded``;
    ///   other 400s (validation `issues`, asset problems) are ``VideoProviderError/Kind/vendorRejected``, the
    ///   issues' paths and messages in the vendor message.
    /// - 401 is authentication; 404 not found; 5xx server errors.
    /// - 429 is the daily generation limit when it says so ("Exceeding daily limit → 429"): quota, which
    ///   falls back rather than retrying soon; any other 429 ("You have exceeded the rate limit for this
    ///   endpoint.") is rate limiting.
    static func error(
        for response: HTTPResponse, model: String? = nil, taskID: String? = nil, operation: String
    ) -> VideoProviderError {
        let base = VendorResponse.error(for: response, provider: id, model: model, taskID: taskID, operation: operation)
        guard let json = try? JSONValue.parse(response.body), case .object = json,
            let text = json["error"]?.stringValue
        else { return base }
        var message = text
        var code: String?
        if case .array(let issues)? = json["issues"], !issues.isEmpty {
            code = issues.first?["code"]?.stringValue
            let details = issues.compactMap { issue -> String? in
                guard let issueMessage = issue["message"]?.stringValue else { return nil }
                var path: [String] = []
                if case .array(let parts)? = issue["path"] {
                    path = parts.compactMap { $0.stringValue ?? $0.intValue.map(String.init) }
                }
                return path.isEmpty ? issueMessage : path.joined(separator: ".") + ": " + issueMessage
            }
            if !details.isEmpty { message += " (" + details.joined(separator: "; ") + ")" }
        }
        let lowered = text.lowercased()
        let kind: VideoProviderError.Kind
        if response.status < 500, lowered.contains("enough credits") || lowered.contains("insufficient credits") {
            kind = .quotaExceeded
        } else if response.status == 429, lowered.contains("daily") {
            kind = .quotaExceeded
        } else {
            kind = VendorResponse.classify(status: response.status, code: code, message: text)
        }
        return VideoProviderError(
            kind, "\(id) refused the \(operation) (HTTP \(response.status)): \(message)",
            providerID: id, model: model, taskID: taskID, httpStatus: response.status, vendorCode: code,
            vendorMessage: message, retryAfter: base.retryAfter)
    }
}
