import Foundation
import Testing
import VideoProviderKit

/// `--register ID=TYPE`: a built-in provider again under its own id, with its own `<ID>_API_KEY`.
@Suite struct RegisterOptionTests {
    static let register = ["--register", "gw-b=openai-compatible", "--base-url", "gw-b=https://gw-b.example.com/api"]

    @Test func providersListsTheRegistrationWithItsOwnKeyVariable() throws {
        let result = try VideoGen.run(
            ["providers", "--json"] + Self.register, environment: ["GW_B_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        let providers = try result.json()["providers"]?.array ?? []
        #expect(providers.count == InfoCommandTests.ids.count + 1)
        let last = providers.last
        #expect(last?["id"] == .string("gw-b"))
        #expect(last?["apiKeyEnvironmentVariable"] == .string("GW_B_API_KEY"))
        #expect(last?["apiKeyConfigured"] == .bool(true))
        #expect(last?["baseURL"] == .string("https://gw-b.example.com/api"))
        #expect(providers[2]["apiKeyConfigured"] == .bool(false))
    }

    @Test func dryRunSendsToTheRegistrationsBaseURLWithItsKeyVariable() throws {
        let result = try VideoGen.run(
            ["generate", "--model", "gw-b:grok-imagine-video", "--prompt", "Rain", "--dry-run", "--curl"]
                + Self.register,
            environment: ["GW_B_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        #expect(result.stdout.contains("https://gw-b.example.com/api/v1/videos"))
        #expect(result.stdout.contains("Authorization: Bearer $GW_B_API_KEY"))
    }

    @Test func generatesUnderSimulationThroughTheRegistration() throws {
        let result = try VideoGen.run(
            [
                "generate", "--model", "grok-imagine-video", "--prompt", "Rain", "--provider", "gw-b", "--simulate",
                "--json", "--register", "gw-b=openai-compatible",
            ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let submitted = try result.events().first { $0["event"] == .string("submitted") }
        #expect(submitted?["provider"] == .string("gw-b"))
    }

    @Test(arguments: [
        (
            "GW_B=openai-compatible",
            "--register: 'GW_B' cannot be an id (lower-case letters, digits and '-', not starting with '-')"
        ),
        (
            "gw-b=nope",
            "--register names an unknown provider type 'nope'; known: aizfw, xingchaoyiqing, openai-compatible, octopusx, duoyuanx, xai, gemini, runway, minimax, kling"
        ),
        ("xai=xai", "--register: the id 'xai' is already taken"),
        ("gw-b", "--register takes ID=TYPE, not 'gw-b'"),
    ])
    func malformedEntriesAreUsageErrors(entry: String, message: String) throws {
        let result = try VideoGen.run(["providers", "--register", entry])
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine == "error: \(message)")
    }
}
