import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The request options of issue 17: image roles, `--seed`, `--negative-prompt`, `--audio` / `--no-audio`,
/// `--provider-option`, as parsed, refused and shown by `--dry-run` and `capabilities --json`.
@Suite struct RequestOptionTests {
    @Test func aSeedOnAGrokModelIsRefusedBeforeAnythingIsSent() throws {
        let result = try VideoGen.run(["generate", "--model", "xai:grok-imagine-video", "--prompt", "p", "--seed", "7"])
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: Invalid request for grok-imagine-video on xai: seed = 7 is not allowed (grok-imagine-video does not take a seed); allowed: none."
        )
    }

    @Test func audioFlagsAreExclusiveAndSeedsAreWholeNumbers() throws {
        let both = try VideoGen.run(["generate", "--model", "m", "--prompt", "p", "--audio", "--no-audio"])
        #expect(both.exitCode == 2)
        #expect(both.firstErrorLine.contains("choose one of --audio and --no-audio"))
        let seed = try VideoGen.run(["generate", "--model", "m", "--prompt", "p", "--seed", "x"])
        #expect(seed.exitCode == 2)
        #expect(seed.firstErrorLine.contains("--seed"))
    }

    /// A `--register` id is a provider, so `--provider-option` keys options by it and they reach only it.
    @Test func providerOptionsReachARegistrationByItsID() throws {
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--register", "gw-b=openai-compatible", "--base-url",
                "gw-b=https://gw.example.com", "--model", "gw-b:grok-imagine-video", "--prompt", "p", "--seconds", "8",
                "--provider-option", "gw-b.foo=1",
            ], environment: ["GW_B_API_KEY": "sk-test123456789"])
        #expect(result.exitCode == 0)
        #expect(
            result.stdout.contains(
                #"{"model":"grok-imagine-video","prompt":"p","seconds":"8","aspect_ratio":"16:9","resolution":"480P","foo":1}"#
            ))
        let unknown = try VideoGen.run([
            "generate", "--dry-run", "--register", "gw-b=openai-compatible", "--model", "grok-video-3", "--prompt", "p",
            "--provider-option", "gw-c.foo=1",
        ])
        #expect(
            unknown.firstErrorLine
                == "error: --provider-option names an unknown provider 'gw-c'; known: aizfw, xingchaoyiqing, openai-compatible, octopusx, duoyuanx, xai, gemini, runway, minimax, kling, gw-b"
        )
    }

    @Test func providerOptionsMustNameAKnownProviderAndAKey() throws {
        let unknown = try VideoGen.run([
            "generate", "--dry-run", "--model", "grok-video-3", "--prompt", "p", "--provider-option", "nope.user=1",
        ])
        #expect(unknown.exitCode == 2)
        #expect(unknown.firstErrorLine.hasPrefix("error: --provider-option names an unknown provider 'nope'; known: "))
        let malformed = try VideoGen.run([
            "generate", "--dry-run", "--model", "grok-video-3", "--prompt", "p", "--provider-option", "xai=1",
        ])
        #expect(malformed.exitCode == 2)
        #expect(
            malformed.firstErrorLine
                == "error: --provider-option must be ID.KEY=JSON (like kling.mode=\"pro\"), not 'xai=1'")
    }

    @Test func aProviderOptionReachesOnlyItsProvider() throws {
        let (_, candidates) = try DryRunTests.dryRun([
            "--model", "grok-imagine-video", "--prompt", "p", "--provider", "xai", "--provider", "duoyuanx",
            "--provider-option", "xai.user=\"alice\"", "--provider-option", "duoyuanx.watermark=false",
        ])
        #expect(candidates.count == 2)
        #expect(candidates[0]["request"]?["json"]?["user"] == .string("alice"))
        #expect(candidates[0]["request"]?["json"]?["watermark"] == nil)
        #expect(candidates[1]["request"]?["json"]?["watermark"] == .bool(false))
        #expect(candidates[1]["request"]?["json"]?["user"] == nil)
    }

    @Test func aReservedProviderOptionIsRefusedForThatProvider() throws {
        let result = try VideoGen.run([
            "generate", "--dry-run", "--model", "xai:grok-imagine-video", "--prompt", "p",
            "--provider-option", "xai.prompt=\"x\"",
        ])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("provider-options.xai.prompt"))
    }

    @Test func imageRolesShowInTheDryRunAndARoleTheModelLacksIsRefused() throws {
        let directory = try VideoGen.temporaryDirectory()
        let images = try TinyImages.pngFiles(2, in: directory)
        let (_, candidates) = try DryRunTests.dryRun([
            "--model", "xai:grok-imagine-video", "--prompt", "p", "--reference-image", images[0],
        ])
        #expect(candidates.first?["resolved"]?["imageRoles"] == .array([.string("reference")]))
        #expect(candidates.first?["resolved"]?["mode"] == .string("reference-to-video"))
        #expect(candidates.first?["request"]?["json"]?["image"] == nil)
        #expect(candidates.first?["request"]?["json"]?["reference_images"]?.array.count == 1)

        let refused = try VideoGen.run(
            ["generate", "--dry-run", "--model", "aizfw:grok_video3", "--prompt", "p", "--first-frame", images[0]],
            in: directory)
        #expect(refused.exitCode == 2)
        #expect(
            refused.stderr.contains(
                "images[0] = role first-frame is not allowed (grok_video3 takes no first-frame image); allowed: reference (at most 7)"
            ))
    }

    @Test func imagesAreNumberedInTheOrderTheOptionsWereGiven() throws {
        let directory = try VideoGen.temporaryDirectory()
        let images = try TinyImages.pngFiles(2, in: directory)
        let result = try VideoGen.run(
            [
                "generate", "--dry-run", "--model", "xai:grok-imagine-video", "--prompt", "p", "--reference-image",
                images[0], "--first-frame", images[1],
            ], in: directory)
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.contains(
                "images[0] = role reference is not allowed (xAI: reference images cannot be combined with image-to-video)"
            ))
    }

    @Test func capabilitiesJSONShowsRolesExtrasAndRules() throws {
        let result = try VideoGen.run(["capabilities", "--json", "--provider", "xai", "--model", "grok-imagine-video"])
        #expect(result.exitCode == 0)
        let model = try #require(result.json()["providers"]?[0]?["models"]?[0])
        #expect(
            model["images"]?["roles"]
                == .array([
                    .object(["role": .string("first-frame"), "max": .int(1)]),
                    .object(["role": .string("reference"), "max": .int(7)]),
                ]))
        #expect(
            model["images"]?["unassignedRole"]
                == .object(["one": .string("first-frame"), "several": .string("reference")]))
        #expect(model["seed"] == .null)
        #expect(model["negativePrompt"] == .null)
        #expect(model["audio"] == .null)
        let rules = try #require(model["rules"]?.array)
        #expect(rules.count == 2)
        #expect(rules[1]["when"] == .object(["modes": .array([.string("reference-to-video")])]))
        #expect(rules[1]["then"] == .object(["maxSeconds": .int(10)]))
        #expect(rules[1]["summary"] == .string("when mode reference-to-video: seconds ≤ 10"))
        let gateway = try VideoGen.run(["capabilities", "--json", "--provider", "aizfw", "--model", "grok_video3"])
        let kyy = try #require(gateway.json()["providers"]?[0]?["models"]?[0])
        #expect(kyy["images"]?["roles"] == .array([.object(["role": .string("reference"), "max": .int(7)])]))
        #expect(kyy["rules"] == .array([]))
    }

    @Test func theTextDryRunShowsRolesAndMode() throws {
        let directory = try VideoGen.temporaryDirectory()
        let images = try TinyImages.pngFiles(1, in: directory)
        let result = try VideoGen.run(
            ["generate", "--dry-run", "--model", "xai:grok-imagine-video", "--prompt", "p", "--image", images[0]],
            environment: DryRunTests.canaryEnvironment, in: directory)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdoutLines.contains("   image roles:  first-frame (image-to-video)"))
    }

    @Test func noAudioOnAModelWithoutASwitchIsRefusedAndAdjustLeavesItOut() throws {
        let strict = try VideoGen.run([
            "generate", "--dry-run", "--model", "aizfw:grok_video3", "--prompt", "p", "--no-audio",
        ])
        #expect(strict.exitCode == 2)
        #expect(
            strict.stderr.contains("audio = false is not allowed (grok_video3 has no audio switch); allowed: none"))
        let (_, candidates) = try DryRunTests.dryRun([
            "--model", "aizfw:grok_video3", "--prompt", "p", "--no-audio", "--adjust",
        ])
        #expect(
            candidates.first?["resolved"]?["warnings"]
                == .array([.string("audio false ignored: grok_video3 has no audio switch.")]))
        #expect(candidates.first?["resolved"]?["audio"] == nil)
    }
}
