import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The client's failure table (`FailureAction.forSubmission`) over real loopback HTTP: each fault is
/// produced by `loopback_peer.py` on a real socket, and each test checks the typed error (or the
/// recovery), how many submissions reached which host, and that neither API key leaked into an error
/// or reached a host other than its own gateway.
///
/// aizfw is the primary gateway (`api`); where fallback matters, Xingchaoyiqing (same backend) waits at
/// `api2`. Backoff and `Retry-After` run on a virtual clock, so only sockets cost real time.
@Suite("Fault injection over loopback", .timeLimit(.minutes(2)))
struct FaultInjectionLoopbackTests {
    static let submitPath = "/kyyReactApiServer/v1/grok/videos"
    static let resultPath = "/kyyReactApiServer/v1/result/"

    static func html(_ title: String) -> String {
        "<!DOCTYPE html><html><head><title>\(title)</title></head><body><h1>\(title)</h1><hr>nginx</body></html>"
    }

    /// The failed submission's error, checked for leaks.
    static func failedSubmission(
        _ gateway: LoopbackGateway, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> VideoProviderError {
        let error = try await #require(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try await gateway.client.submit(LoopbackGateway.request)
        }
        LoopbackGateway.expectNoSecrets(in: error, sourceLocation: sourceLocation)
        return error
    }

    /// Submits and checks the submission failed as ambiguous with `status` after one send to the first
    /// gateway, and the fallback gateway was never asked (it might have paid for a second task).
    static func ambiguousAfterOneSubmission(
        _ gateway: LoopbackGateway, _ peer: LoopbackPeer, status: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> VideoProviderError {
        let error = try await failedSubmission(gateway, sourceLocation: sourceLocation)
        #expect(error.kind == .ambiguousSubmission, sourceLocation: sourceLocation)
        #expect(error.httpStatus == status, sourceLocation: sourceLocation)
        #expect(error.attempts.map(\.outcome) == [.ambiguous], sourceLocation: sourceLocation)
        let log = try await peer.log()
        #expect(log.submissions(on: .api).count == 1, sourceLocation: sourceLocation)
        #expect(log.on(.api2).isEmpty, sourceLocation: sourceLocation)
        return error
    }

    /// Submits and checks the submission was refused once, retried on the same gateway after exactly
    /// `delay` (virtual) and accepted there: one task, the fallback gateway never asked.
    static func submissionRetriedOnce(
        _ gateway: LoopbackGateway, _ peer: LoopbackPeer, after delay: Duration,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> VideoJob {
        let job = try await gateway.client.submit(LoopbackGateway.request)
        #expect(job.providerID == "aizfw", sourceLocation: sourceLocation)
        #expect(job.attempts.map(\.outcome) == [.retried, .accepted], sourceLocation: sourceLocation)
        #expect(gateway.events.retries.map(\.delay) == [delay], sourceLocation: sourceLocation)
        #expect(gateway.clock.now() == delay, sourceLocation: sourceLocation)
        let log = try await peer.log()
        #expect(log.submissions(on: .api).count == 2, sourceLocation: sourceLocation)
        #expect(log.tasksCreated == 1, sourceLocation: sourceLocation)
        #expect(log.on(.api2).isEmpty, sourceLocation: sourceLocation)
        return job
    }

    /// Downloads a completed job whose video is at `videoURL` and checks it fails typed `.download`, with no
    /// secret in the error, no file left and every key at home; the error and the peer's log.
    static func failedDownload(
        _ peer: LoopbackPeer, videoURL: URL, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (VideoProviderError, PeerLog) {
        let (gateway, job, final) = try await completedJob(peer, videoURL: videoURL)
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let error = try await #require(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try await gateway.client.download(job, to: scratch.file("cat.mp4"), snapshot: final)
        }
        #expect(error.kind == .download, sourceLocation: sourceLocation)
        LoopbackGateway.expectNoSecrets(in: error, sourceLocation: sourceLocation)
        #expect(scratch.contents == [], sourceLocation: sourceLocation)
        let log = try await peer.log()
        LoopbackGateway.expectKeysStayedHome(log, sourceLocation: sourceLocation)
        return (error, log)
    }

    /// A job whose task is completed, with the peer's video URL set to `videoURL`.
    static func completedJob(_ peer: LoopbackPeer, videoURL: URL? = nil, videoBytes: Int = 64 << 10) async throws -> (
        LoopbackGateway, VideoJob, TaskSnapshot
    ) {
        try await peer.configure(videoBytes: videoBytes, pollsBeforeDone: 0, videoURL: videoURL)
        let gateway = try LoopbackGateway(peer: peer)
        let job = try await gateway.client.submit(LoopbackGateway.request)
        let final = try await gateway.client.result(for: job)
        return (gateway, job, final)
    }

    // MARK: Connection refused

    /// Nothing was sent, so the client retries (1 s, then 2 s of backoff) and then falls back.
    @Test func refusedConnectionIsRetriedThenFallsBack() async throws {
        try await LoopbackPeer.run { peer in
            let closed = URL(string: "http://127.0.0.1:\(peer.closedPort)/kyyReactApiServer")!
            let gateway = try LoopbackGateway(peer: peer, primaryBase: closed, fallback: true)

            let job = try await gateway.client.submit(LoopbackGateway.request)

            #expect(job.providerID == "xingchaoyiqing")
            #expect(job.attempts.map(\.outcome) == [.retried, .retried, .fellBack, .accepted])
            #expect(job.attempts.prefix(3).allSatisfy { $0.providerID == "aizfw" && $0.errorKind == .connectionFailed })
            #expect(gateway.events.retries.map(\.delay) == [.seconds(1), .seconds(2)])
            #expect(gateway.clock.now() == .seconds(3))
            let log = try await peer.log()
            #expect(log.on(.api).isEmpty)
            #expect(log.submissions(on: .api2).count == 1)
            #expect(log.tasksCreated == 1)
            LoopbackGateway.expectKeysStayedHome(log)
            LoopbackGateway.expectGatewaysGotTheirKeys(log)
        }
    }

    /// With nowhere to fall back to, the error is `connectionFailed` and says nothing was sent.
    @Test func refusedConnectionAloneIsTypedConnectionFailed() async throws {
        try await LoopbackPeer.run { peer in
            let closed = URL(string: "http://127.0.0.1:\(peer.closedPort)/kyyReactApiServer")!
            let gateway = try LoopbackGateway(peer: peer, primaryBase: closed)

            let error = try await Self.failedSubmission(gateway)

            #expect(error.kind == .connectionFailed)
            #expect(error.requestMayHaveBeenSent == false)
            #expect(error.providerID == "aizfw")
            #expect(error.attempts.map(\.outcome) == [.retried, .retried, .fellBack])
            #expect(try await peer.log().requests.isEmpty)
        }
    }

    // MARK: Broken connections after the submission was sent

    /// The vendor created the task, then the connection broke (mid-headers, mid-body, before any answer,
    /// or closed cleanly): the submission is ambiguous, never resent, and the fallback gateway is not tried
    /// either (that could bill twice too). An earlier job is polled first, so a keep-alive connection to
    /// the gateway is open: libcurl would replay a request that dies on a reused connection.
    @Test(arguments: ["reset-headers", "reset-body", "reset", "close"])
    func brokenConnectionOnSubmitIsAmbiguous(fault: String) async throws {
        try await LoopbackPeer.run { peer in
            let gateway = try LoopbackGateway(peer: peer, fallback: true)
            let earlier = try await gateway.client.submit(LoopbackGateway.request)
            _ = try await gateway.client.status(of: earlier)
            try await peer.script(Self.submitPath, method: "POST", server: .api, [.fault(fault, createTask: true)])

            let error = try await Self.failedSubmission(gateway)

            #expect(error.kind == .ambiguousSubmission)
            #expect(error.requestMayHaveBeenSent)
            #expect(error.providerID == "aizfw")
            #expect(error.attempts.map(\.outcome) == [.ambiguous])
            #expect(error.underlying?.contains("connection-lost") == true)
            #expect(gateway.events.fallbacks.isEmpty)
            let log = try await peer.log()
            #expect(log.submissions(on: .api).count == 2)
            #expect(log.on(.api2).isEmpty)
            #expect(log.tasksCreated == 2)
            LoopbackGateway.expectKeysStayedHome(log)
        }
    }

    /// With `ambiguousSubmissions = .resubmit` the caller accepts a possible second bill: the submission
    /// is sent once more (after the 1 s backoff) and succeeds. Two tasks now exist at the vendor, and the
    /// job's first attempt stays recorded as `ambiguous`, so the app can see it may pay twice.
    @Test func resetMidHeadersIsResentOnceWhenTheCallerOptsIn() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api, [.fault("reset-headers", createTask: true)])
            let gateway = try LoopbackGateway(peer: peer, fallback: true, ambiguousSubmissions: .resubmit)

            let job = try await gateway.client.submit(LoopbackGateway.request)

            #expect(job.providerID == "aizfw")
            #expect(job.attempts.map(\.outcome) == [.ambiguous, .accepted])
            #expect(job.attempts.first?.errorKind == .ambiguousSubmission)
            #expect(gateway.events.retries.map(\.delay) == [.seconds(1)])
            let log = try await peer.log()
            let submissions = log.submissions(on: .api)
            #expect(submissions.count == 2)
            #expect(log.tasksCreated == 2)
            #expect(job.taskID == submissions.last?.createdTask)
            #expect(log.on(.api2).isEmpty)
            LoopbackGateway.expectKeysStayedHome(log)
        }
    }

    /// The vendor received the submission and never answered: after the idle timeout (1 s) it is
    /// ambiguous, and nothing is sent again.
    @Test func stalledSubmissionTimesOutAsAmbiguous() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(Self.submitPath, method: "POST", server: .api, [.fault("stall", createTask: true)])
            let gateway = try LoopbackGateway(peer: peer, fallback: true, idleTimeout: .seconds(1))

            let error = try await Self.failedSubmission(gateway)

            #expect(error.kind == .ambiguousSubmission)
            #expect(error.requestMayHaveBeenSent)
            #expect(error.attempts.map(\.outcome) == [.ambiguous])
            #expect(error.underlying?.contains("timed-out") == true)
            let log = try await peer.log()
            #expect(log.submissions(on: .api).count == 1)
            #expect(log.on(.api2).isEmpty)
            LoopbackGateway.expectKeysStayedHome(log)
        }
    }

    // MARK: HTTP errors

    /// 429 with `Retry-After: 7`: the client waits exactly 7 s (virtual) and the second try succeeds.
    /// The refused first try created no task.
    @Test func rateLimitHonoursRetryAfterThenSucceeds() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api,
                [
                    .answer(
                        status: 429, headers: ["Retry-After": "7"], body: #"{"code":429,"message":"Too many requests"}"#
                    )
                ])
            let gateway = try LoopbackGateway(peer: peer, fallback: true)

            let job = try await Self.submissionRetriedOnce(gateway, peer, after: .seconds(7))

            #expect(job.attempts.first?.httpStatus == 429)
            #expect(job.attempts.first?.errorKind == .rateLimited)
        }
    }

    /// A 503 page (the service is unavailable, the request was not processed) proves nothing was created:
    /// the page's title is surfaced and the client falls back.
    @Test func unavailablePageFallsBackWithItsTitle() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api,
                [.answer(status: 503, contentType: "text/html", body: Self.html("503 Service Unavailable"))])
            let gateway = try LoopbackGateway(peer: peer, fallback: true)

            let job = try await gateway.client.submit(LoopbackGateway.request)

            #expect(job.providerID == "xingchaoyiqing")
            #expect(job.attempts.map(\.outcome) == [.fellBack, .accepted])
            let first = try #require(job.attempts.first)
            #expect(first.httpStatus == 503)
            #expect(first.errorKind == .serverError)
            #expect(first.detail?.contains("HTML page: 503 Service Unavailable") == true)
            let log = try await peer.log()
            #expect(log.submissions(on: .api).count == 1)
            #expect(log.submissions(on: .api2).count == 1)
            #expect(log.tasksCreated == 1)
            LoopbackGateway.expectKeysStayedHome(log)
            LoopbackGateway.expectGatewaysGotTheirKeys(log)
        }
    }

    /// A 500, 502 or 504 page after the body arrived does not prove nothing was created: here the gateway
    /// did create the task before its proxy answered with the page. The submission is ambiguous and the
    /// fallback gateway is not asked, so one task exists, not two. (This replaced "a 500 HTML page falls
    /// back", which paid for two tasks in exactly this case.)
    @Test(arguments: [500, 502, 504])
    func serverErrorPageAfterTheTaskWasCreatedIsAmbiguous(status: Int) async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api,
                [
                    .answer(
                        status: status, contentType: "text/html", body: Self.html("\(status) Upstream"),
                        createTask: true)
                ])
            let gateway = try LoopbackGateway(peer: peer, fallback: true)

            let error = await #expect(throws: VideoProviderError.self) {
                try await gateway.client.submit(LoopbackGateway.request)
            }

            #expect(error?.kind == .ambiguousSubmission)
            #expect(error?.httpStatus == status)
            #expect(error?.requestMayHaveBeenSent == true)
            #expect(error?.attempts.map(\.outcome) == [.ambiguous])
            #expect(error?.message.contains("HTML page: \(status) Upstream") == true)
            let log = try await peer.log()
            #expect(log.submissions(on: .api).count == 1)
            #expect(log.submissions(on: .api2).isEmpty)
            #expect(log.tasksCreated == 1)
        }
    }

    /// A 502 page that echoes the API key: ambiguous, and the key is redacted from the error and the
    /// recorded attempt while the rest of the title survives.
    @Test func badGatewayPageEchoingTheKeyIsRedacted() async throws {
        try await LoopbackPeer.run { peer in
            let title = "502 Bad Gateway (upstream refused Bearer \(LoopbackGateway.primaryKey))"
            try await peer.script(
                Self.submitPath, method: "POST", server: .api,
                [.answer(status: 502, contentType: "text/html", body: Self.html(title))])
            let gateway = try LoopbackGateway(peer: peer, fallback: true)

            let error = try #require(
                await #expect(throws: VideoProviderError.self) {
                    try await gateway.client.submit(LoopbackGateway.request)
                })

            #expect(error.kind == .ambiguousSubmission)
            let first = try #require(error.attempts.first)
            #expect(first.outcome == .ambiguous)
            #expect(first.httpStatus == 502)
            #expect(first.errorKind == .serverError)
            let detail = try #require(first.detail)
            #expect(detail.contains("HTML page: 502 Bad Gateway (upstream refused Bearer [redacted])"))
            #expect(!detail.contains(LoopbackGateway.primaryKey))
            #expect(!error.description.contains(LoopbackGateway.primaryKey))
            #expect(error.message.contains("upstream refused Bearer [redacted]"))
        }
    }

    /// 503 with `Retry-After` is a promise to recover: retried on the same gateway after 5 s.
    @Test func serviceUnavailableWithRetryAfterIsRetried() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api,
                [
                    .answer(
                        status: 503, contentType: "text/html", headers: ["Retry-After": "5"],
                        body: Self.html("503 Service Unavailable"))
                ])
            let gateway = try LoopbackGateway(peer: peer, fallback: true)

            _ = try await Self.submissionRetriedOnce(gateway, peer, after: .seconds(5))
        }
    }

    /// A 503 page with nowhere to fall back to is a typed server error carrying the status and title.
    @Test func serviceUnavailableAloneIsATypedServerError() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api,
                [.answer(status: 503, contentType: "text/html", body: Self.html("503 Service Unavailable"))])
            let gateway = try LoopbackGateway(peer: peer)

            let error = try await Self.failedSubmission(gateway)

            #expect(error.kind == .serverError)
            #expect(error.httpStatus == 503)
            #expect(error.vendorMessage == "HTML page: 503 Service Unavailable")
            #expect(error.attempts.map(\.outcome) == [.fellBack])
            #expect(try await peer.log().submissions(on: .api).count == 1)
        }
    }

    /// A 500 with no body says nothing about the task: ambiguous, no fallback.
    @Test func emptyServerErrorIsAmbiguous() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api, [.answer(status: 500, contentType: "", body: "")])
            let gateway = try LoopbackGateway(peer: peer, fallback: true)

            _ = try await Self.ambiguousAfterOneSubmission(gateway, peer, status: 500)
        }
    }

    // MARK: Unreadable successes

    /// A 200 whose JSON is cut off may still mean a task was created: ambiguous, not resent.
    @Test func truncatedJSONOnSuccessIsAmbiguous() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api,
                [.answer(status: 200, body: #"{"id": "video_fd35ee52-2a98-44a6-b930-29a8"#)])
            let gateway = try LoopbackGateway(peer: peer, fallback: true)

            let error = try await Self.ambiguousAfterOneSubmission(gateway, peer, status: 200)

            #expect(error.message.contains("malformed JSON"))
        }
    }

    /// A 200 HTML page (a proxy's, say) where JSON was due is unreadable: ambiguous, with its title.
    @Test func htmlPageOnSuccessIsAmbiguous() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(
                Self.submitPath, method: "POST", server: .api,
                [.answer(status: 200, contentType: "text/html; charset=utf-8", body: Self.html("Welcome to nginx!"))])
            let gateway = try LoopbackGateway(peer: peer, fallback: true)

            let error = try await Self.ambiguousAfterOneSubmission(gateway, peer, status: 200)

            #expect(error.message.contains("an HTML page (Welcome to nginx!)"))
        }
    }

    /// A 200 labelled `text/plain` whose body is the documented JSON is accepted: the body decides, not
    /// the label (gateways mislabel their JSON).
    @Test func jsonLabelledAsPlainTextIsAccepted() async throws {
        try await LoopbackPeer.run { peer in
            let body =
                #"{"id": "video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd", "object": "video", "created": 1774836724, "#
                + #""model": "grok_video3", "status": "queued", "error": null}"#
            try await peer.script(
                Self.submitPath, method: "POST", server: .api,
                [.answer(status: 200, contentType: "text/plain", body: body)])
            let gateway = try LoopbackGateway(peer: peer, fallback: true)

            let job = try await gateway.client.submit(LoopbackGateway.request)

            #expect(job.providerID == "aizfw")
            #expect(job.taskID == "video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd")
            #expect(job.initialSnapshot.status == .queued)
            #expect(try await peer.log().submissions(on: .api).count == 1)
        }
    }

    // MARK: Following and downloading

    /// A status poll whose connection breaks is just a failed poll: polling carries on to completion.
    @Test func brokenStatusPollIsToleratedByPolling() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.configure(pollsBeforeDone: 1)
            try await peer.script(Self.resultPath, method: "GET", server: .api, [.fault("reset-body")])
            let gateway = try LoopbackGateway(peer: peer)
            let job = try await gateway.client.submit(LoopbackGateway.request)

            let final = try await gateway.client.result(for: job)

            #expect(final.status == .completed)
            let log = try await peer.log()
            #expect(log.on(.api).map(\.method) == ["POST", "GET", "GET", "GET"])
            #expect(log.tasksCreated == 1)
        }
    }

    /// A video URL that redirects forever: the chain is cut after 10 hops and the download fails typed,
    /// without credentials ever reaching the CDN and without leaving a file.
    @Test func redirectLoopOnTheVideoURLFailsTheDownload() async throws {
        try await LoopbackPeer.run { peer in
            let (error, log) = try await Self.failedDownload(peer, videoURL: peer.url(.cdn, "/redirect-loop"))

            #expect(error.httpStatus == 302)
            #expect(log.on(.cdn).count == 11)
        }
    }

    /// A video URL whose host redirects to `file:///etc/passwd`: refused, typed `.download`, nothing
    /// local is read, and nothing else is requested.
    @Test func redirectToALocalFileFailsTheDownload() async throws {
        try await LoopbackPeer.run { peer in
            let (error, log) = try await Self.failedDownload(
                peer, videoURL: peer.url(.cdn, "/redirect?to=file:///etc/passwd"))

            #expect(error.httpStatus == 302)
            #expect(!error.description.contains("root:"))
            #expect(log.on(.cdn).map(\.path) == ["/redirect?to=file:///etc/passwd"])
        }
    }

    /// A download cut mid-body fails typed, leaves the earlier file untouched and no partial file; the
    /// next attempt then replaces it whole.
    @Test func downloadResetMidBodyKeepsTheOldFileThenRecovers() async throws {
        try await LoopbackPeer.run { peer in
            let size = 8 << 20
            let (gateway, job, final) = try await Self.completedJob(peer, videoBytes: size)
            try await peer.script(
                "/videos/", server: .cdn, [.fault("reset-body", declaredLength: size, sendBytes: 1 << 20)])
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let destination = scratch.file("cat.mp4")
            let old = Data("an older video".utf8)
            try old.write(to: destination)

            let error = try await #require(throws: VideoProviderError.self) {
                try await gateway.client.download(job, to: destination, snapshot: final)
            }
            #expect(error.kind == .download)
            LoopbackGateway.expectNoSecrets(in: error)
            #expect(try Data(contentsOf: destination) == old)
            #expect(scratch.contents == ["cat.mp4"])

            let video = try await gateway.client.download(job, to: destination, snapshot: final)
            #expect(video.byteCount == Int64(size))
            #expect(
                try await peer.digest(ofFile: destination) == (try await peer.digest(ofPattern: size, seed: "video")))
            #expect(scratch.contents == ["cat.mp4"])
            LoopbackGateway.expectKeysStayedHome(try await peer.log())
        }
    }

    // MARK: Nothing sent, and cancelled in flight

    /// A TLS handshake that fails (an https base URL on a port that answers in plain text) happens before
    /// any byte of the request is written: not ambiguous, retried, then the fallback is tried. (It used to
    /// be reported as "a task may exist and be billed", with no fallback: Linux's URLSession gives every TLS
    /// failure the code `unknown`.)
    @Test func aFailedTLSHandshakeSentNothingAndFallsBack() async throws {
        try await LoopbackPeer.run { peer in
            let tls = URL(string: "https://127.0.0.1:\(peer.notTLSPort)/kyyReactApiServer")!
            let gateway = try LoopbackGateway(peer: peer, primaryBase: tls, fallback: true)

            let job = try await gateway.client.submit(LoopbackGateway.request)

            #expect(job.providerID == "xingchaoyiqing")
            #expect(job.attempts.map(\.outcome) == [.retried, .retried, .fellBack, .accepted])
            #expect(job.attempts.prefix(3).allSatisfy { $0.errorKind == .connectionFailed })
            let log = try await peer.log()
            #expect(log.submissions(on: .api2).count == 1)
            #expect(log.tasksCreated == 1)
        }
    }

    /// Cancelling a download whose answer drips one byte at a time (never silent long enough for an idle
    /// timeout) stops it at once and leaves no partial file: what `videogen --timeout` and Ctrl-C rely on.
    @Test func cancellingADrippingDownloadStopsItAndLeavesNothing() async throws {
        try await LoopbackPeer.run { peer in
            let drip = peer.url(.cdn, "/drip?n=1000000&everyMs=200")
            let (gateway, job, final) = try await Self.completedJob(peer, videoURL: drip)
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let client = gateway.client
            let destination = scratch.file("cat.mp4")
            let started = ContinuousClock.now
            let download = Task { () async -> VideoProviderError? in
                do {
                    _ = try await client.download(job, to: destination, snapshot: final)
                    return nil
                } catch let error as VideoProviderError {
                    return error
                } catch {
                    return VideoProviderError(.configuration, "unexpected \(error)")
                }
            }
            // Wait until bytes flow (the partial file exists), then cancel.
            while scratch.contents.isEmpty && ContinuousClock.now - started < .seconds(50) {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(scratch.contents.count == 1)
            let cancelled = ContinuousClock.now
            download.cancel()
            let error = await download.value
            #expect(error?.kind == .cancelled)
            // The whole body would take 200,000 s.
            #expect(ContinuousClock.now - cancelled < .seconds(30))
            #expect(scratch.contents.isEmpty)
        }
    }

    /// A submission that hangs after its body arrived is cut by the caller's cancellation, and reported as
    /// possibly billed (it was sent).
    @Test func cancellingAHungSubmissionSaysATaskMayExist() async throws {
        try await LoopbackPeer.run { peer in
            try await peer.script(Self.submitPath, method: "POST", server: .api, [.fault("stall", createTask: true)])
            let gateway = try LoopbackGateway(peer: peer, fallback: true, idleTimeout: .seconds(60))
            let client = gateway.client
            let submission = Task { () async -> VideoProviderError? in
                do {
                    _ = try await client.submit(LoopbackGateway.request)
                    return nil
                } catch let error as VideoProviderError {
                    return error
                } catch {
                    return VideoProviderError(.configuration, "unexpected \(error)")
                }
            }
            let started = ContinuousClock.now
            while try await peer.log().submissions(on: .api).isEmpty && ContinuousClock.now - started < .seconds(50) {
                try await Task.sleep(for: .milliseconds(50))
            }
            let cancelled = ContinuousClock.now
            submission.cancel()
            let error = await submission.value
            #expect(error?.kind == .cancelled)
            #expect(error?.requestMayHaveBeenSent == true)
            #expect(error?.attempts.map(\.outcome) == [.ambiguous])
            // Well before the 60 s idle timeout that would otherwise end it.
            #expect(ContinuousClock.now - cancelled < .seconds(30))
            #expect(try await peer.log().submissions(on: .api2).isEmpty)
        }
    }
}
