import Foundation
import Testing
import VideoProviderKit

/// `videogen providers` and `videogen capabilities`, run as a subprocess.
@Suite struct InfoCommandTests {
    static let ids = [
        "aizfw", "xingchaoyiqing", "openai-compatible", "octopusx", "duoyuanx", "xai", "gemini", "runway", "minimax",
        "kling",
    ]

    @Test func providersJSONListsEveryProviderWithItsKeyVariable() throws {
        let result = try VideoGen.run(["providers", "--json"], environment: ["OCTOPUSX_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 0)
        #expect(!result.contains(VideoGen.canary))
        let providers = try result.json()["providers"]?.array ?? []
        #expect(providers.compactMap { $0["id"]?.stringValue } == Self.ids)
        #expect(
            providers.compactMap { $0["apiKeyEnvironmentVariable"]?.stringValue } == [
                "AIZFW_API_KEY", "XINGCHAOYIQING_API_KEY", "OPENAI_COMPATIBLE_API_KEY", "OCTOPUSX_API_KEY",
                "DUOYUANX_API_KEY", "XAI_API_KEY", "GEMINI_API_KEY", "RUNWAY_API_KEY", "MINIMAX_API_KEY",
                "KLING_API_KEY",
            ])
        #expect(
            providers.map { $0["baseURL"] } == [
                .string("https://zcbservice.aizfw.cn/kyyReactApiServer"),
                .string("https://zcbservice.aizfw.cn/kyyReactApiServer"), .null, .string("https://octopusx.ai"),
                .string("https://duoyuanx.com"), .string("https://api.x.ai"),
                .string("https://generativelanguage.googleapis.com"),
                .string("https://api.dev.runwayml.com"),
                .string("https://api.minimax.io"),
                .string("https://api-singapore.klingai.com"),
            ])
        #expect(providers.map { $0["apiKeyConfigured"] } == Self.ids.map { .bool($0 == "octopusx") })
        #expect(providers[3]["ready"] == .bool(true))
        #expect(providers[2]["ready"] == .bool(false))
        #expect(
            providers[3]["models"]
                == .array(["grok-video-3", "grok-video-3-pro", "grok-video-3-max"].map(JSONValue.string)))
    }

    /// Each documented default names its page, in `providers --json` and `capabilities --json`.
    @Test(arguments: ["providers", "capabilities"])
    func baseURLSourcesAreShown(command: String) throws {
        let result = try VideoGen.run([command, "--json"])
        #expect(result.exitCode == 0)
        let providers = try result.json()["providers"]?.array ?? []
        #expect(providers.count == Self.ids.count)
        let sources = providers.map { $0["baseURLSource"] }
        #expect(sources[2] == .null)
        #expect(
            sources[1]?.stringValue?.hasPrefix(
                "https://docs.xingchaoyiqing.com/api-reference/video/grok-create (\"Base URL\": "
                    + "https://zcbservice.aizfw.cn/kyyReactApiServer)") == true)
        for (provider, source) in zip(providers, sources) where provider["baseURL"] != .null {
            let host = try #require(URL(string: provider["baseURL"]?.stringValue ?? "")?.host)
            #expect(source?.stringValue?.contains(host) == true, "\(provider["id"] ?? .null)")
        }
    }

    @Test func providersTextNamesEachProviderAndKeyState() throws {
        let result = try VideoGen.run(["providers"], environment: ["XAI_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 0)
        #expect(!result.contains(VideoGen.canary))
        #expect(result.stdout.contains("XAI_API_KEY (set)"))
        #expect(result.stdout.contains("AIZFW_API_KEY (not set)"))
        #expect(result.stdout.contains("none (use --base-url openai-compatible=URL)"))
        #expect(result.stdout.contains("(documented: xAI's REST API reference, https://docs.x.ai/"))
    }

    @Test func baseURLOverrideShowsInProviders() throws {
        let result = try VideoGen.run(
            ["providers", "--json", "--base-url", "openai-compatible=https://gateway.example.com/api"])
        #expect(result.exitCode == 0)
        #expect(try result.json()["providers"]?[2]?["baseURL"] == .string("https://gateway.example.com/api"))
    }

    // MARK: capabilities --json, the documented schema

    static func model(_ provider: String, _ model: String) throws -> JSONValue {
        let result = try VideoGen.run(["capabilities", "--json", "--provider", provider, "--model", model])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["providers"]?.array.count == 1)
        #expect(json["providers"]?[0]?["id"] == .string(provider))
        return try #require(json["providers"]?[0]?["models"]?[0])
    }

    @Test func capabilitiesJSONHasEveryProviderAndModel() throws {
        let result = try VideoGen.run(["capabilities", "--json"])
        #expect(result.exitCode == 0)
        let providers = try result.json()["providers"]?.array ?? []
        #expect(providers.compactMap { $0["id"]?.stringValue } == Self.ids)
        #expect(
            providers.compactMap { $0["name"]?.stringValue }.count == Self.ids.count)
        let models = providers.map { provider in provider["models"]?.array.compactMap { $0["model"]?.stringValue } ?? []
        }
        #expect(models[0] == ["grok_video3", "grok_video3_pro"])
        #expect(models[1] == ["grok_video3", "grok_video3_pro", "grok_video3_max", "grok_video3_stable"])
        #expect(models[2] == ["grok-imagine-video"])
        #expect(models[3] == ["grok-video-3", "grok-video-3-pro", "grok-video-3-max"])
        #expect(
            models[4] == [
                "grok-imagine-video", "grok-video-1.5", "grok-video-3", "grok-video-3-pro", "grok-video-3-max",
            ])
        #expect(models[5] == ["grok-imagine-video", "grok-imagine-video-1.5"])
    }

    @Test func rangeDurationOctopusXGrokVideo3() throws {
        let model = try Self.model("octopusx", "grok-video-3")
        #expect(model["model"] == .string("grok-video-3"))
        #expect(model["aliases"] == .array([.string("grok_video3")]))
        #expect(model["duration"] == .object(["kind": "range", "min": 6, "max": 30, "default": 6]))
        #expect(
            model["aspectRatios"]
                == .object([
                    "values": .array(["16:9", "9:16", "2:3", "3:2", "1:1"].map(JSONValue.string)), "default": "16:9",
                    "custom": false,
                ]))
        #expect(
            model["resolutions"]
                == .object(["values": .array(["720p", "1080p"].map(JSONValue.string)), "default": "720p"]))
        #expect(model["images"]?["max"] == .int(7))
        #expect(model["images"]?["transports"] == .array([.string("multipart-file")]))
        #expect(model["images"]?["formats"] == .array(["jpeg", "png", "webp"].map(JSONValue.string)))
        #expect(model["promptMaxLength"] == .int(4096))
        #expect(model["billing"] == .string("per-second"))
    }

    @Test func fixedOmittedDurationAndPerCallBilling() throws {
        let pro = try Self.model("octopusx", "grok-video-3-pro")
        #expect(pro["duration"] == .object(["kind": "fixed", "value": 10, "omitted": true]))
        #expect(pro["billing"] == .string("per-call"))
        let max = try Self.model("duoyuanx", "grok-video-3-max")
        #expect(max["duration"] == .object(["kind": "fixed", "value": 15, "omitted": true]))
        #expect(
            max["resolutions"]?["values"] == .array(["480p", "540p", "720p", "1080p"].map(JSONValue.string)))
    }

    /// xAI caps reference-to-video at 10 s; the key appears only where a model has such a cap.
    @Test func multipleImageLengthCapOnlyWhereAModelHasOne() throws {
        let xai = try Self.model("xai", "grok-imagine-video")
        #expect(xai["images"]?["maxSecondsWithMultipleImages"] == .int(10))
        let octopus = try Self.model("octopusx", "grok-video-3")
        #expect(octopus["images"]?["maxSecondsWithMultipleImages"] == nil)
    }

    @Test func setDurationAndPublicURLImagesOnKyyMax() throws {
        let model = try Self.model("xingchaoyiqing", "grok_video3_max")
        #expect(model["duration"]?["kind"] == .string("set"))
        #expect(model["duration"]?["values"] == .array([6, 10, 12, 16, 20, 30].map(JSONValue.int)))
        #expect(model["aspectRatios"]?["values"] == .array(["16:9", "9:16", "1:1"].map(JSONValue.string)))
        #expect(model["images"]?["max"] == .int(5))
        #expect(model["images"]?["transports"] == .array([.string("public-url")]))
    }

    @Test func minimumDurationCustomRatiosAndDataURIsOnOpenAIFormat() throws {
        let model = try Self.model("openai-compatible", "grok-imagine-video")
        #expect(model["duration"] == .object(["kind": "minimum", "min": 1, "max": 15, "default": 8]))
        #expect(model["aspectRatios"]?["custom"] == .bool(true))
        #expect(
            model["aspectRatios"]?["values"]
                == .array(
                    [
                        "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "2:1", "1:2", "19.5:9", "9:19.5", "20:9",
                        "9:20",
                    ]
                    .map(JSONValue.string)))
        #expect(model["aspectRatios"]?["default"] == .string("16:9"))
        #expect(
            model["resolutions"]
                == .object(["values": .array(["480p", "720p"].map(JSONValue.string)), "default": "480p"]))
        #expect(model["images"]?["transports"] == .array([.string("data-uri")]))
        #expect(model["images"]?["max"] == .int(7))
    }

    @Test func notConfigurableResolutionIsNull() throws {
        let model = try Self.model("aizfw", "grok_video3_pro")
        #expect(model["resolutions"] == .null)
        #expect(model["duration"] == .object(["kind": "fixed", "value": 10, "omitted": true]))
    }

    @Test func modelFilterMatchesAliasesAcrossProviders() throws {
        let result = try VideoGen.run(["capabilities", "--json", "--model", "grok-video-3"])
        #expect(result.exitCode == 0)
        let providers = try result.json()["providers"]?.array ?? []
        #expect(providers.compactMap { $0["id"]?.stringValue } == ["aizfw", "xingchaoyiqing", "octopusx", "duoyuanx"])
        #expect(
            providers.compactMap { $0["models"]?[0]?["model"]?.stringValue } == [
                "grok_video3", "grok_video3", "grok-video-3", "grok-video-3",
            ])
    }

    @Test(arguments: [
        ["capabilities", "--json", "--markdown"], ["capabilities", "--provider", "nope"],
        ["capabilities", "--model", "no-such-model"], ["capabilities", "--frobnicate"],
    ])
    func capabilitiesUsageErrorsExitTwo(_ arguments: [String]) throws {
        let result = try VideoGen.run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine.hasPrefix("error: "))
        if arguments.contains("--json") {
            // JSON mode: the error as the one line on stdout.
            #expect(try result.events().map { $0["event"] } == [.string("error")])
            #expect(try result.events().first?["exitCode"] == .int(2))
        } else {
            #expect(result.stdout.isEmpty)
        }
    }

    /// A `|` in a cell is escaped (GitHub-flavoured Markdown splits cells on it even inside backticks), and
    /// every default, durations included, is in bold as the matrix says.
    @Test func markdownEscapesPipesAndBoldsEveryDefault() throws {
        let duoyuanx = try VideoGen.run([
            "capabilities", "--markdown", "--provider", "duoyuanx", "--model", "grok-imagine-video",
        ])
        #expect(duoyuanx.exitCode == 0)
        #expect(
            duoyuanx.stdoutLines.contains(
                #"| `grok-imagine-video` † | — | 1–15 s (default **8**) | 1:1, **16:9**, 9:16, 4:3, 3:4, 3:2, 2:3, 2:1, 1:2, 19.5:9, 9:19.5, 20:9, 9:20, custom W:H | **480p**, 720p | ≤ 7; data-uri; jpeg/png/webp; `image \| images[]`; ≤ 20 MiB each | ≤ 4096 | per-second |"#
            ))
        let xai = try VideoGen.run(["capabilities", "--markdown", "--provider", "xai", "--model", "grok-imagine-video"])
        #expect(xai.stdout.contains(#"; `image \| reference_images[]`; ≤ 10 s with 2+ images; ≤ 20 MiB each |"#))
        let kyy = try VideoGen.run(["capabilities", "--markdown", "--provider", "xingchaoyiqing"])
        #expect(kyy.stdout.contains("| 6–30 s (default **10**) |"))
        #expect(kyy.stdout.contains("| 6 / **10** / 12 / 16 / 20 / 30 s |"))
        #expect(kyy.stdout.contains("| fixed 10 s (field omitted) |"))
        #expect(kyy.stdout.contains("Defaults are in **bold**."))

        // Every table row has exactly the header's nine unescaped pipes.
        let all = try VideoGen.run(["capabilities", "--markdown"])
        let rows = all.stdoutLines.filter { $0.hasPrefix("| ") }
        #expect(rows.count > 10)
        for row in rows {
            let unescaped = row.replacingOccurrences(of: #"\|"#, with: "").filter { $0 == "|" }.count
            #expect(unescaped == 9, "\(row)")
        }
    }

    /// docs/capabilities.md is generated by the capability-matrix plugin from `capabilities --markdown`;
    /// this fails when the committed file has drifted from the code.
    @Test func committedCapabilityMatrixMatchesTheCode() throws {
        let result = try VideoGen.run(["capabilities", "--markdown"])
        #expect(result.exitCode == 0)
        let committed = try String(
            contentsOf: VideoGen.packageRoot.appendingPathComponent("docs/capabilities.md"), encoding: .utf8)
        #expect(
            committed == result.stdout,
            "docs/capabilities.md is stale: run `swift package --allow-writing-to-package-directory capability-matrix`")
        #expect(committed.contains("## OctopusX (`octopusx`)"))
        #expect(committed.contains("| `grok-video-3-pro` "))
    }
}
