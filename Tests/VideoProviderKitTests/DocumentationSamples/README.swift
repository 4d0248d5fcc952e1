// swift-format-ignore-file
// The documentation's samples, verbatim (DocumentationSampleTests checks that they are), so the build
// proves that they compile as pasted. Keep the layout of the documents: do not reformat.
import AizfwProvider
import Foundation
import OctopusXProvider
import VideoProviderKit

/// README.md: the one sample, as the body of a program.
func readmeSample() async throws {
    let env = ProcessInfo.processInfo.environment
    var registry = ProviderRegistry()
    try registry.register(OctopusXProvider(), apiKey: env["OCTOPUSX_API_KEY"])   // first choice
    try registry.register(AizfwProvider(), apiKey: env["AIZFW_API_KEY"])         // fallback
    let client = VideoClient(registry: registry)

    let request = VideoRequest(model: "grok-video-3", prompt: "A cat dancing in the rain", seconds: 8)
    print(client.plan(request).eligible.map(\.providerID))     // who would serve it; nothing is sent
    let job = try await client.submit(request)                 // Codable: persist it to resume later
    do {
        for try await snapshot in client.updates(for: job) { print(snapshot.status, snapshot.progress ?? 0) }
        let video = try await client.download(job, to: URL(fileURLWithPath: "cat.mp4"))
        print("saved \(video.byteCount) bytes from \(video.job.providerID)")
    } catch let error as VideoProviderError {
        print(error.message)  // failed, moderated or expired (with the vendor's reason), a timeout, …
    }
}
