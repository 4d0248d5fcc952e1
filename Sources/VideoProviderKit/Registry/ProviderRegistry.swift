public import Foundation

/// The providers an app chose, and how a model string maps onto them.
///
/// A model string resolves to an ordered list of candidates:
/// - `provider:model` pins one provider (`octopusx:grok-video-3`); nothing else is tried;
/// - otherwise every provider with a model of that name, native (`grok_video3`) or by family alias
///   (`grok-video-3` ≡ `grok_video3`, see ``ModelAliases``), in the fallback order the app set for that
///   model with ``setFallbackOrder(_:for:)``, or else registration order.
///
/// ``plan(for:policy:only:)`` then checks the request against each candidate's capabilities, without sending
/// anything, and says who can serve it and why the others cannot.
///
/// ```swift
/// var registry = ProviderRegistry()
/// try registry.register(AizfwProvider(), apiKey: aizfwKey)
/// try registry.register(OctopusXProvider(), apiKey: octopusKey)
/// registry.setFallbackOrder(["octopusx", "aizfw"], for: "grok-video-3")
/// let plan = registry.plan(for: VideoRequest(model: "grok-video-3", prompt: "Rain", seconds: 20))
/// ```
public struct ProviderRegistry: Sendable {
    public private(set) var providers: [RegisteredProvider] = []
    /// Canonical model name → provider order.
    private var fallbackOrders: [String: [ProviderID]] = [:]
    /// The app's model families (``ModelFamily``), by canonical name.
    var appFamilies: [String: ModelFamily] = [:]

    public init() {}

    // MARK: Registering

    /// Registers a provider.
    ///
    /// Throws ``VideoProviderError/Kind/configuration`` for a duplicate id, an unsafe or unusable base URL
    /// (plain `http://` to a non-loopback host without `allowInsecureHTTP`; a query, fragment or
    /// user-info part), an API key or extra header with control characters (they would corrupt or inject
    /// HTTP headers), or an extra header the library sets itself. The key is never part of the message.
    public mutating func register(_ configuration: ProviderConfiguration) throws(VideoProviderError) {
        let id = configuration.registrationID ?? configuration.provider.descriptor.id
        if let registrationID = configuration.registrationID { try Self.checkRegistrationID(registrationID) }
        guard !providers.contains(where: { $0.id == id }) else {
            throw VideoProviderError(.configuration, "Provider '\(id)' is already registered.", providerID: id)
        }
        var configuration = configuration
        if let url = configuration.baseURL {
            try Self.checkBaseURL(url, allowInsecureHTTP: configuration.allowInsecureHTTP, provider: id)
        }
        configuration.apiKey = try Self.normalizedKey(configuration.apiKey, provider: id)
        if let source = configuration.keySource { try source.rotate(to: source.current) }
        try Self.checkHeaders(configuration.additionalHeaders, provider: id)
        var descriptor = configuration.provider.descriptor
        descriptor.id = id
        for override in configuration.capabilityOverrides {
            if let index = descriptor.models.firstIndex(where: { $0.model == override.model }) {
                descriptor.models[index] = override
            } else {
                descriptor.models.append(override)
            }
        }
        providers.append(RegisteredProvider(id: id, configuration: configuration, descriptor: descriptor))
    }

    /// Registers `provider` a second (or third…) time under its own `id`: two OpenAI-format gateways, or two
    /// accounts of one gateway, each with its own key and base URL, routed and fallen back between like
    /// any two providers (``setFallbackOrder(_:for:)``, `id:model` pins).
    public mutating func register(
        _ provider: any VideoProvider, as id: ProviderID, apiKey: String?, baseURL: URL? = nil,
        additionalHeaders: HTTPHeaders = HTTPHeaders(), allowInsecureHTTP: Bool = false
    ) throws(VideoProviderError) {
        var configuration = ProviderConfiguration(
            provider: provider, apiKey: apiKey.map(APIKey.init), baseURL: baseURL,
            additionalHeaders: additionalHeaders, allowInsecureHTTP: allowInsecureHTTP)
        configuration.registrationID = id
        try register(configuration)
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

    /// Removes the registration `id` and returns it (`nil` when there was none). Fallback orders that name
    /// it skip it, as they skip any id that is not registered.
    @discardableResult
    public mutating func unregister(_ id: ProviderID) -> RegisteredProvider? {
        guard let index = providers.firstIndex(where: { $0.id == id }) else { return nil }
        return providers.remove(at: index)
    }

    /// Sets the providers, in order, that serve `model` (any spelling of it sets it for the whole family).
    /// Providers left out of the list are not used for that model; repeated ids count once.
    public mutating func setFallbackOrder(_ order: [ProviderID], for model: String) {
        var seen: Set<ProviderID> = []
        fallbackOrders[ModelAliases.canonicalName(for: model)] = order.filter { seen.insert($0).inserted }
    }

    /// Forgets the fallback order of `model`: registration order applies again.
    public mutating func removeFallbackOrder(for model: String) {
        fallbackOrders[ModelAliases.canonicalName(for: model)] = nil
    }

    /// The fallback order the app set for `model`, if any.
    public func fallbackOrder(for model: String) -> [ProviderID]? {
        fallbackOrders[ModelAliases.canonicalName(for: model)]
    }

    // MARK: Querying

    public func provider(_ id: ProviderID) -> RegisteredProvider? { providers.first { $0.id == id } }

    /// The registered providers' ids, in registration order.
    public var providerIDs: [ProviderID] { providers.map(\.id) }

    /// The effective capabilities of `model` (native name or alias) on provider `id`.
    public func capabilities(of model: String, on id: ProviderID) -> ModelCapabilities? {
        provider(id).flatMap { modelCapabilities(for: model, on: $0) }
    }

    /// The native model names provider `id` offers, overrides included (empty when it is not registered).
    public func models(on id: ProviderID) -> [String] {
        provider(id)?.descriptor.models.map(\.model) ?? []
    }

    /// The providers that offer `model` (native name or alias), in registration order, whatever the
    /// fallback order says.
    public func providers(offering model: String) -> [ProviderID] {
        let name = model.trimmingWhitespaceAndNewlines()
        return providers.filter { modelCapabilities(for: name, on: $0) != nil }.map(\.id)
    }

    /// Every (provider, model) pair, in registration order.
    public var allModels: [(provider: ProviderID, capabilities: ModelCapabilities)] {
        providers.flatMap { entry in entry.descriptor.models.map { (entry.id, $0) } }
    }

    // MARK: Routing

    /// A candidate: a provider and the native name of the model it would run.
    package struct Candidate: Sendable {
        package let provider: RegisteredProvider
        package let capabilities: ModelCapabilities
        package var model: String { capabilities.model }
    }

    /// How a model string was read, and the providers that offer it but are left out.
    private struct Resolution {
        var model: String
        var pinned: ProviderID?
        /// A `provider:` prefix naming no registered provider.
        var unknownPin: ProviderID?
        var candidates: [Candidate] = []
        var leftOut: [SkippedCandidate] = []
    }

    private func resolve(_ model: String, only: [ProviderID]?) -> Resolution {
        var name = model.trimmingWhitespaceAndNewlines()
        var pinned: ProviderID?
        var unknownPin: ProviderID?
        if let colon = name.firstIndex(of: ":") {
            let prefix = ProviderID(String(name[..<colon]).trimmingWhitespace().lowercased())
            let rest = String(name[name.index(after: colon)...]).trimmingWhitespace()
            if provider(prefix) != nil {
                pinned = prefix
                name = rest
            } else if !providers.contains(where: { modelCapabilities(for: name, on: $0) != nil }) {
                // Nobody has a model spelled with the colon, so the prefix was meant as a provider.
                unknownPin = prefix
                name = rest
            }
        }
        var resolution = Resolution(model: name, pinned: pinned, unknownPin: unknownPin)
        guard unknownPin == nil else { return resolution }
        // A pin or an explicit `only` is the whole order; otherwise the app's fallback order, if it set one.
        let customOrder = pinned == nil && only == nil ? fallbackOrder(for: name) : nil
        let order = pinned.map { [$0] } ?? only ?? customOrder ?? providers.map(\.id)
        var seen: Set<ProviderID> = []
        for id in order where seen.insert(id).inserted {
            guard let entry = provider(id), let capabilities = modelCapabilities(for: name, on: entry) else {
                continue
            }
            resolution.candidates.append(Candidate(provider: entry, capabilities: capabilities))
        }
        // A pinned call, or one naming its providers, is explicit enough: only those are considered. When the
        // app's fallback order leaves someone out, say who offers the model but was not asked.
        if customOrder != nil {
            let reason = "not in the fallback order set for \(ModelAliases.canonicalName(for: name))"
            for entry in providers where !seen.contains(entry.id) {
                if let capabilities = modelCapabilities(for: name, on: entry) {
                    resolution.leftOut.append(
                        SkippedCandidate(providerID: entry.id, model: capabilities.model, reason: reason))
                }
            }
        }
        return resolution
    }

    /// The ordered candidates for a model string, restricted to `only` when given (in that order).
    package func candidates(for model: String, only: [ProviderID]? = nil) -> [Candidate] {
        resolve(model, only: only).candidates
    }

    /// Who could serve `request`, in order, and why not the others. Sends nothing.
    ///
    /// A candidate is passed over, with its reason, when it has no base URL or key, or when the request
    /// breaks its capability table (a length, ratio or resolution it does not allow, images it cannot take
    /// in the form given, …; the reason lists every ``Violation``). Providers that offer the model but are
    /// left out by the app's fallback order are listed too. With `only` (or a `provider:model` pin), only
    /// the named providers are considered: the call itself says who the others are not.
    public func plan(for request: VideoRequest, policy: ValidationPolicy = .strict, only: [ProviderID]? = nil)
        -> RoutePlan
    {
        let resolution = resolve(request.model, only: only)
        var eligible: [RoutePlan.Entry] = []
        var skipped: [SkippedCandidate] = []
        for candidate in resolution.candidates {
            let endpoint: ProviderEndpoint
            switch candidate.provider.readiness {
            case .ready(let ready):
                endpoint = ready
            case .unavailable(let reason):
                skipped.append(
                    SkippedCandidate(providerID: candidate.provider.id, model: candidate.model, reason: reason))
                continue
            }
            var native = request
            native.model = candidate.model
            do {
                let resolved = try RequestValidator.resolve(
                    native, capabilities: candidate.capabilities, providerID: candidate.provider.id, policy: policy,
                    reservedOptionNames: candidate.provider.descriptor.effectiveReservedOptionNames)
                eligible.append(RoutePlan.Entry(endpoint: endpoint, resolved: resolved))
            } catch {
                let parameters = error.violations.map(\.parameter)
                skipped.append(
                    SkippedCandidate(
                        providerID: candidate.provider.id, model: candidate.model,
                        reason: "cannot serve this request (" + parameters.joined(separator: ", ") + ")",
                        violations: error.violations))
            }
        }
        skipped += resolution.leftOut
        let knownModels: [String]
        if let pinned = resolution.pinned {
            knownModels = models(on: pinned)
        } else if let only {
            knownModels = Array(Set(only.flatMap { models(on: $0) })).sorted()
        } else {
            knownModels = Array(Set(allModels.map(\.capabilities.model))).sorted()
        }
        return RoutePlan(
            model: request.model, eligible: eligible, skipped: skipped,
            modelIsUnknown: resolution.candidates.isEmpty && resolution.leftOut.isEmpty,
            unknownProvider: resolution.unknownPin, pinnedProvider: resolution.pinned,
            chosenProviders: resolution.pinned == nil ? only : nil, registeredProviders: providerIDs,
            knownModels: knownModels)
    }
}
