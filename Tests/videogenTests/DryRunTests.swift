import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// `videogen generate --dry-run`: the resolved request and the exact HTTP request per candidate, with the
/// key redacted, nothing sent. Expected bodies follow the vendor docs (seeds 000–004) and the brief.
@Suite struct DryRunTests {
    /// Every provider's key set to the canary: it must appear nowhere in any output.
    static let canaryEnvironment = [
        "AIZFW_API_KEY": VideoGen.canary, "XINGCHAOYIQING_API_KEY": VideoGen.canary,
        "OPENAI_COMPATIBLE_API_KEY": VideoGen.canary, "OCTOPUSX_API_KEY": VideoGen.canary,
        "DUOYUANX_API_KEY": VideoGen.canary, "XAI_API_KEY": VideoGen.canary,
    ]

    static func dryRun(_ arguments: [String], environment: [String: String] = canaryEnvironment) throws -> (
        VideoGen.Result, [JSONValue]
    ) {
        let result = try VideoGen.run(["generate", "--dry-run", "--json"] + arguments, environment: environment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        #expect(!result.contains(String(VideoGen.canary.dropFirst(3))))
        let json = try result.json()
        #expect(json["dryRun"] == .bool(true))
        return (result, json["candidates"]?.array ?? [])
    }

    @Test(arguments: [false, true])
    func canaryKeyAppearsInNoOutputInAnyMode(_ json: Bool) throws {
        let directory = try VideoGen.temporaryDirectory()
        let images = try TinyImages.pngFiles(2, in: directory)
        for model in ["grok-video-3", "grok-imagine-video", "grok_video3_pro", "grok-video-3-max"] {
            var arguments = [
                "generate", "--dry-run", "--curl", "--model", model, "--prompt", "p",
                "--base-url", "openai-compatible=https://gateway.example.com",
            ]
            if model.hasPrefix("grok-") { arguments += ["--image", images[0], "--image", images[1]] }
            if json { arguments.append("--json") }
            let result = try VideoGen.run(arguments, environment: Self.canaryEnvironment, in: directory)
            #expect(result.exitCode == 0, "\(model): \(result.stderr)")
            #expect(!result.stdout.contains(VideoGen.canary), "\(model)")
            #expect(!result.stderr.contains(VideoGen.canary), "\(model)")
            #expect(result.stdout.contains("Bearer [redacted]"), "\(model)")
        }
    }

    @Test func multipartGrokVideo3SendsSecondsAsTextPartInDocOrder() throws {
        let (_, candidates) = try Self.dryRun([
            "--model", "octopusx:grok-video-3", "--prompt", "A cat dancing in the rain", "--seconds", "8",
            "--aspect-ratio", "2:3", "--resolution", "1080p",
        ])
        #expect(candidates.count == 1)
        let candidate = try #require(candidates.first)
        #expect(candidate["provider"] == .string("octopusx"))
        #expect(candidate["apiKeyConfigured"] == .bool(true))
        #expect(candidate["billable"] == .object(["unit": "per-second", "seconds": 8]))
        let request = try #require(candidate["request"])
        #expect(request["method"] == .string("POST"))
        #expect(request["url"] == .string("https://octopusx.ai/v1/videos"))
        #expect(request["headers"]?["Authorization"] == .string("Bearer [redacted]"))
        #expect(
            request["headers"]?["Content-Type"]
                == .string("multipart/form-data; boundary=VideoProviderKit-dryrun000000000000000000"))
        #expect(request["bodyFormat"] == .string("multipart"))
        #expect(request["json"] == .null)
        #expect(
            request["parts"]
                == .array([
                    ["name": "model", "value": "grok-video-3"],
                    ["name": "prompt", "value": "A cat dancing in the rain"],
                    ["name": "aspect_ratio", "value": "2:3"], ["name": "seconds", "value": "8"],
                    ["name": "size", "value": "1080P"],
                ]))
        let body = try #require(request["body"]?.stringValue)
        #expect(body.contains("Content-Disposition: form-data; name=\"seconds\"\r\n\r\n8\r\n"))
        #expect(body.hasSuffix("--VideoProviderKit-dryrun000000000000000000--\r\n"))
        #expect(request["bodyLength"]?.intValue == body.utf8.count)
        #expect(request["bodyComplete"] == .bool(true))
    }

    @Test func fixedLengthProHasNoSecondsPartAndIsBilledPerCall() throws {
        let directory = try VideoGen.temporaryDirectory()
        let image = try TinyImages.pngFiles(1, in: directory)[0]
        let (_, candidates) = try Self.dryRun([
            "--model", "grok-video-3-pro", "--prompt", "p", "--provider", "octopusx", "--provider", "duoyuanx",
            "--image", image,
        ])
        #expect(candidates.compactMap { $0["provider"]?.stringValue } == ["octopusx", "duoyuanx"])
        for candidate in candidates {
            let parts = candidate["request"]?["parts"]?.array ?? []
            #expect(
                parts.compactMap { $0["name"]?.stringValue } == [
                    "model", "prompt", "aspect_ratio", "size", "input_reference",
                ])
            #expect(
                parts.last
                    == .object([
                        "name": "input_reference", "filename": "ref-1.png", "contentType": "image/png", "bytes": 70,
                    ]))
            #expect(candidate["billable"] == .object(["unit": "per-call", "calls": 1]))
            #expect(candidate["resolved"]?["sendsDuration"] == .bool(false))
            #expect(candidate["request"]?["bodyComplete"] == .bool(false))
        }
    }

    @Test func openAIFormatJSONSendsSecondsAsAStringAndOneImageAsImage() throws {
        let directory = try VideoGen.temporaryDirectory()
        let image = try TinyImages.pngFiles(1, in: directory)[0]
        let (_, candidates) = try Self.dryRun([
            "--model", "grok-imagine-video", "--prompt", "p", "--seconds", "8", "--provider", "openai-compatible",
            "--base-url", "openai-compatible=https://gateway.example.com/", "--image", image, "--resolution", "720p",
        ])
        let request = try #require(candidates.first?["request"])
        #expect(request["url"] == .string("https://gateway.example.com/v1/videos"))
        #expect(request["headers"]?["Content-Type"] == .string("application/json"))
        #expect(request["bodyFormat"] == .string("json"))
        #expect(request["parts"] == .null)
        #expect(
            request["json"]
                == .object([
                    "model": "grok-imagine-video", "prompt": "p", "seconds": "8", "aspect_ratio": "16:9",
                    "resolution": "720P", "image": "data:image/png;base64,…[70 bytes]",
                ]))
        let body = try #require(request["body"]?.stringValue)
        #expect(
            body.hasPrefix(
                #"{"model":"grok-imagine-video","prompt":"p","seconds":"8","aspect_ratio":"16:9","resolution":"720P","image":"data:image/png;base64,"#
            ))
    }

    @Test func twoImagesGoToImagesNeverBoth() throws {
        let directory = try VideoGen.temporaryDirectory()
        let images = try TinyImages.pngFiles(2, in: directory)
        let (_, candidates) = try Self.dryRun([
            "--model", "duoyuanx:grok-imagine-video", "--prompt", "p", "--image", images[0], "--image", images[1],
        ])
        let json = try #require(candidates.first?["request"]?["json"])
        #expect(json["image"] == nil)
        #expect(
            json["images"]
                == .array([.string("data:image/png;base64,…[70 bytes]"), .string("data:image/png;base64,…[70 bytes]")]))
        #expect(json["seconds"] == .string("8"))
    }

    @Test func kyyJSONSendsDurationAsANumberAndProLeavesItOut() throws {
        let (_, standard) = try Self.dryRun(["--model", "aizfw:grok_video3", "--prompt", "p", "--seconds", "10"])
        let request = try #require(standard.first?["request"])
        #expect(request["url"] == .string("https://zcbservice.aizfw.cn/kyyReactApiServer/v1/grok/videos"))
        #expect(
            request["body"]
                == .string(
                    #"{"model":"grok_video3","prompt":"p","duration":10,"aspect_ratio":"16:9","resolution":"480p"}"#))
        #expect(request["json"]?["duration"] == .int(10))

        let (_, pro) = try Self.dryRun(["--model", "aizfw:grok_video3_pro", "--prompt", "p"])
        let proRequest = try #require(pro.first?["request"])
        #expect(proRequest["body"] == .string(#"{"model":"grok_video3_pro","prompt":"p","aspect_ratio":"16:9"}"#))
        #expect(pro.first?["billable"] == .object(["unit": "per-call", "calls": 1]))
    }

    @Test func withoutKeysTheDryRunStillShowsEveryRequestAndFlagsThem() throws {
        let (result, candidates) = try Self.dryRun(
            ["--model", "grok-video-3", "--prompt", "p", "--seconds", "8", "--resolution", "720p"], environment: [:])
        #expect(
            candidates.compactMap { $0["provider"]?.stringValue } == [
                "aizfw", "xingchaoyiqing", "octopusx", "duoyuanx",
            ])
        #expect(candidates.allSatisfy { $0["apiKeyConfigured"] == .bool(false) })
        #expect(candidates.allSatisfy { $0["request"]?["headers"]?["Authorization"] == .string("Bearer [redacted]") })
        #expect(!result.stdout.contains("placeholder"))
        #expect(candidates[0]["note"] == .string("AIZFW_API_KEY is not set; a real run would skip this provider"))
    }

    @Test func curlUsesTheEnvironmentVariableNotTheKey() throws {
        let (_, candidates) = try Self.dryRun(["--model", "octopusx:grok-video-3", "--prompt", "it's @home", "--curl"])
        let curl = try #require(candidates.first?["curl"]?.stringValue)
        #expect(
            curl
                == #"curl -X POST 'https://octopusx.ai/v1/videos' -H "Authorization: Bearer $OCTOPUSX_API_KEY" -H 'Accept: application/json' -H 'User-Agent: videogen/0.1.0' --form-string 'model=grok-video-3' --form-string 'prompt=it'\''s @home' --form-string 'aspect_ratio=16:9' --form-string 'seconds=6' --form-string 'size=720P'"#
        )
    }

    /// A path curl's `-F` parser would split (`;`, `,`) or end (`"`) is written in its quoted form, inside a
    /// single-quoted shell word.
    @Test func curlQuotesFileNamesItsFormParserWouldSplit() throws {
        let directory = try VideoGen.temporaryDirectory()
        let name = #"a;b,c"d\e 'f.png"#
        try TinyImages.png.write(to: directory.appendingPathComponent(name))
        let path = directory.appendingPathComponent(name).path
        let (_, candidates) = try Self.dryRun([
            "--model", "octopusx:grok-video-3", "--prompt", "p", "--image", path, "--curl",
        ])
        let curl = try #require(candidates.first?["curl"]?.stringValue)
        #expect(
            curl
                == #"curl -X POST 'https://octopusx.ai/v1/videos' -H "Authorization: Bearer $OCTOPUSX_API_KEY" -H 'Accept: application/json' -H 'User-Agent: videogen/0.1.0' --form-string 'model=grok-video-3' --form-string 'prompt=p' --form-string 'aspect_ratio=16:9' --form-string 'seconds=6' --form-string 'size=720P' -F 'input_reference=@""#
                + directory.path + #"/a;b,c\"d\\e '\''f.png";type=image/png'"#)
        // The part's file name as sent (the library escapes the quote), not cut at the `;`.
        #expect(
            candidates.first?["request"]?["parts"]?.array.last?["filename"] == .string(#"a;b,c%22d\e 'f.png"#))

        // A plain path stays unquoted.
        let plain = try TinyImages.pngFiles(1, in: directory)[0]
        let (_, simple) = try Self.dryRun([
            "--model", "octopusx:grok-video-3", "--prompt", "p", "--image", plain, "--curl",
        ])
        #expect(
            simple.first?["curl"]?.stringValue?.hasSuffix(" -F 'input_reference=@\(plain);type=image/png'") == true)
    }

    /// Bytes given inline that travel as a multipart file have no file on disk: a comment line says which
    /// file to write, and the command reads it from there.
    @Test func curlSaysWhichFileToWriteForInlineImages() throws {
        let uri = "data:image/png;base64," + TinyImages.png.base64EncodedString()
        let (_, candidates) = try Self.dryRun([
            "--model", "octopusx:grok-video-3", "--prompt", "p", "--image", uri, "--image", uri, "--curl",
        ])
        let curl = try #require(candidates.first?["curl"]?.stringValue)
        #expect(
            curl
                == """
                # Write image 1 (70 bytes of image/png, given inline) to ./image-1.png first: the command reads it from there.
                # Write image 2 (70 bytes of image/png, given inline) to ./image-2.png first: the command reads it from there.
                curl -X POST 'https://octopusx.ai/v1/videos' -H "Authorization: Bearer $OCTOPUSX_API_KEY" -H 'Accept: application/json' -H 'User-Agent: videogen/0.1.0' --form-string 'model=grok-video-3' --form-string 'prompt=p' --form-string 'aspect_ratio=16:9' --form-string 'seconds=6' --form-string 'size=720P' -F 'input_reference=@./image-1.png;type=image/png' -F 'input_reference=@./image-2.png;type=image/png'
                """)
    }

    /// Inline base64 up to 96 image bytes is shown whole; beyond, a 64-character prefix and the count. The
    /// structured view and the curl command say so too.
    @Test func inlineImageDataIsElidedBeyondNinetySixBytes() throws {
        let large = TinyImages.png + Data(repeating: 0, count: 30)
        let small = TinyImages.png + Data(repeating: 0, count: 26)
        let arguments = [
            "--model", "openai-compatible:grok-imagine-video", "--prompt", "p", "--base-url",
            "openai-compatible=https://gw.example.com", "--curl", "--image",
        ]
        let (_, elided) = try Self.dryRun(arguments + ["data:image/png;base64," + large.base64EncodedString()])
        let request = try #require(elided.first?["request"])
        let prefix = String(large.base64EncodedString().prefix(64))
        #expect(
            request["body"]
                == .string(
                    #"{"model":"grok-imagine-video","prompt":"p","seconds":"8","aspect_ratio":"16:9","resolution":"480P","image":"data:image/png;base64,"#
                        + prefix + #"…[base64 of 100 bytes]"}"#))
        #expect(request["bodyComplete"] == .bool(false))
        #expect(request["json"]?["image"] == .string("data:image/png;base64,…[100 bytes]"))
        let curl = try #require(elided.first?["curl"]?.stringValue)
        #expect(
            curl.hasPrefix(
                "# The body's image data is elided (…[base64 of N bytes]): put the full base64 back before running this command.\ncurl -X POST "
            ))

        let (_, whole) = try Self.dryRun(arguments + ["data:image/png;base64," + small.base64EncodedString()])
        #expect(
            whole.first?["request"]?["body"]?.stringValue?.hasSuffix(
                #""image":"data:image/png;base64,"# + small.base64EncodedString() + #""}"#) == true)
        #expect(whole.first?["request"]?["bodyComplete"] == .bool(true))
        #expect(whole.first?["curl"]?.stringValue?.hasPrefix("curl -X POST ") == true)
    }

    @Test func textDryRunShowsRequestAndBillableEstimate() throws {
        let result = try VideoGen.run(
            ["generate", "--dry-run", "--model", "xai:grok-imagine-video", "--prompt", "p", "--seconds", "5"],
            environment: Self.canaryEnvironment)
        #expect(result.exitCode == 0)
        #expect(!result.contains(VideoGen.canary))
        #expect(result.stdoutLines.first == "1. xai · grok-imagine-video (first choice)")
        #expect(result.stdout.contains("  billable:     5 s (billed per second)"))
        #expect(result.stdout.contains("POST https://api.x.ai/v1/videos/generations"))
        #expect(result.stdout.contains("Authorization: Bearer [redacted]"))
        #expect(
            result.stdout.contains(
                #"{"model":"grok-imagine-video","prompt":"p","duration":5,"aspect_ratio":"16:9","resolution":"480p"}"#))
    }

    @Test func curlWithoutDryRunIsAUsageError() throws {
        let result = try VideoGen.run(["generate", "--curl", "--model", "grok-video-3", "--prompt", "p"])
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine == "error: --curl needs --dry-run")
    }
}
