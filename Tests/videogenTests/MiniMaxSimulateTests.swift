import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// `videogen generate --simulate --provider minimax`: submit, query, the `files/retrieve` follow-up and the
/// CDN download, end to end against the simulator's MiniMax dialect, for each model.
@Suite struct MiniMaxSimulateTests {
    @Test(arguments: ["MiniMax-Hailuo-2.3", "MiniMax-Hailuo-02"])
    func textToVideoWritesTheVideo(_ model: String) throws {
        let result = try VideoGen.run([
            "generate", "--simulate", "--provider", "minimax", "--model", model, "--prompt",
            "A cat dancing in the rain", "--output", "cat.mp4",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let video = try Data(contentsOf: result.directory.appendingPathComponent("cat.mp4"))
        #expect(video == SampleVideo.mp4)
        #expect((result.stdout + result.stderr).contains("status: Success"), "\(result.stdout)")
        // The job is kept and a later process downloads it again (status, then files/retrieve, then the CDN).
        let again = try VideoGen.run(
            ["download", "cat.mp4.job.json", "--output", "again.mp4", "--simulate"], in: result.directory)
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(try Data(contentsOf: result.directory.appendingPathComponent("again.mp4")) == video)
    }

    @Test func theFastModelFromAFirstFrameAndHailuo02FromFirstAndLast() throws {
        let directory = try VideoGen.temporaryDirectory()
        let images = try TinyImages.pngFiles(2, in: directory)
        let fast = try VideoGen.run(
            [
                "generate", "--simulate", "--model", "minimax:MiniMax-Hailuo-2.3-Fast", "--prompt", "p",
                "--first-frame", images[0], "--output", "fast.mp4",
            ], in: directory)
        #expect(fast.exitCode == 0, "\(fast.stderr)")
        let both = try VideoGen.run(
            [
                "generate", "--simulate", "--model", "minimax:MiniMax-Hailuo-02", "--prompt", "p", "--first-frame",
                images[0], "--last-frame", images[1], "--resolution", "1080P", "--output", "both.mp4",
            ], in: directory)
        #expect(both.exitCode == 0, "\(both.stderr)")
        #expect(VideoGen.visibleFiles(in: directory).contains("both.mp4"))
    }

    /// A withheld video (1027 "output new_sensitive") is a content-policy failure.
    @Test func aModeratedTaskIsAContentPolicyFailure() throws {
        let result = try VideoGen.run([
            "generate", "--simulate", "--simulate-outcome", "moderated", "--json", "--model",
            "minimax:MiniMax-Hailuo-02", "--prompt", "p", "--output", "m.mp4",
        ])
        #expect(result.exitCode != 0)
        #expect(result.stdout.contains(#""kind":"content-policy""#), "\(result.stdout)")
        #expect(result.stdout.contains(#""vendorCode":"1027""#), "\(result.stdout)")
    }
}
