import Foundation
public import VideoProviderKit

/// Google Veo through the Gemini API (`veo-3.1-generate-preview`, `veo-3.1-fast-generate-preview`,
/// `veo-3.0-generate-001`, `veo-3.0-fast-generate-001`).
///
/// Wire format (sources in `/work/research/17/gemini.md`, quoted beside the table):
/// - Submit: `POST {base}/v1beta/models/{model}:predictLongRunning` with
///   `{"instances":[{prompt, image, lastFrame, referenceImages}], "parameters":{…}}`; images travel inline as
///   `{"bytesBase64Encoded", "mimeType"}`. The answer is a long-running operation `{"name": "models/…/operations/…"}`.
/// - Status: `GET {base}/v1beta/{name}`; `done` is omitted while the operation runs, then `error` or
///   `response.generateVideoResponse.generatedSamples[].video.uri`.
/// - Credential: `x-goog-api-key` on every call, including the download of the video URI (Google's host only).
public struct GeminiProvider: VideoProvider {
    /// `gemini`: the provider's stable identifier (and `GEMINI_API_KEY` for `videogen`).
    public static let id: ProviderID = "gemini"

    /// A provider with the Gemini API's published Veo capability table.
    public init() {}

    /// Identity, base URL and the capability table of the three models.
    public var descriptor: ProviderDescriptor { Self.descriptorValue }

    /// "-H "x-goog-api-key: $GEMINI_API_KEY"" on every call of the REST samples.
    public var credentialScheme: CredentialScheme { .header("x-goog-api-key") }

    // MARK: - Capability table

    private static let sharedAssumptions = [
        "Prompt limit of 1024 characters assumed: Google states \"Text input 1,024 tokens\" and no character limit.",
        "Images png/jpeg/webp up to 20 MB assumed: Google states no limit for Veo 3.x (Veo 2: \"up to 20MB\").",
        "Audio is always on and cannot be switched off: Google's SDK refuses generate_audio in Gemini API mode.",
        "Seed is sent as `parameters.seed`: documented (\"also available for Veo 3 models\") though Google's "
            + "Python SDK refuses it in Gemini API mode.",
        "durationSeconds is sent as a JSON number (the SDKs send an integer; a live probe says it \"needs to be a number\").",
    ]

    private static func model(_ name: String, veo31: Bool) -> ModelCapabilities {
        var capabilities = ModelCapabilities(
            model: name,
            // "durationSeconds: "4", "6", "8""
            duration: .set(values: [4, 6, 8], default: 8),
            // "aspectRatio: "16:9" (default), "9:16""
            aspectRatios: AspectRatioRule(values: ["16:9", "9:16"], default: "16:9", custom: false),
            // "resolution: "720p" (default), "1080p" (only supports 8s duration)"
            resolutions: ResolutionRule(values: [.p720, .p1080], default: .p720),
            // Images "bytesBase64Encoded" + "mimeType" (google-genai `_Image_to_mldev`); "lastFrame … Veo 3.1
            // models only"; "referenceImages … Up to three images" (Veo 3.1 only).
            images: ImageRule(
                max: veo31 ? 3 : 1, transports: [.dataURI], formats: [.jpeg, .png, .webp],
                layout: .singleOrArray(single: "image", multiple: "referenceImages"),
                roles: veo31
                    ? [
                        ImageRoleLimit(.firstFrame, max: 1), ImageRoleLimit(.lastFrame, max: 1),
                        ImageRoleLimit(.reference, max: 3),
                    ]
                    : [ImageRoleLimit(.firstFrame, max: 1)],
                unassignedRole: veo31 ? .byCount(single: .firstFrame, multiple: .reference) : .always(.firstFrame)),
            promptMaxLength: 1024,
            billing: .perSecond,
            assumptions: sharedAssumptions)
        capabilities.seed = SeedRule()
        capabilities.negativePrompt = NegativePromptRule(maxLength: 1024)
        capabilities.audio = AudioRule(default: true, switchable: false)
        var rules = [
            CapabilityRule(
                when: .init(resolutions: [.p1080]), then: .init(seconds: [8]),
                note: "Gemini API: 1080p only supports 8s duration")
        ]
        if veo31 {
            rules += [
                CapabilityRule(
                    when: .init(imageRoles: [.lastFrame]), then: .init(seconds: [8], requiredImageRoles: [.firstFrame]),
                    note:
                        "Gemini API: lastFrame must be used in combination with the image parameter; 8 s for interpolation"
                ),
                CapabilityRule(
                    when: .init(imageRoles: [.reference]),
                    then: .init(
                        seconds: [8], aspectRatios: ["16:9"], excludedImageRoles: [.firstFrame, .lastFrame]),
                    note:
                        "Gemini API: referenceImages need 8 s and 16:9; image and lastFrame are not supported with them"
                ),
            ]
        } else {
            rules.append(
                CapabilityRule(
                    when: .init(resolutions: [.p1080]), then: .init(aspectRatios: ["16:9"]),
                    note: "Gemini API: Veo 3 1080p is 16:9 only"))
        }
        capabilities.rules = rules
        return capabilities
    }

    static let descriptorValue: ProviderDescriptor = {
        var descriptor = ProviderDescriptor(
            id: id,
            name: "Google Gemini API (Veo)",
            defaultBaseURL: URL(string: "https://generativelanguage.googleapis.com"),
            baseURLSource:
                "Google's Veo guide, https://ai.google.dev/gemini-api/docs/video (REST sample "
                + "\"BASE_URL=https://generativelanguage.googleapis.com/v1beta\"); google-genai `_api_client.py`.",
            documentationURL: URL(string: "https://ai.google.dev/gemini-api/docs/video"),
            models: [
                model("veo-3.1-generate-preview", veo31: true),
                model("veo-3.1-fast-generate-preview", veo31: true),
                model("veo-3.0-generate-001", veo31: false),
                // "Veo 3 & Veo 3 Fast" share one column in every parameter table of the guide.
                model("veo-3.0-fast-generate-001", veo31: false),
            ],
            // "all samples poll every 10 s"
            polling: nil,
            // "Generated videos are stored on the server for 2 days, after which they are removed"
            resultRetention: .seconds(2 * 24 * 3600))
        // Options go into `parameters`, where these are written from typed values: one of the same name
        // would be dropped behind them, so it is refused instead.
        descriptor.reservedOptionNames = ["aspectRatio", "durationSeconds", "resolution", "negativePrompt", "seed"]
        return descriptor
    }()

    // MARK: - Requests

    /// The submit body: `instances[0]` carries `prompt`, `image`, `lastFrame`, `referenceImages` in that order;
    /// `parameters` carries `aspectRatio`, `durationSeconds`, `resolution`, then `negativePrompt` and `seed`.
    public static func submitBody(for request: ResolvedVideoRequest) throws(VideoProviderError) -> JSONBody {
        var instance = JSONBody()
        instance["prompt"] = .string(request.prompt)
        var references: [JSONBody.Value] = []
        for (index, image) in request.images.enumerated() {
            let role = index < request.imageRoles.count ? request.imageRoles[index] : .firstFrame
            let object = try imageObject(image, index: index, model: request.model)
            switch role {
            case .firstFrame: instance["image"] = object
            case .lastFrame: instance["lastFrame"] = object
            case .reference:
                var reference = JSONBody()
                reference["image"] = object
                reference["referenceType"] = .string("asset")
                references.append(.object(reference))
            }
        }
        if !references.isEmpty { instance["referenceImages"] = .array(references) }
        var parameters = JSONBody()
        parameters["aspectRatio"] = .string(request.aspectRatio.rawValue)
        parameters["durationSeconds"] = .int(request.seconds)
        if let resolution = request.resolution { parameters["resolution"] = .string(resolution.rawValue) }
        if let negativePrompt = request.negativePrompt { parameters["negativePrompt"] = .string(negativePrompt) }
        if let seed = request.seed { parameters["seed"] = .int(seed) }
        parameters.appendVendorOptions(request.vendorOptions)
        var body = JSONBody()
        body["instances"] = .array([.object(instance)])
        body["parameters"] = .object(parameters)
        return body
    }

    /// `{"bytesBase64Encoded": "<plain base64>", "mimeType": "image/png"}`; the Gemini API takes no image URL.
    static func imageObject(_ image: ResolvedImage, index: Int, model: String) throws(VideoProviderError)
        -> JSONBody.Value
    {
        guard case .dataURI(let payload, let format) = image else {
            throw VideoProviderError(
                .invalidRequest, "\(id) takes images inline as base64 only, not as URLs or uploads.",
                providerID: id, model: model,
                violations: [
                    Violation(
                        parameter: "images[\(index)]", value: image.transport.rawValue, allowed: "data-uri",
                        reason: "the Gemini API takes images inline as base64 only")
                ])
        }
        var object = JSONBody()
        object["bytesBase64Encoded"] = .base64(payload)
        object["mimeType"] = .string(format.mimeType)
        return .object(object)
    }

    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        let body = try Self.submitBody(for: request)
        let model = ProviderContext.pathSegment(request.model)
        return context.submission(
            to: "/v1beta/models/\(model):predictLongRunning", body: body.httpBody, contentType: "application/json")
    }

    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "video submission"
        guard (200..<300).contains(response.status) else {
            throw Self.error(for: response, model: request.model, operation: operation)
        }
        let json = try VendorResponse.jsonObject(response, provider: id, model: request.model, operation: operation)
        guard let name = json["name"]?.stringValue, Self.isOperationName(name) else {
            if json["error"] != nil {
                throw Self.error(for: response, model: request.model, operation: operation)
            }
            throw VideoProviderError(
                .invalidResponse, "\(id) answered the \(operation) without an operation 'name'.",
                providerID: id, model: request.model, httpStatus: response.status)
        }
        return TaskSnapshot(taskID: name, status: .queued, model: request.model)
    }

    /// `models/{model}/operations/{id}`: each part one plain path segment, so the name is safe as a path.
    static func isOperationName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "models", parts[2] == "operations" else { return false }
        return [parts[1], parts[3]].allSatisfy { part in
            !part.isEmpty
                && part.utf8.allSatisfy { byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                        || byte == 0x2D || byte == 0x2E || byte == 0x5F
                } && part != "." && part != ".."
        }
    }

    public func statusRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        guard Self.isOperationName(taskID) else {
            throw VideoProviderError(
                .invalidRequest, "\(id): '\(taskID)' is not a Gemini operation name (models/{model}/operations/{id}).",
                providerID: id, model: model, taskID: taskID,
                violations: [
                    Violation(
                        parameter: "task-id", value: "\"\(taskID)\"", allowed: "models/{model}/operations/{id}",
                        reason: "the Gemini API names operations so, each part one plain path segment")
                ])
        }
        return context.get("/v1beta/" + taskID)
    }

    /// Reads an operation: no `done` is running (Google drops `false`), `error` is failed, the first sample's
    /// `video.uri` is completed, no sample with `raiMediaFilteredCount`/`raiMediaFilteredReasons` is a
    /// content-policy failure, and no sample at all is a failure without output.
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "status request"
        guard (200..<300).contains(response.status) else {
            throw Self.error(for: response, taskID: taskID, operation: operation)
        }
        let json = try VendorResponse.jsonObject(response, provider: id, taskID: taskID, operation: operation)
        let done: Bool
        switch json["done"] {
        case nil, .null?: done = false
        case .bool(let value)?: done = value
        default:
            throw VideoProviderError(
                .invalidResponse, "\(id) answered the \(operation) with a 'done' that is not a boolean.",
                providerID: id, taskID: taskID, httpStatus: response.status)
        }
        guard done else {
            if let error = json["error"], error != .null {
                let (code, message) = VendorResponse.extractError(from: .object(["error": error]))
                return TaskSnapshot(taskID: taskID, status: .failed, errorMessage: message, errorCode: code)
            }
            return TaskSnapshot(taskID: taskID, status: .processing)
        }
        if let error = json["error"], error != .null {
            let code = error["code"]?.intValue.map(String.init) ?? error["status"]?.stringValue
            let message = error["message"]?.stringValue ?? "The operation failed without a message."
            return TaskSnapshot(
                taskID: taskID, status: .failed, rawStatus: "done", errorMessage: message, errorCode: code)
        }
        let answer = json["response"]?["generateVideoResponse"]
        if case .array(let samples)? = answer?["generatedSamples"],
            let uri = samples.lazy.compactMap({ $0["video"]?["uri"]?.stringValue }).first,
            let url = URL(string: uri), url.scheme == "https"
        {
            // Google reports no progress, and keeps the video "for 2 days": no expiry is set, because the
            // operation says when it was polled, not when the video was made, and polling again gives the same
            // URI (nothing to refresh).
            return TaskSnapshot(taskID: taskID, status: .completed, rawStatus: "done", videoURL: url)
        }
        var reasons: [String] = []
        if case .array(let values)? = answer?["raiMediaFilteredReasons"] {
            reasons = values.compactMap(\.stringValue)
        }
        if (answer?["raiMediaFilteredCount"]?.intValue ?? 0) > 0 || !reasons.isEmpty {
            // Google names no code: `content_policy` makes the client report a content-policy refusal.
            return TaskSnapshot(
                taskID: taskID, status: .failed, rawStatus: "done",
                errorMessage: reasons.isEmpty
                    ? "Google filtered the video (Responsible AI)." : reasons.joined(separator: " "),
                errorCode: "content_policy")
        }
        return TaskSnapshot(
            taskID: taskID, status: .failed, rawStatus: "done",
            errorMessage: "The operation finished without a video.", errorCode: "noVideo")
    }

    /// Google's error envelope `{"error": {"code", "message", "status", "details"}}`: the vendor code is the
    /// `status` word (`INVALID_ARGUMENT`). By `details`: a wrong key, which Google answers with HTTP 400 and
    /// `ErrorInfo.reason: "API_KEY_INVALID"`, is an authentication failure so the client falls back; a 429 whose
    /// `QuotaFailure` names a per-day quota is an exhausted quota (waiting minutes does not help), and
    /// `RetryInfo.retryDelay` (`"41s"`, `"0.5s"`) is the wait before a retry. `FAILED_PRECONDITION` is billing
    /// ("Gemini API free tier is not available in your country. Please enable billing"): an exhausted quota.
    static func error(
        for response: HTTPResponse, model: String? = nil, taskID: String? = nil, operation: String
    ) -> VideoProviderError {
        var error = VendorResponse.error(
            for: response, provider: id, model: model, taskID: taskID, operation: operation)
        guard let envelope = (try? JSONValue.parse(response.body))?["error"] else { return error }
        var reasons: [String] = []
        var quotaIDs: [String] = []
        var retryDelay: Duration?
        if case .array(let details)? = envelope["details"] {
            reasons = details.compactMap { $0["reason"]?.stringValue }
            for detail in details {
                if case .array(let violations)? = detail["violations"] {
                    quotaIDs += violations.compactMap { $0["quotaId"]?.stringValue }
                }
                if let delay = detail["retryDelay"]?.stringValue { retryDelay = retryDelay ?? Self.duration(delay) }
            }
        }
        let code = envelope["status"]?.stringValue ?? error.vendorCode
        let kind: VideoProviderError.Kind
        if reasons.contains("API_KEY_INVALID") {
            kind = .authentication
        } else if code == "FAILED_PRECONDITION"
            || (response.status == 429 && quotaIDs.contains { $0.contains("PerDay") })
        {
            kind = .quotaExceeded
        } else if response.status == 429, !quotaIDs.isEmpty || retryDelay != nil {
            // A per-minute quota, or Google saying when to come back: waiting helps.
            kind = .rateLimited
        } else {
            kind = VendorResponse.classify(status: response.status, code: code, message: error.vendorMessage)
        }
        error = VideoProviderError(
            kind, error.message, providerID: id, model: model, taskID: taskID, httpStatus: response.status,
            vendorCode: code, vendorMessage: error.vendorMessage, retryAfter: error.retryAfter ?? retryDelay)
        return error
    }

    /// A google.protobuf.Duration in JSON: decimal seconds with an `s` (`"41s"`, `"0.5s"`), or `nil`.
    static func duration(_ text: String) -> Duration? {
        guard text.hasSuffix("s"), let seconds = Double(text.dropLast()), seconds >= 0, seconds <= 86_400 else {
            return nil
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
