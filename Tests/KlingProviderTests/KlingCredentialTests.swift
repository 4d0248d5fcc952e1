import Foundation
import KlingProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Kling's two credentials: the API key as a bearer token, and the access-key / secret-key JWT ("Follow JWT
/// (Json Web Token, RFC 7519) standard": HS256, `iss` the access key, `exp` now + 1800, `nbf` now − 5).
@Suite struct KlingCredentialTests {
    static let base = URL(string: "https://api-singapore.klingai.com")!
    static let signedAt = Date(timeIntervalSince1970: 1_700_000_000)
    /// Computed with Python's `hmac`/`hashlib` for the research notes: AK `ak_test`, SK `sk_test`, now 1700000000.
    static let vector =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJha190ZXN0IiwiZXhwIjoxNzAwMDAxODAwLCJuYmYiOjE2OTk5OTk5OTV9.eDa_F6Qhv7yHoYstKBIL6uubYWDLHLekl_49ClsUCf4"

    static func context(secret: String = "sk_test", accessKey: String = "ak_test") -> ProviderContext {
        ProviderContext(
            baseURL: base, apiKey: APIKey(secret),
            credentials: KlingProvider.accessKeyCredentials(accessKey: accessKey),
            credentialDate: signedAt)
    }

    static func submit(_ context: ProviderContext) throws -> HTTPRequest {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "kling-v2-6", prompt: "Rain"), on: KlingProvider().descriptor)
        return try KlingProvider().submitRequest(for: resolved, context: context)
    }

    static func base64URLDecoded(_ text: Substring) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }

    @Test func theJWTIsTheDocumentedTokenByteForByte() throws {
        let request = try Self.submit(Self.context())
        #expect(request.headers["Authorization"] == "Bearer " + Self.vector)
        let status = try KlingProvider().statusRequest(
            taskID: "text2video/867283741759111202", model: "kling-v2-6", context: Self.context())
        #expect(status.headers["Authorization"] == "Bearer " + Self.vector)
    }

    /// The token verifies against the secret key with the core's HMAC-SHA256, and its claims are Kling's.
    @Test func theJWTVerifiesAgainstTheSecretKey() throws {
        let secret = "b7f0c2e4-secret-key-91d3a6"
        let header = try #require(
            try Self.submit(Self.context(secret: secret, accessKey: "AKq1w2e3")).headers["Authorization"])
        #expect(header.hasPrefix("Bearer "))
        let parts = header.dropFirst("Bearer ".count).split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        let expected = HMACSHA256.authenticationCode(for: signingInput, key: Array(secret.utf8))
        #expect(Self.base64URLDecoded(parts[2]).map(Array.init) == expected)
        let wrong = HMACSHA256.authenticationCode(for: signingInput, key: Array("another-secret".utf8))
        #expect(Self.base64URLDecoded(parts[2]).map(Array.init) != wrong)
        #expect(
            Self.base64URLDecoded(parts[0]).map { String(decoding: $0, as: UTF8.self) }
                == #"{"alg":"HS256","typ":"JWT"}"#)
        #expect(
            Self.base64URLDecoded(parts[1]).map { String(decoding: $0, as: UTF8.self) }
                == #"{"iss":"AKq1w2e3","exp":1700001800,"nbf":1699999995}"#)
        #expect(!header.contains(secret))
    }

    @Test func theSecretKeyIsNeverShown() throws {
        let secret = "b7f0c2e4-secret-key-91d3a6"
        let request = try Self.submit(Self.context(secret: secret))
        #expect(request.headers.isSensitive("Authorization"))
        let shown = request.headers.redacted().map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        #expect(shown.contains("Authorization: Bearer [redacted]"))
        #expect(!shown.contains(secret))
        #expect(!String(describing: Self.context(secret: secret)).contains(secret))
    }

    @Test func theAPIKeyIsABearerTokenAsItIs() throws {
        let request = try Self.submit(ProviderContext(baseURL: Self.base, apiKey: APIKey("kling-api-key-0123")))
        #expect(KlingProvider().credentialScheme == .bearer)
        #expect(request.headers["Authorization"] == "Bearer kling-api-key-0123")
    }

    /// A registration with the access key signs every request of the client.
    @Test func aRegistrationWithAnAccessKeySigns() throws {
        var configuration = ProviderConfiguration(provider: KlingProvider(), apiKey: APIKey("sk_test"))
        configuration.credentials = KlingProvider.accessKeyCredentials(accessKey: "ak_test")
        var registry = ProviderRegistry()
        try registry.register(configuration)
        let registered = try #require(registry.provider("kling"))
        #expect(registered.credentialScheme == KlingProvider.accessKeyCredentials(accessKey: "ak_test"))
    }

    /// A server that quotes the signed token back (as some quote keys) has it scrubbed like the key: the
    /// token opens the account for half an hour.
    @Test func aTokenQuotedBackIsScrubbedFromTheError() async throws {
        let transport = TokenEchoTransport()
        var configuration = ProviderConfiguration(
            provider: KlingProvider(), apiKey: APIKey("b7f0c2e4-secret-key-91d3a6"))
        configuration.credentials = KlingProvider.accessKeyCredentials(accessKey: "ak_test")
        var registry = ProviderRegistry()
        try registry.register(configuration)
        let client = VideoClient(registry: registry, transport: transport)
        let error = await #expect(throws: VideoProviderError.self) {
            try await client.submit(VideoRequest(model: "kling-v2-6", prompt: "Rain"))
        }
        let token = try #require(transport.tokens.first)
        #expect(token.hasPrefix("eyJ"))
        let shown = String(describing: error) + (error?.vendorMessage ?? "")
        #expect(!shown.contains(token))
        #expect(!shown.contains(String(token.suffix(20))))
        #expect(error?.vendorMessage?.contains("[redacted]") == true)
        #expect(error?.vendorCode == "1200")
    }
}

/// Answers every request with Kling's 400 envelope quoting the `Authorization` header it got.
private final class TokenEchoTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []  // guarded by `lock`
    var tokens: [String] { lock.withLock { seen } }

    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        let header = request.headers["Authorization"] ?? ""
        let token = String(header.dropFirst("Bearer ".count))
        lock.withLock { seen.append(token) }
        let body = #"{"code":1200,"message":"bad request for token \#(token)","request_id":"r-1"}"#
        return HTTPResponse(
            status: 400, headers: ["Content-Type": "application/json"], body: Data(body.utf8), url: request.url)
    }
}
