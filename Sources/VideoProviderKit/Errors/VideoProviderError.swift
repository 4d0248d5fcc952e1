public import Foundation

/// The one error type VideoProviderKit throws.
///
/// A struct over an open set of ``Kind`` values (the async-http-client pattern): new kinds can be added
/// without breaking anyone's `switch`; compare with `==`, or match in a `switch` (`case .timeout:`, through
/// the standard library's `~=` for equatable values, with a `default:`). Every error carries the context that
/// was known when it happened (provider, model, task, HTTP status, the vendor's own code and message),
/// and its ``message`` is one sentence fit to show a user.
///
/// An API key never appears here: requests are not stored, and vendor text is scrubbed of the key before
/// it is attached.
public struct VideoProviderError: Error, Sendable, CustomStringConvertible, CustomReflectable, LocalizedError {
    /// What went wrong, as a stable, extensible value.
    public struct Kind: Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The request breaks the model's rules; see ``VideoProviderError/violations``. Nothing was sent.
        public static let invalidRequest = Kind("invalid-request")
        /// No configured provider knows the model. Nothing was sent.
        public static let unknownModel = Kind("unknown-model")
        /// Providers know the model but none can serve this request; see ``VideoProviderError/skipped``.
        public static let noEligibleProvider = Kind("no-eligible-provider")
        /// The app's setup is incomplete or unsafe: a missing key or base URL, a plain-http host.
        public static let configuration = Kind("configuration")
        /// The vendor refused the credentials (HTTP 401/403).
        public static let authentication = Kind("authentication")
        /// The account's quota, balance or credit on that gateway is used up (HTTP 402, new-api's
        /// `insufficient_user_quota`, 余额不足, …). Another provider may still serve the request, so it falls
        /// back like any account problem; it is never an authentication failure.
        public static let quotaExceeded = Kind("quota-exceeded")
        /// The vendor asked us to slow down (HTTP 429).
        public static let rateLimited = Kind("rate-limited")
        /// The vendor does not know the model or task (HTTP 404).
        public static let notFound = Kind("not-found")
        /// The vendor rejected the request's content (HTTP 400-class); its message says why.
        public static let vendorRejected = Kind("vendor-rejected")
        /// The vendor refused the prompt or images on policy grounds.
        public static let contentPolicy = Kind("content-policy")
        /// The vendor failed (HTTP 5xx).
        public static let serverError = Kind("server-error")
        /// The vendor answered something we cannot read: HTML, malformed JSON, a missing field.
        public static let invalidResponse = Kind("invalid-response")
        /// The connection failed before the request could have reached the vendor.
        public static let connectionFailed = Kind("connection-failed")
        /// No answer in time.
        public static let timeout = Kind("timeout")
        /// A submission was sent and no usable answer came back: a paid task may exist. Not retried
        /// unless the caller opts in.
        public static let ambiguousSubmission = Kind("ambiguous-submission")
        /// The task ended as failed, cancelled or expired on the vendor's side.
        public static let taskFailed = Kind("task-failed")
        /// The task has not finished yet (queued, processing, or a status the library does not know), so
        /// there is no video to fetch: not a failure, ask again later.
        public static let taskNotFinished = Kind("task-not-finished")
        /// The caller cancelled.
        public static let cancelled = Kind("cancelled")
        /// Fetching the finished video failed (bad URL, wrong length, refused redirect, file error).
        public static let download = Kind("download")
        /// The provider has no way to do what was asked (cancel a task on a vendor without a cancel
        /// endpoint). Nothing was sent.
        public static let unsupported = Kind("unsupported")
    }

    // The fields live in a `CopyOnWrite`: errors sit in `Result`s and typed-throw slots across the
    // client's awaits, where a large value weighs on every waiting job (docs/performance.md, `jobs`).
    private struct Fields {
        var kind: Kind
        var message: String
        var providerID: ProviderID?
        var model: String?
        var taskID: String?
        var httpStatus: Int?
        var vendorCode: String?
        var vendorMessage: String?
        var rawStatus: String?
        var retryAfter: Duration?
        var violations: [Violation]
        var skipped: [SkippedCandidate]
        var attempts: [SubmissionAttempt]
        var requestMayHaveBeenSent: Bool
        var underlying: String?
    }

    private var storage: CopyOnWrite<Fields>

    public var kind: Kind {
        get { storage.box.value.kind }
        set { storage.update { $0.kind = newValue } }
    }
    /// One sentence for a person.
    public var message: String {
        get { storage.box.value.message }
        set { storage.update { $0.message = newValue } }
    }
    public var providerID: ProviderID? {
        get { storage.box.value.providerID }
        set { storage.update { $0.providerID = newValue } }
    }
    public var model: String? {
        get { storage.box.value.model }
        set { storage.update { $0.model = newValue } }
    }
    public var taskID: String? {
        get { storage.box.value.taskID }
        set { storage.update { $0.taskID = newValue } }
    }
    public var httpStatus: Int? {
        get { storage.box.value.httpStatus }
        set { storage.update { $0.httpStatus = newValue } }
    }
    /// The vendor's own error code (`invalid_request_error`, `content_policy_violation`, …).
    public var vendorCode: String? {
        get { storage.box.value.vendorCode }
        set { storage.update { $0.vendorCode = newValue } }
    }
    /// The vendor's own error message.
    public var vendorMessage: String? {
        get { storage.box.value.vendorMessage }
        set { storage.update { $0.vendorMessage = newValue } }
    }
    /// The vendor's raw task status, for ``Kind/taskFailed``.
    public var rawStatus: String? {
        get { storage.box.value.rawStatus }
        set { storage.update { $0.rawStatus = newValue } }
    }
    /// How long the vendor asked us to wait, from `Retry-After` or `openai-poll-after-ms`.
    public var retryAfter: Duration? {
        get { storage.box.value.retryAfter }
        set { storage.update { $0.retryAfter = newValue } }
    }
    /// For ``Kind/invalidRequest``: every rule the request breaks.
    public var violations: [Violation] {
        get { storage.box.value.violations }
        set { storage.update { $0.violations = newValue } }
    }
    /// For ``Kind/noEligibleProvider``: each candidate and why it was passed over.
    public var skipped: [SkippedCandidate] {
        get { storage.box.value.skipped }
        set { storage.update { $0.skipped = newValue } }
    }
    /// Every submission attempt made before this error, oldest first.
    public var attempts: [SubmissionAttempt] {
        get { storage.box.value.attempts }
        set { storage.update { $0.attempts = newValue } }
    }
    /// For ``Kind/ambiguousSubmission``: whether the request body may have reached the vendor.
    public var requestMayHaveBeenSent: Bool {
        get { storage.box.value.requestMayHaveBeenSent }
        set { storage.update { $0.requestMayHaveBeenSent = newValue } }
    }
    /// A description of the underlying error (never the error itself, which could hold a request).
    public var underlying: String? {
        get { storage.box.value.underlying }
        set { storage.update { $0.underlying = newValue } }
    }

    public init(
        _ kind: Kind,
        _ message: String,
        providerID: ProviderID? = nil,
        model: String? = nil,
        taskID: String? = nil,
        httpStatus: Int? = nil,
        vendorCode: String? = nil,
        vendorMessage: String? = nil,
        rawStatus: String? = nil,
        retryAfter: Duration? = nil,
        violations: [Violation] = [],
        skipped: [SkippedCandidate] = [],
        attempts: [SubmissionAttempt] = [],
        requestMayHaveBeenSent: Bool = false,
        underlying: String? = nil
    ) {
        storage = CopyOnWrite(
            Fields(
                kind: kind, message: message, providerID: providerID, model: model, taskID: taskID,
                httpStatus: httpStatus, vendorCode: vendorCode, vendorMessage: vendorMessage, rawStatus: rawStatus,
                retryAfter: retryAfter, violations: violations, skipped: skipped, attempts: attempts,
                requestMayHaveBeenSent: requestMayHaveBeenSent, underlying: underlying))
    }

    public var customMirror: Mirror { storage.mirror(of: self) }

    /// The message, then every detail that is known, one per line.
    ///
    /// Fit for a terminal or a log: each value is printed with its control characters escaped (`\u001b`,
    /// `\n`; see docs/reliability.md), so vendor text can neither drive the terminal nor add lines of its
    /// own. The properties keep the text exactly as received.
    public var description: String {
        func safe(_ text: String) -> String { text.escapingControlCharacters() }
        var lines = [safe(message)]
        var context: [String] = []
        if let providerID { context.append("provider: \(safe(providerID.rawValue))") }
        if let model { context.append("model: \(safe(model))") }
        if let taskID { context.append("task: \(safe(taskID))") }
        if let httpStatus { context.append("HTTP \(httpStatus)") }
        if let vendorCode { context.append("vendor code: \(safe(vendorCode))") }
        if let rawStatus { context.append("status: \(safe(rawStatus))") }
        if !context.isEmpty { lines.append("  " + context.joined(separator: ", ")) }
        if let vendorMessage, !message.contains(vendorMessage) { lines.append("  vendor says: \(safe(vendorMessage))") }
        for violation in violations { lines.append("  - \(violation)") }
        for candidate in skipped { lines.append("  - \(candidate)") }
        if let underlying { lines.append("  cause: \(safe(underlying))") }
        return lines.joined(separator: "\n")
    }

    public var errorDescription: String? { description }

    /// This error with the key `secret` scrubbed from every text it holds: each occurrence of the whole key
    /// and each run of 8 or more of its characters (what a cut leaves of it) reads `[redacted]`. The client
    /// applies it to all vendor-supplied text, because some gateways echo the key back in their error
    /// messages. Keys shorter than 4 characters are left alone.
    public func redacting(_ secret: String?) -> VideoProviderError {
        guard let secret, secret.utf8.count >= SecretRedaction.minimumKeyLength else { return self }
        func scrub(_ text: String?) -> String? { text?.redactingSecret(secret) }
        var copy = self
        copy.message = scrub(message) ?? message
        copy.taskID = scrub(taskID)
        copy.vendorMessage = scrub(vendorMessage)
        copy.vendorCode = scrub(vendorCode)
        copy.underlying = scrub(underlying)
        copy.rawStatus = scrub(rawStatus)
        // Violations, skipped candidates and attempts are printed by `description` too.
        func scrub(_ violation: Violation) -> Violation {
            Violation(
                parameter: scrub(violation.parameter) ?? violation.parameter, value: scrub(violation.value) ?? "",
                allowed: scrub(violation.allowed) ?? "", reason: scrub(violation.reason))
        }
        copy.violations = violations.map(scrub)
        copy.skipped = skipped.map {
            SkippedCandidate(
                providerID: $0.providerID, model: scrub($0.model), reason: scrub($0.reason) ?? "",
                violations: $0.violations.map(scrub))
        }
        copy.attempts = attempts.map {
            SubmissionAttempt(
                providerID: $0.providerID, model: scrub($0.model) ?? $0.model, outcome: $0.outcome,
                httpStatus: $0.httpStatus, errorKind: $0.errorKind, detail: scrub($0.detail), endedAt: $0.endedAt)
        }
        return copy
    }
}

/// A provider passed over before anything was sent, and why.
public struct SkippedCandidate: Sendable, Hashable, Codable, CustomStringConvertible {
    public let providerID: ProviderID
    public let model: String?
    public let reason: String
    /// The rule violations, when the reason is the request itself.
    public let violations: [Violation]

    public init(providerID: ProviderID, model: String?, reason: String, violations: [Violation] = []) {
        self.providerID = providerID
        self.model = model
        self.reason = reason
        self.violations = violations
    }

    public var description: String {
        let name = (model.map { "\(providerID):\($0)" } ?? providerID.rawValue).escapingControlCharacters()
        if violations.isEmpty { return "\(name): \(reason.escapingControlCharacters())" }
        return "\(name): " + violations.map(\.description).joined(separator: "; ")
    }
}

/// One try at creating a task on one provider.
public struct SubmissionAttempt: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case accepted
        /// Failed; the same provider was tried again.
        case retried
        /// Failed; the next provider was tried.
        case fellBack = "fell-back"
        /// Failed; nothing further was tried.
        case stopped
        /// Sent, but no usable answer: a task may exist.
        case ambiguous
    }

    public let providerID: ProviderID
    public let model: String
    public let outcome: Outcome
    public let httpStatus: Int?
    public let errorKind: VideoProviderError.Kind?
    public let detail: String?
    /// When the attempt ended, as seconds since 1970.
    public let endedAt: Double

    public init(
        providerID: ProviderID, model: String, outcome: Outcome, httpStatus: Int? = nil,
        errorKind: VideoProviderError.Kind? = nil, detail: String? = nil, endedAt: Double
    ) {
        self.providerID = providerID
        self.model = model
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.errorKind = errorKind
        self.detail = detail
        self.endedAt = endedAt
    }

    public var description: String {
        var text = "\(providerID):\(model) \(outcome.rawValue)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if let detail { text += ": \(detail)" }
        return text.escapingControlCharacters()
    }
}
