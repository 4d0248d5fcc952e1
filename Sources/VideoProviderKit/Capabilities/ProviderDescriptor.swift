public import Foundation

/// A gateway's stable identifier, such as `aizfw` or `openai-compatible`.
///
/// Lower-case letters, digits and `-`. It names the provider in jobs, errors, the registry's
/// `provider:model` form and the `<ID>_API_KEY` environment variable that `videogen` reads.
public struct ProviderID: Sendable, Hashable, Codable, Comparable, RawRepresentable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// `OCTOPUSX_API_KEY` for `octopusx`, `OPENAI_COMPATIBLE_API_KEY` for `openai-compatible`.
    public var apiKeyEnvironmentVariable: String {
        rawValue.uppercased().replacingOccurrences(of: "-", with: "_") + "_API_KEY"
    }

    public static func < (lhs: ProviderID, rhs: ProviderID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How often a vendor asks to be polled.
public struct PollingRecommendation: Sendable, Hashable, Codable {
    /// The shortest interval the vendor recommends.
    public var minimumInterval: Duration
    /// The longest interval the vendor recommends.
    public var maximumInterval: Duration

    public init(minimumInterval: Duration, maximumInterval: Duration) {
        self.minimumInterval = minimumInterval
        self.maximumInterval = maximumInterval
    }

    private enum CodingKeys: String, CodingKey {
        case minimumSeconds, maximumSeconds
    }

    // Seconds, not `Duration`'s two-integer encoding, so the JSON reads naturally.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minimumInterval = .seconds(try container.decode(Double.self, forKey: .minimumSeconds))
        maximumInterval = .seconds(try container.decode(Double.self, forKey: .maximumSeconds))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(minimumInterval.seconds, forKey: .minimumSeconds)
        try container.encode(maximumInterval.seconds, forKey: .maximumSeconds)
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    package var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// What a provider is: its identity, where it lives, and what each of its models can do.
public struct ProviderDescriptor: Sendable, Hashable, Codable {
    public var id: ProviderID
    /// A display name, such as `OctopusX`.
    public var name: String
    /// Where the gateway lives, or `nil` when every deployment has its own host and the app must say.
    ///
    /// A default is honoured only with a ``baseURLSource``: an API key set for a provider goes to this host
    /// without the app naming it, so the host must be one the vendor's own document names. A default without
    /// a source is ignored and the provider needs a configured base URL, like one without a default.
    public var defaultBaseURL: URL?
    /// Where a vendor document names ``defaultBaseURL``: the page and the part of it that gives the host
    /// (`https://docs.x.ai/… ("Base URL")`). Shown by `videogen providers` and `capabilities --json`.
    public var baseURLSource: String?
    /// The vendor's documentation page, for error messages and docs.
    public var documentationURL: URL?
    public var models: [ModelCapabilities]
    /// The vendor's own polling advice, when it gives any.
    public var polling: PollingRecommendation?
    /// How long result URLs stay valid, when the vendor says.
    public var resultRetention: Duration?

    /// Body fields the provider sets itself, which vendor and provider options may not replace (a
    /// violation names the option and says to use the typed parameter). `nil` means
    /// ``RequestValidator/reservedFieldNames``, the fields every Grok dialect sets; a vendor whose body has
    /// other names (Veo's `durationSeconds`, Kling's `image_tail`) lists its own, so an option can neither
    /// shadow a typed value nor be dropped silently.
    public var reservedOptionNames: Set<String>?

    public init(
        id: ProviderID,
        name: String,
        defaultBaseURL: URL?,
        baseURLSource: String? = nil,
        documentationURL: URL? = nil,
        models: [ModelCapabilities],
        polling: PollingRecommendation? = nil,
        resultRetention: Duration? = nil
    ) {
        self.id = id
        self.name = name
        self.defaultBaseURL = defaultBaseURL
        self.baseURLSource = baseURLSource
        self.documentationURL = documentationURL
        self.models = models
        self.polling = polling
        self.resultRetention = resultRetention
    }

    /// The model with this exact native name, or the one that is an alias of it.
    private enum CodingKeys: String, CodingKey {
        case id, name, defaultBaseURL, baseURLSource, documentationURL, models, polling, resultRetentionSeconds
        case reservedOptionNames
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(ProviderID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        defaultBaseURL = try container.decodeIfPresent(URL.self, forKey: .defaultBaseURL)
        baseURLSource = try container.decodeIfPresent(String.self, forKey: .baseURLSource)
        documentationURL = try container.decodeIfPresent(URL.self, forKey: .documentationURL)
        models = try container.decode([ModelCapabilities].self, forKey: .models)
        polling = try container.decodeIfPresent(PollingRecommendation.self, forKey: .polling)
        resultRetention = try container.decodeIfPresent(Double.self, forKey: .resultRetentionSeconds).map {
            .seconds($0)
        }
        reservedOptionNames = try container.decodeIfPresent([String].self, forKey: .reservedOptionNames).map(Set.init)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(defaultBaseURL, forKey: .defaultBaseURL)
        try container.encodeIfPresent(baseURLSource, forKey: .baseURLSource)
        try container.encodeIfPresent(documentationURL, forKey: .documentationURL)
        try container.encode(models, forKey: .models)
        try container.encodeIfPresent(polling, forKey: .polling)
        try container.encodeIfPresent(resultRetention?.seconds, forKey: .resultRetentionSeconds)
        try container.encodeIfPresent(reservedOptionNames?.sorted(), forKey: .reservedOptionNames)
    }

    /// The names options may not use on this provider: ``reservedOptionNames``, else the Grok dialects' list.
    public var effectiveReservedOptionNames: Set<String> { reservedOptionNames ?? RequestValidator.reservedFieldNames }

    /// The default base URL when a vendor document backs it (``baseURLSource`` is set), else `nil`.
    public var documentedBaseURL: URL? {
        guard let defaultBaseURL, let source = baseURLSource, !source.trimmingWhitespace().isEmpty else { return nil }
        return defaultBaseURL
    }

    public func capabilities(for model: String) -> ModelCapabilities? {
        if let exact = models.first(where: { $0.model == model }) { return exact }
        return models.first { ModelAliases.areEquivalent($0.model, model) }
    }
}
