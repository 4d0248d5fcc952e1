import BuiltInProviders
import Foundation
import VideoProviderKit

/// `answer-memory`: how much memory a client needs when a hostile gateway answers a submission or a
/// status query with 1 GiB: announced (`Content-Length`), unannounced (chunked), without end, or as 1 MB
/// of gzip that inflates to 1 GiB (with its length, which is already over the answer limit, or chunked,
/// so only the decoded count can stop it). Each case runs in a fresh child process (`VideoClient` with aizfw at
/// the loopback peer, on the transport asked for) whose peak RSS growth over the call is read from
/// `VmHWM`. A submission must end ambiguous (the answer may have held the task), a status query
/// `invalidResponse`.
///
/// `CurlTransport` is judged against ``bound``. Linux's `URLSession` cannot be: FoundationNetworking
/// decodes and queues every piece for the delegate before the delegate can refuse it, so its figures are
/// reported, not judged.
enum AnswerMemoryCheck {
    static let bound: Int64 = 64 << 20
    static let huge = 1 << 30

    struct Case {
        let name: String
        let operation: String
        let action: [String: Any]
        var expectedKind: String {
            operation == "submit"
                ? VideoProviderError.Kind.ambiguousSubmission.rawValue
                : VideoProviderError.Kind.invalidResponse.rawValue
        }
    }

    static var cases: [Case] {
        ["submit", "status"].flatMap { operation in
            [
                Case(
                    name: "\(operation): 1 GiB, Content-Length", operation: operation,
                    action: ["stream": huge, "framing": "length"]),
                Case(
                    name: "\(operation): 1 GiB, chunked", operation: operation,
                    action: ["stream": huge, "framing": "chunked"]),
                Case(
                    name: "\(operation): endless, chunked", operation: operation,
                    action: ["stream": NSNull(), "framing": "chunked"]),
                Case(name: "\(operation): 1 MB gzip → 1 GiB", operation: operation, action: ["gzipBomb": huge]),
                Case(
                    name: "\(operation): 1 MB gzip → 1 GiB, chunked", operation: operation,
                    action: ["gzipBomb": huge, "framing": "chunked"]),
            ]
        }
    }

    struct ChildResult: Codable {
        var growth: Int64
        var seconds: Double
        var errorKind: String?
        var message: String?
    }

    struct Outcome {
        let transport: String
        let testCase: Case
        let result: ChildResult
        var judged: Bool { transport == "curl" }
        var kindMet: Bool { result.errorKind == testCase.expectedKind }
        var memoryMet: Bool { !judged || result.growth < bound }
    }

    // MARK: Parent

    static func run(_ arguments: [String], machine: Machine) async throws -> Int32 {
        var transports = ["curl", "urlsession"]
        var json = false
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--json": json = true
            case "--transport":
                guard let value = rest.popFirst(), ["curl", "urlsession", "both"].contains(value) else {
                    FileHandle.standardError.write(
                        Data("answer-memory: --transport takes curl, urlsession or both\n".utf8))
                    return 2
                }
                transports = value == "both" ? ["curl", "urlsession"] : [value]
            default:
                FileHandle.standardError.write(Data("answer-memory: unknown option '\(argument)'\n".utf8))
                return 2
            }
        }
        guard let python = which("python3"), FileManager.default.fileExists(atPath: DownloadBench.peerScript.path)
        else {
            throw Child.Failure(description: "python3 or the loopback peer script is missing")
        }
        let peer = try await Peer.launch(python: python, script: DownloadBench.peerScript)
        defer { peer.stop() }
        let base = peer.api.appendingPathComponent("kyyReactApiServer")
        var outcomes: [Outcome] = []
        for transport in transports {
            for testCase in cases {
                if testCase.operation == "submit" {
                    try await peer.script("/kyyReactApiServer/v1/grok/videos", method: "POST", [testCase.action])
                } else {
                    try await peer.script("/kyyReactApiServer/v1/result/", [testCase.action])
                }
                let result = try Child.run(
                    "answer-memory", [testCase.operation, transport, base.absoluteString], as: ChildResult.self)
                outcomes.append(Outcome(transport: transport, testCase: testCase, result: result))
            }
        }
        let passed = outcomes.allSatisfy { $0.kindMet && $0.memoryMet }
        if json {
            var object = JSONObject()
            object.set("check", "answer-memory")
            machine.addTo(&object)
            object.set("bound_mib", Double(bound) / 1_048_576)
            object.set(
                "cases",
                outcomes.map { outcome -> JSONObject in
                    var item = JSONObject()
                    item.set("transport", outcome.transport)
                    item.set("case", outcome.testCase.name)
                    item.set("peak_growth_mib", Double(outcome.result.growth) / 1_048_576)
                    item.set("seconds", outcome.result.seconds)
                    item.set("error_kind", outcome.result.errorKind ?? "none")
                    item.set("expected_kind", outcome.testCase.expectedKind)
                    item.set("judged", outcome.judged)
                    item.set("passed", outcome.kindMet && outcome.memoryMet)
                    return item
                })
            object.set("passed", passed)
            print(object.text)
        } else {
            print("answer-memory: peak RSS growth while a client is answered with 1 GiB (bound \(bound >> 20) MiB)")
            let rows = outcomes.map { outcome in
                [
                    outcome.transport, outcome.testCase.name, Format.mib(outcome.result.growth),
                    Format.number(outcome.result.seconds, 2), outcome.result.errorKind ?? "none",
                    !outcome.kindMet
                        ? "WRONG ERROR (expected \(outcome.testCase.expectedKind))"
                        : outcome.judged
                            ? Format.verdict(met: outcome.memoryMet, gap: Format.mib(outcome.result.growth - bound))
                            : "reported",
                ]
            }
            print(Format.table(["transport", "answer", "peak growth", "s", "error", "verdict"], rows))
            print(passed ? "answer-memory: passed" : "answer-memory: FAILED")
        }
        return passed ? 0 : 1
    }

    // MARK: Child

    /// `--child answer-memory submit|status curl|urlsession KYY_BASE_URL`
    static func child(_ arguments: [String], out: String) async throws {
        guard arguments.count == 3, let base = URL(string: arguments[2]) else {
            throw Child.Failure(description: "usage: answer-memory submit|status curl|urlsession URL")
        }
        let transport: any HTTPTransport
        if arguments[1] == "curl" {
            var configuration = CurlTransport.Configuration()
            configuration.idleTimeout = .seconds(60)
            transport = try CurlTransport(configuration: configuration)
        } else {
            var configuration = URLSessionTransport.Configuration()
            configuration.idleTimeout = .seconds(60)
            transport = URLSessionTransport(configuration: configuration)
        }
        guard let aizfw = BuiltInProviders.all.first(where: { $0.descriptor.id == "aizfw" }) else {
            throw Child.Failure(description: "aizfw is not built in")
        }
        var registry = ProviderRegistry()
        try registry.register(aizfw, apiKey: "sk-bench-answer-memory", baseURL: base)
        let client = VideoClient(registry: registry, transport: transport)
        let request = VideoRequest(model: "aizfw:grok_video3", prompt: "A lighthouse in a storm", seconds: 6)
        var job: VideoJob?
        if arguments[0] == "status" { job = try await client.submit(request) }
        Memory.trim()
        var failure: VideoProviderError?
        var seconds = 0.0
        let (_, growth) = await Memory.peakGrowth { () async -> Void in
            let start = ContinuousClock.now
            do throws(VideoProviderError) {
                if let job {
                    _ = try await client.status(of: job)
                } else {
                    _ = try await client.submit(request)
                }
            } catch {
                failure = error
            }
            seconds = (ContinuousClock.now - start).seconds
        }
        try Child.report(
            ChildResult(
                growth: growth, seconds: seconds, errorKind: failure?.kind.rawValue, message: failure?.message),
            to: out)
    }
}
