import Foundation
import Testing
import VideoProviderKit

/// The two transports the package ships. The conformance suite runs every test on both; the loopback
/// client suites (fault matrix, large bodies, hostile servers) run on ``selected``, which CI switches
/// with `VIDEOPROVIDERKIT_TRANSPORT` so they too run on both (`.ci/run`).
enum TransportKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case curl
    case urlSession

    var testDescription: String { self == .curl ? "CurlTransport" : "URLSessionTransport" }

    /// `VIDEOPROVIDERKIT_TRANSPORT` (`curl` or `urlsession`), else the platform's default.
    static var selected: TransportKind {
        switch ProcessInfo.processInfo.environment[DefaultHTTPTransport.environmentVariable]?.lowercased() {
        case "curl": return .curl
        case "urlsession": return .urlSession
        default: return DefaultHTTPTransport.prefersCurl ? .curl : .urlSession
        }
    }

    /// A transport of this kind. Proxies are off unless a test gives some, so the machine's own proxy
    /// settings cannot change a loopback test.
    func make(
        idleTimeout: Duration = .seconds(30), maximumRedirects: Int? = nil, proxies: ProxyConfiguration = .none,
        temporaryDirectory: URL? = nil, inMemoryBodyLimit: Int? = nil
    ) throws -> any HTTPTransport {
        switch self {
        case .curl:
            var configuration = CurlTransport.Configuration()
            configuration.idleTimeout = idleTimeout
            if let maximumRedirects { configuration.maximumRedirects = maximumRedirects }
            configuration.proxies = proxies
            return try CurlTransport(configuration: configuration)
        case .urlSession:
            var configuration = URLSessionTransport.Configuration()
            configuration.idleTimeout = idleTimeout
            if let maximumRedirects { configuration.maximumRedirects = maximumRedirects }
            if let temporaryDirectory { configuration.temporaryDirectory = temporaryDirectory }
            if let inMemoryBodyLimit { configuration.inMemoryBodyLimit = inMemoryBodyLimit }
            configuration.proxies = proxies
            return URLSessionTransport(configuration: configuration)
        }
    }
}
