import Foundation
public import VideoProviderKit

/// The wire format of the kyyReactApiServer backend, written once for every gateway that resells it.
///
/// Several gateways (aizfw, Xingchaoyiqing, …) front the same backend at
/// `https://zcbservice.aizfw.cn/kyyReactApiServer` and differ only in their model tables. A provider
/// keeps its own ``ProviderDescriptor`` and hands the HTTP work to this value:
///
/// - Submit: `POST {base}/v1/grok/videos` with a JSON body whose fields are, in order, `model`,
///   `prompt`, `duration`, `aspect_ratio`, `resolution`, `image_urls`, then any vendor options.
/// - Status: `GET {base}/v1/result/{id}`, answering `{id, object, created, model, status, video_url,
///   actualDuration, error}`.
/// - Content: the backend has no content endpoint; the finished video is fetched from `video_url`, a
///   CDN address that must not receive the API key.
///
/// Every parser here is total: any body (HTML, empty, truncated, an array, unknown statuses) becomes a
/// `TaskSnapshot` or a typed `VideoProviderError`, never a trap.
public struct KyyReactDialect: Sendable, Hashable {
    /// The provider whose name appears in errors and snapshots.
    public let providerID: ProviderID

    /// The submit path, relative to a base URL that already ends in `/kyyReactApiServer`.
    public static let submitPath = "/v1/grok/videos"

    /// A dialect that speaks for `providerID`: errors and snapshots name that provider.
    public init(providerID: ProviderID) {
        self.providerID = providerID
    }

    /// The status path for a task, with the id percent-encoded as a single path segment (ids are
    /// vendor data: a `/` or space in one must not change which endpoint is called).
    public static func resultPath(taskID: String) -> String {
        "/v1/result/" + ProviderContext.pathSegment(taskID)
    }

    // MARK: - Submit

    /// The task-creating `POST` for `request`.
    ///
    /// Every value is written explicitly (the resolved request already holds the model's defaults), so
    /// what is billed never depends on a server-side default. Two fields are left out on purpose:
    /// `duration` when the model's length is fixed and the vendor asks not to send it, and `resolution`
    /// when the model does not let the caller choose one.
    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        var headers = context.standardHeaders()
        headers["Content-Type"] = "application/json"
        return HTTPRequest(
            method: .post,
            url: context.url(Self.submitPath),
            headers: headers,
            body: try submitBody(for: request).httpBody,
            createsTask: true)
    }

    /// The submit body, field by field in the vendor's documented order.
    public func submitBody(for request: ResolvedVideoRequest) throws(VideoProviderError) -> JSONBody {
        var body = JSONBody()
        body["model"] = .string(request.model)
        body["prompt"] = .string(request.prompt)
        if request.sendsDuration {
            body["duration"] = .int(request.seconds)
        }
        body["aspect_ratio"] = .string(request.aspectRatio.rawValue)
        if let resolution = request.resolution {
            // The backend documents lower-case `480p` / `720p`, which is the canonical spelling.
            body["resolution"] = .string(resolution.rawValue)
        }
        if !request.images.isEmpty {
            body["image_urls"] = .array(try imageURLValues(request.images, model: request.model))
        }
        // Sorted, so the same request always produces the same bytes.
        for key in request.vendorOptions.keys.sorted() {
            if let value = request.vendorOptions[key] { body[key] = .json(value) }
        }
        return body
    }

    /// `image_urls` members: a public URL as itself, bytes as a `data:` URI string.
    private func imageURLValues(
        _ images: [ResolvedImage], model: String
    ) throws(VideoProviderError) -> [JSONBody.Value] {
        var values: [JSONBody.Value] = []
        for (index, image) in images.enumerated() {
            switch image {
            case .publicURL(let url):
                values.append(.string(url.absoluteString))
            case .dataURI(let payload, let format):
                values.append(.dataURI(payload, format))
            case .upload:
                // The backend takes JSON only; a multipart upload can reach here only if a capability
                // table lists `.multipartFile`, which is a table bug rather than a user error.
                throw VideoProviderError(
                    .invalidRequest,
                    "\(providerID) cannot upload image files; images travel as URLs in image_urls.",
                    providerID: providerID,
                    model: model,
                    violations: [
                        Violation(
                            parameter: "images[\(index)]", value: "multipart-file",
                            allowed: "public-url, data-uri", reason: "the kyyReactApiServer body is JSON only")
                    ])
            }
        }
        return values
    }

    /// Reads the submit answer `{id, object, created, model, status, error}` by the shared rules of
    /// ``GatewayAnswer`` (docs/real-gateways.md).
    ///
    /// A non-2xx answer is the vendor's typed error. A 2xx answer without a task id that carries an error
    /// (`{"code","msg"}`, `{"error": "…"}`) is a refusal with that message: nothing was created, so it is
    /// never ambiguous. A 2xx answer with an id but no status is taken as `queued`: the vendor documents
    /// that a successful submission is always queued, and the id proves the task exists.
    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        try VendorResponse.submitSnapshot(
            response, provider: providerID, model: request.model, documentedIDField: "id")
    }

    // MARK: - Status

    /// The `GET` that asks where a task stands.
    public func statusRequest(taskID: String, context: ProviderContext) throws(VideoProviderError) -> HTTPRequest {
        guard !taskID.trimmingWhitespaceAndNewlines().isEmpty else {
            throw VideoProviderError(
                .invalidRequest, "A task id is needed to ask \(providerID) for a task's status.",
                providerID: providerID,
                violations: [Violation(parameter: "task-id", value: "\"\(taskID)\"", allowed: "a non-empty task id")])
        }
        return HTTPRequest(
            method: .get, url: context.url(Self.resultPath(taskID: taskID)), headers: context.standardHeaders())
    }

    /// Reads the status answer `{id, status, video_url, actualDuration, error, …}` by the shared rules of
    /// ``GatewayAnswer``.
    ///
    /// The status words of ``TaskStatus/vendorWords`` map to their `TaskStatus`; any other word is
    /// `TaskStatus.unknown` with the word kept in `rawStatus`, or `failed` when the answer carries an
    /// error. A `completed` answer without a video URL is still reported as completed, with no URL: whether
    /// that is an error is the client's decision. The snapshot carries the id that was asked about,
    /// because that is the id the caller tracks.
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        try VendorResponse.statusSnapshot(response, provider: providerID, taskID: taskID, operation: "status query")
    }
}
