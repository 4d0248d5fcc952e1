public import Foundation

/// An API key. Its description is always `[redacted]`, so it cannot leak through string interpolation,
/// `print`, `dump` or an error message.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself. Read it only to build an `Authorization` header.
    public let secret: String

    public init(_ secret: String) { self.secret = secret }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "APIKey([redacted])" }
    public var customMirror: Mirror { Mirror(self, children: ["secret": "[redacted]"]) }

    /// `Bearer <secret>`.
    public var bearerHeaderValue: String { "Bearer \(secret)" }
}

/// What a provider needs to build requests for one configured deployment.
public struct ProviderContext: Sendable, Hashable {
    /// The gateway's base URL, without a trailing slash (`https://octopusx.ai`).
    public var baseURL: URL
    public var apiKey: APIKey?
    /// Extra headers the app configured for this provider, sent with every request to the vendor's host.
    public var additionalHeaders: HTTPHeaders
    /// The boundary for multipart bodies: random in production, fixed in byte-exact tests.
    public var multipartBoundary: String

    /// How the key goes on the wire (``CredentialScheme/bearer`` unless the provider or app says otherwise).
    public var credentials: CredentialScheme
    /// When a signed credential is signed; `nil` signs at the moment the headers are built. Tests fix it.
    public var credentialDate: Date?

    public init(
        baseURL: URL,
        apiKey: APIKey?,
        additionalHeaders: HTTPHeaders = HTTPHeaders(),
        multipartBoundary: String = MultipartBody.randomBoundary(),
        credentials: CredentialScheme = .bearer,
        credentialDate: Date? = nil
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.additionalHeaders = additionalHeaders
        self.multipartBoundary = multipartBoundary
        self.credentials = credentials
        self.credentialDate = credentialDate
    }

    /// `baseURL` joined with `path` (which starts with `/`), keeping any path prefix of the base
    /// (`…/kyyReactApiServer` + `/v1/grok/videos`). Characters a URL cannot hold (a space, `|`) are
    /// percent-encoded.
    public func url(_ path: String) -> URL {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        if let url = URL(string: base + path) { return url }
        // Foundation before macOS 14 and iOS 17 refuses such characters where later releases (and Linux's)
        // encode them: encode them the same way rather than trap.
        var allowed = CharacterSet.urlPathAllowed.union(.urlQueryAllowed)
        allowed.insert("#")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        // Every character is now one a URL holds, so this parses; the base is only what a type needs.
        return URL(string: base + encoded) ?? baseURL
    }

    /// Percent-encodes a task id for use as one path segment.
    public static func pathSegment(_ text: String) -> String {
        // Task ids are almost always unreserved characters only, which no encoding changes: skip building
        // a character set and encoding on every status poll.
        let unreserved = text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~")
        }
        if unreserved { return text }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The headers every request to the vendor carries: the credential when a key is set (by
    /// ``credentials``: `Authorization: Bearer <key>` by default), `Accept`, the scheme's fixed headers,
    /// then the app's additional headers. The credential's header is marked sensitive.
    public func standardHeaders(accept: String = "application/json") -> HTTPHeaders {
        var headers = HTTPHeaders()
        credentials.apply(apiKey, date: credentialDate ?? Date(), to: &headers)
        headers["Accept"] = accept
        for field in credentials.fixedHeaders { headers[field.name] = field.value }
        for field in additionalHeaders { headers[field.name] = field.value }
        return headers
    }

    /// The task-creating `POST` of `body` to `path` on the gateway: the standard headers, then
    /// `Content-Type` (which an app's header of that name cannot change).
    public func submission(to path: String, body: HTTPBody, contentType: String) -> HTTPRequest {
        var headers = standardHeaders()
        headers["Content-Type"] = contentType
        return HTTPRequest(method: .post, url: url(path), headers: headers, body: body, createsTask: true)
    }

    /// A `GET` of `prefix`, the task id as one checked path segment (``taskSegment(_:provider:)``), then
    /// `suffix`, with the standard headers: the status and content requests of most wires.
    public func get(
        _ prefix: String, task taskID: String, _ suffix: String = "", provider: ProviderID,
        accept: String = "application/json"
    ) throws(VideoProviderError) -> HTTPRequest {
        get(prefix + (try Self.taskSegment(taskID, provider: provider)) + suffix, accept: accept)
    }

    /// A `GET` of `path` on the gateway, with the standard headers.
    public func get(_ path: String, accept: String = "application/json") -> HTTPRequest {
        HTTPRequest(method: .get, url: url(path), headers: standardHeaders(accept: accept))
    }

    /// `taskID` as one path segment (``pathSegment(_:)``), or an ``VideoProviderError/Kind/invalidRequest``
    /// naming `provider` when it is blank: a blank id would ask for the collection, not the task.
    public static func taskSegment(_ taskID: String, provider: ProviderID) throws(VideoProviderError) -> String {
        guard !taskID.trimmingWhitespaceAndNewlines().isEmpty else {
            throw VideoProviderError(
                .invalidRequest, "A task id is needed to ask \(provider) about a task.", providerID: provider,
                violations: [Violation(parameter: "task-id", value: "\"\(taskID)\"", allowed: "a non-empty task id")])
        }
        return pathSegment(taskID)
    }
}

/// The vendor-specific half of a task's life, with no I/O: a vendor target implements this.
///
/// Each method is a pure function. Submit: a ``ResolvedVideoRequest`` becomes an ``HTTPRequest``, and the
/// answer becomes a ``TaskSnapshot``. Status: a task id becomes a request, the answer a snapshot.
/// Content: a finished snapshot becomes the request that fetches the video. The client in
/// `VideoProviderKit` owns everything else (sending, retries, fallback, polling, downloads), so a
/// provider is testable byte for byte and a new vendor is a small target.
///
/// Most vendors share a wire format with others and get these methods from a dialect module
/// (`KyyReactDialect`, `OpenAIVideoDialect`, `XAIVideoDialect`): such a vendor is only its
/// ``descriptor``. A vendor with a wire format of its own implements ``submitRequest(for:context:)`` and
/// ``statusRequest(taskID:model:context:)``; reading answers by the rules deployed gateways share and
/// fetching the video from its URL come with the protocol, and it implements those too where its vendor
/// differs.
///
/// Response parsers must never trap: malformed, truncated or HTML bodies, unknown statuses and missing
/// fields become a ``VideoProviderError`` (usually ``VideoProviderError/Kind/invalidResponse``) or a
/// snapshot with ``TaskStatus/unknown``. ``VendorResponse`` reads answers by the rules every dialect shares.
public protocol VideoProvider: Sendable {
    /// Identity, default base URL and the capability table of every model.
    var descriptor: ProviderDescriptor { get }

    /// The request that creates a task. Mark it ``HTTPRequest/createsTask``.
    func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest

    /// Reads the submit answer. Non-2xx answers throw a ``VideoProviderError`` carrying the HTTP status
    /// and the vendor's code and message.
    func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot

    /// The request that asks where a task stands.
    func statusRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest

    /// Reads the status answer.
    func parseStatusResponse(_ response: HTTPResponse, taskID: String) throws(VideoProviderError) -> TaskSnapshot

    /// The request that fetches the finished video: the gateway's content endpoint when it has one, or
    /// the snapshot's video URL. Returns `nil` when there is no way to fetch it. A request to a host
    /// other than the gateway's must not carry the API key.
    func contentRequest(
        for snapshot: TaskSnapshot, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest?

    /// The follow-up call a completed task needs before its video can be fetched (MiniMax: its `file_id`
    /// asked at `/v1/files/retrieve`), or `nil` when the snapshot already says where the video is. See
    /// <doc:WritingAProvider> ("A task's lifecycle"); the default is `nil`.
    func resultRequest(
        for snapshot: TaskSnapshot, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest?

    /// Reads the follow-up answer: `snapshot` with the video's URL (and its expiry) filled in.
    func parseResultResponse(
        _ response: HTTPResponse, for snapshot: TaskSnapshot
    ) throws(VideoProviderError) -> TaskSnapshot

    /// The request that cancels a task, or `nil` when the vendor has no way to cancel (the default).
    func cancelRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest?

    /// Reads the cancel answer: the task's snapshot after the cancel (by default ``TaskStatus/cancelled``
    /// for any 2xx answer, the vendor's typed error otherwise).
    func parseCancelResponse(_ response: HTTPResponse, taskID: String) throws(VideoProviderError) -> TaskSnapshot

    /// Origins other than the base URL's whose video URLs need the provider's credentials (a vendor that
    /// serves videos from a second host of its own). Empty by default: only the provider's own origin ever
    /// sees the key.
    var credentialedContentOrigins: [URL] { get }

    /// Whether the vendor's video URLs stop working after a while (Runway, Veo): a download refused with
    /// HTTP 403 or 410 then asks where the task stands once more, for a fresh URL. `false` by default.
    var resultURLsExpire: Bool { get }

    /// How the key goes on the wire, and which headers are secrets: ``CredentialScheme/bearer`` unless the
    /// vendor says otherwise. A registration may override it (``ProviderConfiguration/credentials``).
    var credentialScheme: CredentialScheme { get }
}

extension VideoProvider {
    public var id: ProviderID { descriptor.id }

    /// Reads the submit answer by the rules deployed gateways follow (``GatewayAnswer``,
    /// ``VendorResponse/submitSnapshot(_:provider:model:documentedIDField:vendorName:)``): a non-2xx answer is
    /// the vendor's typed error; a 2xx answer with a task id (`id`, `task_id`, `request_id`, `taskId`, also
    /// inside new-api's envelope) is the task, `queued` when it says no status; a 2xx answer without an id
    /// that carries an error is a refusal (nothing was created, so never ambiguous); anything else is an
    /// invalid response. A provider whose vendor answers otherwise implements this itself.
    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        try VendorResponse.submitSnapshot(response, provider: id, model: request.model, documentedIDField: "id")
    }

    /// Reads the status answer by the rules deployed gateways follow (``GatewayAnswer``): the status words of
    /// ``TaskStatus/vendorWords``, any other word ``TaskStatus/unknown`` (or `failed` beside an error); the
    /// video URL from the usual fields, a path resolved against the gateway; a `completed` answer without
    /// one is still completed (whether that is an error is the client's decision). The snapshot carries the
    /// id that was asked about, because that is the id the caller tracks.
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        try VendorResponse.statusSnapshot(response, provider: id, taskID: taskID, operation: "status query")
    }

    /// The snapshot's video URL, fetched without credentials (``videoURLRequest(for:)``): right for a vendor
    /// without a content endpoint, whose videos live on a host that must never see the key.
    public func contentRequest(for snapshot: TaskSnapshot, context: ProviderContext) -> HTTPRequest? {
        videoURLRequest(for: snapshot)
    }

    /// A plain `GET` of the snapshot's video URL, without credentials. Providers without a content
    /// endpoint return this from ``contentRequest(for:context:)``.
    public func videoURLRequest(for snapshot: TaskSnapshot) -> HTTPRequest? {
        guard let url = snapshot.videoURL else { return nil }
        return HTTPRequest(method: .get, url: url, headers: ["Accept": "video/*, */*"])
    }
}

extension JSONBody {
    /// The fields every JSON video body opens with, in this order: `model`, `prompt`, the length (left out
    /// for a fixed length the vendor asks not to send), `aspect_ratio`, and `resolution` when the model lets
    /// the caller choose one. Every value is written explicitly (the resolved request holds the model's
    /// defaults), so what is billed never depends on a server-side default.
    ///
    /// - Parameters:
    ///   - request: the resolved request, its defaults filled in.
    ///   - lengthField: the length's name, `duration` (an integer) unless the wire says otherwise.
    ///   - lengthAsText: whether the length is a string (`"8"`), as the OpenAI-format pages recommend.
    ///   - upperCaseResolution: whether the resolution is spelled `480P` rather than the canonical `480p`.
    public init(
        videoFieldsOf request: ResolvedVideoRequest, lengthField: String = "duration", lengthAsText: Bool = false,
        upperCaseResolution: Bool = false
    ) {
        self.init()
        self["model"] = .string(request.model)
        self["prompt"] = .string(request.prompt)
        if request.sendsDuration {
            self[lengthField] = lengthAsText ? .string(String(request.seconds)) : .int(request.seconds)
        }
        self["aspect_ratio"] = .string(request.aspectRatio.rawValue)
        if let resolution = request.resolution {
            self["resolution"] = .string(upperCaseResolution ? resolution.upperCased : resolution.rawValue)
        }
    }

    /// Appends the request's vendor options after the typed fields, sorted by key so the same request
    /// always gives the same bytes. A typed field already in the body keeps its value (validation refuses
    /// such names anyway; a table that lets one through must not let an option change what is billed).
    public mutating func appendVendorOptions(_ options: [String: JSONValue]) {
        for key in options.keys.sorted() where self[key] == nil {
            if let value = options[key] { self[key] = .json(value) }
        }
    }
}

extension ResolvedImage {
    /// The image as a URL in a JSON body: a public URL as itself, bytes as a `data:` URI (encoded while the
    /// body is written). A multipart upload can reach a JSON wire only if a capability table lists
    /// `.multipartFile` for it, a table bug: it is refused naming the image, never sent.
    public func jsonURL(index: Int, model: String, provider: ProviderID) throws(VideoProviderError) -> JSONBody.Value {
        switch self {
        case .publicURL(let url):
            return .string(url.absoluteString)
        case .dataURI(let payload, let format):
            return .dataURI(payload, format)
        case .upload:
            throw VideoProviderError(
                .invalidRequest, "\(provider) takes images as URLs or data URIs in JSON, not as multipart uploads.",
                providerID: provider, model: model,
                violations: [
                    Violation(
                        parameter: "images[\(index)]", value: "multipart-file", allowed: "public-url, data-uri",
                        reason: "\(provider)'s body is JSON only")
                ])
        }
    }

    /// The image as a JSON string for a vendor that takes raw base64 (Kling's `image`): a public URL as
    /// itself, bytes as plain base64 without a `data:` prefix (encoded while the body is written). A
    /// multipart upload is refused naming the image, as in ``jsonURL(index:model:provider:)``.
    public func jsonRawBase64(index: Int, model: String, provider: ProviderID) throws(VideoProviderError)
        -> JSONBody.Value
    {
        switch self {
        case .publicURL(let url):
            return .string(url.absoluteString)
        case .dataURI(let payload, _):
            return .base64(payload)
        case .upload:
            return try jsonURL(index: index, model: model, provider: provider)
        }
    }
}
