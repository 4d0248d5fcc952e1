public import Foundation

/// One provider as an app configured it: credentials, where it lives, and any capability overrides.
public struct ProviderConfiguration: Sendable {
    public var provider: any VideoProvider
    /// The key. ``ProviderRegistry/register(_:)`` trims surrounding whitespace (keys pasted from a file
    /// often end in a newline) and treats an empty key as none.
    public var apiKey: APIKey?
    /// Overrides the descriptor's default base URL; required when the provider has none.
    public var baseURL: URL?
    /// Sent with every request to the provider's own host (never to a CDN). `Content-Type`,
    /// `Content-Length`, `Host` and `Transfer-Encoding` are the library's and may not be set here.
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
    public var configuration: ProviderConfiguration { storage.configuration }
    /// The descriptor with capability overrides applied.
    public var descriptor: ProviderDescriptor { storage.descriptor }

    // One immutable box: a registered provider is copied into every job's polling task, and inline it was
    // 225 bytes of each suspended frame (docs/performance.md, `jobs`).
    private final class Storage: Sendable {
        let configuration: ProviderConfiguration
        let descriptor: ProviderDescriptor
        init(configuration: ProviderConfiguration, descriptor: ProviderDescriptor) {
            self.configuration = configuration
            self.descriptor = descriptor
        }
    }

    private let storage: Storage

    init(configuration: ProviderConfiguration, descriptor: ProviderDescriptor) {
        storage = Storage(configuration: configuration, descriptor: descriptor)
    }

    public var id: ProviderID { descriptor.id }
    public var provider: any VideoProvider { configuration.provider }
    /// The base URL requests go to, or `nil` when neither the app nor a vendor document gave one.
    public var baseURL: URL? { configuration.baseURL ?? descriptor.documentedBaseURL }

    /// The origin of ``baseURL`` (`https://zcbservice.aizfw.cn`), or `nil` without a base URL. Providers with
    /// the same origin are one failure domain for connection failures: see ``VideoClient/submit(_:options:)``.
    public var origin: String? { baseURL.flatMap(Origin.init)?.description }

    /// Why this provider cannot send anything at all, or `nil` when it is ready.
    public var unavailableReason: String? {
        if baseURL == nil {
            if descriptor.defaultBaseURL != nil {
                return "no base URL configured (the provider's default is not backed by a vendor document; set one)"
            }
            return "no base URL configured (this gateway has no default; set one)"
        }
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

    public init() {}

    // MARK: Registering

    /// Registers a provider.
    ///
    /// Throws ``VideoProviderError/Kind/configuration`` for a duplicate id, an unsafe or unusable base URL
    /// (plain `http://` to a non-loopback host without `allowInsecureHTTP`; a query, fragment or
    /// user-info part), an API key or extra header with control characters (they would corrupt or inject
    /// HTTP headers), or an extra header the library sets itself. The key is never part of the message.
    public mutating func register(_ configuration: ProviderConfiguration) throws(VideoProviderError) {
        let id = configuration.provider.descriptor.id
        guard !providers.contains(where: { $0.id == id }) else {
            throw VideoProviderError(.configuration, "Provider '\(id)' is already registered.", providerID: id)
        }
        var configuration = configuration
        if let url = configuration.baseURL {
            try Self.checkBaseURL(url, allowInsecureHTTP: configuration.allowInsecureHTTP, provider: id)
        }
        configuration.apiKey = try Self.normalizedKey(configuration.apiKey, provider: id)
        try Self.checkHeaders(configuration.additionalHeaders, provider: id)
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
        provider(id)?.descriptor.capabilities(for: model)
    }

    /// The native model names provider `id` offers, overrides included (empty when it is not registered).
    public func models(on id: ProviderID) -> [String] {
        provider(id)?.descriptor.models.map(\.model) ?? []
    }

    /// The providers that offer `model` (native name or alias), in registration order, whatever the
    /// fallback order says.
    public func providers(offering model: String) -> [ProviderID] {
        let name = model.trimmingWhitespaceAndNewlines()
        return providers.filter { $0.descriptor.capabilities(for: name) != nil }.map(\.id)
    }

    /// Every (provider, model) pair, in registration order.
    public var allModels: [(provider: ProviderID, capabilities: ModelCapabilities)] {
        providers.flatMap { entry in entry.descriptor.models.map { (entry.id, $0) } }
    }

    // MARK: Routing

    /// A candidate: a provider and the native name of the model it would run.
    public struct Candidate: Sendable {
        public let provider: RegisteredProvider
        public let capabilities: ModelCapabilities
        public var model: String { capabilities.model }
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
            } else if !providers.contains(where: { $0.descriptor.capabilities(for: name) != nil }) {
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
            guard let entry = provider(id), let capabilities = entry.descriptor.capabilities(for: name) else {
                continue
            }
            resolution.candidates.append(Candidate(provider: entry, capabilities: capabilities))
        }
        // A pinned call, or one naming its providers, is explicit enough: only those are considered. When the
        // app's fallback order leaves someone out, say who offers the model but was not asked.
        if customOrder != nil {
            let reason = "not in the fallback order set for \(ModelAliases.canonicalName(for: name))"
            for entry in providers where !seen.contains(entry.id) {
                if let capabilities = entry.descriptor.capabilities(for: name) {
                    resolution.leftOut.append(
                        SkippedCandidate(providerID: entry.id, model: capabilities.model, reason: reason))
                }
            }
        }
        return resolution
    }

    /// The ordered candidates for a model string, restricted to `only` when given (in that order).
    public func candidates(for model: String, only: [ProviderID]? = nil) -> [Candidate] {
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

    // MARK: Checks

    static func checkBaseURL(_ url: URL, allowInsecureHTTP: Bool, provider: ProviderID) throws(VideoProviderError) {
        let scheme = url.scheme?.lowercased()
        guard scheme == "https" || scheme == "http", let host = url.host, !host.isEmpty else {
            throw VideoProviderError(
                .configuration,
                "The base URL for \(provider) must be an absolute https URL, not '\(url.absoluteString)'.",
                providerID: provider)
        }
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        if components?.user != nil || components?.password != nil {
            // Never echo the URL: its user-info may be a credential.
            throw VideoProviderError(
                .configuration,
                "The base URL for \(provider) carries a user name or password; configure the API key instead.",
                providerID: provider)
        }
        if components?.query != nil || components?.fragment != nil {
            throw VideoProviderError(
                .configuration,
                "The base URL for \(provider) must not have a query or fragment ('\(url.absoluteString)'): endpoint paths are appended to it.",
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

    /// Headers the library writes itself; an app's copy would corrupt the body's framing.
    static let reservedHeaderNames: Set<String> = ["content-type", "content-length", "host", "transfer-encoding"]

    private static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    static func normalizedKey(_ key: APIKey?, provider: ProviderID) throws(VideoProviderError) -> APIKey? {
        guard let key else { return nil }
        let trimmed = key.secret.trimmingWhitespaceAndNewlines()
        if trimmed.isEmpty { return nil }
        if hasControlCharacters(trimmed) || trimmed.contains(" ") {
            throw VideoProviderError(
                .configuration,
                "The API key for \(provider) contains spaces or control characters; it cannot be sent in a header.",
                providerID: provider)
        }
        return trimmed == key.secret ? key : APIKey(trimmed)
    }

    static func checkHeaders(_ headers: HTTPHeaders, provider: ProviderID) throws(VideoProviderError) {
        for field in headers {
            let name = field.name
            let validName =
                !name.isEmpty
                && name.unicodeScalars.allSatisfy {
                    $0.isASCII && $0.value > 0x20 && $0.value != 0x7F
                        && !"()<>@,;:\\\"/[]?={}".unicodeScalars.contains($0)
                }
            guard validName, !hasControlCharacters(field.value) else {
                throw VideoProviderError(
                    .configuration,
                    "The extra header '\(hasControlCharacters(name) ? "(unprintable)" : name)' for \(provider) is not a valid HTTP header (control characters or an invalid name).",
                    providerID: provider)
            }
            if reservedHeaderNames.contains(name.lowercased()) {
                throw VideoProviderError(
                    .configuration,
                    "The extra header '\(name)' for \(provider) is set by the library for each request and cannot be configured.",
                    providerID: provider)
            }
        }
    }
}

/// The outcome of routing a request: who can serve it, in order, and who cannot and why.
public struct RoutePlan: Sendable {
    public struct Entry: Sendable {
        public var provider: RegisteredProvider { storage.provider }
        /// The request as it would be sent to this provider, defaults filled in.
        public var resolved: ResolvedVideoRequest { storage.resolved }
        public var providerID: ProviderID { provider.id }
        public var model: String { resolved.model }

        // Boxed for the same reason as `RegisteredProvider`: inline, an entry was 584 bytes, held across
        // every await of a submission.
        private final class Storage: Sendable {
            let provider: RegisteredProvider
            let resolved: ResolvedVideoRequest
            init(provider: RegisteredProvider, resolved: ResolvedVideoRequest) {
                self.provider = provider
                self.resolved = resolved
            }
        }

        private let storage: Storage

        init(provider: RegisteredProvider, resolved: ResolvedVideoRequest) {
            storage = Storage(provider: provider, resolved: resolved)
        }
    }

    /// The model string as requested.
    public let model: String
    public var eligible: [Entry]
    public var skipped: [SkippedCandidate]
    /// `true` when no registered provider has the model at all.
    public let modelIsUnknown: Bool
    /// The provider a `provider:model` string named when no such provider is registered.
    public let unknownProvider: ProviderID?
    /// The provider a `provider:model` string pinned, if any.
    public let pinnedProvider: ProviderID?
    /// The providers the call was limited to (`only`), if it was and no provider was pinned.
    public let chosenProviders: [ProviderID]?
    /// Every registered provider, for error messages.
    public let registeredProviders: [ProviderID]
    /// The model names that would have been accepted (the pinned provider's, or everyone's).
    public let knownModels: [String]

    init(
        model: String, eligible: [Entry], skipped: [SkippedCandidate], modelIsUnknown: Bool,
        unknownProvider: ProviderID? = nil, pinnedProvider: ProviderID? = nil, chosenProviders: [ProviderID]? = nil,
        registeredProviders: [ProviderID] = [], knownModels: [String] = []
    ) {
        self.model = model
        self.eligible = eligible
        self.skipped = skipped
        self.modelIsUnknown = modelIsUnknown
        self.unknownProvider = unknownProvider
        self.pinnedProvider = pinnedProvider
        self.chosenProviders = chosenProviders
        self.registeredProviders = registeredProviders
        self.knownModels = knownModels
    }

    /// The other eligible providers whose base URL has the same origin as `entry`'s, in route order.
    ///
    /// They share one failure domain: a connection failure on one (refused, DNS, TLS, a reset before any
    /// answer) skips the others for that submission; HTTP answers (429, 5xx) stay per provider, because one
    /// gateway origin serves many channels.
    public func providers(sharingOriginWith entry: Entry) -> [ProviderID] {
        guard let origin = entry.provider.origin else { return [] }
        return eligible.filter { $0.providerID != entry.providerID && $0.provider.origin == origin }.map(\.providerID)
    }

    /// The eligible providers, in the order they would be tried.
    public var providerIDs: [ProviderID] { eligible.map(\.providerID) }

    /// The error to throw when ``eligible`` is empty: an unregistered provider, an unknown model, the
    /// one candidate's violations, or every candidate and its reason.
    public func noCandidateError() -> VideoProviderError { noCandidateError(knownModels: knownModels) }

    /// ``noCandidateError()`` with the list of model names to suggest.
    public func noCandidateError(knownModels: [String]) -> VideoProviderError {
        if let unknownProvider {
            let registered = registeredProviders.map(\.rawValue).joined(separator: ", ")
            return VideoProviderError(
                .configuration,
                "'\(model)' names the provider '\(unknownProvider)', which is not registered (registered: \(registered.isEmpty ? "none" : registered)).",
                providerID: unknownProvider, model: model,
                violations: [Violation(parameter: "model", value: model, allowed: registered)])
        }
        if modelIsUnknown {
            let names = knownModels.isEmpty ? self.knownModels : knownModels
            let message: String
            if let pinned = pinnedProvider {
                let bare = model.split(separator: ":", maxSplits: 1).last.map(String.init) ?? model
                message = "\(pinned) does not offer the model '\(bare.trimmingWhitespace())'."
            } else if let chosen = chosenProviders, !chosen.isEmpty {
                let list = chosen.map(\.rawValue)
                message =
                    list.count == 1
                    ? "\(list[0]) does not offer the model '\(model)'."
                    : "None of the chosen providers (\(list.joined(separator: ", "))) offers the model '\(model)'."
            } else {
                message = "No configured provider offers the model '\(model)'."
            }
            return VideoProviderError(
                .unknownModel, message,
                providerID: pinnedProvider ?? chosenProviders.flatMap { $0.count == 1 ? $0[0] : nil },
                model: model,
                violations: [Violation(parameter: "model", value: model, allowed: names.joined(separator: ", "))])
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
        if let sameViolations = sharedViolations() { return sameViolations }
        let reasons = skipped.map { candidate in
            "\(candidate.providerID): "
                + (candidate.violations.isEmpty
                    ? candidate.reason : candidate.violations.map(\.description).joined(separator: "; "))
        }
        return VideoProviderError(
            .noEligibleProvider,
            "No provider can serve '\(model)' as requested (\(skipped.count) considered): "
                + reasons.joined(separator: " | ") + ".",
            model: model, skipped: skipped)
    }

    /// When every candidate refuses the request for the same parameters and values ("seconds = 99" on all
    /// four), the request itself is at fault, not the choice of provider: an ``VideoProviderError/Kind/invalidRequest``
    /// that says so once. The allowed values are listed per provider when they differ.
    private func sharedViolations() -> VideoProviderError? {
        guard skipped.count > 1, let first = skipped.first, !first.violations.isEmpty else { return nil }
        let key = { (candidate: SkippedCandidate) in candidate.violations.map { "\($0.parameter)=\($0.value)" } }
        guard skipped.allSatisfy({ key($0) == key(first) }) else { return nil }
        let sameAllowed = skipped.allSatisfy { $0.violations == first.violations }
        let violations =
            sameAllowed
            ? first.violations
            : first.violations.indices.map { index in
                let violation = first.violations[index]
                let allowed = skipped.map { "\($0.violations[index].allowed) on \($0.providerID)" }
                return Violation(
                    parameter: violation.parameter, value: violation.value, allowed: allowed.joined(separator: "; "),
                    reason: violation.reason)
            }
        let what = violations.map {
            sameAllowed ? $0.description : "\($0.parameter) = \($0.value) is not allowed"
        }
        return VideoProviderError(
            .invalidRequest,
            "Invalid request for '\(model)': " + what.joined(separator: "; ")
                + " (on every one of the \(skipped.count) providers that offer it).",
            model: model, violations: violations, skipped: skipped)
    }
}
