import Foundation
import Testing
import VideoProviderKit

/// `videogen` sends through the library's default transport (CurlTransport on Linux). When libcurl cannot
/// be loaded it falls back to URLSessionTransport and says so once, on stderr, with the reason.
@Suite struct TransportChoiceTests {
    static let arguments = [
        "generate", "--json", "--model", "grok-video-3", "--prompt", "p", "--provider", "octopusx",
        "--base-url", "octopusx=http://127.0.0.1:9",
    ]

    @Test func aMissingLibcurlFallsBackAndSaysSoOnce() throws {
        let result = try VideoGen.run(
            Self.arguments,
            environment: [
                "OCTOPUSX_API_KEY": VideoGen.canary, "VIDEOPROVIDERKIT_TRANSPORT": "curl",
                "VIDEOPROVIDERKIT_LIBCURL": "/nonexistent/libcurl.so.4",
            ])

        let notes = result.stderrLines.filter { $0.hasPrefix("videogen: note: CurlTransport is unavailable") }
        #expect(notes.count == 1)
        #expect(notes.first?.contains("cannot load /nonexistent/libcurl.so.4") == true)
        #expect(notes.first?.hasSuffix("; using URLSessionTransport") == true)
        // The request still went out (through URLSession) and failed as it should.
        #expect(result.exitCode == 3)
        #expect(try result.events().last?["kind"] == .string("connection-failed"))
        #expect(!result.contains(VideoGen.canary))
    }

    @Test func withLibcurlNothingIsSaid() throws {
        let result = try VideoGen.run(
            Self.arguments, environment: ["OCTOPUSX_API_KEY": VideoGen.canary, "VIDEOPROVIDERKIT_TRANSPORT": "curl"])

        #expect(result.exitCode == 3)
        #expect(!result.stderr.contains("videogen: note: CurlTransport"))
        #expect(try result.events().last?["kind"] == .string("connection-failed"))
    }
}
