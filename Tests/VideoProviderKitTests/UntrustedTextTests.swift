import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place server text is made safe: the terminal escape, the key scrub (text and raw answers), and
/// the words for local file failures (docs/reliability.md, "Hostile servers").
@Suite struct UntrustedTextTests {
    // MARK: Terminal escapes

    @Test(arguments: [
        ("plain ASCII", "plain ASCII"),
        ("\u{1B}[2J\u{1B}]0;title\u{07}", #"\u001b[2J\u001b]0;title\u0007"#),
        ("a\nb\rc\td", #"a\nb\rc\td"#),
        ("NUL\u{00} DEL\u{7F} C1 CSI\u{9B}", #"NUL\u0000 DEL\u007f C1 CSI\u009b"#),
        (
            "bidi \u{202E}txt.exe\u{202C} \u{2066}iso\u{2069} \u{061C}\u{200E}\u{200F}",
            #"bidi \u202etxt.exe\u202c \u2066iso\u2069 \u061c\u200e\u200f"#
        ),
        ("line\u{2028}para\u{2029}", #"line\u2028para\u2029"#),
        ("多语言 ✓ é", "多语言 ✓ é"),
    ])
    func controlCharactersAreWrittenAsVisibleEscapes(input: String, expected: String) {
        #expect(input.escapingControlCharacters() == expected)
    }

    /// Composed multi-line output keeps its `\n` and `\r\n`; a lone `\r` (a line overwriting itself) does not
    /// survive.
    @Test func lineBreaksCanBeKeptButALoneCarriageReturnCannot() {
        #expect("a\nb\r\nc\rd\u{1B}".escapingControlCharacters(keepingLineBreaks: true) == "a\nb\r\nc\\rd\\u001b")
        #expect("end\r".escapingControlCharacters(keepingLineBreaks: true) == "end\\r")
    }

    // MARK: Key scrub

    static let key = "sk-Q7XZ9WK2MV4RY6NB3CL5DJ1GF8VS"

    @Test func theWholeKeyAndEveryRunOfEightOrMoreOfItsCharactersAreScrubbed() {
        let key = Self.key
        #expect("Bearer \(key) refused".redactingSecret(key) == "Bearer [redacted] refused")
        #expect("twice \(key)\(key)".redactingSecret(key) == "twice [redacted][redacted]")
        // A cut at every length from 8 on leaves nothing; below 8 the run is too short to tell from text.
        for length in 8...key.count {
            #expect("cut: \(key.prefix(length))".redactingSecret(key) == "cut: [redacted]", "prefix \(length)")
            #expect("\(key.suffix(length)) was".redactingSecret(key) == "[redacted] was", "suffix \(length)")
        }
        #expect("cut: \(key.prefix(7))".redactingSecret(key) == "cut: \(key.prefix(7))")
        #expect("mid \(key.dropFirst(9).prefix(8)) x".redactingSecret(key) == "mid [redacted] x")
        #expect("no fragment here".redactingSecret(key) == "no fragment here")
        #expect("short".redactingSecret(nil) == "short")
    }

    /// Keys shorter than a fragment are scrubbed only whole; keys under 4 characters not at all.
    @Test func shortKeysAreScrubbedOnlyWhole() {
        #expect("a k3y-51 and k3y-5".redactingSecret("k3y-51") == "a [redacted] and k3y-5")
        #expect("abc abc".redactingSecret("abc") == "abc abc")
    }

    /// A long hostile text takes the windowed path: the same result, in linear time.
    @Test func aLongTextIsScrubbedTheSameWay() {
        let filler = String(repeating: "lorem ipsum ", count: 100_000)
        let text = filler + "key=\(Self.key.prefix(12))" + filler + Self.key.suffix(9)
        #expect(text.redactingSecret(Self.key) == filler + "key=[redacted]" + filler + "[redacted]")
    }

    /// Raw answers lose the key and its prefixes of 8+ before any provider cuts text from them; JSON stays
    /// JSON. Runs through a `"` or `\` are left for the text-level scrub after decoding.
    @Test func rawAnswersLoseTheKeyAndItsPrefixesAndStayJSON() throws {
        let key = Self.key
        let body = Data(#"{"message":"bad key \#(key) (\#(key.prefix(9))…)","id":"x"}"#.utf8)
        let scrubbed = body.redactingSecretPrefixes(key)
        #expect(
            String(decoding: scrubbed, as: UTF8.self) == #"{"message":"bad key [redacted] ([redacted]…)","id":"x"}"#)
        #expect(try JSONValue.parse(scrubbed)["message"] == "bad key [redacted] ([redacted]…)")
        #expect(Data("no key".utf8).redactingSecretPrefixes(key) == Data("no key".utf8))
        let quoted = #"ab"cdefghij"#
        #expect(
            Data(#"{"m":"ab\"cdefghij"}"#.utf8).redactingSecretPrefixes(quoted) == Data(#"{"m":"ab\"cdefghij"}"#.utf8))
    }

    @Test func errorsScrubEveryTextTheyHold() {
        let key = Self.key
        let fragment = String(key.prefix(10))
        let error = VideoProviderError(
            .vendorRejected, "refused: \(fragment)", taskID: "t-\(key)", vendorCode: "c-\(fragment)",
            vendorMessage: "m-\(key)", rawStatus: "s-\(fragment)",
            violations: [Violation(parameter: "p", value: "v-\(fragment)", allowed: "a-\(fragment)", reason: "r")],
            attempts: [
                SubmissionAttempt(providerID: "aizfw", model: "m", outcome: .stopped, detail: fragment, endedAt: 0)
            ],
            underlying: "u-\(key)"
        ).redacting(key)
        #expect(error.message == "refused: [redacted]")
        #expect(error.taskID == "t-[redacted]")
        #expect(error.vendorCode == "c-[redacted]")
        #expect(error.vendorMessage == "m-[redacted]")
        #expect(error.rawStatus == "s-[redacted]")
        #expect(error.underlying == "u-[redacted]")
        #expect(error.violations.first?.value == "v-[redacted]")
        #expect(error.attempts.first?.detail == "[redacted]")
    }

    // MARK: Local file failures

    @Test func systemErrorsSayWhatHappenedWithTheirCode() throws {
        #expect(SystemErrorText.describe(errno: ENOSPC) == "No space left on device (ENOSPC)")
        #expect(SystemErrorText.describe(errno: EACCES) == "Permission denied (EACCES)")
        #expect(SystemErrorText.describe(errno: EROFS) == "Read-only file system (EROFS)")
        // Foundation's own error for a write to a full device, and a Cocoa code with no POSIX error beneath.
        let full = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        defer { try? full.close() }
        let error = try #require(throws: (any Error).self) { try full.write(contentsOf: Data(count: 64)) }
        #expect(SystemErrorText.describe(error) == "No space left on device (ENOSPC)")
        #expect(SystemErrorText.describe(CocoaError(.fileWriteVolumeReadOnly)) == "Read-only file system (EROFS)")
    }

    /// A transport that cannot write a download's file reports `.localWrite`; the client says the video could
    /// not be saved, where, and why (it used to say "Could not read the request body").
    @Test func aFailedWriteOfTheDownloadSaysWhatAndWhere() async throws {
        let clock = VirtualClock(mode: .autoAdvance)
        let simulator = GatewaySimulator(clock: clock)
        let transport = FailingWriteTransport(inner: simulator)
        let client = VideoClient(
            registry: try Sim.registry(["openai-compatible"]), transport: transport, clock: clock,
            configuration: Sim.configuration())
        let job = try await client.submit(Sim.imagine())
        let final = try await client.result(for: job)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vpk-write-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("cat.mp4")

        let error = try #require(
            await captureError { try await client.download(job, to: destination, snapshot: final) })

        let temporary = folder.appendingPathComponent("videoproviderkit-download-1").path
        #expect(error.kind == .download)
        #expect(
            error.message
                == "Could not save the video to \(destination.path) (cannot write \(temporary): No space left on device (ENOSPC)); any earlier file there is untouched."
        )
        #expect(error.underlying == "local-write: cannot write \(temporary): No space left on device (ENOSPC)")
    }
}

/// A content endpoint that answers 200 with something other than a video, through the simulator's
/// OpenAI-format gateway (whose downloads go to `/v1/videos/{id}/content`, with the key).
@Suite struct ContentEndpointRefusalTests {
    static func downloadError(_ fault: GatewaySimulator.Fault) async throws -> (VideoProviderError, Data, [String]) {
        let harness = try Harness(["openai-compatible"])
        let job = try await harness.client.submit(Sim.imagine())
        let final = try await harness.client.result(for: job)
        harness.simulator.inject(fault, on: .content, times: nil)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vpk-content-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("cat.mp4")
        try Data("an older video".utf8).write(to: destination)
        let error = try #require(
            await captureError { try await harness.client.download(job, to: destination, snapshot: final) })
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        return (error, try Data(contentsOf: destination), left)
    }

    /// Both sources answer with the error (the content endpoint, then the video URL as its second chance);
    /// the error is the last one's.
    @Test func aJSONErrorIsNeverSavedAsTheVideo() async throws {
        let body = Data(#"{"error":{"message":"Video not ready","type":"invalid_request_error"}}"#.utf8)
        let (error, kept, left) = try await Self.downloadError(
            .response(status: 200, headers: ["Content-Type": "application/json"], body: body))
        #expect(error.kind == .download)
        #expect(error.vendorMessage == "Video not ready")
        #expect(error.vendorCode == "invalid_request_error")
        #expect(
            error.message
                == #"cdn.simulator.invalid answered HTTP 200 with JSON, Content-Type application/json, not a video; nothing was saved. It starts: "{"error":{"message":"Video not ready","type":"invalid_request_error"}}""#
        )
        #expect(kept == Data("an older video".utf8))
        #expect(left == ["cat.mp4"])
    }

    @Test func anEmptyBodyIsNeverSavedAsTheVideo() async throws {
        let (error, kept, left) = try await Self.downloadError(.emptyBody)
        #expect(error.kind == .download)
        #expect(
            error.message.hasSuffix(
                "answered HTTP 200 with an empty body, Content-Type video/mp4, not a video; nothing was saved."))
        #expect(kept == Data("an older video".utf8))
        #expect(left == ["cat.mp4"])
    }

    /// The other local failure: an image file that cannot be read when the body is built. Nothing was sent,
    /// and the message says so, with the system's reason.
    @Test func anUnreadableRequestBodySaysNothingWasSent() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock())
        let transport = FailingSubmitTransport(
            [
                HTTPTransportError(
                    .localIO, requestMayHaveBeenSent: false,
                    message: "/photos/ref.png: No such file or directory (ENOENT)")
            ], inner: simulator)
        let client = VideoClient(
            registry: try Sim.registry(["openai-compatible"]), transport: transport, clock: VirtualClock(),
            configuration: Sim.configuration())
        let error = try #require(await captureError { try await client.submit(Sim.imagine()) })
        #expect(error.kind == .invalidRequest)
        #expect(
            error.message
                == "Could not prepare the request body for openai-compatible (nothing was sent): /photos/ref.png: No such file or directory (ENOENT)."
        )
    }
}

/// Lets everything through to the simulator but fails every download to a file the way a full disk does.
final class FailingWriteTransport: HTTPTransport, @unchecked Sendable {
    let inner: GatewaySimulator

    init(inner: GatewaySimulator) { self.inner = inner }

    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        if case .temporaryFile(let directory) = bodyDestination {
            throw HTTPTransportError(
                .localWrite, requestMayHaveBeenSent: true,
                message:
                    "cannot write \(directory.appendingPathComponent("videoproviderkit-download-1").path): No space left on device (ENOSPC)"
            )
        }
        return try await inner.send(request, bodyDestination: bodyDestination)
    }
}
