/// One reason a request cannot be sent: which parameter, the value given, and what is allowed.
public struct Violation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The request parameter, as `videogen` spells its option: `seconds`, `aspect-ratio`, `resolution`,
    /// `images`, `images[2]`, `image-roles[2]`, `prompt`, `model`, `seed`, `negative-prompt`, `audio`,
    /// `vendor-options.<key>`, `provider-options.<provider>.<key>`.
    public let parameter: String
    /// The offending value, shortened when long.
    public let value: String
    /// What would be accepted instead.
    public let allowed: String
    /// Why, in a few words, when the allowed list alone does not say.
    public let reason: String?

    public init(parameter: String, value: String, allowed: String, reason: String? = nil) {
        self.parameter = parameter
        self.value = value
        self.allowed = allowed
        self.reason = reason
    }

    public var description: String {
        var text = "\(parameter) = \(value) is not allowed"
        if let reason { text += " (\(reason))" }
        return (text + "; allowed: \(allowed)").escapingControlCharacters()
    }
}

/// How validation treats a value the model does not allow.
public enum ValidationPolicy: String, Sendable, Hashable, Codable {
    /// Refuse the request, listing every violation. The default.
    case strict
    /// Snap durations, aspect ratios and resolutions to the nearest allowed value (respecting the model's
    /// ``CapabilityRule``s), and drop a resolution, seed, negative prompt or audio switch the model does not
    /// let the caller choose, with a warning for each change. Images, prompts, seeds and models are never
    /// adjusted.
    case adjustToNearest = "adjust"
}

/// Something validation changed or could not honour, reported instead of silently dropped.
public struct ValidationWarning: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A value was snapped to the nearest allowed one (``ValidationPolicy/adjustToNearest``).
        case adjusted
        /// A setting the model does not support was left out of the request.
        case ignored
        /// An image was converted to the form the model takes (bytes to a data URI, and so on).
        case converted
    }

    public let kind: Kind
    public let parameter: String
    public let requested: String
    /// The value sent instead, if any.
    public let applied: String?
    public let message: String

    public init(kind: Kind, parameter: String, requested: String, applied: String?, message: String) {
        self.kind = kind
        self.parameter = parameter
        self.requested = requested
        self.applied = applied
        self.message = message
    }

    public var description: String { message }
}
