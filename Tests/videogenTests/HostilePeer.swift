import Foundation
import VideoProviderKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `Tests/LoopbackPeer/loopback_peer.py` for the tool's tests: a kyyReactApiServer gateway (`api`) and a CDN
/// on real loopback sockets, scripted to answer like a hostile server. (The library's tests drive the same
/// peer through `LoopbackPeer` in their own target; a test target cannot share its sources.)
final class HostilePeer: @unchecked Sendable {
    let api: URL
    let cdn: URL
    private let process: Process
    private let input: Pipe

    struct PeerError: Error, CustomStringConvertible {
        let description: String
    }

    static let script = VideoGen.packageRoot.appendingPathComponent("Tests/LoopbackPeer/loopback_peer.py")

    init() throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path]
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // POSIX `read` until the ready line: `availableData` traps when a signal interrupts it.
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
        guard let ready = try? JSONValue.parse(line.prefix { $0 != 0x0A }),
            let api = ready["api"]?.stringValue.flatMap(URL.init(string:)),
            let cdn = ready["cdn"]?.stringValue.flatMap(URL.init(string:))
        else {
            process.terminate()
            throw PeerError(description: "the loopback peer did not start: \(String(decoding: line, as: UTF8.self))")
        }
        self.api = api
        self.cdn = cdn
    }

    deinit { stop() }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    /// The kyyReactApiServer base URL to give `--base-url aizfw=…`.
    var kyyBase: URL { api.appendingPathComponent("kyyReactApiServer") }

    /// The next requests whose path starts with `path` (and use `method`) each take one action, in order:
    /// `["status": 200, "contentType": "…", "body": "…"]`, `"bodyBase64"`, `"echoKey": true`, … (see the
    /// script's header).
    func script(_ path: String, method: String? = nil, _ actions: [[String: Any]]) throws {
        var rule: [String: Any] = ["path": path, "responses": actions]
        if let method { rule["method"] = method }
        _ = try control("/__script", json: rule)
    }

    func configure(_ settings: [String: Any]) throws {
        _ = try control("/__config", json: settings)
    }

    /// Every request the peer received, as the script logs it.
    func log() throws -> [JSONValue] {
        (try JSONValue.parse(control("/__log", json: nil)))["requests"]?.array ?? []
    }

    private func control(_ path: String, json: Any?) throws -> Data {
        var request = URLRequest(url: URL(string: path, relativeTo: api)!)
        if let json {
            request.httpMethod = "POST"
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Data?, Int?) = (nil, nil)
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: request) { data, response, _ in
            result = (data, (response as? HTTPURLResponse)?.statusCode)
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + 20) == .success, result.1 == 200, let data = result.0 else {
            throw PeerError(description: "control request \(path) failed")
        }
        return data
    }
}

extension VideoGen {
    /// Runs the tool like ``run(_:environment:in:speedup:executable:)`` but through `/bin/sh -c`, so a test can
    /// set limits first (`ulimit -f`, an ignored SIGXFSZ), and kills it after `deadline` seconds: a test of
    /// something that used to hang must not hang the suite.
    static func runLimited(
        _ arguments: [String], shellPrefix: String = "", command: String? = nil, environment: [String: String] = [:],
        in directory: URL, deadline: Double = 60
    ) throws -> Result {
        let quoted = ([binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", shellPrefix + "exec " + (command ?? quoted.joined(separator: " "))]
        process.currentDirectoryURL = directory
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path,
            "TMPDIR": FileManager.default.temporaryDirectory.path,
        ]
        env.merge(environment) { _, new in new }
        process.environment = env
        let outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        try out.close()
        try err.close()
        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        return Result(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr, directory: directory)
    }

    /// Runs the tool on a pseudo-terminal (so it draws its progress line), through python3's `pty.spawn`
    /// (python3 is already the loopback peer's interpreter; Swift's Glibc module has no `posix_openpt`).
    /// Returns everything the terminal received, stdout and stderr together, as a terminal receives it (`\n`
    /// arrives as `\r\n`).
    static func runInTerminal(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL, deadline: Double = 60
    ) throws -> (exitCode: Int32, terminal: String) {
        let spawn = "import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)"
        let quoted = (["python3", "-c", spawn, binary.path] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        let result = try runLimited(
            [], command: quoted.joined(separator: " "), environment: environment, in: directory, deadline: deadline)
        return (result.exitCode, result.stdout)
    }
}
