import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// `videogen generate --dry-run --curl` for Kling AI: the exact request, the key redacted, the curl command
/// reading `$KLING_API_KEY`; with `KLING_ACCESS_KEY` set, the JWT scheme's honest form (`$KLING_JWT` and how
/// to make it), never the token or the secret key.
@Suite struct KlingDryRunTests {
    static let environment = ["KLING_API_KEY": VideoGen.canary]

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func theRequestAndItsCurlCommandCarryTheVariableNotTheKey() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--curl", "--model", "kling:kling-v2-6", "--prompt",
                "A cat dancing in the rain", "--seconds", "10", "--resolution", "1080p", "--audio", "--negative-prompt",
                "blur",
            ], environment: Self.environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        #expect(!result.contains(String(VideoGen.canary.dropFirst(3))))
        let body =
            #"{"model_name":"kling-v2-6","prompt":"A cat dancing in the rain","negative_prompt":"blur","duration":"10","mode":"pro","sound":"on","aspect_ratio":"16:9"}"#
        let lines = Self.lines(result.stdout)
        #expect(lines.contains("POST https://api-singapore.klingai.com/v1/videos/text2video"))
        #expect(lines.contains("Authorization: Bearer [redacted]"))
        #expect(lines.contains(body))
        #expect(
            lines.contains(
                #"curl -X POST 'https://api-singapore.klingai.com/v1/videos/text2video' -H "Authorization: Bearer $KLING_API_KEY" -H 'Accept: application/json' -H 'Content-Type: application/json' -H 'User-Agent: videogen/0.1.0' --data-raw '"#
                    + body + "'"))
    }

    /// Images go to image2video, with no aspect ratio (the output takes the image's shape).
    @Test func aFirstAndLastFrameGoToImage2Video() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--model", "kling:kling-v2-6", "--prompt", "The girl smiles", "--first-frame",
                "https://example.com/a.png", "--last-frame", "https://example.com/b.png", "--resolution", "1080p",
            ], environment: Self.environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let lines = Self.lines(result.stdout)
        #expect(lines.contains("POST https://api-singapore.klingai.com/v1/videos/image2video"))
        #expect(
            lines.contains(
                #"{"model_name":"kling-v2-6","image":"https://example.com/a.png","image_tail":"https://example.com/b.png","prompt":"The girl smiles","duration":"5","mode":"pro","sound":"off"}"#
            ))
    }

    /// Reference images on kling-v1-6 go to multi-image2video: `image_list` of raw base64 (no `data:`
    /// prefix, elided in the listing as every dry run's image data is) and URLs, with the aspect ratio, in
    /// Kling's field order.
    @Test func referenceImagesGoToMultiImage2Video() throws {
        let directory = try VideoGen.temporaryDirectory()
        try TinyImages.png.write(to: directory.appendingPathComponent("a.png"))
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--curl", "--model", "kling-v1-6", "--prompt", "The dog wears the jacket",
                "--reference-image", "a.png", "--reference-image", "https://example.com/b.png", "--aspect-ratio",
                "9:16",
            ], environment: Self.environment, in: directory)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        let body =
            #"{"model_name":"kling-v1-6","image_list":[{"image":"…[base64 of \#(TinyImages.png.count) bytes]"},{"image":"https://example.com/b.png"}],"prompt":"The dog wears the jacket","mode":"std","duration":"5","aspect_ratio":"9:16"}"#
        let lines = Self.lines(result.stdout)
        #expect(
            lines.contains("POST https://api-singapore.klingai.com/v1/videos/multi-image2video"), "\(result.stdout)")
        #expect(lines.contains(body), "\(result.stdout)")
        #expect(!result.stdout.contains("data:image"))
        #expect(lines.contains("   image roles:  reference, reference (reference-to-video)"), "\(result.stdout)")
        #expect(
            lines.contains(
                #"curl -X POST 'https://api-singapore.klingai.com/v1/videos/multi-image2video' -H "Authorization: Bearer $KLING_API_KEY" -H 'Accept: application/json' -H 'Content-Type: application/json' -H 'User-Agent: videogen/0.1.0' --data-raw '"#
                    + body + "'"), "\(result.stdout)")
    }

    @Test func withAnAccessKeyTheCurlCommandReadsAJWTAndSaysHowToMakeIt() throws {
        var environment = Self.environment
        environment["KLING_ACCESS_KEY"] = "AKq1w2e3r4t5y6"
        let result = try VideoGen.run(
            ["generate", "--dry-run", "--curl", "--model", "kling:kling-v2-6", "--prompt", "Rain"],
            environment: environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        #expect(!result.contains(String(VideoGen.canary.dropFirst(3))))
        #expect(!result.contains("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"), "no token is printed")
        let lines = Self.lines(result.stdout)
        #expect(lines.contains("Authorization: Bearer [redacted]"))
        #expect(
            lines.contains(
                #"# Set KLING_JWT to a JWT first: header {"alg":"HS256","typ":"JWT"}, claims {"iss":"$KLING_ACCESS_KEY","exp":now+1800,"nbf":now-5}, signed HMAC-SHA256 with the secret key in $KLING_API_KEY; it is valid 30 minutes. videogen signs a fresh one for every request it sends."#
            ))
        #expect(
            lines.contains(
                #"curl -X POST 'https://api-singapore.klingai.com/v1/videos/text2video' -H "Authorization: Bearer $KLING_JWT" -H 'Accept: application/json' -H 'Content-Type: application/json' -H 'User-Agent: videogen/0.1.0' --data-raw '{"model_name":"kling-v2-6","prompt":"Rain","duration":"5","mode":"std","sound":"off","aspect_ratio":"16:9"}'"#
            ))
    }

    /// A second Kling account (`--register kling-b=kling`) reads its own `KLING_B_ACCESS_KEY` and
    /// `KLING_B_API_KEY`, and its curl command its own `$KLING_B_JWT`.
    @Test func aRegisteredKlingAccountSignsWithItsOwnKeys() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--curl", "--register", "kling-b=kling", "--model", "kling-b:kling-v2-6",
                "--prompt", "Rain",
            ], environment: ["KLING_B_ACCESS_KEY": "AKb1", "KLING_B_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        #expect(result.stdout.contains(#"-H "Authorization: Bearer $KLING_B_JWT""#), "\(result.stdout)")
        #expect(result.stdout.contains(#"{"iss":"$KLING_B_ACCESS_KEY","#), "\(result.stdout)")
        #expect(result.stdout.contains("$KLING_B_API_KEY"), "\(result.stdout)")
    }

    /// "sound … requires mode pro": sound at 720p (std) is refused before any byte, naming the parameter.
    @Test func soundInStdIsRefused() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--model", "kling:kling-v2-6", "--prompt", "p", "--resolution", "720p",
                "--audio",
            ],
            environment: Self.environment)
        #expect(result.exitCode == 2, "\(result.stdout)")
        #expect(result.stderr.contains("resolution"), "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
    }

    /// A provider option Kling does not take on the model is refused naming it (cfg_scale on v2.x).
    @Test func aBadProviderOptionIsRefused() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--model", "kling:kling-v2-6", "--prompt", "p", "--provider-option",
                "kling.cfg_scale=0.5",
            ], environment: Self.environment)
        #expect(result.exitCode == 2, "\(result.stdout)")
        #expect(result.stderr.contains("provider-options.kling.cfg_scale"), "\(result.stderr)")
    }
}
