import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// `videogen generate --simulate --provider runway` end to end against the simulator's Runway dialect, and
/// `videogen cancel` of the job it wrote (Runway's `DELETE /v1/tasks/{id}`).
@Suite struct RunwaySimulateTests {
    @Test(arguments: [
        ["--model", "gen4.5", "--aspect-ratio", "9:16", "--seconds", "4"],
        ["--model", "veo3.1", "--resolution", "1080p", "--no-audio"],
        ["--model", "gen4_turbo", "--image", "https://example.com/cat.png", "--aspect-ratio", "1:1"],
    ])
    func generateWritesAVideo(_ options: [String]) throws {
        let result = try VideoGen.run(
            ["generate", "--simulate", "--provider", "runway", "--prompt", "A cat dancing in the rain"] + options
                + ["--output", "runway.mp4"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let video = try Data(contentsOf: result.directory.appendingPathComponent("runway.mp4"))
        #expect(GenerateCommandTests.isMP4(video))
        #expect(result.stderr.hasPrefix("Submitted to runway · \(options[1]): task "), "\(result.stderr)")
        #expect(result.stdout.contains("Saved "))
    }

    @Test func cancelSendsDeleteAndReportsTheTaskCancelled() throws {
        let generated = try VideoGen.run([
            "generate", "--simulate", "--model", "runway:gen4.5", "--prompt", "p", "--output", "a.mp4",
        ])
        #expect(generated.exitCode == 0, "\(generated.stderr)")
        let jobFile = generated.directory.appendingPathComponent("a.mp4.job.json").path
        let cancel = try VideoGen.run(["cancel", jobFile, "--json", "--simulate"], in: generated.directory)
        #expect(cancel.exitCode == 0, "\(cancel.stderr)")
        let answer = try cancel.json()
        #expect(answer["status"] == .string("cancelled"), "\(cancel.stdout)")
    }
}
