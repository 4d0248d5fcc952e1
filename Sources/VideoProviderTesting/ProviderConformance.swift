public import Foundation
public import VideoProviderKit

/// The contract every ``VideoProvider`` keeps, checked from the provider's own table and sample answers.
///
/// A provider's test target describes where the provider's endpoints are, the exact requests its vendor's
/// documents show, and the answers the vendor sends; the suite then checks what every provider must do,
/// whatever its wire format:
///
/// - its table is well formed, round-trips through JSON, and every model resolves with its defaults;
/// - validation refuses what the table does not allow, naming the parameter, the value and what is allowed;
/// - submit requests are byte for byte the documented ones; status and content requests go where they
///   should, with an id that cannot change the endpoint, and refuse a blank one;
/// - the API key travels only in `Authorization` and only to the gateway's own origin;
/// - sample answers read as the vendor meant them, HTTP failures become the right error kinds, and no
///   answer (HTML, truncated, corrupted, empty) ever traps.
///
/// Providers built on the dialects' shared reading rules (``GatewayAnswer``) also opt in to
/// ``SharedAnswerRules``, the catalogue of answer shapes deployed gateways send.
///
/// In a Swift Testing target, run every check as one parameterised test:
///
/// ```swift
/// @Test(arguments: conformance.checks) func conforms(_ check: ProviderConformance.Check) async {
///     let failures = await check.failures()
///     #expect(failures == [])
/// }
/// ```
///
/// These checks do no I/O. A ``LifecycleConformance`` adds the provider's whole task life against the
/// ``GatewaySimulator``, which reads the wire with parsers written from the vendor documents.
public struct ProviderConformance: Sendable {
    /// Where the finished video comes from.
    public enum ContentSource: Sendable, Hashable {
        /// The snapshot's video URL, fetched without credentials (a CDN).
        case videoURL
        /// A content endpoint on the gateway (`/v1/videos/{id}/content`), fetched with the key.
        case endpoint(path: String)
    }

    /// The provider under test.
    public var provider: any VideoProvider
    /// The base URL requests are built against, and the origin the key may go to.
    public var baseURL: URL
    /// The key the requests carry; it must appear in `Authorization` and nowhere else.
    public var apiKey: String
    /// The multipart boundary of the byte-exact samples.
    public var boundary: String
    /// The submit path, below the base URL (`/v1/videos`).
    public var submitPath: String
    /// The status path, below the base URL, with `{id}` where the task id goes (`/v1/videos/{id}`).
    public var statusPath: String
    /// Where the finished video comes from.
    public var content: ContentSource
    /// The documented requests, byte for byte. The first is also the request submit answers are read for.
    public var requests: [RequestSample]
    /// Requests the vendor's documents rule out, and exactly how validation refuses each.
    public var refusals: [RefusalSample]
    /// The vendor's answers and what they mean.
    public var answers: [AnswerSample]
    /// The shared reading rules the provider follows, or `nil` when it reads answers its own way.
    public var sharedAnswerRules: SharedAnswerRules?
    /// The provider's whole task life against the simulator, or `nil` for a vendor the simulator does not
    /// serve.
    public var lifecycle: LifecycleConformance?

    public init(
        provider: any VideoProvider, baseURL: URL, apiKey: String = "sk-conformance-0123456789abcdef",
        boundary: String = "VPKConformanceBoundary", submitPath: String, statusPath: String, content: ContentSource,
        requests: [RequestSample], refusals: [RefusalSample] = [], answers: [AnswerSample] = [],
        sharedAnswerRules: SharedAnswerRules? = nil, lifecycle: LifecycleConformance? = nil
    ) {
        self.provider = provider
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.boundary = boundary
        self.submitPath = submitPath
        self.statusPath = statusPath
        self.content = content
        self.requests = requests
        self.refusals = refusals
        self.answers = answers
        self.sharedAnswerRules = sharedAnswerRules
        self.lifecycle = lifecycle
        self.lifecycle?.provider = provider
    }

    /// One named part of the contract. ``failures()`` is empty when the provider keeps it.
    public struct Check: Sendable, CustomStringConvertible {
        public let name: String
        private let run: @Sendable () async -> [String]

        init(_ name: String, _ run: @escaping @Sendable () async -> [String]) {
            self.name = name
            self.run = run
        }

        /// What the provider got wrong, one sentence each; empty when it keeps this part of the contract.
        public func failures() async -> [String] { await run() }

        public var description: String { name }
    }

    /// A fresh simulator and a client with only the provider registered (its table changed by
    /// `overrides`), as ``lifecycle`` runs them, for a provider's own scenarios.
    public func harness(overrides: [ModelCapabilities] = []) throws -> (GatewaySimulator, VideoClient) {
        guard let lifecycle else {
            throw VideoProviderError(.configuration, "The conformance description has no lifecycle.")
        }
        return try lifecycle.harness(overrides: overrides)
    }

    /// Every check, in the order the contract lists them.
    public var checks: [Check] {
        var checks = [
            Check("table") { self.tableFailures() },
            Check("validation from the table") { self.validationFailures() },
            Check("documented refusals") { self.refusalSampleFailures() },
            Check("image inputs") { self.imageInputFailures() },
            Check("documented requests, byte for byte") { self.requestSampleFailures() },
            Check("headers and the key") { self.headerFailures() },
            Check("status requests") { self.statusRequestFailures() },
            Check("content requests") { self.contentRequestFailures() },
            Check("sample answers") { self.answerSampleFailures(self.answers) },
            Check("HTTP failures") { self.httpFailureFailures() },
            Check("unreadable answers") { self.unreadableAnswerFailures() },
            Check("truncated answers") { self.truncationFailures() },
            Check("corrupted answers") { self.corruptionFailures() },
        ]
        if let rules = sharedAnswerRules {
            checks.append(Check("shared rules: status answers") { self.answerSampleFailures(rules.statusAnswers) })
            checks.append(
                Check("shared rules: submit answers") {
                    self.answerSampleFailures(rules.submitAnswers(idField: rules.submitIDField))
                })
        }
        for scenario in lifecycle?.scenarios ?? [] {
            checks.append(Check("through the client: \(scenario)") { await scenario.failures() })
        }
        return checks
    }

    // MARK: - Shared pieces

    /// The context every request is built with: the base URL, the key, the samples' boundary.
    var context: ProviderContext {
        ProviderContext(baseURL: baseURL, apiKey: APIKey(apiKey), multipartBoundary: boundary)
    }

    /// `base` joined with `path` the way the dialects join them.
    static func url(_ base: URL, _ path: String) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + path
    }

    /// The status URL for an id already percent-encoded.
    func statusURL(_ encodedID: String, base: URL? = nil) -> String {
        Self.url(base ?? baseURL, statusPath.replacingOccurrences(of: "{id}", with: encodedID))
    }

    /// The first sample request, resolved: submit answers are read for it.
    func sampleRequest() throws(VideoProviderError) -> ResolvedVideoRequest {
        guard let sample = requests.first else {
            throw VideoProviderError(.configuration, "The conformance description has no request sample.")
        }
        return try RequestValidator.resolve(sample.request, on: provider.descriptor, policy: sample.policy)
    }

    /// A JSON answer with `status`.
    static func answer(_ status: Int, _ body: String, headers: [String: String] = [:]) -> HTTPResponse {
        var fields: HTTPHeaders = ["Content-Type": "application/json"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { fields[name] = value }
        return HTTPResponse(status: status, headers: fields, body: Data(body.utf8))
    }
}

/// A documented submit request and the exact bytes it must become.
public struct RequestSample: Sendable, CustomStringConvertible {
    /// What the sample shows, for failure messages.
    public var name: String
    public var request: VideoRequest
    public var policy: ValidationPolicy
    /// The `Content-Type` the request must carry; `nil` for the suite's: JSON, or multipart with the
    /// conformance boundary when ``body`` starts with it.
    public var contentType: String?
    /// Every byte of the body.
    public var body: Data
    /// The parameters validation warns about, in order, when the sample pins them.
    public var warnings: [String]?

    /// A sample whose body is text (JSON, or multipart without file parts).
    public init(
        _ name: String, _ request: VideoRequest, policy: ValidationPolicy = .strict, contentType: String? = nil,
        warnings: [String]? = nil, body: String
    ) {
        self.init(name, request, policy: policy, contentType: contentType, warnings: warnings, bytes: Data(body.utf8))
    }

    /// A sample whose body holds bytes that are not text (image file parts).
    public init(
        _ name: String, _ request: VideoRequest, policy: ValidationPolicy = .strict, contentType: String? = nil,
        warnings: [String]? = nil, bytes: Data
    ) {
        self.name = name
        self.request = request
        self.policy = policy
        self.contentType = contentType
        self.warnings = warnings
        self.body = bytes
    }

    public var description: String { name }
}

/// A request the vendor's documents rule out, and the exact violations validation names for it.
public struct RefusalSample: Sendable, CustomStringConvertible {
    public var request: VideoRequest
    /// ``VideoProviderError/Kind/invalidRequest``, or ``VideoProviderError/Kind/unknownModel``.
    public var kind: VideoProviderError.Kind
    public var violations: [Violation]

    public init(_ request: VideoRequest, kind: VideoProviderError.Kind = .invalidRequest, _ violations: [Violation]) {
        self.request = request
        self.kind = kind
        self.violations = violations
    }

    public var description: String { "\(request.model): " + violations.map(\.parameter).joined(separator: ", ") }
}

/// An answer a vendor sends and what it must read as.
public struct AnswerSample: Sendable, CustomStringConvertible {
    /// Which parser reads the answer.
    public enum Operation: Sendable, Hashable {
        /// The submit answer, read for the conformance's first request sample.
        case submit
        /// A status answer for the task with this id.
        case status(taskID: String)
    }

    /// What the answer must read as.
    public enum Outcome: Sendable {
        /// Exactly this snapshot (the submit's `model` defaults to the request's when the snapshot has none).
        case snapshot(TaskSnapshot)
        /// This error: its kind, vendor code, vendor message and `Retry-After` exactly, and its message when
        /// given. The HTTP status, provider, model (submit) and task id (status) are checked too.
        case error(ExpectedError)
    }

    /// Snapshot fields a sample leaves unchecked, where dialects legitimately differ.
    public enum Field: String, Sendable, Hashable {
        case progress, model, actualDuration
    }

    public var name: String
    public var operation: Operation
    public var response: HTTPResponse
    public var outcome: Outcome
    public var ignoring: Set<Field>

    public init(
        _ name: String, _ operation: Operation, _ response: HTTPResponse, _ outcome: Outcome,
        ignoring: Set<Field> = []
    ) {
        self.name = name
        self.operation = operation
        self.response = response
        self.outcome = outcome
        self.ignoring = ignoring
    }

    /// A status answer (JSON unless `contentType` says otherwise) for task `video_1` unless told.
    public static func status(
        _ name: String, _ body: String, http status: Int = 200, headers: [String: String] = [:],
        taskID: String = "video_1", ignoring: Set<Field> = [], _ outcome: Outcome
    ) -> AnswerSample {
        AnswerSample(
            name, .status(taskID: taskID), ProviderConformance.answer(status, body, headers: headers), outcome,
            ignoring: ignoring)
    }

    /// A submit answer (JSON) for the first request sample.
    public static func submit(
        _ name: String, _ body: String, http status: Int = 200, headers: [String: String] = [:],
        ignoring: Set<Field> = [], _ outcome: Outcome
    ) -> AnswerSample {
        AnswerSample(
            name, .submit, ProviderConformance.answer(status, body, headers: headers), outcome, ignoring: ignoring)
    }

    public var description: String { name }
}

/// The error an answer must read as.
public struct ExpectedError: Sendable, Hashable, CustomStringConvertible {
    public var kind: VideoProviderError.Kind
    public var vendorCode: String?
    public var vendorMessage: String?
    public var retryAfter: Duration?
    /// The whole message, when the sample pins it; `{provider}` stands for the provider's id.
    public var message: String?

    public init(
        _ kind: VideoProviderError.Kind, code: String? = nil, message vendorMessage: String? = nil,
        retryAfter: Duration? = nil, exactly message: String? = nil
    ) {
        self.kind = kind
        self.vendorCode = code
        self.vendorMessage = vendorMessage
        self.retryAfter = retryAfter
        self.message = message
    }

    public var description: String {
        "\(kind) (code \(vendorCode ?? "nil"), message \(vendorMessage ?? "nil"))"
    }
}
