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

/// A running loopback peer: started with a pipe on stdin (it exits when that closes) and stopped with
/// SIGTERM.
final class Peer: @unchecked Sendable {
    let api: URL
    let cdn: URL
    // Immutable after init; `@unchecked` because `Process` and `FileHandle` are not declared Sendable.
    private let process: Process
    private let input: FileHandle

    private struct Ready: Decodable {
        let api: String
        let cdn: String
    }

    private init(process: Process, input: FileHandle, api: URL, cdn: URL) {
        self.process = process
        self.input = input
        self.api = api
        self.cdn = cdn
    }

    static func launch(python: URL, script: URL) async throws -> Peer {
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // POSIX `read` on its own thread: `availableData` traps when a signal interrupts it.
        let descriptor = output.fileHandleForReading.fileDescriptor
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
        guard let ready = try? JSONDecoder().decode(Ready.self, from: line), let api = URL(string: ready.api),
            let cdn = URL(string: ready.cdn)
        else {
            if process.isRunning { process.terminate() }
            throw Child.Failure(
                description: "the loopback peer did not start: \(String(decoding: line, as: UTF8.self))")
        }
        return Peer(process: process, input: input.fileHandleForWriting, api: api, cdn: cdn)
    }

    func configure(_ settings: [String: Int]) async throws {
        try await control("__config", settings)
    }

    /// The next requests whose path starts with `path` each take one action (see the peer's header).
    func script(_ path: String, method: String? = nil, _ actions: [[String: Any]]) async throws {
        var rule: [String: Any] = ["path": path, "responses": actions]
        if let method { rule["method"] = method }
        try await control("__script", rule)
    }

    private func control(_ path: String, _ body: [String: Any]) async throws {
        var request = URLRequest(url: api.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (_, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw Child.Failure(description: "the peer refused \(path)")
        }
    }

    func stop() {
        try? input.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
