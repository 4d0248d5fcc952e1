import Foundation
import VideoProviderKit

/// The library's side of a replay: an in-process ``HTTPTransport`` that answers as the case's script says
/// (the same rules the loopback peer follows for `videogen`), and records what was asked of whom.
final class ReplayTransport: HTTPTransport, @unchecked Sendable {
    struct Seen: Sendable {
        let server: String
        let method: String
        let path: String
        let authorized: Bool
    }

    static let gateway = URL(string: "https://gateway.replay.invalid")!
    static let cdn = URL(string: "https://cdn.replay.invalid")!

    private let lock = NSLock()
    private var rules: [(rule: ReplayRule, next: Int)]  // guarded by `lock`
    private var seen: [Seen] = []  // guarded by `lock`

    init(_ replay: ReplayCase) {
        rules = replay.rules.map { ($0, 0) }
    }

    var requests: [Seen] { lock.withLock { seen } }

    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        let host = request.url.host ?? ""
        let server = host == Self.cdn.host ? "cdn" : "api"
        let path = request.url.path(percentEncoded: true)
        let answer: ReplayAnswer? = lock.withLock {
            seen.append(
                Seen(
                    server: server, method: request.method.rawValue, path: path,
                    authorized: request.headers["Authorization"] != nil))
            guard
                let index = rules.firstIndex(where: {
                    $0.rule.server == server && $0.rule.method == request.method.rawValue
                        && path.hasPrefix($0.rule.path) && $0.next < $0.rule.answers.count
                })
            else { return nil }
            let answer = rules[index].rule.answers[rules[index].next]
            rules[index].next += 1
            return answer
        }
        var response: HTTPResponse
        if let answer {
            let body = answer.body(api: Self.origin(Self.gateway), cdn: Self.origin(Self.cdn))
            response = HTTPResponse(
                status: answer.status,
                headers: ["Content-Type": answer.contentType, "Content-Length": String(body.count)], body: body,
                url: request.url)
        } else {
            let body = Data(#"{"code":404,"message":"no route"}"#.utf8)
            response = HTTPResponse(
                status: 404, headers: ["Content-Type": "application/json"], body: body, url: request.url)
        }
        if case .temporaryFile(let directory) = bodyDestination {
            let file = directory.appendingPathComponent("replay-\(UUID().uuidString).download")
            try response.body.write(to: file)
            response.body = Data()
            response.bodyFile = file
        }
        return response
    }

    static func origin(_ url: URL) -> String { "\(url.scheme ?? "https")://\(url.host ?? "")" }
}
