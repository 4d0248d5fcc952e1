public import Foundation
public import VideoProviderKit

/// The OpenAI-format video wire (`/v1/videos`), written once for every gateway that speaks it.
///
/// Several new-api style gateways (a generic "OpenAI-compatible" deployment, OctopusX, Duoyuanx, …) expose
/// Grok video models behind the same three endpoints and differ only in their model tables. A provider
/// keeps its own ``ProviderDescriptor`` and hands the HTTP work to this value:
///
/// - Submit: `POST {base}/v1/videos` in one of two ``Encoding``s. `grok-imagine-video` takes JSON
///   (`model`, `prompt`, `seconds` as a string, `aspect_ratio`, `resolution` as `720P`, `image` or
///   `images` as data URIs); the grok-video-3 family takes `multipart/form-data` (text parts `model`,
///   `prompt`, `aspect_ratio`, `seconds`, `size`, then one `input_reference` file part per image).
/// - Status: `GET {base}/v1/videos/{id}`, answering an OpenAI-style video object `{id, object, model,
///   status, progress, created_at, seconds, size, video_url, error}` (read by ``VideoObject``).
/// - Content: `GET {base}/v1/videos/{id}/content` on the gateway's own host, with the API key.
///
/// The encoding follows from the model's table, so a vendor target stays a thin wrapper: a model whose
/// images travel as repeated `input_reference` parts (``multipartImageLayout``) is multipart, every other
/// model is JSON. ``submitRequest(for:encoding:context:)`` pins an encoding explicitly.
///
/// Every parser here is total: any body (HTML, empty, truncated, an array, unknown statuses, fields of
/// the wrong type) becomes a `TaskSnapshot` or a typed `VideoProviderError`, never a trap.
public struct OpenAIVideoDialect: Sendable, Hashable {
    /// How a submit body is written.
    public enum Encoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `application/json`, as `grok-imagine-video` takes it.
        case json
        /// `multipart/form-data`, as the grok-video-1.5 / grok-video-3 family takes it.
        case multipart

        /// The encoding a model's image layout implies: repeated file parts mean multipart, anything
        /// else means JSON.
        public init(layout: ImageFieldLayout) {
            if case .repeatedPart = layout {
                self = .multipart
            } else {
                self = .json
            }
        }

        public var description: String { rawValue }
    }

    /// The provider whose name appears in errors and snapshots.
    public let providerID: ProviderID

    /// How JSON submit bodies are written.
    public enum JSONStyle: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The OpenAI-format page's body: `seconds` as a string, `resolution` upper case (`480P`), `image` /
        /// `images` as data-URI strings.
        case openAI
        /// xAI's native body, for a new-api gateway whose model goes to an xAI channel: its `/v1/videos`
        /// route passes the body to xAI unchanged (docs/real-gateways.md), so it must be what xAI reads:
        /// `duration` as an integer, `resolution` lower case (`480p`), `image: {"url": …}` for one image and
        /// `reference_images: [{"url": …}, …]` for several.
        case xAINative = "xai-native"

        public var description: String { rawValue }
    }

    /// How this dialect writes JSON submit bodies (``JSONStyle/openAI`` unless the gateway needs otherwise).
    public let jsonStyle: JSONStyle

    /// The submit path; the status and content paths hang off it.
    public static let submitPath = "/v1/videos"

    /// The image layout of JSON models: one data URI in `image`, several in `images`, never both.
    public static let jsonImageLayout = ImageFieldLayout.singleOrArray(single: "image", multiple: "images")

    /// The image layout of multipart models: one `input_reference` file part per image.
    public static let multipartImageLayout = ImageFieldLayout.repeatedPart(field: "input_reference")

    /// A dialect that speaks for `providerID`: errors and snapshots name that provider.
    public init(providerID: ProviderID, jsonStyle: JSONStyle = .openAI) {
        self.providerID = providerID
        self.jsonStyle = jsonStyle
    }

    /// The status path for a task, with the id percent-encoded as a single path segment (ids are vendor
    /// data: a `/` or space in one must not change which endpoint is called).
    public static func statusPath(taskID: String) -> String {
        submitPath + "/" + ProviderContext.pathSegment(taskID)
    }

    /// The content path for a task: the status path plus `/content`.
    public static func contentPath(taskID: String) -> String {
        statusPath(taskID: taskID) + "/content"
    }

    // MARK: - Submit

    /// The task-creating `POST` for `request`, in the encoding its model's image layout implies.
    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        try submitRequest(
            for: request, encoding: Encoding(layout: request.capabilities.images.layout), context: context)
    }

    /// The task-creating `POST` for `request` in `encoding`.
    ///
    /// Every value is written explicitly (the resolved request already holds the model's defaults), so
    /// what is billed never depends on a server-side default. The one field left out on purpose is the
    /// length of a fixed-length model whose table says to omit it: the server fixes those, and a value
    /// we send could only disagree.
    public func submitRequest(
        for request: ResolvedVideoRequest, encoding: Encoding, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        var headers = context.standardHeaders()
        let body: HTTPBody
        switch encoding {
        case .json:
            body = try jsonSubmitBody(for: request).httpBody
            headers["Content-Type"] = "application/json"
        case .multipart:
            let multipart = try multipartSubmitBody(for: request, boundary: context.multipartBoundary)
            body = multipart.httpBody
            headers["Content-Type"] = multipart.contentType
        }
        return HTTPRequest(
            method: .post, url: context.url(Self.submitPath), headers: headers, body: body, createsTask: true)
    }

    /// The JSON submit body: `model`, `prompt`, `seconds` (a string, as the vendors recommend),
    /// `aspect_ratio`, `resolution` (`480P`), then `image` (one data URI) or `images` (several), then
    /// vendor options sorted by key.
    public func jsonSubmitBody(for request: ResolvedVideoRequest) throws(VideoProviderError) -> JSONBody {
        if jsonStyle == .xAINative { return try xAINativeSubmitBody(for: request) }
        var body = JSONBody()
        body["model"] = .string(request.model)
        body["prompt"] = .string(request.prompt)
        if request.sendsDuration {
            // "passing it as a string is recommended, e.g. \"6\"".
            body["seconds"] = .string(String(request.seconds))
        }
        body["aspect_ratio"] = .string(request.aspectRatio.rawValue)
        if let resolution = request.resolution {
            body["resolution"] = .string(resolution.upperCased)
        }
        var images: [JSONBody.Value] = []
        for (index, image) in request.images.enumerated() {
            let (payload, format) = try imageBytes(image, index: index, model: request.model, encoding: .json)
            images.append(.dataURI(payload, format))
        }
        // "Do not pass image together with images."
        if images.count == 1 {
            body["image"] = images[0]
        } else if images.count > 1 {
            body["images"] = .array(images)
        }
        // Sorted, so the same request always produces the same bytes.
        for key in request.vendorOptions.keys.sorted() {
            if let value = request.vendorOptions[key] { body[key] = .json(value) }
        }
        return body
    }

    /// The ``JSONStyle/xAINative`` body: `model`, `prompt`, `duration` (an integer), `aspect_ratio`,
    /// `resolution` (`480p`), then `image: {"url": …}` (one data URI) or `reference_images: [{"url": …}]`
    /// (several), then vendor options sorted by key.
    public func xAINativeSubmitBody(for request: ResolvedVideoRequest) throws(VideoProviderError) -> JSONBody {
        var body = JSONBody()
        body["model"] = .string(request.model)
        body["prompt"] = .string(request.prompt)
        if request.sendsDuration { body["duration"] = .int(request.seconds) }
        body["aspect_ratio"] = .string(request.aspectRatio.rawValue)
        if let resolution = request.resolution { body["resolution"] = .string(resolution.rawValue) }
        var images: [JSONBody.Value] = []
        for (index, image) in request.images.enumerated() {
            let (payload, format) = try imageBytes(image, index: index, model: request.model, encoding: .json)
            var object = JSONBody()
            object["url"] = .dataURI(payload, format)
            images.append(.object(object))
        }
        if images.count == 1 {
            body["image"] = images[0]
        } else if images.count > 1 {
            body["reference_images"] = .array(images)
        }
        for key in request.vendorOptions.keys.sorted() where body[key] == nil {
            if let value = request.vendorOptions[key] { body[key] = .json(value) }
        }
        return body
    }

    /// The multipart submit body: text parts `model`, `prompt`, `aspect_ratio`, `seconds`, `size` (the
    /// order of the vendors' curl example), one `input_reference` file part per image, then vendor options
    /// as text parts sorted by key.
    ///
    /// A vendor option's text is the string itself, or the compact JSON of any other value; a `null`
    /// option is left out, because a form has no way to say null.
    public func multipartSubmitBody(
        for request: ResolvedVideoRequest, boundary: String
    ) throws(VideoProviderError) -> MultipartBody {
        var body = MultipartBody(boundary: boundary)
        body.addField("model", request.model)
        body.addField("prompt", request.prompt)
        body.addField("aspect_ratio", request.aspectRatio.rawValue)
        if request.sendsDuration {
            body.addField("seconds", String(request.seconds))
        }
        if let resolution = request.resolution {
            body.addField("size", resolution.upperCased)
        }
        for (index, image) in request.images.enumerated() {
            let (payload, format) = try imageBytes(image, index: index, model: request.model, encoding: .multipart)
            let filename: String
            if case .upload(_, _, let name) = image {
                filename = name
            } else {
                filename = "image-\(index + 1).\(format.fileExtension)"
            }
            body.addFile("input_reference", filename: filename, contentType: format.mimeType, payload: payload)
        }
        for key in request.vendorOptions.keys.sorted() {
            guard let value = request.vendorOptions[key], !value.isNull else { continue }
            body.addField(key, value.stringValue ?? value.description)
        }
        return body
    }

    /// The bytes of an image, whichever byte form validation chose; both encodings carry bytes, never
    /// a URL for the gateway to fetch.
    private func imageBytes(
        _ image: ResolvedImage, index: Int, model: String, encoding: Encoding
    ) throws(VideoProviderError) -> (ImagePayload, ImageFormat) {
        switch image {
        case .dataURI(let payload, let format), .upload(let payload, let format, _):
            return (payload, format)
        case .publicURL(let url):
            // Validation refuses public URLs for every table that uses this dialect, so reaching here
            // means a table lists `.publicURL`: a table bug, reported rather than sent.
            let field = encoding == .json ? "image/images" : "input_reference"
            throw VideoProviderError(
                .invalidRequest,
                "\(providerID) cannot fetch image URLs; images travel as bytes in \(field).",
                providerID: providerID,
                model: model,
                violations: [
                    Violation(
                        parameter: "images[\(index)]", value: url.absoluteString,
                        allowed: encoding == .json ? "data-uri" : "multipart-file",
                        reason: "the OpenAI-format gateways take image bytes only")
                ])
        }
    }

    /// Reads the submit answer, an OpenAI-style video object such as `{"id":"video_abc123",
    /// "object":"video","status":"queued","progress":0,…}`, by the shared rules of ``GatewayAnswer``.
    ///
    /// The task id may be `id`, `task_id` or `request_id` (new-api's xAI channel answers `request_id` on
    /// `/v1/videos`), also inside new-api's `{"code":"success","data":{…}}` envelope. A non-2xx answer is
    /// the vendor's typed error; a 2xx answer without a task id that carries an error is a refusal with
    /// that message (nothing was created, so never ambiguous). A 2xx answer with an id but no status is
    /// taken as `queued`: the id proves the task exists, and a new task waits in the queue.
    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        try VendorResponse.submitSnapshot(
            response, provider: providerID, model: request.model, documentedIDField: "id")
    }

    // MARK: - Status

    /// The `GET` that asks where a task stands.
    public func statusRequest(taskID: String, context: ProviderContext) throws(VideoProviderError) -> HTTPRequest {
        try requireTaskID(taskID, for: "a task's status")
        return HTTPRequest(
            method: .get, url: context.url(Self.statusPath(taskID: taskID)), headers: context.standardHeaders())
    }

    /// Reads the status answer by the shared rules of ``GatewayAnswer``.
    ///
    /// The status words of ``TaskStatus/vendorWords`` map to their `TaskStatus`; any other word is
    /// `TaskStatus.unknown` with the word kept in `rawStatus`, or `failed` when the answer carries an
    /// error. The video URL is read from `video_url`, `url`, `result_url`, `video.url` or `metadata.url`
    /// (new-api's generic view), a path resolved against the gateway. A `completed` answer without one is
    /// still completed: the content endpoint serves the video. The snapshot carries the id that was asked
    /// about, because that is the id the caller tracks.
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        try VendorResponse.statusSnapshot(response, provider: providerID, taskID: taskID, operation: "status query")
    }

    // MARK: - Content

    /// The `GET {base}/v1/videos/{id}/content` that downloads a finished video from the gateway itself.
    ///
    /// It goes to the gateway's own host, so it carries the standard headers, `Authorization` included;
    /// the client still falls back to the snapshot's `video_url` (without credentials) if it fails.
    public func contentRequest(taskID: String, context: ProviderContext) throws(VideoProviderError) -> HTTPRequest {
        try requireTaskID(taskID, for: "a task's video")
        return HTTPRequest(
            method: .get, url: context.url(Self.contentPath(taskID: taskID)),
            headers: context.standardHeaders(accept: "video/*, */*"))
    }

    // MARK: - Helpers

    private func requireTaskID(_ taskID: String, for purpose: String) throws(VideoProviderError) {
        guard !taskID.trimmingWhitespaceAndNewlines().isEmpty else {
            throw VideoProviderError(
                .invalidRequest, "A task id is needed to ask \(providerID) for \(purpose).",
                providerID: providerID,
                violations: [Violation(parameter: "task-id", value: "\"\(taskID)\"", allowed: "a non-empty task id")])
        }
    }
}

extension OpenAIVideoDialect {
    /// An OpenAI-style video object, read field by field without trusting any of them.
    ///
    /// `{"id":"video_abc123","object":"video","model":"grok-imagine-video","status":"queued","progress":0,
    /// "created_at":1735689600,"seconds":"6","size":"720P","video_url":""}` is the documented shape. Each
    /// field is `nil` when it is missing or of a type that cannot mean what the field means; an empty
    /// `video_url` is `nil`. Some new-api gateways wrap the object as `{"code","message","data":{…}}`;
    /// such a `data` object is read instead of the envelope.
    public struct VideoObject: Sendable, Hashable {
        /// The task id: a non-empty string, or an integer written as text.
        public var id: String?
        /// The object type, usually `video`.
        public var object: String?
        /// The model the gateway says it ran.
        public var model: String?
        /// The vendor's status word, as sent (`queued`, `in_progress`, …); `nil` when missing or blank.
        public var status: String?
        /// Progress 0–100, from `42`, `42.5`, `"42"` or `"100%"`.
        public var progress: Int?
        /// When the task was created, from a Unix timestamp in seconds.
        public var createdAt: Date?
        /// The length the gateway reports (`"6"` or `6`); finite and non-negative only.
        public var seconds: Double?
        /// The size echo as sent, such as `720P` (or `1280x720` on gateways that follow OpenAI's own API).
        public var size: String?
        /// The finished video's address when the gateway gives one; `""` and non-http(s) values are `nil`.
        public var videoURL: URL?
        /// The error code from `error.code` / `error.type`, or a top-level `code` beside an error message.
        public var errorCode: String?
        /// The error message from `error.message`, a string `error`, or a top-level `message`.
        public var errorMessage: String?

        /// Reads `json` by the shared rules of ``GatewayAnswer``; never fails (a non-object gives an object
        /// with every field `nil`). `base` resolves a video URL given as a path.
        public init(json: JSONValue, relativeTo base: URL? = nil) {
            let answer = GatewayAnswer(json: json, relativeTo: base)
            let body = answer.object
            id = answer.taskID
            object = body["object"]?.stringValue
            model = answer.model
            // Kept as sent (not trimmed): it is the vendor's word, shown to users as is.
            status = answer.rawStatus
            progress = answer.progress
            createdAt = body["created_at"]?.doubleValue.flatMap {
                $0.isFinite && $0 >= 0 ? Date(timeIntervalSince1970: $0) : nil
            }
            seconds = body["seconds"]?.doubleValue.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            size = Self.text(body["size"])
            videoURL = answer.isModerated ? nil : answer.videoURL
            errorCode = answer.errorCode
            errorMessage = answer.errorMessage
        }

        /// The size echo as a resolution tier: `720P` and `720` read as 720p, `1280x720` as its shorter
        /// side.
        public var resolution: Resolution? {
            guard let size else { return nil }
            if let tier = Resolution(parsing: size) { return tier }
            let sides = size.lowercased().split(separator: "x").compactMap {
                Int($0.trimmingWhitespace())
            }
            guard sides.count == 2, let shorter = sides.min(), shorter > 0 else { return nil }
            return Resolution(parsing: String(shorter))
        }

        /// A non-blank string (trimmed), or an integer as text.
        private static func text(_ value: JSONValue?) -> String? {
            switch value {
            case .string(let text)? where !text.trimmingWhitespaceAndNewlines().isEmpty:
                return text.trimmingWhitespaceAndNewlines()
            case .int(let number)?:
                return String(number)
            default:
                return nil
            }
        }
    }
}
