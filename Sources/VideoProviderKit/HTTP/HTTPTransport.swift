import Foundation

/// The one seam between VideoProviderKit and the network.
///
/// A transport sends a request and returns the response; it follows redirects (never for a
/// ``HTTPRequest/createsTask`` request), but never retries, never polls, and never interprets status codes:
/// that is the client's job. ``DefaultHTTPTransport`` picks ``CurlTransport`` on Linux and
/// ``URLSessionTransport`` on Apple platforms; `VideoProviderTesting` has an in-process ``HTTPTransport``
/// that plays every gateway, and apps can write their own (a proxy, a recorder, a different HTTP stack).
/// A transport enforces the limits of ``ResponseBodyDestination`` while the body arrives.
///
/// Transports report failures as ``HTTPTransportError``, saying whether the request may have reached the
/// server: that one fact decides whether a task-creating request can be retried safely.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse
}

extension HTTPTransport {
    /// Sends with the response body in memory (16 MiB at most, ``ResponseBodyDestination/memory``).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await send(request, bodyDestination: .memory)
    }
}

/// A transport-level failure, with whether the request may have been delivered.
public struct HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No connection was made (refused, DNS failure, unreachable, TLS handshake): nothing was sent.
        public static let connectionFailed = Kind("connection-failed")
        /// No answer in time. The request may have arrived.
        public static let timedOut = Kind("timed-out")
        /// The connection broke after it was made. The request may have arrived.
        public static let connectionLost = Kind("connection-lost")
        public static let cancelled = Kind("cancelled")
        /// A redirect went somewhere the transport will not follow (a non-http(s) scheme, a loop).
        public static let redirectRefused = Kind("redirect-refused")
        /// The response (or its headers) was larger than the caller allows: see ``ResponseBodyDestination``.
        /// Part of it arrived, so the request may have been acted on.
        public static let responseTooLarge = Kind("response-too-large")
        /// Reading the request body failed locally (an image file vanished or cannot be read). Nothing was sent.
        public static let localIO = Kind("local-io")
        /// Writing the response body to its file failed locally: the disk is full, the folder is not writable
        /// or read-only. The message says what the system reported and the path.
        public static let localWrite = Kind("local-write")
        public static let other = Kind("other")
    }

    public var kind: Kind
    /// `false` only when the transport knows the server cannot have received the request.
    public var requestMayHaveBeenSent: Bool
    public var message: String

    public init(_ kind: Kind, requestMayHaveBeenSent: Bool, message: String) {
        self.kind = kind
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }
}
