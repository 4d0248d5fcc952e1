import BuiltInProviders
import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The replay corpus (`Tests/Replay/<source>/<case>.json`): answers deployed gateways send, each from a named
/// source, run through the library (an in-process transport) and through the `videogen` tool (a loopback
/// HTTP peer), checking exit code, error kind and message, and that the key never reaches another origin.
/// docs/real-gateways.md lists the rules; every rule there has a case here.
@Suite struct ReplayCorpusTests {
    static let canary = "sk-REPLAY-CANARY-4c1e9a7b2f605d83"
    static let prompt = "A lighthouse at dusk"

    /// Every rule docs/real-gateways.md names (its `rule:` tags) is replayed by at least one case, and every
    /// case names its source and a rule the document describes.
    @Test func everyRuleInTheDocumentHasACase() throws {
        let document = try String(
            contentsOf: ReplayCase.corpusRoot.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("docs/real-gateways.md"), encoding: .utf8)
        let documented = Set(
            document.components(separatedBy: "`rule:").dropFirst().compactMap { $0.split(separator: "`").first }
                .map(String.init)
                .filter {
                    !$0.isEmpty
                        && $0.unicodeScalars.allSatisfy {
                            "abcdefghijklmnopqrstuvwxyz0123456789-".unicodeScalars.contains($0)
                        }
                })
        #expect(documented.count >= 12)
        #expect(ReplayCase.all.count >= 20)
        for replay in ReplayCase.all {
            #expect(replay.isReadable, "\(replay.file) does not read")
            #expect(!replay.source.isEmpty && !replay.rules.isEmpty, "\(replay.file) has no source or script")
            #expect(documented.contains(replay.rule), "\(replay.file): rule '\(replay.rule)' is not in the document")
        }
        let replayed = Set(ReplayCase.all.map(\.rule))
        for rule in documented.sorted() {
            #expect(replayed.contains(rule), "rule '\(rule)' of docs/real-gateways.md has no replay case")
        }
    }

    // MARK: Library

    @Test(arguments: ReplayCase.all)
    func library(_ replay: ReplayCase) async throws {
        let provider = try #require(BuiltInProviders.all.first { $0.descriptor.id.rawValue == replay.provider })
        var registry = ProviderRegistry()
        let base = URL(string: ReplayTransport.origin(ReplayTransport.gateway) + replay.basePath)!
        try registry.register(provider, apiKey: Self.canary, baseURL: base)
        let transport = ReplayTransport(replay)
        let client = VideoClient(registry: registry, transport: transport, clock: VirtualClock())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "replay-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.mp4")

        var error: VideoProviderError?
        var snapshot: TaskSnapshot?
        var taskID: String?
        do {
            switch replay.command {
            case "generate":
                let generation = try await client.generate(
                    VideoRequest(model: "\(replay.provider):\(replay.model)", prompt: Self.prompt), downloadTo: output)
                snapshot = generation.snapshot
                taskID = generation.job.taskID
            case "status":
                snapshot = try await client.status(of: try Self.job(replay, provider: provider, base: base))
            default:
                _ = try await client.download(try Self.job(replay, provider: provider, base: base), to: output)
            }
        } catch let thrown {
            let typed = try #require(thrown as? VideoProviderError, "\(replay.file): \(thrown)")
            error = typed
            taskID = typed.taskID
        }
        let expect = replay.expect
        #expect(error?.kind.rawValue == expect.kind, "\(replay.file): \(error?.description ?? "no error")")
        if let message = expect.message {
            let text = (error?.description ?? "") + (snapshot?.errorMessage ?? "")
            #expect(text.contains(message), "\(replay.file): '\(text)' does not say '\(message)'")
        }
        if let expected = expect.taskID { #expect(taskID == expected) }
        if let status = expect.status { #expect(snapshot?.status.rawValue == status, "\(replay.file)") }
        if let url = expect.videoURL {
            #expect(
                snapshot?.videoURL?.absoluteString
                    == url.replacingOccurrences(of: "{{cdn}}", with: ReplayTransport.origin(ReplayTransport.cdn)))
        }
        #expect(FileManager.default.fileExists(atPath: output.path) == expect.saved, "\(replay.file)")
        if expect.saved { #expect(try Data(contentsOf: output) == SampleVideo.mp4) }
        let seen = transport.requests
        Self.checkRequests(
            replay,
            seen.map { (server: $0.server, method: $0.method, path: $0.path, authorized: $0.authorized) })
    }

    // MARK: videogen

    @Test(arguments: ReplayCase.all)
    func videogen(_ replay: ReplayCase) async throws {
        try await ReplayPeer.run(replay) { peer in
            let provider = try #require(BuiltInProviders.all.first { $0.descriptor.id.rawValue == replay.provider })
            let base = ReplayPeer.origin(peer.api) + replay.basePath
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "replay-videogen-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let output = directory.appendingPathComponent("out.mp4")
            var arguments: [String]
            switch replay.command {
            case "generate":
                arguments = [
                    "generate", "--model", "\(replay.provider):\(replay.model)", "--prompt", Self.prompt,
                    "--output", output.path, "--poll-interval", "1", "--timeout", "120",
                ]
            default:
                let job = try Self.job(replay, provider: provider, base: URL(string: base)!)
                let file = directory.appendingPathComponent("job.json")
                try job.encoded().write(to: file)
                arguments = [replay.command, file.path]
                if replay.command == "download" { arguments += ["--output", output.path] }
            }
            arguments += ["--json", "--base-url", "\(replay.provider)=\(base)"]
            let environment = [ProviderID(replay.provider).apiKeyEnvironmentVariable: Self.canary]
            let result = try Tool.run(arguments, environment: environment, in: directory)
            let expect = replay.expect
            let lines = result.stdout.split(separator: "\n").compactMap {
                try? JSONValue.parse(Data($0.utf8))
            }
            #expect(result.exitCode == expect.exitCode, "\(replay.file): exit \(result.exitCode)\n\(result.stderr)")
            let errorEvent = lines.last { $0["event"] == .string("error") }
            #expect(errorEvent?["kind"]?.stringValue == expect.kind, "\(replay.file): \(result.stderr)")
            if let message = expect.message {
                #expect(result.stderr.contains(message) || result.stdout.contains(message), "\(replay.file)")
            }
            if let expected = expect.taskID {
                let submitted = lines.first { $0["event"] == .string("submitted") }?["taskID"]?.stringValue
                #expect((submitted ?? errorEvent?["taskID"]?.stringValue) == expected, "\(replay.file)")
            }
            if let status = expect.status {
                let seen =
                    replay.command == "status"
                    ? lines.last?["status"]?.stringValue
                    : lines.last { $0["event"] == .string("completed") }?["status"]?.stringValue
                #expect(seen == status, "\(replay.file): \(result.stdout)")
            }
            if let url = expect.videoURL {
                #expect(
                    lines.last?["videoURL"]?.stringValue
                        == url.replacingOccurrences(of: "{{cdn}}", with: ReplayPeer.origin(peer.cdn)))
            }
            #expect(FileManager.default.fileExists(atPath: output.path) == expect.saved, "\(replay.file)")
            #expect(!result.stdout.contains(Self.canary) && !result.stderr.contains(Self.canary))
            let log = try await peer.log()
            Self.checkRequests(
                replay, log.map { (server: $0.server, method: $0.method, path: $0.pathOnly, authorized: $0.authorized) }
            )
        }
    }

    // MARK: Support

    /// What every run must show: the key never reached the CDN, plus the case's own request expectations.
    static func checkRequests(
        _ replay: ReplayCase, _ requests: [(server: String, method: String, path: String, authorized: Bool)]
    ) {
        let expect = replay.expect
        #expect(!requests.contains { $0.server == "cdn" && $0.authorized }, "\(replay.file): the key reached the CDN")
        let content = requests.filter { $0.path.hasSuffix("/content") || $0.server == "cdn" }
        let statusCalls = requests.filter { $0.server == "api" && $0.method == "GET" && !$0.path.hasSuffix("/content") }
        if let count = expect.statusCalls { #expect(statusCalls.count == count, "\(replay.file): \(statusCalls)") }
        if let count = expect.counts["contentRequests"] { #expect(content.count == count, "\(replay.file)") }
        if let count = expect.counts["cdnRequests"] {
            #expect(requests.filter { $0.server == "cdn" }.count == count, "\(replay.file)")
        }
        if expect.flags["gatewayContentAuthorized"] == true {
            #expect(content.contains { $0.server == "api" && $0.authorized }, "\(replay.file)")
        }
        if expect.flags["relativeAuthorized"] == true {
            let relative = requests.filter {
                $0.server == "api" && $0.path.hasSuffix("/content") && !$0.path.hasPrefix(replay.basePath + "/")
            }
            #expect(!relative.isEmpty && relative.allSatisfy(\.authorized), "\(replay.file): \(relative)")
        }
        if expect.flags["notAmbiguous"] == true {
            #expect(expect.exitCode != 3 && expect.kind != "ambiguous-submission")
        }
    }

    /// The job `status` and `download` follow: the case's task, accepted at `base`.
    static func job(_ replay: ReplayCase, provider: any VideoProvider, base: URL) throws -> VideoJob {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: replay.model, prompt: prompt), on: provider.descriptor, policy: .adjustToNearest)
        let taskID = try #require(replay.taskID)
        return VideoJob(
            providerID: provider.descriptor.id, model: replay.model, taskID: taskID, baseURL: base,
            request: VideoJob.Summary(requestedModel: replay.model, resolved: resolved), attempts: [],
            submittedAt: Date(timeIntervalSince1970: 1_767_225_600),
            initialSnapshot: TaskSnapshot(taskID: taskID, status: .queued))
    }
}

/// The built `videogen`, run with a controlled environment.
enum Tool {
    struct Result {
        let exitCode: Int32
        let stdout: String
        let stderr: String
    }

    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["VIDEOGEN_BINARY"] { return URL(fileURLWithPath: path) }
        var candidates: [URL] = []
        for bundle in Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("videogen"))
        }
        let root = ReplayCase.corpusRoot.deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/videogen"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }()

    static func run(_ arguments: [String], environment: [String: String], in directory: URL) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path,
            "TMPDIR": FileManager.default.temporaryDirectory.path,
        ]
        env.merge(environment) { _, new in new }
        process.environment = env
        let outURL = directory.appendingPathComponent(".stdout")
        let errURL = directory.appendingPathComponent(".stderr")
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
        return Result(
            exitCode: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
