import Foundation
import Testing
import VideoProviderKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the built `videogen` as a subprocess, in a fresh directory, with a controlled environment: no real
/// API key from the machine reaches it, only the canary keys a test passes.
struct VideoGen {
    struct Result {
        let exitCode: Int32
        let stdout: String
        let stderr: String
        /// The directory the tool ran in (job files and outputs land here).
        let directory: URL

        var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
        var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
        var firstErrorLine: String { stderrLines.first ?? "" }

        /// Stdout parsed as one JSON document.
        func json() throws -> JSONValue {
            try JSONValue.parse(Data(stdout.utf8))
        }

        /// Stdout parsed as JSON lines.
        func events() throws -> [JSONValue] {
            try stdoutLines.map { try JSONValue.parse(Data($0.utf8)) }
        }

        func contains(_ text: String) -> Bool { stdout.contains(text) || stderr.contains(text) }
    }

    /// Whether the tool sends real requests through URLSessionTransport (`VIDEOPROVIDERKIT_TRANSPORT`, else
    /// the platform's default: CurlTransport on Linux).
    static var sendsThroughURLSession: Bool {
        switch ProcessInfo.processInfo.environment[DefaultHTTPTransport.environmentVariable]?.lowercased() {
        case "urlsession": return true
        case "curl": return false
        default: return !DefaultHTTPTransport.prefersCurl
        }
    }

    /// A fake key that must never appear in any output.
    static let canary = "sk-CANARY-7f3a9c1e5b2d4f60a8e1"

    /// The tool next to the test bundle (`.build/<triple>/debug/videogen`), or `VIDEOGEN_BINARY`.
    static let binary = builtExecutable("videogen", override: "VIDEOGEN_BINARY")

    /// An executable product built beside the test bundle, or the path in the environment variable
    /// `override`.
    static func builtExecutable(_ name: String, override: String) -> URL {
        if let path = ProcessInfo.processInfo.environment[override] { return URL(fileURLWithPath: path) }
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent(name))
        }
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(name))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/\(name)"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }

    /// The package root, from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A fresh empty directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "videogen-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `videogen arguments` (or another `executable`) with only `environment` (plus PATH, HOME, TMPDIR and
    /// `VIDEOPROVIDERKIT_TRANSPORT` when the tests have it) set.
    ///
    /// - Parameter speedup: the simulated clock's speed-up (`VIDEOGEN_SIMULATION_SPEEDUP`); tests use a
    ///   high one so simulated tasks take a fraction of a second. `nil` keeps the tool's default.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil,
        speedup: Double? = 400, executable: URL = binary
    ) throws -> Result {
        let directory = try directory ?? temporaryDirectory()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "TMPDIR": FileManager.default.temporaryDirectory.path,
        ]
        if let speedup { env["VIDEOGEN_SIMULATION_SPEEDUP"] = String(speedup) }
        // CI's second pass runs the suite on the other transport (`.ci/run`): the tool follows it too.
        if let transport = ProcessInfo.processInfo.environment[DefaultHTTPTransport.environmentVariable] {
            env[DefaultHTTPTransport.environmentVariable] = transport
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        // Files, not pipes: large outputs cannot fill a pipe buffer and stall the child.
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
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        return Result(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr, directory: directory)
    }
}

/// Small image files with real magic bytes.
enum TestImages {
    /// A 1×1 RGBA PNG (70 bytes).
    static let png = Data([
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
        0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
        0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ])

    /// Writes `count` PNG files into `directory` and returns their paths.
    static func pngFiles(_ count: Int, in directory: URL) throws -> [String] {
        try (1...count).map { index in
            let url = directory.appendingPathComponent("ref-\(index).png")
            try png.write(to: url)
            return url.path
        }
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var array: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

}

extension VideoGen {
    /// A `videogen` started in the background, to signal or to race against another.
    final class Running: @unchecked Sendable {
        let process: Process
        let directory: URL
        private let outURL: URL
        private let errURL: URL
        private let out: FileHandle
        private let err: FileHandle
        let started = ContinuousClock.now

        init(process: Process, directory: URL, outURL: URL, errURL: URL, out: FileHandle, err: FileHandle) {
            self.process = process
            self.directory = directory
            self.outURL = outURL
            self.errURL = errURL
            self.out = out
            self.err = err
        }

        var pid: Int32 { process.processIdentifier }

        /// What it has written to stderr so far.
        var stderrSoFar: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

        func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        /// Waits for it to exit (killing it after `limit`) and returns what it printed.
        func finish(limit: Duration = .seconds(60)) throws -> Result {
            let deadline = ContinuousClock.now + limit
            while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try out.close()
            try err.close()
            let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
            let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
            return Result(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr, directory: directory)
        }

        /// How long it has been running.
        var elapsed: Duration { ContinuousClock.now - started }
    }

    /// Starts `videogen arguments` like ``run(_:environment:in:speedup:executable:)`` but returns at once.
    static func start(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil, speedup: Double? = 400
    ) throws -> Running {
        let directory = try directory ?? temporaryDirectory()
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "TMPDIR": FileManager.default.temporaryDirectory.path,
        ]
        if let speedup { env["VIDEOGEN_SIMULATION_SPEEDUP"] = String(speedup) }
        if let transport = ProcessInfo.processInfo.environment[DefaultHTTPTransport.environmentVariable] {
            env[DefaultHTTPTransport.environmentVariable] = transport
        }
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
        return Running(process: process, directory: directory, outURL: outURL, errURL: errURL, out: out, err: err)
    }

    /// Files in `directory`, sorted, without the runner's stdout/stderr captures and the `.cache` and
    /// `.local` folders FoundationNetworking makes in the tool's HOME (the directory).
    static func visibleFiles(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter {
            !$0.hasPrefix(".stdout-") && !$0.hasPrefix(".stderr-") && $0 != ".cache" && $0 != ".local"
        }.sorted()
    }
}
