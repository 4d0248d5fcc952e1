import Foundation
public import VideoProviderKit

/// xAI's own video API (`grok-imagine-video`, `grok-imagine-video-1.5`), for apps that hold an xAI key and
/// want xAI first or last in the fallback order beside the gateways.
///
/// Wire format (sources and the documented/assumed split are in `docs/providers/xai.md`):
/// - Submit: `POST https://api.x.ai/v1/videos/generations`, JSON fields in order `model`, `prompt`,
///   `duration`, `aspect_ratio`, `resolution`, then `image: {"url": …}` for one image (image-to-video, the
///   image is the first frame) or `reference_images: [{"url": …}, …]` for two to seven (reference-to-video,
///   at most 10 s), then vendor options sorted by key. A URL is a public `https` address or a
///   `data:image/…;base64,…` URI. The answer is `{"request_id": "…"}`.
/// - Status: `GET /v1/videos/{request_id}`, HTTP 200 with `status` `pending`, `done`, `expired` or `failed`
///   (mirrors also show `queued` and `processing`), an integer `progress`, `video: {url, duration,
///   respect_moderation}` when done and `error: {code, message}` when failed. Both outcomes are HTTP 200.
/// - Content: `video.url` lives on xAI's CDN (`vidgen.x.ai`) for about 24 hours and is fetched without the
///   API key.
/// - Errors outside a task: `{"code": "…", "error": "…"}`; a bad key is an HTTP 400 whose message says
///   "Incorrect API key provided", which this provider reports as an authentication failure so the client
///   falls back instead of stopping.
///
/// Every parser is total: HTML, empty, truncated or mistyped bodies and unknown status words become a
/// typed ``VideoProviderError`` or a snapshot with ``TaskStatus/unknown``, never a trap.
public struct XAIProvider: VideoProvider {
    /// `xai`: the provider's stable identifier (and `XAI_API_KEY` for `videogen`).
    public static let id: ProviderID = "xai"

    /// The submit path, relative to `https://api.x.ai`.
    public static let submitPath = "/v1/videos/generations"

    /// The longest video xAI makes from reference images (two or more images): "The maximum duration
    /// allowed when using reference images is 10 seconds."
    public static let referenceToVideoMaximumSeconds = 10

    /// The status path for a request id, percent-encoded as one path segment (ids are vendor data: a `/`
    /// or space in one must not change which endpoint is called).
    public static func statusPath(requestID: String) -> String {
        "/v1/videos/" + ProviderContext.pathSegment(requestID)
    }

    /// A provider with xAI's published capability table.
    public init() {}

    /// Identity, base URL and the capability table of both models.
    public var descriptor: ProviderDescriptor { Self.descriptorValue }

    // MARK: - Capability table

    private static let aspectRatios = AspectRatioRule(
        values: ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"], default: "16:9", custom: false)

    private static let sharedAssumptions = [
        "Default resolution 480p assumed: xAI's reference lists 480p and 720p without a default; "
            + "third-party schemas of the same API give 480p.",
        "Default aspect ratio 16:9 assumed: xAI's examples use it; third-party schemas of the same API give it.",
        "Prompt limit of 4096 characters assumed: xAI states none; third-party schemas of the same API give 4096.",
        "One image is sent as `image` (image-to-video: it becomes the first frame); two to seven as "
            + "`reference_images` (reference-to-video, at most 10 s).",
    ]

    private static func model(_ name: String, extraAssumptions: [String] = []) -> ModelCapabilities {
        ModelCapabilities(
            model: name,
            // "Video duration in seconds. Range: [1, 15]. Default: 8."
            duration: .range(min: 1, max: 15, default: 8),
            aspectRatios: aspectRatios,
            resolutions: ResolutionRule(values: [.p480, .p720], default: .p480),
            // "A maximum of 7 reference images"; "a public HTTPS URL or a base64-encoded data URI";
            // image inputs are "PNG/JPEG/WebP"; "The maximum duration allowed when using reference images is
            // 10 seconds." (a table rule, so routing passes xAI over instead of failing at send time).
            // "Maximum image size: 20MiB" (xAI's image-input limit, images/understanding; the video pages
            // state none).
            images: ImageRule(
                max: 7, transports: [.publicURL, .dataURI], formats: [.jpeg, .png, .webp],
                layout: .singleOrArray(single: "image", multiple: "reference_images"),
                maximumSecondsWithMultipleImages: referenceToVideoMaximumSeconds, maximumBytes: 20 << 20),
            promptMaxLength: 4096,
            billing: .perSecond,
            assumptions: sharedAssumptions + extraAssumptions)
    }

    static let descriptorValue = ProviderDescriptor(
        id: id,
        name: "xAI",
        defaultBaseURL: URL(string: "https://api.x.ai"),
        baseURLSource:
            "xAI's REST API reference, https://docs.x.ai/developers/rest-api-reference/inference/videos "
            + "(\"POST https://api.x.ai/v1/videos/generations\").",
        documentationURL: URL(string: "https://docs.x.ai/developers/model-capabilities/video/generation"),
        models: [
            model("grok-imagine-video"),
            model(
                "grok-imagine-video-1.5",
                extraAssumptions: [
                    "1080p not offered: xAI's SDK and the Vercel AI SDK list 1080p for grok-imagine-video-1.5 "
                        + "text- and image-to-video but not for reference-to-video; add it with a capability "
                        + "override once needed."
                ]),
        ],
        // The SDK polls every second by default; xAI gives no recommendation, so the adaptive default applies.
        polling: nil,
        // "The returned URL is valid for 24 hours." (xAI SDK, `VideoResponse.url`)
        resultRetention: .seconds(24 * 3600))

    // MARK: - Submit

    /// The task-creating `POST` for `request`, with every default written explicitly so that what is
    /// billed never depends on a server-side default.
    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        var headers = context.standardHeaders()
        headers["Content-Type"] = "application/json"
        return HTTPRequest(
            method: .post, url: context.url(Self.submitPath), headers: headers,
            body: try submitBody(for: request).httpBody, createsTask: true)
    }

    /// The submit body, field by field in the order of xAI's reference.
    ///
    /// The reference-to-video limit (two or more images: at most ``referenceToVideoMaximumSeconds``
    /// seconds) is a rule of the capability table (``ImageRule/maximumSecondsWithMultipleImages``), checked
    /// by `RequestValidator` before a request gets here.
    public func submitBody(for request: ResolvedVideoRequest) throws(VideoProviderError) -> JSONBody {
        var body = JSONBody()
        body["model"] = .string(request.model)
        body["prompt"] = .string(request.prompt)
        if request.sendsDuration { body["duration"] = .int(request.seconds) }
        body["aspect_ratio"] = .string(request.aspectRatio.rawValue)
        // xAI spells resolutions in lower case (`480p`), which is the canonical spelling.
        if let resolution = request.resolution { body["resolution"] = .string(resolution.rawValue) }
        var images: [JSONBody.Value] = []
        for (index, image) in request.images.enumerated() {
            images.append(try imageObject(image, index: index, model: request.model))
        }
        if images.count == 1 {
            body["image"] = images[0]
        } else if images.count > 1 {
            body["reference_images"] = .array(images)
        }
        // Sorted, so the same request always produces the same bytes.
        for (key, value) in request.vendorOptions.sorted(by: { $0.key < $1.key }) where body[key] == nil {
            body[key] = .json(value)
        }
        return body
    }

    /// `{"url": …}` for a public URL or a data URI (encoded while the body is written).
    private func imageObject(
        _ image: ResolvedImage, index: Int, model: String
    ) throws(VideoProviderError) -> JSONBody.Value {
        var object = JSONBody()
        switch image {
        case .publicURL(let url):
            object["url"] = .string(url.absoluteString)
        case .dataURI(let payload, let format):
            object["url"] = .dataURI(payload, format)
        case .upload:
            // Reachable only if a capability override lists `.multipartFile`: a table bug, not a user error.
            throw VideoProviderError(
                .invalidRequest, "xAI takes images as URLs or data URIs in JSON, not as multipart uploads.",
                providerID: Self.id, model: model,
                violations: [
                    Violation(
                        parameter: "images[\(index)]", value: "multipart-file", allowed: "public-url, data-uri",
                        reason: "the xAI body is JSON only")
                ])
        }
        return .object(object)
    }

    /// Reads the submit answer `{"request_id": "…"}` by the shared rules of ``GatewayAnswer`` (a gateway
    /// in front of xAI may answer `id` or `task_id` instead, or wrap the answer in new-api's envelope).
    ///
    /// The answer carries only the id, so the task is reported as `queued` with no vendor status word. A
    /// non-2xx answer is the vendor's typed error; a 2xx answer that carries an error and no id is a
    /// refusal with that error (nothing was created).
    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        try VendorResponse.submitSnapshot(
            response, provider: Self.id, model: request.model, documentedIDField: "request_id", vendorName: "xAI")
    }

    // MARK: - Status

    /// The `GET` that asks where a task stands.
    public func statusRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        guard !taskID.trimmingWhitespaceAndNewlines().isEmpty else {
            throw VideoProviderError(
                .invalidRequest, "A request id is needed to ask \(Self.id) for a video's status.",
                providerID: Self.id, model: model,
                violations: [
                    Violation(parameter: "task-id", value: "\"\(taskID)\"", allowed: "a non-empty request id")
                ])
        }
        return HTTPRequest(
            method: .get, url: context.url(Self.statusPath(requestID: taskID)), headers: context.standardHeaders())
    }

    /// Reads the status answer by the shared rules of ``GatewayAnswer``, with xAI's own conventions:
    ///
    /// - `pending` is `queued` until xAI reports progress, then `processing`; `done` is `completed`;
    ///   the other words of ``TaskStatus/vendorWords`` map as everywhere; any other word is
    ///   ``TaskStatus/unknown`` with the word kept in ``TaskSnapshot/rawStatus``, or `failed` when the
    ///   answer carries an error.
    /// - `respect_moderation: false` makes the task failed (a content-policy failure) whatever the status
    ///   and even when a URL is present: the Vercel AI SDK treats it so, and xAI withholds the video.
    /// - An answer without `status` is `completed` when it carries `video.url`, and `queued` when it only
    ///   echoes the request id; an HTTP 202 with an empty body (xAI's deferred-result convention) is `queued`.
    /// - The snapshot carries the id that was asked about, because that is the id the caller tracks.
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        if response.status == 202, response.body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            return TaskSnapshot(taskID: taskID, status: .queued, pollAfter: VendorResponse.pollAfter(response.headers))
        }
        var snapshot = try VendorResponse.statusSnapshot(
            response, provider: Self.id, taskID: taskID, operation: "status request",
            statusless: [.videoURLMeansCompleted, .echoedIDMeansQueued], vendorName: "xAI")
        if snapshot.status == .queued, snapshot.rawStatus?.trimmingWhitespace().lowercased() == "pending",
            (snapshot.progress ?? 0) > 0
        {
            snapshot.status = .processing
        }
        if snapshot.status == .completed { snapshot.progress = 100 }
        return snapshot
    }

    // MARK: - Content

    /// A plain `GET` of `video.url` on xAI's CDN, without the API key; `nil` when there is no URL.
    public func contentRequest(for snapshot: TaskSnapshot, context: ProviderContext) -> HTTPRequest? {
        videoURLRequest(for: snapshot)
    }
}
