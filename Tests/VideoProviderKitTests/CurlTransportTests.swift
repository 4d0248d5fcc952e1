import Foundation
import Testing
import VideoProviderKit

/// What is particular to `CurlTransport` (the conformance suite has what both transports do): answers
/// that truly never end, endless headers, proxies it can route per request, files written as sent, and
/// how the default transport is chosen.
@Suite("CurlTransport over loopback", .timeLimit(.minutes(2)))
struct CurlTransportTests {
    static let canary = "sk-canary-curl-0c94d2a7"

    static func transport(proxies: ProxyConfiguration = .none) throws -> CurlTransport {
        var configuration = CurlTransport.Configuration()
        configuration.idleTimeout = .seconds(30)
        configuration.proxies = proxies
        return try CurlTransport(configuration: configuration)
    }

    /// The system's libcurl is loaded, so this machine's default is CurlTransport.
    @Test func libcurlIsLoadedAndIsTheDefault() throws {
        let version = try #require(CurlTransport.libraryVersion)
        #expect(version.first?.isNumber == true)
        #expect(CurlTransport.unavailableReason == nil)
        let choice = DefaultHTTPTransport.make(environment: [:])
        #expect(choice.fallbackReason == nil)
        #expect((choice.transport is CurlTransport) == DefaultHTTPTransport.prefersCurl)
    }

    /// `VIDEOPROVIDERKIT_TRANSPORT` picks either transport, whatever the platform.
    @Test func environmentPicksTheTransport() {
        let curl = DefaultHTTPTransport.make(environment: ["VIDEOPROVIDERKIT_TRANSPORT": "curl"])
        let urlSession = DefaultHTTPTransport.make(environment: ["VIDEOPROVIDERKIT_TRANSPORT": "URLSession"])
        #expect(curl.transport is CurlTransport)
        #expect(curl.fallbackReason == nil)
        #expect(urlSession.transport is URLSessionTransport)
        #expect(urlSession.fallbackReason == nil)
    }

    /// An answer that never ends stops at the limit, in memory and to a file, whether it is chunked,
    /// ended by closing, or announces a length it never reaches; the peer sends only a little more than
    /// the limit before the transfer is dropped.
    @Test(arguments: ["chunked", "close"])
    func endlessAnswerStopsAtTheLimit(framing: String) async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            try await peer.script("/memory", [.stream(bytes: nil, framing: framing)])
            try await peer.script("/file", [.stream(bytes: nil, framing: framing)])
            let transport = try Self.transport()

            let inMemory = try await #require(throws: HTTPTransportError.self) {
                try await transport.send(
                    HTTPRequest(method: .get, url: peer.url(.api, "/memory")), bodyDestination: .memory(limit: 1 << 20))
            }
            let toFile = try await #require(throws: HTTPTransportError.self) {
                try await transport.send(
                    HTTPRequest(method: .get, url: peer.url(.cdn, "/file"), maximumResponseBytes: 4 << 20),
                    bodyDestination: .temporaryFile(in: scratch.url))
            }

            #expect(inMemory.kind == .responseTooLarge)
            #expect(toFile.kind == .responseTooLarge)
            #expect(toFile.message.contains("4194304-byte limit"))
            #expect(scratch.contents == [])
            #expect(try await TransportConformanceTests.streamedBytes(peer, path: "/memory") < 16 << 20)
            #expect(try await TransportConformanceTests.streamedBytes(peer, path: "/file") < 16 << 20)
        }
    }

    /// Headers that never end stop at 256 KiB.
    @Test func endlessHeadersStop() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script("/flood", [.headerFlood])

            let error = try await #require(throws: HTTPTransportError.self) {
                try await Self.transport().send(HTTPRequest(method: .get, url: peer.url(.api, "/flood")))
            }

            #expect(error.kind == .responseTooLarge)
            #expect(error.message.contains("headers exceed 262144 bytes"))
        }
    }

    /// A file is written as it was sent: a gzip body stays gzip (as `curl -o` writes it), so a paused
    /// download never holds a decompressed burst, and no Accept-Encoding is asked for.
    @Test func filesAreWrittenAsSent() async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            try await peer.script("/gz", [.gzipped(status: 200, body: "hello, file")])
            let transport = try Self.transport()

            let response = try await transport.send(
                HTTPRequest(method: .get, url: peer.url(.cdn, "/gz")), bodyDestination: .temporaryFile(in: scratch.url))
            let echo = try TransportConformanceTests.echo(
                try await transport.send(
                    HTTPRequest(method: .get, url: peer.url(.cdn, "/echo")), bodyDestination: .memory))

            let bytes = try Data(contentsOf: try #require(response.bodyFile))
            #expect(response.headers["Content-Encoding"] == "gzip")
            #expect(Array(bytes.prefix(2)) == [0x1F, 0x8B])
            #expect(echo.header("Accept-Encoding")?.contains("gzip") == true)
            let log = try await peer.log()
            #expect(log.requests.first?.header("Accept-Encoding") == nil)
        }
    }

    // MARK: Proxies

    /// With `http_proxy` set, a plain-http request without credentials goes through the proxy (in
    /// absolute form), a plain-http request with a key never does (it goes direct: here the host does not
    /// resolve, so it fails with nothing sent), and a host in `no_proxy` goes direct.
    @Test func proxiesCarryOnlyWhatTheyMay() async throws {
        try await LoopbackPeer.run { peer in
            let proxies = ProxyConfiguration(environment: [
                "http_proxy": peer.proxy.absoluteString, "no_proxy": "direct.invalid",
            ])
            let transport = try Self.transport(proxies: proxies)

            let proxied = try TransportConformanceTests.echo(
                try await transport.send(
                    HTTPRequest(method: .get, url: URL(string: "http://video-cdn.invalid/echo/proxied")!)))
            let withKey = try await #require(throws: HTTPTransportError.self) {
                try await transport.send(
                    HTTPRequest(
                        method: .get, url: URL(string: "http://video-gateway.invalid/echo/keyed")!,
                        headers: ["Authorization": "Bearer \(Self.canary)"]))
            }
            let excluded = try await #require(throws: HTTPTransportError.self) {
                try await transport.send(HTTPRequest(method: .get, url: URL(string: "http://direct.invalid/echo")!))
            }

            #expect(proxied.server == .proxy)
            #expect(proxied.path == "http://video-cdn.invalid/echo/proxied")
            #expect(withKey.kind == .connectionFailed)
            #expect(withKey.requestMayHaveBeenSent == false)
            #expect(excluded.kind == .connectionFailed)
            let log = try await peer.log()
            #expect(log.requests.map(\.path) == ["http://video-cdn.invalid/echo/proxied"])
            #expect(!log.requests.contains { $0.mentions(Self.canary) })
        }
    }
}

extension CurlTransportTests {
    /// Requests beyond the per-host connection limit wait their turn in order: with both connections held
    /// by stalled requests, a third waits, and cancelled while it waits it fails at once, never sent; a
    /// fourth gets its turn as soon as a stalled one is cancelled.
    @Test func requestsBeyondTheConnectionLimitWaitTheirTurn() async throws {
        try await LoopbackPeer.run { peer in
            var configuration = CurlTransport.Configuration()
            configuration.maximumConnectionsPerHost = 2
            configuration.proxies = .none
            let transport = try CurlTransport(configuration: configuration)
            try await peer.script("/stall", [.fault("stall"), .fault("stall")])
            let stalled = (0..<2).map { _ in
                Task { try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/stall"))) }
            }
            while try await peer.log().requests.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
            let waiting = Task {
                try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/echo/waiting")))
            }
            let after = Task {
                try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/echo/after"))).status
            }
            try await Task.sleep(for: .milliseconds(100))

            waiting.cancel()
            let error = try await #require(throws: HTTPTransportError.self) { try await waiting.value }
            #expect(error.kind == .cancelled)
            #expect(error.requestMayHaveBeenSent == false)
            #expect(try await peer.log().requests.map(\.path) == ["/stall", "/stall"])

            stalled[0].cancel()
            #expect(try await after.value == 200)
            stalled[1].cancel()
            for task in stalled {
                let stopped = try await #require(throws: HTTPTransportError.self) { try await task.value }
                #expect(stopped.kind == .cancelled)
            }
            #expect(try await peer.log().requests.map(\.path) == ["/stall", "/stall", "/echo/after"])
        }
    }
}
