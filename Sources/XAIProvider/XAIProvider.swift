import Foundation
public import VideoProviderKit

/// xAI's own video API (`grok-imagine-video`), for apps that hold an xAI key and want xAI first or last in
/// the fallback order beside the gateways.
///
/// Wire format (from xAI's public SDK, `xai-org/xai-sdk-python` `video.py`, and mirrors of the REST
/// reference; see `docs/providers/xai.md` for which facts are documented and which assumed):
/// - submit `POST https://api.x.ai/v1/videos/generations`, JSON `{model, prompt, duration, aspect_ratio,
///   resolution, image: {url} | reference_images: [{url}]}`, answered with `{"request_id": "…"}`;
/// - poll `GET /v1/videos/{request_id}`: HTTP 200 with `status` `pending | done | expired | failed`;
///   `done` carries `video: {url, duration, respect_moderation}`, `failed` carries `error: {code, message}`;
/// - errors outside a task: `{"code": "…", "error": "…"}`;
/// - result URLs are temporary (the SDK says 24 hours) and live on a CDN (`vidgen.x.ai`), so the video is
///   fetched without the API key.
public struct XAIProvider: VideoProvider {
    public static let id: ProviderID = "xai"

    public init() {}

    public var descriptor: ProviderDescriptor { Self.descriptorValue }

    private static let aspectRatios = AspectRatioRule(
        values: ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"], default: "16:9", custom: false)

    private static func model(_ name: String, extraAssumptions: [String] = []) -> ModelCapabilities {
        ModelCapabilities(
            model: name,
            duration: .range(min: 1, max: 15, default: 8),
            aspectRatios: aspectRatios,
            resolutions: ResolutionRule(values: [.p480, .p720], default: .p480),
            images: ImageRule(
                max: 7, transports: [.publicURL, .dataURI], formats: [.jpeg, .png],
                layout: .singleOrArray(single: "image", multiple: "reference_images")),
            promptMaxLength: 4096,
            billing: .perSecond,
            assumptions: [
                "Image formats limited to jpeg and png (xAI's image inputs document these two; webp is not confirmed).",
                "One image is sent as `image` (image-to-video); two to seven as `reference_images` (reference-to-video).",
            ] + extraAssumptions)
    }

    static let descriptorValue = ProviderDescriptor(
        id: id,
        name: "xAI",
        defaultBaseURL: URL(string: "https://api.x.ai"),
        documentationURL: URL(string: "https://docs.x.ai/docs/guides/video-generations"),
        models: [
            model("grok-imagine-video"),
            model(
                "grok-imagine-video-1.5",
                extraAssumptions: [
                    "Resolutions limited to 480p and 720p as for grok-imagine-video; third-party catalogs also list 1080p for 1.5 (add it with a capability override once confirmed)."
                ]),
        ],
        polling: nil,
        resultRetention: .seconds(24 * 3600))

    public func submitRequest(for request: ResolvedVideoRequest, context: ProviderContext) throws -> HTTPRequest {
        var json = JSONBody()
        json["model"] = .string(request.model)
        json["prompt"] = .string(request.prompt)
        if request.sendsDuration { json["duration"] = .int(request.seconds) }
        json["aspect_ratio"] = .string(request.aspectRatio.rawValue)
        if let resolution = request.resolution { json["resolution"] = .string(resolution.rawValue) }
        let images = try request.images.map(imageObject)
        if images.count == 1 {
            json["image"] = images[0]
        } else if images.count > 1 {
            json["reference_images"] = .array(images)
        }
        for key in request.vendorOptions.keys.sorted() where json[key] == nil {
            json[key] = .json(request.vendorOptions[key]!)
        }
        var headers = context.standardHeaders()
        headers["Content-Type"] = "application/json"
        return HTTPRequest(
            method: .post, url: context.url("/v1/videos/generations"), headers: headers, body: json.httpBody,
            createsTask: true)
    }

    private func imageObject(_ image: ResolvedImage) throws -> JSONBody.Value {
        var object = JSONBody()
        switch image {
        case .publicURL(let url): object["url"] = .string(url.absoluteString)
        case .dataURI(let payload, let format): object["url"] = .dataURI(payload, format)
        case .upload:
            throw VideoProviderError(
                .invalidRequest, "xAI takes images as URLs or data URIs, not multipart uploads.", providerID: Self.id)
        }
        return .object(object)
    }

    public func parseSubmitResponse(_ response: HTTPResponse, for request: ResolvedVideoRequest) throws -> TaskSnapshot
    {
        guard response.isSuccess else {
            throw VendorResponse.error(for: response, provider: Self.id, model: request.model, operation: "submission")
        }
        let json = try VendorResponse.jsonObject(
            response, provider: Self.id, model: request.model, operation: "submission")
        guard let id = json["request_id"]?.stringValue, !id.isEmpty else {
            if VendorResponse.extractError(from: json).message != nil {
                throw VendorResponse.error(
                    for: response, provider: Self.id, model: request.model, operation: "submission")
            }
            throw VideoProviderError(
                .invalidResponse, "xai answered the submission without 'request_id'.", providerID: Self.id,
                model: request.model, httpStatus: response.status)
        }
        // The answer carries only the id; xAI calls the state "pending" until the video is done.
        return TaskSnapshot(taskID: id, status: .queued, rawStatus: "pending", model: request.model)
    }

    public func statusRequest(taskID: String, model: String, context: ProviderContext) throws -> HTTPRequest {
        guard !taskID.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw VideoProviderError(.invalidRequest, "An xAI request id cannot be empty.", providerID: Self.id)
        }
        return HTTPRequest(
            method: .get, url: context.url("/v1/videos/" + ProviderContext.pathSegment(taskID)),
            headers: context.standardHeaders())
    }

    public func parseStatusResponse(_ response: HTTPResponse, taskID: String) throws -> TaskSnapshot {
        guard response.isSuccess else {
            throw VendorResponse.error(for: response, provider: Self.id, taskID: taskID, operation: "status request")
        }
        let json = try VendorResponse.jsonObject(
            response, provider: Self.id, taskID: taskID, operation: "status request")
        let model = json["model"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let progress = VendorResponse.progress(json["progress"])
        guard let raw = json["status"]?.stringValue else {
            // Mirrors answer `{"request_id": …}` alone while the task is still queued.
            if json["request_id"]?.stringValue != nil {
                return TaskSnapshot(taskID: taskID, status: .queued, rawStatus: nil, progress: progress, model: model)
            }
            if VendorResponse.extractError(from: json).message != nil {
                throw VendorResponse.error(
                    for: response, provider: Self.id, taskID: taskID, operation: "status request")
            }
            throw VideoProviderError(
                .invalidResponse, "xai answered the status request without 'status'.", providerID: Self.id,
                taskID: taskID, httpStatus: response.status)
        }
        let video = json["video"]
        let videoURL = VendorResponse.url(video?["url"])
        let duration = video?["duration"]?.doubleValue.flatMap { $0 > 0 ? $0 : nil }
        var status: TaskStatus
        switch raw.lowercased() {
        case "pending": status = .processing
        case "done": status = .completed
        default: status = TaskStatus(vendorStatus: raw)
        }
        if status == .processing, (progress ?? 0) == 0, raw.lowercased() == "pending" { status = .queued }
        var errorCode: String?
        var errorMessage: String?
        if let error = json["error"] {
            errorCode = error["code"]?.stringValue
            errorMessage = error["message"]?.stringValue ?? error.stringValue
        }
        // A finished video withheld by moderation has no URL: that is a failure, not a completion.
        if status == .completed, videoURL == nil, video?["respect_moderation"] == .bool(false) {
            status = .failed
            errorCode = errorCode ?? "moderation"
            errorMessage = errorMessage ?? "The video did not pass xAI's moderation; no URL is available."
        }
        return TaskSnapshot(
            taskID: taskID, status: status, rawStatus: raw, progress: status == .completed ? 100 : progress,
            videoURL: videoURL, errorMessage: errorMessage, errorCode: errorCode, actualDuration: duration,
            model: model,
            pollAfter: VendorResponse.pollAfter(response.headers))
    }

    public func contentRequest(for snapshot: TaskSnapshot, context: ProviderContext) throws -> HTTPRequest? {
        videoURLRequest(for: snapshot)
    }
}
