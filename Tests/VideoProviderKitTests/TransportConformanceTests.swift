import Foundation
import Testing
import VideoProviderKit

/// What every ``HTTPTransport`` the package ships must do, over real loopback sockets against
/// `loopback_peer.py`: each test runs on ``CurlTransport`` and ``URLSessionTransport`` alike, with the
/// same expected values (where Linux's `URLSession` cannot do what is asked, the test says so and
/// expects the documented, safe alternative).
///
/// It lives in the test target, not in `VideoProviderTesting`, because it needs the python peer in
/// `Tests/LoopbackPeer` and Swift Testing; a library product apps link should ship neither.
@Suite("Transport conformance over loopback", .timeLimit(.minutes(3)))
struct TransportConformanceTests {
    static let canary = "sk-canary-transport-5f2d7c1e"
    static let kinds = TransportKind.allCases

    static func echo(_ response: HTTPResponse) throws -> Echo {
        try JSONDecoder().decode(Echo.self, from: response.body)
    }

    /// The peer's log entry for the first request to `path`, once its outcome matches `done` (a streamed
    /// answer records its byte count when the client has gone).
    static func entry(
        _ peer: LoopbackPeer, path: String, until done: @escaping (String) -> Bool = { _ in true }
    ) async throws -> LoggedRequest {
        for _ in 0..<500 {
            if let entry = try await peer.log().requests.first(where: { $0.pathOnly == path }),
                let outcome = entry.outcome, done(outcome)
            {
                return entry
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw LoopbackPeer.PeerError("no finished request to \(path) in the peer's log")
    }

    /// How many bytes a streamed answer sent before the client went away.
    static func streamedBytes(_ peer: LoopbackPeer, path: String) async throws -> Int {
        let entry = try await entry(peer, path: path) { $0.hasPrefix("streamed ") }
        return Int(entry.outcome!.split(separator: " ")[1])!
    }

    // MARK: Request bodies

    /// The exact bytes of a JSON body arrive with an exact `Content-Length`, never chunked, with the
    /// request's headers.
    @Test(arguments: kinds)
    func jsonPostArrivesByteForByte(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in try await Self.expectJSONPostArrivesByteForByte(kind.make(), peer) }
    }

    /// Sends a JSON POST through `transport` and checks what the peer received: the exact bytes, an exact
    /// `Content-Length`, no chunking, no `Expect`, the request's headers (also used by the URLSession suite
    /// for its staged path).
    static func expectJSONPostArrivesByteForByte(
        _ transport: some HTTPTransport, _ peer: LoopbackPeer, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let json = Data(
            #"{"model":"grok_video3","prompt":"Ünïcödé ✓ \"quoted\" \\ / <>","duration":6,"image_urls":[]}"#.utf8)
        let request = HTTPRequest(
            method: .post, url: peer.url(.api, "/echo/submit?x=1"),
            headers: ["Authorization": "Bearer \(Self.canary)", "Content-Type": "application/json"],
            body: HTTPBody(json), createsTask: true)

        let response = try await transport.send(request)

        #expect(response.status == 200, sourceLocation: sourceLocation)
        #expect(response.headers["content-type"] == "application/json", sourceLocation: sourceLocation)
        #expect(response.url == peer.url(.api, "/echo/submit?x=1"), sourceLocation: sourceLocation)
        let echo = try Self.echo(response)
        #expect(echo.method == "POST", sourceLocation: sourceLocation)
        #expect(echo.path == "/echo/submit?x=1", sourceLocation: sourceLocation)
        #expect(echo.body == json, sourceLocation: sourceLocation)
        #expect(echo.bodyLength == json.count, sourceLocation: sourceLocation)
        #expect(echo.header("Content-Length") == String(json.count), sourceLocation: sourceLocation)
        #expect(echo.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
        #expect(echo.header("Authorization") == "Bearer \(Self.canary)", sourceLocation: sourceLocation)
        #expect(echo.header("Expect") == nil, sourceLocation: sourceLocation)
        #expect(echo.transferEncoding == nil, sourceLocation: sourceLocation)
    }

    /// A body of literal bytes, a file, base64 of a file and base64 of bytes streams out whole: the
    /// peer's hash of what arrived is the hash of the body written out locally.
    @Test(arguments: kinds)
    func bodyWithFileSegmentsStreamsIntact(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let image = scratch.file("image.bin")
            try HeavyLoopback.LoopbackLargeBodyTests.writeImage(image, byteCount: 3 << 20)
            let small = scratch.file("small.bin")
            try HeavyLoopback.LoopbackLargeBodyTests.writeImage(small, byteCount: (1 << 20) + 7)
            var body = HTTPBody()
            body.append(#"{"image":"data:image/png;base64,"#)
            body.append(.base64File(small, byteCount: (1 << 20) + 7))
            body.append(#"","raw":""#)
            body.append(.file(image, byteCount: 3 << 20))
            body.append(.base64(Data((0..<100_001).map { UInt8(truncatingIfNeeded: $0 &* 7) })))
            body.append("\"}")
            let request = HTTPRequest(
                method: .post, url: peer.url(.api, "/echo/upload"), headers: ["Content-Type": "application/json"],
                body: body)

            let response = try await kind.make(temporaryDirectory: scratch.url).send(request)

            let echo = try Self.echo(response)
            let reference = try body.writeToTemporaryFile(in: scratch.url)
            let expected = try await peer.digest(ofFile: reference)
            #expect(echo.bodyLength == Int(body.length))
            #expect(expected.size == body.length)
            #expect(echo.bodySha256 == expected.sha256)
            #expect(echo.header("Content-Length") == String(body.length))
            #expect(echo.transferEncoding == nil)
        }
    }

    /// A `POST` without a body says `Content-Length: 0`; other methods are sent as named.
    @Test(arguments: kinds)
    func methodsAndEmptyBodies(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let transport = try kind.make()
            let post = try Self.echo(
                try await transport.send(HTTPRequest(method: .post, url: peer.url(.api, "/echo/p"))))
            let delete = try Self.echo(
                try await transport.send(HTTPRequest(method: .delete, url: peer.url(.api, "/echo/d"))))
            let get = try Self.echo(try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/echo/g"))))

            #expect(post.method == "POST")
            #expect(post.bodyLength == 0)
            #expect(post.header("Content-Length") == "0")
            #expect(delete.method == "DELETE")
            #expect(delete.bodyLength == 0)
            #expect(get.method == "GET")
            #expect(get.header("Content-Length") == nil)
        }
    }

    // MARK: Responses

    /// An error status is a response, not a transport error, with its body.
    @Test(arguments: kinds)
    func errorStatusIsAResponse(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let response = try await kind.make().send(HTTPRequest(method: .get, url: peer.url(.api, "/nowhere")))

            #expect(response.status == 404)
            #expect(
                String(decoding: response.body, as: UTF8.self)
                    == #"{"code": 404, "message": "no route for GET /nowhere"}"#)
        }
    }

    /// A gzip answer is decoded before the caller sees it.
    @Test(arguments: kinds)
    func gzipAnswerIsDecoded(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let json = #"{"id":"video_1","status":"queued","padding":"\#(String(repeating: "abc", count: 2000))"}"#
            try await peer.script("/status", [.gzipped(status: 200, body: json)])

            let response = try await kind.make().send(HTTPRequest(method: .get, url: peer.url(.api, "/status")))

            #expect(response.status == 200)
            #expect(response.body == Data(json.utf8))
        }
    }

    /// A body streams into a new file in the directory asked for, intact, and nothing else is left there.
    @Test(arguments: kinds)
    func downloadStreamsToAFile(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let size = 24 << 20
            let request = HTTPRequest(method: .get, url: peer.url(.cdn, "/bytes?n=\(size)&seed=conformance"))

            let response = try await kind.make().send(request, bodyDestination: .temporaryFile(in: scratch.url))

            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            let file = try #require(response.bodyFile)
            #expect(file.deletingLastPathComponent().path == scratch.url.path)
            #expect(scratch.contents == [file.lastPathComponent])
            #expect(
                try await peer.digest(ofFile: file) == (try await peer.digest(ofPattern: size, seed: "conformance")))
        }
    }

    /// Fifty requests at once all get their own answers.
    @Test(arguments: kinds)
    func concurrentRequestsGetTheirOwnAnswers(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let transport = try kind.make(idleTimeout: .seconds(60))
            let paths = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try Self.echo(
                            try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/echo/\(index)")))
                        ).path
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(paths.sorted() == (0..<50).map { "/echo/\($0)" }.sorted())
        }
    }

    // MARK: Redirects

    /// A redirect to another host arrives without credentials or any header but `Accept`,
    /// `Accept-Language` and `User-Agent` (names matched in any case).
    @Test(arguments: kinds)
    func crossHostRedirectKeepsOnlySafeHeaders(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let target = peer.url(.cdn, "/echo/video")
            let request = HTTPRequest(
                method: .get, url: peer.url(.api, "/redirect?to=\(target.absoluteString)"),
                headers: [
                    "authorization": "Bearer \(Self.canary)", "X-Api-Key": Self.canary, "Cookie": "s=\(Self.canary)",
                    "Accept": "video/*", "X-App-Tenant": "acme", "accept-language": "de",
                ])

            let response = try await kind.make().send(request)

            #expect(response.status == 200)
            #expect(response.url?.host == peer.cdn.host)
            let echo = try Self.echo(response)
            #expect(echo.server == .cdn)
            #expect(echo.header("Authorization") == nil)
            #expect(echo.header("X-Api-Key") == nil)
            #expect(echo.header("Cookie") == nil)
            #expect(echo.header("X-App-Tenant") == nil)
            #expect(echo.header("Accept") == "video/*")
            #expect(echo.header("Accept-Language") == "de")
            let log = try await peer.log()
            #expect(log.on(.api).count == 1)
            #expect(log.on(.cdn).count == 1)
            #expect(!log.on(.cdn).contains { $0.mentions(Self.canary) })
        }
    }

    /// Same host, another port, is another origin.
    @Test(arguments: kinds)
    func redirectToAnotherPortDropsCredentials(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let request = HTTPRequest(
                method: .get, url: peer.url(.api, "/redirect?to=\(peer.url(.api2, "/echo").absoluteString)"),
                headers: ["Authorization": "Bearer \(Self.canary)"])

            let echo = try Self.echo(try await kind.make().send(request))

            #expect(echo.server == .api2)
            #expect(echo.header("Authorization") == nil)
        }
    }

    /// A same-origin redirect keeps every header: the gateway is talking to itself.
    @Test(arguments: kinds)
    func sameOriginRedirectKeepsHeaders(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let request = HTTPRequest(
                method: .get, url: peer.url(.api, "/redirect?to=/echo/moved"),
                headers: ["Authorization": "Bearer \(Self.canary)", "X-App-Tenant": "acme"])

            let echo = try Self.echo(try await kind.make().send(request))

            #expect(echo.server == .api)
            #expect(echo.path == "/echo/moved")
            #expect(echo.header("Authorization") == "Bearer \(Self.canary)")
            #expect(echo.header("X-App-Tenant") == "acme")
        }
    }

    /// A redirect to `file://` is not followed: the caller gets the redirect itself, not a local file.
    @Test(arguments: kinds)
    func redirectToFileSchemeIsNotFollowed(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let request = HTTPRequest(method: .get, url: peer.url(.cdn, "/redirect?to=file:///etc/passwd"))
            let transport = try kind.make()

            let inMemory = try await transport.send(request)
            let toFile = try await transport.send(request, bodyDestination: .temporaryFile(in: scratch.url))

            #expect(inMemory.status == 302)
            #expect(inMemory.headers["Location"] == "file:///etc/passwd")
            #expect(inMemory.body.isEmpty)
            #expect(toFile.status == 302)
            let file = try #require(toFile.bodyFile)
            #expect(try Data(contentsOf: file).isEmpty)
        }
    }

    /// A redirect loop is cut after `maximumRedirects` hops; the last redirect is handed back.
    @Test(arguments: kinds)
    func redirectLoopIsCut(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let response = try await kind.make(maximumRedirects: 4)
                .send(HTTPRequest(method: .get, url: peer.url(.api, "/redirect-loop")))

            #expect(response.status == 302)
            #expect(response.headers["Location"] == "/redirect-loop?hop=5")
            let log = try await peer.log()
            #expect(log.requests.map(\.path) == ["/redirect-loop"] + (1...4).map { "/redirect-loop?hop=\($0)" })
        }
    }

    /// A task-creating request is never redirected, whatever the status and wherever it points: the
    /// redirect is the answer, and the target never sees the request (nor its key).
    @Test(arguments: kinds, [301, 302, 303, 307, 308])
    func submissionIsNeverRedirected(kind: TransportKind, status: Int) async throws {
        try await LoopbackPeer.run { peer in
            let target = peer.url(.api2, "/echo/elsewhere").absoluteString
            for destination in [target, "/echo/same-origin"] {
                let request = HTTPRequest(
                    method: .post, url: peer.url(.api, "/redirect?status=\(status)&to=\(destination)"),
                    headers: ["Authorization": "Bearer \(Self.canary)", "Content-Type": "application/json"],
                    body: HTTPBody(Data(#"{"model":"grok_video3"}"#.utf8)), createsTask: true)

                let response = try await kind.make().send(request)

                #expect(response.status == status)
                #expect(response.headers["Location"] == destination)
            }
            let log = try await peer.log()
            #expect(log.requests.map(\.method) == ["POST", "POST"])
            #expect(log.on(.api2).isEmpty)
        }
    }

    /// An ordinary `POST` (not a submission) follows 303 as a `GET` without its body, and 307 as the same
    /// `POST` with the same body (where the transport can send it again).
    @Test(arguments: kinds)
    func postRedirectsFollowTheStatusRules(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let transport = try kind.make()
            let body = Data(#"{"query":"status"}"#.utf8)
            func post(_ status: Int) async throws -> HTTPResponse {
                try await transport.send(
                    HTTPRequest(
                        method: .post, url: peer.url(.api, "/redirect?status=\(status)&to=/echo/\(status)"),
                        headers: ["Content-Type": "application/json"], body: HTTPBody(body)))
            }

            let seeOther = try Self.echo(try await post(303))

            #expect(seeOther.method == "GET")
            #expect(seeOther.path == "/echo/303")
            #expect(seeOther.bodyLength == 0)
            if kind == .urlSession && DefaultHTTPTransport.prefersCurl {
                // Linux's URLSession drops the body on every redirect, so the 307 is handed back instead.
                let temporary = try await post(307)
                #expect(temporary.status == 307)
                #expect(temporary.headers["Location"] == "/echo/307")
            } else {
                let temporary = try Self.echo(try await post(307))
                #expect(temporary.method == "POST")
                #expect(temporary.path == "/echo/307")
                #expect(temporary.body == body)
            }
        }
    }

    // MARK: Timeouts and cancellation

    /// No answer within the idle timeout is `timedOut`, and the request may have arrived (it did).
    @Test(arguments: kinds)
    func stalledServerTimesOut(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script("/stall", [.fault("stall")])
            let request = HTTPRequest(
                method: .post, url: peer.url(.api, "/stall"), body: HTTPBody(Data("{}".utf8)), createsTask: true)

            let error = try await #require(throws: HTTPTransportError.self) {
                try await kind.make(idleTimeout: .seconds(1)).send(request)
            }
            #expect(error.kind == .timedOut)
            #expect(error.requestMayHaveBeenSent)
            #expect(try await peer.log().requests.count == 1)
        }
    }

    /// An answer that comes within the idle timeout is not cut off (a sub-second wait, a timeout of two
    /// seconds: Linux's URLSession counts whole seconds).
    @Test(arguments: kinds)
    func promptAnswerIsNotCutOff(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script("/slow", [.answer(status: 200, body: "{}", delay: .milliseconds(300))])

            let response = try await kind.make(idleTimeout: .seconds(2))
                .send(HTTPRequest(method: .get, url: peer.url(.api, "/slow")))

            #expect(response.status == 200)
            #expect(response.body == Data("{}".utf8))
        }
    }

    /// Cancelling the calling task cancels the request promptly, mid-wait.
    @Test(arguments: kinds)
    func cancellationStopsAStalledRequest(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script("/stall", [.fault("stall")])
            let transport = try kind.make(idleTimeout: .seconds(60))
            let task = Task { try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/stall"))) }
            while try await peer.log().requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            let start = ContinuousClock.now
            task.cancel()
            let error = try await #require(throws: HTTPTransportError.self) { try await task.value }
            #expect(error.kind == .cancelled)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    // MARK: Faults

    /// A refused connection is `connectionFailed` and proves nothing was sent.
    @Test(arguments: kinds)
    func refusedConnectionProvesNothingWasSent(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let request = HTTPRequest(
                method: .post, url: URL(string: "http://127.0.0.1:\(peer.closedPort)/submit")!,
                body: HTTPBody(Data("{}".utf8)), createsTask: true)

            let error = try await #require(throws: HTTPTransportError.self) { try await kind.make().send(request) }
            #expect(error.kind == .connectionFailed)
            #expect(error.requestMayHaveBeenSent == false)
        }
    }

    /// Every way a connection can break after the request was sent is `connectionLost` with
    /// `requestMayHaveBeenSent`, and a submission is sent once, even after a request on a keep-alive
    /// connection (which libcurl would otherwise reuse, and replay on when it breaks).
    @Test(arguments: kinds, ["reset", "reset-headers", "reset-body", "close"])
    func brokenConnectionIsNotReplayed(kind: TransportKind, fault: String) async throws {
        try await LoopbackPeer.run { peer in
            let transport = try kind.make()
            _ = try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/echo/warm-up")))
            try await peer.script("/submit", [.fault(fault)])
            let request = HTTPRequest(
                method: .post, url: peer.url(.api, "/submit"), headers: ["Content-Type": "application/json"],
                body: HTTPBody(Data(#"{"model":"grok_video3"}"#.utf8)), createsTask: true)

            let error = try await #require(throws: HTTPTransportError.self) { try await transport.send(request) }
            #expect(error.kind == .connectionLost)
            #expect(error.requestMayHaveBeenSent)
            #expect(try await peer.log().requests.filter { $0.method == "POST" }.count == 1)
        }
    }

    /// A download cut mid-body is an error and leaves no partial file.
    @Test(arguments: kinds)
    func downloadResetMidBodyLeavesNoFile(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            try await peer.script("/bytes", [.fault("reset-body", declaredLength: 8 << 20, sendBytes: 3 << 20)])

            let error = try await #require(throws: HTTPTransportError.self) {
                try await kind.make().send(
                    HTTPRequest(method: .get, url: peer.url(.cdn, "/bytes?n=\(8 << 20)")),
                    bodyDestination: .temporaryFile(in: scratch.url))
            }
            #expect(error.kind == .connectionLost)
            #expect(scratch.contents == [])
        }
    }

    // MARK: Proxies

    /// With a proxy in the environment, a key never reaches it: a loopback gateway is reached directly
    /// by CurlTransport; Linux's URLSession cannot bypass an environment proxy for one request, so it
    /// refuses before sending. Either way the proxy sees nothing.
    @Test(arguments: kinds)
    func loopbackGatewayNeverGoesThroughTheProxy(kind: TransportKind) async throws {
        try await LoopbackPeer.run { peer in
            let proxies = ProxyConfiguration(environment: [
                "http_proxy": peer.proxy.absoluteString, "https_proxy": peer.proxy.absoluteString,
                "ALL_PROXY": peer.proxy.absoluteString,
            ])
            let request = HTTPRequest(
                method: .post, url: peer.url(.api, "/echo/submit"),
                headers: ["Authorization": "Bearer \(Self.canary)", "Content-Type": "application/json"],
                body: HTTPBody(Data("{}".utf8)), createsTask: true)
            let transport = try kind.make(proxies: proxies)

            if kind == .curl || !DefaultHTTPTransport.prefersCurl {
                let echo = try Self.echo(try await transport.send(request))
                #expect(echo.server == .api)
                #expect(echo.header("Authorization") == "Bearer \(Self.canary)")
            } else {
                let error = try await #require(throws: HTTPTransportError.self) { try await transport.send(request) }
                #expect(error.kind == .connectionFailed)
                #expect(error.requestMayHaveBeenSent == false)
                #expect(error.message.contains("loopback"))
            }
            #expect(try await peer.log().on(.proxy).isEmpty)
        }
    }
}

extension HeavyLoopback {
    /// The conformance cases for answers far past a limit (see ``TransportConformanceTests``): with Linux's
    /// `URLSession` each streams or inflates tens to hundreds of MiB before the cancellation lands.
    @Suite("Transport conformance: limits", .timeLimit(.minutes(3)))
    struct TransportLimits {
        static let kinds = TransportKind.allCases

        /// GETs `path` from the gateway host into memory under `limit`: the answer is refused as too large.
        static func tooLarge(
            _ kind: TransportKind, _ peer: LoopbackPeer, _ path: String, limit: Int,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> HTTPTransportError {
            let error = try await #require(throws: HTTPTransportError.self, sourceLocation: sourceLocation) {
                try await kind.make().send(
                    HTTPRequest(method: .get, url: peer.url(.api, path)), bodyDestination: .memory(limit: limit))
            }
            #expect(error.kind == .responseTooLarge, sourceLocation: sourceLocation)
            return error
        }

        /// Cancelling a download mid-body stops it and leaves no file.
        @Test(arguments: kinds)
        func cancelledDownloadLeavesNoFile(kind: TransportKind) async throws {
            try await LoopbackPeer.run { peer in
                let scratch = try ScratchDirectory()
                defer { scratch.remove() }
                // A byte every 10 ms: still arriving whenever the cancellation comes.
                try await peer.script("/endless", [.fault("drip", declaredLength: 1 << 20, everyMs: 10)])
                let transport = try kind.make()
                let task = Task {
                    try await transport.send(
                        HTTPRequest(method: .get, url: peer.url(.cdn, "/endless")),
                        bodyDestination: .temporaryFile(in: scratch.url))
                }
                while scratch.contents.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
                try await Task.sleep(for: .milliseconds(100))
                task.cancel()
                let error = try await #require(throws: HTTPTransportError.self) { try await task.value }
                #expect(error.kind == .cancelled)
                #expect(scratch.contents == [])
            }
        }

        // MARK: Limits, enforced while the answer arrives

        /// A declared `Content-Length` over the limit fails before the body is read.
        @Test(arguments: kinds)
        func declaredLengthOverTheLimitIsRefused(kind: TransportKind) async throws {
            try await LoopbackPeer.run { peer in
                try await peer.script("/huge", [.stream(bytes: 256 << 20, framing: "length", declaredLength: 1 << 30)])

                let error = try await Self.tooLarge(kind, peer, "/huge", limit: 1 << 20)
                #expect(error.requestMayHaveBeenSent)
                #expect(error.message.contains("1073741824"))
            }
        }

        /// An answer without a declared length (chunked, or ended by closing) stops at the limit: here
        /// 128 MiB against 1 MiB (CurlTransport's own tests also send one that never ends).
        @Test(arguments: kinds, ["chunked", "close"])
        func unannouncedOversizedAnswerStopsAtTheLimit(kind: TransportKind, framing: String) async throws {
            try await LoopbackPeer.run { peer in
                try await peer.script("/oversized", [.stream(bytes: 128 << 20, framing: framing)])

                let error = try await Self.tooLarge(kind, peer, "/oversized", limit: 1 << 20)
                #expect(error.message.contains("1048576-byte limit"))
                // CurlTransport stops reading at the limit. Linux's URLSession reads on until its cancellation
                // gets through its delegate queue (75–670 MB of an endless answer in our runs), dropping it.
                if kind == .curl {
                    #expect(try await TransportConformanceTests.streamedBytes(peer, path: "/oversized") < 16 << 20)
                }
            }
        }

        /// A gzip answer that inflates a thousandfold (64 KiB to 64 MiB) stops at the limit (4 MiB: more than the bytes on the
        /// wire), counted after decoding.
        @Test(arguments: kinds)
        func gzipBombStopsAtTheLimit(kind: TransportKind) async throws {
            try await LoopbackPeer.run { peer in
                try await peer.script("/bomb", [.gzipBomb(inflated: 64 << 20)])

                let error = try await Self.tooLarge(kind, peer, "/bomb", limit: 4 << 20)
                #expect(error.message.contains("4194304-byte limit"))
            }
        }

        /// A body of exactly the limit is accepted.
        @Test(arguments: kinds)
        func answerOfExactlyTheLimitIsAccepted(kind: TransportKind) async throws {
            try await LoopbackPeer.run { peer in
                let response = try await kind.make().send(
                    HTTPRequest(method: .get, url: peer.url(.api, "/bytes?n=\(1 << 20)")),
                    bodyDestination: .memory(limit: 1 << 20))

                #expect(response.status == 200)
                #expect(response.body.count == 1 << 20)
            }
        }

        /// An error body is read for a message, never kept whole: past `errorBodyLimit` it is an error,
        /// in memory and to a file alike.
        @Test(arguments: kinds)
        func errorBodyHasASmallerLimit(kind: TransportKind) async throws {
            try await LoopbackPeer.run { peer in
                let scratch = try ScratchDirectory()
                defer { scratch.remove() }
                let size = ResponseBodyDestination.errorBodyLimit + 1
                try await peer.script("/failing", [.stream(bytes: size, framing: "chunked", status: 500)])
                try await peer.script("/failing", [.stream(bytes: size, framing: "chunked", status: 404)])
                let transport = try kind.make()

                let inMemory = try await #require(throws: HTTPTransportError.self) {
                    try await transport.send(HTTPRequest(method: .get, url: peer.url(.api, "/failing")))
                }
                let toFile = try await #require(throws: HTTPTransportError.self) {
                    try await transport.send(
                        HTTPRequest(method: .get, url: peer.url(.api, "/failing")),
                        bodyDestination: .temporaryFile(in: scratch.url))
                }

                #expect(inMemory.kind == .responseTooLarge)
                #expect(inMemory.message.contains("HTTP 500"))
                #expect(toFile.kind == .responseTooLarge)
                #expect(toFile.message.contains("HTTP 404"))
                #expect(scratch.contents == [])
            }
        }

        /// A download stops at the request's ceiling (8 MiB), declared or not, and leaves no file.
        @Test(arguments: kinds)
        func downloadStopsAtItsCeiling(kind: TransportKind) async throws {
            try await LoopbackPeer.run { peer in
                let scratch = try ScratchDirectory()
                defer { scratch.remove() }
                try await peer.script("/endless", [.stream(bytes: 128 << 20, framing: "chunked")])
                try await peer.script(
                    "/declared", [.stream(bytes: 64 << 20, framing: "length", declaredLength: 64 << 20)])
                let transport = try kind.make()
                func download(_ path: String) async throws -> HTTPResponse {
                    try await transport.send(
                        HTTPRequest(method: .get, url: peer.url(.cdn, path), maximumResponseBytes: 8 << 20),
                        bodyDestination: .temporaryFile(in: scratch.url))
                }

                let endless = try await #require(throws: HTTPTransportError.self) { try await download("/endless") }
                let declared = try await #require(throws: HTTPTransportError.self) { try await download("/declared") }

                #expect(endless.kind == .responseTooLarge)
                #expect(endless.message.contains("8388608-byte limit"))
                #expect(declared.kind == .responseTooLarge)
                #expect(declared.message.contains("declared a 67108864-byte body"))
                #expect(scratch.contents == [])
                if kind == .curl {
                    #expect(try await TransportConformanceTests.streamedBytes(peer, path: "/endless") < 32 << 20)
                }
            }
        }
    }
}
