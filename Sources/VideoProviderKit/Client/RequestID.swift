import Foundation

/// The client's id for one HTTP exchange: the ``VideoClientEvent/request(provider:operation:method:url:id:)``
/// and ``VideoClientEvent/response(provider:operation:status:elapsed:id:vendorRequestID:)`` events of one
/// exchange carry the same one, so a log can join a request with its answer. Unique within the process;
/// printed as `r` and a number (`r42`).
public struct RequestID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Counts up from 1 in the order exchanges start.
    public let rawValue: UInt64

    package init(rawValue: UInt64) { self.rawValue = rawValue }

    public var description: String { "r\(rawValue)" }

    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The next id of this process.
    static func next() -> RequestID { RequestID(rawValue: counter.next()) }

    private static let counter = Counter()

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var last: UInt64 = 0  // guarded by `lock`

        func next() -> UInt64 {
            lock.withLock {
                last += 1
                return last
            }
        }
    }
}

/// The vendor's id for an exchange, read from its answer (docs/real-gateways.md, `rule:request-id`).
enum VendorRequestID {
    /// Header names that carry it: OpenAI's and most gateways' `X-Request-Id`, Anthropic-style `Request-Id`,
    /// new-api's and one-api's `X-Oneapi-Request-Id` (its `RequestIdKey`).
    static let headerNames = ["X-Request-Id", "Request-Id", "X-Oneapi-Request-Id"]

    /// The marker new-api appends to its middleware's error messages: `… (request id: 20250101…)`.
    private static let marker = Data("(request id: ".utf8)

    /// The longest id kept: it is vendor data, printed in logs.
    static let maximumLength = 128

    /// The first id the answer carries, with control characters escaped and the key scrubbed; `nil` when it
    /// carries none. `response` is the answer as the client hands it to providers (its body already
    /// scrubbed of the key).
    static func find(in response: HTTPResponse, secret: String?) -> String? {
        for name in headerNames {
            if let value = response.headers[name], let id = cleaned(Substring(value), secret: secret) { return id }
        }
        // new-api writes the marker into error messages only: a successful answer is not searched.
        guard !response.isSuccess, let start = response.body.range(of: marker)?.upperBound else { return nil }
        let rest = response.body[start...]
        guard let end = rest.firstIndex(of: UInt8(ascii: ")")), end > start else { return nil }
        return cleaned(Substring(decoding: rest[..<end], as: UTF8.self), secret: secret)
    }

    private static func cleaned(_ text: Substring, secret: String?) -> String? {
        let trimmed = String(text).trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.count <= maximumLength else { return nil }
        return trimmed.redactingSecret(secret).escapingControlCharacters()
    }
}
