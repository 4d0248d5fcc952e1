import Foundation
import Testing
import VideoProviderKit

/// `videogen plan`: who would serve a request, in what order, and why not the others. Works without keys.
@Suite struct PlanCommandTests {
    @Test func withoutKeysEveryCapableProviderIsListedAndFlagged() throws {
        // 8 s at 720p: every grok-video-3 gateway makes exactly that, so all four are candidates (without a
        // resolution each would fill in its own default, and fallbacks that differ are passed over).
        let result = try VideoGen.run([
            "plan", "--json", "--model", "grok-video-3", "--prompt", "A cat", "--seconds", "8", "--resolution", "720p",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["model"] == .string("grok-video-3"))
        let candidates = json["candidates"]?.array ?? []
        #expect(
            candidates.compactMap { $0["provider"]?.stringValue } == [
                "aizfw", "xingchaoyiqing", "octopusx", "duoyuanx",
            ])
        #expect(
            candidates.compactMap { $0["model"]?.stringValue } == [
                "grok_video3", "grok_video3", "grok-video-3", "grok-video-3",
            ])
        #expect(candidates.map { $0["order"] } == [1, 2, 3, 4])
        #expect(candidates.allSatisfy { $0["apiKeyConfigured"] == .bool(false) })
        #expect(
            candidates[2]["note"] == .string("OCTOPUSX_API_KEY is not set; a real run would skip this provider"))
        #expect(candidates[2]["apiKeyEnvironmentVariable"] == .string("OCTOPUSX_API_KEY"))
        #expect(candidates[2]["billable"] == .object(["unit": "per-second", "seconds": 8]))
        let resolved = try #require(candidates[2]["resolved"])
        #expect(resolved["seconds"] == .int(8))
        #expect(resolved["sendsDuration"] == .bool(true))
        #expect(resolved["aspectRatio"] == .string("16:9"))
        #expect(resolved["resolution"] == .string("720p"))
        // aizfw and Xingchaoyiqing live on one host: one failure domain for connection failures.
        #expect(
            candidates.map { $0["sharesOriginWith"] } == [
                .array([.string("xingchaoyiqing")]), .array([.string("aizfw")]), .array([]), .array([]),
            ])
        let skipped = json["skipped"]?.array ?? []
        #expect(
            skipped.compactMap { $0["provider"]?.stringValue } == [
                "openai-compatible", "xai", "gemini", "runway", "minimax", "kling",
            ])
        #expect(skipped.first?["model"] == .null)
        #expect(skipped.first?["reason"] == .string("does not offer the model 'grok-video-3'"))
    }

    @Test func aConfiguredKeyIsReportedButNeverPrinted() throws {
        let result = try VideoGen.run(
            ["plan", "--json", "--model", "grok-video-3", "--prompt", "p", "--seconds", "8", "--resolution", "720p"],
            environment: ["DUOYUANX_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 0)
        #expect(!result.contains(VideoGen.canary))
        let candidates = try result.json()["candidates"]?.array ?? []
        #expect(candidates.map { $0["apiKeyConfigured"] } == [false, false, false, true])
        #expect(candidates[3]["note"] == .null)
    }

    @Test func providerOptionSetsTheOrderAndFixedLengthModelsOmitTheField() throws {
        let result = try VideoGen.run([
            "plan", "--json", "--model", "grok-video-3-pro", "--prompt", "p", "--provider", "duoyuanx", "--provider",
            "octopusx",
        ])
        #expect(result.exitCode == 0)
        let candidates = try result.json()["candidates"]?.array ?? []
        #expect(candidates.compactMap { $0["provider"]?.stringValue } == ["duoyuanx", "octopusx"])
        #expect(candidates[0]["resolved"]?["seconds"] == .int(10))
        #expect(candidates[0]["resolved"]?["sendsDuration"] == .bool(false))
        #expect(candidates[0]["billable"] == .object(["unit": "per-call", "calls": 1]))
    }

    @Test func providersThatCannotServeTheRequestAreExplained() throws {
        // 19.5:9 is an OpenAI-format preset but not one of xAI's seven ratios; the generic gateway has no
        // base URL, so it is passed over for that reason.
        let result = try VideoGen.run([
            "plan", "--json", "--model", "grok-imagine-video", "--prompt", "p", "--aspect-ratio", "19.5:9",
        ])
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["candidates"]?.array.compactMap { $0["provider"]?.stringValue } == ["duoyuanx"])
        let skipped = json["skipped"]?.array ?? []
        let generic = try #require(skipped.first { $0["provider"] == .string("openai-compatible") })
        #expect(generic["reason"]?.stringValue?.contains("no base URL") == true)
        let xai = try #require(skipped.first { $0["provider"] == .string("xai") })
        #expect(xai["violations"]?[0]?["parameter"] == .string("aspect-ratio"))
        #expect(xai["violations"]?[0]?["value"] == .string("19.5:9"))
        #expect(xai["violations"]?[0]?["allowed"] == .string("1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3"))
    }

    @Test func humanPlanSaysWhoSharesAHost() throws {
        let result = try VideoGen.run([
            "plan", "--model", "grok-video-3", "--prompt", "A cat", "--seconds", "8", "--resolution", "720p",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "   note:         shares https://zcbservice.aizfw.cn with xingchaoyiqing: a connection failure on one passes over the others"
            ))
    }

    @Test func humanPlanListsTheOrderAndNotes() throws {
        let result = try VideoGen.run([
            "plan", "--model", "grok-video-3", "--prompt", "p", "--seconds", "8", "--resolution", "720p",
        ])
        #expect(result.exitCode == 0)
        #expect(result.stdoutLines.first == "Would try, in order:")
        #expect(result.stdout.contains("1. aizfw · grok_video3"))
        #expect(result.stdout.contains("3. octopusx · grok-video-3"))
        #expect(result.stdout.contains("note:         AIZFW_API_KEY is not set; a real run would skip this provider"))
        #expect(result.stdout.contains("  - xai: does not offer the model 'grok-video-3'"))
    }

    @Test func anInvalidRequestExitsTwoWithTheViolationFirst() throws {
        let result = try VideoGen.run(["plan", "--json", "--model", "grok-video-3", "--prompt", "p", "--seconds", "99"])
        #expect(result.exitCode == 2)
        #expect(
            result.firstErrorLine
                == "error: Invalid request for 'grok-video-3': seconds = 99 is not allowed; allowed: 6–30 s (on every one of the 4 providers that offer it)."
        )
        let json = try result.json()
        #expect(json["candidates"]?.array.isEmpty == true)
        #expect(json["error"]?["kind"] == .string("invalid-request"))
        #expect(json["error"]?["exitCode"] == .int(2))
        #expect(
            json["error"]?["violations"]?[0]
                == .object(["parameter": "seconds", "value": "99", "allowed": "6–30 s", "reason": .null]))
    }

    @Test func withProviderOnlyTheNamedProvidersAreConsidered() throws {
        let one = try VideoGen.run([
            "generate", "--dry-run", "--model", "grok-video-3", "--provider", "octopusx", "--prompt", "A cat",
            "--seconds", "31",
        ])
        #expect(one.exitCode == 2)
        #expect(
            one.firstErrorLine
                == "error: Invalid request for grok-video-3 on octopusx: seconds = 31 is not allowed; allowed: 6–30 s.")
        let none = try VideoGen.run(["plan", "--json", "--model", "grok-video-3", "--provider", "xai", "--prompt", "x"])
        #expect(none.exitCode == 2)
        #expect(none.firstErrorLine == "error: xai does not offer the model 'grok-video-3'.")
        let json = try none.json()
        #expect(json["error"]?["kind"] == .string("unknown-model"))
        #expect(
            json["error"]?["violations"]?[0]?["allowed"] == .string("grok-imagine-video, grok-imagine-video-1.5"))
    }

    @Test func aResolutionAModelCannotChoosePassesItOver() throws {
        // Seed 000: aizfw's grok_video3_pro "does not support specifying resolution"; 1080p goes elsewhere.
        let result = try VideoGen.run(["plan", "--model", "grok-video-3-pro", "--prompt", "x", "--resolution", "1080p"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("1. octopusx · grok-video-3-pro"))
        #expect(
            result.stdout.contains(
                "  - aizfw:grok_video3_pro: resolution = 1080p is not allowed (grok_video3_pro does not let the caller choose a resolution); allowed: none"
            ))
        let pinned = try VideoGen.run([
            "plan", "--model", "aizfw:grok_video3_pro", "--prompt", "x", "--resolution", "720p", "--adjust",
        ])
        #expect(pinned.exitCode == 0)
        #expect(
            pinned.contains("resolution 720p ignored: grok_video3_pro does not let the caller choose a resolution."))
    }
}
