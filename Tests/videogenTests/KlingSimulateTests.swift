import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// `videogen generate --simulate --provider kling` end to end against the simulator's Kling dialect: a video
/// written, the job followed by a new process on the endpoint that made it, and the AK/SK JWT scheme.
@Suite struct KlingSimulateTests {
    static func isMP4(_ data: Data) -> Bool { data.count > 8 && data[4..<8] == Data("ftyp".utf8) }

    @Test func textToVideoWritesAVideo() throws {
        let result = try VideoGen.run([
            "generate", "--simulate", "--provider", "kling", "--model", "kling-v2-6", "--prompt",
            "A cat dancing in the rain", "--seconds", "10", "--output", "cat.mp4",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(Self.isMP4(try Data(contentsOf: result.directory.appendingPathComponent("cat.mp4"))))
        #expect(result.stderr.hasPrefix("Submitted to kling · kling-v2-6: task text2video/"), "\(result.stderr)")
        #expect(result.stdout.contains("Saved "))
    }

    /// Images go to image2video; `status` and `download` in a new process ask image2video about the task.
    @Test func imageToVideoIsFollowedOnItsEndpointByANewProcess() throws {
        let generated = try VideoGen.run([
            "generate", "--simulate", "--model", "kling:kling-v3", "--prompt", "The girl smiles", "--first-frame",
            "https://example.com/first.png", "--last-frame", "https://example.com/last.png", "--seconds", "7",
            "--output", "girl.mp4",
        ])
        #expect(generated.exitCode == 0, "\(generated.stderr)")
        #expect(generated.stderr.contains("task image2video/"), "\(generated.stderr)")
        let jobFile = generated.directory.appendingPathComponent("girl.mp4.job.json").path
        let status = try VideoGen.run(["status", jobFile, "--json", "--simulate"], in: generated.directory)
        #expect(status.exitCode == 0, "\(status.stderr)")
        let snapshot = try status.json()
        #expect(snapshot["provider"] == .string("kling"))
        #expect(snapshot["status"] == .string("completed"))
        #expect(snapshot["taskID"]?.stringValue?.hasPrefix("image2video/") == true, "\(snapshot)")
        let download = try VideoGen.run(
            ["download", jobFile, "--output", "again.mp4", "--simulate"], in: generated.directory)
        #expect(download.exitCode == 0, "\(download.stderr)")
        #expect(Self.isMP4(try Data(contentsOf: generated.directory.appendingPathComponent("again.mp4"))))
    }

    /// Two `--reference-image` files on kling-v1-6 go to multi-image2video (Kling's "Multi-Image to Video"), and
    /// the simulated Kling answers the task there: the video is written.
    @Test func referenceImagesWriteAVideoThroughMultiImage2Video() throws {
        let directory = try VideoGen.temporaryDirectory()
        try TinyImages.png.write(to: directory.appendingPathComponent("a.png"))
        try TinyImages.png.write(to: directory.appendingPathComponent("b.png"))
        let result = try VideoGen.run(
            [
                "generate", "--simulate", "--model", "kling-v1-6", "--prompt", "The dog wears the jacket",
                "--reference-image", "a.png", "--reference-image", "b.png", "--output", "x.mp4",
            ], in: directory)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(Self.isMP4(try Data(contentsOf: directory.appendingPathComponent("x.mp4"))))
        #expect(
            result.stderr.hasPrefix("Submitted to kling · kling-v1-6: task multi-image2video/"), "\(result.stderr)")
        #expect(result.stdout.contains("Saved "))
    }

    /// With `KLING_ACCESS_KEY`, every request carries a JWT the simulated Kling verifies with the secret key in
    /// `KLING_API_KEY`; neither key nor token is printed.
    @Test func theAccessKeySchemeRunsEndToEnd() throws {
        let result = try VideoGen.run(
            [
                "generate", "--simulate", "--json", "--model", "kling:kling-v2-6", "--prompt", "Rain", "--output",
                "rain.mp4",
            ], environment: ["KLING_ACCESS_KEY": "AKq1w2e3r4t5", "KLING_API_KEY": VideoGen.canary])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.contains(VideoGen.canary))
        #expect(!result.contains("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"))
        #expect(Self.isMP4(try Data(contentsOf: result.directory.appendingPathComponent("rain.mp4"))))
    }

    /// An exhausted resource pack is Kling's HTTP 429 code 1102: `quota-exceeded`, not a rate limit; with
    /// the API key or with signed tokens (which differ on every request) alike.
    @Test(arguments: [[:], ["KLING_ACCESS_KEY": "AKq1w2e3r4t5", "KLING_API_KEY": "sk-secret-0a1b2c3d"]])
    func anExhaustedResourcePackIsAQuota(_ environment: [String: String]) throws {
        let result = try VideoGen.run(
            [
                "generate", "--simulate", "--json", "--model", "kling:kling-v2-6", "--prompt", "Rain",
                "--simulate-fault", "kling=quota",
            ], environment: environment)
        #expect(result.exitCode == 1, "\(result.stdout)")
        #expect(result.stdout.contains(#""kind":"quota-exceeded""#), "\(result.stdout)")
        #expect(result.stdout.contains(#""vendorCode":"1102""#), "\(result.stdout)")
    }
}
