import Foundation
public import VideoProviderKit

/// A provider that speaks xAI's video API: a vendor conforms and supplies only its
/// ``VideoProvider/descriptor``; this module implements the rest. `XAIProvider` is xAI itself; a mirror
/// or proxy of xAI's API is the same few lines with its own table.
///
/// Wire format (sources and the documented/assumed split are in `docs/providers/xai.md`):
/// - Submit: `POST {base}/v1/videos/generations` with ``XAIVideoDialect/submitBody(for:imageURL:)``. The
///   answer is `{"request_id": "…"}`.
/// - Status: `GET {base}/v1/videos/{request_id}`, HTTP 200 with `status` `pending`, `done`, `expired` or
///   `failed` (mirrors also show `queued` and `processing`), an integer `progress`, `video: {url, duration,
///   respect_moderation}` when done and `error: {code, message}` when failed. Both outcomes are HTTP 200.
/// - Content: `video.url` lives on xAI's CDN (`vidgen.x.ai`) for about 24 hours and is fetched without the
///   API key.
/// - Errors outside a task: `{"code": "…", "error": "…"}`; a bad key is an HTTP 400 whose message says
///   "Incorrect API key provided", which is read as an authentication failure so the client falls back
///   instead of stopping.
///
/// Every parser is total: HTML, empty, truncated or mistyped bodies and unknown status words become a
/// typed ``VideoProviderError`` or a snapshot with ``TaskStatus/unknown``, never a trap.
public protocol XAIVideoProvider: VideoProvider {}

/// xAI's request body, shared by ``XAIVideoProvider`` and by gateways that pass bodies on to xAI unchanged
/// (new-api's xAI channel, in `OpenAIVideoDialect`).
public enum XAIVideoDialect {
    /// The submit body, field by field in the order of xAI's reference: `model`, `prompt`, `duration`,
    /// `aspect_ratio`, `resolution`, then `image: {"url": …}` for one image (image-to-video, the image is the
    /// first frame) or `reference_images: [{"url": …}, …]` for two to seven (reference-to-video), then
    /// vendor options sorted by key. Every default is written explicitly, so what is billed never depends
    /// on a server-side default.
    ///
    /// `imageURL` writes the `url` of one image (its index given), or refuses a form the gateway cannot
    /// take. The reference-to-video limit (at most 10 s with two or more images) is a rule of the capability
    /// table (``ImageRule/maximumSecondsWithMultipleImages``), checked before a request gets here.
    public static func submitBody(
        for request: ResolvedVideoRequest,
        imageURL: (ResolvedImage, Int) throws(VideoProviderError) -> JSONBody.Value
    ) throws(VideoProviderError) -> JSONBody {
        // xAI spells resolutions in lower case (`480p`), which is the canonical spelling.
        var body = JSONBody(videoFieldsOf: request)
        let images = try request.images.enumerated().map { (index, image) throws(VideoProviderError) in
            var object = JSONBody()
            object["url"] = try imageURL(image, index)
            return JSONBody.Value.object(object)
        }
        // One image is the first frame unless the caller named it a reference (xAI takes one reference too);
        // a plain list's one image is a first frame by the table (``unassignedImageRole``).
        if images.count == 1, request.imageRoles.first != .reference {
            body["image"] = images[0]
        } else if !images.isEmpty {
            body["reference_images"] = .array(images)
        }
        body.appendVendorOptions(request.vendorOptions)
        return body
    }

    /// The roles xAI's body can carry: one first frame (`image`), or up to seven references
    /// (`reference_images`); no last frame.
    public static let imageRoles = [ImageRoleLimit(.firstFrame, max: 1), ImageRoleLimit(.reference, max: 7)]

    /// What a plain image list meant before roles existed, and still means: one image is the first frame
    /// (image-to-video), two or more are references (reference-to-video).
    public static let unassignedImageRole = UnassignedImageRole.byCount(single: .firstFrame, multiple: .reference)

    /// xAI's rules between roles: a first frame and references are never combined ("cannot be combined with
    /// image-to-video"), and reference-to-video, even from one image, makes at most 10 s ("The maximum duration
    /// allowed when using reference images is 10 seconds").
    public static let imageRoleRules = [
        CapabilityRule(
            when: .init(imageRoles: [.firstFrame]), then: .init(excludedImageRoles: [.reference]),
            note: "xAI: reference images cannot be combined with image-to-video"),
        CapabilityRule(
            when: .init(modes: [.referenceToVideo]), then: .init(maxSeconds: 10),
            note: "xAI: the maximum duration allowed when using reference images is 10 seconds"),
    ]
}

extension XAIVideoProvider {
    /// The task-creating `POST {base}/v1/videos/generations` of ``XAIVideoDialect/submitBody(for:imageURL:)``.
    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        let provider = id
        let body = try XAIVideoDialect.submitBody(for: request) { (image, index) throws(VideoProviderError) in
            // A public URL or a data URI.
            try image.jsonURL(index: index, model: request.model, provider: provider)
        }
        return context.submission(to: "/v1/videos/generations", body: body.httpBody, contentType: "application/json")
    }

    /// Reads the submit answer `{"request_id": "…"}` by the shared rules of ``GatewayAnswer`` (a gateway
    /// in front of xAI may answer `id` or `task_id` instead, or wrap the answer in new-api's envelope).
    ///
    /// The answer carries only the id, so the task is reported as `queued` with no vendor status word. A
    /// non-2xx answer is the vendor's typed error; a 2xx answer that carries an error and no id is a
    /// refusal with that error (nothing was created).
    public func parseSubmitResponse(
        _ response: HTTPResponse, for request: ResolvedVideoRequest
    ) throws(VideoProviderError) -> TaskSnapshot {
        try VendorResponse.submitSnapshot(
            response, provider: id, model: request.model, documentedIDField: "request_id",
            vendorName: descriptor.name)
    }

    /// The `GET {base}/v1/videos/{request_id}` that asks where a task stands, the id percent-encoded as one
    /// path segment.
    public func statusRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        try context.get("/v1/videos/", task: taskID, provider: id)
    }

    /// Reads the status answer by the shared rules of ``GatewayAnswer``, with xAI's own conventions:
    ///
    /// - `pending` is `queued` until xAI reports progress, then `processing`; `done` is `completed`;
    ///   the other words of ``TaskStatus/vendorWords`` map as everywhere; any other word is
    ///   ``TaskStatus/unknown`` with the word kept in ``TaskSnapshot/rawStatus``, or `failed` when the
    ///   answer carries an error.
    /// - `respect_moderation: false` makes the task failed (a content-policy failure) whatever the status
    ///   and even when a URL is present: the Vercel AI SDK treats it so, and xAI withholds the video.
    /// - An answer without `status` is `completed` when it carries `video.url`, and `queued` when it only
    ///   echoes the request id; an HTTP 202 with an empty body (xAI's deferred-result convention) is `queued`.
    /// - The snapshot carries the id that was asked about, because that is the id the caller tracks.
    public func parseStatusResponse(
        _ response: HTTPResponse, taskID: String
    ) throws(VideoProviderError) -> TaskSnapshot {
        if response.status == 202, response.body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            return TaskSnapshot(taskID: taskID, status: .queued, pollAfter: VendorResponse.pollAfter(response.headers))
        }
        var snapshot = try VendorResponse.statusSnapshot(
            response, provider: id, taskID: taskID, operation: "status request",
            statusless: [.videoURLMeansCompleted, .echoedIDMeansQueued], vendorName: descriptor.name)
        if snapshot.status == .queued, snapshot.rawStatus?.trimmingWhitespace().lowercased() == "pending",
            (snapshot.progress ?? 0) > 0
        {
            snapshot.status = .processing
        }
        if snapshot.status == .completed { snapshot.progress = 100 }
        return snapshot
    }
}
