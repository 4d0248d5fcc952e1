import Foundation
import Testing
import VideoProviderKit

/// What is particular to `URLSessionTransport` over real loopback sockets (staging large bodies to a file,
/// whole-second timeouts); what every transport must do is in ``TransportConformanceTests``.
@Suite("URLSessionTransport over loopback", .timeLimit(.minutes(2)))
struct URLSessionTransportLoopbackTests {
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

    // MARK: Request bodies

    /// The exact bytes of a JSON body arrive, whether sent from memory or staged to a file and streamed
    /// (`inMemoryBodyLimit: 0` forces the streamed path, which must still send a `Content-Length`).
    @Test(arguments: [false, true])
    func jsonPostArrivesByteForByte(staged: Bool) async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let transport = Self.transport(inMemoryBodyLimit: staged ? 0 : nil, temporaryDirectory: scratch.url)
            try await TransportConformanceTests.expectJSONPostArrivesByteForByte(transport, peer)
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
