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
/// @Test(arguments: conformance.checks)
/// func conforms(_ check: ProviderConformance.Check) async throws { try await check.verify() }
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
    /// The boundary samples use unless told otherwise.
    public static let defaultBoundary = "VPKConformanceBoundary"
    /// Requests adjusted to the nearest the table allows, and what they become.
    public var adjustments: [AdjustmentSample]
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
    /// A task id as the vendor gives them, for the status and header checks (`video_abc123`).
    public var sampleTaskID: String = "video_abc123"
    /// Ids the provider refuses before building a status request, for a vendor whose task ids have a
    /// documented shape (Google's `models/{model}/operations/{id}`); `nil` when any id is vendor data, sent
    /// as one path segment whatever it holds.
    public var malformedTaskIDs: [String]?

    public init(
        provider: any VideoProvider, baseURL: URL, apiKey: String = "sk-conformance-0123456789abcdef",
        boundary: String = defaultBoundary, submitPath: String, statusPath: String, content: ContentSource,
        requests: [RequestSample], refusals: [RefusalSample] = [], adjustments: [AdjustmentSample] = [],
        answers: [AnswerSample] = [],
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
        self.adjustments = adjustments
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

        /// Throws a ``Failure`` listing what the provider got wrong; returns when it keeps this part of the
        /// contract. A test that calls it fails with every finding in its message.
        public func verify() async throws(Failure) {
            let failures = await run()
            if !failures.isEmpty { throw Failure(check: name, findings: failures) }
        }

        /// What a ``Check`` found, one sentence a finding.
        public struct Failure: Error, CustomStringConvertible {
            public let check: String
            public let findings: [String]

            public var description: String {
                "\(check): " + findings.joined(separator: "\n  ")
            }
        }

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
            Check("adjustments") { self.adjustmentSampleFailures() },
            Check("image inputs") { self.imageInputFailures() },
            Check("images past validation") { self.pastValidationFailures() },
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

    /// The context every request is built with: the base URL, the key, the samples' boundary, the provider's
    /// credential scheme (signing at a fixed moment).
    var context: ProviderContext {
        ProviderContext(
            baseURL: baseURL, apiKey: APIKey(apiKey), multipartBoundary: boundary,
            credentials: provider.credentialScheme, credentialDate: Self.credentialDate)
    }

    /// When the samples' credentials are signed.
    static let credentialDate = Date(timeIntervalSince1970: 1_767_225_600)

    /// The header the provider's scheme puts the credential in (`Authorization`, `x-goog-api-key`).
    var credentialHeader: String { provider.credentialScheme.credentialHeaderName }

    /// The credential header's value for the suite's key: `Bearer <key>`, the key itself, or the signed token.
    var expectedCredential: String {
        switch provider.credentialScheme.placement {
        case .bearer: return "Bearer \(apiKey)"
        case .header: return apiKey
        case .signedBearer(let signer):
            return "Bearer " + signer.token(secretKey: APIKey(apiKey), at: Self.credentialDate)
        }
    }

    /// The credential header's value as logs show it: `Bearer [redacted]`, or `[redacted]` for a bare key.
    var redactedCredential: String {
        if case .header = provider.credentialScheme.placement { return "[redacted]" }
        return "Bearer [redacted]"
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
