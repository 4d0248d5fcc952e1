/// How the client retries one provider before moving on. Backoff is exponential with jitter; a
/// server's `Retry-After` replaces the computed delay when it is short enough to be worth waiting for.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts on one provider for one submission, the first included.
    public var maximumAttempts: Int = 3
    public var initialBackoff: Duration = .seconds(1)
    public var maximumBackoff: Duration = .seconds(30)
    public var multiplier: Double = 2
    /// Each delay is randomly shortened by up to this fraction (0 disables jitter).
    public var jitter: Double = 0.2
    /// A `Retry-After` longer than this sends the request to the next provider instead of waiting.
    public var maximumRetryAfter: Duration = .seconds(30)

    public init() {}

    /// The delay before attempt `attempt + 1` (attempts count from 1), without a server hint.
    public func backoff(afterAttempt attempt: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let base = min(initialBackoff.seconds * pow(multiplier, exponent), maximumBackoff.seconds)
        let jittered = base * (1 - jitter * min(max(random, 0), 1))
        return .milliseconds(Int64((jittered * 1000).rounded()))
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= base }
        return result
    }
}

/// When a provider that keeps failing is taken out of rotation for a while (a circuit breaker).
///
/// - Each submission that ends by falling back from a provider counts one failure against it (its retries
///   do not count separately); ``failureThreshold`` consecutive ones start a cooldown. A success resets the
///   count. A 404 that says the *model* is missing does not count: the provider is healthy, its table is
///   stale.
/// - An authentication failure, an account problem (HTTP 402, an exhausted quota or balance) and a
///   `Retry-After` too long to wait for start a cooldown at once.
/// - A cooldown lasts ``duration``, or the server's `Retry-After` when that is longer.
/// - Once it has passed the provider is readmitted on probation: a success clears it, one more failure
///   starts a new cooldown at once.
public struct CooldownPolicy: Sendable, Hashable {
    /// Consecutive failed submissions (5xx, 429 after retries, connection failures) that start a
    /// cooldown.
    public var failureThreshold: Int = 3
    /// How long the provider is skipped.
    public var duration: Duration = .seconds(60)
    public var isEnabled: Bool = true

    public init() {}
}

/// What the client does with a submission that was sent but got no answer that proves nothing was
/// created (a timeout, a reset, a 5xx other than 501 and 503, a garbled 2xx). The vendor may have created,
/// and may bill, the task.
public enum AmbiguousSubmissionPolicy: String, Sendable, Hashable, Codable {
    /// Stop and throw ``VideoProviderError/Kind/ambiguousSubmission`` with everything that is known. The
    /// default: never pay twice without the caller's say-so.
    case fail
    /// Send it again, to the same provider while its attempts last, then to the next candidate. The caller
    /// accepts that the vendor may bill twice. The number of resends is bounded by
    /// ``VideoClient/Configuration/maximumAmbiguousResubmissions`` (one by default, so one dropped answer
    /// costs at most two possibly billed submissions) and by the call's billable-seconds budget
    /// (``VideoClient/SubmitOptions/maximumBillableSeconds``).
    case resubmit
}

/// What a fallback candidate may make, compared with the first choice.
///
/// Candidates fill in their own defaults, so without it a fallback could silently make (and bill) a
/// different video: aizfw's `grok_video3` makes 6 s at 480p by default, Xingchaoyiqing's 10 s at 720p.
public enum FallbackMatching: String, Sendable, Hashable, Codable {
    /// A fallback must make the same length, aspect ratio and resolution as the first choice (a model whose
    /// resolution is not configurable matches only another such model); any other candidate is passed over
    /// with the reason. The default.
    case sameOutput = "same-output"
    /// Any candidate that can serve the request may be used, even if it makes (and bills) something else.
    case anyOutput = "any-output"
}

/// What the client does after a failed attempt. The table is documented in the DocC article
/// "Errors, retries and fallback".
public enum FailureAction: Sendable, Hashable {
    /// Try the same provider again after `delay` (`nil`: the retry policy's backoff).
    case retry(after: Duration?)
    /// Move to the next candidate.
    case fallBack
    /// Give up and report the error.
    case stop
    /// A task may exist; see ``AmbiguousSubmissionPolicy``.
    case ambiguous

    /// Classifies a failed submission (the split of LiteLLM's router: retry, fall back, stop, plus the
    /// ambiguous case where money may already be spent).
    ///
    /// The money rule comes first: once a submission's body may have reached the vendor, only an answer
    /// that proves nothing was created allows sending it again, to this provider or any other. A 4xx
    /// answer, 501 (not implemented) and 503 (unavailable) prove it; any other 5xx, a timeout or reset
    /// after sending and a 2xx that cannot be read do not, so they are ambiguous. A failure before any
    /// byte was sent (DNS, a refused connection, a failed TLS handshake) proves it too.
    ///
    /// | Failure | Action |
    /// |---|---|
    /// | 429 with no `Retry-After`, or one ≤ `maximumRetryAfter` | retry (waiting as told), then fall back |
    /// | 503 with a `Retry-After` ≤ `maximumRetryAfter` | retry (waiting as told), then fall back |
    /// | connection refused / DNS / TLS handshake, a timeout before sending (nothing sent) | retry, then fall back |
    /// | HTTP 408 (the server did not get the whole request) | retry, then fall back |
    /// | 401, 403, 404 (for the model or the endpoint), 402 or an exhausted quota, 429 with a long `Retry-After`, 501, 503 without a short `Retry-After`, a refused redirect, a redirect answering the submission without a task in its body (301, 302, 307, 308), a task the vendor failed at once | fall back |
    /// | 400-class validation from the vendor (400, 409, 413, 422, …), a refused local file | stop, with the vendor's message |
    /// | content-policy refusal, whatever the HTTP status (a 200 whose body is an error too) | stop |
    /// | 500, 502, 504 and every other 5xx but 501 and 503, with or without a body; timeout or reset after sending; a 2xx we cannot read; an answer over the size limit; a redirect whose body is a task, or a 303 | ambiguous |
    ///
    /// ``VideoClient`` applies two more rules on top: a task the vendor failed at once may be billed, so it
    /// falls back only with ``VideoClient/Configuration/resubmitFailedTasks``; and an ambiguous
    /// submission is sent again only under ``AmbiguousSubmissionPolicy/resubmit``, within its bound.
    public static func forSubmission(_ error: VideoProviderError, retry: RetryPolicy) -> FailureAction {
        let kind = error.kind
        if kind == .ambiguousSubmission { return .ambiguous }
        if kind == .contentPolicy || kind == .invalidRequest || kind == .cancelled || kind == .configuration {
            return .stop
        }
        // An exhausted balance is the account's problem on this gateway, not the request's.
        if isAccountProblem(error) { return .fallBack }
        if kind == .vendorRejected { return .stop }
        if kind == .rateLimited {
            if let wait = error.retryAfter, wait > retry.maximumRetryAfter { return .fallBack }
            return .retry(after: error.retryAfter)
        }
        if kind == .timeout {
            if error.httpStatus == 408 { return .retry(after: error.retryAfter) }
            return error.requestMayHaveBeenSent ? .ambiguous : .retry(after: nil)
        }
        if kind == .connectionFailed { return error.requestMayHaveBeenSent ? .ambiguous : .retry(after: nil) }
        if let status = error.httpStatus, (500..<600).contains(status), !provesNothingWasCreated(status: status) {
            // The gateway or a proxy in front of it failed after the body arrived: the upstream may have
            // created the task before the failure (a 502 or 504 from a proxy says nothing about it).
            return .ambiguous
        }
        if kind == .serverError {
            if error.httpStatus == 503, let wait = error.retryAfter, wait <= retry.maximumRetryAfter {
                return .retry(after: wait)
            }
            return .fallBack
        }
        if kind == .invalidResponse {
            // A 2xx we cannot read may still have created the task.
            if let status = error.httpStatus, (200..<300).contains(status) { return .ambiguous }
            return .fallBack
        }
        // Authentication, not found (model or endpoint), download and anything new: another provider may do.
        return .fallBack
    }

    /// Whether a 5xx answer proves the request was not processed: 501 (the server does not support the
    /// request) and 503 (the service is unavailable) say so; every other 5xx may come after the task was
    /// created.
    package static func provesNothingWasCreated(status: Int) -> Bool {
        status == 501 || status == 503
    }

    /// Whether a 404 says the *model* is missing (`model_not_found`, "The model … does not exist"), as
    /// opposed to the endpoint or anything else. Either way the client falls back; only a missing
    /// endpoint counts against the provider's health.
    public static func isModelNotFound(_ error: VideoProviderError) -> Bool {
        guard error.kind == .notFound || error.httpStatus == 404 else { return false }
        let text = [error.vendorCode, error.vendorMessage].compactMap { $0?.lowercased() }.joined(separator: " ")
        return text.contains("model")
    }

    /// Whether the failure is the account's on that gateway: ``VideoProviderError/Kind/quotaExceeded``,
    /// HTTP 402, or a refusal that says the quota, balance or credit is used up (OpenAI's
    /// `insufficient_quota` is a 429 that no retry can heal).
    ///
    /// A refusal the provider typed ``VideoProviderError/Kind/rateLimited`` with a time to wait, worded only
    /// "quota exceeded" (no balance, credit or `insufficient_quota`), is a wait: Google words a per-minute
    /// 429 "Quota exceeded." beside its `RetryInfo`.
    public static func isAccountProblem(_ error: VideoProviderError) -> Bool {
        if error.kind == .quotaExceeded || error.httpStatus == 402 { return true }
        if error.kind == .rateLimited, error.retryAfter != nil,
            !VendorResponse.isQuotaExhausted(
                code: error.vendorCode, message: error.vendorMessage, ignoringRateQuotas: true)
        {
            return false
        }
        guard let status = error.httpStatus, (400..<500).contains(status) else { return false }
        return VendorResponse.isQuotaExhausted(code: error.vendorCode, message: error.vendorMessage)
    }
}
