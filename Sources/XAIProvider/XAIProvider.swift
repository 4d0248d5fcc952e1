import Foundation
public import VideoProviderKit
public import XAIVideoDialect

/// xAI's own video API (`grok-imagine-video`, `grok-imagine-video-1.5`), for apps that hold an xAI key and
/// want xAI first or last in the fallback order beside the gateways.
///
/// The wire format comes from ``XAIVideoProvider`` (its documentation describes the endpoints, the answers
/// and xAI's conventions; sources and the documented/assumed split are in `docs/providers/xai.md`); this
/// type is xAI's capability table.
public struct XAIProvider: XAIVideoProvider {
    /// `xai`: the provider's stable identifier (and `XAI_API_KEY` for `videogen`).
    public static let id: ProviderID = "xai"

    /// The longest video xAI makes from reference images (two or more images): "The maximum duration
    /// allowed when using reference images is 10 seconds."
    public static let referenceToVideoMaximumSeconds = 10

    /// A provider with xAI's published capability table.
    public init() {}

    /// Identity, base URL and the capability table of both models.
    public var descriptor: ProviderDescriptor { Self.descriptorValue }

    // MARK: - Capability table

    private static let aspectRatios = AspectRatioRule(
        values: ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"], default: "16:9", custom: false)

    private static let sharedAssumptions = [
        "Default resolution 480p assumed: xAI's reference lists 480p and 720p without a default; "
            + "third-party schemas of the same API give 480p.",
        "Default aspect ratio 16:9 assumed: xAI's examples use it; third-party schemas of the same API give it.",
        "Prompt limit of 4096 characters assumed: xAI states none; third-party schemas of the same API give 4096.",
        "One image is sent as `image` (image-to-video: it becomes the first frame); two to seven as "
            + "`reference_images` (reference-to-video, at most 10 s).",
    ]

    private static func model(_ name: String, extraAssumptions: [String] = []) -> ModelCapabilities {
        var capabilities = ModelCapabilities(
            model: name,
            // "Video duration in seconds. Range: [1, 15]. Default: 8."
            duration: .range(min: 1, max: 15, default: 8),
            aspectRatios: aspectRatios,
            resolutions: ResolutionRule(values: [.p480, .p720], default: .p480),
            // "A maximum of 7 reference images"; "a public HTTPS URL or a base64-encoded data URI";
            // image inputs are "PNG/JPEG/WebP"; "The maximum duration allowed when using reference images is
            // 10 seconds." (a table rule, so routing passes xAI over instead of failing at send time).
            // "Maximum image size: 20MiB" (xAI's image-input limit, images/understanding; the video pages
            // state none).
            images: ImageRule(
                max: 7, transports: [.publicURL, .dataURI], formats: [.jpeg, .png, .webp],
                layout: .singleOrArray(single: "image", multiple: "reference_images"),
                maximumSecondsWithMultipleImages: referenceToVideoMaximumSeconds, maximumBytes: 20 << 20,
                roles: XAIVideoDialect.imageRoles, unassignedRole: XAIVideoDialect.unassignedImageRole),
            promptMaxLength: 4096,
            billing: .perSecond,
            assumptions: sharedAssumptions + extraAssumptions)
        capabilities.rules = XAIVideoDialect.imageRoleRules
        return capabilities
    }

    static let descriptorValue = ProviderDescriptor(
        id: id,
        name: "xAI",
        defaultBaseURL: URL(string: "https://api.x.ai"),
        baseURLSource:
            "xAI's REST API reference, https://docs.x.ai/developers/rest-api-reference/inference/videos "
            + "(\"POST https://api.x.ai/v1/videos/generations\").",
        documentationURL: URL(string: "https://docs.x.ai/developers/model-capabilities/video/generation"),
        models: [
            model("grok-imagine-video"),
            model(
                "grok-imagine-video-1.5",
                extraAssumptions: [
                    "1080p not offered: xAI's SDK and the Vercel AI SDK list 1080p for grok-imagine-video-1.5 "
                        + "text- and image-to-video but not for reference-to-video; add it with a capability "
                        + "override once needed."
                ]),
        ],
        // The SDK polls every second by default; xAI gives no recommendation, so the adaptive default applies.
        polling: nil,
        // "The returned URL is valid for 24 hours." (xAI SDK, `VideoResponse.url`)
        resultRetention: .seconds(24 * 3600))
}
