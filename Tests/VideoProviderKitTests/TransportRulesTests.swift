import Foundation
import Testing
import VideoProviderKit

/// The rules both transports share, without a network: which proxy a request may use, and what a
/// redirect carries.
@Suite struct TransportRulesTests {
    static let proxy = "http://proxy.example:3128"

    static func request(_ url: String, key: Bool = false) -> HTTPRequest {
        HTTPRequest(method: .get, url: URL(string: url)!, headers: key ? ["Authorization": "Bearer sk-1"] : [:])
    }

    /// curl's variables and precedence: lower-case `http_proxy` only, `https_proxy` then `HTTPS_PROXY`,
    /// then `all_proxy`/`ALL_PROXY`; the first variable set wins even when empty.
    @Test func environmentVariablesFollowCurl() {
        func proxy(_ environment: [String: String], _ url: String) -> String? {
            ProxyConfiguration(environment: environment).environmentProxy(for: URL(string: url)!)
        }
        #expect(proxy(["HTTP_PROXY": Self.proxy], "http://cdn.example/v") == nil)
        #expect(proxy(["http_proxy": Self.proxy], "http://cdn.example/v") == Self.proxy)
        #expect(proxy(["HTTPS_PROXY": Self.proxy], "https://api.example/v") == Self.proxy)
        #expect(
            proxy(["https_proxy": "http://a:1", "HTTPS_PROXY": "http://b:2"], "https://api.example") == "http://a:1")
        #expect(proxy(["ALL_PROXY": Self.proxy], "http://cdn.example/v") == Self.proxy)
        #expect(proxy(["all_proxy": "http://a:1", "ALL_PROXY": "http://b:2"], "https://api.example") == "http://a:1")
        #expect(proxy(["http_proxy": "", "all_proxy": Self.proxy], "http://cdn.example/v") == nil)
        #expect(proxy([:], "https://api.example") == nil)
    }

    /// `no_proxy`: `*`, exact names and domain suffixes (with or without the dot), any case.
    @Test(arguments: [
        ("*", "api.example", true), ("api.example", "API.example", true), (".example", "api.example", true),
        ("example", "api.example", true), ("example", "badexample", false),
        ("other.example, api.example", "api.example", true),
        ("10.0.0.0/8", "10.1.2.3", false), ("[::1]", "::1", true),
    ])
    func noProxyMatching(list: String, host: String, excluded: Bool) {
        #expect(ProxyConfiguration.excluded(host, by: list) == excluded)
    }

    /// Loopback hosts never use a proxy; plain http with a credential never does; https with a key and
    /// plain http without one do.
    @Test func routes() {
        let proxies = ProxyConfiguration(environment: ["http_proxy": Self.proxy, "https_proxy": Self.proxy])
        #expect(
            proxies.route(for: Self.request("http://127.0.0.1:8080/v1", key: true))
                == .directInsteadOf(Self.proxy, .loopback))
        #expect(proxies.route(for: Self.request("http://localhost/v1")) == .directInsteadOf(Self.proxy, .loopback))
        #expect(proxies.route(for: Self.request("http://[::1]:9/v1")) == .directInsteadOf(Self.proxy, .loopback))
        #expect(
            proxies.route(for: Self.request("http://gateway.example/v1", key: true))
                == .directInsteadOf(Self.proxy, .credentialsInClear))
        #expect(
            proxies.route(
                for: HTTPRequest(method: .get, url: URL(string: "http://gateway.example")!, headers: ["x-api-key": "k"])
            )
                == .directInsteadOf(Self.proxy, .credentialsInClear))
        #expect(proxies.route(for: Self.request("https://gateway.example/v1", key: true)) == .proxy(Self.proxy))
        #expect(proxies.route(for: Self.request("http://cdn.example/video.mp4")) == .proxy(Self.proxy))
        #expect(ProxyConfiguration.none.route(for: Self.request("http://cdn.example/video.mp4")) == .direct)
    }

    /// 303 (and 301/302 after a POST) continue as a GET without the body; 307/308 keep method and body;
    /// another origin keeps only Accept, Accept-Language and User-Agent; submissions, non-http targets,
    /// non-redirects and hops past the maximum are not followed.
    @Test func redirectHops() throws {
        let original = HTTPRequest(
            method: .post, url: URL(string: "https://api.example/v1/x")!,
            headers: [
                "Authorization": "Bearer sk-1", "Content-Type": "application/json", "Accept": "application/json",
                "User-Agent": "videogen/1", "X-Tenant": "acme",
            ], body: HTTPBody(Data("{}".utf8)))
        func next(_ status: Int, _ location: String, hops: Int = 0, from: HTTPRequest? = nil) -> HTTPRequest? {
            RedirectRules.nextRequest(
                after: status, location: URL(string: location), from: from ?? original, original: from ?? original,
                hops: hops, maximum: 3)
        }
        let seeOther = try #require(next(303, "https://api.example/v1/y"))
        #expect(seeOther.method == .get)
        #expect(seeOther.body.isEmpty)
        #expect(seeOther.headers["Content-Type"] == nil)
        #expect(seeOther.headers["Authorization"] == "Bearer sk-1")
        #expect(try #require(next(302, "https://api.example/v1/y")).method == .get)
        let temporary = try #require(next(307, "https://api.example/v1/y"))
        #expect(temporary.method == .post)
        #expect(temporary.body == original.body)
        let elsewhere = try #require(next(308, "https://cdn.example/y"))
        #expect(elsewhere.headers.map(\.name).sorted() == ["Accept", "User-Agent"])
        #expect(next(307, "https://api.example:8443/y")?.headers["Authorization"] == nil)
        #expect(next(302, "file:///etc/passwd") == nil)
        #expect(next(302, "https://api.example/y", hops: 3) == nil)
        #expect(next(304, "https://api.example/y") == nil)
        var submission = original
        submission.createsTask = true
        #expect(next(307, "https://api.example/v1/y", from: submission) == nil)
    }

    /// Error and redirect bodies are bounded lower than answers; a request's own cap bounds any body.
    @Test func destinationLimits() {
        let plain = Self.request("https://api.example")
        var capped = plain
        capped.maximumResponseBytes = 10
        let file = ResponseBodyDestination.temporaryFile(in: URL(fileURLWithPath: "/tmp"))
        #expect(ResponseBodyDestination.memory(limit: 1 << 20).limit(status: 200, request: plain) == 1 << 20)
        #expect(ResponseBodyDestination.memory(limit: 1 << 20).limit(status: 500, request: plain) == 256 << 10)
        #expect(ResponseBodyDestination.memory(limit: 100).limit(status: 404, request: plain) == 100)
        #expect(file.limit(status: 200, request: plain) == nil)
        #expect(file.limit(status: 302, request: plain) == 256 << 10)
        #expect(file.limit(status: 200, request: capped) == 10)
    }
}
