import Foundation
import Testing
import VideoProviderKit

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

/// A running `Tests/LoopbackPeer/loopback_peer.py`: real HTTP on loopback, with a request log and
/// scriptable faults. See the script's header for the interface.
///
/// Each test starts its own peer with ``run(_:)`` (about 0.1 s), so tests stay independent and can run in
/// parallel; the peer is stopped when the test's closure returns or throws, and exits by itself if this
/// process dies (its stdin closes).
final class LoopbackPeer: @unchecked Sendable {
    /// The gateway host (`127.0.0.1`).
    let api: URL
    /// A second gateway, for fallback.
    let api2: URL
    /// Another host (`127.0.0.2`), playing a CDN.
    let cdn: URL
    /// A forward proxy: it answers absolute-form requests itself and logs them (server `proxy`).
    let proxy: URL
    /// A port on 127.0.0.1 that refuses connections.
    let closedPort: Int
    /// A port on 127.0.0.1 that answers anything with plain HTTP: a TLS handshake to it fails before any
    /// byte of the request is written.
    let notTLSPort: Int

    // Immutable after init; `@unchecked` because `Process` and `FileHandle` are not declared Sendable.
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private let control: URLSession

    private struct Ready: Decodable {
        let api: String
        let api2: String
        let cdn: String
        let proxy: String
        let closedPort: Int
        let notTLSPort: Int
    }

    private init(process: Process, input: FileHandle, output: FileHandle, ready: Ready) throws {
        guard let api = URL(string: ready.api), let api2 = URL(string: ready.api2), let cdn = URL(string: ready.cdn),
            let proxy = URL(string: ready.proxy)
        else { throw PeerError("unreadable ready line") }
        self.process = process
        self.input = input
        self.output = output
        self.api = api
        self.api2 = api2
        self.cdn = cdn
        self.proxy = proxy
        self.closedPort = ready.closedPort
        self.notTLSPort = ready.notTLSPort
        control = URLSession(configuration: .ephemeral)
    }

    struct PeerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Starts a peer, runs `body` with it, and stops it.
    static func run<T>(_ body: (LoopbackPeer) async throws -> T) async throws -> T {
        let peer = try await launch()
        defer { peer.stop() }
        return try await body(peer)
    }

    /// The script, found from this file's path (no resources to bundle).
    static let scriptURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("LoopbackPeer").appendingPathComponent("loopback_peer.py")

    static func python() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw PeerError("python3 is not on PATH; the loopback tests need it (standard library only)")
    }

    static func launch() async throws -> LoopbackPeer {
        let process = Process()
        process.executableURL = try python()
        process.arguments = [scriptURL.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        let verbose = ProcessInfo.processInfo.environment["LOOPBACK_PEER_VERBOSE"] != nil
        process.standardError = verbose ? FileHandle.standardError : FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        // A blocking read, kept off the cooperative pool; EOF (a crashed peer) ends it. POSIX `read`, not
        // `availableData`, which traps when a signal (another child's SIGCHLD) interrupts it.
        let descriptor = reader.fileDescriptor
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
            Thread.detachNewThread {
                var data = Data()
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !data.contains(0x0A) {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count > 0 {
                        data.append(contentsOf: buffer[0..<count])
                    } else if count < 0 && errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
                continuation.resume(returning: data)
            }
        }
        do {
            let ready = try JSONDecoder().decode(Ready.self, from: line)
            return try LoopbackPeer(
                process: process, input: input.fileHandleForWriting, output: reader, ready: ready)
        } catch {
            if process.isRunning { process.terminate() }
            throw PeerError("the loopback peer did not start: \(String(decoding: line, as: UTF8.self))")
        }
    }

    /// Closes the peer's stdin and sends SIGTERM; either one makes it exit.
    func stop() {
        try? input.close()
        if process.isRunning { process.terminate() }
        control.finishTasksAndInvalidate()
    }

    // MARK: Control

    private func controlRequest(_ path: String, json: Any? = nil) async throws -> Data {
        guard let url = URL(string: path, relativeTo: api) else { throw PeerError("bad control path \(path)") }
        var request = URLRequest(url: url)
        if let json {
            request.httpMethod = "POST"
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await control.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw PeerError("control request \(path) failed: \(String(decoding: data, as: UTF8.self))")
        }
        return data
    }

    /// Every request the peer received (control requests aside), in arrival order.
    func log() async throws -> PeerLog {
        try JSONDecoder().decode(PeerLog.self, from: try await controlRequest("/__log"))
    }

    /// The next requests whose path starts with `path` (and match `method`/`server`) each take one
    /// action, in order.
    func script(
        _ path: String, method: String? = nil, server: PeerServer? = nil, _ actions: [PeerAction]
    ) async throws {
        var rule: [String: Any] = ["path": path, "responses": actions.map(\.json)]
        if let method { rule["method"] = method }
        if let server { rule["server"] = server.rawValue }
        _ = try await controlRequest("/__script", json: rule)
    }

    /// The kyyReactApiServer emulation's settings.
    func configure(videoBytes: Int? = nil, pollsBeforeDone: Int? = nil, videoURL: URL? = nil) async throws {
        var settings: [String: Any] = [:]
        if let videoBytes { settings["videoBytes"] = videoBytes }
        if let pollsBeforeDone { settings["pollsBeforeDone"] = pollsBeforeDone }
        if let videoURL { settings["videoURL"] = videoURL.absoluteString }
        _ = try await controlRequest("/__config", json: settings)
    }

    struct Digest: Decodable, Equatable {
        let size: Int64
        let sha256: String
    }

    /// Size and SHA-256 of a local file, computed by the peer (Foundation on Linux has no SHA-256).
    func digest(ofFile url: URL) async throws -> Digest {
        var components = URLComponents()
        components.path = "/__filehash"
        components.queryItems = [URLQueryItem(name: "path", value: url.path)]
        return try JSONDecoder().decode(Digest.self, from: try await controlRequest(components.string!))
    }

    /// Size and SHA-256 of the pattern `/bytes?n=&seed=` serves (`/videos/…` uses the seed `video`).
    func digest(ofPattern size: Int, seed: String) async throws -> Digest {
        try JSONDecoder().decode(Digest.self, from: try await controlRequest("/__pattern?n=\(size)&seed=\(seed)"))
    }

    // MARK: URLs

    func url(_ server: PeerServer, _ pathAndQuery: String) -> URL {
        let base: URL
        switch server {
        case .api: base = api
        case .api2: base = api2
        case .cdn: base = cdn
        case .proxy: base = proxy
        }
        return URL(string: base.absoluteString + pathAndQuery)!
    }

    /// A kyyReactApiServer base URL on one of the gateway hosts.
    func kyyBase(_ server: PeerServer = .api) -> URL { url(server, "/kyyReactApiServer") }
}

enum PeerServer: String, Sendable, Decodable {
    case api, api2, cdn, proxy
}

/// What a scripted request gets.
enum PeerAction: Sendable {
    /// A canned answer, after `delay`. With `createTask`, a kyyReactApiServer submission creates its task
    /// first (the vendor took the money, then something in front of it answered this).
    case answer(
        status: Int, contentType: String = "application/json", headers: [String: String] = [:], body: String,
        delay: Duration = .zero, createTask: Bool = false)
    /// A misbehaving connection: `reset`, `reset-headers`, `reset-body`, `close`, `stall`, `drip`. With
    /// `createTask`, a kyyReactApiServer submission creates its task first. `reset-body` promises
    /// `declaredLength` bytes and sends `sendBytes`; `drip` promises `declaredLength` and sends one byte
    /// every `everyMs`.
    case fault(
        String, createTask: Bool = false, declaredLength: Int? = nil, sendBytes: Int? = nil, everyMs: Int? = nil)
    /// `bytes` zero bytes (`nil`: without end, until the client closes), framed by `Content-Length`
    /// (`declaredLength`, else `bytes`, else 2^40), `chunked` encoding, or the connection's `close`.
    case stream(bytes: Int?, framing: String, status: Int = 200, declaredLength: Int? = nil)
    /// A gzip body (`Content-Encoding: gzip`) of about a thousandth of the `inflated` zero bytes it decodes to,
    /// with its `Content-Length` or (`chunked`) without.
    case gzipBomb(inflated: Int, status: Int = 200, chunked: Bool = false)
    /// A canned answer sent gzip-compressed.
    case gzipped(status: Int, body: String)
    /// A status line and then header lines without end.
    case headerFlood
    /// An answer with any bytes as its body.
    case bytes(status: Int, contentType: String, headers: [String: String] = [:], body: Data)
    /// A hostile answer that quotes the request back: `{{key}}` in `body` becomes the bearer token the
    /// request carried. With `createTask`, a kyyReactApiServer submission creates its task first and
    /// `{{task}}` becomes its id.
    case echoingKey(status: Int, contentType: String = "application/json", body: String, createTask: Bool = false)

    var json: [String: Any] {
        switch self {
        case .answer(let status, let contentType, let headers, let body, let delay, let createTask):
            return [
                "status": status, "contentType": contentType, "headers": headers, "body": body,
                "delayMs": Int(delay.seconds * 1000), "createTask": createTask,
            ]
        case .stream(let bytes, let framing, let status, let declaredLength):
            var action: [String: Any] = [
                "stream": bytes.map { $0 as Any } ?? NSNull(), "framing": framing, "status": status,
            ]
            if let declaredLength { action["declaredLength"] = declaredLength }
            return action
        case .gzipBomb(let inflated, let status, let chunked):
            return ["gzipBomb": inflated, "status": status, "framing": chunked ? "chunked" : "length"]
        case .gzipped(let status, let body):
            return ["status": status, "body": body, "gzip": true]
        case .headerFlood:
            return ["headerFlood": true]
        case .bytes(let status, let contentType, let headers, let body):
            return [
                "status": status, "contentType": contentType, "headers": headers,
                "bodyBase64": body.base64EncodedString(),
            ]
        case .echoingKey(let status, let contentType, let body, let createTask):
            return [
                "status": status, "contentType": contentType, "body": body, "echoKey": true, "createTask": createTask,
            ]
        case .fault(let name, let createTask, let declaredLength, let sendBytes, let everyMs):
            var action: [String: Any] = ["fault": name, "createTask": createTask]
            if let declaredLength { action["declaredLength"] = declaredLength }
            if let sendBytes { action["sendBytes"] = sendBytes }
            if let everyMs { action["everyMs"] = everyMs }
            return action
        }
    }
}

struct PeerLog: Decodable {
    let requests: [LoggedRequest]
    /// Tasks the kyyReactApiServer emulation created (each one would be billed).
    let tasksCreated: Int

    func on(_ server: PeerServer) -> [LoggedRequest] { requests.filter { $0.server == server } }

    /// kyyReactApiServer submissions that reached `server`.
    func submissions(on server: PeerServer) -> [LoggedRequest] {
        on(server).filter { $0.method == "POST" && $0.pathOnly.hasSuffix("/v1/grok/videos") }
    }
}

struct LoggedRequest: Decodable {
    let seq: Int
    let server: PeerServer
    let method: String
    let path: String
    /// As received: name spelling and order kept.
    let headers: [[String]]
    let bodyLength: Int?
    let bodySha256: String?
    let bodyBase64: String?
    let transferEncoding: String?
    let outcome: String?
    let createdTask: String?

    var pathOnly: String { String(path.prefix { $0 != "?" }) }

    /// The first value of a header, by case-insensitive name.
    func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }.flatMap { $0.count > 1 ? $0[1] : nil }
    }

    /// Whether `text` appears anywhere in the request line or headers.
    func mentions(_ text: String) -> Bool {
        path.contains(text) || headers.contains { $0.contains { $0.contains(text) } }
    }

    var body: Data? { bodyBase64.flatMap { Data(base64Encoded: $0) } }
}

/// The JSON `/echo` answers.
struct Echo: Decodable {
    let server: PeerServer
    let method: String
    let path: String
    let headers: [[String]]
    let bodyLength: Int
    let bodySha256: String
    let bodyBase64: String?
    let transferEncoding: String?

    func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }.flatMap { $0.count > 1 ? $0[1] : nil }
    }

    var body: Data? { bodyBase64.flatMap { Data(base64Encoded: $0) } }
}

/// Resident memory, from `/proc/self/status` (Linux).
enum ResidentMemory {
    /// `VmRSS` in bytes, or `nil` where `/proc` is missing.
    static func current() -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.dropFirst("VmRSS:".count).trimmingCharacters(in: .whitespaces)
                .prefix { $0.isNumber }
            return Int64(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// Samples `VmRSS` every few milliseconds on its own thread while `work` runs; returns the result and
    /// the peak growth over the baseline taken just before.
    static func peakGrowth<T>(during work: () async throws -> T) async rethrows -> (value: T, growth: Int64?) {
        let sampler = Sampler()
        let baseline = current()
        Thread.detachNewThread { sampler.run() }
        let value: T
        do {
            value = try await work()
        } catch {
            sampler.finish()
            throw error
        }
        let peak = sampler.finish()
        guard let baseline, let peak else { return (value, nil) }
        return (value, max(0, peak - baseline))
    }

    private final class Sampler: @unchecked Sendable {
        private let lock = NSLock()
        private let done = DispatchSemaphore(value: 0)
        private var stopping = false  // guarded by `lock`
        private var peak: Int64?  // guarded by `lock`

        func run() {
            while true {
                let sample = ResidentMemory.current()
                let stop = lock.withLock { () -> Bool in
                    if let sample { peak = max(peak ?? 0, sample) }
                    return stopping
                }
                if stop { break }
                usleep(2_000)
            }
            done.signal()
        }

        @discardableResult
        func finish() -> Int64? {
            lock.withLock { stopping = true }
            done.wait()
            return lock.withLock { peak }
        }
    }
}

/// A fresh directory under the temporary directory, removed by the caller with ``remove()``.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vpk-loopback-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
