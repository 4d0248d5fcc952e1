// swift-format-ignore-file
// The documentation's samples, verbatim (DocumentationSampleTests checks that they are), so the build
// proves that they compile as pasted. Keep the layout of the documents: do not reformat.
import AizfwProvider
import Foundation
import OctopusXProvider
import OpenAICompatibleProvider
import VideoProviderKit

/// VideoProviderKit.docc/GettingStarted.md: its samples in order, as one program.
func gettingStartedSample() async throws {
    let env = ProcessInfo.processInfo.environment
    var registry = ProviderRegistry()
    try registry.register(OctopusXProvider(), apiKey: env["OCTOPUSX_API_KEY"])
    try registry.register(AizfwProvider(), apiKey: env["AIZFW_API_KEY"])
    try registry.register(
        OpenAICompatibleProvider(), apiKey: env["OPENAI_COMPATIBLE_API_KEY"],
        baseURL: URL(string: "https://gateway.example.com")!)

    let client = VideoClient(registry: registry)
    let request = VideoRequest(model: "grok-video-3", prompt: "A lighthouse at dusk", seconds: 8)
    let plan = client.plan(request)
    for entry in plan.eligible { print(entry.providerID, entry.resolved.billableEstimate) }
    for skipped in plan.skipped { print(skipped) }

    let job = try await client.submit(request)
    try job.encoded().write(to: URL(fileURLWithPath: "lighthouse.job.json"))
    do {
        for try await snapshot in client.updates(for: job) {
            print(snapshot.status, snapshot.progress.map { "\($0)%" } ?? "")
        }
        let video = try await client.download(job, to: URL(fileURLWithPath: "lighthouse.mp4"))
        print("saved", video.fileURL.path)
    } catch let error as VideoProviderError {
        // The loop ends normally only when the video is ready; a failed, moderated or expired task ends it
        // with this error, the vendor's reason in its message.
        print(error.message)
    }
}
