// swift-format-ignore-file
// The documentation's samples, verbatim (DocumentationSampleTests checks that they are), so the build
// proves that they compile as pasted. Keep the layout of the documents: do not reformat.
import AizfwProvider
import Foundation
import OctopusXProvider
import VideoProviderKit

/// VideoProviderKit.docc/VideoProviderKit.md.
func overviewSample() async throws {
    let env = ProcessInfo.processInfo.environment
    var registry = ProviderRegistry()
    try registry.register(OctopusXProvider(), apiKey: env["OCTOPUSX_API_KEY"])
    try registry.register(AizfwProvider(), apiKey: env["AIZFW_API_KEY"])
    let client = VideoClient(registry: registry)

    let request = VideoRequest(model: "grok-video-3", prompt: "A cat dancing in the rain", seconds: 8)
    let generation = try await client.generate(request, downloadTo: URL(fileURLWithPath: "cat.mp4"))
    print(generation.job.providerID, generation.video?.byteCount ?? 0)
}
