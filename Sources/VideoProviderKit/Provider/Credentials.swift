public import Foundation

/// How a provider's key goes on the wire.
///
/// Most gateways take `Authorization: Bearer <key>` (``bearer``, the default). Others name their own
/// header (Google's `x-goog-api-key`: ``header(_:)``), want fixed headers beside it (Runway's
/// `X-Runway-Version`: ``adding(_:)``), or a token signed per request from the key (Kling's access-key /
/// secret-key JWT: ``signedBearer(_:)``). ``ProviderContext/standardHeaders(accept:)`` applies the scheme,
/// so a provider never writes a credential itself.
///
/// Every header the scheme writes a credential into, and every name in ``sensitiveHeaderNames``, is a
/// secret wherever the request goes: shown as `[redacted]` (``HTTPHeaders/redacted()``), never through a
/// proxy in clear, dropped on a redirect to another origin and from a download on another host.
public struct CredentialScheme: Sendable, Hashable {
    /// Where the credential goes.
    public enum Placement: Sendable, Hashable {
        /// `Authorization: Bearer <key>`.
        case bearer
        /// `<name>: <key>`, the key as it is.
        case header(String)
        /// `Authorization: Bearer <token>`, the token signed from the key for each request.
        case signedBearer(JSONWebTokenSigner)
    }

    public var placement: Placement
    /// Fixed headers sent with every request to the vendor (after `Accept`): a version pin, never a secret.
    public var fixedHeaders: HTTPHeaders
    /// Further header names whose values are secrets, beyond the built-in ``HTTPHeaders/sensitiveNames``
    /// and the header the credential goes in.
    public var additionalSensitiveHeaderNames: Set<String>

    public init(
        placement: Placement, fixedHeaders: HTTPHeaders = HTTPHeaders(),
        additionalSensitiveHeaderNames: Set<String> = []
    ) {
        self.placement = placement
        self.fixedHeaders = fixedHeaders
        self.additionalSensitiveHeaderNames = Set(additionalSensitiveHeaderNames.map { $0.lowercased() })
    }

    /// `Authorization: Bearer <key>`: what every Grok gateway and OpenAI-format API takes.
    public static let bearer = CredentialScheme(placement: .bearer)

    /// The key as it is in the header `name` (`x-goog-api-key`), which becomes sensitive.
    public static func header(_ name: String) -> CredentialScheme { CredentialScheme(placement: .header(name)) }

    /// `Authorization: Bearer <token>` with a token `signer` makes from the key for each request.
    public static func signedBearer(_ signer: JSONWebTokenSigner) -> CredentialScheme {
        CredentialScheme(placement: .signedBearer(signer))
    }

    /// This scheme with `headers` sent beside the credential on every request.
    public func adding(_ headers: HTTPHeaders) -> CredentialScheme {
        var copy = self
        for field in headers { copy.fixedHeaders[field.name] = field.value }
        return copy
    }

    /// The header the credential goes in.
    public var credentialHeaderName: String {
        if case .header(let name) = placement { return name }
        return "Authorization"
    }

    /// Every header name (lower-cased) whose value is a secret under this scheme, beyond the built-in ones.
    public var sensitiveHeaderNames: Set<String> {
        additionalSensitiveHeaderNames.union([credentialHeaderName.lowercased()])
    }

    /// Writes the credential for `key` and the fixed headers into `headers`, in the order the wire shows
    /// them. `date` is when the request is built: a signed token is valid from just before it.
    package func apply(_ key: APIKey?, date: Date, to headers: inout HTTPHeaders) {
        for name in sensitiveHeaderNames { headers.markSensitive(name) }
        guard let key else { return }
        switch placement {
        case .bearer:
            headers["Authorization"] = key.bearerHeaderValue
        case .header(let name):
            headers[name] = key.secret
        case .signedBearer(let signer):
            headers["Authorization"] = "Bearer " + signer.token(secretKey: key, at: date)
        }
    }
}

/// Signs a JSON Web Token (RFC 7519) with HMAC-SHA256 (`HS256`) from an access key and a secret key:
/// Kling's scheme. The header is `{"alg":"HS256","typ":"JWT"}`, the claims `iss` (the access key), `exp`
/// (``lifetime`` after signing) and `nbf` (``clockSkewAllowance`` before it), in that order, as integers
/// of Unix time; the parts are base64url without padding.
///
/// The access key names the account (it is readable in every token); the secret key is the
/// ``APIKey`` the registration holds and never leaves the process.
public struct JSONWebTokenSigner: Sendable, Hashable {
    public var accessKey: String
    /// How long a token is valid: Kling's documented 1,800 s by default.
    public var lifetime: Duration
    /// How long before signing a token is already valid, for a server clock slightly behind: 5 s.
    public var clockSkewAllowance: Duration

    public init(accessKey: String, lifetime: Duration = .seconds(1800), clockSkewAllowance: Duration = .seconds(5)) {
        self.accessKey = accessKey
        self.lifetime = lifetime
        self.clockSkewAllowance = clockSkewAllowance
    }

    /// The token for `secretKey` signed at `date`.
    public func token(secretKey: APIKey, at date: Date) -> String {
        let now = Int64(date.timeIntervalSince1970.rounded(.down))
        let payload =
            "{\"iss\":\(Self.jsonString(accessKey)),\"exp\":\(now + lifetime.components.seconds),"
            + "\"nbf\":\(now - clockSkewAllowance.components.seconds)}"
        let signingInput =
            Self.base64URL(Array("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".utf8)) + "."
            + Self.base64URL(Array(payload.utf8))
        let signature = HMACSHA256.authenticationCode(for: Array(signingInput.utf8), key: Array(secretKey.secret.utf8))
        return signingInput + "." + Self.base64URL(signature)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension VideoProvider {
    /// `Authorization: Bearer <key>`: what most gateways take.
    public var credentialScheme: CredentialScheme { .bearer }
}

/// A key that can change while clients use it: key rotation without a new client.
///
/// Give one to a registration (``ProviderConfiguration/keySource``); every request reads the key current
/// when its headers are built, so after ``rotate(to:)`` the next request carries the new key and a request
/// already on its way keeps the one it was built with.
public final class APIKeySource: @unchecked Sendable, CustomStringConvertible {
    // `@unchecked`: `key` is read and written only under `lock`.
    private let lock = NSLock()
    private var key: APIKey?

    /// A source holding `key` (trimmed; an empty key is none). A key with spaces or control characters
    /// is refused when it is registered or rotated in, never sent.
    public init(_ key: APIKey?) { self.key = key }

    /// The key requests carry now.
    public var current: APIKey? { lock.withLock { key } }

    /// Replaces the key for every request built from now on. Surrounding whitespace is trimmed and an
    /// empty key means none (the registration then cannot send); a key with spaces or control characters
    /// is refused with ``VideoProviderError/Kind/configuration`` and the current key stays.
    public func rotate(to newKey: APIKey?) throws(VideoProviderError) {
        let normalized = try ProviderRegistry.normalizedKey(newKey, provider: "key-source")
        lock.withLock { key = normalized }
    }

    /// Whether a key is set; never the key.
    public var description: String { current == nil ? "APIKeySource(none)" : "APIKeySource([redacted])" }
}
