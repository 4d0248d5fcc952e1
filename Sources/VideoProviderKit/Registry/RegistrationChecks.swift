import Foundation

// What registration refuses: unsafe or unusable base URLs, keys and headers that would corrupt a request.
extension ProviderRegistry {
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
    package static func isLoopback(_ host: String) -> Bool {
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

    /// A registration id is what `<ID>_API_KEY`, `id:model` pins and jobs name: lower-case letters, digits
    /// and `-`, starting with a letter or digit.
    static func checkRegistrationID(_ id: ProviderID) throws(VideoProviderError) {
        let text = id.rawValue
        let valid =
            !text.isEmpty && !text.hasPrefix("-")
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard valid else {
            throw VideoProviderError(
                .configuration, "'\(text)' cannot be a registration id.", providerID: id,
                violations: [
                    Violation(
                        parameter: "registration-id", value: "\"\(text)\"",
                        allowed: "lower-case letters, digits and '-', not starting with '-'")
                ])
        }
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
