import Foundation
import VideoProviderKit
import VideoProviderTesting

/// One answer a replayed gateway (or CDN) gives: a body from a real deployment, or the sample video.
struct ReplayAnswer: Sendable {
    let status: Int
    /// The body with `{{api}}` and `{{cdn}}` still in it; `nil` for the sample video.
    let bodyTemplate: String?

    /// The body, its placeholders replaced by where the gateway and the CDN live in this run.
    func body(api: String, cdn: String) -> Data {
        guard let bodyTemplate else { return SampleVideo.mp4 }
        return Data(
            bodyTemplate.replacingOccurrences(of: "{{api}}", with: api).replacingOccurrences(of: "{{cdn}}", with: cdn)
                .utf8)
    }

    var contentType: String { bodyTemplate == nil ? "video/mp4" : "application/json" }
}

/// The answers the next requests to one path (by prefix) get, in order.
struct ReplayRule: Sendable {
    /// `api` (the gateway) or `cdn` (another origin).
    let server: String
    let method: String
    let path: String
    let answers: [ReplayAnswer]
}

/// One case of the replay corpus under `Tests/Replay/<source>/<name>.json`: bodies a deployed gateway sends,
/// where they come from, and what the library and `videogen` must make of them.
struct ReplayCase: Sendable, CustomStringConvertible {
    let file: String
    let name: String
    let source: String
    let rule: String
    let provider: String
    let model: String
    /// A path prefix of the gateway's base URL (`/openai`, `/kyyReactApiServer`).
    let basePath: String
    /// `generate`, `status` or `download`.
    let command: String
    /// The job's task id, for `status` and `download`.
    let taskID: String?
    let rules: [ReplayRule]
    let expect: ReplayExpectation

    var description: String { file }

    static let all: [ReplayCase] = load()

    static let corpusRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Replay")

    static func load() -> [ReplayCase] {
        let files =
            (FileManager.default.enumerator(at: corpusRoot, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }
            .filter { $0.pathExtension == "json" } ?? [])
            .sorted { $0.path < $1.path }
        return files.map { url in
            // A corpus file that does not read is a test failure, reported by `corpusReads`.
            (try? ReplayCase(url: url)) ?? ReplayCase(broken: url)
        }
    }

    private init(broken url: URL) {
        file = url.lastPathComponent
        name = "unreadable"
        source = ""
        rule = ""
        provider = ""
        model = ""
        basePath = ""
        command = ""
        taskID = nil
        rules = []
        expect = ReplayExpectation([:])
    }

    var isReadable: Bool { !source.isEmpty }

    init(url: URL) throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        let relative = url.path.dropFirst(Self.corpusRoot.path.count + 1)
        file = String(relative)
        func string(_ key: String) -> String { object[key] as? String ?? "" }
        name = string("name")
        source = string("source")
        rule = string("rule")
        provider = string("provider")
        model = string("model")
        basePath = string("basePath")
        command = string("command")
        taskID = object["taskID"] as? String
        expect = ReplayExpectation(object["expect"] as? [String: Any] ?? [:])
        rules = (object["script"] as? [[String: Any]] ?? []).map { rule in
            ReplayRule(
                server: rule["server"] as? String ?? "api", method: rule["method"] as? String ?? "GET",
                path: rule["path"] as? String ?? "/",
                answers: (rule["responses"] as? [[String: Any]] ?? []).map { answer in
                    if answer["video"] as? Bool == true { return ReplayAnswer(status: 200, bodyTemplate: nil) }
                    let status = answer["status"] as? Int ?? 200
                    if let text = answer["bodyText"] as? String {
                        return ReplayAnswer(status: status, bodyTemplate: text)
                    }
                    let body = answer["body"] ?? [String: Any]()
                    let data =
                        (try? JSONSerialization.data(withJSONObject: body, options: [.withoutEscapingSlashes]))
                        ?? Data()
                    return ReplayAnswer(status: status, bodyTemplate: String(decoding: data, as: UTF8.self))
                })
        }
    }
}

/// What a case expects, from its `expect` object.
struct ReplayExpectation: Sendable {
    var exitCode: Int32 = 0
    var kind: String?
    var message: String?
    var taskID: String?
    var status: String?
    var saved = false
    var statusCalls: Int?
    var videoURL: String?
    var flags: [String: Bool] = [:]
    var counts: [String: Int] = [:]

    init(_ object: [String: Any]) {
        exitCode = Int32(object["exitCode"] as? Int ?? 0)
        kind = object["kind"] as? String
        message = object["message"] as? String
        taskID = object["taskID"] as? String
        status = object["status"] as? String
        saved = object["saved"] as? Bool ?? false
        statusCalls = object["statusCalls"] as? Int
        videoURL = object["videoURL"] as? String
        for (key, value) in object {
            if let flag = value as? Bool, !["saved"].contains(key) { flags[key] = flag }
            if let count = value as? Int, !["exitCode", "statusCalls"].contains(key) { counts[key] = count }
        }
    }
}
