import Foundation
public import VideoProviderKit

/// Kling AI's own API (Kuaishou): `kling-v2-6` and the other current video models.
///
/// Wire format (sources in `/work/research/17/kling.md`, quoted beside the table; the API reference is
/// https://app.klingai.com/global/dev/document-api/apiReference/commonInfo):
/// - Submit: `POST {base}/v1/videos/text2video` without images, `POST {base}/v1/videos/image2video` with a
///   first frame (`image`) and/or a last frame (`image_tail`), each a URL or raw base64 without a `data:`
///   prefix. The duration is a string (`"5"`), `mode` is `std` or `pro`, `sound` is `on`/`off`.
/// - Reference images (kling-v1-6 only): `POST {base}/v1/videos/multi-image2video` with
///   `image_list: [{"image": …}]` (up to 4, URL or raw base64) and `aspect_ratio`.
/// - Status: `GET {base}/v1/videos/{text2video|image2video|multi-image2video}/{task_id}`: the path follows
///   the submit endpoint, so the task handle this provider returns is `<endpoint>/<task_id>`, the path below
///   `/v1/videos/`.
/// - Every answer is `{"code", "message", "request_id", "data"}`; a non-zero `code` is an error at any HTTP
///   status, classified by Kling's error-code table (1102 "Resource pack depleted" is HTTP 429 but a quota).
/// - Credential: `Authorization: Bearer <API key>`, or a JWT signed HS256 from an access key and secret key
///   (``accessKeyCredentials(accessKey:)``).
public struct KlingProvider: VideoProvider {
    /// `kling`: the provider's stable identifier (and `KLING_API_KEY` for `videogen`).
    public static let id: ProviderID = "kling"

    /// A provider with Kling's published capability table.
    public init() {}

    /// Identity, base URL and the capability table of the nine models.
    public var descriptor: ProviderDescriptor { Self.descriptorValue }

    /// The credential for an access key / secret key pair: "Authorization = Bearer <API Token>", the token
    /// a JWT (`{"alg":"HS256","typ":"JWT"}`; `iss` the access key, `exp` now + 1800, `nbf` now − 5) signed
    /// with the secret key, which is then the registration's key.
    public static func accessKeyCredentials(accessKey: String) -> CredentialScheme {
        .signedBearer(JSONWebTokenSigner(accessKey: accessKey))
    }

    // MARK: - Capability table

    /// The endpoint a request goes to, and the first segment of the task handle.
    public enum Endpoint: String, Sendable, Hashable, CaseIterable {
        case textToVideo = "text2video"
        case imageToVideo = "image2video"
        /// `POST /v1/videos/multi-image2video`: "Generate video from multiple reference images" (kling-v1-6).
        case multiImageToVideo = "multi-image2video"

        /// text2video without images, multi-image2video with reference images, image2video with a first or
        /// last frame.
        public init(for request: ResolvedVideoRequest) {
            if request.images.isEmpty {
                self = .textToVideo
            } else if request.imageRoles.contains(.reference) {
                self = .multiImageToVideo
            } else {
                self = .imageToVideo
            }
        }
    }

    /// How a model's `mode` is chosen.
    enum Modes: Hashable {
        /// `std` at 720p, `pro` at 1080p: the resolution picks the mode (Kling has no resolution field).
        case byResolution
        /// `std` and `pro` at the same 720p (`kling-v1`): `std` unless the provider option `mode` says `pro`.
        case byOption
        /// No std/pro split (the master models): `mode` is not sent.
        case none
    }

    /// What the table needs beyond the shared values, per model.
    struct ModelFacts {
        var name: String
        var textToVideo = true
        var duration: DurationRule = .set(values: [5, 10], default: 5)
        var resolutions: [Resolution] = [.p720, .p1080]
        var modes: Modes = .byResolution
        /// Whether `image_tail` is taken, and whether only in `pro`.
        var lastFrame: LastFrame = .proOnly
        var lastFrameAlone = false
        var sound = false
        /// Whether sound is pro only (the capability map's "only no audio" on std): kling-v2-6.
        var soundNeedsPro = false
        var cfgScale = false
        /// How many reference images `multi-image2video` takes (0: the model is not on that endpoint).
        var referenceImages = 0
        var notes: [String] = []
    }

    enum LastFrame: Hashable { case none, proOnly, any, fiveSeconds }

    static let models: [ModelFacts] = [
        // skillsMap: v2.6 std 5/10 s "only no audio"; pro 5/10 s; first+last frame pro "only no audio".
        ModelFacts(name: "kling-v2-6", sound: true, soundNeedsPro: true),
        // text2video enum adds "kling-v3"; duration enum "3"…"15"; first+last frame supported; the capability
        // map lists std and pro without v2.6's "only no audio"; `cfg_scale` is refused for "kling-v2.x" only.
        ModelFacts(
            name: "kling-v3", duration: .range(min: 3, max: 15, default: 5), lastFrame: .any, sound: true,
            cfgScale: true,
            notes: [
                "kling-v3: 720p (std) / 1080p (pro) assumed: the resolution table does not list it.",
                "kling-v3: sound in std and pro (the capability map has no \"only no audio\" for it); cfg_scale "
                    + "taken (\"kling-v2.x models do not support this parameter\" does not name v3).",
            ]),
        // skillsMap: v2.5-turbo std/pro 5/10 s; first+last frame pro only; resolution table "PRO 1080p".
        ModelFacts(name: "kling-v2-5-turbo"),
        // skillsMap: v2.1 image-to-video only, std/pro 5/10 s; first+last frame pro only.
        ModelFacts(name: "kling-v2-1", textToVideo: false),
        // skillsMap: v2.1-master 5/10 s, no std/pro split; resolution table "1080p".
        ModelFacts(name: "kling-v2-1-master", resolutions: [.p1080], modes: .none, lastFrame: .none),
        // skillsMap: v2-master 5/10 s, no std/pro split; resolution table "720p 24fps".
        ModelFacts(name: "kling-v2-master", resolutions: [.p720], modes: .none, lastFrame: .none),
        // skillsMap: v1.6 std/pro 5/10 s; end frame pro 5/10 (also end frame alone); STD 720p, PRO 1080p.
        // multi-image2video: "model_name … Enum values: kling-v1-6"; "image_list … Support up to 4 images".
        ModelFacts(
            name: "kling-v1-6", lastFrameAlone: true, cfgScale: true, referenceImages: 4,
            notes: [
                "kling-v1-6: reference images go to multi-image2video (image_list, up to 4), which takes "
                    + "aspect_ratio and no first or last frame; the mode follows the resolution there too."
            ]),
        // skillsMap: v1.5 image-to-video only; end frame pro 5/10 (also alone); STD 720p, PRO 1080p.
        ModelFacts(name: "kling-v1-5", textToVideo: false, lastFrameAlone: true, cfgScale: true),
        // skillsMap: v1 std/pro 5/10 s, both 720p; start+end frame std 5 s and pro 5 s.
        ModelFacts(
            name: "kling-v1", resolutions: [.p720], modes: .byOption, lastFrame: .fiveSeconds, cfgScale: true),
    ]

    /// What the table assumes for `facts`' model, each said once.
    static func assumptions(_ facts: ModelFacts) -> [String] {
        var notes: [String] = []
        switch facts.modes {
        case .byResolution:
            notes.append(
                "Mode follows the resolution: std = 720p, pro = 1080p (Kling's resolution table); Kling has no "
                    + "resolution field.")
        case .byOption:
            notes.append("720p in std and pro alike: the mode is the provider option `mode` (std unless it says pro).")
        case .none:
            notes.append("No std/pro split in the capability map: `mode` is not sent.")
        }
        notes.append(
            "Billed per second: Kling deducts units per task (final_unit_deduction) that grow with length and mode.")
        notes.append("Images up to 10 MB (\"10MB\", read as 10,000,000 bytes), jpg/jpeg/png; Kling takes no webp.")
        if facts.lastFrame != .none {
            notes.append(
                "Without a role an image is the first frame (`image`); a last frame (`image_tail`) needs its role.")
        }
        if facts.lastFrame != .none, !facts.lastFrameAlone {
            notes.append(
                "A last frame needs a first frame (\"also end-frame only\" is listed for kling-v1-5 and v1-6 only).")
        }
        return notes + facts.notes
    }

    static func capabilities(_ facts: ModelFacts) -> ModelCapabilities {
        var roles = [ImageRoleLimit(.firstFrame, max: 1)]
        if facts.lastFrame != .none { roles.append(ImageRoleLimit(.lastFrame, max: 1)) }
        if facts.referenceImages > 0 { roles.append(ImageRoleLimit(.reference, max: facts.referenceImages)) }
        var capabilities = ModelCapabilities(
            model: facts.name,
            duration: facts.duration,
            // "aspect_ratio … Enum values: 16:9, 9:16, 1:1" (text2video; default 16:9)
            aspectRatios: AspectRatioRule(values: ["16:9", "9:16", "1:1"], default: "16:9", custom: false),
            resolutions: ResolutionRule(values: facts.resolutions, default: facts.resolutions[0]),
            // "image … Support inputting image Base64 encoding or image URL … .jpg / .jpeg / .png … The image
            // file size cannot exceed 10MB"
            images: ImageRule(
                max: max(roles.count, facts.referenceImages), transports: [.publicURL, .dataURI],
                formats: [.jpeg, .png],
                layout: .singleOrArray(single: "image", multiple: "image_tail"), maximumBytes: 10_000_000,
                roles: roles, unassignedRole: .always(.firstFrame)),
            // "prompt … Cannot exceed 2500 characters"
            promptMaxLength: 2500,
            billing: .perSecond,
            assumptions: assumptions(facts))
        // "negative_prompt … Cannot exceed 2500 characters"
        capabilities.negativePrompt = NegativePromptRule(maxLength: 2500)
        var rules: [CapabilityRule] = [
            CapabilityRule(
                when: .init(modes: [.imageToVideo]), then: .init(aspectRatioFollowsImage: true),
                note: "Kling: image2video has no aspect_ratio; the output takes the image's shape")
        ]
        if facts.referenceImages > 0 {
            // multi-image2video has `image_list` and no `image`/`image_tail` field.
            rules.append(
                CapabilityRule(
                    when: .init(imageRoles: [.reference]), then: .init(excludedImageRoles: [.firstFrame, .lastFrame]),
                    note: "Kling: reference images go to multi-image2video, which takes no first or last frame"))
        }
        if !facts.textToVideo {
            rules.append(
                CapabilityRule(
                    when: .init(modes: [.textToVideo]), then: .init(requiredImageRoles: [.firstFrame]),
                    note: "Kling: \(facts.name) is image-to-video only (image2video)"))
        }
        if facts.sound {
            // "sound … on/off, default off"; "Only V2.6 and subsequent versions support this parameter".
            capabilities.audio = AudioRule(default: false)
        }
        if facts.soundNeedsPro {
            // "requires mode: 'pro'" (skillsMap: v2.6 std "only no audio").
            rules.append(
                CapabilityRule(
                    when: .init(audio: true), then: .init(resolutions: [.p1080]),
                    note: "Kling: sound needs mode pro (1080p); std is silent"))
        }
        switch facts.lastFrame {
        case .none, .any: break
        case .proOnly:
            rules.append(
                CapabilityRule(
                    when: .init(imageRoles: [.lastFrame]), then: .init(resolutions: [.p1080]),
                    note: "Kling: image_tail (start and end frames) is pro only (1080p)"))
        case .fiveSeconds:
            rules.append(
                CapabilityRule(
                    when: .init(imageRoles: [.lastFrame]), then: .init(seconds: [5]),
                    note: "Kling: kling-v1 takes start and end frames at 5 s only"))
        }
        if facts.lastFrame != .none, !facts.lastFrameAlone {
            rules.append(
                CapabilityRule(
                    when: .init(imageRoles: [.lastFrame]), then: .init(requiredImageRoles: [.firstFrame]),
                    note: "Kling: image_tail goes with an image on \(facts.name)"))
        }
        if facts.sound, facts.lastFrame == .proOnly {
            rules.append(
                CapabilityRule(
                    when: .init(imageRoles: [.lastFrame]), then: .init(audio: false),
                    note: "Kling: start and end frames on kling-v2-6 are \"only no audio\""))
        }
        capabilities.rules = rules
        return capabilities
    }

    static let descriptorValue = ProviderDescriptor(
        id: id,
        name: "Kling AI",
        defaultBaseURL: URL(string: "https://api-singapore.klingai.com"),
        baseURLSource:
            "Kling AI API reference, General Information → API Domain, "
            + "https://app.klingai.com/global/dev/document-api/apiReference/commonInfo (\"The API endpoint for the "
            + "new system has been updated from https://api.klingai.com to https://api-singapore.klingai.com\").",
        documentationURL: URL(string: "https://app.klingai.com/global/dev/document-api/apiReference/commonInfo"),
        models: models.map(capabilities),
        // No polling interval is documented.
        polling: nil,
        // "generated images/videos will be cleared after 30 days. Please make sure to save them promptly."
        resultRetention: .seconds(30 * 24 * 3600))

    static func facts(for model: String) -> ModelFacts? { models.first { $0.name == model } }

    // MARK: - Provider options

    /// Fields this provider writes from typed parameters: an option of that name is refused.
    static let typedFields: [String: String] = [
        "model_name": "the model", "image_tail": "an image with the last-frame role",
        "negative_prompt": "the negative prompt", "sound": "the audio switch",
    ]

    /// The provider options (``VideoRequest/providerOptions`` under `kling`, and vendor options), checked
    /// against Kling's field rules: `cfg_scale` (a number 0–1, not on v2.x models), `camera_control`
    /// (`type` one of the five documented, `config` with one non-zero value in −10…10; not with a last
    /// frame), `external_task_id` (a non-empty string), `mode` (`std`/`pro`, on kling-v1 only). Other
    /// fields pass through as they are, as the Vercel AI SDK passes them.
    public static func checkOptions(_ request: ResolvedVideoRequest) throws(VideoProviderError) {
        var violations: [Violation] = []
        let options = request.vendorOptions
        let model = request.model
        let facts = facts(for: model)
        func refuse(_ key: String, _ allowed: String, _ reason: String? = nil) {
            violations.append(
                Violation(
                    parameter: "provider-options.kling.\(key)", value: options[key]?.description ?? "",
                    allowed: allowed,
                    reason: reason))
        }
        for key in options.keys.sorted() {
            if let typed = typedFields[key] {
                refuse(key, "none", "the library sets '\(key)' from \(typed); use the typed parameter")
            }
        }
        if let value = options["mode"] {
            if facts?.modes != .byOption {
                refuse(
                    "mode", "none",
                    facts?.modes == Modes.none
                        ? "\(model) has no std/pro modes"
                        : "on \(model) the mode follows the resolution (720p = std, 1080p = pro)")
            } else if value != .string("std") && value != .string("pro") {
                refuse("mode", "\"std\", \"pro\"")
            }
        }
        if let value = options["cfg_scale"] {
            if facts?.cfgScale == false {
                refuse("cfg_scale", "none", "\"kling-v2.x models do not support this parameter\"")
            } else if !(value.doubleValue.map { (0...1).contains($0) } ?? false) || value.stringValue != nil {
                refuse("cfg_scale", "a number from 0 to 1")
            }
        }
        if let value = options["camera_control"] {
            if let problem = cameraControlProblem(value) { refuse("camera_control", problem.allowed, problem.reason) }
            if request.imageRoles.contains(.lastFrame) {
                refuse(
                    "camera_control", "none with a last frame",
                    "\"image_tail, dynamic_masks/static_mask, and camera_control are mutually exclusive\"")
            }
        }
        if let value = options["external_task_id"] {
            if case .string(let text) = value, !text.trimmingWhitespaceAndNewlines().isEmpty {
            } else {
                refuse("external_task_id", "a non-empty string, unique within the account")
            }
        }
        guard violations.isEmpty else {
            throw VideoProviderError(
                .invalidRequest,
                "Invalid request for \(model) on \(id): "
                    + (violations.count == 1
                        ? violations[0].description
                        : "\(violations.count) problems: " + violations.map(\.parameter).joined(separator: ", "))
                    + ".",
                providerID: id, model: model, violations: violations)
        }
    }

    static let cameraTypes = ["simple", "down_back", "forward_up", "right_turn_forward", "left_turn_forward"]
    static let cameraAxes = ["horizontal", "vertical", "pan", "tilt", "roll", "zoom"]

    /// Why `value` is not a `camera_control` Kling documents, or `nil` when it is.
    static func cameraControlProblem(_ value: JSONValue) -> (allowed: String, reason: String)? {
        let shape =
            "{\"type\": \(cameraTypes.joined(separator: "|")), \"config\": {one of \(cameraAxes.joined(separator: ", ")): −10…10}}"
        guard case .object(let members) = value, let type = members["type"]?.stringValue,
            cameraTypes.contains(type)
        else { return (shape, "type must be one of \(cameraTypes.joined(separator: ", "))") }
        guard let config = members["config"], config != .null else {
            return type == "simple" ? (shape, "config is required when type is simple") : nil
        }
        guard case .object(let axes) = config, axes.keys.allSatisfy(cameraAxes.contains) else {
            return (shape, "config holds only \(cameraAxes.joined(separator: ", "))")
        }
        var nonZero = 0
        for axis in axes.values {
            guard axis.stringValue == nil, let number = axis.doubleValue, (-10...10).contains(number) else {
                return (shape, "each config value is a number from -10 to 10")
            }
            if number != 0 { nonZero += 1 }
        }
        guard nonZero == 1 else { return (shape, "exactly one config value is non-zero") }
        return nil
    }

    // MARK: - Requests

    /// The mode to send, or `nil` for a model without std/pro.
    static func mode(for request: ResolvedVideoRequest) -> String? {
        switch facts(for: request.model)?.modes ?? .byResolution {
        case .none: return nil
        case .byOption: return request.vendorOptions["mode"]?.stringValue ?? "std"
        case .byResolution: return request.resolution == .p1080 ? "pro" : "std"
        }
    }

    /// The submit body, fields in the order of Kling's own examples: `model_name`, `image`, `image_tail`,
    /// `prompt`, `negative_prompt`, `duration` (a string), `mode`, `sound`, `aspect_ratio` (text2video only),
    /// then the provider options sorted by name. Reference images make the multi-image2video body instead.
    public static func submitBody(for request: ResolvedVideoRequest) throws(VideoProviderError) -> JSONBody {
        try checkOptions(request)
        if Endpoint(for: request) == .multiImageToVideo { return try multiImageBody(for: request) }
        var body = JSONBody()
        body["model_name"] = .string(request.model)
        for (index, image) in request.images(withRole: .firstFrame) {
            body["image"] = try image.jsonRawBase64(index: index, model: request.model, provider: id)
        }
        for (index, image) in request.images(withRole: .lastFrame) {
            body["image_tail"] = try image.jsonRawBase64(index: index, model: request.model, provider: id)
        }
        body["prompt"] = .string(request.prompt)
        if let negativePrompt = request.negativePrompt { body["negative_prompt"] = .string(negativePrompt) }
        body["duration"] = .string(String(request.seconds))
        if let mode = mode(for: request) { body["mode"] = .string(mode) }
        if let audio = request.audio { body["sound"] = .string(audio ? "on" : "off") }
        if Endpoint(for: request) == .textToVideo, request.sendsAspectRatio {
            body["aspect_ratio"] = .string(request.aspectRatio.rawValue)
        }
        body.appendVendorOptions(request.vendorOptions)
        return body
    }

    /// The multi-image2video body in the order of Kling's example: `model_name`, `image_list` (`[{"image": …}]`,
    /// each a URL or raw base64), `prompt`, `negative_prompt`, `mode`, `duration`, `aspect_ratio` (sent: the
    /// output does not follow one image here), then the provider options sorted by name.
    static func multiImageBody(for request: ResolvedVideoRequest) throws(VideoProviderError) -> JSONBody {
        var body = JSONBody()
        body["model_name"] = .string(request.model)
        var list: [JSONBody.Value] = []
        for (index, image) in request.images(withRole: .reference) {
            var entry = JSONBody()
            entry["image"] = try image.jsonRawBase64(index: index, model: request.model, provider: id)
            list.append(.object(entry))
        }
        body["image_list"] = .array(list)
        body["prompt"] = .string(request.prompt)
        if let negativePrompt = request.negativePrompt { body["negative_prompt"] = .string(negativePrompt) }
        if let mode = mode(for: request) { body["mode"] = .string(mode) }
        body["duration"] = .string(String(request.seconds))
        if request.sendsAspectRatio { body["aspect_ratio"] = .string(request.aspectRatio.rawValue) }
        body.appendVendorOptions(request.vendorOptions)
        return body
    }

    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        let body = try Self.submitBody(for: request)
        return context.submission(
            to: "/v1/videos/" + Endpoint(for: request).rawValue, body: body.httpBody, contentType: "application/json")
    }

    /// `{"code":0,…,"data":{"task_id",…}}`: the task, handled as `<endpoint>/<task_id>`.
    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "video submission"
        let data = try Self.data(of: response, model: request.model, taskID: nil, operation: operation)
        guard let taskID = data["task_id"].flatMap(Self.idText), Self.isPlainSegment(taskID) else {
            throw VideoProviderError(
                .invalidResponse, "\(id) answered the \(operation) without a usable 'data.task_id'.",
                providerID: id, model: request.model, httpStatus: response.status)
        }
        var snapshot = Self.snapshot(
            data, handle: Endpoint(for: request).rawValue + "/" + taskID, status: response.status)
        snapshot.model = request.model
        if snapshot.status == .unknown { snapshot.status = .queued }
        return snapshot
    }

    /// The task handle split into its endpoint and Kling's task id, or `nil` when it is not one.
    public static func parseHandle(_ handle: String) -> (endpoint: Endpoint, taskID: String)? {
        let parts = handle.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let endpoint = Endpoint(rawValue: String(parts[0])), isPlainSegment(String(parts[1]))
        else { return nil }
        return (endpoint, String(parts[1]))
    }

    /// Letters, digits, `-`, `_`, `.` (not `.` or `..` alone): safe as one path segment as it is.
    static func isPlainSegment(_ text: String) -> Bool {
        !text.isEmpty && text != "." && text != ".." && text.count <= 128
            && text.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2D || byte == 0x2E || byte == 0x5F
            }
    }

    /// A task id as Kling sends it (a string of digits; a number is read too).
    static func idText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text.trimmingWhitespace()
        case .int(let number): return String(number)
        default: return nil
        }
    }

    public func statusRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        guard let (endpoint, task) = Self.parseHandle(taskID) else {
            throw VideoProviderError(
                .invalidRequest,
                "\(id): '\(taskID)' is not a Kling task handle (text2video/<task_id>, image2video/<task_id> or "
                    + "multi-image2video/<task_id>).",
                providerID: id, model: model, taskID: taskID,
                violations: [
                    Violation(
                        parameter: "task-id", value: "\"\(taskID)\"",
                        allowed: "text2video/<task_id>, image2video/<task_id> or multi-image2video/<task_id>",
                        reason: "Kling answers a task only on the endpoint that created it")
                ])
        }
        return context.get("/v1/videos/\(endpoint.rawValue)/\(task)")
    }

    /// `submitted` → queued, `processing` → processing, `succeed` with `task_result.videos[0].url` →
    /// completed (its `duration` string the actual length), `failed` → failed with `task_status_msg`
    /// (code `content_policy` when it names Kling's risk control), anything else unknown.
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        let data = try Self.data(of: response, model: nil, taskID: taskID, operation: "status request")
        return Self.snapshot(data, handle: taskID, status: response.status)
    }

    /// The phrases of Kling's risk-control refusals ("triggering the content risk control of the platform").
    static let riskControlWords = ["risk control", "content security", "risk_control", "风控", "安全策略", "敏感"]

    static func snapshot(_ data: JSONValue, handle: String, status: Int) -> TaskSnapshot {
        let word = data["task_status"]?.stringValue
        var snapshot = TaskSnapshot(taskID: handle, status: .unknown, rawStatus: word)
        switch word?.lowercased() {
        case "submitted": snapshot.status = .queued
        case "processing": snapshot.status = .processing
        case "succeed":
            var video: JSONValue?
            if case .array(let videos)? = data["task_result"]?["videos"] { video = videos.first }
            if let text = video?["url"]?.stringValue, let url = URL(string: text),
                url.scheme == "https" || url.scheme == "http"
            {
                snapshot.status = .completed
                snapshot.videoURL = url
                snapshot.actualDuration = video?["duration"]?.doubleValue
            } else {
                snapshot.status = .failed
                snapshot.errorCode = "noVideo"
                snapshot.errorMessage = "The task succeeded without a video URL."
            }
        case "failed":
            snapshot.status = .failed
            let message = data["task_status_msg"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            snapshot.errorMessage = message ?? "The task failed without a message."
            let lowered = message?.lowercased() ?? ""
            if riskControlWords.contains(where: lowered.contains) { snapshot.errorCode = "content_policy" }
        default: break
        }
        return snapshot
    }

    // MARK: - Answers and errors

    /// The `data` object of a successful answer; a non-zero `code` (at any HTTP status) or a non-2xx answer
    /// is Kling's typed error.
    static func data(
        of response: HTTPResponse, model: String?, taskID: String?, operation: String
    ) throws(VideoProviderError) -> JSONValue {
        guard (200..<300).contains(response.status) else {
            throw error(for: response, model: model, taskID: taskID, operation: operation)
        }
        let json = try VendorResponse.jsonObject(
            response, provider: id, model: model, taskID: taskID, operation: operation)
        if let code = json["code"], code != .null, code.intValue != 0 {
            throw error(for: response, model: model, taskID: taskID, operation: operation)
        }
        guard let data = json["data"], case .object = data else {
            throw VideoProviderError(
                .invalidResponse, "\(id) answered the \(operation) without a 'data' object.",
                providerID: id, model: model, taskID: taskID, httpStatus: response.status)
        }
        return data
    }

    /// The error kind of Kling's service code, from its error-code table; `nil` for a code it does not list.
    public static func kind(ofCode code: Int) -> VideoProviderError.Kind? {
        switch code {
        case 1000...1004: return .authentication  // 401 "Authentication failed"
        case 1100...1102: return .quotaExceeded  // 429 "Account exception" / "Resource pack depleted or expired"
        case 1103: return .authentication  // 403 "Unauthorized access to requested resource, such as API/model"
        case 1200, 1201, 1202: return .vendorRejected  // 400/404 "Invalid request parameters"
        case 1203: return .notFound  // 404 "The requested resource does not exist"
        case 1300, 1301: return .contentPolicy  // 400 "Trigger strategy" / "content security policy"
        case 1302, 1303: return .rateLimited  // 429 rate limit / concurrency over the resource pack
        case 1304: return .authentication  // 429 "Trigger the platform's IP whitelisting policy"
        case 5000...5002: return .serverError  // 500/503/504 "Internal error"
        default: return nil
        }
    }

    /// Kling's envelope `{"code", "message", "request_id"}` as a typed error: the kind from the code table,
    /// else from the HTTP status and wording.
    static func error(
        for response: HTTPResponse, model: String?, taskID: String?, operation: String
    ) -> VideoProviderError {
        var error = VendorResponse.error(
            for: response, provider: id, model: model, taskID: taskID, operation: operation)
        if let code = (try? JSONValue.parse(response.body))?["code"]?.intValue, let kind = kind(ofCode: code) {
            error.kind = kind
            error.vendorCode = String(code)
        }
        return error
    }
}
