// swift-format-ignore-file
// The documentation's samples, verbatim (DocumentationSampleTests checks that they are), so the build
// proves that they compile as pasted. Keep the layout of the documents: do not reformat.
import AizfwProvider
import Foundation
import OctopusXProvider
import VideoProviderKit

/// Client/VideoClient.swift: the type's documentation comment.
func videoClientCommentSample() async throws {
    let env = ProcessInfo.processInfo.environment
    var registry = ProviderRegistry()
    try registry.register(AizfwProvider(), apiKey: env["AIZFW_API_KEY"])
    try registry.register(OctopusXProvider(), apiKey: env["OCTOPUSX_API_KEY"])
    let client = VideoClient(registry: registry)

    let job = try await client.submit(VideoRequest(model: "grok-video-3", prompt: "A cat dancing in the rain", seconds: 8))
    do {
        for try await snapshot in client.updates(for: job) { print(snapshot.status, snapshot.progress ?? 0) }
        let video = try await client.download(job, to: URL(fileURLWithPath: "cat.mp4"))
        print(video.fileURL.path)
    } catch let error as VideoProviderError {
        print(error.message)  // a failed, moderated or expired task ends the loop with the vendor's reason
    }
}
