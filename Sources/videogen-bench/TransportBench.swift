import Foundation
import VideoProviderKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `transport`: the two transports side by side with bare `URLSession` and the `curl` binary, against the
/// loopback peer, in one run. Every Swift measurement is a fresh child process of this executable; curl's
/// CPU comes from `getrusage(RUSAGE_CHILDREN)` around it.
///
/// - wait: one GET, on a new connection, to a server that answers after ``waitSeconds`` s: CPU used while
///   waiting, as a share of one core (the client's process CPU over the request's wall time).
/// - download: 200 MB to a file in the same directory as the destination, then moved into place (curl:
///   `-o`), ``downloadRounds`` alternating rounds: MB/s, CPU seconds, peak RSS growth.
/// - polls: ``polls`` small JSON GETs at once (curl: `--parallel --parallel-max 6`, the connection limit
///   both transports and `URLSession` use by default): process CPU per poll.
enum TransportBench {
    static let waitSeconds = 5
    static let downloadBytes = 200_000_000
    static let downloadRounds = 3
    static let polls = 1_000

    /// The Swift variants, by the name children take.
    enum Variant: String, CaseIterable {
        case curlTransport = "curl-transport"
        case urlSessionTransport = "urlsession-transport"
        case urlSession = "urlsession"

        var label: String {
            switch self {
            case .curlTransport: return "CurlTransport"
            case .urlSessionTransport: return "URLSessionTransport"
            case .urlSession: return "bare URLSession"
            }
        }
    }

    struct ChildResult: Codable {
        var seconds: Double
        var cpuSeconds: Double
        var bytes: Int64 = 0
        var rssGrowth: Int64 = 0
        var failures: Int = 0
    }

    /// One row of figures: a variant's medians.
    struct Row {
        var label: String
        var wait: ChildResult?
        var downloads: [ChildResult] = []
        var polls: ChildResult?
    }

    // MARK: Parent

    static func run(json: Bool, machine: Machine) async throws {
        guard let python = which("python3"), FileManager.default.fileExists(atPath: DownloadBench.peerScript.path)
        else {
            let reason = "python3 or the loopback peer script is missing"
            if json {
                var object = JSONObject()
                object.set("benchmark", "transport")
                object.set("skipped", reason)
                print(object.text)
            } else {
                print("transport: SKIPPED (\(reason))")
            }
            return
        }
        let peer = try await Peer.launch(python: python, script: DownloadBench.peerScript)
        defer { peer.stop() }
        let curl = which("curl")
        let slowURL = peer.api.appendingPathComponent("slow")
        let bytesURL = URL(string: peer.cdn.absoluteString + "/zeros?n=\(downloadBytes)")!
        let pollURL = peer.api.appendingPathComponent("echo")
        // The waiting request gets a connection of its own, as a submission always does: the warm-up goes
        // to the other host.
        let warmUp = peer.cdn.appendingPathComponent("echo/warm-up")
        let wait: [String: Any] = ["status": 200, "body": "{}", "delayMs": waitSeconds * 1000]

        var rows = Variant.allCases.map { Row(label: $0.label) }
        var curlRow = Row(label: "curl \(curlVersion(curl) ?? "(not installed)")")

        for (index, variant) in Variant.allCases.enumerated() {
            try await peer.script("/slow", [wait])
            rows[index].wait = try Child.run(
                "transport", ["wait", variant.rawValue, slowURL.absoluteString, warmUp.absoluteString],
                as: ChildResult.self)
        }
        if let curl {
            try await peer.script("/slow", [wait])
            curlRow.wait = try runCurl(curl, ["-s", "-o", "/dev/null", slowURL.absoluteString])
        }
        for _ in 0..<downloadRounds {
            for (index, variant) in Variant.allCases.enumerated() {
                rows[index].downloads.append(
                    try Child.run(
                        "transport", ["download", variant.rawValue, bytesURL.absoluteString], as: ChildResult.self))
            }
            if let curl { curlRow.downloads.append(try curlDownload(curl, bytesURL)) }
        }
        for (index, variant) in Variant.allCases.enumerated() {
            rows[index].polls = try Child.run(
                "transport", ["polls", variant.rawValue, pollURL.absoluteString, String(polls)], as: ChildResult.self)
        }
        if let curl { curlRow.polls = try curlPolls(curl, pollURL) }
        for row in rows + [curlRow] {
            for result in row.downloads where result.bytes != Int64(downloadBytes) {
                throw Child.Failure(description: "\(row.label) downloaded \(result.bytes) of \(downloadBytes) bytes")
            }
            if let polls = row.polls, polls.failures > 0 {
                throw Child.Failure(description: "\(row.label): \(polls.failures) of \(Self.polls) polls failed")
            }
        }
        report(rows: rows, curl: curl == nil ? nil : curlRow, json: json, machine: machine)
    }

    static func waitShare(_ result: ChildResult?) -> Double {
        guard let result, result.seconds > 0 else { return .nan }
        return result.cpuSeconds / result.seconds
    }

    static func rate(_ result: ChildResult) -> Double { Double(result.bytes) / result.seconds / 1e6 }

    static func report(rows: [Row], curl: Row?, json: Bool, machine: Machine) {
        let all = rows + (curl.map { [$0] } ?? [])
        let curlTransport = rows[0]
        let urlSession = rows[2]
        let urlSessionTransport = rows[1]
        func medianRate(_ row: Row) -> Double { Sample(row.downloads.map(rate)).median }
        func perPoll(_ row: Row) -> Double { row.polls.map { $0.cpuSeconds / Double(polls) * 1e6 } ?? .nan }
        let waitShareCurl = waitShare(curlTransport.wait)
        let waitMet = waitShareCurl <= 0.02
        let versusBare = medianRate(curlTransport) / medianRate(urlSession)
        let versusCurl = curl.map { medianRate(curlTransport) / medianRate($0) } ?? .nan
        let worstGrowth = curlTransport.downloads.map { Double($0.rssGrowth) / 1_048_576 }.max() ?? .nan
        let downloadMet = versusBare >= 1.5 && (curl == nil || versusCurl >= 0.6) && worstGrowth <= 16
        let pollRatio = perPoll(curlTransport) / perPoll(urlSession)
        let pollMet = pollRatio <= 1.0 / 3.0

        if json {
            var object = machine.report(benchmark: "transport")
            object.set("wait_seconds", waitSeconds)
            object.set("download_bytes", downloadBytes)
            object.set("polls", polls)
            object.set(
                "variants",
                all.map { row -> JSONObject in
                    var item = JSONObject()
                    item.set("name", row.label)
                    item.set("wait_cpu_share", waitShare(row.wait))
                    item.set("download_mb_per_s", medianRate(row))
                    item.set("download_mb_per_s_runs", row.downloads.map(rate))
                    item.set("download_cpu_s", Sample(row.downloads.map(\.cpuSeconds)).median)
                    item.set(
                        "download_rss_growth_mib_worst",
                        row.downloads.map { Double($0.rssGrowth) / 1_048_576 }.max() ?? .nan)
                    item.set("poll_cpu_us", perPoll(row))
                    return item
                })
            object.set("download_vs_bare_urlsession", versusBare)
            object.set("download_vs_curl", versusCurl)
            object.set("poll_cpu_vs_bare_urlsession", pollRatio)
            object.set("targets_met", waitMet && downloadMet && pollMet)
            print(object.text)
            return
        }
        print("transport: CurlTransport, URLSessionTransport, bare URLSession and curl against the loopback peer")
        print("  wait = CPU while one GET waits \(waitSeconds) s for its answer, as a share of one core")
        print(
            "  download = \(downloadBytes) bytes to a file (moved into place), \(downloadRounds) rounds, median (min–max)"
        )
        print("  polls = \(polls) small GETs at once (6 connections per host), process CPU per poll")
        print("  RSS growth = peak RSS over RSS before the download (curl: not measured)")
        var table: [[String]] = []
        for row in all {
            let rates = Sample(row.downloads.map(rate))
            let isCurl = curl != nil && row.label == curl?.label
            table.append([
                row.label, Format.number(waitShare(row.wait) * 100, 2) + "%", Format.spread(rates),
                Format.spread(Sample(row.downloads.map(\.cpuSeconds)), 2),
                isCurl ? "n/a" : Format.spread(Sample(row.downloads.map { Double($0.rssGrowth) / 1_048_576 }), 1),
                Format.number(perPoll(row), 0),
            ])
        }
        print(Format.table(["how", "wait CPU", "MB/s", "download CPU s", "RSS growth MiB", "CPU µs/poll"], table))
        print("targets:")
        print(
            "  CPU while waiting \(Format.number(waitShareCurl * 100, 2))% of a core ≤ 2%: "
                + Format.verdict(met: waitMet, gap: Format.number((waitShareCurl - 0.02) * 100, 2) + " points"))
        print(
            "  download \(Format.number(versusBare, 2))× bare URLSession.download(for:) ≥ 1.5×: "
                + Format.verdict(met: versusBare >= 1.5, gap: Format.number(1.5 - versusBare, 2) + "×"))
        if curl != nil {
            print(
                "  download \(Format.number(versusCurl * 100, 0))% of curl -o ≥ 60%: "
                    + Format.verdict(
                        met: versusCurl >= 0.6, gap: Format.number((0.6 - versusCurl) * 100, 0) + " points"))
        }
        print(
            "  download RSS growth \(Format.number(worstGrowth, 1)) MiB (worst round) ≤ 16 MiB: "
                + Format.verdict(met: worstGrowth <= 16, gap: Format.number(worstGrowth - 16, 1) + " MiB"))
        print(
            "  CPU per poll \(Format.number(pollRatio, 2))× bare URLSession's (URLSessionTransport's: "
                + "\(Format.number(perPoll(curlTransport) / perPoll(urlSessionTransport), 2))×) ≤ 1/3: "
                + Format.verdict(met: pollMet, gap: Format.number(pollRatio - 1.0 / 3.0, 2) + "×"))
    }

    // MARK: curl

    static func curlVersion(_ curl: URL?) -> String? {
        guard let curl, let text = versionOutput(curl) else { return nil }
        return text.split(separator: " ").dropFirst().first.map(String.init)
    }

    /// Runs curl; wall time and its CPU.
    static func runCurl(_ curl: URL, _ arguments: [String]) throws -> ChildResult {
        let process = Process()
        process.executableURL = curl
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let cpuBefore = childrenCPUSeconds()
        let start = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        let seconds = (ContinuousClock.now - start).seconds
        guard process.terminationStatus == 0 else {
            throw Child.Failure(
                description: "curl \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return ChildResult(seconds: seconds, cpuSeconds: childrenCPUSeconds() - cpuBefore)
    }

    static func curlDownload(_ curl: URL, _ url: URL) throws -> ChildResult {
        let destination = FileManager.default.temporaryDirectory
            .appendingPathComponent("videogen-bench-curl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: destination) }
        let cpuBefore = childrenCPUSeconds()
        let seconds = try DownloadBench.curlDownload(curl, url, to: destination)
        let size = (try? FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? NSNumber)?.int64Value
        return ChildResult(seconds: seconds, cpuSeconds: childrenCPUSeconds() - cpuBefore, bytes: size ?? 0)
    }

    static func curlPolls(_ curl: URL, _ url: URL) throws -> ChildResult {
        let config = FileManager.default.temporaryDirectory
            .appendingPathComponent("videogen-bench-curl-polls-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: config) }
        var text = ""
        for index in 0..<polls { text += "url = \"\(url.absoluteString)/\(index)\"\noutput = \"/dev/null\"\n" }
        try Data(text.utf8).write(to: config)
        return try runCurl(curl, ["-s", "--fail", "--parallel", "--parallel-max", "6", "--config", config.path])
    }

    // MARK: Child

    /// `--child transport wait|download|polls VARIANT URL [COUNT]`
    static func child(_ arguments: [String], out: String) async throws {
        guard arguments.count >= 3, let variant = Variant(rawValue: arguments[1]), let url = URL(string: arguments[2])
        else { throw Child.Failure(description: "usage: transport wait|download|polls VARIANT URL [COUNT]") }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("videogen-bench-transport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let client = try Client(variant)
        // Warm up: libraries loaded and one connection made, as an app's first request would have done
        // (to another host when a fourth argument names it, so the measured request connects afresh).
        var warm = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        warm.path = "/echo/warm-up"
        warm.query = nil
        let warmUp = arguments[0] == "wait" && arguments.count > 3 ? URL(string: arguments[3]) : warm.url
        _ = try await client.get(warmUp ?? warm.url!)

        let result: ChildResult
        switch arguments[0] {
        case "wait":
            let cpu = processCPUSeconds()
            let seconds = try await wallSeconds { _ = try await client.get(url) }
            result = ChildResult(seconds: seconds, cpuSeconds: processCPUSeconds() - cpu)
        case "download":
            let destination = scratch.appendingPathComponent("video.mp4")
            var seconds = 0.0
            let cpu = processCPUSeconds()
            let (_, growth) = try await Memory.peakGrowth {
                seconds = try await wallSeconds { try await client.download(url, to: destination, scratch: scratch) }
            }
            let size =
                (try FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? NSNumber)?
                .int64Value ?? 0
            result = ChildResult(
                seconds: seconds, cpuSeconds: processCPUSeconds() - cpu, bytes: size, rssGrowth: growth)
        case "polls":
            let count = arguments.count > 3 ? Int(arguments[3]) ?? polls : polls
            var failures = 0
            let cpu = processCPUSeconds()
            let seconds = await wallSeconds {
                failures = await withTaskGroup(of: Bool.self) { group in
                    for index in 0..<count {
                        group.addTask { (try? await client.get(url.appendingPathComponent(String(index)))) != nil }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 0 : 1) }
                }
            }
            result = ChildResult(seconds: seconds, cpuSeconds: processCPUSeconds() - cpu, failures: failures)
        default:
            throw Child.Failure(description: "unknown transport measurement \(arguments[0])")
        }
        try Child.report(result, to: out)
    }

    /// One variant's way of sending a GET and downloading to a file.
    struct Client: Sendable {
        let transport: (any HTTPTransport)?
        let session: URLSession?

        init(_ variant: Variant) throws {
            switch variant {
            case .curlTransport:
                var configuration = CurlTransport.Configuration()
                configuration.idleTimeout = .seconds(120)
                transport = try CurlTransport(configuration: configuration)
                session = nil
            case .urlSessionTransport:
                var configuration = URLSessionTransport.Configuration()
                configuration.idleTimeout = .seconds(120)
                transport = URLSessionTransport(configuration: configuration)
                session = nil
            case .urlSession:
                let configuration = URLSessionConfiguration.ephemeral
                configuration.timeoutIntervalForRequest = 120
                transport = nil
                session = URLSession(configuration: configuration)
            }
        }

        func get(_ url: URL) async throws -> Data {
            if let transport {
                let response = try await transport.send(HTTPRequest(method: .get, url: url))
                guard response.status == 200 else { throw Child.Failure(description: "HTTP \(response.status)") }
                return response.body
            }
            let (data, response) = try await session!.data(from: url)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw Child.Failure(description: "bare URLSession answered \(response)")
            }
            return data
        }

        func download(_ url: URL, to destination: URL, scratch: URL) async throws {
            if let transport {
                let response = try await transport.send(
                    HTTPRequest(method: .get, url: url), bodyDestination: .temporaryFile(in: scratch))
                guard response.status == 200, let file = response.bodyFile else {
                    throw Child.Failure(description: "download answered HTTP \(response.status)")
                }
                guard rename(file.path, destination.path) == 0 else {
                    throw Child.Failure(description: "cannot move the download (errno \(errno))")
                }
                return
            }
            let (file, response) = try await session!.download(for: URLRequest(url: url))
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw Child.Failure(description: "bare download answered \(response)")
            }
            try FileManager.default.moveItem(at: file, to: destination)
        }
    }
}
