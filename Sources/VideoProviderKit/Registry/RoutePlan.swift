public import Foundation

/// The outcome of routing a request: who can serve it, in order, and who cannot and why.
public struct RoutePlan: Sendable {
    /// A candidate that can serve the request: the provider, where it would be sent, and the request as
    /// that provider would get it.
    public struct Entry: Sendable {
        package let endpoint: ProviderEndpoint
        /// The request as it would be sent to this provider, defaults filled in.
        public let resolved: ResolvedVideoRequest

        init(endpoint: ProviderEndpoint, resolved: ResolvedVideoRequest) {
            self.endpoint = endpoint
            self.resolved = resolved
        }

        public var provider: RegisteredProvider { endpoint.registration }
        public var providerID: ProviderID { endpoint.id }
        public var model: String { resolved.model }
        /// Where the submission would go.
        public var baseURL: URL { endpoint.baseURL }

        /// The context the provider builds the submission with.
        package func context(boundary: String = MultipartBody.randomBoundary()) -> ProviderContext {
            endpoint.context(boundary: boundary)
        }
    }

    /// The model string as requested.
    public let model: String
    public var eligible: [Entry]
    public var skipped: [SkippedCandidate]
    /// `true` when no registered provider has the model at all.
    public let modelIsUnknown: Bool
    /// The provider a `provider:model` string named when no such provider is registered.
    package let unknownProvider: ProviderID?
    /// The provider a `provider:model` string pinned, if any.
    package let pinnedProvider: ProviderID?
    /// The providers the call was limited to (`only`), if it was and no provider was pinned.
    package let chosenProviders: [ProviderID]?
    /// Every registered provider, for error messages.
    package let registeredProviders: [ProviderID]
    /// The model names that would have been accepted (the pinned provider's, or everyone's).
    package let knownModels: [String]

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
    package func providers(sharingOriginWith entry: Entry) -> [ProviderID] {
        guard let origin = entry.endpoint.origin else { return [] }
        return eligible.filter { $0.providerID != entry.providerID && $0.endpoint.origin == origin }.map(\.providerID)
    }

    /// The eligible providers, in the order they would be tried.
    public var providerIDs: [ProviderID] { eligible.map(\.providerID) }

    /// The error to throw when ``eligible`` is empty: an unregistered provider, an unknown model, the
    /// one candidate's violations, or every candidate and its reason.
    public func noCandidateError() -> VideoProviderError {
        if let unknownProvider {
            let registered = registeredProviders.map(\.rawValue).joined(separator: ", ")
            return VideoProviderError(
                .configuration,
                "'\(model)' names the provider '\(unknownProvider)', which is not registered (registered: \(registered.isEmpty ? "none" : registered)).",
                providerID: unknownProvider, model: model,
                violations: [Violation(parameter: "model", value: model, allowed: registered)])
        }
        if modelIsUnknown {
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
