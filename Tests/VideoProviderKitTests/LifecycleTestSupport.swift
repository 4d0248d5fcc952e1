import Foundation
import VideoProviderKit
import VideoProviderTesting

/// A transport that answers from a script, by method and URL, and keeps every request as sent (headers
/// unredacted, so a test can see exactly which request carried the key).
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`: the answers still to give per "METHOD URL" (the last one repeats), and what was sent.
    private var script: [String: [HTTPResponse]]
    private var requests: [HTTPRequest] = []

    init(_ script: [String: [HTTPResponse]]) { self.script = script }

    var sent: [HTTPRequest] { lock.withLock { requests } }

    /// Every request as `METHOD URL`.
    var lines: [String] { sent.map { "\($0.method) \($0.url.absoluteString)" } }

    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        let key = "\(request.method) \(request.url.absoluteString)"
        return lock.withLock {
            requests.append(request)
            guard var queue = script[key], let first = queue.first else {
                return HTTPResponse(
                    status: 404, headers: ["Content-Type": "application/json"],
                    body: Data(#"{"error":"not scripted"}"#.utf8))
            }
            if queue.count > 1 {
                queue.removeFirst()
                script[key] = queue
            }
            var answer = first
            answer.url = request.url
            return answer
        }
    }

    static func json(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(text.utf8))
    }

    static let video = HTTPResponse(status: 200, headers: ["Content-Type": "video/mp4"], body: SampleVideo.mp4)

    static func refused(_ status: Int) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/xml"], body: Data("<Error>AccessDenied</Error>".utf8)
        )
    }
}

/// A test-only vendor with the lifecycle steps beyond submit and status: MiniMax's shape (a completed
/// status names a `file_id`, `/v1/files/retrieve` gives the URL), Runway's `DELETE` cancel and expiring
/// URLs, and a second credentialed origin. Its status answer is `{"status", "file_id"?, "url"?,
/// "expires"?}`.
struct LifecycleProvider: VideoProvider {
    static let base = URL(string: "https://api.life.example")!
    var cancels = true
    var cancelCreatesTask = false
    var expiring = false
    var trusted: [URL] = []

    var descriptor: ProviderDescriptor {
        ProviderDescriptor(
            id: "lifecycle", name: "Lifecycle", defaultBaseURL: nil,
            models: [
                ModelCapabilities(
                    model: "life-1", duration: .range(min: 1, max: 10, default: 6),
                    aspectRatios: AspectRatioRule(values: ["16:9"], default: "16:9", custom: false), resolutions: nil,
                    images: ImageRule(max: 1, transports: [.publicURL], layout: .array(field: "images")),
                    promptMaxLength: 100, billing: .perSecond)
            ])
    }

    func submitRequest(for request: ResolvedVideoRequest, context: ProviderContext) -> HTTPRequest {
        context.submission(
            to: "/v1/video_generation", body: JSONBody(videoFieldsOf: request).httpBody, contentType: "application/json"
        )
    }

    func statusRequest(taskID: String, model: String, context: ProviderContext) -> HTTPRequest {
        context.get("/v1/query/video_generation?task_id=\(taskID)")
    }

    func parseStatusResponse(_ response: HTTPResponse, taskID: String) throws(VideoProviderError) -> TaskSnapshot {
        let json = try VendorResponse.jsonObject(response, provider: id, taskID: taskID, operation: "status query")
        var snapshot = TaskSnapshot(taskID: taskID, status: TaskStatus(vendorStatus: json["status"]?.stringValue ?? ""))
        snapshot.resultReference = json["file_id"]?.stringValue
        snapshot.videoURL = VendorResponse.url(json["url"])
        snapshot.videoURLExpiresAt = json["expires"]?.doubleValue.map { Date(timeIntervalSince1970: $0) }
        return snapshot
    }

    func resultRequest(for snapshot: TaskSnapshot, context: ProviderContext) -> HTTPRequest? {
        guard snapshot.videoURL == nil, let file = snapshot.resultReference else { return nil }
        return context.get("/v1/files/retrieve?file_id=\(file)")
    }

    func parseResultResponse(_ response: HTTPResponse, for snapshot: TaskSnapshot) throws(VideoProviderError)
        -> TaskSnapshot
    {
        guard response.isSuccess else {
            throw VendorResponse.error(for: response, provider: id, taskID: snapshot.taskID, operation: "result query")
        }
        let json = try VendorResponse.jsonObject(
            response, provider: id, taskID: snapshot.taskID, operation: "result query")
        guard let url = VendorResponse.url(json["file"]?["download_url"]) else {
            throw VideoProviderError(.invalidResponse, "no download_url", providerID: id, taskID: snapshot.taskID)
        }
        var resolved = snapshot
        resolved.videoURL = url
        return resolved
    }

    func cancelRequest(taskID: String, model: String, context: ProviderContext) -> HTTPRequest? {
        guard cancels else { return nil }
        var request = HTTPRequest(
            method: .delete, url: context.url("/v1/tasks/\(taskID)"), headers: context.standardHeaders())
        request.createsTask = cancelCreatesTask
        return request
    }

    var credentialedContentOrigins: [URL] { trusted }
    var resultURLsExpire: Bool { expiring }
}

enum Life {
    static let key = "sk-lifecycle-0123456789SECRET"
    static let status = "GET https://api.life.example/v1/query/video_generation?task_id=T1"
    static let retrieve = "GET https://api.life.example/v1/files/retrieve?file_id=176844028768320"

    static func client(_ provider: LifecycleProvider, _ transport: ScriptedTransport) throws -> VideoClient {
        var registry = ProviderRegistry()
        try registry.register(provider, apiKey: key, baseURL: LifecycleProvider.base)
        return VideoClient(registry: registry, transport: transport, clock: VirtualClock(mode: .autoAdvance))
    }

    static let submit = "POST https://api.life.example/v1/video_generation"

    /// The script's answers plus the submission's (`{"task_id":"T1"}`).
    static func transport(_ script: [String: [HTTPResponse]]) -> ScriptedTransport {
        var all = script
        all[submit] = [ScriptedTransport.json(#"{"task_id":"T1"}"#)]
        return ScriptedTransport(all)
    }

    /// A job submitted through `client` (one `POST`), and the requests after it.
    static func submitted(_ client: VideoClient) async throws -> VideoJob {
        try await client.submit(VideoRequest(model: "life-1", prompt: "A lighthouse", seconds: 6))
    }

    static func destination() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("lifecycle-\(UUID().uuidString)/video.mp4")
    }
}
