public import Foundation

/// A reference image, in whatever form the app has it. The library converts between forms where that
/// is safe and refuses with a typed error where it is not.
public enum ImageInput: Sendable, Hashable {
    /// A public `http(s)` URL the vendor fetches itself, or a `data:image/…;base64,…` URI.
    case url(URL)
    /// Image bytes in memory. The format is sniffed from the bytes; when `format` is given it must agree.
    case data(Data, format: ImageFormat? = nil)
    /// A local image file. It is read when the request is sent, streamed, never loaded whole.
    case file(URL)
}

/// What an app asks for: a model, a prompt and optional settings.
///
/// Anything left `nil` takes the model's documented default, and that default is written into the
/// request explicitly, so what is sent (and billed) never depends on a server-side default.
public struct VideoRequest: Sendable, Hashable {
    /// A model name: a gateway's native spelling (`grok_video3`), a family alias (`grok-video-3`), or
    /// `provider:model` to pin one provider (`octopusx:grok-video-3`).
    public var model: String
    public var prompt: String
    /// The video length in whole seconds.
    public var seconds: Int?
    public var aspectRatio: AspectRatio?
    public var resolution: Resolution?
    /// Input images, in order. An image's role is in ``imageRoles``; one without takes the role the
    /// model's table gives images without one (``ImageRule/unassignedRole``), which is what a plain list
    /// meant before roles existed.
    public var images: [ImageInput]
    /// Extra top-level fields passed to the vendor as they are (JSON fields, or multipart text fields).
    /// They cannot replace a field the library sets; a clash is a validation error. They go to every
    /// provider the request may reach; ``providerOptions`` go to one provider only.
    public var vendorOptions: [String: JSONValue]
    /// The role of each image that has one, by its index in ``images``.
    public var imageRoles: [Int: ImageRole] = [:]
    /// A seed, for models that take one (``ModelCapabilities/seed``).
    public var seed: Int?
    /// What the video should not show, for models that take it (``ModelCapabilities/negativePrompt``).
    public var negativePrompt: String?
    /// Whether the video has sound, for models with an audio switch (``ModelCapabilities/audio``); `nil`
    /// takes the model's default, written explicitly.
    public var audio: Bool?
    /// Vendor options for one provider each, by provider id, like the Vercel AI SDK's `providerOptions`:
    /// a fallback candidate gets only its own. They are added to ``vendorOptions`` for that provider and
    /// win where both name the same field.
    public var providerOptions: [ProviderID: [String: JSONValue]] = [:]

    public init(
        model: String,
        prompt: String,
        seconds: Int? = nil,
        aspectRatio: AspectRatio? = nil,
        resolution: Resolution? = nil,
        images: [ImageInput] = [],
        vendorOptions: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.prompt = prompt
        self.seconds = seconds
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.images = images
        self.vendorOptions = vendorOptions
    }

    /// Appends `image` to ``images`` with `role` (none: the table's role for images without one).
    public mutating func addImage(_ image: ImageInput, role: ImageRole?) {
        if let role { imageRoles[images.count] = role }
        images.append(image)
    }

    /// The vendor options that go to `provider`: ``vendorOptions`` with that provider's
    /// ``providerOptions`` over them.
    public func options(for provider: ProviderID?) -> [String: JSONValue] {
        guard let provider, let own = providerOptions[provider], !own.isEmpty else { return vendorOptions }
        return vendorOptions.merging(own) { _, keyed in keyed }
    }
}

/// Where image bytes come from when they are sent inline or uploaded.
public enum ImagePayload: Sendable, Hashable {
    case bytes(Data)
    /// A file of `byteCount` bytes, streamed when the body is written.
    case file(URL, byteCount: Int64)

    public var byteCount: Int64 {
        switch self {
        case .bytes(let data): return Int64(data.count)
        case .file(_, let count): return count
        }
    }
}

/// A reference image after validation: in the form the model takes, with its format known.
public enum ResolvedImage: Sendable, Hashable {
    case publicURL(URL)
    case dataURI(ImagePayload, ImageFormat)
    case upload(ImagePayload, ImageFormat, filename: String)

    public var transport: ImageTransport {
        switch self {
        case .publicURL: return .publicURL
        case .dataURI: return .dataURI
        case .upload: return .multipartFile
        }
    }
}

/// What the request will cost in the vendor's billing unit.
///
/// Encoded as `{"unit":"per-second","seconds":8}` or `{"unit":"per-call","calls":1}`, the shape
/// `videogen` prints, so a persisted ``VideoJob`` reads naturally.
public enum BillableEstimate: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Billed per second of video: this many seconds.
    case seconds(Int)
    /// Billed per task: this many calls.
    case calls(Int)

    public var description: String {
        switch self {
        case .seconds(let count): return "\(count) s (billed per second)"
        case .calls(let count): return count == 1 ? "1 call (billed per call)" : "\(count) calls (billed per call)"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case unit, seconds, calls
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(BillingUnit.self, forKey: .unit) {
        case .perSecond: self = .seconds(try container.decode(Int.self, forKey: .seconds))
        case .perCall: self = .calls(try container.decode(Int.self, forKey: .calls))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .seconds(let count):
            try container.encode(BillingUnit.perSecond, forKey: .unit)
            try container.encode(count, forKey: .seconds)
        case .calls(let count):
            try container.encode(BillingUnit.perCall, forKey: .unit)
            try container.encode(count, forKey: .calls)
        }
    }
}

/// A request checked against one model's capabilities, with every default filled in.
///
/// Providers turn this, and only this, into HTTP: by construction it holds nothing the model rejects.
public struct ResolvedVideoRequest: Sendable, Hashable {
    /// The model's native name on the chosen gateway.
    public let model: String
    public let prompt: String
    /// The video length. Always set: for fixed-length models it is the fixed length.
    public let seconds: Int
    /// `false` when the vendor wants the duration field left out (the length is then fixed).
    public let sendsDuration: Bool
    public let aspectRatio: AspectRatio
    /// `nil` when the model's resolution is not configurable.
    public let resolution: Resolution?
    public let images: [ResolvedImage]
    public let vendorOptions: [String: JSONValue]
    /// Every adjustment, conversion and ignored setting, in request order.
    public let warnings: [ValidationWarning]
    public let capabilities: ModelCapabilities
    /// The role of each image in ``images``, explicit or the table's for images without one.
    public let imageRoles: [ImageRole]
    /// `false` when the aspect ratio follows the input image (a ``CapabilityRule``) and none is sent.
    public let sendsAspectRatio: Bool
    /// The seed to send, or `nil`.
    public let seed: Int?
    /// The negative prompt to send, or `nil`.
    public let negativePrompt: String?
    /// Whether the video has sound, always set for a model with an audio switch; `nil` for one without.
    public let audio: Bool?

    public init(
        model: String,
        prompt: String,
        seconds: Int,
        sendsDuration: Bool,
        aspectRatio: AspectRatio,
        resolution: Resolution?,
        images: [ResolvedImage],
        vendorOptions: [String: JSONValue],
        warnings: [ValidationWarning],
        capabilities: ModelCapabilities,
        imageRoles: [ImageRole]? = nil,
        sendsAspectRatio: Bool = true,
        seed: Int? = nil,
        negativePrompt: String? = nil,
        audio: Bool? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.seconds = seconds
        self.sendsDuration = sendsDuration
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.images = images
        self.vendorOptions = vendorOptions
        self.warnings = warnings
        self.capabilities = capabilities
        let unassigned = capabilities.images.unassignedRole.role(imageCount: images.count)
        self.imageRoles = imageRoles ?? Array(repeating: unassigned, count: images.count)
        self.sendsAspectRatio = sendsAspectRatio
        self.seed = seed
        self.negativePrompt = negativePrompt
        self.audio = audio
    }

    /// What the request makes, from its images' roles.
    public var mode: GenerationMode { GenerationMode(roles: imageRoles) }

    /// The images with `role`, with their indexes in ``images``.
    public func images(withRole role: ImageRole) -> [(index: Int, image: ResolvedImage)] {
        zip(images.indices, zip(images, imageRoles)).compactMap { index, pair in
            pair.1 == role ? (index, pair.0) : nil
        }
    }

    public var billableEstimate: BillableEstimate {
        capabilities.billing == .perSecond ? .seconds(seconds) : .calls(1)
    }
}
