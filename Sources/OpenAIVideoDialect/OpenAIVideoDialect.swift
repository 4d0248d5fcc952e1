import Foundation
public import VideoProviderKit
import XAIVideoDialect

/// A provider that speaks the OpenAI-format video wire (`/v1/videos`): a vendor conforms and supplies only
/// its ``VideoProvider/descriptor``; this module implements the rest.
///
/// Several new-api style gateways (a generic "OpenAI-compatible" deployment, OctopusX, Duoyuanx, …) expose
/// Grok video models behind the same three endpoints and differ only in their model tables:
///
/// ```swift
/// public struct AcmeProvider: OpenAIVideoProvider {
///     public init() {}
///     public var descriptor: ProviderDescriptor { /* Acme's table, with its sources */ }
/// }
/// ```
///
/// - Submit: `POST {base}/v1/videos` in one of two ``OpenAIVideoDialect/Encoding``s. `grok-imagine-video`
///   takes JSON (`model`, `prompt`, `seconds` as a string, `aspect_ratio`, `resolution` as `720P`, `image` or
///   `images` as data URIs); the grok-video-3 family takes `multipart/form-data` (text parts `model`,
///   `prompt`, `aspect_ratio`, `seconds`, `size`, then one `input_reference` file part per image). The
///   encoding follows from the model's table: a model whose images travel as repeated `input_reference`
///   parts (``OpenAIVideoDialect/multipartImageLayout``) is multipart, every other model is JSON.
/// - Status: `GET {base}/v1/videos/{id}`, answering an OpenAI-style video object `{id, object, model,
///   status, progress, created_at, seconds, size, video_url, error}`.
/// - Content: `GET {base}/v1/videos/{id}/content` on the gateway's own host, with the API key.
///
/// Every parser here is total: any body (HTML, empty, truncated, an array, unknown statuses, fields of
/// the wrong type) becomes a `TaskSnapshot` or a typed `VideoProviderError`, never a trap.
public protocol OpenAIVideoProvider: VideoProvider {
    /// How JSON submit bodies are written: ``OpenAIVideoDialect/JSONStyle/openAI`` unless the gateway
    /// passes bodies on to xAI.
    var jsonStyle: OpenAIVideoDialect.JSONStyle { get }
}

/// The OpenAI-format wire's encodings, image layouts and bodies, shared by every ``OpenAIVideoProvider``.
public enum OpenAIVideoDialect {
    /// How a submit body is written.
    public enum Encoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `application/json`, as `grok-imagine-video` takes it.
        case json
        /// `multipart/form-data`, as the grok-video-1.5 / grok-video-3 family takes it.
        case multipart

        /// The encoding a model's image layout implies: repeated file parts mean multipart, anything
        /// else means JSON.
        public init(layout: ImageFieldLayout) {
            if case .repeatedPart = layout {
                self = .multipart
            } else {
                self = .json
            }
        }

        public var description: String { rawValue }
    }

    /// How JSON submit bodies are written.
    public enum JSONStyle: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The OpenAI-format page's body: `seconds` as a string, `resolution` upper case (`480P`), `image` /
        /// `images` as data-URI strings.
        case openAI
        /// xAI's native body (``XAIVideoDialect/submitBody(for:imageURL:)``), for a new-api gateway whose
        /// model goes to an xAI channel: its `/v1/videos` route passes the body to xAI unchanged
        /// (docs/real-gateways.md), so it must be what xAI reads.
        case xAINative = "xai-native"

        public var description: String { rawValue }
    }

    /// The image layout of JSON models: one data URI in `image`, several in `images`, never both.
    public static let jsonImageLayout = ImageFieldLayout.singleOrArray(single: "image", multiple: "images")

    /// The image layout of multipart models: one `input_reference` file part per image.
    public static let multipartImageLayout = ImageFieldLayout.repeatedPart(field: "input_reference")

    /// The images of the multipart (grok-video) family on the gateways that document it: `input_reference` file
    /// parts, jpeg, png or webp, up to 7 (the pages give the field and no count or formats; each vendor's table
    /// lists those as assumptions).
    public static let multipartImages = ImageRule(
        max: 7, transports: [.multipartFile], formats: [.jpeg, .png, .webp], layout: multipartImageLayout)

    /// The JSON submit body: `model`, `prompt`, `seconds` (a string, as the vendors recommend),
    /// `aspect_ratio`, `resolution` (`480P`), then `image` (one data URI) or `images` (several), then
    /// vendor options sorted by key.
    public static func jsonSubmitBody(
        for request: ResolvedVideoRequest, provider: ProviderID
    ) throws(VideoProviderError) -> JSONBody {
        // `seconds`: "passing it as a string is recommended, e.g. \"6\""; `resolution`: "480P and 720P".
        var body = JSONBody(
            videoFieldsOf: request, lengthField: "seconds", lengthAsText: true, upperCaseResolution: true)
        let images = try request.images.enumerated().map { (index, image) throws(VideoProviderError) in
            let (payload, format) = try imageBytes(
                image, index: index, model: request.model, provider: provider, encoding: .json)
            return JSONBody.Value.dataURI(payload, format)
        }
        // "Do not pass image together with images."
        if images.count == 1 {
            body["image"] = images[0]
        } else if images.count > 1 {
            body["images"] = .array(images)
        }
        body.appendVendorOptions(request.vendorOptions)
        return body
    }

    /// The multipart submit body: text parts `model`, `prompt`, `aspect_ratio`, `seconds`, `size` (the
    /// order of the vendors' curl example), one `input_reference` file part per image, then vendor options
    /// as text parts sorted by key.
    ///
    /// A vendor option's text is the string itself, or the compact JSON of any other value; a `null`
    /// option is left out, because a form has no way to say null.
    public static func multipartSubmitBody(
        for request: ResolvedVideoRequest, boundary: String, provider: ProviderID
    ) throws(VideoProviderError) -> MultipartBody {
        var body = MultipartBody(boundary: boundary)
        body.addField("model", request.model)
        body.addField("prompt", request.prompt)
        body.addField("aspect_ratio", request.aspectRatio.rawValue)
        if request.sendsDuration {
            body.addField("seconds", String(request.seconds))
        }
        if let resolution = request.resolution {
            body.addField("size", resolution.upperCased)
        }
        for (index, image) in request.images.enumerated() {
            let (payload, format) = try imageBytes(
                image, index: index, model: request.model, provider: provider, encoding: .multipart)
            let filename: String
            if case .upload(_, _, let name) = image {
                filename = name
            } else {
                filename = "image-\(index + 1).\(format.fileExtension)"
            }
            body.addFile("input_reference", filename: filename, contentType: format.mimeType, payload: payload)
        }
        for key in request.vendorOptions.keys.sorted() {
            guard let value = request.vendorOptions[key], !value.isNull else { continue }
            body.addField(key, value.stringValue ?? value.description)
        }
        return body
    }

    /// The bytes of an image, whichever byte form validation chose; every body of this wire carries
    /// bytes, never a URL for the gateway to fetch.
    static func imageBytes(
        _ image: ResolvedImage, index: Int, model: String, provider: ProviderID, encoding: Encoding
    ) throws(VideoProviderError) -> (ImagePayload, ImageFormat) {
        switch image {
        case .dataURI(let payload, let format), .upload(let payload, let format, _):
            return (payload, format)
        case .publicURL(let url):
            // Validation refuses public URLs for every table that uses this dialect, so reaching here
            // means a table lists `.publicURL`: a table bug, reported rather than sent.
            let field = encoding == .json ? "image/images" : "input_reference"
            throw VideoProviderError(
                .invalidRequest, "\(provider) cannot fetch image URLs; images travel as bytes in \(field).",
                providerID: provider, model: model,
                violations: [
                    Violation(
                        parameter: "images[\(index)]", value: url.absoluteString,
                        allowed: encoding == .json ? "data-uri" : "multipart-file",
                        reason: "the OpenAI-format gateways take image bytes only")
                ])
        }
    }
}

extension OpenAIVideoProvider {
    public var jsonStyle: OpenAIVideoDialect.JSONStyle { .openAI }

    /// The task-creating `POST {base}/v1/videos`, in the encoding the model's image layout implies.
    ///
    /// Every value is written explicitly (the resolved request already holds the model's defaults), so
    /// what is billed never depends on a server-side default. The one field left out on purpose is the
    /// length of a fixed-length model whose table says to omit it: the server fixes those, and a value
    /// we send could only disagree.
    public func submitRequest(
        for request: ResolvedVideoRequest, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        let provider = id
        switch (OpenAIVideoDialect.Encoding(layout: request.capabilities.images.layout), jsonStyle) {
        case (.multipart, _):
            let body = try OpenAIVideoDialect.multipartSubmitBody(
                for: request, boundary: context.multipartBoundary, provider: provider)
            return context.submission(to: "/v1/videos", body: body.httpBody, contentType: body.contentType)
        case (.json, .openAI):
            let body = try OpenAIVideoDialect.jsonSubmitBody(for: request, provider: provider)
            return context.submission(to: "/v1/videos", body: body.httpBody, contentType: "application/json")
        case (.json, .xAINative):
            let body = try XAIVideoDialect.submitBody(for: request) { (image, index) throws(VideoProviderError) in
                let (payload, format) = try OpenAIVideoDialect.imageBytes(
                    image, index: index, model: request.model, provider: provider, encoding: .json)
                return .dataURI(payload, format)
            }
            return context.submission(to: "/v1/videos", body: body.httpBody, contentType: "application/json")
        }
    }

    /// The `GET {base}/v1/videos/{id}` that asks where a task stands, the id percent-encoded as one path
    /// segment (ids are vendor data: a `/` or space in one must not change which endpoint is called).
    public func statusRequest(
        taskID: String, model: String, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest {
        try context.get("/v1/videos/", task: taskID, provider: id)
    }

    /// The `GET {base}/v1/videos/{id}/content` that downloads a finished video from the gateway itself.
    ///
    /// It goes to the gateway's own host, so it carries the standard headers, `Authorization` included;
    /// the client still falls back to the snapshot's `video_url` (without credentials) if it fails.
    public func contentRequest(
        for snapshot: TaskSnapshot, context: ProviderContext
    ) throws(VideoProviderError) -> HTTPRequest? {
        try context.get("/v1/videos/", task: snapshot.taskID, "/content", provider: id, accept: "video/*, */*")
    }
}

extension OpenAIVideoDialect {
    /// `grok-imagine-video` as the generic "OpenAI Format — Grok Imagine Video" page documents it; the
    /// gateways on this wire that serve the model republish that page, so they share this table.
    ///
    /// The page states the minimum length, the ratio presets, the two resolutions, the image fields and
    /// the prompt limit; everything else follows the upstream xAI model and is listed in `assumptions`.
    /// `exampleSeconds` is the length a gateway's own copy of the page sends in its example, when it shows
    /// one (it is where the 8 s default is seen).
    public static func grokImagineVideo(exampleSeconds: Int? = nil) -> ModelCapabilities {
        let example = exampleSeconds.map { " (the document's example sends \"\($0)\")" } ?? ""
        return ModelCapabilities(
            model: "grok-imagine-video",
            // "Target duration in seconds. Minimum is 1 second".
            duration: .minimum(min: 1, max: 15, default: 8),
            // "Supports common presets 1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3, 2:1, 1:2, 19.5:9, 9:19.5, 20:9, 9:20,
            // as well as custom number:number ratios."
            aspectRatios: AspectRatioRule(
                values: [
                    "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "2:1", "1:2", "19.5:9", "9:19.5", "20:9", "9:20",
                ],
                default: "16:9", custom: true),
            // "resolution supports 480P and 720P".
            resolutions: ResolutionRule(values: [.p480, .p720], default: .p480),
            // "use image for a single image and images for multiple images"; each "a data URI such as
            // data:image/png;base64,...". "Do not pass image together with images."
            images: ImageRule(max: 7, transports: [.dataURI], formats: [.jpeg, .png, .webp], layout: jsonImageLayout),
            // "prompt supports up to 4096 characters".
            promptMaxLength: 4096,
            billing: .perSecond,
            assumptions: [
                "Longest length 15 s and default 8 s assumed: the document says only \"Minimum is 1 second\"; "
                    + "15 s and 8 s are the upstream xAI grok-imagine-video model's\(example).",
                "Default aspect ratio 16:9 assumed: the document lists presets but names no default.",
                "Default resolution 480p assumed (the upstream model's default): the document names none.",
                "Up to 7 reference images assumed (the upstream model's reference-image limit): the document "
                    + "gives no count.",
                "jpeg, png and webp images assumed: the document shows only a data:image/png example.",
                "Per-second billing assumed: the document does not say how tasks are billed.",
            ])
    }
}
