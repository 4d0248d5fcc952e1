import Foundation
import Testing
import VideoProviderKit

/// What is particular to `URLSessionTransport` over real loopback sockets (staging large bodies to a file,
/// whole-second timeouts); what every transport must do is in ``TransportConformanceTests``.
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

    // MARK: Failures

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
}
