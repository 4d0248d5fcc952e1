import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

private typealias TaskScript = GatewaySimulator.TaskScript

/// The four grok-video-3 gateways, in registry order. Their defaults differ: aizfw 6 s at 480p,
/// Xingchaoyiqing 10 s at 720p, OctopusX and Duoyuanx 6 s at 720p.
private let video3Providers: [ProviderID] = ["aizfw", "xingchaoyiqing", "octopusx", "duoyuanx"]

/// A fallback makes what the first choice would have made; `adjustToNearest` picks the closest match.
@Suite struct ClientFallbackOutputTests {
    @Test func fallbacksThatWouldMakeSomethingElseArePassedOverWithWhatTheyWouldMake() throws {
        let harness = try Harness(video3Providers)
        let plan = harness.client.plan(VideoRequest(model: "grok-video-3", prompt: "Rain"))
        #expect(plan.providerIDs == ["aizfw"])
        #expect(
            plan.skipped.map(\.description) == [
                "xingchaoyiqing:grok_video3: would make 10 s, 16:9, 720p and bill 10 s, not what the first choice aizfw makes (6 s, 16:9, 480p); a fallback must make the same video unless differences are allowed",
                "octopusx:grok-video-3: would make 6 s, 16:9, 720p and bill 6 s, not what the first choice aizfw makes (6 s, 16:9, 480p); a fallback must make the same video unless differences are allowed",
                "duoyuanx:grok-video-3: would make 6 s, 16:9, 720p and bill 6 s, not what the first choice aizfw makes (6 s, 16:9, 480p); a fallback must make the same video unless differences are allowed",
            ])
        // Asking for the values every gateway offers keeps them all.
        let explicit = harness.client.plan(
            VideoRequest(model: "grok-video-3", prompt: "Rain", seconds: 8, resolution: .p720))
        #expect(explicit.providerIDs == video3Providers)
        // The caller may allow differences.
        var options = VideoClient.SubmitOptions()
        options.fallbacks = .anyOutput
        #expect(
            harness.client.plan(VideoRequest(model: "grok-video-3", prompt: "Rain"), options: options).providerIDs
                == video3Providers)
    }

    /// A model that picks its own resolution matches only another such model.
    @Test func anUnknownResolutionIsNotTheSameAsAKnownOne() throws {
        let harness = try Harness(["aizfw", "octopusx"])
        let plan = harness.client.plan(VideoRequest(model: "grok-video-3-pro", prompt: "Rain"))
        #expect(plan.providerIDs == ["aizfw"])
        #expect(
            plan.skipped.first?.reason
                == "would make 10 s, 16:9, 720p and bill 1 call, not what the first choice aizfw makes (10 s, 16:9, a resolution the model chooses); a fallback must make the same video unless differences are allowed"
        )
    }

    /// The submission falls back only to a gateway that makes the same video: here OctopusX, after the
    /// shared kyyReactApiServer backend refused twice with 503.
    @Test func theFallbackMakesTheSameVideo() async throws {
        let harness = try Harness(video3Providers)
        harness.simulator.inject(.httpError(status: 503), on: .submit, at: Sim.kyy, times: nil)
        let job = try await harness.client.submit(
            VideoRequest(model: "grok-video-3", prompt: "Rain", seconds: 8, resolution: .p720))
        #expect(job.providerID == "octopusx")
        #expect(job.attempts.map(\.providerID) == ["aizfw", "xingchaoyiqing", "octopusx"])
        #expect(job.request.seconds == 8)
        #expect(job.request.resolution == .p720)
        #expect(job.request.aspectRatio == "16:9")
    }

    /// With the default route a failure of the first choice has no same-output fallback: the call ends
    /// with that failure rather than buy a 10 s video at 720p.
    @Test func withoutASameOutputFallbackTheCallEnds() async throws {
        let harness = try Harness(video3Providers)
        harness.simulator.inject(.httpError(status: 503), on: .submit, at: Sim.kyy, times: nil)
        let error = await captureError {
            try await harness.client.submit(VideoRequest(model: "grok-video-3", prompt: "Rain"))
        }
        #expect(error?.kind == .serverError)
        #expect(error?.attempts.map(\.providerID) == ["aizfw"])
        #expect(harness.simulator.count(.submit) == 1)
        #expect(error?.skipped.count == 3)
    }

    /// A first choice cooling down does not change what a fallback must make.
    @Test func theFirstChoiceIsChosenBeforeCooldowns() async throws {
        let harness = try Harness(video3Providers)
        harness.simulator.inject(.httpError(status: 401), on: .submit, at: Sim.kyy)
        _ = await captureError { try await harness.client.submit(VideoRequest(model: "grok-video-3", prompt: "Rain")) }
        let plan = harness.client.plan(VideoRequest(model: "grok-video-3", prompt: "Rain"))
        #expect(plan.providerIDs.isEmpty)
        #expect(plan.skipped.first { $0.providerID == "aizfw" }?.reason.hasPrefix("cooling down for 60 s") == true)
        #expect(
            plan.skipped.first { $0.providerID == "octopusx" }?.reason.hasSuffix("unless differences are allowed")
                == true)
    }

    /// `adjustToNearest` looks across every candidate: exact matches first, then the closest.
    @Test func adjustingPicksTheExactMatchAcrossCandidates() throws {
        let harness = try Harness(
            video3Providers, configuration: Sim.configuration { $0.validation = .adjustToNearest })
        // 540p: only Duoyuanx makes it; aizfw would snap to 480p.
        let plan = harness.client.plan(VideoRequest(model: "grok-video-3", prompt: "Rain", resolution: .p540))
        #expect(plan.providerIDs == ["duoyuanx"])
        #expect(plan.eligible.first?.resolved.resolution == .p540)
        #expect(plan.eligible.first?.resolved.warnings == [])
        #expect(
            plan.skipped.first { $0.providerID == "aizfw" }?.reason.hasPrefix("would make 6 s, 16:9, 480p and bill 6 s")
                == true)

        // 15 s of grok-video-3-max: OctopusX and Duoyuanx make exactly 15 s; Xingchaoyiqing would bill 16.
        let max = harness.client.plan(VideoRequest(model: "grok-video-3-max", prompt: "Rain", seconds: 15))
        #expect(max.providerIDs == ["octopusx", "duoyuanx"])
        #expect(max.skipped.first { $0.providerID == "xingchaoyiqing" }?.reason.hasPrefix("would make 16 s") == true)
    }

    /// Without an exact match the closest comes first, and its warning says what changed.
    @Test func adjustingOtherwisePicksTheClosestAndSaysWhatChanged() throws {
        let harness = try Harness(
            video3Providers, configuration: Sim.configuration { $0.validation = .adjustToNearest })
        var options = VideoClient.SubmitOptions()
        options.fallbacks = .anyOutput
        // 1000p: 1080p (OctopusX, Duoyuanx) is 80 lines away, 720p (the kyy gateways) 280.
        let plan = harness.client.plan(
            VideoRequest(model: "grok-video-3", prompt: "Rain", seconds: 8, resolution: Resolution(parsing: "1000p")),
            options: options)
        #expect(plan.providerIDs == ["octopusx", "duoyuanx", "aizfw", "xingchaoyiqing"])
        #expect(
            plan.eligible.first?.resolved.warnings.map(\.message) == [
                "resolution 1000p adjusted to 1080p: grok-video-3 allows 720p, 1080p."
            ])
    }
}

/// `maximumBillableSeconds`: every submission that may be billed counts, before anything is sent.
@Suite struct ClientBudgetTests {
    @Test func candidatesOverTheBudgetArePassedOverBeforeSending() async throws {
        let harness = try Harness(["octopusx", "duoyuanx"])
        var options = VideoClient.SubmitOptions()
        options.maximumBillableSeconds = 12
        // A per-call model counts its fixed length: 15 s of grok-video-3-max is over 12.
        let error = await captureError {
            try await harness.client.submit(VideoRequest(model: "grok-video-3-max", prompt: "Rain"), options: options)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(
            error?.message
                == "Invalid request for 'grok-video-3-max': seconds = 15 (a per-call model of fixed length) is not allowed (over the billable-seconds budget); allowed: at most 12 billable seconds (the budget) (on every one of the 2 providers that offer it)."
        )
        #expect(harness.simulator.count(.submit) == 0)

        let job = try await harness.client.submit(
            VideoRequest(model: "grok-video-3", prompt: "Rain", seconds: 12), options: options)
        #expect(job.request.seconds == 12)
    }

    /// A failed task may be billed: in `generate`, resubmitting it counts its seconds too.
    @Test func aResubmittedFailedTaskCountsAgainstTheBudget() async throws {
        let harness = try Harness(
            ["openai-compatible", "duoyuanx"], configuration: Sim.configuration { $0.resubmitFailedTasks = true })
        harness.simulator.scriptNextTasks(
            TaskScript(outcome: .failure(message: "GPU pool exhausted")), at: Sim.openAICompatible)
        var options = VideoClient.SubmitOptions()
        options.maximumBillableSeconds = 12
        let error = await captureError { try await harness.client.generate(Sim.imagine(seconds: 8), options: options) }
        #expect(error?.kind == .taskFailed)
        #expect(
            error?.message.hasSuffix(
                " Resubmitting it would go over the billable-seconds budget, so no other provider was tried.") == true)
        #expect(harness.simulator.tasks.count == 1)

        options.maximumBillableSeconds = 16
        let second = try Harness(
            ["openai-compatible", "duoyuanx"], configuration: Sim.configuration { $0.resubmitFailedTasks = true })
        second.simulator.scriptNextTasks(
            TaskScript(outcome: .failure(message: "GPU pool exhausted")), at: Sim.openAICompatible)
        let generation = try await second.client.generate(Sim.imagine(seconds: 8), options: options)
        #expect(generation.job.providerID == "duoyuanx")
    }
}

/// `beforeSubmitting`: a record of each submission before it is sent; when it cannot be made, nothing is.
@Suite struct ClientSubmissionRecordTests {
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [(PendingSubmission, Int)] = []  // guarded by `lock`
        var all: [(PendingSubmission, Int)] { lock.withLock { records } }
        func add(_ pending: PendingSubmission, sentSoFar: Int) {
            lock.withLock { records.append((pending, sentSoFar)) }
        }
    }

    @Test func eachSubmissionIsRecordedBeforeItIsSent() async throws {
        let harness = try Harness(["openai-compatible", "duoyuanx"])
        harness.simulator.inject(.httpError(status: 503), on: .submit, at: Sim.openAICompatible)
        let recorder = Recorder()
        let simulator = harness.simulator
        var options = VideoClient.SubmitOptions()
        options.beforeSubmitting = { pending in recorder.add(pending, sentSoFar: simulator.count(.submit)) }
        let job = try await harness.client.submit(Sim.imagine(), options: options)
        let records = recorder.all
        #expect(records.map(\.0.providerID) == ["openai-compatible", "duoyuanx"])
        #expect(records.map(\.0.number) == [1, 2])
        #expect(records.map(\.1) == [0, 1])
        #expect(records[1].0.attempts.map(\.outcome) == [.fellBack])
        #expect(records[1].0.baseURL == Sim.duoyuanx)
        #expect(records[1].0.request.seconds == 8)
        #expect(job.providerID == "duoyuanx")
        // The record is plain JSON, like a job.
        let data = try JSONEncoder().encode(records[0].0)
        #expect(try JSONDecoder().decode(PendingSubmission.self, from: data) == records[0].0)
    }

    struct DiskFull: Error, CustomStringConvertible {
        var description: String { "No space left on device" }
    }

    @Test func whenTheRecordCannotBeWrittenNothingIsSent() async throws {
        let harness = try Harness(["openai-compatible", "duoyuanx"])
        var options = VideoClient.SubmitOptions()
        options.beforeSubmitting = { _ in throw DiskFull() }
        let error = await captureError { try await harness.client.submit(Sim.imagine(), options: options) }
        #expect(error?.kind == .configuration)
        #expect(
            error?.message
                == "Nothing was sent to openai-compatible: the submission could not be recorded first (No space left on device)."
        )
        #expect(error?.attempts == [])
        #expect(harness.simulator.count(.submit) == 0)
    }
}

/// How a task's end reaches the caller: the `updates` sequence and `download`.
@Suite struct ClientTaskEndingTests {
    /// The README's sample, verbatim from `for try await` to the end: right for every outcome.
    static func readmeSample(_ client: VideoClient, _ job: VideoJob, _ file: URL) async throws -> String {
        var lines: [String] = []
        for try await snapshot in client.updates(for: job) {
            lines.append("\(snapshot.status) \(snapshot.progress ?? 0)")
        }
        let video = try await client.download(job, to: file)
        lines.append("saved \(video.byteCount) bytes from \(video.job.providerID)")
        return lines.last ?? ""
    }

    @Test(arguments: [
        (GatewaySimulator.Outcome.success, nil as VideoProviderError.Kind?),
        (.failure(message: "GPU pool exhausted", code: "capacity"), .taskFailed), (.moderated, .contentPolicy),
        (.expired, .taskFailed), (.cancelled, .taskFailed),
    ])
    func theSequenceEndsWithTheTasksOwnError(_ outcome: GatewaySimulator.Outcome, _ expected: VideoProviderError.Kind?)
        async throws
    {
        let harness = try Harness(["xai"])
        harness.simulator.scriptNextTasks(TaskScript(outcome: outcome, queued: .zero, processing: .seconds(10)))
        let job = try await harness.client.submit(Sim.imagine())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).mp4")
        defer { try? FileManager.default.removeItem(at: file) }
        guard let expected else {
            let last = try await Self.readmeSample(harness.client, job, file)
            #expect(last.hasPrefix("saved ") && last.hasSuffix(" bytes from xai"))
            return
        }
        let error = await captureError { try await Self.readmeSample(harness.client, job, file) }
        let direct = await captureError { try await harness.client.result(for: job) }
        #expect(error?.kind == expected)
        #expect(error?.message == direct?.message)
        #expect(error?.vendorMessage == direct?.vendorMessage)
        #expect(error?.taskID == job.taskID)
        #expect(harness.simulator.count(.content) == 0)
        if case .failure = outcome {
            #expect(error?.vendorMessage == "GPU pool exhausted")
            #expect(error?.vendorCode == "capacity")
        }
    }

    /// The samples in README.md and the DocC articles are the ones tested here: the same lines.
    @Test func theDocumentsShowTheTestedSamples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let docc = root.appendingPathComponent("Sources/VideoProviderKit/VideoProviderKit.docc")
        for document in [
            root.appendingPathComponent("README.md"), docc.appendingPathComponent("FollowingAndDownloading.md"),
        ] {
            let text = try String(contentsOf: document, encoding: .utf8)
            #expect(
                text.contains(
                    "    for try await snapshot in client.updates(for: job) { print(snapshot.status, snapshot.progress ?? 0) }"
                ), "\(document.lastPathComponent)")
            #expect(
                text.contains("    let video = try await client.download(job, to: URL(fileURLWithPath: \"cat.mp4\"))"))
            #expect(text.contains("} catch let error as VideoProviderError {"))
        }
        let started = try String(contentsOf: docc.appendingPathComponent("GettingStarted.md"), encoding: .utf8)
        #expect(started.contains(Self.gettingStartedLines))
    }

    /// GettingStarted.md's sample, from `do {` to its `catch`, as printed there.
    static let gettingStartedLines = #"""
        do {
            for try await snapshot in client.updates(for: job) {
                print(snapshot.status, snapshot.progress.map { "\($0)%" } ?? "")
            }
            let video = try await client.download(job, to: URL(fileURLWithPath: "lighthouse.mp4"))
            print("saved", video.fileURL.path)
        } catch let error as VideoProviderError {
        """#

    /// GettingStarted.md's sample, compiled and run (printing replaced by values): `nil` when the video was
    /// saved, else the message.
    static func gettingStartedSample(_ client: VideoClient, _ request: VideoRequest, _ jobFile: URL, _ output: URL)
        async throws -> String?
    {
        let job = try await client.submit(request)
        try job.encoded().write(to: jobFile)
        do {
            for try await snapshot in client.updates(for: job) {
                _ = (snapshot.status, snapshot.progress.map { "\($0)%" } ?? "")
            }
            let video = try await client.download(job, to: output)
            _ = ("saved", video.fileURL.path)
        } catch let error as VideoProviderError {
            return error.message
        }
        return nil
    }

    @Test func theGettingStartedSampleIsRightForEveryOutcome() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let moderated = try Harness(["xai"])
        moderated.simulator.scriptNextTasks(TaskScript(outcome: .moderated, queued: .zero, processing: .seconds(10)))
        let message = try await Self.gettingStartedSample(
            moderated.client, Sim.imagine(), folder.appendingPathComponent("job.json"),
            folder.appendingPathComponent("lighthouse.mp4"))
        #expect(message?.contains(" ended failed") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("lighthouse.mp4").path))
        let saved = try Harness(["xai"])
        let none = try await Self.gettingStartedSample(
            saved.client, Sim.imagine(), folder.appendingPathComponent("job2.json"),
            folder.appendingPathComponent("lighthouse.mp4"))
        #expect(none == nil)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("lighthouse.mp4").path))
    }

    @Test func downloadingARunningTaskSaysItIsStillRunning() async throws {
        let harness = try Harness(["xai"])
        harness.simulator.scriptNextTasks(TaskScript(queued: .zero, processing: .seconds(600)))
        let job = try await harness.client.submit(Sim.imagine())
        try await harness.clock.sleep(for: .seconds(60))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("running-\(UUID().uuidString).mp4")
        let error = await captureError { try await harness.client.download(job, to: file) }
        #expect(error?.kind == .taskNotFinished)
        #expect(error?.message.hasPrefix("Task \(job.taskID) on xai is still running (") == true)
        #expect(error?.message.hasSuffix("); there is nothing to download yet.") == true)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func downloadingAFailedTaskGivesTheVendorsReason() async throws {
        let harness = try Harness(["xai"])
        harness.simulator.scriptNextTasks(
            TaskScript(outcome: .failure(message: "GPU pool exhausted"), queued: .zero, processing: .seconds(10)))
        let job = try await harness.client.submit(Sim.imagine())
        try await harness.clock.sleep(for: .seconds(60))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("failed-\(UUID().uuidString).mp4")
        let error = await captureError { try await harness.client.download(job, to: file) }
        #expect(error?.kind == .taskFailed)
        #expect(error?.vendorMessage == "GPU pool exhausted")
        #expect(error?.message == "Task \(job.taskID) on xai ended failed: GPU pool exhausted")
    }
}

/// The polling floor: a fixed interval may honour the vendor's advice.
@Suite struct ClientPollingFloorTests {
    @Test func aFixedIntervalCanBeFlooredByTheVendorsMinimum() async throws {
        let harness = try Harness(["aizfw"])
        harness.simulator.scriptNextTasks(TaskScript(queued: .seconds(5), processing: .seconds(55)))
        let job = try await harness.client.submit(VideoRequest(model: "grok_video3", prompt: "Waves", seconds: 6))
        var strategy = PollingStrategy.fixed(.seconds(1))
        strategy.fixedIntervalHonorsVendorMinimum = true
        _ = try await harness.client.result(for: job, polling: strategy)
        #expect(harness.statusTimes == [.seconds(30), .seconds(60)])
    }
}

/// What the transport can prove about a failure: only a connection that never carried the request
/// proves nothing was sent.
@Suite struct TransportSentOrNotTests {
    /// libcurl's words (as Linux's URLSession passes them on, with code `unknown`) for a TLS handshake that
    /// failed, and for failures once the connection was up.
    @Test(arguments: [
        ("OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number", false),
        ("SSL certificate problem: self-signed certificate", false),
        ("SSL certificate problem: unable to get local issuer certificate", false),
        ("OpenSSL SSL_connect: Connection reset by peer in connection to example.com:443 ", false),
        ("SSL: no alternative certificate subject name matches target host name 'a.example'", false),
        ("gnutls_handshake() failed: The TLS connection was non-properly terminated.", false),
        ("OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000126:SSL routines::unexpected eof while reading, errno 0", true),
        ("OpenSSL SSL_write: Broken pipe, errno 32", true),
        ("Recv failure: Connection reset by peer", true),
        ("Send failure: Broken pipe", true),
    ])
    func unknownErrorsAreNotSentOnlyForAFailedHandshake(_ text: String, _ mayHaveBeenSent: Bool) {
        let error = URLError(.unknown, userInfo: [NSLocalizedDescriptionKey: text])
        let mapped = URLSessionTransport.map(error)
        #expect(mapped.requestMayHaveBeenSent == mayHaveBeenSent)
        #expect(mapped.kind == (mayHaveBeenSent ? .other : .connectionFailed))
    }

    /// A staged copy of a request body (the user's images) is readable by its owner only.
    @Test func stagedBodiesAreOwnerOnly() throws {
        let directory = FileManager.default.temporaryDirectory
        let file = try HTTPBody(Data("secret image".utf8)).writeToTemporaryFile(in: directory)
        defer { try? FileManager.default.removeItem(at: file) }
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}
