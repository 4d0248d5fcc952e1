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
    /// How the key goes on the wire for this registration, when it differs from the provider's own
    /// ``VideoProvider/credentialScheme`` (Kling's access-key/secret-key JWT instead of its plain key).
    public var credentials: CredentialScheme?
    /// A key the app can change while clients use this registration (``APIKeySource/rotate(to:)``). When set,
    /// each request reads its current key and ``apiKey`` is not used.
    public var keySource: APIKeySource?
    /// The id this registration goes by, when it is not the provider's own: two OpenAI-format gateways, or
    /// two accounts of one gateway, side by side (`gw-a`, `gw-b`). Lower-case letters, digits and `-`.
    public var registrationID: ProviderID?

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
public struct RegisteredProvider: Sendable, CustomStringConvertible, CustomReflectable {
    // The fields live in a `CopyOnWrite`: every status call and download carries a registration across
    // its awaits (docs/performance.md, `jobs`).
    private struct Fields: Sendable {
        let id: ProviderID
        let configuration: ProviderConfiguration
        let descriptor: ProviderDescriptor
    }

    private let storage: CopyOnWrite<Fields>

    init(id: ProviderID, configuration: ProviderConfiguration, descriptor: ProviderDescriptor) {
        storage = CopyOnWrite(Fields(id: id, configuration: configuration, descriptor: descriptor))
    }

    /// The registration in one line; the key shows only whether there is one.
    public var description: String {
        readableDescription(
            "RegisteredProvider",
            [
                "id": id.rawValue, "baseURL": baseURL, "key": apiKey == nil ? "none" : "set",
                "models": descriptor.models.map(\.model).joined(separator: " "),
            ])
    }

    public var customMirror: Mirror { storage.mirror(of: self) }

    /// The registration's id: what routes, jobs, cooldowns and events name. The provider's own id unless
    /// the app registered it under another (``ProviderConfiguration/registrationID``).
    public var id: ProviderID { storage.box.value.id }
    public var configuration: ProviderConfiguration { storage.box.value.configuration }
    /// The descriptor with capability overrides applied.
    public var descriptor: ProviderDescriptor { storage.box.value.descriptor }

    public var provider: any VideoProvider { storage.box.value.configuration.provider }
    /// The base URL requests go to, or `nil` when neither the app nor a vendor document gave one.
    public var baseURL: URL? {
        storage.box.value.configuration.baseURL ?? storage.box.value.descriptor.documentedBaseURL
    }

    /// The origin of ``baseURL`` (`https://zcbservice.aizfw.cn`), or `nil` without a base URL. Providers with
    /// the same origin are one failure domain for connection failures: see ``VideoClient/submit(_:options:)``.
    package var origin: String? { baseURL.flatMap(Origin.init)?.description }

    /// Why this provider cannot send anything at all, or `nil` when it is ready.
    public var unavailableReason: String? {
        guard case .unavailable(let reason) = readiness else { return nil }
        return reason
    }

    /// Whether a request can be sent: a base URL and a key, or why not.
    package enum Readiness: Sendable {
        case ready(ProviderEndpoint)
        case unavailable(String)
    }

    package var readiness: Readiness {
        guard let endpoint = ProviderEndpoint(self) else {
            if descriptor.defaultBaseURL != nil {
                return .unavailable(
                    "no base URL configured (the provider's default is not backed by a vendor document; set one)")
            }
            return .unavailable("no base URL configured (this gateway has no default; set one)")
        }
        if apiKey == nil {
            return .unavailable("no API key configured (\(id.apiKeyEnvironmentVariable))")
        }
        return .ready(endpoint)
    }

    /// The key requests carry now: the key source's current key when the app gave one, else the key.
    package var apiKey: APIKey? {
        let configuration = storage.box.value.configuration
        if let source = configuration.keySource { return source.current }
        return configuration.apiKey
    }
    var secret: String? { apiKey?.secret }
    /// How the key goes on the wire: the registration's scheme, else the provider's.
    public var credentialScheme: CredentialScheme {
        storage.box.value.configuration.credentials ?? storage.box.value.configuration.provider.credentialScheme
    }
    var additionalHeaders: HTTPHeaders { storage.box.value.configuration.additionalHeaders }

    /// The context providers build requests with, or `nil` without a base URL.
    package func context(boundary: String = MultipartBody.randomBoundary()) -> ProviderContext? {
        ProviderEndpoint(self)?.context(boundary: boundary)
    }
}

/// A registered provider together with the base URL its requests go to.
///
/// Planning makes one for every eligible candidate, and a job gets one when its base URL matches the
/// registry's: from then on the client holds the proof that there is somewhere to send, instead of asking
/// again at each step.
package struct ProviderEndpoint: Sendable {
    package let registration: RegisteredProvider
    package let baseURL: URL

    /// `nil` when the registration has no base URL.
    package init?(_ registration: RegisteredProvider) {
        guard let baseURL = registration.baseURL else { return nil }
        self.registration = registration
        self.baseURL = baseURL
    }

    package var id: ProviderID { registration.id }
    package var provider: any VideoProvider { registration.provider }
    /// The API key's text, for scrubbing it from what the vendor sends back.
    package var secret: String? { registration.secret }
    package var additionalHeaders: HTTPHeaders { registration.additionalHeaders }

    package var origin: String? { registration.origin }

    /// The context providers build requests with; a signed credential is signed at `date` (the client's
    /// clock's wall time, so a simulated gateway on the same clock checks it against the same time).
    package func context(boundary: String, signedAt date: Date? = nil) -> ProviderContext {
        ProviderContext(
            baseURL: baseURL, apiKey: registration.apiKey, additionalHeaders: registration.additionalHeaders,
            multipartBoundary: boundary, credentials: registration.credentialScheme, credentialDate: date)
    }
}
