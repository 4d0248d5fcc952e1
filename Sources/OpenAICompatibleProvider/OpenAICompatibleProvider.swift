import Foundation
public import OpenAIVideoDialect
public import VideoProviderKit

/// Any gateway that serves `grok-imagine-video` through the OpenAI-format `POST /v1/videos` JSON endpoint
/// (new-api and its forks), wherever it is deployed.
///
/// There is no default base URL: every deployment has its own host, so the app must configure one. The
/// wire format comes from ``OpenAIVideoProvider``; this type is the capability table from the generic
/// "OpenAI Format — Grok Imagine Video" page (``OpenAIVideoDialect/grokImagineVideo(exampleSeconds:)``).
///
/// | Model | Duration | Ratios | Resolution | Images | Billing |
/// |---|---|---|---|---|---|
/// | `grok-imagine-video` | 1–15 s, default 8 | 13 presets or any W:H, default 16:9 | 480p/720p, default 480p | ≤ 7 data URIs (`image` / `images`) | per second |
///
/// Submit `POST {base}/v1/videos` (JSON), status `GET {base}/v1/videos/{id}`, content
/// `GET {base}/v1/videos/{id}/content` on the same host with the key.
///
/// Assumptions, also listed in the model's `assumptions`:
/// - The page says only "Minimum is 1 second"; 15 s as the longest and 8 s as the default are the
///   upstream xAI model's.
/// - 16:9 and 480p as defaults, 7 as the image limit, jpeg/png/webp as formats and per-second billing are
///   not stated; they follow the upstream model.
public struct OpenAICompatibleProvider: OpenAIVideoProvider {
    /// `openai-compatible`: the provider's stable identifier (and `OPENAI_COMPATIBLE_API_KEY` for `videogen`).
    public static let id: ProviderID = "openai-compatible"

    /// The table, exactly as the generic OpenAI-format page gives it.
    private static let standardDescriptor = ProviderDescriptor(
        id: id,
        name: "OpenAI-compatible gateway",
        // Every deployment has its own host: the page shows only paths.
        defaultBaseURL: nil,
        models: [OpenAIVideoDialect.grokImagineVideo()])

    /// What the gateway does with a `/v1/videos` body.
    public enum Upstream: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The OpenAI-format page's body (`seconds` as a string, `480P`, `image`/`images` as data URIs).
        case openAIFormat = "openai-format"
        /// A new-api gateway whose `grok-imagine-video` goes to an xAI channel: its `/v1/videos` route passes
        /// the body to xAI unchanged, so the body is xAI's (`duration`, `480p`, `image: {url}`,
        /// `reference_images`) and the ratios are xAI's seven (docs/providers/openai-compatible.md). Pointing
        /// the provider at the gateway's `…/openai` base with ``openAIFormat`` works too.
        case xAIChannel = "xai-channel"

        public var description: String { rawValue }
    }

    /// The same model behind new-api's xAI channel: xAI's seven ratios, no custom ones, and xAI's image
    /// fields.
    private static let xAIChannelDescriptor: ProviderDescriptor = {
        var descriptor = standardDescriptor
        descriptor.models = descriptor.models.map { model in
            var model = model
            model.aspectRatios = AspectRatioRule(
                values: ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"], default: "16:9", custom: false)
            model.images.layout = .singleOrArray(single: "image", multiple: "reference_images")
            // xAI's body, so xAI's roles: one image is the first frame, several are references, never both.
            model.images.roles = [
                ImageRoleLimit(.firstFrame, max: 1), ImageRoleLimit(.reference, max: model.images.max),
            ]
            model.images.unassignedRole = .byCount(single: .firstFrame, multiple: .reference)
            model.rules.append(
                CapabilityRule(
                    when: .init(imageRoles: [.firstFrame]), then: .init(excludedImageRoles: [.reference]),
                    note: "xAI: reference images cannot be combined with image-to-video"))
            model.assumptions.append(
                "Behind new-api's xAI channel /v1/videos passes the body to xAI unchanged: xAI's seven aspect "
                    + "ratios, `duration`, lower-case `resolution`, `image: {url}` / `reference_images`.")
            return model
        }
        return descriptor
    }()

    /// What the gateway does with the body.
    public let upstream: Upstream

    /// The provider is stateless: the base URL and key come with each call's `ProviderContext`.
    public init(upstream: Upstream = .openAIFormat) {
        self.upstream = upstream
    }

    /// Identity, the (absent) default base URL and the capability table.
    public var descriptor: ProviderDescriptor {
        upstream == .xAIChannel ? Self.xAIChannelDescriptor : Self.standardDescriptor
    }

    /// xAI's body behind new-api's xAI channel, the OpenAI-format page's otherwise.
    public var jsonStyle: OpenAIVideoDialect.JSONStyle { upstream == .xAIChannel ? .xAINative : .openAI }
}
