public import Foundation

/// Something the client did, for logging and metrics. Never carries an API key: URLs are the vendor's,
/// headers are never included.
///
/// A request and its answer carry the same ``RequestID``, and the answer the vendor's own request id when
/// it sent one, so a log line can be joined with the other and with the vendor's logs.
public enum VideoClientEvent: Sendable {
    /// A candidate was passed over before sending (capabilities, configuration, cooldown).
    case skipped(SkippedCandidate)
    /// An HTTP request is about to be sent.
    case request(provider: ProviderID, operation: Operation, method: HTTPMethod, url: URL, id: RequestID)
    /// An HTTP response arrived (or the transport failed: `status` is `nil`). `vendorRequestID` is the id the
    /// vendor gave this exchange, `nil` when it gave none: the `X-Request-Id`, `Request-Id` or new-api's
    /// `X-Oneapi-Request-Id` header, or new-api's `(request id: …)` at the end of an error message.
    case response(
        provider: ProviderID, operation: Operation, status: Int?, elapsed: Duration, id: RequestID,
        vendorRequestID: String?)
    /// The same provider will be tried again after `delay`.
    case retry(provider: ProviderID, model: String, attempt: Int, delay: Duration, reason: String)
    /// The next candidate will be tried.
    case fallback(from: ProviderID, model: String, reason: String)
    /// A provider is skipped until `duration` has passed.
    case cooldown(provider: ProviderID, duration: Duration, reason: String)
    /// A task was created.
    case submitted(VideoJob)
    /// A status poll returned.
    case poll(job: UUID, provider: ProviderID, snapshot: TaskSnapshot)
    /// A failed task is being resubmitted elsewhere (job-level fallback).
    case resubmitted(previous: VideoJob, reason: String)
    /// A download finished.
    case downloaded(job: UUID, bytes: Int64, host: String?)
    /// The default transport could not be used and another stands in (libcurl missing: see
    /// ``DefaultHTTPTransport``). Sent once, when the client is made.
    case transportFallback(reason: String)

    /// Which call a request belongs to.
    public enum Operation: String, Sendable {
        case submit, status, content
        /// The follow-up call of a vendor whose completed task names its video elsewhere
        /// (``VideoProvider/resultRequest(for:context:)``).
        case result
        /// A cancel (``VideoClient/cancel(_:)``).
        case cancel
    }
}

/// Receives ``VideoClientEvent``s. The library prints nothing itself; bridge this to swift-log,
/// metrics or `os_log` as the app prefers.
///
/// ```swift
/// let observer = VideoClientObserver { event in logger.debug("\(event)") }
/// ```
public struct VideoClientObserver: Sendable {
    private let handler: @Sendable (VideoClientEvent) -> Void

    public init(_ handler: @escaping @Sendable (VideoClientEvent) -> Void) { self.handler = handler }

    public func callAsFunction(_ event: VideoClientEvent) { handler(event) }

    /// Ignores every event (the default).
    public static let none = VideoClientObserver { _ in }
}
