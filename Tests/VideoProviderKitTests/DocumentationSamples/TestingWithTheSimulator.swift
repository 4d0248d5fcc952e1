// swift-format-ignore-file
// The documentation's samples, verbatim (DocumentationSampleTests checks that they are), so the build
// proves that they compile as pasted. Keep the layout of the documents: do not reformat.
import AizfwProvider
import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

// VideoProviderKit.docc/TestingWithTheSimulator.md: a whole test file (this test runs).
@Test func generatesAVideo() async throws {
    let clock = VirtualClock()                 // .autoAdvance: sleeps return at once
    let simulator = GatewaySimulator(clock: clock)
    var registry = ProviderRegistry()
    try registry.register(AizfwProvider(), apiKey: "sk-test")
    let client = VideoClient(registry: registry, transport: simulator, clock: clock)

    let job = try await client.submit(VideoRequest(model: "grok-video-3", prompt: "A cat", seconds: 8))
    _ = try await client.result(for: job)
    let video = try await client.download(job, to: FileManager.default.temporaryDirectory
        .appendingPathComponent("cat.mp4"))

    #expect(video.byteCount == Int64(SampleVideo.mp4.count))
    #expect(simulator.count(.submit) == 1)
    #expect(simulator.cdnReceivedAuthorization == false)
}
