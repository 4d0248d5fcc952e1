import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `videogen` against real loopback sockets (`Tests/LoopbackPeer/loopback_peer.py` playing aizfw's
/// kyyReactApiServer): `--timeout` bounds a request in flight, SIGINT and SIGTERM leave a job to follow
/// and no temporary files, two runs cannot claim one output, a failed TLS handshake falls back, and
/// `follow` and `download` pick jobs up.
///
/// Serialized: each case keeps a `videogen` waiting on a socket, and Linux's URLSession spins a core
/// while it waits (docs/performance.md); several at once on a shared 2-core machine slow everything.
/// Durations are checked against what the old behaviour took (a 60 s idle timeout, or a body that would
/// drip for hours), with room for a loaded machine.
@Suite("videogen over loopback", .serialized, .timeLimit(.minutes(5)))
struct FollowAndInterruptTests {
    static let submitPath = "/kyyReactApiServer/v1/grok/videos"
    static let resultPath = "/kyyReactApiServer/v1/result/"
    static let key = ["AIZFW_API_KEY": VideoGen.canary]

    /// A kyyReactApiServer submit answer whose task is already completed, with its video at `videoURL`:
    /// no polling (aizfw asks for 30 s between polls), straight to the download.
    static func completedAnswer(id: String, videoURL: URL) -> PeerAction {
        .answer(
            status: 200,
            body:
                #"{"id":"\#(id)","object":"video","created":1,"model":"grok_video3","status":"completed","video_url":"\#(videoURL.absoluteString)","error":null}"#
        )
    }

    /// Creates a task on the peer, as a submission would, and returns its id.
    static func createTask(on peer: LoopbackPeer) async throws -> String {
        var request = URLRequest(url: peer.kyyBase().appendingPathComponent("v1/grok/videos"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(VideoGen.canary)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(#"{"model":"grok_video3","prompt":"p"}"#.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        return try #require(try JSONValue.parse(data)["id"]?.stringValue)
    }

    /// Waits (up to 60 s: a loaded machine starts processes slowly) until `condition` holds.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(60) {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    // MARK: --timeout bounds the whole command

    /// A submission that hangs after its body arrived: `--timeout 2` ends the run in about 2 s (not the
    /// transport's 60 s), says a task may exist, and leaves the record.
    @Test func theTimeoutCutsAHungSubmission() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(Self.submitPath, method: "POST", server: .api, [.fault("stall", createTask: true)])
            let run = try VideoGen.start(
                [
                    "generate", "--model", "aizfw:grok_video3", "--prompt", "p", "--base-url",
                    "aizfw=\(peer.kyyBase().absoluteString)", "--output", "cat.mp4", "--timeout", "2", "--json",
                ], environment: Self.key)
            let result = try run.finish()
            #expect(result.exitCode == 3)
            #expect(run.elapsed < .seconds(40))
            let error = try #require(try result.events().last)
            #expect(error["kind"] == .string("ambiguous-submission"))
            #expect(
                error["message"]
                    == .string(
                        "Gave up after 2 s (--timeout) while submitting to aizfw (grok_video3): the submission may have reached it, so a task may exist and be billed."
                    ))
            let record = try JSONValue.parse(
                Data(contentsOf: result.directory.appendingPathComponent("cat.mp4.job.json")))
            #expect(record["videogenSubmission"] == .string("ambiguous"))
            #expect(VideoGen.visibleFiles(in: result.directory) == ["cat.mp4.job.json"])
            let log = try await peer.log()
            #expect(log.submissions(on: .api).count == 1)
            #expect(!result.contains(VideoGen.canary))
        }
    }

    /// A status answer that drips a byte every 300 ms never trips an idle timeout; `follow --timeout 3`
    /// still ends in about 3 s, with the job left to follow again.
    @Test func theTimeoutCutsADrippingStatusAnswer() async throws {
        try await LoopbackPeer.run { peer in
            let task = try await Self.createTask(on: peer)
            let directory = try VideoGen.jobAt(peer.kyyBase().absoluteString, taskID: task)
            try await peer.script(
                Self.resultPath, method: "GET", [.fault("drip", declaredLength: 100_000, everyMs: 300)])
            let run = try VideoGen.start(
                ["follow", "job.json", "--timeout", "3", "--base-url", "aizfw=\(peer.kyyBase().absoluteString)"],
                environment: Self.key, in: directory)
            let result = try run.finish()
            #expect(result.exitCode == 3)
            #expect(run.elapsed < .seconds(40))
            #expect(
                result.stderrLines.contains(
                    "error: Gave up following task \(task) on aizfw after 3 s (--timeout); last status: queued. The task may still finish."
                ))
            #expect(
                result.stderrLines.last
                    == "hint: To follow the job again: videogen follow \(directory.path)/job.json --base-url aizfw=\(peer.kyyBase().absoluteString)"
            )
        }
    }

    /// A video that drips: `--timeout` ends the run, no partial file stays next to the output, and the
    /// printed command picks the job up.
    @Test func theTimeoutCutsADrippingDownloadAndTheFollowCommandFinishesIt() async throws {
        try await LoopbackPeer.run { peer in
            let run = try await Self.generateDripping(
                peer, id: "video_drip", everyMs: 200, ["--output", "out/cat.mp4", "--timeout", "3"])
            let result = try run.finish()
            #expect(result.exitCode == 3)
            #expect(run.elapsed < .seconds(40))
            #expect(
                result.stderrLines.contains(
                    "error: Gave up after 3 s (--timeout) while downloading the video of task video_drip from aizfw; nothing was saved."
                ))
            let out = result.directory.appendingPathComponent("out")
            #expect(VideoGen.visibleFiles(in: out) == ["cat.mp4.job.json"])

            // The printed command, run as printed, finishes the job once the video stops dripping.
            let line = try #require(result.stderrLines.last)
            let prefix = "hint: To follow the job again: videogen "
            #expect(
                line == prefix
                    + "follow \(out.path)/cat.mp4.job.json --output \(out.path)/cat.mp4 --base-url aizfw=\(peer.kyyBase().absoluteString)"
            )
            try await peer.script(
                Self.resultPath + "video_drip", method: "GET",
                [
                    .answer(
                        status: 200,
                        body:
                            #"{"id":"video_drip","object":"video","status":"completed","video_url":"\#(peer.url(.cdn, "/videos/video_drip.mp4").absoluteString)","error":null}"#
                    )
                ])
            let arguments = line.dropFirst(prefix.count).split(separator: " ").map(String.init) + ["--timeout", "30"]
            let follow = try VideoGen.run(arguments, environment: Self.key, in: result.directory)
            #expect(follow.exitCode == 0, "\(follow.stderr)")
            #expect(follow.stdoutLines.last == "Saved \(out.path)/cat.mp4 (1048576 bytes)")
            #expect(VideoGen.visibleFiles(in: out) == ["cat.mp4", "cat.mp4.job.json"])
        }
    }

    /// Starts `generate` (with `extra` options) against a task that completes at once and whose 1 MB video
    /// the CDN drips one byte every `everyMs` milliseconds.
    static func generateDripping(
        _ peer: LoopbackPeer, id: String, everyMs: Int, _ extra: [String]
    ) async throws -> VideoGen.Running {
        let drip = peer.url(.cdn, "/drip?n=1000000&everyMs=\(everyMs)")
        try await peer.script(submitPath, method: "POST", server: .api, [completedAnswer(id: id, videoURL: drip)])
        return try VideoGen.start(
            [
                "generate", "--model", "aizfw:grok_video3", "--prompt", "p", "--base-url",
                "aizfw=\(peer.kyyBase().absoluteString)",
            ] + extra, environment: key)
    }

    // MARK: Signals

    /// SIGTERM while downloading: exit 143, no partial file, the job kept, the command to pick it up.
    @Test func sigtermWhileDownloadingLeavesNoPartialFile() async throws {
        try await LoopbackPeer.run { peer in
            let run = try await Self.generateDripping(peer, id: "video_term", everyMs: 100, ["--output", "cat.mp4"])
            // The partial download exists while bytes flow.
            #expect(
                try await Self.eventually {
                    VideoGen.visibleFiles(in: run.directory).contains { $0.hasPrefix("videoproviderkit-download-") }
                }, "\(run.stderrSoFar)")
            run.signal(SIGTERM)
            let result = try run.finish()
            #expect(result.exitCode == 143)
            #expect(
                result.stderrLines.contains(
                    "error: Interrupted by SIGTERM while downloading the video of task video_term from aizfw; nothing was saved."
                ))
            #expect(result.stderrLines.contains { $0.hasPrefix("hint: To follow the job again: videogen follow ") })
            #expect(VideoGen.visibleFiles(in: result.directory) == ["cat.mp4.job.json"])
            let job = try VideoJob.decode(
                from: Data(contentsOf: result.directory.appendingPathComponent("cat.mp4.job.json")))
            #expect(job.taskID == "video_term")
        }
    }

    /// SIGINT while a submission with an image hangs: exit 130, "a task may exist", the record kept, and
    /// the staged copy of the image (owner-only while it existed) removed from the temporary folder. A
    /// second run cannot claim the same output meanwhile.
    @Test func sigintWhileSubmittingRemovesTheImageCopyAndKeepsTheRecord() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(Self.submitPath, method: "POST", server: .api, [.fault("stall", createTask: true)])
            let directory = try VideoGen.temporaryDirectory()
            let temporary = directory.appendingPathComponent("tmp")
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            let image = try TinyImages.pngFiles(1, in: directory)[0]
            let arguments = [
                "generate", "--model", "xingchaoyiqing:grok_video3", "--prompt", "p", "--image", image, "--base-url",
                "xingchaoyiqing=\(peer.kyyBase().absoluteString)", "--output", "cat.mp4",
            ]
            let environment = ["XINGCHAOYIQING_API_KEY": VideoGen.canary, "TMPDIR": temporary.path]
            let run = try VideoGen.start(arguments, environment: environment, in: directory)
            #expect(
                try await Self.eventually { !(try await peer.log().submissions(on: .api).isEmpty) },
                "\(run.stderrSoFar)")

            // While it is in flight: the run's private folder is 0700; URLSessionTransport's staged body is
            // 0600 there, and CurlTransport (streaming the body from the image itself) stages nothing.
            let scratch = try #require(VideoGen.visibleFiles(in: temporary).first { $0.hasPrefix("videogen-") })
            let folder = temporary.appendingPathComponent(scratch)
            #expect(try Self.permissions(folder) == 0o700)
            if VideoGen.sendsThroughURLSession {
                let staged = try #require(VideoGen.visibleFiles(in: folder).first)
                #expect(staged.hasPrefix("videoproviderkit-body-"))
                #expect(try Self.permissions(folder.appendingPathComponent(staged)) == 0o600)
            } else {
                #expect(VideoGen.visibleFiles(in: folder) == [])
            }

            // Another run cannot claim the same output.
            let second = try VideoGen.run(arguments, environment: environment, in: directory)
            #expect(second.exitCode == 2)
            #expect(
                second.firstErrorLine
                    == "error: --output \(directory.path)/cat.mp4 is being written by another videogen (pid \(run.pid)); wait for it to finish or choose another file"
            )

            run.signal(SIGINT)
            let result = try run.finish()
            #expect(result.exitCode == 130)
            #expect(
                result.firstErrorLine
                    == "error: Interrupted by SIGINT while submitting to xingchaoyiqing (grok_video3): the submission may have reached it, so a task may exist and be billed."
            )
            #expect(VideoGen.visibleFiles(in: temporary).isEmpty)
            let record = try JSONValue.parse(Data(contentsOf: directory.appendingPathComponent("cat.mp4.job.json")))
            #expect(record["videogenSubmission"] == .string("ambiguous"))
            #expect(VideoGen.visibleFiles(in: directory) == ["cat.mp4.job.json", "ref-1.png", "tmp"])
            #expect(try await peer.log().submissions(on: .api).count == 1)
        }
    }

    static func permissions(_ url: URL) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    // MARK: Claims

    /// Three runs started together for one output: one saves it, the others stop before sending.
    @Test func concurrentRunsCannotBothClaimOneOutput() throws {
        let directory = try VideoGen.temporaryDirectory()
        let arguments = [
            "generate", "--simulate", "--model", "octopusx:grok-video-3", "--prompt", "p", "--output", "same.mp4",
        ]
        let runs = try (0..<3).map { _ in try VideoGen.start(arguments, in: directory, speedup: 20) }
        let results = try runs.map { try $0.finish() }
        #expect(results.map(\.exitCode).sorted() == [0, 2, 2])
        #expect(results.filter { $0.stdout.contains("Saved ") }.count == 1)
        for refused in results where refused.exitCode == 2 {
            #expect(
                refused.firstErrorLine.hasPrefix(
                    "error: --output \(directory.path)/same.mp4 is being written by another videogen (pid "))
        }
        #expect(VideoGen.visibleFiles(in: directory) == ["same.mp4", "same.mp4.job.json"])
    }

    // MARK: Nothing sent

    /// A failed TLS handshake sent nothing: retried, then the next gateway (same output) gets the job.
    @Test func aFailedTLSHandshakeFallsBack() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api2,
                [Self.completedAnswer(id: "video_tls", videoURL: peer.url(.cdn, "/videos/video_tls.mp4"))])
            let result = try VideoGen.run(
                [
                    "generate", "--model", "grok-video-3", "--prompt", "p", "--seconds", "6", "--resolution", "720p",
                    "--provider", "aizfw", "--provider", "xingchaoyiqing", "--base-url",
                    "aizfw=https://127.0.0.1:\(peer.notTLSPort)/kyyReactApiServer", "--base-url",
                    "xingchaoyiqing=\(peer.kyyBase(.api2).absoluteString)", "--json",
                ], environment: ["AIZFW_API_KEY": VideoGen.canary, "XINGCHAOYIQING_API_KEY": "sk-other-key"])
            #expect(result.exitCode == 0, "\(result.stderr)")
            let events = try result.events()
            let names = events.compactMap { event -> String? in
                guard let name = event["event"]?.stringValue, name != "progress" else { return nil }
                return name + ":" + (event["provider"]?.stringValue ?? event["from"]?.stringValue ?? "")
            }
            #expect(
                names == [
                    "attempt:aizfw", "retry:aizfw", "attempt:aizfw", "retry:aizfw", "attempt:aizfw", "fallback:aizfw",
                    "attempt:xingchaoyiqing", "submitted:xingchaoyiqing", "completed:xingchaoyiqing",
                ])
            #expect(events[1]["reason"]?.stringValue?.hasPrefix("Could not connect to 127.0.0.1 (aizfw)") == true)
        }
    }

    // MARK: download

    /// `download` on a task still running says so (exit 3, `task-not-finished`), distinctly from a task
    /// that failed (exit 1, `task-failed` with the vendor's reason).
    @Test func downloadTellsARunningTaskFromAFailedOne() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.configure(pollsBeforeDone: 100)
            let task = try await Self.createTask(on: peer)
            let directory = try VideoGen.jobAt(peer.kyyBase().absoluteString, taskID: task)
            let base = ["--base-url", "aizfw=\(peer.kyyBase().absoluteString)", "--json"]
            let failedAnswer = PeerAction.answer(
                status: 200,
                body:
                    #"{"id":"\#(task)","object":"video","status":"failed","video_url":null,"error":{"code":"upstream_error","message":"The renderer gave up."}}"#
            )
            let running = try VideoGen.run(
                ["download", "job.json", "--output", "v.mp4"] + base, environment: Self.key, in: directory)
            #expect(running.exitCode == 3)
            #expect(
                running.firstErrorLine
                    == "error: Task \(task) on aizfw is still running (processing); there is nothing to download yet.")
            #expect(try running.events().last?["kind"] == .string("task-not-finished"))
            #expect(
                try running.events().last?["followCommand"]
                    == .string(
                        "videogen follow \(directory.path)/job.json --output \(directory.path)/v.mp4 --base-url aizfw=\(peer.kyyBase().absoluteString)"
                    ))

            try await peer.script(Self.resultPath, method: "GET", [failedAnswer])
            let failed = try VideoGen.run(
                ["download", "job.json", "--output", "v.mp4"] + base, environment: Self.key, in: directory)
            #expect(failed.exitCode == 1)
            #expect(failed.firstErrorLine == "error: Task \(task) on aizfw ended failed: The renderer gave up.")
            let error = try #require(try failed.events().last)
            #expect(error["kind"] == .string("task-failed"))
            #expect(error["vendorMessage"] == .string("The renderer gave up."))
            #expect(VideoGen.visibleFiles(in: directory).filter { $0.hasPrefix("v.mp4") }.isEmpty)

            // `follow` ends the same way: the library's `updates` sequence throws the task's own error.
            try await peer.script(Self.resultPath, method: "GET", [failedAnswer])
            let followed = try VideoGen.run(["follow", "job.json"] + base, environment: Self.key, in: directory)
            #expect(followed.exitCode == 1)
            let events = try followed.events()
            #expect(events.first?["event"] == .string("progress"))
            #expect(events.first?["status"] == .string("failed"))
            #expect(events.last?["kind"] == .string("task-failed"))
            #expect(events.last?["vendorMessage"] == .string("The renderer gave up."))
            #expect(events.last?["followCommand"] == .null)
        }
    }
}
