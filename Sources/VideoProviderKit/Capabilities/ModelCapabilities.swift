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
}
