import Foundation
import Testing
import VideoProviderKit

/// `videogen generate --dry-run --curl` for Runway's developer API: the exact request with the version header,
/// the key redacted in `Authorization`, and the curl command reading it from `$RUNWAY_API_KEY`.
@Suite struct RunwayDryRunTests {
    static let environment = ["RUNWAY_API_KEY": VideoGen.canary]

    @Test func theRequestAndItsCurlCommandCarryTheVersionHeaderAndTheVariableNotTheKey() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--curl", "--model", "runway:veo3.1", "--prompt", "A cat dancing in the rain",
                "--resolution", "1080p", "--aspect-ratio", "9:16", "--seconds", "6", "--no-audio",
            ], environment: Self.environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        #expect(!result.contains(String(VideoGen.canary.dropFirst(3))))
        let body =
            #"{"model":"veo3.1","promptText":"A cat dancing in the rain","ratio":"1080:1920","duration":6,"audio":false}"#
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("POST https://api.dev.runwayml.com/v1/text_to_video"), "\(result.stdout)")
        #expect(lines.contains("Authorization: Bearer [redacted]"), "\(result.stdout)")
        #expect(lines.contains("X-Runway-Version: 2024-11-06"), "\(result.stdout)")
        #expect(lines.contains(body), "\(result.stdout)")
        #expect(
            lines.contains(
                #"curl -X POST 'https://api.dev.runwayml.com/v1/text_to_video' -H "Authorization: Bearer $RUNWAY_API_KEY" -H 'Accept: application/json' -H 'X-Runway-Version: 2024-11-06' -H 'Content-Type: application/json' -H 'User-Agent: videogen/0.1.0' --data-raw '"#
                    + body + "'"), "\(result.stdout)")
    }

    /// The plan shows the aspect ratio and resolution; the request carries the pixel size they map to.
    @Test func thePlanShowsTheAspectRatioAndTheRequestThePixelSize() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--json", "--model", "runway:veo3.1", "--prompt", "p", "--resolution", "1080p",
                "--aspect-ratio", "9:16",
            ], environment: Self.environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let candidate = try #require(try result.json()["candidates"]?.array.first)
        #expect(candidate["resolved"]?["aspectRatio"] == .string("9:16"))
        #expect(candidate["resolved"]?["resolution"] == .string("1080p"))
        #expect(candidate["request"]?["json"]?["ratio"] == .string("1080:1920"))
        #expect(candidate["request"]?["headers"]?["X-Runway-Version"] == .string("2024-11-06"))
        #expect(candidate["apiKeyEnvironmentVariable"] == .string("RUNWAY_API_KEY"))
    }

    /// An image makes it image-to-video: `/v1/image_to_video`, `promptImage` with its position, 1:1 as `960:960`.
    @Test func anImageGoesToImageToVideoWithItsPosition() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--model", "runway:gen4_turbo", "--prompt", "The cat turns its head",
                "--image", "https://example.com/cat.png", "--aspect-ratio", "1:1", "--seed", "42",
            ], environment: Self.environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("POST https://api.dev.runwayml.com/v1/image_to_video"), "\(result.stdout)")
        #expect(
            lines.contains(
                #"{"model":"gen4_turbo","promptText":"The cat turns its head","promptImage":[{"uri":"https://example.com/cat.png","position":"first"}],"ratio":"960:960","duration":5,"seed":42}"#
            ), "\(result.stdout)")
    }

    /// gen4.5's text_to_video takes 1280:720 and 720:1280 only: 1:1 without an image is refused before any byte.
    @Test func aSquareTextToVideoOnGen45IsRefused() throws {
        let result = try VideoGen.run(
            ["generate", "--dry-run", "--model", "runway:gen4.5", "--prompt", "p", "--aspect-ratio", "1:1"],
            environment: Self.environment)
        #expect(result.exitCode == 2, "\(result.stdout)")
        #expect(result.stderr.contains("aspect-ratio"), "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
    }
}
