import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `Tests/LoopbackPeer/loopback_peer.py` playing a replay case's gateway (`api`) and CDN (`cdn`, another
/// origin) over real HTTP, so the `videogen` tool can be run against the case's bodies.
final class ReplayPeer: @unchecked Sendable {
    let api: URL
    let cdn: URL
    private let process: Process
    private let input: FileHandle

    struct PeerError: Error, CustomStringConvertible {
        let description: String
    }

    struct Logged: Decodable {
        let server: String
        let method: String
        let path: String
        let headers: [[String]]

        var authorized: Bool { headers.contains { $0.first?.lowercased() == "authorization" } }
        var pathOnly: String { String(path.prefix { $0 != "?" }) }
    }

    private struct Log: Decodable {
        let requests: [Logged]
    }

    private struct Ready: Decodable {
        let api: String
        let cdn: String
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("LoopbackPeer/loopback_peer.py")

    /// Starts a peer, scripts it with the case, runs `body`, and stops it.
    static func run<T>(_ replay: ReplayCase, _ body: (ReplayPeer) async throws -> T) async throws -> T {
        let peer = try launch()
        defer { peer.stop() }
        try await peer.load(replay)
        return try await body(peer)
    }

    private init(process: Process, input: FileHandle, ready: Ready) throws {
        guard let api = URL(string: ready.api), let cdn = URL(string: ready.cdn) else {
            throw PeerError(description: "unreadable ready line")
        }
        self.process = process
        self.input = input
        self.api = api
        self.cdn = cdn
    }

    private static func launch() throws -> ReplayPeer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let descriptor = output.fileHandleForReading.fileDescriptor
        var line = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !line.contains(0x0A) {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                line.append(contentsOf: buffer[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        guard let ready = try? JSONDecoder().decode(Ready.self, from: line) else {
            process.terminate()
            throw PeerError(description: "the loopback peer did not start: \(String(decoding: line, as: UTF8.self))")
        }
        return try ReplayPeer(process: process, input: input.fileHandleForWriting, ready: ready)
    }

    func stop() {
        try? input.close()
        if process.isRunning { process.terminate() }
    }

    /// `scheme://host:port` of a peer URL.
    static func origin(_ url: URL) -> String { "\(url.scheme ?? "http")://\(url.host ?? ""):\(url.port ?? 80)" }

    private func control(_ path: String, json: Any? = nil) async throws -> Data {
        var request = URLRequest(url: URL(string: path, relativeTo: api)!)
        if let json {
            request.httpMethod = "POST"
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw PeerError(description: "control \(path) failed: \(String(decoding: data, as: UTF8.self))")
        }
        return data
    }

    private func load(_ replay: ReplayCase) async throws {
        let apiOrigin = Self.origin(api)
        let cdnOrigin = Self.origin(cdn)
        for rule in replay.rules {
            let actions: [[String: Any]] = rule.answers.map { answer in
                [
                    "status": answer.status, "contentType": answer.contentType,
                    "bodyBase64": answer.body(api: apiOrigin, cdn: cdnOrigin).base64EncodedString(),
                ]
            }
            _ = try await control(
                "/__script",
                json: ["path": rule.path, "method": rule.method, "server": rule.server, "responses": actions])
        }
    }

    /// Every request the peer received, in order (control requests aside).
    func log() async throws -> [Logged] {
        try JSONDecoder().decode(Log.self, from: try await control("/__log")).requests
    }
}
