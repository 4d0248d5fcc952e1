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
