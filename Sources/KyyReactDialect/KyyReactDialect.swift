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

    /// Reads the submit answer `{id, object, created, model, status, error}`.
    ///
    /// A non-2xx answer, or a 2xx answer that carries an error and no task id, becomes the typed error
    /// `VendorResponse.error(for:provider:model:taskID:operation:)` builds. A 2xx answer with an id but
    /// no status is taken as `queued`: the vendor documents that a successful submission is always
    /// queued, and the id proves the task exists.
    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "video submission"
        guard response.isSuccess else {
            throw VendorResponse.error(for: response, provider: providerID, model: request.model, operation: operation)
        }
        let json = try VendorResponse.jsonObject(
            response, provider: providerID, model: request.model, operation: operation)
        let error = Self.errorDetails(json)
        guard let taskID = Self.taskID(json) else {
            if error.code != nil || error.message != nil {
                throw VendorResponse.error(
                    for: response, provider: providerID, model: request.model, operation: operation)
            }
            throw VideoProviderError(
                .invalidResponse, "\(providerID) answered the \(operation) without 'id'.",
                providerID: providerID, model: request.model, httpStatus: response.status)
        }
        let rawStatus = Self.rawStatus(json)
        return TaskSnapshot(
            taskID: taskID,
            status: rawStatus.map(TaskStatus.init(vendorStatus:)) ?? .queued,
            rawStatus: rawStatus,
            progress: VendorResponse.progress(json["progress"]),
            videoURL: VendorResponse.url(json["video_url"]),
            errorMessage: error.message,
            errorCode: error.code,
            actualDuration: Self.actualDuration(json),
            model: json["model"]?.stringValue ?? request.model,
            pollAfter: VendorResponse.pollAfter(response.headers))
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

    /// Reads the status answer `{id, status, video_url, actualDuration, error, …}`.
    ///
    /// `queued`, `processing`, `completed` and `failed` map to their `TaskStatus`; any other word is
    /// `TaskStatus.unknown` with the word kept in `rawStatus`. A `completed` answer without `video_url`
    /// is still reported as completed, with no URL: whether that is an error is the client's decision.
    /// The snapshot carries the id that was asked about, because that is the id the caller tracks.
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        let operation = "status query"
        guard response.isSuccess else {
            throw VendorResponse.error(for: response, provider: providerID, taskID: taskID, operation: operation)
        }
        let json = try VendorResponse.jsonObject(response, provider: providerID, taskID: taskID, operation: operation)
        let error = Self.errorDetails(json)
        guard let rawStatus = Self.rawStatus(json) else {
            // Without a status the answer says nothing about the task; with an error it is an error envelope.
            if error.code != nil || error.message != nil {
                throw VendorResponse.error(for: response, provider: providerID, taskID: taskID, operation: operation)
            }
            throw VideoProviderError(
                .invalidResponse, "\(providerID) answered the \(operation) without 'status'.",
                providerID: providerID, taskID: taskID, httpStatus: response.status)
        }
        return TaskSnapshot(
            taskID: taskID,
            status: TaskStatus(vendorStatus: rawStatus),
            rawStatus: rawStatus,
            progress: VendorResponse.progress(json["progress"]),
            videoURL: VendorResponse.url(json["video_url"]),
            errorMessage: error.message,
            errorCode: error.code,
            actualDuration: Self.actualDuration(json),
            model: json["model"]?.stringValue,
            pollAfter: VendorResponse.pollAfter(response.headers))
    }

    // MARK: - Field readers

    /// A non-empty task id, as a string or an integer.
    private static func taskID(_ json: JSONValue) -> String? {
        if let text = json["id"]?.stringValue?.trimmingWhitespaceAndNewlines(), !text.isEmpty {
            return text
        }
        if case .int(let number)? = json["id"] { return String(number) }
        return nil
    }

    private static func rawStatus(_ json: JSONValue) -> String? {
        guard let text = json["status"]?.stringValue, !text.trimmingWhitespace().isEmpty else {
            return nil
        }
        return text
    }

    /// The error the body reports, if any. `"error": null` (every healthy answer) reports none.
    private static func errorDetails(_ json: JSONValue) -> (code: String?, message: String?) {
        guard let error = json["error"], !error.isNull else { return (nil, nil) }
        return VendorResponse.extractError(from: json)
    }

    /// `actualDuration` in seconds; only finite, non-negative numbers count.
    private static func actualDuration(_ json: JSONValue) -> Double? {
        guard let seconds = json["actualDuration"]?.doubleValue, seconds.isFinite, seconds >= 0 else { return nil }
        return seconds
    }
}
