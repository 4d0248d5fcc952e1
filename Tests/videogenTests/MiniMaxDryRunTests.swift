import Foundation
import Testing
import VideoProviderKit

/// `videogen generate --dry-run --curl` for MiniMax Hailuo: the exact request, the bearer key redacted,
/// and the curl command reading it from `$MINIMAX_API_KEY`.
@Suite struct MiniMaxDryRunTests {
    static let environment = ["MINIMAX_API_KEY": VideoGen.canary]

    @Test func theRequestAndItsCurlCommandCarryTheVariableNotTheKey() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--curl", "--model", "minimax:MiniMax-Hailuo-02", "--prompt",
                "A cat dancing in the rain", "--seconds", "6", "--resolution", "1080P", "--provider-option",
                "minimax.prompt_optimizer=false",
            ], environment: Self.environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        #expect(!result.contains(String(VideoGen.canary.dropFirst(3))))
        let body =
            #"{"model":"MiniMax-Hailuo-02","prompt":"A cat dancing in the rain","duration":6,"resolution":"1080P","prompt_optimizer":false}"#
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("POST https://api.minimax.io/v1/video_generation"), "\(result.stdout)")
        #expect(lines.contains("Authorization: Bearer [redacted]"), "\(result.stdout)")
        #expect(lines.contains(body), "\(result.stdout)")
        #expect(
            lines.contains(
                #"curl -X POST 'https://api.minimax.io/v1/video_generation' -H "Authorization: Bearer $MINIMAX_API_KEY" -H 'Accept: application/json' -H 'Content-Type: application/json' -H 'User-Agent: videogen/0.1.0' --data-raw '"#
                    + body + "'"), "\(result.stdout)")
    }

    /// "1080P" only at 6 s: refused before any byte, naming the parameter.
    @Test func tenEightyAtTenSecondsIsRefused() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--model", "minimax:MiniMax-Hailuo-02", "--prompt", "p", "--seconds", "10",
                "--resolution", "1080P",
            ], environment: Self.environment)
        #expect(result.exitCode == 2, "\(result.stdout)")
        #expect(result.stderr.contains("seconds"), "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
    }

    /// MiniMax-Hailuo-2.3-Fast is image-to-video only: refused before any byte, naming `images`.
    @Test func theFastModelWithoutAnImageIsRefused() throws {
        let result = try VideoGen.run(
            ["generate", "--dry-run", "--model", "minimax:MiniMax-Hailuo-2.3-Fast", "--prompt", "p"],
            environment: Self.environment)
        #expect(result.exitCode == 2, "\(result.stdout)")
        #expect(result.stderr.contains("images"), "\(result.stderr)")
    }
}
