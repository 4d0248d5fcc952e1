public import Foundation

/// One provider as an app configured it: credentials, where it lives, and any capability overrides.
public struct ProviderConfiguration: Sendable {
    public var provider: any VideoProvider
    public var apiKey: APIKey?
    /// Overrides the descriptor's default base URL; required when the provider has none.
    public var baseURL: URL?
    /// Sent with every request to the provider's own host (never to a CDN).
    public var additionalHeaders: HTTPHeaders
    /// Replaces (by model name) or adds capability tables, so an app can follow a gateway's change
    /// without waiting for a library release.
    public var capabilityOverrides: [ModelCapabilities]
    /// Allows a plain `http://` base URL on a host that is not loopback. Off by default: the API key
    /// would travel in clear text.
    public var allowInsecureHTTP: Bool

    public init(
        provider: any VideoProvider,
        apiKey: APIKey?,
        baseURL: URL? = nil,
        additionalHeaders: HTTPHeaders = HTTPHeaders(),
        capabilityOverrides: [ModelCapabilities] = [],
        allowInsecureHTTP: Bool = false
    ) {
        self.provider = provider
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.additionalHeaders = additionalHeaders
        self.capabilityOverrides = capabilityOverrides
        self.allowInsecureHTTP = allowInsecureHTTP
    }
}

/// A registered provider with its effective settings.
public struct RegisteredProvider: Sendable {
    public let configuration: ProviderConfiguration
    /// The descriptor with capability overrides applied.
    public let descriptor: ProviderDescriptor

    public var id: ProviderID { descriptor.id }
    public var provider: any VideoProvider { configuration.provider }
    /// The base URL requests go to, or `nil` when neither the app nor the vendor gave one.
    public var baseURL: URL? { configuration.baseURL ?? descriptor.defaultBaseURL }

    /// Why this provider cannot send anything at all, or `nil` when it is ready.
    public var unavailableReason: String? {
        if baseURL == nil { return "no base URL configured (this gateway has no default; set one)" }
        if configuration.apiKey == nil { return "no API key configured (\(id.apiKeyEnvironmentVariable))" }
        return nil
    }

    /// The context providers build requests with.
    public func context(boundary: String = MultipartBody.randomBoundary()) -> ProviderContext? {
        guard let baseURL else { return nil }
        return ProviderContext(
            baseURL: baseURL, apiKey: configuration.apiKey, additionalHeaders: configuration.additionalHeaders,
            multipartBoundary: boundary)
    }
}

/// The providers an app chose, and how a model string maps onto them.
///
/// A model string resolves to an ordered list of candidates:
/// - `provider:model` pins one provider (`octopusx:grok-video-3`);
/// - otherwise every provider with a model of that name, native (`grok_video3`) or by family alias
///   (`grok-video-3` ≡ `grok_video3`, see ``ModelAliases``), in the fallback order the app set for that
///   model with ``setFallbackOrder(_:for:)``, or else registration order.
///
/// ``plan(for:policy:)`` then checks the request against each candidate's capabilities, without sending
/// anything, and says who can serve it and why the others cannot.
public struct ProviderRegistry: Sendable {
    public private(set) var providers: [RegisteredProvider] = []
    /// Canonical model name → provider order.
    private var fallbackOrders: [String: [ProviderID]] = [:]

    public init() {}

    /// Registers a provider. Throws ``VideoProviderError/Kind/configuration`` for a duplicate id or an
    /// unsafe base URL (plain `http://` to a non-loopback host without `allowInsecureHTTP`).
    public mutating func register(_ configuration: ProviderConfiguration) throws(VideoProviderError) {
        let id = configuration.provider.descriptor.id
        guard !providers.contains(where: { $0.id == id }) else {
            throw VideoProviderError(.configuration, "Provider '\(id)' is already registered.", providerID: id)
        }
        if let url = configuration.baseURL {
            try Self.checkBaseURL(url, allowInsecureHTTP: configuration.allowInsecureHTTP, provider: id)
        }
        var descriptor = configuration.provider.descriptor
        for override in configuration.capabilityOverrides {
            if let index = descriptor.models.firstIndex(where: { $0.model == override.model }) {
                descriptor.models[index] = override
            } else {
                descriptor.models.append(override)
            }
        }
        providers.append(RegisteredProvider(configuration: configuration, descriptor: descriptor))
    }

    /// Registers a provider with a key and optional base URL.
    public mutating func register(
        _ provider: any VideoProvider, apiKey: String?, baseURL: URL? = nil,
        additionalHeaders: HTTPHeaders = HTTPHeaders(),
        capabilityOverrides: [ModelCapabilities] = [], allowInsecureHTTP: Bool = false
    ) throws(VideoProviderError) {
        try register(
            ProviderConfiguration(
                provider: provider, apiKey: apiKey.map(APIKey.init), baseURL: baseURL,
                additionalHeaders: additionalHeaders,
                capabilityOverrides: capabilityOverrides, allowInsecureHTTP: allowInsecureHTTP))
    }

    /// Sets the providers, in order, that serve `model` (any spelling of it). Providers left out of the
    /// list are not used for that model.
    public mutating func setFallbackOrder(_ order: [ProviderID], for model: String) {
        fallbackOrders[ModelAliases.canonicalName(for: model)] = order
    }

    /// The fallback order the app set for `model`, if any.
    public func fallbackOrder(for model: String) -> [ProviderID]? {
        fallbackOrders[ModelAliases.canonicalName(for: model)]
    }

    public func provider(_ id: ProviderID) -> RegisteredProvider? { providers.first { $0.id == id } }

    /// The effective capabilities of `model` (native name or alias) on provider `id`.
    public func capabilities(of model: String, on id: ProviderID) -> ModelCapabilities? {
        provider(id)?.descriptor.capabilities(for: model)
    }

    /// Every (provider, model) pair, in registration order.
    public var allModels: [(provider: ProviderID, capabilities: ModelCapabilities)] {
        providers.flatMap { entry in entry.descriptor.models.map { (entry.id, $0) } }
    }

    /// A candidate: a provider and the native name of the model it would run.
    public struct Candidate: Sendable {
        public let provider: RegisteredProvider
        public let capabilities: ModelCapabilities
        public var model: String { capabilities.model }
    }

    /// The ordered candidates for a model string, restricted to `only` when given (in that order).
    public func candidates(for model: String, only: [ProviderID]? = nil) -> [Candidate] {
        var name = model.trimmingCharacters(in: .whitespacesAndNewlines)
        var pinned: ProviderID?
        if let colon = name.firstIndex(of: ":") {
            let prefix = ProviderID(String(name[..<colon]))
            if provider(prefix) != nil {
                pinned = prefix
                name = String(name[name.index(after: colon)...])
            }
        }
        let order: [ProviderID]
        if let pinned {
            order = [pinned]
        } else if let only {
            order = only
        } else if let custom = fallbackOrder(for: name) {
            order = custom
        } else {
            order = providers.map(\.id)
        }
        return order.compactMap { id in
            guard let entry = provider(id), let capabilities = entry.descriptor.capabilities(for: name) else {
                return nil
            }
            return Candidate(provider: entry, capabilities: capabilities)
        }
    }

    /// Who could serve `request`, in order, and why not the others. Sends nothing.
    public func plan(for request: VideoRequest, policy: ValidationPolicy = .strict, only: [ProviderID]? = nil)
        -> RoutePlan
    {
        var eligible: [RoutePlan.Entry] = []
        var skipped: [SkippedCandidate] = []
        let candidates = candidates(for: request.model, only: only)
        for candidate in candidates {
            if let reason = candidate.provider.unavailableReason {
                skipped.append(
                    SkippedCandidate(providerID: candidate.provider.id, model: candidate.model, reason: reason))
                continue
            }
            var native = request
            native.model = candidate.model
            do {
                let resolved = try RequestValidator.resolve(
                    native, capabilities: candidate.capabilities, providerID: candidate.provider.id, policy: policy)
                eligible.append(RoutePlan.Entry(provider: candidate.provider, resolved: resolved))
            } catch {
                skipped.append(
                    SkippedCandidate(
                        providerID: candidate.provider.id, model: candidate.model,
                        reason: "cannot serve this request", violations: error.violations))
            }
        }
        // Providers that exist but lack the model are worth naming when nobody has it.
        let knownElsewhere = candidates.isEmpty
        return RoutePlan(model: request.model, eligible: eligible, skipped: skipped, modelIsUnknown: knownElsewhere)
    }

    static func checkBaseURL(_ url: URL, allowInsecureHTTP: Bool, provider: ProviderID) throws(VideoProviderError) {
        let scheme = url.scheme?.lowercased()
        guard scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            throw VideoProviderError(
                .configuration,
                "The base URL for \(provider) must be an absolute https URL, not '\(url.absoluteString)'.",
                providerID: provider)
        }
        if scheme == "http" && !allowInsecureHTTP && !isLoopback(host) {
            throw VideoProviderError(
                .configuration,
                "Refusing plain http for \(provider) at \(host): the API key would travel unencrypted. Use https, a loopback host, or opt in with allowInsecureHTTP.",
                providerID: provider)
        }
    }

    /// `localhost`, `127.0.0.0/8` and `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// The outcome of routing a request: who can serve it, in order, and who cannot and why.
public struct RoutePlan: Sendable {
    public struct Entry: Sendable {
        public let provider: RegisteredProvider
        /// The request as it would be sent to this provider, defaults filled in.
        public let resolved: ResolvedVideoRequest
        public var providerID: ProviderID { provider.id }
        public var model: String { resolved.model }
    }

    /// The model string as requested.
    public let model: String
    public var eligible: [Entry]
    public var skipped: [SkippedCandidate]
    /// `true` when no registered provider has the model at all.
    public let modelIsUnknown: Bool

    /// The error to throw when ``eligible`` is empty: unknown model, the one candidate's violations, or
    /// every candidate and its reason.
    public func noCandidateError(knownModels: [String]) -> VideoProviderError {
        if modelIsUnknown {
            return VideoProviderError(
                .unknownModel, "No configured provider offers the model '\(model)'.", model: model,
                violations: [Violation(parameter: "model", value: model, allowed: knownModels.joined(separator: ", "))])
        }
        if skipped.count == 1, let only = skipped.first, !only.violations.isEmpty {
            let summary =
                only.violations.count == 1
                ? only.violations[0].description
                : "\(only.violations.count) problems: " + only.violations.map(\.parameter).joined(separator: ", ")
            return VideoProviderError(
                .invalidRequest, "Invalid request for \(only.model ?? model) on \(only.providerID): \(summary).",
                providerID: only.providerID, model: only.model, violations: only.violations, skipped: skipped)
        }
        return VideoProviderError(
            .noEligibleProvider,
            "No provider can serve '\(model)' as requested (\(skipped.count) considered).",
            model: model, skipped: skipped)
    }
}
