import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

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
    /// `VIDEOPROVIDERKIT_TRANSPORT` when the tests have it) set, and waits for it to exit.
    ///
    /// - Parameter speedup: the simulated clock's speed-up (`VIDEOGEN_SIMULATION_SPEEDUP`); tests use a
    ///   high one so simulated tasks take a fraction of a second. `nil` keeps the tool's default.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil,
        speedup: Double? = 400, executable: URL = binary
    ) throws -> Result {
        try start(arguments, environment: environment, in: directory, speedup: speedup, executable: executable)
            .finish(limit: nil)
    }

    /// The environment of a run in `directory`: PATH, HOME (the directory), TMPDIR, the simulation
    /// speed-up, `VIDEOPROVIDERKIT_TRANSPORT` when the tests have it (CI's second pass runs the suite on the
    /// other transport, and the tool follows it too), then `extra`.
    static func environment(
        in directory: URL, speedup: Double?, followingTransport: Bool = true, _ extra: [String: String]
    ) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "TMPDIR": FileManager.default.temporaryDirectory.path,
        ]
        if let speedup { environment["VIDEOGEN_SIMULATION_SPEEDUP"] = String(speedup) }
        if followingTransport,
            let transport = ProcessInfo.processInfo.environment[DefaultHTTPTransport.environmentVariable]
        {
            environment[DefaultHTTPTransport.environmentVariable] = transport
        }
        return environment.merging(extra) { _, new in new }
    }
}

extension TinyImages {
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
    /// A `videogen` (or another program) started in the background, to wait for, signal or race against
    /// another. Its output goes to files, not pipes: large outputs cannot fill a pipe buffer and stall it.
    final class Running: @unchecked Sendable {
        let process = Process()
        let directory: URL
        private let outURL: URL
        private let errURL: URL
        private let out: FileHandle
        private let err: FileHandle
        let started = ContinuousClock.now

        init(executable: URL, arguments: [String], environment: [String: String], in directory: URL) throws {
            self.directory = directory
            process.executableURL = executable
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.environment = environment
            outURL = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
            errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            out = try FileHandle(forWritingTo: outURL)
            err = try FileHandle(forWritingTo: errURL)
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }

        /// What it has written to stderr so far.
        var stderrSoFar: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

        func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        /// Waits for it to exit and returns what it printed. With a `limit`, it is sent `stop` (SIGKILL unless
        /// told otherwise) when the limit passes: a test of something that used to hang must not hang the suite.
        func finish(limit: Duration? = .seconds(60), stop: Int32 = SIGKILL) throws -> Result {
            if let limit {
                let deadline = ContinuousClock.now + limit
                while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
                if process.isRunning { kill(process.processIdentifier, stop) }
            }
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
        _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil, speedup: Double? = 400,
        executable: URL = binary
    ) throws -> Running {
        let directory = try directory ?? temporaryDirectory()
        return try Running(
            executable: executable, arguments: arguments,
            environment: Self.environment(in: directory, speedup: speedup, environment), in: directory)
    }

    /// Files in `directory`, sorted, without the runner's stdout/stderr captures and the `.cache` and
    /// `.local` folders FoundationNetworking makes in the tool's HOME (the directory).
    static func visibleFiles(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter {
            !$0.hasPrefix(".stdout-") && !$0.hasPrefix(".stderr-") && $0 != ".cache" && $0 != ".local"
        }.sorted()
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
        // The tool on its default transport, whatever transport the rest of the suite runs on.
        let environment = Self.environment(in: directory, speedup: nil, followingTransport: false, environment)
        let running = try Running(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", shellPrefix + "exec " + (command ?? quoted.joined(separator: " "))],
            environment: environment, in: directory)
        return try running.finish(limit: .milliseconds(Int64(deadline * 1000)), stop: SIGTERM)
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
