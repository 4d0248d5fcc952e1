import Foundation
public import KyyReactDialect
public import VideoProviderKit

/// The aizfw gateway: Grok video through the kyyReactApiServer backend at
/// `https://zcbservice.aizfw.cn/kyyReactApiServer`.
///
/// aizfw documents two models, `grok_video3` (6–30 s, billed per second, 480p or 720p) and
/// `grok_video3_pro` (a fixed 10 s, billed per task, resolution not configurable). The wire format is
/// shared with the other kyyReactApiServer resellers and comes from ``KyyReactProvider``; this type is
/// aizfw's capability table.
///
/// The status endpoint (`GET /v1/result/{id}`), the 30–60 s polling advice and the roughly 24-hour
/// lifetime of result URLs come from the backend's query page, which the aizfw submit page links to
/// but does not repeat.
///
/// Assumptions, also listed in each model's `assumptions`:
/// - The prompt limit is 4096 characters on both models; aizfw states none.
/// - `grok_video3_pro` takes up to 7 reference images; the page says only "supports reference images",
///   and 7 is the limit its image-to-video section gives.
/// - `grok_video3_pro` takes all five aspect ratios; the page lists them for the endpoint, not per model.
public struct AizfwProvider: KyyReactProvider {
    /// `aizfw`: the provider's stable identifier (and `AIZFW_API_KEY` for `videogen`).
    public static let id: ProviderID = "aizfw"

    private static let imageFormats: [ImageFormat] = [.jpeg, .png, .webp]
    private static let aspectRatios = AspectRatioRule(
        values: ["16:9", "9:16", "1:1", "3:2", "2:3"], default: "16:9", custom: false)
    private static let promptLimitAssumption =
        "Prompt limit of 4096 characters assumed: the document states no limit."

    /// The table, exactly as aizfw's "Grok Create Video Task" page gives it.
    private static let standardDescriptor = ProviderDescriptor(
        id: id,
        name: "aizfw (kyyReactApiServer)",
        defaultBaseURL: URL(string: "https://zcbservice.aizfw.cn/kyyReactApiServer"),
        baseURLSource:
            "aizfw's \"Grok Create Video Task\" page (seed 000): its request example posts to "
            + "https://zcbservice.aizfw.cn/kyyReactApiServer/v1/grok/videos; the same backend's page "
            + "https://docs.globalaiopc.com/en/api-reference/video/grok/grok-create (\"Base URL\") names the prefix.",
        models: [
            ModelCapabilities(
                model: "grok_video3",
                // "Supports 6-30 seconds, default 6 seconds".
                duration: .range(min: 6, max: 30, default: 6),
                aspectRatios: aspectRatios,
                // "Output resolution, default is 480p"; "Only grok_video3 supports resolution selection".
                resolutions: ResolutionRule(values: [.p480, .p720], default: .p480),
                // "Supports up to 7 reference images"; "Value type: Public URL array"; "Image URLs must be
                // publicly accessible".
                images: ImageRule(
                    max: 7, transports: [.publicURL], formats: imageFormats, layout: .array(field: "image_urls")),
                promptMaxLength: 4096,
                billing: .perSecond,
                assumptions: [promptLimitAssumption]),
            ModelCapabilities(
                model: "grok_video3_pro",
                // "Fixed 10 seconds (no need to set)": the field is left out of the request.
                duration: .fixed(value: 10, omitted: true),
                aspectRatios: aspectRatios,
                // "does not support specifying resolution"; the comparison table says "Not configurable".
                resolutions: nil,
                images: ImageRule(
                    max: 7, transports: [.publicURL], formats: imageFormats, layout: .array(field: "image_urls")),
                promptMaxLength: 4096,
                // "Per task".
                billing: .perCall,
                assumptions: [
                    "Up to 7 reference images assumed: the document says only \"supports reference images\"; "
                        + "7 is the limit its image-to-video section gives.",
                    "All five aspect ratios assumed: the document lists them for the endpoint, not per model.",
                    promptLimitAssumption,
                ]),
        ],
        polling: PollingRecommendation(minimumInterval: .seconds(30), maximumInterval: .seconds(60)),
        resultRetention: .seconds(24 * 60 * 60))

    /// The provider is stateless: the base URL and key come with each call's `ProviderContext`.
    public init() {}

    /// Identity, default base URL, polling advice and the capability table of every model.
    public var descriptor: ProviderDescriptor { Self.standardDescriptor }
}
