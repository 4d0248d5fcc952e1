import AizfwProvider
import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting
import XingchaoyiqingProvider

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hostile-server matrix (docs/reliability.md, "Hostile servers"), through the library: the real
/// `URLSessionTransport` and `AizfwProvider` against `loopback_peer.py` scripted to answer like a server that
/// echoes the key where text is cut, sends escape sequences, serves errors where a video belongs, or puts
/// values nothing reads out of range. The tool's side of the same matrix is `HostileServerTests` in
/// `videogenTests`.
@Suite("Hostile servers over loopback", .timeLimit(.minutes(3)))
struct HostileServerLoopbackTests {
    /// 31 characters, none of them in the texts around it (no `H`, `T` or `P`, as in "HTTP"), so any run of the
    /// key's characters in an output is a leak.
    static let key = "sk-Q7XZ9WK2MV4RY6NB3CL5DJ1GF8VS"
    static let submitPath = "/kyyReactApiServer/v1/grok/videos"
    static let resultPath = "/kyyReactApiServer/v1/result/"

    /// The longest run of the key's characters in `text` (0 when none).
    static func longestKeyRun(in text: String) -> Int { text.longestRun(from: key) }

    /// Every text an error can show.
    static func texts(of error: VideoProviderError) -> [String] {
        [
            error.message, error.description, error.localizedDescription, error.underlying ?? "",
            error.vendorMessage ?? "", error.vendorCode ?? "", error.taskID ?? "", error.rawStatus ?? "",
        ] + error.attempts.map { "\($0) \($0.detail ?? "")" }
    }

    /// A client with only aizfw (or Xingchaoyiqing, which also takes images as data URIs), at the peer's
    /// `api` host, holding ``key``; events are kept.
    static func client(_ peer: LoopbackPeer, provider: any VideoProvider = AizfwProvider()) throws -> (
        VideoClient, EventLog
    ) {
        var registry = ProviderRegistry()
        try registry.register(provider, apiKey: key, baseURL: peer.kyyBase(.api))
        var transportConfiguration = URLSessionTransport.Configuration()
        transportConfiguration.idleTimeout = .seconds(10)
        var configuration = VideoClient.Configuration()
        configuration.random = { 0 }
        let events = EventLog()
        let client = VideoClient(
            registry: registry, transport: URLSessionTransport(configuration: transportConfiguration),
            clock: VirtualClock(mode: .autoAdvance), configuration: configuration,
            observer: VideoClientObserver { events.append($0) })
        return (client, events)
    }

    // MARK: Redaction where text is cut

    /// Scripts one submit answer that echoes the key, submits through a fresh client (repeated refusals would
    /// put the provider in cooldown) and checks that no text of the error keeps 4 or more of the key's
    /// characters in a row.
    static func scrubbedSubmitError(
        _ peer: LoopbackPeer, _ answer: PeerAction, visible: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> VideoProviderError {
        let (client, _) = try Self.client(peer)
        try await peer.script(Self.submitPath, method: "POST", [answer])
        let error = try await #require(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try await client.submit(LoopbackGateway.request)
        }
        for text in Self.texts(of: error) {
            #expect(Self.longestKeyRun(in: text) < 4, "visible \(visible): \(text)", sourceLocation: sourceLocation)
        }
        return error
    }

    /// A plain-text error body is cut at 300 bytes. The server quotes the key back so that exactly `visible`
    /// of its characters fall before the cut: none of them may survive, at any position. (Before: up to 30 of
    /// the 31 characters were shown.)
    @Test func keyEchoedWhereAPlainTextErrorIsCutIsScrubbedAtEveryPosition() async throws {
        try await LoopbackPeer.run { peer in
            for visible in 1..<Self.key.count {
                let filler = String(repeating: ".", count: 300 - visible)
                let error = try await Self.scrubbedSubmitError(
                    peer, .echoingKey(status: 400, contentType: "text/plain", body: filler + "{{key}} was refused"),
                    visible: visible)
                let cut = String("[redacted] was refused".prefix(visible)).trimmingCharacters(in: .whitespaces)
                #expect(
                    error.message == "aizfw refused the video submission (HTTP 400): \(filler)\(cut)",
                    "visible: \(visible)")
                #expect(error.vendorMessage == filler + cut)
            }
            let log = try await peer.log()
            // The key did travel (to its own gateway), and came back each time.
            #expect(log.submissions(on: .api).count == Self.key.count - 1)
            #expect(log.submissions(on: .api).allSatisfy { $0.header("Authorization") == "Bearer \(Self.key)" })
        }
    }

    /// An HTML page's title is cut at 120 characters: the same, for a 502 page that quotes the key.
    @Test func keyEchoedWhereAnHTMLTitleIsCutIsScrubbedAtEveryPosition() async throws {
        try await LoopbackPeer.run { peer in
            for visible in 1..<Self.key.count {
                let filler = String(repeating: "=", count: 120 - visible)
                let error = try await Self.scrubbedSubmitError(
                    peer,
                    .echoingKey(
                        status: 502, contentType: "text/html",
                        body: "<html><head><title>\(filler){{key}} upstream</title></head><body>x</body></html>"),
                    visible: visible)
                // The title is trimmed before it is cut, so a cut can end on a space.
                let cut = String("[redacted] upstream".prefix(visible))
                #expect(error.vendorMessage == "HTML page: \(filler)\(cut)", "visible: \(visible)")
            }
        }
    }

    /// A server that quotes only part of the key: a prefix (cut on its side), a suffix, a middle piece. Runs of
    /// 8 or more characters are scrubbed wherever they are; a run of 7 is left (the rule's floor, so that
    /// ordinary words are not scrubbed by accident).
    @Test func keyFragmentsOfEightOrMoreAreScrubbedWherever() async throws {
        try await LoopbackPeer.run { peer in
            let (client, _) = try Self.client(peer)
            let key = Self.key
            let prefix = String(key.prefix(12))
            let suffix = String(key.suffix(9))
            let middle = String(key.dropFirst(10).prefix(8))
            let short = String(key.dropFirst(20).prefix(7))
            let body =
                #"{"code":"auth_\#(prefix)","message":"key \#(prefix)… ends \#(suffix), has \#(middle), not \#(short)"}"#
            try await peer.script(Self.submitPath, method: "POST", [.answer(status: 401, body: body)])

            let error = try await #require(throws: VideoProviderError.self) {
                try await client.submit(LoopbackGateway.request)
            }

            #expect(error.kind == .authentication)
            #expect(error.vendorCode == "auth_[redacted]")
            #expect(error.vendorMessage == "key [redacted]… ends [redacted], has [redacted], not \(short)")
            for text in Self.texts(of: error) { #expect(Self.longestKeyRun(in: text) < 8, "\(text)") }
        }
    }

    /// The key quoted in a status answer's status word, error code and message: the snapshot the app sees, the
    /// events it observes and the failure it gets all read `[redacted]`.
    @Test func keyEchoedInAStatusAnswerIsScrubbedFromSnapshotsEventsAndErrors() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.configure(pollsBeforeDone: 5)
            let (client, events) = try Self.client(peer)
            let job = try await client.submit(LoopbackGateway.request)
            let answer =
                #"{"id":"\#(job.taskID)","status":"failed","error":{"code":"bad_key_{{key}}","#
                + #""message":"Key {{key}} was refused upstream"}}"#
            try await peer.script(Self.resultPath, method: "GET", [.echoingKey(status: 200, body: answer)])

            let error = try await #require(throws: VideoProviderError.self) { try await client.result(for: job) }

            #expect(error.kind == .taskFailed)
            #expect(error.vendorCode == "bad_key_[redacted]")
            #expect(error.vendorMessage == "Key [redacted] was refused upstream")
            #expect(error.message == "Task \(job.taskID) on aizfw ended failed: Key [redacted] was refused upstream")
            let polled = events.polls
            #expect(polled.last?.errorMessage == "Key [redacted] was refused upstream")
            #expect(polled.last?.errorCode == "bad_key_[redacted]")
            for text in Self.texts(of: error) + polled.map({ "\($0.errorMessage ?? "") \($0.errorCode ?? "")" }) {
                #expect(Self.longestKeyRun(in: text) < 4, "\(text)")
            }
        }
    }

    // MARK: Text that would drive a terminal

    /// Escape sequences in a status answer (OSC retitle, CSI clear, C1 CSI, a bidi override, a carriage return
    /// and a line break that would print a fake line): the snapshot keeps the vendor's text as sent, and the
    /// error's description shows each one escaped, on exactly the lines the library writes.
    @Test func escapeSequencesInAnswersAreKeptAsSentButDescribedEscaped() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.configure(pollsBeforeDone: 5)
            let (client, _) = try Self.client(peer)
            let job = try await client.submit(LoopbackGateway.request)
            let answer =
                #"{"id":"\#(job.taskID)","status":"failed","error":{"code":"\u009b2J","#
                + #""message":"\u001b]0;pwned\u0007boom\r\nerror: fake line \u001b[2J\u202eevil"}}"#
            try await peer.script(Self.resultPath, method: "GET", [.answer(status: 200, body: answer)])

            let error = try await #require(throws: VideoProviderError.self) { try await client.result(for: job) }

            let raw = "\u{1B}]0;pwned\u{07}boom\r\nerror: fake line \u{1B}[2J\u{202E}evil"
            #expect(error.vendorMessage == raw)
            #expect(error.vendorCode == "\u{9B}2J")
            let escaped = #"\u001b]0;pwned\u0007boom\r\nerror: fake line \u001b[2J\u202eevil"#
            #expect(
                error.description.split(separator: "\n", omittingEmptySubsequences: false) == [
                    "Task \(job.taskID) on aizfw ended failed: \(escaped)",
                    #"  provider: aizfw, model: grok_video3, task: \#(job.taskID), vendor code: \u009b2J, status: failed"#,
                ])
            #expect(!error.description.unicodeScalars.contains { $0 != "\n" && $0.isTerminalControl })
        }
    }

    // MARK: Downloads that are not videos

    /// The first bytes of an MP4 (an `ftyp` box, then `free`), padded to `size` bytes.
    static func mp4(size: Int = 4096) -> Data {
        var data = Data([0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isommp41".utf8))
        data += Data([0, 0, 0, 8] + Array("free".utf8))
        data += Data((0..<(size - data.count)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        return data
    }

    /// WebM: the EBML signature, then binary.
    static func webm(size: Int = 2048) -> Data {
        Data([0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01]) + Data(repeating: 0x80, count: size - 9)
    }

    struct Refusal: Sendable, CustomStringConvertible {
        let name: String
        let contentType: String
        let body: Data
        /// The message's words for what came.
        let what: String
        let start: String?
        var description: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "empty", contentType: "video/mp4", body: Data(), what: "an empty body", start: nil),
        Refusal(
            name: "JSON error labelled video/mp4", contentType: "video/mp4",
            body: Data(#"{"error":{"code":"expired","message":"Signature expired"}}"#.utf8), what: "JSON",
            start: #""{"error":{"code":"expired","message":"Signature expired"}}""#),
        Refusal(
            name: "HTML page", contentType: "text/html", body: Data("<!DOCTYPE html><html><title>Login</title>".utf8),
            what: "an HTML page", start: #""<!DOCTYPE html><html><title>Login</title>""#),
        Refusal(
            name: "S3 XML error as binary/octet-stream", contentType: "binary/octet-stream",
            body: Data(#"<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>"#.utf8),
            what: "an XML document", start: #""<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>""#),
        Refusal(
            name: "text as octet-stream", contentType: "application/octet-stream",
            body: Data("The free plan quota is exhausted".utf8), what: "text",
            start: #""The free plan quota is exhausted""#),
        Refusal(
            name: "unknown binary as octet-stream", contentType: "application/octet-stream",
            body: Data([0xDE, 0xAD, 0xBE, 0xEF] + [UInt8](repeating: 0, count: 60)),
            what: "binary data that is not a known video format",
            start: "de ad be ef 00 00 00 00 00 00 00 00 00 00 00 00 …"),
    ]

    /// A job whose completed task's video URL is the peer's CDN, and a destination that already holds a file.
    static func completedJob(_ peer: LoopbackPeer, videoURL: URL? = nil) async throws -> (
        VideoClient, VideoJob, TaskSnapshot
    ) {
        try await peer.configure(pollsBeforeDone: 0, videoURL: videoURL ?? peer.url(.cdn, "/videos/clip.mp4"))
        let (client, _) = try Self.client(peer)
        let job = try await client.submit(LoopbackGateway.request)
        return (client, job, try await client.result(for: job))
    }

    /// A 200 whose body is not a video is never saved, whatever it is labelled: the earlier file stays, no
    /// partial file is left, and the error says what came and quotes its start.
    @Test(arguments: refusals)
    func aNonVideoBodyIsRefusedAndTheEarlierFileStays(_ refusal: Refusal) async throws {
        try await LoopbackPeer.run { peer in
            let (client, job, final) = try await Self.completedJob(peer)
            try await peer.script(
                "/videos/", server: .cdn, [.bytes(status: 200, contentType: refusal.contentType, body: refusal.body)])
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let destination = scratch.file("cat.mp4")
            let old = Self.mp4(size: 1000)
            try old.write(to: destination)

            let error = try await #require(throws: VideoProviderError.self) {
                try await client.download(job, to: destination, snapshot: final)
            }

            #expect(error.kind == .download)
            #expect(error.httpStatus == 200)
            let host = peer.cdn.host!
            var expected =
                "\(host) answered HTTP 200 with \(refusal.what), Content-Type \(refusal.contentType), not a video; nothing was saved."
            if let start = refusal.start { expected += " It starts: \(start)" }
            #expect(error.message == expected)
            #expect(try Data(contentsOf: destination) == old)
            #expect(scratch.contents == ["cat.mp4"])
        }
    }

    /// A JSON error where the video belongs is read like any vendor error (code and message), and what it
    /// quotes is shown escaped and scrubbed of the key (which the server had from the submission).
    @Test func aJSONErrorInsteadOfTheVideoKeepsTheVendorsWordsEscapedAndScrubbed() async throws {
        try await LoopbackPeer.run { peer in
            let (client, job, final) = try await Self.completedJob(peer)
            let body = #"{"code":"forbidden","message":"\u001b[31mdenied for \#(Self.key)"}"#
            try await peer.script("/videos/", server: .cdn, [.answer(status: 200, body: body)])
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }

            let error = try await #require(throws: VideoProviderError.self) {
                try await client.download(job, to: scratch.file("cat.mp4"), snapshot: final)
            }

            #expect(error.vendorCode == "forbidden")
            #expect(error.vendorMessage == "\u{1B}[31mdenied for [redacted]")
            #expect(
                error.message.hasSuffix(
                    #" It starts: "{"code":"forbidden","message":"\u001b[31mdenied for [redacted]"}""#))
            #expect(!error.message.unicodeScalars.contains { $0.isTerminalControl })
            for text in Self.texts(of: error) { #expect(Self.longestKeyRun(in: text) < 4, "\(text)") }
            #expect(scratch.contents == [])
        }
    }

    struct Acceptance: Sendable, CustomStringConvertible {
        let contentType: String
        let body: Data
        var description: String { contentType }
    }

    /// Real CDNs label MP4s `application/octet-stream` or `binary/octet-stream` (S3's default), some label
    /// them wrongly: the bytes decide, and a video is saved byte for byte.
    @Test(arguments: [
        Acceptance(contentType: "application/octet-stream", body: mp4()),
        Acceptance(contentType: "binary/octet-stream", body: mp4()),
        Acceptance(contentType: "text/plain", body: mp4()),
        Acceptance(contentType: "", body: mp4()),
        Acceptance(contentType: "application/octet-stream", body: webm()),
        Acceptance(contentType: "video/webm", body: webm()),
    ])
    func aVideoIsSavedWhateverItsLabel(_ acceptance: Acceptance) async throws {
        try await LoopbackPeer.run { peer in
            let (client, job, final) = try await Self.completedJob(peer)
            try await peer.script(
                "/videos/", server: .cdn,
                [.bytes(status: 200, contentType: acceptance.contentType, body: acceptance.body)])
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let destination = scratch.file("cat.mp4")
            try Data("an older video".utf8).write(to: destination)

            let video = try await client.download(job, to: destination, snapshot: final)

            #expect(video.byteCount == Int64(acceptance.body.count))
            #expect(try Data(contentsOf: destination) == acceptance.body)
            #expect(scratch.contents == ["cat.mp4"])
        }
    }

    // MARK: Values nothing reads

    /// Numbers beyond `Double`'s range and a value nested a thousand levels deep, in fields no dialect reads,
    /// leave the answer readable: the submission is accepted (before, it was "ambiguous", and a paid task was
    /// left behind), and the status answer's progress that cannot be held reads as unknown.
    @Test func outOfRangeAndDeepValuesInUnreadFieldsDoNotRejectTheAnswer() async throws {
        try await LoopbackPeer.run { peer in
            let deep = String(repeating: "[", count: 1000) + "1e999" + String(repeating: "]", count: 1000)
            let submit =
                #"{"id":"video_6b1f","object":"video","created":1e400,"model":"grok_video3","status":"queued","#
                + #""error":null,"usage":{"cost":-1e999,"trace":\#(deep)}}"#
            try await peer.script(Self.submitPath, method: "POST", [.answer(status: 200, body: submit)])
            let status =
                #"{"id":"video_6b1f","status":"processing","progress":1e400,"created":1e400,"error":null}"#
            try await peer.script(Self.resultPath, method: "GET", [.answer(status: 200, body: status)])
            let (client, _) = try Self.client(peer)

            let job = try await client.submit(LoopbackGateway.request)
            let snapshot = try await client.status(of: job)

            #expect(job.taskID == "video_6b1f")
            #expect(job.attempts.map(\.outcome) == [.accepted])
            #expect(snapshot.status == .processing)
            #expect(snapshot.progress == nil)
        }
    }

    // MARK: Image inputs

    /// A FIFO, a directory and a device are refused at once, naming the kind of file; nothing is sent. (A
    /// FIFO used to block the validator until a writer came.)
    @Test func imagesThatAreNotRegularFilesAreRefusedWithoutBlocking() async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let fifo = scratch.file("pipe.png")
            #expect(mkfifo(fifo.path, 0o600) == 0)
            let (client, _) = try Self.client(peer)
            var request = LoopbackGateway.request
            request.images = [.file(fifo), .file(scratch.url), .file(URL(fileURLWithPath: "/dev/null"))]

            let error = try await #require(throws: VideoProviderError.self) { try await client.submit(request) }

            #expect(error.kind == .invalidRequest)
            #expect(
                error.violations == [
                    Violation(
                        parameter: "images[0]", value: fifo.path, allowed: "a readable jpeg, png or webp file",
                        reason: "a FIFO (named pipe), not a regular file"),
                    Violation(
                        parameter: "images[1]", value: scratch.url.path, allowed: "a readable jpeg, png or webp file",
                        reason: "a directory, not a regular file"),
                    Violation(
                        parameter: "images[2]", value: "/dev/null", allowed: "a readable jpeg, png or webp file",
                        reason: "a character device, not a regular file"),
                ])
            #expect(try await peer.log().requests.isEmpty)
        }
    }

    /// An image over the model's byte ceiling (20 MiB for Xingchaoyiqing's grok_video3, the default) is refused
    /// before anything is sent, naming the parameter, the size and the limit; one of exactly 20 MiB passes. The
    /// files are sparse: the test writes almost nothing.
    @Test func anImageOverTheCeilingIsRefusedBeforeAnythingIsSent() async throws {
        try await LoopbackPeer.run { peer in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            func sparsePNG(_ name: String, size: UInt64) throws -> URL {
                let url = scratch.file(name)
                try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).write(to: url)
                let handle = try FileHandle(forWritingTo: url)
                try handle.truncate(atOffset: size)
                try handle.close()
                return url
            }
            let limit = UInt64(ImageRule.defaultMaximumBytes)
            let big = try sparsePNG("big.png", size: 1 << 30)
            let justOver = try sparsePNG("over.png", size: limit + 1)
            let atLimit = try sparsePNG("at.png", size: limit)
            let (client, _) = try Self.client(peer, provider: XingchaoyiqingProvider())
            var request = LoopbackGateway.request
            request.images = [.file(big), .file(justOver), .file(atLimit)]

            let error = try await #require(throws: VideoProviderError.self) { try await client.submit(request) }

            let allowed = "at most 20,971,520 bytes (20 MiB) per image"
            #expect(
                error.violations == [
                    Violation(
                        parameter: "images[0]", value: "big.png, 1,073,741,824 bytes (1 GiB)", allowed: allowed,
                        reason: "too large for grok_video3"),
                    Violation(
                        parameter: "images[1]", value: "over.png, 20,971,521 bytes (20.0 MiB)", allowed: allowed,
                        reason: "too large for grok_video3"),
                ])
            #expect(try await peer.log().requests.isEmpty)
        }
    }
}
