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

/// When a provider that keeps failing is taken out of rotation for a while.
public struct CooldownPolicy: Sendable, Hashable {
    /// Consecutive fallback-class failures (5xx, 429 after retries, connection failures) that start a
    /// cooldown. Authentication failures start one at once.
    public var failureThreshold: Int = 3
    /// How long the provider is skipped.
    public var duration: Duration = .seconds(60)
    public var isEnabled: Bool = true

    public init() {}
}

/// What the client does with a submission that was sent but got no usable answer (a timeout, a reset,
/// a 500 with no body, a garbled 2xx). The vendor may have created, and may bill, the task.
public enum AmbiguousSubmissionPolicy: String, Sendable, Hashable, Codable {
    /// Stop and throw ``VideoProviderError/Kind/ambiguousSubmission`` with everything that is known. The
    /// default: never pay twice without the caller's say-so.
    case fail
    /// Treat it like any other retryable failure: try again, then fall back. The caller accepts that
    /// the vendor may bill twice.
    case resubmit
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

    /// Classifies a failed submission.
    ///
    /// | Failure | Action |
    /// |---|---|
    /// | 429 with no `Retry-After` or one ≤ `maximumRetryAfter` | retry, then fall back |
    /// | 503 with a `Retry-After` ≤ `maximumRetryAfter` | retry, then fall back |
    /// | connection refused / DNS / TLS (nothing sent) | retry, then fall back |
    /// | HTTP 408 (the server did not get the whole request) | retry, then fall back |
    /// | 401, 403, 404, other 5xx, 429 with a long `Retry-After`, a refused redirect | fall back |
    /// | 500 with an empty body; timeout or reset after sending; a 2xx we cannot read | ambiguous |
    /// | other 4xx (validation), content-policy refusals, local file errors | stop |
    public static func forSubmission(_ error: VideoProviderError, retry: RetryPolicy) -> FailureAction {
        let kind = error.kind
        if kind == .contentPolicy || kind == .vendorRejected || kind == .invalidRequest || kind == .cancelled
            || kind == .configuration
        {
            return .stop
        }
        if kind == .ambiguousSubmission { return .ambiguous }
        if kind == .rateLimited {
            if let wait = error.retryAfter, wait > retry.maximumRetryAfter { return .fallBack }
            return .retry(after: error.retryAfter)
        }
        if kind == .timeout && error.httpStatus == 408 { return .retry(after: error.retryAfter) }
        if kind == .connectionFailed { return error.requestMayHaveBeenSent ? .ambiguous : .retry(after: nil) }
        if kind == .serverError {
            if error.httpStatus == 500 && (error.vendorMessage ?? "").isEmpty && error.vendorCode == nil {
                return .ambiguous
            }
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
        if kind == .timeout { return error.requestMayHaveBeenSent ? .ambiguous : .retry(after: nil) }
        if kind == .authentication || kind == .notFound || kind == .download { return .fallBack }
        return .fallBack
    }
}
