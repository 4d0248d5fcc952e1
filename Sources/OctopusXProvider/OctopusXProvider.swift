import Foundation
public import OpenAIVideoDialect
public import VideoProviderKit

/// The OctopusX gateway (`https://octopusx.ai`): the grok-video-3 family through the OpenAI-format
/// `POST /v1/videos` endpoint, as `multipart/form-data`.
///
/// The wire format comes from ``OpenAIVideoProvider``; this type is the capability table from OctopusX's
/// "Grok Video Generation" page.
///
/// | Model | Duration | Ratios | Size | Images | Billing |
/// |---|---|---|---|---|---|
/// | `grok-video-3` | 6–30 s, default 6 | 16:9 9:16 2:3 3:2 1:1, default 16:9 | 720p/1080p, default 720p | ≤ 7 `input_reference` files | per second |
/// | `grok-video-3-pro` | fixed 10 s, `seconds` omitted | same | same | same | per call |
/// | `grok-video-3-max` | fixed 15 s, `seconds` omitted | same | same | same | per call |
///
/// Submit `POST {base}/v1/videos` (multipart), status `GET {base}/v1/videos/{id}`, content
/// `GET {base}/v1/videos/{id}/content` on the same host with the key (the new-api standard; OctopusX's
/// page documents only the submit endpoint).
///
/// Assumptions, also listed in each model's `assumptions`:
/// - The body is multipart, as the page's prose and `-F` example say; the page's generated reference
///   snippet shows a JSON body with an integer `seconds`, which we do not follow.
/// - `grok-video-3` takes 6–30 s (default 6): the page gives no range; 6–30 s is the same upstream
///   model's range on other gateways, and the page's example uses 6.
/// - The -pro and -max tiers leave `seconds` out: the server fixes them to 10 s and 15 s.
/// - Defaults 16:9 and 720p, 7 images of jpeg/png/webp, a 4096-character prompt and the billing units
///   are not stated.
public struct OctopusXProvider: OpenAIVideoProvider {
    /// `octopusx`: the provider's stable identifier (and `OCTOPUSX_API_KEY` for `videogen`).
    public static let id: ProviderID = "octopusx"

    /// "Optional values are 16:9, 9:16, 2:3, 3:2, and 1:1."
    private static let aspectRatios = AspectRatioRule(
        values: ["16:9", "9:16", "2:3", "3:2", "1:1"], default: "16:9", custom: false)
    /// "Resolution tier. Common values are 720P or 1080P."
    private static let sizes = ResolutionRule(values: [.p720, .p1080], default: .p720)
    /// "input_reference is the reference image field and supports uploading multiple images repeatedly."
    private static let images = OpenAIVideoDialect.multipartImages

    private static let sharedAssumptions = [
        "multipart/form-data assumed: the page's prose and curl -F example use it; its generated reference "
            + "snippet shows a JSON body with an integer seconds, which we do not follow.",
        "Default aspect ratio 16:9 assumed: the document lists ratios but names no default.",
        "Default size 720P assumed: the document gives \"720P or 1080P\" with no default.",
        "Up to 7 reference images assumed: input_reference \"can be passed multiple times\" with no count.",
        "jpeg, png and webp images assumed: the document names no formats. Images are uploaded as files; "
            + "public URLs are refused because the gateway takes files only.",
        "Prompt limit of 4096 characters assumed: the document states no limit.",
    ]

    private static func fixedTierAssumptions(seconds: Int) -> [String] {
        [
            "seconds left out of the request: the server fixes this tier to \(seconds) s (\"automatically "
                + "corrected to a fixed value\"), so a value we send could only disagree.",
            "Per-call billing assumed for a fixed-length tier: the document does not say how tasks are billed.",
        ] + sharedAssumptions
    }

    /// The table, exactly as OctopusX's "Grok Video Generation" page gives it.
    private static let standardDescriptor = ProviderDescriptor(
        id: id,
        name: "OctopusX",
        defaultBaseURL: URL(string: "https://octopusx.ai"),
        baseURLSource:
            "OctopusX's \"Grok Video Generation\" page (seed 003): \"POST https://octopusx.ai /v1/videos\" and its "
            + "curl example.",
        models: [
            ModelCapabilities(
                model: "grok-video-3",
                // "no additional fixed-seconds logic and is processed according to the actual parameters
                // passed"; the example sends "seconds=6".
                duration: .range(min: 6, max: 30, default: 6),
                aspectRatios: aspectRatios,
                resolutions: sizes,
                images: images,
                promptMaxLength: 4096,
                billing: .perSecond,
                assumptions: [
                    "Length 6–30 s with default 6 assumed: the document gives no range; 6–30 s is the same "
                        + "upstream model's range (grok_video3) elsewhere, and the document's example sends 6.",
                    "Per-second billing assumed: the document does not say how tasks are billed.",
                ] + sharedAssumptions),
            ModelCapabilities(
                model: "grok-video-3-pro",
                // "grok-video-3-pro will be automatically fixed to 10 seconds".
                duration: .fixed(value: 10, omitted: true),
                aspectRatios: aspectRatios,
                resolutions: sizes,
                images: images,
                promptMaxLength: 4096,
                billing: .perCall,
                assumptions: fixedTierAssumptions(seconds: 10)),
            ModelCapabilities(
                model: "grok-video-3-max",
                // "grok-video-3-max will be automatically fixed to 15 seconds".
                duration: .fixed(value: 15, omitted: true),
                aspectRatios: aspectRatios,
                resolutions: sizes,
                images: images,
                promptMaxLength: 4096,
                billing: .perCall,
                assumptions: fixedTierAssumptions(seconds: 15)),
        ])

    /// The provider is stateless: the base URL and key come with each call's `ProviderContext`.
    public init() {}

    /// Identity, default base URL and the capability table of every model.
    public var descriptor: ProviderDescriptor { Self.standardDescriptor }
}
