import Foundation
import Testing
import VideoProviderKit

/// `videogen generate --dry-run --curl` for Google's Gemini API (Veo): the exact request, the key in
/// `x-goog-api-key` redacted, and the curl command reading it from `$GEMINI_API_KEY`.
@Suite struct GeminiDryRunTests {
    static let environment = ["GEMINI_API_KEY": VideoGen.canary]

    @Test func theRequestAndItsCurlCommandCarryTheVariableNotTheKey() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--curl", "--model", "gemini:veo-3.1-generate-preview", "--prompt",
                "A cat dancing in the rain", "--resolution", "1080p", "--aspect-ratio", "9:16", "--negative-prompt",
                "blur", "--seed", "42",
            ], environment: Self.environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        #expect(!result.contains(String(VideoGen.canary.dropFirst(3))))
        let body =
            #"{"instances":[{"prompt":"A cat dancing in the rain"}],"parameters":{"aspectRatio":"9:16","durationSeconds":8,"resolution":"1080p","negativePrompt":"blur","seed":42}}"#
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines.contains(
                "POST https://generativelanguage.googleapis.com/v1beta/models/veo-3.1-generate-preview:predictLongRunning"
            ))
        #expect(lines.contains("x-goog-api-key: [redacted]"))
        #expect(lines.contains(body))
        #expect(
            lines.contains(
                #"curl -X POST 'https://generativelanguage.googleapis.com/v1beta/models/veo-3.1-generate-preview:predictLongRunning' -H "x-goog-api-key: $GEMINI_API_KEY" -H 'Accept: application/json' -H 'Content-Type: application/json' -H 'User-Agent: videogen/0.1.0' --data-raw '"#
                    + body + "'"))
    }

    /// "1080p (only supports 8s duration)": refused before any byte, naming the parameter.
    @Test func tenEightyAtSixSecondsIsRefused() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--model", "gemini:veo-3.1-generate-preview", "--prompt", "p", "--seconds",
                "6", "--resolution", "1080p",
            ], environment: Self.environment)
        #expect(result.exitCode == 2, "\(result.stdout)")
        #expect(result.stderr.contains("seconds"), "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
    }
}

/// `videogen generate --simulate` against the simulator's Gemini API dialect: submit, operation polls, the
/// video URI on Google's host (with the key) redirected to the CDN (without it), a video written.
@Suite struct GeminiSimulateTests {
    static func isMP4(_ data: Data) -> Bool { data.count > 8 && data[4..<8] == Data("ftyp".utf8) }

    @Test(arguments: [
        ["--provider", "gemini", "--model", "veo-3.1-generate-preview"], ["--model", "veo-3.1-generate-preview"],
        ["--model", "gemini:veo-3.1-generate-preview"],
    ])
    func aSimulatedRunWritesAVideo(_ selection: [String]) throws {
        let result = try VideoGen.run(
            ["generate", "--simulate"] + selection + [
                "--prompt", "A cat dancing in the rain", "--seconds", "8", "--resolution", "1080p", "--output",
                "cat.mp4",
            ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let video = try Data(contentsOf: result.directory.appendingPathComponent("cat.mp4"))
        #expect(Self.isMP4(video))
        #expect(
            result.stderr.hasPrefix(
                "Submitted to gemini · veo-3.1-generate-preview: task models/veo-3.1-generate-preview/operations/"),
            "\(result.stderr)")
        #expect(result.stdout.contains("Saved "))
    }

    /// A job followed by a later process (which never saw the submit) is followed and downloaded again.
    @Test func aLaterProcessFollowsAndDownloadsTheOperation() throws {
        let first = try VideoGen.run([
            "generate", "--simulate", "--model", "gemini:veo-3.0-generate-001", "--prompt", "p", "--seconds", "4",
            "--output", "v.mp4",
        ])
        #expect(first.exitCode == 0, "\(first.stderr)")
        let job = first.directory.appendingPathComponent("v.mp4.job.json").path
        let status = try VideoGen.run(["status", job, "--simulate"], in: first.directory)
        #expect(status.exitCode == 0, "\(status.stderr)")
        #expect(status.stdout.contains("status:   completed (done)"), "\(status.stdout)")
        #expect(status.stdout.contains("video:    https://generativelanguage.googleapis.com/v1beta/files/"))
        let again = try VideoGen.run(["download", job, "--output", "again.mp4", "--simulate"], in: first.directory)
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(
            try Data(contentsOf: first.directory.appendingPathComponent("again.mp4"))
                == Data(contentsOf: first.directory.appendingPathComponent("v.mp4")))
    }
}
