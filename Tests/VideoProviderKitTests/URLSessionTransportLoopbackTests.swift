import Foundation
import Testing
import VideoProviderKit

/// `URLSessionTransport` over real loopback sockets, against `loopback_peer.py`.
@Suite("URLSessionTransport over loopback", .timeLimit(.minutes(2)))
struct URLSessionTransportLoopbackTests {
    static let canary = "sk-canary-transport-5f2d7c1e"

    static func transport(
        idleTimeout: Duration = .seconds(10), inMemoryBodyLimit: Int? = nil, maximumRedirects: Int? = nil,
        temporaryDirectory: URL? = nil
    ) -> URLSessionTransport {
        var configuration = URLSessionTransport.Configuration()
        configuration.idleTimeout = idleTimeout
        if let inMemoryBodyLimit { configuration.inMemoryBodyLimit = inMemoryBodyLimit }
        if let maximumRedirects { configuration.maximumRedirects = maximumRedirects }
        if let temporaryDirectory { configuration.temporaryDirectory = temporaryDirectory }
        return URLSessionTransport(configuration: configuration)
    }

    static func echo(_ response: HTTPResponse) throws -> Echo {
        try JSONDecoder().decode(Echo.self, from: response.body)
    }

    // MARK: Request bodies

    /// The exact bytes of a JSON body arrive, whether sent from memory or staged to a file and streamed
    /// (`inMemoryBodyLimit: 0` forces the streamed path, which must still send a `Content-Length`).
    @Test(arguments: [false, true])
    func jsonPostArrivesByteForByte(staged: Bool) async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let transport = Self.transport(inMemoryBodyLimit: staged ? 0 : nil, temporaryDirectory: scratch.url)
            let json = Data(
                #"{"model":"grok_video3","prompt":"Ünïcödé ✓ \"quoted\" \\ / <>","duration":6,"image_urls":[]}"#.utf8)
            let request = HTTPRequest(
                method: .post, url: peer.url(.api, "/echo/submit?x=1"),
                headers: ["Authorization": "Bearer \(Self.canary)", "Content-Type": "application/json"],
                body: HTTPBody(json), createsTask: true)

            let response = try await transport.send(request)

            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let echo = try Self.echo(response)
            #expect(echo.method == "POST")
            #expect(echo.path == "/echo/submit?x=1")
            #expect(echo.body == json)
            #expect(echo.bodyLength == json.count)
            #expect(echo.header("Content-Length") == String(json.count))
            #expect(echo.header("Content-Type") == "application/json")
            #expect(echo.header("Authorization") == "Bearer \(Self.canary)")
            #expect(echo.transferEncoding == nil)
            // The staged copy of the body is gone once the request is done.
            #expect(scratch.contents == [])
        }
    }

    // MARK: Redirects and credentials

    /// A redirect to another host arrives without credentials; the header names are matched in any case.
    @Test func crossHostRedirectDropsCredentials() async throws {
        try await LoopbackPeer.run { peer in
            let target = peer.url(.cdn, "/echo/video")
            let request = HTTPRequest(
                method: .get, url: peer.url(.api, "/redirect?to=\(target.absoluteString)"),
                headers: [
                    "authorization": "Bearer \(Self.canary)", "X-Api-Key": Self.canary, "Cookie": "s=\(Self.canary)",
                    "Accept": "video/*", "X-Trace": "kept",
                ])

            let response = try await Self.transport().send(request)

            #expect(response.status == 200)
            #expect(response.url?.host == peer.cdn.host)
            let echo = try Self.echo(response)
            #expect(echo.server == .cdn)
            #expect(echo.header("Authorization") == nil)
            #expect(echo.header("X-Api-Key") == nil)
            #expect(echo.header("Cookie") == nil)
            #expect(echo.header("Accept") == "video/*")
            #expect(echo.header("X-Trace") == "kept")
            let log = try await peer.log()
            #expect(log.on(.api).count == 1)
            #expect(log.on(.cdn).count == 1)
            #expect(!log.on(.cdn).contains { $0.mentions(Self.canary) })
        }
    }

    /// Same host, another port, is another origin: credentials are dropped there too.
    @Test func redirectToAnotherPortDropsCredentials() async throws {
        try await LoopbackPeer.run { peer in
            let request = HTTPRequest(
                method: .get, url: peer.url(.api, "/redirect?to=\(peer.url(.api2, "/echo").absoluteString)"),
                headers: ["Authorization": "Bearer \(Self.canary)"])

            let echo = try Self.echo(try await Self.transport().send(request))

            #expect(echo.server == .api2)
            #expect(echo.header("Authorization") == nil)
        }
    }

    /// A same-origin redirect keeps `Authorization`: the gateway is talking to itself.
    @Test func sameOriginRedirectKeepsCredentials() async throws {
        try await LoopbackPeer.run { peer in
            let request = HTTPRequest(
                method: .get, url: peer.url(.api, "/redirect?to=/echo/moved"),
                headers: ["Authorization": "Bearer \(Self.canary)"])

            let echo = try Self.echo(try await Self.transport().send(request))

            #expect(echo.server == .api)
            #expect(echo.path == "/echo/moved")
            #expect(echo.header("Authorization") == "Bearer \(Self.canary)")
        }
    }

    /// A redirect to `file://` is not followed: the caller gets the redirect itself, not a local file.
    @Test func redirectToFileSchemeIsNotFollowed() async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let request = HTTPRequest(method: .get, url: peer.url(.cdn, "/redirect?to=file:///etc/passwd"))

            let inMemory = try await Self.transport().send(request)
            let toFile = try await Self.transport().send(request, bodyDestination: .temporaryFile(in: scratch.url))

            #expect(inMemory.status == 302)
            #expect(inMemory.headers["Location"] == "file:///etc/passwd")
            #expect(inMemory.body.isEmpty)
            #expect(toFile.status == 302)
            let file = try #require(toFile.bodyFile)
            #expect(try Data(contentsOf: file).isEmpty)
        }
    }

    /// A redirect loop is cut after `maximumRedirects` hops; the last redirect is handed back.
    @Test func redirectLoopIsCut() async throws {
        try await LoopbackPeer.run { peer in
            let request = HTTPRequest(method: .get, url: peer.url(.api, "/redirect-loop"))

            let response = try await Self.transport(maximumRedirects: 4).send(request)

            #expect(response.status == 302)
            let log = try await peer.log()
            #expect(log.requests.map(\.path) == ["/redirect-loop"] + (1...4).map { "/redirect-loop?hop=\($0)" })
        }
    }

    // MARK: Failures

    /// A refused connection is `connectionFailed` and proves nothing was sent.
    @Test func refusedConnectionProvesNothingWasSent() async throws {
        try await LoopbackPeer.run { peer in
            let request = HTTPRequest(
                method: .post, url: URL(string: "http://127.0.0.1:\(peer.closedPort)/submit")!,
                body: HTTPBody(Data("{}".utf8)), createsTask: true)

            let error = try await #require(throws: HTTPTransportError.self) {
                try await Self.transport().send(request)
            }
            #expect(error.kind == .connectionFailed)
            #expect(error.requestMayHaveBeenSent == false)
        }
    }

    /// A staged body file is deleted even when the request fails.
    @Test func stagedBodyIsDeletedWhenTheSendFails() async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let transport = Self.transport(inMemoryBodyLimit: 0, temporaryDirectory: scratch.url)
            let request = HTTPRequest(
                method: .post, url: URL(string: "http://127.0.0.1:\(peer.closedPort)/submit")!,
                body: HTTPBody(Data(repeating: 0x41, count: 4096)), createsTask: true)

            await #expect(throws: HTTPTransportError.self) { try await transport.send(request) }
            #expect(scratch.contents == [])
        }
    }

    /// No answer within `idleTimeout` is `timedOut`, and the request may have arrived (it did).
    @Test func stalledServerTimesOut() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script("/stall", [.fault("stall")])
            let request = HTTPRequest(
                method: .post, url: peer.url(.api, "/stall"), body: HTTPBody(Data("{}".utf8)), createsTask: true)

            let error = try await #require(throws: HTTPTransportError.self) {
                try await Self.transport(idleTimeout: .seconds(1)).send(request)
            }
            #expect(error.kind == .timedOut)
            #expect(error.requestMayHaveBeenSent)
            #expect(try await peer.log().requests.count == 1)
        }
    }

    /// Linux's `URLSession` truncates its timeout to whole seconds, so an unrounded 0.5 s would fire at
    /// once; the transport rounds up, and a prompt answer is not cut off.
    @Test func subSecondIdleTimeoutDoesNotFireEarly() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script("/slow", [.answer(status: 200, body: "{}", delay: .milliseconds(300))])

            let response = try await Self.transport(idleTimeout: .milliseconds(500))
                .send(HTTPRequest(method: .get, url: peer.url(.api, "/slow")))

            #expect(response.status == 200)
            #expect(response.body == Data("{}".utf8))
        }
    }

    /// Every way a connection can break after the request was sent is `connectionLost` with
    /// `requestMayHaveBeenSent`, and the request is sent once, even on a reused keep-alive connection (where
    /// libcurl would otherwise silently replay a request that got no answer).
    @Test(arguments: ["reset", "reset-headers", "reset-body", "close"])
    func brokenConnectionIsNotReplayed(fault: String) async throws {
        try await LoopbackPeer.run { peer in
            let transport = Self.transport()
            // Opens a keep-alive connection that the submission below will reuse.
            _ = try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/echo/warm-up")))
            try await peer.script("/submit", [.fault(fault)])
            let request = HTTPRequest(
                method: .post, url: peer.url(.api, "/submit"), headers: ["Content-Type": "application/json"],
                body: HTTPBody(Data(#"{"model":"grok_video3"}"#.utf8)), createsTask: true)

            let error = try await #require(throws: HTTPTransportError.self) {
                try await transport.send(request)
            }
            #expect(error.kind == .connectionLost)
            #expect(error.requestMayHaveBeenSent)
            let posts = try await peer.log().requests.filter { $0.method == "POST" }
            #expect(posts.count == 1)
        }
    }

    /// Cancelling the calling task cancels the request promptly, mid-wait.
    @Test func cancellationStopsAStalledRequest() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script("/stall", [.fault("stall")])
            let transport = Self.transport()
            let task = Task {
                try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/stall")))
            }
            // Wait (on real sockets) until the request has arrived, then cancel.
            while try await peer.log().requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            task.cancel()
            let error = try await #require(throws: HTTPTransportError.self) { try await task.value }
            #expect(error.kind == .cancelled)
        }
    }
}
