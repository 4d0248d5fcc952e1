public import Foundation
public import VideoProviderKit

// The simulator's own description of each gateway, written from the vendors' doc pages (seeds 000–004)
// and the project's vendor decisions. It deliberately shares nothing with the library's capability
// tables: when the two disagree, a test fails and someone reads the docs again.

extension GatewaySimulator {
    /// The wire format a gateway speaks. It decides the endpoints, the field names, the error shape and the
    /// answers; a gateway's ``ModelRules`` decide which values it accepts.
    public enum Dialect: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// kyyReactApiServer (aizfw, Xingchaoyiqing): `POST {base}/v1/grok/videos` (JSON `model`, `prompt`,
        /// `duration`, `aspect_ratio`, `resolution`, `image_urls`), `GET {base}/v1/result/{id}`. No content
        /// endpoint: the video is on the CDN. Errors are `{"error": "message"}` (the backend documents only a
        /// string `error` field; the simulator's error bodies use that same field).
        case kyyReact
        /// The OpenAI-format `/v1/videos` family (OctopusX, Duoyuanx, generic new-api gateways):
        /// `POST {base}/v1/videos` as JSON (`grok-imagine-video`) or multipart/form-data (the grok-video-3
        /// family), `GET {base}/v1/videos/{id}`, `GET {base}/v1/videos/{id}/content`. Errors are
        /// `{"error": {"message", "type", "code"}}`.
        case openAIFormat
        /// xAI's first-party API: `POST {base}/v1/videos/generations` answering `{"request_id"}`,
        /// `GET {base}/v1/videos/{request_id}`. Errors are `{"code", "error"}`.
        case xAI
        /// Runway's developer API: `POST {base}/v1/text_to_video` / `v1/image_to_video`, `GET` and `DELETE
        /// {base}/v1/tasks/{id}`, `X-Runway-Version` required (SimulatorDialect+Runway.swift).
        case runway
        /// Google's Gemini API for Veo: `POST {base}/v1beta/models/{model}:predictLongRunning` answering a
        /// long-running operation `{"name"}`, `GET {base}/v1beta/{name}`, the video at
        /// `GET {base}/v1beta/files/{id}:download?alt=media` (with the key, redirected to the CDN). The key
        /// travels in `x-goog-api-key`; errors are `{"error": {"code", "message", "status"}}`.
        case gemini
        /// MiniMax's V1 video API (SimulatorDialect+MiniMax.swift): every answer HTTP 200 with `base_resp`.
        case miniMax
        /// Kling AI's own API: `POST {base}/v1/videos/{text2video|image2video}`, `GET` the same path plus the
        /// task id, `{"code", "message", "request_id", "data"}` answers (SimulatorDialect+Kling.swift).
        case kling

        public var description: String { rawValue }
    }

    /// How a deployed gateway answers beyond its documents: the same dialect, as a real deployment of it
    /// behaves. Each flavour is written from the deployment's own code or from public clients of it, with
    /// the source named in `docs/real-gateways.md`; ``documented`` is the vendor page as written.
    ///
    /// ```swift
    /// let gateway = GatewaySimulator.Gateway.newAPIXAI(baseURL: URL(string: "https://gw.example.com")!)
    /// let simulator = GatewaySimulator(clock: clock, gateways: [gateway])
    /// ```
    public enum Flavor: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The vendor page, as written (the default).
        case documented
        /// new-api's sora (OpenAI video) channel: ids `task_…` in `id` and `task_id`, statuses `queued`,
        /// `in_progress`, `completed`, `failed`, no `video_url` (the gateway's content proxy serves the video),
        /// a failure's reason in `error.message`, task errors `{"code","message","data":null}` (an unknown
        /// task is HTTP 400 `task_not_exist`), a quota refusal HTTP 403 `insufficient_user_quota`.
        case newAPISora = "new-api-sora"
        /// new-api's xAI channel: `/v1/videos` and `/v1/videos/generations` pass an xAI-native body through
        /// (`duration`, `image: {url}`, lower-case `resolution`) and answer `{"request_id"}` with no `id`; status
        /// there is xAI's own view (`done`, `video.url`, a moderated video keeping the gateway's proxy URL
        /// beside `respect_moderation: false`); `/openai/v1/videos` takes the OpenAI JSON body and answers with
        /// `id` and OpenAI's view (`completed`, `video_url`).
        case newAPIXAI = "new-api-xai"
        /// new-api's generic task view (`Task.ToOpenAIVideo`): the video URL in `metadata.url` (a failed
        /// task's reason there too), no `video_url`, no `error`.
        case newAPIGeneric = "new-api-generic"
        /// A kyyReactApiServer deployment: the first status call of every task is refused with HTTP 401
        /// (`AuthenticationError`) and the next one answers; refusals come as HTTP 200 `{"code","msg"}`.
        case kyyDeployment = "kyy-deployment"
        /// An xAI mirror: status answers without `status` (only `request_id` while pending, only `video` when
        /// done), and a moderated video that keeps its URL beside `respect_moderation: false`.
        case xAIMirror = "xai-mirror"

        /// The dialect a gateway of this flavour speaks (``documented`` fits every dialect).
        public var dialect: Dialect? {
            switch self {
            case .documented: return nil
            case .newAPISora, .newAPIXAI, .newAPIGeneric: return .openAIFormat
            case .kyyDeployment: return .kyyReact
            case .xAIMirror: return .xAI
            }
        }

        /// Whether this flavour is a new-api deployment (task errors, `task_…` ids, the content proxy).
        public var isNewAPI: Bool { self == .newAPISora || self == .newAPIXAI || self == .newAPIGeneric }

        public var description: String { rawValue }
    }

    /// How a model's submit body is encoded. Only the OpenAI-format dialect has both; kyy and xAI are JSON.
    public enum BodyEncoding: String, Sendable, Hashable, CustomStringConvertible {
        case json
        case multipart

        public var description: String { rawValue }
    }

    /// Image formats the simulator recognises by their magic bytes.
    public enum ImageKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case jpeg, png, webp

        /// `image/jpeg`, `image/png`, `image/webp`.
        public var mimeType: String { "image/\(rawValue)" }

        public var description: String { rawValue }
    }

    /// How reference images may reach a model.
    public struct ImageTransports: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// A public `http(s)` URL the vendor fetches itself.
        public static let publicURL = ImageTransports(rawValue: 1)
        /// A `data:image/…;base64,…` string inside the JSON body.
        public static let dataURI = ImageTransports(rawValue: 2)
        /// A multipart file part.
        public static let file = ImageTransports(rawValue: 4)
    }

    /// What a model accepts as its video length, and what it does with the field.
    public enum SecondsRule: Sendable, Hashable {
        /// Any whole number of seconds in `range`; `default` when the field is absent.
        case range(ClosedRange<Int>, default: Int)
        /// One of `values`; `default` when the field is absent.
        case oneOf([Int], default: Int)
        /// Always `seconds` long. `whenSent` says what the server does when the field is present anyway.
        case fixed(Int, whenSent: FixedLengthPolicy)

        /// The length a request without the field gets.
        public var defaultSeconds: Int {
            switch self {
            case .range(_, let value), .oneOf(_, let value), .fixed(let value, _): return value
            }
        }
    }

    /// A fixed-length model's answer to a request that names a length.
    public enum FixedLengthPolicy: Sendable, Hashable {
        /// 400: the vendor says not to set it (kyy `grok_video3_pro`).
        case rejected
        /// Accepted and replaced by the fixed length (OpenAI-format `grok-video-3-pro` / `-max`: "will be
        /// automatically corrected to a fixed value").
        case corrected
    }

    /// What one model on one gateway accepts, in that gateway's own spelling.
    ///
    /// Field names come from the dialect: `duration`/`seconds`, `resolution`/`size`,
    /// `image_urls`/`image`+`images`/`input_reference`/`image`+`reference_images`.
    public struct ModelRules: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        /// JSON or multipart; meaningful for the OpenAI-format dialect, where a body in the other encoding is
        /// refused (it is the classic mix-up between `grok-imagine-video` and the grok-video-3 family).
        public var encoding: BodyEncoding
        public var seconds: SecondsRule
        /// Accepted aspect ratios, exactly as spelled on the wire.
        public var aspectRatios: [String]
        /// Whether any positive `W:H` ratio is accepted besides the presets (`grok-imagine-video`).
        public var allowsCustomAspectRatio: Bool
        /// The ratio a request without the field gets.
        public var defaultAspectRatio: String
        /// Accepted resolution (or `size`) values in the vendor's spelling (`720p` for kyy, `720P` for the
        /// OpenAI format). Empty means the field is not accepted at all.
        public var resolutions: [String]
        /// The resolution a request without the field gets (echoed in answers), if any.
        public var defaultResolution: String?
        /// At most this many reference images; 0 means none are accepted.
        public var maxImages: Int
        public var imageTransports: ImageTransports
        public var imageFormats: Set<ImageKind>
        /// The longest accepted prompt, in Unicode scalars.
        public var promptMaxLength: Int

        public init(
            _ name: String,
            encoding: BodyEncoding = .json,
            seconds: SecondsRule,
            aspectRatios: [String],
            allowsCustomAspectRatio: Bool = false,
            defaultAspectRatio: String = "16:9",
            resolutions: [String],
            defaultResolution: String? = nil,
            maxImages: Int = 7,
            imageTransports: ImageTransports,
            imageFormats: Set<ImageKind> = [.jpeg, .png, .webp],
            promptMaxLength: Int = 4096
        ) {
            self.name = name
            self.encoding = encoding
            self.seconds = seconds
            self.aspectRatios = aspectRatios
            self.allowsCustomAspectRatio = allowsCustomAspectRatio
            self.defaultAspectRatio = defaultAspectRatio
            self.resolutions = resolutions
            self.defaultResolution = defaultResolution ?? resolutions.first
            self.maxImages = maxImages
            self.imageTransports = imageTransports
            self.imageFormats = imageFormats
            self.promptMaxLength = promptMaxLength
        }

        public var description: String { "\(name) (\(encoding))" }
    }

    /// A header the gateway adds to successful submit and status answers to tell clients when to poll again.
    public enum PollHint: Sendable, Hashable {
        /// `openai-poll-after-ms: <milliseconds>` (OpenAI-format gateways).
        case openAIPollAfter(milliseconds: Int)
        /// `Retry-After: <seconds>`.
        case retryAfter(seconds: Int)
        /// Any header.
        case header(name: String, value: String)

        var field: (name: String, value: String) {
            switch self {
            case .openAIPollAfter(let milliseconds): return ("openai-poll-after-ms", String(milliseconds))
            case .retryAfter(let seconds): return ("Retry-After", String(seconds))
            case .header(let name, let value): return (name, value)
            }
        }
    }

    /// How long simulated tasks take, measured on the simulator's clock.
    ///
    /// A task is `queued` for ``queued``, then `processing` for ``processingBase`` plus
    /// ``processingPerVideoSecond`` for each second of requested video, then finished. The defaults
    /// (``realistic``) make a 10-second video take 40 seconds, which exercises a polling schedule without
    /// being slow on a ``VirtualClock``.
    public struct Timing: Sendable, Hashable {
        public var queued: Duration
        public var processingBase: Duration
        public var processingPerVideoSecond: Duration
        /// How long a finished video stays on the CDN (kyy and xAI say about 24 hours); `nil` for ever.
        /// After that the CDN answers 403, as signed URLs do.
        public var videoURLLifetime: Duration?

        public init(
            queued: Duration, processingBase: Duration, processingPerVideoSecond: Duration,
            videoURLLifetime: Duration? = .seconds(86_400)
        ) {
            self.queued = queued
            self.processingBase = processingBase
            self.processingPerVideoSecond = processingPerVideoSecond
            self.videoURLLifetime = videoURLLifetime
        }

        /// 5 s queued, then 15 s + 2 s per video second of processing; URLs live 24 h.
        public static let realistic = Timing(
            queued: .seconds(5), processingBase: .seconds(15), processingPerVideoSecond: .seconds(2))

        /// Finished at once: the first status poll already reports the final state.
        public static let instant = Timing(queued: .zero, processingBase: .zero, processingPerVideoSecond: .zero)

        /// The processing phase of a `seconds`-long video.
        public func processing(forVideoSeconds seconds: Int) -> Duration {
            processingBase + processingPerVideoSecond * max(0, seconds)
        }
    }

    /// One gateway the simulator plays: where it lives, which dialect it speaks and which models it runs.
    ///
    /// The standard gateways are ready made (``kyyReactApiServer(baseURL:)``, ``octopusX(baseURL:)``,
    /// ``duoyuanx(baseURL:)``, ``xAI(baseURL:)``, ``openAICompatible(baseURL:)``); a new vendor is a
    /// `Gateway` of an existing dialect at its own base URL with its own ``ModelRules``:
    ///
    /// ```swift
    /// let acme = GatewaySimulator.Gateway(
    ///     name: "Acme", baseURL: URL(string: "https://api.acme.example")!, dialect: .openAIFormat,
    ///     models: [GatewaySimulator.ModelRules.grokImagineVideo],
    ///     pollHint: .openAIPollAfter(milliseconds: 1000))
    /// simulator.addGateway(acme)
    /// ```
    public struct Gateway: Sendable, Hashable, CustomStringConvertible {
        /// A display name, used in recorded requests and task records.
        public var name: String
        /// Scheme, host, optional port and path prefix; endpoint paths are appended to it.
        public var baseURL: URL
        public var dialect: Dialect
        public var models: [ModelRules]
        /// When set, only `Authorization: Bearer <this key>` is accepted; otherwise any non-empty bearer
        /// token is. Its description is always redacted.
        public var expectedAPIKey: APIKey?
        public var pollHint: PollHint?
        /// Overrides the simulator's ``Timing`` for this gateway's tasks.
        public var timing: Timing?
        /// How the gateway answers beyond its documents (``Flavor/documented`` by default).
        public var flavor: Flavor
        /// When set, a bearer JWT signed with these keys is accepted (Kling's access-key / secret-key scheme).
        public var signedTokenKeys: SignedTokenKeys?

        public init(
            name: String, baseURL: URL, dialect: Dialect, models: [ModelRules], expectedAPIKey: APIKey? = nil,
            pollHint: PollHint? = nil, timing: Timing? = nil, flavor: Flavor = .documented
        ) {
            self.name = name
            self.baseURL = baseURL
            self.dialect = dialect
            self.models = models
            self.expectedAPIKey = expectedAPIKey
            self.pollHint = pollHint
            self.timing = timing
            self.flavor = flavor
        }

        /// The rules for `model`, if this gateway runs it.
        public func rules(for model: String) -> ModelRules? { models.first { $0.name == model } }

        public var description: String {
            "\(name) [\(dialect)] at \(baseURL.absoluteString): \(models.map(\.name).joined(separator: ", "))"
        }

        // MARK: Standard gateways

        /// `https://zcbservice.aizfw.cn/kyyReactApiServer`, the backend behind aizfw and Xingchaoyiqing.
        public static let kyyReactApiServerBaseURL = URL(string: "https://zcbservice.aizfw.cn/kyyReactApiServer")!
        /// `https://octopusx.ai`.
        public static let octopusXBaseURL = URL(string: "https://octopusx.ai")!
        /// `https://duoyuanx.com`.
        public static let duoyuanxBaseURL = URL(string: "https://duoyuanx.com")!
        /// `https://api.x.ai`.
        public static let xAIBaseURL = URL(string: "https://api.x.ai")!
        /// Where the generic OpenAI-format gateway lives unless the app says otherwise (the real one has no
        /// default base URL). Matches `videogen --simulate`'s `https://<provider-id>.simulator.invalid`.
        public static let openAICompatibleBaseURL = URL(string: "https://openai-compatible.simulator.invalid")!

        /// The kyyReactApiServer backend with the union of aizfw's and Xingchaoyiqing's model rules (one
        /// backend serves both, so it accepts what either documents).
        public static func kyyReactApiServer(baseURL: URL = kyyReactApiServerBaseURL) -> Gateway {
            Gateway(
                name: "kyyReactApiServer", baseURL: baseURL, dialect: .kyyReact, models: ModelRules.kyyReactApiServer)
        }

        /// OctopusX: the multipart grok-video-3 family.
        public static func octopusX(baseURL: URL = octopusXBaseURL) -> Gateway {
            Gateway(name: "OctopusX", baseURL: baseURL, dialect: .openAIFormat, models: ModelRules.octopusX)
        }

        /// Duoyuanx: `grok-imagine-video` as JSON plus the multipart grok-video family.
        public static func duoyuanx(baseURL: URL = duoyuanxBaseURL) -> Gateway {
            Gateway(name: "Duoyuanx", baseURL: baseURL, dialect: .openAIFormat, models: ModelRules.duoyuanx)
        }

        /// xAI's own API.
        public static func xAI(baseURL: URL = xAIBaseURL) -> Gateway {
            Gateway(name: "xAI", baseURL: baseURL, dialect: .xAI, models: ModelRules.xAI)
        }

        /// A generic OpenAI-format (new-api) gateway running `grok-imagine-video` as JSON.
        public static func openAICompatible(baseURL: URL = openAICompatibleBaseURL) -> Gateway {
            Gateway(
                name: "OpenAI-compatible", baseURL: baseURL, dialect: .openAIFormat,
                models: [ModelRules.grokImagineVideo])
        }

        /// new-api's sora channel running `grok-imagine-video` (see ``Flavor/newAPISora``).
        public static func newAPISora(baseURL: URL = openAICompatibleBaseURL) -> Gateway {
            newAPI("sora channel", .newAPISora, baseURL: baseURL)
        }

        /// new-api whose `grok-imagine-video` goes to an xAI channel (see ``Flavor/newAPIXAI``).
        public static func newAPIXAI(baseURL: URL = openAICompatibleBaseURL) -> Gateway {
            newAPI("xAI channel", .newAPIXAI, baseURL: baseURL)
        }

        /// new-api answering in its generic task view (see ``Flavor/newAPIGeneric``).
        public static func newAPIGeneric(baseURL: URL = openAICompatibleBaseURL) -> Gateway {
            newAPI("generic view", .newAPIGeneric, baseURL: baseURL)
        }

        private static func newAPI(_ variant: String, _ flavor: Flavor, baseURL: URL) -> Gateway {
            Gateway(
                name: "new-api (\(variant))", baseURL: baseURL, dialect: .openAIFormat,
                models: [ModelRules.grokImagineVideo], flavor: flavor)
        }

        /// A kyyReactApiServer deployment with transient 401s and HTTP 200 refusals (see
        /// ``Flavor/kyyDeployment``).
        public static func kyyDeployment(baseURL: URL = kyyReactApiServerBaseURL) -> Gateway {
            Gateway(
                name: "kyyReactApiServer (deployed)", baseURL: baseURL, dialect: .kyyReact,
                models: ModelRules.kyyReactApiServer, flavor: .kyyDeployment)
        }

        /// An xAI mirror with status-less answers and URL-carrying moderation (see ``Flavor/xAIMirror``).
        public static func xAIMirror(baseURL: URL = xAIBaseURL) -> Gateway {
            Gateway(name: "xAI mirror", baseURL: baseURL, dialect: .xAI, models: ModelRules.xAI, flavor: .xAIMirror)
        }

        /// This gateway answering as `flavor` (its name, dialect, base URL and models kept).
        public func flavored(_ flavor: Flavor) -> Gateway {
            var copy = self
            copy.flavor = flavor
            return copy
        }

        /// Every documented gateway: kyyReactApiServer, OctopusX, Duoyuanx, xAI and the generic
        /// OpenAI-format gateway at `openAICompatibleBaseURL`.
        public static func standard(openAICompatibleBaseURL: URL = openAICompatibleBaseURL) -> [Gateway] {
            [
                kyyReactApiServer(), octopusX(), duoyuanx(), xAI(), openAICompatible(baseURL: openAICompatibleBaseURL),
            ]
        }
    }
}

// MARK: - Model tables, from the docs

extension GatewaySimulator.ModelRules {
    private static let kyyRatios = ["16:9", "9:16", "1:1", "3:2", "2:3"]

    /// kyy `grok_video3`: 6–30 s (default 6, per aizfw), 5 ratios, 480p/720p, up to 7 images as public
    /// URLs or data URIs.
    public static let kyyGrokVideo3 = Self(
        "grok_video3", seconds: .range(6...30, default: 6), aspectRatios: kyyRatios, resolutions: ["480p", "720p"],
        defaultResolution: "480p", maxImages: 7, imageTransports: [.publicURL, .dataURI])

    /// kyy `grok_video3_pro`: fixed 10 s and `duration` must be absent; resolution absent or `720p`
    /// (aizfw: not configurable; Xingchaoyiqing: 720p); images supported (7 assumed), URLs or data URIs.
    /// Ratios are the union: aizfw does not restrict them, Xingchaoyiqing lists 16:9 only.
    public static let kyyGrokVideo3Pro = Self(
        "grok_video3_pro", seconds: .fixed(10, whenSent: .rejected), aspectRatios: kyyRatios, resolutions: ["720p"],
        maxImages: 7, imageTransports: [.publicURL, .dataURI])

    /// kyy `grok_video3_max`: 6/10/12/16/20/30 s (default 10), 16:9, 9:16, 1:1, up to 5 public URLs.
    public static let kyyGrokVideo3Max = Self(
        "grok_video3_max", seconds: .oneOf([6, 10, 12, 16, 20, 30], default: 10),
        aspectRatios: ["16:9", "9:16", "1:1"],
        resolutions: ["480p", "720p"], defaultResolution: "720p", maxImages: 5, imageTransports: [.publicURL])

    /// kyy `grok_video3_stable`: 6 or 10 s (default 10), 5 ratios, up to 7 public URLs.
    public static let kyyGrokVideo3Stable = Self(
        "grok_video3_stable", seconds: .oneOf([6, 10], default: 10), aspectRatios: kyyRatios,
        resolutions: ["480p", "720p"], defaultResolution: "720p", maxImages: 7, imageTransports: [.publicURL])

    /// The union of the four kyyReactApiServer models.
    public static let kyyReactApiServer = [kyyGrokVideo3, kyyGrokVideo3Pro, kyyGrokVideo3Max, kyyGrokVideo3Stable]

    /// The 13 preset ratios of `grok-imagine-video`, in the doc's order.
    public static let grokImagineVideoRatios = [
        "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "2:1", "1:2", "19.5:9", "9:19.5", "20:9", "9:20",
    ]

    /// OpenAI-format `grok-imagine-video` (JSON): `seconds` a string, min 1 (max 15 and default 8 assumed),
    /// 13 presets plus custom `W:H`, `480P`/`720P` (or `480`/`720`), up to 7 data-URI images.
    public static let grokImagineVideo = Self(
        "grok-imagine-video", encoding: .json, seconds: .range(1...15, default: 8),
        aspectRatios: grokImagineVideoRatios,
        allowsCustomAspectRatio: true, resolutions: ["480P", "720P", "480", "720"], defaultResolution: "480P",
        maxImages: 7, imageTransports: [.dataURI])

    private static let octopusRatios = ["16:9", "9:16", "2:3", "3:2", "1:1"]

    private static func multipart(_ name: String, _ seconds: GatewaySimulator.SecondsRule, sizes: [String]) -> Self {
        Self(
            name, encoding: .multipart, seconds: seconds, aspectRatios: octopusRatios, resolutions: sizes,
            defaultResolution: "720P", maxImages: 7, imageTransports: [.file])
    }

    /// OctopusX: `grok-video-3` (6–30 s, default 6), `-pro` (fixed 10), `-max` (fixed 15); sizes 720P/1080P.
    public static let octopusX = [
        multipart("grok-video-3", .range(6...30, default: 6), sizes: ["720P", "1080P"]),
        multipart("grok-video-3-pro", .fixed(10, whenSent: .corrected), sizes: ["720P", "1080P"]),
        multipart("grok-video-3-max", .fixed(15, whenSent: .corrected), sizes: ["720P", "1080P"]),
    ]

    /// Duoyuanx: `grok-imagine-video` (JSON) plus multipart `grok-video-1.5`, `grok-video-3` (6–30 s),
    /// `-pro` (fixed 10), `-max` (fixed 15); sizes 480P/540P/720P/1080P.
    public static let duoyuanx: [Self] = {
        let sizes = ["480P", "540P", "720P", "1080P"]
        return [
            grokImagineVideo,
            multipart("grok-video-1.5", .range(6...30, default: 6), sizes: sizes),
            multipart("grok-video-3", .range(6...30, default: 6), sizes: sizes),
            multipart("grok-video-3-pro", .fixed(10, whenSent: .corrected), sizes: sizes),
            multipart("grok-video-3-max", .fixed(15, whenSent: .corrected), sizes: sizes),
        ]
    }()

    /// Image inputs are "PNG/JPEG/WebP" (xAI's Imagine file-input page; CometAPI: "JPEG, PNG, or WebP"),
    /// as sourced in docs/providers/xai.md.
    private static func xAIModel(_ name: String) -> Self {
        Self(
            name, seconds: .range(1...15, default: 8),
            aspectRatios: ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"],
            resolutions: ["480p", "720p"], defaultResolution: "480p", maxImages: 7,
            imageTransports: [.publicURL, .dataURI], imageFormats: [.jpeg, .png, .webp])
    }

    /// xAI: `grok-imagine-video` and `grok-imagine-video-1.5`, 1–15 s (default 8), 7 ratios, 480p/720p,
    /// `image` or up to 7 `reference_images` (then at most 10 s) as URLs or data URIs (jpeg/png/webp).
    public static let xAI = [xAIModel("grok-imagine-video"), xAIModel("grok-imagine-video-1.5")]
}
