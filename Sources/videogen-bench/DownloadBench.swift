import BuiltInProviders
import Foundation
import VideoProviderKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `download`: 200 MB from the loopback peer (`Tests/LoopbackPeer/loopback_peer.py`) to a file.
///
/// Through the client: `VideoClient.download(_:to:snapshot:)` for a task submitted to the peer's
/// kyyReactApiServer (aizfw registered at the peer), whose `video_url` points at the peer's CDN host; the
/// default transport (`CurlTransport` on Linux) streams it to a temporary file next to the destination and
/// renames it. (`videogen-bench transport` compares the transports themselves.)
/// Baseline, same URL, same run: bare `URLSession.download(for:)` plus the move into place (the ceiling on
/// Linux), and curl when it is installed (the ceiling of the peer itself). Each run is a fresh child
/// process, so its RSS growth is its own; the variants alternate, round after round.
enum DownloadBench {
    static let bytes = 200_000_000
    static let rounds = 5

    struct ChildResult: Codable {
        var seconds: Double
        /// Process CPU time of the transfer (every thread): robust to other load on the machine.
        var cpuSeconds: Double
        var bytes: Int64
        var rssGrowth: Int64
    }

    // MARK: Parent

    static func run(json: Bool, machine: Machine) async throws {
        guard let python = which("python3"), FileManager.default.fileExists(atPath: peerScript.path) else {
            let reason = "python3 or \(peerScript.path) is missing: the download benchmark needs the loopback peer"
            if json {
                var object = machine.report(benchmark: "download")
                object.set("skipped", reason)
                print(object.text)
            } else {
                print("download: SKIPPED (\(reason))")
            }
            return
        }
        let peer = try await Peer.launch(python: python, script: peerScript)
        defer { peer.stop() }
        try await peer.configure(["videoBytes": bytes, "pollsBeforeDone": 0])
        let videoURL = peer.cdn.appendingPathComponent("videos").appendingPathComponent("bench.mp4")
        let kyyBase = peer.api.appendingPathComponent("kyyReactApiServer")
        let curl = which("curl")

        var client: [ChildResult] = []
        var bare: [ChildResult] = []
        var curlSeconds: [Double] = []
        for _ in 0..<rounds {
            client.append(try Child.run("download", ["client", kyyBase.absoluteString], as: ChildResult.self))
            bare.append(try Child.run("download", ["urlsession", videoURL.absoluteString], as: ChildResult.self))
            if let curl, let seconds = try? curlDownload(curl, videoURL) { curlSeconds.append(seconds) }
        }
        for result in client + bare where result.bytes != bytes {
            throw Child.Failure(description: "a download delivered \(result.bytes) of \(bytes) bytes")
        }
        func rate(_ seconds: Double) -> Double { Double(bytes) / seconds / 1e6 }
        let clientRate = Sample(client.map { rate($0.seconds) })
        let bareRate = Sample(bare.map { rate($0.seconds) })
        let curlRate = Sample(curlSeconds.map(rate))
        let clientGrowth = Sample(client.map { Double($0.rssGrowth) / 1_048_576 })
        let bareGrowth = Sample(bare.map { Double($0.rssGrowth) / 1_048_576 })
        let clientCPU = Sample(client.map(\.cpuSeconds))
        let bareCPU = Sample(bare.map(\.cpuSeconds))
        let ratio = clientRate.median / bareRate.median
        let rateMet = ratio >= 0.95
        let memoryMet = clientGrowth.max <= 40

        if json {
            var object = machine.report(benchmark: "download")
            object.set("bytes", bytes)
            object.set("mb_per_s", clientRate.median)
            object.set("baseline_mb_per_s", bareRate.median)
            object.set("ratio", ratio)
            object.set("rss_growth_mb", clientGrowth.max)
            object.set("baseline_rss_growth_mb", bareGrowth.max)
            object.set("curl_mb_per_s", curlRate.values.isEmpty ? .nan : curlRate.median)
            object.set("cpu_s", clientCPU.median)
            object.set("baseline_cpu_s", bareCPU.median)
            object.set("mb_per_s_runs", clientRate.values)
            object.set("baseline_mb_per_s_runs", bareRate.values)
            object.set("curl_mb_per_s_runs", curlRate.values)
            object.set("rss_growth_mb_runs", clientGrowth.values)
            object.set("targets_met", rateMet && memoryMet)
            print(object.text)
            return
        }
        print(
            "download: \(bytes) bytes from the loopback peer (python3 ThreadingHTTPServer) to a file, \(rounds) rounds")
        print("  client = VideoClient.download (aizfw at the peer, video_url on its CDN host, default transport)")
        print("  baseline = bare URLSession.download(for:) + move into place; curl -o FILE for the peer's ceiling")
        print("  MB/s = 10^6 bytes per second, median (min–max); CPU s = process CPU time of the transfer;")
        print("  RSS growth = peak RSS over RSS before, MiB")
        var rows = [
            [
                "VideoClient.download", Format.spread(clientRate), Format.number(ratio * 100, 0) + "%",
                Format.spread(clientCPU, 2), Format.spread(clientGrowth, 1),
            ],
            [
                "URLSession.download(for:)", Format.spread(bareRate), "100%", Format.spread(bareCPU, 2),
                Format.spread(bareGrowth, 1),
            ],
        ]
        if !curlRate.values.isEmpty {
            rows.append([
                "curl", Format.spread(curlRate), Format.number(curlRate.median / bareRate.median * 100, 0) + "%",
                "n/a", "n/a",
            ])
        }
        print(Format.table(["how", "MB/s", "vs URLSession", "CPU s", "RSS growth MiB"], rows))
        print("targets:")
        print(
            "  throughput \(Format.number(ratio * 100, 1))% of bare URLSession ≥ 95%: "
                + Format.verdict(met: rateMet, gap: Format.number((0.95 - ratio) * 100, 1) + " points"))
        print(
            "  RSS growth \(Format.number(clientGrowth.max, 1)) MiB (worst run) ≤ 40 MB: "
                + Format.verdict(met: memoryMet, gap: Format.number(clientGrowth.max - 40, 1) + " MiB"))
    }

    /// The peer script, found from this file's path (the benchmark runs from a checkout);
    /// `VIDEOGEN_BENCH_PEER` overrides it.
    static var peerScript: URL {
        if let path = ProcessInfo.processInfo.environment["VIDEOGEN_BENCH_PEER"] {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/LoopbackPeer/loopback_peer.py")
    }

    /// curl's own transfer time (`time_total`), to a file.
    static func curlDownload(_ curl: URL, _ url: URL) throws -> Double {
        let destination = FileManager.default.temporaryDirectory
            .appendingPathComponent("videogen-bench-curl-\(UUID().uuidString).mp4")
        defer { try? FileManager.default.removeItem(at: destination) }
        return try curlDownload(curl, url, to: destination)
    }

    /// curl's own transfer time (`time_total`), writing `destination` (`curl -o`).
    static func curlDownload(_ curl: URL, _ url: URL, to destination: URL) throws -> Double {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = curl
        process.arguments = ["-s", "-o", destination.path, "-w", "%{time_total} %{size_download}", url.absoluteString]
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = output.split(separator: " ")
        guard process.terminationStatus == 0, fields.count == 2, let seconds = Double(fields[0]),
            Double(fields[1]) == Double(bytes)
        else { throw Child.Failure(description: "curl failed: \(output)") }
        return seconds
    }

    // MARK: Child

    /// `--child download client KYY_BASE_URL` or `--child download urlsession VIDEO_URL`
    static func child(_ arguments: [String], out: String) async throws {
        guard arguments.count == 2, let url = URL(string: arguments[1]) else {
            throw Child.Failure(description: "usage: download client|urlsession URL")
        }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("videogen-bench-download-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let destination = scratch.appendingPathComponent("video.mp4")

        let result: ChildResult
        switch arguments[0] {
        case "client":
            var registry = ProviderRegistry()
            guard let aizfw = BuiltInProviders.all.first(where: { $0.id == "aizfw" }) else {
                throw Child.Failure(description: "aizfw is not built in")
            }
            try registry.register(aizfw, apiKey: "sk-bench-loopback", baseURL: url)
            let client = VideoClient(registry: registry)
            let job = try await client.submit(
                VideoRequest(model: "aizfw:grok_video3", prompt: "A lighthouse in a storm", seconds: 6))
            let snapshot = try await client.status(of: job)
            guard snapshot.status == .completed else {
                throw Child.Failure(description: "the peer's task is \(snapshot.status), not completed")
            }
            var byteCount: Int64 = 0
            var seconds = 0.0
            let cpuStart = processCPUSeconds()
            let (_, growth) = try await Memory.peakGrowth {
                seconds = try await wallSeconds {
                    byteCount = try await client.download(job, to: destination, snapshot: snapshot).byteCount
                }
            }
            result = ChildResult(
                seconds: seconds, cpuSeconds: processCPUSeconds() - cpuStart, bytes: byteCount, rssGrowth: growth)
        case "urlsession":
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            // Warm up as the client's submit and status calls do: URLSession and libcurl initialized.
            var warmURL = URLComponents(url: url, resolvingAgainstBaseURL: false)!
            warmURL.path = "/bytes"
            warmURL.query = "n=1"
            _ = try await session.data(from: warmURL.url!)
            var seconds = 0.0
            let cpuStart = processCPUSeconds()
            let (_, growth) = try await Memory.peakGrowth {
                seconds = try await wallSeconds {
                    let (file, response) = try await session.download(for: URLRequest(url: url))
                    guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                        throw Child.Failure(description: "bare download answered \(response)")
                    }
                    try FileManager.default.moveItem(at: file, to: destination)
                }
            }
            let size =
                (try FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? NSNumber)?
                .int64Value ?? 0
            result = ChildResult(
                seconds: seconds, cpuSeconds: processCPUSeconds() - cpuStart, bytes: size, rssGrowth: growth)
        default:
            throw Child.Failure(description: "unknown download variant \(arguments[0])")
        }
        try Child.report(result, to: out)
    }
}
