import Foundation
import VideoProviderKit

// The simulator is a transport, so it follows redirects as the real transports do (`RedirectRules`: never for
// a task-creating request, at most ten hops, only http(s), and a hop to another origin keeps only
// `Accept`, `Accept-Language` and `User-Agent`). Google's file downloads answer with a redirect to another
// host, which is how the key's staying behind is tested.

extension GatewaySimulator {
    /// The request that started a chain of redirects, and how many hops it has taken.
    struct RedirectChain: Sendable {
        let original: HTTPRequest
        let hops: Int
    }

    @TaskLocal static var redirectChain: RedirectChain?

    /// Hops one chain may take, as ``URLSessionTransport/Configuration/maximumRedirects``.
    static let maximumRedirects = 10

    /// The next hop after `response` to `request`, or `nil` when the response is the answer.
    static func redirect(after response: HTTPResponse, from request: HTTPRequest) -> (
        next: HTTPRequest, chain: RedirectChain
    )? {
        let chain = redirectChain ?? RedirectChain(original: request, hops: 0)
        guard
            let next = RedirectRules.nextRequest(
                after: response.status,
                location: RedirectRules.location(response.headers["Location"], relativeTo: request.url),
                from: request, original: chain.original, hops: chain.hops, maximum: maximumRedirects)
        else { return nil }
        return (next, RedirectChain(original: chain.original, hops: chain.hops + 1))
    }

    /// Whether any request to the CDN carried a credential header of any kind (`Authorization`,
    /// `x-goog-api-key`, …): the key must never leave the gateway's host, not even through a redirect.
    public var cdnReceivedCredentials: Bool {
        let key = Endpoint.baseKey(cdnBaseURL)
        return lock.withLock {
            state.requests.contains { $0.hasCredentials && $0.gatewayBaseURL.map(Endpoint.baseKey) == key }
        }
    }
}

extension Endpoint {
    /// Where the addressed server reads the key: its dialect's place, `Authorization` elsewhere.
    var keyPlacement: KeyPlacement {
        if case .gateway(let gateway, _) = target { return gateway.dialect.keyPlacement }
        return .bearer
    }
}
