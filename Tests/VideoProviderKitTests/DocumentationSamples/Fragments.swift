// swift-format-ignore-file
// The documentation's samples, verbatim (DocumentationSampleTests checks that they are), so the build
// proves that they compile as pasted. Keep the layout of the documents: do not reformat.
import AizfwProvider
import Foundation
import OctopusXProvider
import OpenAICompatibleProvider
import VideoProviderKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// Samples that continue a reader's program: the names they use from it (a client, a job, a registry, the
// keys, the app's logger) are the functions' parameters.

/// The app's own logger, as the observer sample assumes one.
struct AppLogger: Sendable {
    func debug(_ message: String) {}
}

/// VideoProviderKit.docc/FollowingAndDownloading.md.
func followingSample(client: VideoClient, job: VideoJob) async throws {
    do {
        for try await snapshot in client.updates(for: job) { print(snapshot.status, snapshot.progress ?? 0) }
        let video = try await client.download(job, to: URL(fileURLWithPath: "cat.mp4"))
        print("saved \(video.byteCount) bytes")
    } catch let error as VideoProviderError {
        print(error.message)  // the vendor's reason for a failed or moderated task, a timeout, …
    }
}

/// VideoProviderKit.docc/ChoosingATransport.md.
func transportSample(registry: ProviderRegistry) -> VideoClient {
    let configuration = URLSessionConfiguration.default
    configuration.timeoutIntervalForRequest = 30
    let client = VideoClient(registry: registry, transport: URLSessionTransport(sessionConfiguration: configuration))
    return client
}

/// Client/Observer.swift.
func observerSample(logger: AppLogger) -> VideoClientObserver {
    let observer = VideoClientObserver { event in logger.debug("\(event)") }
    return observer
}

/// HTTP/JSONBody.swift.
func jsonBodySample(payload: ImagePayload) -> HTTPBody {
    var json = JSONBody()
    json["model"] = .string("grok-imagine-video")
    json["seconds"] = .string("8")
    json["image"] = .dataURI(payload, .png)
    let body = json.httpBody   // {"model":"grok-imagine-video","seconds":"8","image":"data:image/png;base64,…"}
    return body
}

/// Registry/ProviderRegistry.swift.
func registrySample(aizfwKey: String?, octopusKey: String?) throws -> RoutePlan {
    var registry = ProviderRegistry()
    try registry.register(AizfwProvider(), apiKey: aizfwKey)
    try registry.register(OctopusXProvider(), apiKey: octopusKey)
    registry.setFallbackOrder(["octopusx", "aizfw"], for: "grok-video-3")
    let plan = registry.plan(for: VideoRequest(model: "grok-video-3", prompt: "Rain", seconds: 20))
    return plan
}

/// Client/VideoClient.swift: `updateRegistry(_:)`.
func updateRegistrySample(client: VideoClient, keyB: String, gatewayB: URL) throws {
    try client.updateRegistry { registry in
        try registry.register(OpenAICompatibleProvider(), as: "gw-b", apiKey: keyB, baseURL: gatewayB)
    }
}

/// Client/VideoClient.swift: the type's documentation comment.
func videoClientCommentSample(registry: ProviderRegistry) async throws {
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
