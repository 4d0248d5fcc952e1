import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Exit codes 2 (invalid input or usage, nothing sent) and 3 (network), and the first line of stderr.
/// Exit 0 and 1 are covered by the generate tests.
@Suite struct ExitCodeTests {
    @Test func noKeyForAnyCandidateExitsTwoAndNamesTheVariables() throws {
        let result = try VideoGen.run(["generate", "--model", "grok-video-3-max", "--prompt", "p", "--json"])
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: No API key is set for any provider that can serve 'grok-video-3-max': set XINGCHAOYIQING_API_KEY, OCTOPUSX_API_KEY or DUOYUANX_API_KEY (or try --simulate)."
        )
        let error = try #require(try result.events().last)
        #expect(error["event"] == .string("error"))
        #expect(error["kind"] == .string("configuration"))
        #expect(error["exitCode"] == .int(2))
    }

    @Test func aKeyForAnotherProviderDoesNotHelp() throws {
        let result = try VideoGen.run(
            ["generate", "--model", "xai:grok-imagine-video", "--prompt", "p"],
            environment: ["OCTOPUSX_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine.contains("set XAI_API_KEY"))
        #expect(!result.contains(VideoGen.canary))
    }

    @Test func badDurationNamesParameterValueAndAllowed() throws {
        let result = try VideoGen.run(
            ["generate", "--model", "octopusx:grok-video-3", "--prompt", "p", "--seconds", "31"],
            environment: ["OCTOPUSX_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: Invalid request for grok-video-3 on octopusx: seconds = 31 is not allowed; allowed: 6–30 s.")
        #expect(!result.contains(VideoGen.canary))
    }

    @Test func badRatioListsEachProvidersAllowedValues() throws {
        let result = try VideoGen.run(["generate", "--model", "grok-video-3", "--prompt", "p", "--aspect-ratio", "4:3"])
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: Invalid request for 'grok-video-3': aspect-ratio = 4:3 is not allowed (on every one of the 4 providers that offer it)."
        )
        #expect(
            result.stderrLines.contains(
                "  - octopusx:grok-video-3: aspect-ratio = 4:3 is not allowed; allowed: 16:9, 9:16, 2:3, 3:2, 1:1"))
    }

    @Test func tooManyImages() throws {
        let directory = try VideoGen.temporaryDirectory()
        let images = try TinyImages.pngFiles(8, in: directory)
        let result = try VideoGen.run(
            ["generate", "--model", "xai:grok-imagine-video", "--prompt", "p", "--json"]
                + images.flatMap { ["--image", $0] }, in: directory)
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: Invalid request for grok-imagine-video on xai: images = 8 images is not allowed; allowed: at most 7."
        )
        let error = try #require(try result.events().last)
        #expect(error["violations"]?[0]?["parameter"] == .string("images"))
        #expect(error["violations"]?[0]?["value"] == .string("8 images"))
    }

    @Test func publicURLImageOnAMultipartModelIsRefused() throws {
        let result = try VideoGen.run([
            "generate", "--model", "octopusx:grok-video-3", "--prompt", "p", "--image", "https://example.com/cat.png",
        ])
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine.hasPrefix("error: Invalid request for grok-video-3 on octopusx: images[0]"))
    }

    @Test func unknownModelListsTheKnownOnes() throws {
        let result = try VideoGen.run(["generate", "--model", "grok-video-9", "--prompt", "p", "--json"])
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine == "error: No configured provider offers the model 'grok-video-9'.")
        let error = try #require(try result.events().last)
        #expect(error["kind"] == .string("unknown-model"))
        #expect(error["violations"]?[0]?["parameter"] == .string("model"))
        #expect(error["violations"]?[0]?["allowed"]?.stringValue?.contains("grok-video-3") == true)
    }

    @Test func plainHTTPToANonLoopbackHostIsRefusedBeforeSending() throws {
        let result = try VideoGen.run(
            [
                "generate", "--model", "grok-video-3", "--prompt", "p", "--provider", "octopusx", "--base-url",
                "octopusx=http://gateway.example.com",
            ], environment: ["OCTOPUSX_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: --base-url for octopusx uses plain http to gateway.example.com; only loopback hosts may use http (the API key would travel unencrypted)"
        )
        #expect(!result.contains(VideoGen.canary))
        // Dry runs and plans refuse it too.
        let plan = try VideoGen.run([
            "plan", "--model", "grok-video-3", "--prompt", "p", "--base-url", "octopusx=http://10.0.0.1:8080",
        ])
        #expect(plan.exitCode == 2)
    }

    @Test func plainHTTPToLoopbackIsAllowed() throws {
        let result = try VideoGen.run([
            "generate", "--dry-run", "--json", "--model", "octopusx:grok-video-3", "--prompt", "p", "--base-url",
            "octopusx=http://127.0.0.1:8080/gw",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            try result.json()["candidates"]?[0]?["request"]?["url"] == .string("http://127.0.0.1:8080/gw/v1/videos"))
    }

    @Test func anUnreachableLoopbackGatewayExitsThree() throws {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        let result = try VideoGen.run(
            [
                "generate", "--json", "--model", "grok-video-3", "--prompt", "p", "--provider", "octopusx",
                "--base-url", "octopusx=http://127.0.0.1:9",
            ], environment: ["OCTOPUSX_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 3)
        #expect(result.firstErrorLine.contains("Could not connect to 127.0.0.1 (octopusx)"))
        #expect(!result.contains(VideoGen.canary))
        let error = try #require(try result.events().last)
        #expect(error["kind"] == .string("connection-failed"))
        #expect(error["exitCode"] == .int(3))
    }

    @Test(arguments: [
        (["generate", "--prompt", "p"], "error: --model is required"),
        (["generate", "--model", "grok-video-3"], "error: --prompt is required"),
        (
            ["generate", "--model", "grok-video-3", "--prompt", "p", "--seconds", "ten"],
            "error: --seconds must be a whole number, not 'ten'"
        ),
        (
            ["generate", "--model", "grok-video-3", "--prompt", "p", "--aspect-ratio", "wide"],
            "error: --aspect-ratio must be W:H with positive numbers (like 16:9), not 'wide'"
        ),
        (
            ["generate", "--model", "grok-video-3", "--prompt", "p", "--resolution", "4k"],
            "error: --resolution must be like 480p, 540p, 720p or 1080p, not '4k'"
        ),
        (
            ["generate", "--model", "grok-video-3", "--prompt", "p", "--provider", "acme"],
            "error: unknown provider 'acme'; known: aizfw, xingchaoyiqing, openai-compatible, octopusx, duoyuanx, xai, gemini, runway, minimax, kling"
        ),
        (
            ["generate", "--model", "grok-video-3", "--prompt", "p", "--base-url", "octopusx"],
            "error: --base-url takes ID=URL, not 'octopusx'"
        ),
        (
            ["generate", "--model", "grok-video-3", "--prompt", "p", "--frobnicate"],
            "error: unknown option '--frobnicate'"
        ),
        (
            ["generate", "--model", "grok-video-3", "--prompt", "p", "--simulate-outcome", "failure"],
            "error: --simulate-outcome and --simulate-fault need --simulate"
        ),
        (["frobnicate"], "error: unknown command 'frobnicate'. Run `videogen help` for usage."),
        (["status"], "error: give a job file (or its JSON)"),
    ])
    func usageErrors(_ arguments: [String], _ firstLine: String) throws {
        let result = try VideoGen.run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine == firstLine)
        #expect(result.stdout.isEmpty)
    }

    @Test func helpExitsZero() throws {
        let result = try VideoGen.run(["help"])
        #expect(result.exitCode == 0)
        #expect(result.stdoutLines.first == "videogen: generate Grok videos through any supported gateway.")
    }
}
