import Foundation
public import OpenAIVideoDialect
public import VideoProviderKit

/// The Duoyuanx gateway (`https://duoyuanx.com`): Grok video through the OpenAI-format `POST /v1/videos`
/// endpoint, in both of its encodings.
///
/// `grok-imagine-video` takes a JSON body; the grok-video-1.5 / grok-video-3 family takes
/// `multipart/form-data` (the page's "Differences from Grok 1.5 / 3" table). The wire format comes from
/// ``OpenAIVideoProvider``, which picks the encoding from each model's image layout; this type is the
/// capability table.
///
/// | Model | Body | Duration | Ratios | Resolution | Images | Billing |
/// |---|---|---|---|---|---|---|
/// | `grok-imagine-video` | JSON | 1–15 s, default 8 | 13 presets or any W:H, default 16:9 | 480p/720p, default 480p | ≤ 7 data URIs | per second |
/// | `grok-video-1.5` | multipart | 6–30 s, default 6 | 16:9 9:16 2:3 3:2 1:1 | 480p/540p/720p/1080p, default 720p | ≤ 7 files | per second |
/// | `grok-video-3` | multipart | 6–30 s, default 6 | same | same | same | per second |
/// | `grok-video-3-pro` | multipart | fixed 10 s, omitted | same | same | same | per call |
/// | `grok-video-3-max` | multipart | fixed 15 s, omitted | same | same | same | per call |
///
/// Status `GET {base}/v1/videos/{id}` ("Query the result later with GET /v1/videos/{id}") and content
/// `GET {base}/v1/videos/{id}/content` ("You can also download the result with
/// GET /v1/videos/{task_id}/content"), both on the same host with the key.
///
/// Assumptions, also listed in each model's `assumptions`: for `grok-imagine-video` the same as
/// `OpenAICompatibleProvider` (15 s maximum, 8 s / 16:9 / 480p defaults, 7 images, formats, billing);
/// for the multipart family the same as `OctopusXProvider` (ratios, 720p default, 7 images, formats,
/// prompt limit, billing), plus 6–30 s for grok-video-1.5 and grok-video-3, which the comparison table
/// treats alike and gives no range for.
public struct DuoyuanxProvider: OpenAIVideoProvider {
    /// `duoyuanx`: the provider's stable identifier (and `DUOYUANX_API_KEY` for `videogen`).
    public static let id: ProviderID = "duoyuanx"

    // MARK: grok-imagine-video (JSON)

    /// The OpenAI-format page's table, which Duoyuanx's page repeats; its example sends "8".
    private static let imagineVideo = OpenAIVideoDialect.grokImagineVideo(exampleSeconds: 8)

    // MARK: grok-video-1.5 / grok-video-3 family (multipart)

    /// The document gives no ratios for the multipart family; OctopusX's page for the same models lists these.
    private static let familyAspectRatios = AspectRatioRule(
        values: ["16:9", "9:16", "2:3", "3:2", "1:1"], default: "16:9", custom: false)
    /// Comparison table, "Resolution values": "480P, 540P, 720P, 1080P".
    private static let familySizes = ResolutionRule(values: [.p480, .p540, .p720, .p1080], default: .p720)
    /// Comparison table, "Image field": "input_reference".
    private static let familyImages = OpenAIVideoDialect.multipartImages

    private static let familyAssumptions = [
        "Aspect ratios 16:9, 9:16, 2:3, 3:2, 1:1 (default 16:9) assumed: the document lists none for this "
            + "family; they are OctopusX's documented values for the same models.",
        "Default size 720P assumed: the comparison table lists 480P, 540P, 720P and 1080P with no default.",
        "Up to 7 reference images assumed: the document names the input_reference field but gives no count.",
        "jpeg, png and webp images assumed: the document names no formats. Images are uploaded as files; "
            + "public URLs are refused because the gateway takes files only.",
        "Prompt limit of 4096 characters assumed: the document states 4096 for grok-imagine-video only.",
    ]

    private static func rangedFamilyModel(_ name: String) -> ModelCapabilities {
        ModelCapabilities(
            model: name,
            duration: .range(min: 6, max: 30, default: 6),
            aspectRatios: familyAspectRatios,
            resolutions: familySizes,
            images: familyImages,
            promptMaxLength: 4096,
            billing: .perSecond,
            assumptions: [
                "Length 6–30 s with default 6 assumed: the comparison table treats grok-video-1.5 and "
                    + "grok-video-3 alike and gives no range; 6–30 s is the upstream grok_video3 range elsewhere.",
                "Per-second billing assumed: the document does not say how tasks are billed.",
            ] + familyAssumptions)
    }

    private static func fixedFamilyModel(_ name: String, seconds: Int) -> ModelCapabilities {
        ModelCapabilities(
            model: name,
            duration: .fixed(value: seconds, omitted: true),
            aspectRatios: familyAspectRatios,
            resolutions: familySizes,
            images: familyImages,
            promptMaxLength: 4096,
            billing: .perCall,
            assumptions: [
                "seconds left out of the request: the server fixes this tier to \(seconds) s, so a value we send "
                    + "could only disagree.",
                "Per-call billing assumed for a fixed-length tier: the document does not say how tasks are billed.",
            ] + familyAssumptions)
    }

    /// The table, as Duoyuanx's "Grok Imagine Video" page and its comparison table give it.
    private static let standardDescriptor = ProviderDescriptor(
        id: id,
        name: "Duoyuanx",
        defaultBaseURL: URL(string: "https://duoyuanx.com"),
        baseURLSource:
            "Duoyuanx's \"Grok Imagine Video\" page (seed 004): \"POST https://duoyuanx.com /v1/videos\" and its "
            + "curl example.",
        models: [
            imagineVideo,
            rangedFamilyModel("grok-video-1.5"),
            rangedFamilyModel("grok-video-3"),
            // Comparison table, "Duration rules": "10s for Pro tier, 15s for Max tier".
            fixedFamilyModel("grok-video-3-pro", seconds: 10),
            fixedFamilyModel("grok-video-3-max", seconds: 15),
        ])

    /// The provider is stateless: the base URL and key come with each call's `ProviderContext`.
    public init() {}

    /// Identity, default base URL and the capability table of every model.
    public var descriptor: ProviderDescriptor { Self.standardDescriptor }
}
