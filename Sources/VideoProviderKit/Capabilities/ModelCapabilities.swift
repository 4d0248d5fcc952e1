/// How a vendor charges for a task.
public enum BillingUnit: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Charged per second of video: the requested length is the bill.
    case perSecond = "per-second"
    /// One charge per task, whatever its length.
    case perCall = "per-call"

    public var description: String { rawValue }
}

/// Everything a program needs to know about one model on one gateway before sending anything.
///
/// Values come from the vendor's own documentation. Where a document is silent, the table takes a
/// conservative value and records it in ``assumptions`` so that apps (and `docs/capabilities.md`)
/// can tell a documented fact from an assumption.
public struct ModelCapabilities: Sendable, Hashable, Codable {
    /// The model name exactly as this gateway spells it (`grok_video3`, `grok-video-3`).
    public var model: String
    public var duration: DurationRule
    public var aspectRatios: AspectRatioRule
    /// Allowed resolutions, or `nil` when the model does not let the caller choose.
    public var resolutions: ResolutionRule?
    public var images: ImageRule
    /// The longest prompt accepted, in Unicode scalars (code points).
    public var promptMaxLength: Int
    public var billing: BillingUnit
    /// Values the vendor's document does not state, with what was assumed instead.
    public var assumptions: [String]
    /// The seeds the model takes, or `nil` when it takes none.
    public var seed: SeedRule?
    /// The negative prompts the model takes, or `nil` when it takes none.
    public var negativePrompt: NegativePromptRule?
    /// The model's audio switch, or `nil` when it has none.
    public var audio: AudioRule?
    /// Capabilities that depend on each other or on the mode (Veo: 1080p only at 8 s), in the order they
    /// are checked.
    public var rules: [CapabilityRule] = []

    public init(
        model: String,
        duration: DurationRule,
        aspectRatios: AspectRatioRule,
        resolutions: ResolutionRule?,
        images: ImageRule,
        promptMaxLength: Int,
        billing: BillingUnit,
        assumptions: [String] = []
    ) {
        self.model = model
        self.duration = duration
        self.aspectRatios = aspectRatios
        self.resolutions = resolutions
        self.images = images
        self.promptMaxLength = promptMaxLength
        self.billing = billing
        self.assumptions = assumptions
    }

    private enum CodingKeys: String, CodingKey {
        case model, duration, aspectRatios, resolutions, images, promptMaxLength, billing, assumptions, seed
        case negativePrompt, audio, rules
    }

    /// Tables written before seeds, negative prompts, audio and rules existed read without them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        duration = try container.decode(DurationRule.self, forKey: .duration)
        aspectRatios = try container.decode(AspectRatioRule.self, forKey: .aspectRatios)
        resolutions = try container.decodeIfPresent(ResolutionRule.self, forKey: .resolutions)
        images = try container.decode(ImageRule.self, forKey: .images)
        promptMaxLength = try container.decode(Int.self, forKey: .promptMaxLength)
        billing = try container.decode(BillingUnit.self, forKey: .billing)
        assumptions = try container.decode([String].self, forKey: .assumptions)
        seed = try container.decodeIfPresent(SeedRule.self, forKey: .seed)
        negativePrompt = try container.decodeIfPresent(NegativePromptRule.self, forKey: .negativePrompt)
        audio = try container.decodeIfPresent(AudioRule.self, forKey: .audio)
        rules = try container.decodeIfPresent([CapabilityRule].self, forKey: .rules) ?? []
    }
}
