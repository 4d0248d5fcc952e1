import Foundation
public import VideoProviderKit

/// An ``HTTPTransport`` that forwards to another and remembers every exchange, for apps that want to
/// assert on their traffic (or print it) without a proxy.
///
/// Credentials never reach what it stores or renders: each recorded request and response keeps its
/// headers with `Authorization` (and the other ``HTTPHeaders/sensitiveNames``) redacted, and bodies are
/// summarised by size and type in ``transcript``.
///
/// ```swift
/// let recorder = RecordingTransport(wrapping: URLSessionTransport())
/// let client = VideoClient(registry: registry, transport: recorder)
/// _ = try await client.submit(request)
/// print(recorder.transcript)
/// // POST https://octopusx.ai/v1/videos [Authorization: Bearer [redacted]] (812 bytes) -> 200 application/json (154 bytes)
/// #expect(recorder.exchanges.filter { $0.request.method == .post }.count == 1)
/// ```
public final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    /// One request and what came of it.
    public struct Exchange: Sendable, Hashable, CustomStringConvertible {
        /// How an exchange ended.
        public enum Outcome: Sendable, Hashable {
            /// An answer, with its headers redacted.
            case response(HTTPResponse)
            /// The transport threw: the transport error when it was one, and the error's description.
            case failure(HTTPTransportError?, description: String)
        }

        /// 1, 2, 3, … in the order requests were sent.
        public let sequence: Int
        /// The request as sent, with its headers redacted.
        public let request: HTTPRequest
        public let outcome: Outcome

        /// The answer, when there was one.
        public var response: HTTPResponse? {
            if case .response(let response) = outcome { return response }
            return nil
        }

        /// The transport error, when the transport threw one.
        public var error: HTTPTransportError? {
            if case .failure(let error, _) = outcome { return error }
            return nil
        }

        /// One line: method, URL, redacted headers of note, sizes, and the status or error.
        public var description: String {
            var line = "\(request.method) \(request.url.absoluteString)"
            if let authorization = request.headers["Authorization"] { line += " [Authorization: \(authorization)]" }
            line += " (\(request.body.length) bytes) -> "
            switch outcome {
            case .response(let response):
                let size = response.bodyFile != nil ? "body in a file" : "\(response.body.count) bytes"
                line += "\(response.status) \(response.mediaType ?? "no content type") (\(size))"
            case .failure(_, let description):
                line += "error: \(description)"
            }
            return line
        }
    }

    private let base: any HTTPTransport
    private let lock = NSLock()
    // Guarded by `lock`:
    private var recorded: [Exchange] = []
    private var started = 0

    /// Records everything sent through `base`.
    public init(wrapping base: any HTTPTransport) {
        self.base = base
    }

    /// Every exchange so far, in the order requests were sent (an exchange appears once it has ended).
    public var exchanges: [Exchange] { lock.withLock { recorded.sorted { $0.sequence < $1.sequence } } }

    /// The exchanges, one ``Exchange/description`` line each.
    public var transcript: String { exchanges.map(\.description).joined(separator: "\n") }

    /// Forgets every exchange.
    public func reset() { lock.withLock { recorded.removeAll() } }

    public func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        let sequence = lock.withLock { () -> Int in
            started += 1
            return started
        }
        var redactedRequest = request
        redactedRequest.headers = request.headers.redacted()
        do {
            let response = try await base.send(request, bodyDestination: bodyDestination)
            var redactedResponse = response
            redactedResponse.headers = response.headers.redacted()
            append(Exchange(sequence: sequence, request: redactedRequest, outcome: .response(redactedResponse)))
            return response
        } catch {
            let transportError = error as? HTTPTransportError
            append(
                Exchange(
                    sequence: sequence, request: redactedRequest,
                    outcome: .failure(transportError, description: String(describing: error))))
            throw error
        }
    }

    private func append(_ exchange: Exchange) { lock.withLock { recorded.append(exchange) } }
}
