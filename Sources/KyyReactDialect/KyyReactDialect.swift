import Foundation
public import VideoProviderKit

/// A provider that speaks the kyyReactApiServer backend's wire format: a vendor that resells the backend
/// conforms and supplies only its ``VideoProvider/descriptor``; this module implements the rest.
///
/// Several gateways (aizfw, Xingchaoyiqing, …) front the same backend at
/// `https://zcbservice.aizfw.cn/kyyReactApiServer` and differ only in their model tables:
///
/// ```swift
/// public struct AcmeProvider: KyyReactProvider {
///     public init() {}
///     public var descriptor: ProviderDescriptor { /* Acme's table, with its sources */ }
/// }
/// ```
///
/// - Submit: `POST {base}/v1/grok/videos` with a JSON body whose fields are, in order, `model`,
///   `prompt`, `duration`, `aspect_ratio`, `resolution`, `image_urls`, then any vendor options.
/// - Status: `GET {base}/v1/result/{id}`, answering `{id, object, created, model, status, video_url,
///   actualDuration, error}`.
/// - Content: the backend has no content endpoint; the finished video is fetched from `video_url`, a
///   CDN address that must not receive the API key.
///
/// Every parser here is total: any body (HTML, empty, truncated, an array, unknown statuses) becomes a
/// `TaskSnapshot` or a typed `VideoProviderError`, never a trap.
public protocol KyyReactProvider: VideoProvider {}

/// The kyyReactApiServer backend's body, shared by every ``KyyReactProvider``.
public enum KyyReactDialect {
    /// The submit body, field by field in the vendor's documented order.
    ///
    /// Every value is written explicitly (the resolved request already holds the model's defaults), so
    /// what is billed never depends on a server-side default. Two fields are left out on purpose:
    /// `duration` when the model's length is fixed and the vendor asks not to send it, and `resolution`
    /// when the model does not let the caller choose one.
    public static func submitBody(
        for request: ResolvedVideoRequest, provider: ProviderID
    ) throws(VideoProviderError) -> JSONBody {
        // The backend documents lower-case `480p` / `720p`, which is the canonical spelling.
        var body = JSONBody(videoFieldsOf: request)
        if !request.images.isEmpty {
            body["image_urls"] = .array(
                try request.images.enumerated().map { (index, image) throws(VideoProviderError) in
                    try image.jsonURL(index: index, model: request.model, provider: provider)
                })
        }
        body.appendVendorOptions(request.vendorOptions)
        return body
    }
}

extension KyyReactProvider {
    /// The task-creating `POST` of ``KyyReactDialect/submitBody(for:provider:)``.
    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        let body = try KyyReactDialect.submitBody(for: request, provider: id)
        // The base URL already ends in `/kyyReactApiServer`.
        return context.submission(to: "/v1/grok/videos", body: body.httpBody, contentType: "application/json")
    }

    /// The `GET {base}/v1/result/{id}` that asks where a task stands, the id percent-encoded as one path
    /// segment (ids are vendor data: a `/` or space in one must not change which endpoint is called).
    public func statusRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        try context.get("/v1/result/", task: taskID, provider: id)
    }
}
