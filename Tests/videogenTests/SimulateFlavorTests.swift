import Foundation
import Testing
import VideoProviderKit

/// `--simulate-flavor` and `--simulate-fault ID=quota`: the simulated gateways answering as deployed ones do
/// (docs/cli.md, docs/real-gateways.md).
@Suite struct SimulateFlavorTests {
    @Test(arguments: [
        (
            ["--simulate-flavor", "new-api-sora"],
            "error: --simulate-flavor needs --simulate"
        ),
        (
            ["--simulate", "--simulate-flavor", "nginx"],
            "error: --simulate-flavor takes FLAVOR or ID=FLAVOR (FLAVOR: documented, new-api-sora, new-api-xai, new-api-generic, kyy-deployment, xai-mirror), not 'nginx'"
        ),
        (
            ["--simulate", "--simulate-flavor", "aizfw=new-api-xai"],
            "error: --simulate-flavor new-api-xai is a flavour of openAIFormat gateways; aizfw speaks kyyReact"
        ),
        (
            ["--simulate", "--simulate-flavor", "acme=xai-mirror"],
            "error: --simulate-flavor names an unknown provider 'acme'; known: aizfw, xingchaoyiqing, openai-compatible, octopusx, duoyuanx, xai, gemini, runway, minimax, kling"
        ),
    ])
    func usageErrors(extra: [String], firstLine: String) throws {
        let result = try VideoGen.run(["generate", "--model", "grok-video-3", "--prompt", "p"] + extra)
        #expect(result.exitCode == 2)
        #expect(result.firstErrorLine == firstLine)
    }

    @Test func newAPIsXAIChannelRefusesTheOpenAIBodyOnV1Videos() throws {
        let result = try VideoGen.run([
            "generate", "--simulate", "--simulate-flavor", "new-api-xai", "--model",
            "openai-compatible:grok-imagine-video",
            "--prompt", "A cat", "--json",
        ])
        #expect(result.exitCode == 1)
        #expect(
            result.firstErrorLine
                == "error: openai-compatible refused the video submission (HTTP 400): Unknown parameter 'seconds'; this API takes 'duration' (an integer)."
        )
        let error = try #require(try result.events().last)
        #expect(error["kind"] == .string("vendor-rejected"))
        #expect(error["vendorCode"] == .string("Client specified an invalid argument"))
    }

    @Test func theOpenAIBaseOfNewAPIsXAIChannelWorks() throws {
        let directory = try VideoGen.temporaryDirectory()
        let result = try VideoGen.run(
            [
                "generate", "--simulate", "--simulate-flavor", "new-api-xai", "--base-url",
                "openai-compatible=https://gw.example.com/openai", "--model", "openai-compatible:grok-imagine-video",
                "--prompt", "A cat", "--output", "cat.mp4",
            ], in: directory)
        #expect(result.exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("cat.mp4").path))
    }

    @Test func aKyyDeploymentsBalanceRefusalIsQuotaExceeded() throws {
        let result = try VideoGen.run([
            "generate", "--simulate", "--simulate-flavor", "kyy-deployment", "--simulate-fault", "aizfw=quota",
            "--model", "aizfw:grok_video3", "--prompt", "A cat", "--json",
        ])
        #expect(result.exitCode == 1)
        #expect(result.firstErrorLine == "error: aizfw refused the video submission (HTTP 200): 余额不足")
        let error = try #require(try result.events().last)
        #expect(error["kind"] == .string("quota-exceeded"))
        #expect(error["exitCode"] == .int(1))
    }

    @Test func anXAIMirrorsModeratedVideoIsAPolicyFailure() throws {
        let directory = try VideoGen.temporaryDirectory()
        let result = try VideoGen.run(
            [
                "generate", "--simulate", "--simulate-flavor", "xai=xai-mirror", "--simulate-outcome", "moderated",
                "--model", "xai:grok-imagine-video", "--prompt", "A cat", "--output", "cat.mp4", "--json",
            ], in: directory)
        #expect(result.exitCode == 1)
        let error = try #require(try result.events().last)
        #expect(error["kind"] == .string("content-policy"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("cat.mp4").path))
    }

    @Test func aKyyDeploymentsRefusedStatusCallIsTolerated() throws {
        let result = try VideoGen.run([
            "generate", "--simulate", "--simulate-flavor", "kyy-deployment", "--model", "aizfw:grok_video3",
            "--prompt", "A cat", "--json",
        ])
        #expect(result.exitCode == 0)
        let completed = try result.events().last { $0["event"] == .string("completed") }
        #expect(completed?["status"] == .string("completed"))
    }
}

/// `status` and `download` follow a flavoured simulated job when given the same `--simulate-flavor`.
@Suite struct SimulateFlavorJobTests {
    @Test func statusDownloadAndFollowTakeAFlavouredJob() throws {
        let directory = try VideoGen.temporaryDirectory()
        let generate = try VideoGen.run(
            [
                "generate", "--simulate", "--simulate-flavor", "new-api-sora", "--model",
                "openai-compatible:grok-imagine-video", "--prompt", "A cat", "--job-file", "job.json",
            ], in: directory)
        #expect(generate.exitCode == 0)
        let status = try VideoGen.run(
            ["status", "job.json", "--simulate-flavor", "new-api-sora", "--json"], in: directory)
        #expect(status.exitCode == 0)
        let answer = try status.json()
        #expect(answer["status"] == .string("completed"))
        #expect(answer["taskID"]?.stringValue?.hasPrefix("task_") == true)
        let download = try VideoGen.run(
            ["download", "job.json", "--output", "cat.mp4", "--simulate-flavor", "new-api-sora"], in: directory)
        #expect(download.exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("cat.mp4").path))
        let follow = try VideoGen.run(
            ["follow", "job.json", "--output", "again.mp4", "--simulate-flavor", "new-api-sora"], in: directory)
        #expect(follow.exitCode == 0, "\(follow.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("again.mp4").path))
        // Without the flavour, the documented gateway does not know new-api's task ids.
        let documented = try VideoGen.run(["status", "job.json", "--json"], in: directory)
        #expect(documented.exitCode == 1)
        #expect(try documented.events().last?["kind"] == .string("not-found"))
    }
}

/// A `generate` that stops after its task was accepted prints a `videogen follow …` command that repeats
/// the flavour, so the command works as printed. (At a speed-up of 20 the 5 s timeout is a quarter of a
/// real second: a loaded machine still gets the submission accepted before it passes.)
@Suite struct SimulateFlavorFollowCommandTests {
    @Test func theFollowCommandRepeatsTheFlavour() throws {
        let directory = try VideoGen.temporaryDirectory()
        let generate = try VideoGen.run(
            [
                "generate", "--simulate", "--simulate-flavor", "new-api-sora", "--model",
                "openai-compatible:grok-imagine-video", "--prompt", "A cat", "--job-file", "job.json", "--timeout", "5",
                "--json",
            ], in: directory, speedup: 20)
        #expect(generate.exitCode == 3)
        let error = try #require(try generate.events().last)
        let command = try #require(error["followCommand"]?.stringValue)
        #expect(command.hasSuffix(" --simulate-flavor new-api-sora"))
    }
}
