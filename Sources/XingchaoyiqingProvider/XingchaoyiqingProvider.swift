import Foundation
public import KyyReactDialect
public import VideoProviderKit

/// The Xingchaoyiqing gateway: Grok video through the kyyReactApiServer backend.
///
/// Xingchaoyiqing resells the same backend as aizfw, with four models and different defaults
/// (10 s and 720p where aizfw defaults to 6 s and 480p). The wire format comes from ``KyyReactProvider``;
/// this type is the capability table from Xingchaoyiqing's "Create Video Task" page.
///
/// | Model | Duration | Ratios | Resolution | Images | Billing |
/// |---|---|---|---|---|---|
/// | `grok_video3` | 6–30 s, default 10 | 16:9 9:16 1:1 3:2 2:3 | 480p/720p, default 720p | ≤ 7, URL or data URI | per second |
/// | `grok_video3_pro` | fixed 10 s, omitted | 16:9 | 720p | ≤ 7, URL or data URI | per call |
/// | `grok_video3_max` | 6 10 12 16 20 30 s, default 10 | 16:9 9:16 1:1 | 480p/720p, default 720p | ≤ 5, public URL | per second |
/// | `grok_video3_stable` | 6 or 10 s, default 10 | 16:9 9:16 3:2 2:3 1:1 | 480p/720p, default 720p | ≤ 7, public URL | per call |
///
/// Base URL: the page's "Base URL" section came through empty in the copy this table was built from;
/// it is the kyyReactApiServer backend and dialect, so the default is
/// `https://zcbservice.aizfw.cn/kyyReactApiServer` (which the published page also gives). The status
/// endpoint is the backend's `GET /v1/result/{id}`, with the 30–60 s polling advice and roughly 24-hour
/// result URLs its query page describes.
///
/// Assumptions, also listed in each model's `assumptions`:
/// - The prompt limit is 4096 characters; the page states none.
/// - Images are jpeg, png or webp; the page names no formats (the backend's aizfw page lists these).
/// - "Base64 images" (allowed for `grok_video3` and `grok_video3_pro` only) travel as
///   `data:image/…;base64,…` strings inside `image_urls`; the page shows no field or format for them.
/// - `grok_video3_pro` takes up to 7 images; the page says only "Supported".
public struct XingchaoyiqingProvider: KyyReactProvider {
    /// `xingchaoyiqing`: the provider's stable identifier (and `XINGCHAOYIQING_API_KEY` for `videogen`).
    public static let id: ProviderID = "xingchaoyiqing"

    private static let imageFormats: [ImageFormat] = [.jpeg, .png, .webp]
    private static let imageLayout = ImageFieldLayout.array(field: "image_urls")
    /// 480p or 720p, defaulting to 720p: the page's default "for all models".
    private static let selectableResolutions = ResolutionRule(values: [.p480, .p720], default: .p720)

    private static let promptLimitAssumption =
        "Prompt limit of 4096 characters assumed: the document states no limit."
    private static let imageFormatAssumption =
        "jpeg, png and webp images assumed: the document names no formats (the backend's aizfw page lists these)."
    private static let dataURIAssumption =
        "Base64 images assumed to travel as data:image/…;base64,… strings inside image_urls: the document "
        + "allows base64 for this model but shows no field or format."

    /// The table, exactly as Xingchaoyiqing's "Create Video Task" page gives it.
    private static let standardDescriptor = ProviderDescriptor(
        id: id,
        name: "Xingchaoyiqing",
        defaultBaseURL: URL(string: "https://zcbservice.aizfw.cn/kyyReactApiServer"),
        baseURLSource:
            "https://docs.xingchaoyiqing.com/api-reference/video/grok-create (\"Base URL\": "
            + "https://zcbservice.aizfw.cn/kyyReactApiServer); the seed copy of that page (001) lost the value.",
        documentationURL: URL(string: "https://docs.xingchaoyiqing.com/api-reference/video/grok-create"),
        models: [
            ModelCapabilities(
                model: "grok_video3",
                // "Any integer 6–30", default 10.
                duration: .range(min: 6, max: 30, default: 10),
                aspectRatios: AspectRatioRule(values: ["16:9", "9:16", "1:1", "3:2", "2:3"], default: "16:9"),
                resolutions: selectableResolutions,
                // "Up to 7"; base64 is refused only for _max and _stable, so it is allowed here.
                images: ImageRule(
                    max: 7, transports: [.publicURL, .dataURI], formats: imageFormats, layout: imageLayout),
                promptMaxLength: 4096,
                billing: .perSecond,
                assumptions: [dataURIAssumption, imageFormatAssumption, promptLimitAssumption]),
            ModelCapabilities(
                model: "grok_video3_pro",
                // "Fixed 10 — do not set": the field is left out of the request.
                duration: .fixed(value: 10, omitted: true),
                aspectRatios: AspectRatioRule(values: ["16:9"], default: "16:9"),
                resolutions: ResolutionRule(values: [.p720], default: .p720),
                images: ImageRule(
                    max: 7, transports: [.publicURL, .dataURI], formats: imageFormats, layout: imageLayout),
                promptMaxLength: 4096,
                billing: .perCall,
                assumptions: [
                    "Up to 7 reference images assumed: the document says only \"Supported\".",
                    dataURIAssumption, imageFormatAssumption, promptLimitAssumption,
                ]),
            ModelCapabilities(
                model: "grok_video3_max",
                // "only the enumerated duration values are accepted".
                duration: .set(values: [6, 10, 12, 16, 20, 30], default: 10),
                aspectRatios: AspectRatioRule(values: ["16:9", "9:16", "1:1"], default: "16:9"),
                resolutions: selectableResolutions,
                // "Up to 5 (public URL only)": "base64-encoded images are not supported".
                images: ImageRule(max: 5, transports: [.publicURL], formats: imageFormats, layout: imageLayout),
                promptMaxLength: 4096,
                billing: .perSecond,
                assumptions: [imageFormatAssumption, promptLimitAssumption]),
            ModelCapabilities(
                model: "grok_video3_stable",
                // "6 or 10", default 10.
                duration: .set(values: [6, 10], default: 10),
                aspectRatios: AspectRatioRule(values: ["16:9", "9:16", "3:2", "2:3", "1:1"], default: "16:9"),
                resolutions: selectableResolutions,
                // "Up to 7 (public URL only)".
                images: ImageRule(max: 7, transports: [.publicURL], formats: imageFormats, layout: imageLayout),
                promptMaxLength: 4096,
                billing: .perCall,
                assumptions: [
                    "Durations 6 and 10 s and both resolutions follow this vendor's table; another reseller of the "
                        + "same backend documents grok_video3_stable as fixed 10 s, 720p only.",
                    imageFormatAssumption, promptLimitAssumption,
                ]),
        ],
        polling: PollingRecommendation(minimumInterval: .seconds(30), maximumInterval: .seconds(60)),
        resultRetention: .seconds(24 * 60 * 60))

    /// The provider is stateless: the base URL and key come with each call's `ProviderContext`.
    public init() {}

    /// Identity, default base URL, polling advice and the capability table of every model.
    public var descriptor: ProviderDescriptor { Self.standardDescriptor }
}
