import Foundation
import Testing
import VideoProviderKit

/// `videogen cancel JOB`: job-file based like `status`; a provider without a cancel is a clear exit 2.
@Suite struct CancelCommandTests {
    @Test func aProviderWithoutCancelIsExitTwoAndSendsNothing() throws {
        let generated = try VideoGen.run([
            "generate", "--simulate", "--model", "duoyuanx:grok-video-3-max", "--prompt", "p", "--output", "a.mp4",
        ])
        #expect(generated.exitCode == 0, "\(generated.stderr)")
        let jobFile = generated.directory.appendingPathComponent("a.mp4.job.json").path
        let cancel = try VideoGen.run(["cancel", jobFile, "--json"], in: generated.directory)
        #expect(cancel.exitCode == 2)
        #expect(
            cancel.stderr.hasPrefix(
                "error: duoyuanx cannot cancel a task: its API has no cancel. Task video_"))
        let error = try cancel.json()
        #expect(error["kind"] == .string("unsupported"))
        #expect(error["exitCode"] == .int(2))
    }

    @Test func cancelTakesExactlyOneJob() throws {
        let result = try VideoGen.run(["cancel"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.hasPrefix("error: give a job file (or its JSON)"))
        let help = try VideoGen.run(["cancel", "--help"])
        #expect(help.exitCode == 0)
        #expect(
            help.stdout.hasPrefix(
                "Usage:\n  videogen cancel JOB [--json] [--simulate] [--simulate-flavor [ID=]FLAVOR]... [--base-url ID=URL]..."
            ))
    }
}
