import CCurlLoader
import Foundation

/// libcurl, loaded at run time once per process (see `Sources/CCurlLoader`).
enum CurlLibrary {
    /// `nil` once libcurl is loaded and usable; otherwise why it is not.
    static let loadFailure: String? = {
        var reason = [CChar](repeating: 0, count: 512)
        let loaded = reason.withUnsafeMutableBufferPointer { vpk_curl_load($0.baseAddress, $0.count) }
        guard loaded != 1 else { return nil }
        return reason.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }()

    /// `7.88.1`, or `nil` when libcurl is not loaded.
    static var version: String? {
        guard loadFailure == nil else { return nil }
        return String(cString: vpk_curl_version())
    }

    /// Whether the loaded libcurl was built with HTTP/2.
    static var supportsHTTP2: Bool { loadFailure == nil && vpk_curl_has_http2() == 1 }

    /// libcurl's text for a `CURLcode`.
    static func describe(_ code: Int32) -> String { String(cString: vpk_curl_easy_strerror(code)) }
}
