public import Foundation

// The rules both transports follow, in one place so `CurlTransport` and `URLSessionTransport` cannot
// drift apart: which redirects are followed and with which headers, and which requests may go through
// a proxy.

/// Redirect rules shared by the transports.
package enum RedirectRules {
    /// Headers that may follow a redirect to another origin. Everything else stays behind: credentials
    /// (`Authorization`, `Cookie`, API-key headers) and any header the app or the provider added, which a
    /// transport cannot tell apart from a secret.
    package static let crossOriginHeaders: Set<String> = ["accept", "accept-language", "user-agent"]

    /// Same scheme, host and port (default ports filled in): the same ``Origin``.
    package static func sameOrigin(_ lhs: URL, _ rhs: URL) -> Bool {
        guard let left = Origin(lhs), let right = Origin(rhs) else { return false }
        return left == right
    }

    package static func isHTTP(_ url: URL?) -> Bool {
        guard let scheme = url?.scheme?.lowercased() else { return false }
        return scheme == "http" || scheme == "https"
    }

    /// The redirect's target as the server wrote it, resolved against the redirecting URL.
    package static func location(_ value: String?, relativeTo base: URL?) -> URL? {
        guard let value = value?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return URL(string: value, relativeTo: base)?.absoluteURL
    }

    /// The request for the next hop, or `nil` when the redirect is not followed and is itself the
    /// response: a task-creating request (a submission is never redirected, so another host's answer
    /// can never be taken for the task), a hop past `maximum`, a target that is not http(s), or a
    /// status that is not a redirect.
    ///
    /// 303, and 301/302 after a `POST`, continue as a `GET` without a body (as browsers and `URLSession`
    /// do); 307 and 308 repeat the method and body. A hop to another origin keeps only
    /// ``crossOriginHeaders``.
    package static func nextRequest(
        after status: Int, location: URL?, from current: HTTPRequest, original: HTTPRequest, hops: Int, maximum: Int
    ) -> HTTPRequest? {
        guard [301, 302, 303, 307, 308].contains(status), !original.createsTask, hops < maximum,
            let location, isHTTP(location)
        else { return nil }
        var next = current
        next.url = location
        let becomesGet =
            status == 303
            ? current.method != HTTPMethod(rawValue: "HEAD")
            : (status == 301 || status == 302)
                && current.method == .post
        if becomesGet {
            next.method = .get
            next.body = .empty
            next.headers.remove("Content-Type")
            next.headers.remove("Content-Length")
        }
        if !sameOrigin(original.url, location) {
            var kept = HTTPHeaders()
            for field in next.headers where crossOriginHeaders.contains(field.name.lowercased()) {
                kept.add(field.name, field.value)
            }
            next.headers = kept
        }
        return next
    }
}

/// Where a transport finds proxies. Whatever it finds, two rules hold in both transports:
///
/// - A request to a loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`) never goes
///   through a proxy: a local gateway is on this machine, and a proxy would see its traffic.
/// - A plain-`http` request that carries a credential (``HTTPHeaders/isSensitive(_:)``) never goes
///   through a proxy, which would read the key in clear. (`https` requests go through a proxy in a
///   `CONNECT` tunnel, which the proxy cannot read.)
///
/// ``CurlTransport`` then goes direct. ``URLSessionTransport`` on Linux cannot turn off the proxies
/// libcurl reads from the environment for one request, so there it refuses such a request when an
/// environment proxy would apply, before anything is sent.
public struct ProxyConfiguration: Sendable, Hashable {
    /// The variables proxies are read from, with curl's names and precedence: `http_proxy` (lower case
    /// only) for `http`, `https_proxy` then `HTTPS_PROXY` for `https`, then `all_proxy`/`ALL_PROXY`;
    /// hosts in `no_proxy`/`NO_PROXY` (comma-separated names or domain suffixes, `*` for all) go direct.
    public var environment: [String: String]

    /// Proxies from `environment`: the process environment by default.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// No proxy for any request.
    public static let none = ProxyConfiguration(environment: [:])

    /// The proxy the environment names for `url`, ignoring the two rules above; `nil` for none.
    package func environmentProxy(for url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host else { return nil }
        // As curl: the first variable that is set wins, even when it is empty (which means no proxy).
        func value(_ name: String) -> String? { environment[name]?.trimmingWhitespace() }
        let specific =
            scheme == "http" ? value("http_proxy") : value("\(scheme)_proxy") ?? value("\(scheme.uppercased())_PROXY")
        guard let proxy = specific ?? value("all_proxy") ?? value("ALL_PROXY"), !proxy.isEmpty else { return nil }
        if let exclusions = value("no_proxy") ?? value("NO_PROXY"), Self.excluded(host, by: exclusions) { return nil }
        return proxy
    }

    /// curl's `no_proxy` matching for host names: `*`, an exact name, or a domain suffix (with or
    /// without its leading dot). IP ranges (CIDR) are not read here: such an entry never excludes a host,
    /// so the safe rules above still decide.
    package static func excluded(_ host: String, by list: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        for rawEntry in list.split(separator: ",") {
            var entry = rawEntry.trimmingWhitespace().lowercased()
            if entry == "*" { return true }
            if entry.hasPrefix(".") { entry.removeFirst() }
            entry = entry.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            if entry.isEmpty { continue }
            if name == entry || name.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// How `request` reaches its host.
    package func route(for request: HTTPRequest) -> ProxyRoute {
        guard let proxy = environmentProxy(for: request.url) else { return .direct }
        if let host = request.url.host, ProviderRegistry.isLoopback(host) { return .directInsteadOf(proxy, .loopback) }
        let cleartext = request.url.scheme?.lowercased() == "http"
        let credentials = request.headers.contains { request.headers.isSensitive($0.name) }
        if cleartext && credentials { return .directInsteadOf(proxy, .credentialsInClear) }
        return .proxy(proxy)
    }
}

/// Whether a request goes through a proxy.
package enum ProxyRoute: Sendable, Hashable {
    /// No proxy applies.
    case direct
    /// A proxy applies but one of ``ProxyConfiguration``'s rules keeps the request away from it.
    case directInsteadOf(String, Reason)
    /// Through this proxy.
    case proxy(String)

    package enum Reason: Sendable, Hashable {
        case loopback, credentialsInClear
    }
}
