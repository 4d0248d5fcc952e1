import Foundation
import VideoProviderKit

/// Where a request goes: which gateway (or the CDN) and which of its endpoints.
struct Endpoint {
    enum Action {
        case submit
        case status(String)
        case content(String)
        case unknownPath
        case wrongMethod(allowed: String)
        case result(String)
    }

    enum Target {
        case gateway(GatewaySimulator.Gateway, Action)
        case cdn(file: String)
        case unknownHost
    }

    let target: Target
    let baseURL: URL?

    var isUnknownHost: Bool {
        if case .unknownHost = target { return true }
        return false
    }

    var baseKey: String? { baseURL.map(Self.baseKey) }

    var gatewayName: String? {
        switch target {
        case .gateway(let gateway, _): return gateway.name
        case .cdn: return "CDN"
        case .unknownHost: return nil
        }
    }

    var operation: GatewaySimulator.Operation {
        switch target {
        case .gateway(_, .submit): return .submit
        case .gateway(_, .status): return .status
        case .gateway(_, .content), .cdn: return .content
        case .gateway(_, .unknownPath), .gateway(_, .wrongMethod), .unknownHost: return .other
        case .gateway(_, .result): return .result
        }
    }

    var taskID: String? {
        switch target {
        case .gateway(_, .status(let id)), .gateway(_, .content(let id)): return id
        case .cdn(let file) where file.hasSuffix(".mp4"): return String(file.dropLast(4))
        default: return nil
        }
    }

    /// `scheme://host:port`, lower-cased, with the default port made explicit.
    static func origin(_ url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host(percentEncoded: false)?.lowercased(),
            !host.isEmpty
        else { return nil }
        let port = url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        return "\(scheme)://\(host):\(port)"
    }

    /// The origin plus the path prefix without a trailing slash: how gateways are told apart.
    static func baseKey(_ url: URL) -> String {
        guard let origin = origin(url) else { return url.absoluteString }
        var path = url.path(percentEncoded: true)
        while path.hasSuffix("/") { path.removeLast() }
        return origin + path
    }

    static func route(
        _ url: URL, method: HTTPMethod, gateways: [GatewaySimulator.Gateway], cdn: URL
    ) -> Endpoint {
        guard let origin = origin(url) else { return Endpoint(target: .unknownHost, baseURL: nil) }
        let path = url.path(percentEncoded: true)
        var best: (gateway: GatewaySimulator.Gateway?, base: URL, prefixLength: Int)?
        let candidates: [(GatewaySimulator.Gateway?, URL)] = gateways.map { ($0, $0.baseURL) } + [(nil, cdn)]
        for (gateway, base) in candidates {
            let key = baseKey(base)
            guard key == origin || key.hasPrefix(origin + "/") else { continue }
            let prefix = String(key.dropFirst(origin.count))
            guard path == prefix || path.hasPrefix(prefix + "/") || (prefix.isEmpty && path.isEmpty) else { continue }
            if best.map({ prefix.count > $0.prefixLength }) ?? true {
                best = (gateway, base, prefix.count)
            }
        }
        guard let best else {
            // A served host, but no gateway's path prefix: that host answers 404.
            if let gateway = gateways.first(where: {
                let key = baseKey($0.baseURL)
                return key == origin || key.hasPrefix(origin + "/")
            }) {
                return Endpoint(target: .gateway(gateway, .unknownPath), baseURL: gateway.baseURL)
            }
            return Endpoint(target: .unknownHost, baseURL: nil)
        }
        let segments = path.dropFirst(best.prefixLength).split(separator: "/").map {
            $0.removingPercentEncoding ?? String($0)
        }
        guard let gateway = best.gateway else {
            let file = segments.count == 2 && segments[0] == "videos" ? segments[1] : ""
            return Endpoint(target: .cdn(file: file), baseURL: best.base)
        }
        if gateway.dialect == .miniMax {
            return miniMaxEndpoint(gateway, segments, url: url, method: method, best.base)
        }
        return Endpoint(
            target: .gateway(
                gateway, action(segments, method: method, dialect: gateway.dialect, flavor: gateway.flavor)),
            baseURL: best.base)
    }

    private static func action(
        _ segments: [String], method: HTTPMethod, dialect: GatewaySimulator.Dialect, flavor: GatewaySimulator.Flavor
    ) -> Action {
        func expect(_ allowed: HTTPMethod, _ action: Action) -> Action {
            method == allowed ? action : .wrongMethod(allowed: allowed.rawValue)
        }
        if flavor == .newAPIXAI {
            // new-api's video router: xAI-native `/v1/videos` and `/v1/videos/generations`, the OpenAI-compatible
            // `/openai/v1/videos`, and the content proxy under both.
            var rest = segments
            if rest.first == "openai" { rest.removeFirst() }
            if rest == ["v1", "videos"] || (segments == ["v1", "videos", "generations"] && method == .post) {
                return expect(.post, .submit)
            }
            if rest.count == 3, rest[0] == "v1", rest[1] == "videos" { return expect(.get, .status(rest[2])) }
            if rest.count == 4, rest[0] == "v1", rest[1] == "videos", rest[3] == "content" {
                return expect(.get, .content(rest[2]))
            }
            return .unknownPath
        }
        switch dialect {
        case .kyyReact:
            if segments == ["v1", "grok", "videos"] { return expect(.post, .submit) }
            if segments.count == 3, segments[0] == "v1", segments[1] == "result" {
                return expect(.get, .status(segments[2]))
            }
        case .openAIFormat:
            if segments == ["v1", "videos"] { return expect(.post, .submit) }
            if segments.count == 3, segments[0] == "v1", segments[1] == "videos" {
                return expect(.get, .status(segments[2]))
            }
            if segments.count == 4, segments[0] == "v1", segments[1] == "videos", segments[3] == "content" {
                return expect(.get, .content(segments[2]))
            }
        case .xAI:
            if segments == ["v1", "videos", "generations"] { return expect(.post, .submit) }
            if segments.count == 3, segments[0] == "v1", segments[1] == "videos" {
                return expect(.get, .status(segments[2]))
            }
        case .runway: return RunwayWire.action(segments, method: method)
        case .gemini: return GeminiWire.action(segments, method: method)
        case .miniMax: break
        case .kling: return KlingDialect.action(segments, method: method)
        }
        return .unknownPath
    }
}

/// Where a dialect takes the API key.
enum KeyPlacement: Equatable {
    /// `Authorization: Bearer <key>`.
    case bearer
    /// `<name>: <key>`, the key as it is.
    case header(String)
}

extension GatewaySimulator.Dialect {
    /// Where this dialect's gateways read the key.
    var keyPlacement: KeyPlacement {
        switch self {
        case .kyyReact, .openAIFormat, .xAI, .runway, .miniMax, .kling: return .bearer
        case .gemini: return GeminiWire.keyPlacement
        }
    }
}

/// API key checks: `Authorization: Bearer <token>`, or the header a dialect names.
enum Auth {
    /// The token of a `Bearer` header, or `nil` when the header is missing, another scheme, or empty.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingWhitespace()
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).trimmingWhitespace()
        return token.isEmpty ? nil : token
    }

    /// The key `headers` present where `placement` puts it, or `nil` when there is none.
    static func presentedKey(_ headers: HTTPHeaders, _ placement: KeyPlacement) -> String? {
        switch placement {
        case .bearer: return bearerToken(headers["Authorization"])
        case .header(let name):
            let key = headers[name]?.trimmingWhitespace()
            return key?.isEmpty == false ? key : nil
        }
    }

    /// Why `headers` do not authorize a request to `gateway` (where its dialect takes the key), or `nil`
    /// when they do. Messages never repeat the key; the codes are `missing_api_key` and `invalid_api_key`.
    static func check(_ headers: HTTPHeaders, gateway: GatewaySimulator.Gateway) -> (message: String, code: String)? {
        guard case .header(let name) = gateway.dialect.keyPlacement else {
            return check(headers["Authorization"], gateway: gateway)
        }
        guard let key = presentedKey(headers, .header(name)) else {
            return ("Missing \(name) header; send '\(name): <API key>'.", "missing_api_key")
        }
        if let expected = gateway.expectedAPIKey, expected.secret != key {
            return ("Invalid API key.", "invalid_api_key")
        }
        return nil
    }

    /// Why the `Authorization` header does not authorize a request to `gateway`, or `nil` when it does.
    /// Messages never repeat the key.
    static func check(_ header: String?, gateway: GatewaySimulator.Gateway) -> (message: String, code: String)? {
        guard header != nil else {
            return ("Missing Authorization header; send 'Authorization: Bearer <API key>'.", "missing_api_key")
        }
        guard let token = bearerToken(header) else {
            return ("The Authorization header must be 'Bearer <API key>' with a non-empty key.", "invalid_api_key")
        }
        if let expected = gateway.expectedAPIKey, expected.secret != token {
            return ("Invalid API key.", "invalid_api_key")
        }
        return nil
    }
}
