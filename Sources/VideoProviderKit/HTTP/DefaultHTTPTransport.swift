public import Foundation

/// The transport ``VideoClient`` uses when the app gives none.
///
/// ``CurlTransport`` on Linux (and other platforms without Apple's `URLSession`), ``URLSessionTransport``
/// on Apple platforms. When libcurl cannot be loaded, ``URLSessionTransport`` stands in and
/// ``Choice/fallbackReason`` says why; ``VideoClient`` reports it once to its observer as
/// ``VideoClientEvent/transportFallback(reason:)``. The library prints nothing.
///
/// The environment variable `VIDEOPROVIDERKIT_TRANSPORT` overrides the choice: `curl` or `urlsession`
/// (an escape hatch for operators, and how CI runs the whole test suite on both). libcurl is loaded from
/// `libcurl.so.4` unless `VIDEOPROVIDERKIT_LIBCURL` names another file.
public enum DefaultHTTPTransport {
    /// A transport, and why it is not the one asked for (if it is not).
    public struct Choice: Sendable {
        public let transport: any HTTPTransport
        /// Set when ``CurlTransport`` was wanted but could not be used; says why.
        public let fallbackReason: String?
    }

    /// The environment variable that picks the transport.
    public static let environmentVariable = "VIDEOPROVIDERKIT_TRANSPORT"

    /// Whether this platform's default is ``CurlTransport``.
    public static var prefersCurl: Bool {
        #if canImport(FoundationNetworking)
            return true
        #else
            return false
        #endif
    }

    /// Builds the default transport with default settings.
    public static func make(environment: [String: String] = ProcessInfo.processInfo.environment) -> Choice {
        make(
            curl: CurlTransport.Configuration(), urlSession: URLSessionTransport.Configuration(),
            environment: environment)
    }

    /// Builds the default transport with these settings for whichever is chosen.
    public static func make(
        curl: CurlTransport.Configuration, urlSession: URLSessionTransport.Configuration,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Choice {
        let wanted = environment[environmentVariable]?.trimmingWhitespace().lowercased()
        let useCurl: Bool
        switch wanted {
        case "curl": useCurl = true
        case "urlsession": useCurl = false
        default: useCurl = prefersCurl
        }
        guard useCurl else {
            return Choice(transport: URLSessionTransport(configuration: urlSession), fallbackReason: nil)
        }
        do {
            return Choice(transport: try CurlTransport(configuration: curl), fallbackReason: nil)
        } catch {
            return Choice(
                transport: URLSessionTransport(configuration: urlSession),
                fallbackReason: "CurlTransport is unavailable (\(error.message)); using URLSessionTransport")
        }
    }
}
