import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

extension HeavyLoopback {
    /// Hostile gateways, at the transport's level, through `VideoClient` over real loopback sockets: answers
    /// that are too large, compressed far past the limit or never end, submissions answered with redirects.
    /// Runs on ``TransportKind/selected`` (CI runs it on both transports); peak memory for a 1 GiB answer is
    /// measured in a process of its own by `videogen-bench answer-memory` (`HostileAnswerMemoryTests`).
    @Suite("Hostile answers over loopback", .timeLimit(.minutes(3)))
    struct HostileAnswerLoopbackTests {
        static let submitPath = FaultInjectionLoopbackTests.submitPath
        static let resultPath = FaultInjectionLoopbackTests.resultPath
        /// 256 times the answer limit, and not endless: Linux's `URLSession` (CI's second pass) reads on
        /// until its cancellation lands, piling up what arrives, and under ThreadSanitizer an endless
        /// answer grew it past 24 GB. Answers that truly never end are `CurlTransportTests`' and
        /// `answer-memory`'s.
        static let huge = 256 << 20

        // MARK: Oversized answers

        /// A submission answered with 256 MiB (announced, unannounced, or 256 KB of gzip that inflates to it)
        /// is ambiguous (the answer may have held the task): not resent, no fallback, the key nowhere.
        @Test(arguments: ["declared", "chunked", "gzip"])
        func oversizedSubmitAnswerIsAmbiguous(shape: String) async throws {
            try await LoopbackPeer.run { peer in
                let answer: PeerAction =
                    switch shape {
                    case "declared": .stream(bytes: Self.huge, framing: "length")
                    case "chunked": .stream(bytes: Self.huge, framing: "chunked")
                    default: .gzipBomb(inflated: Self.huge)
                    }
                try await peer.script(Self.submitPath, method: "POST", server: .api, [answer])
                let gateway = try LoopbackGateway(peer: peer, fallback: true)

                let error = try await FaultInjectionLoopbackTests.failedSubmission(gateway)

                #expect(error.kind == .ambiguousSubmission)
                #expect(error.requestMayHaveBeenSent)
                #expect(error.attempts.map(\.outcome) == [.ambiguous])
                #expect(error.underlying?.hasPrefix("response-too-large: ") == true)
                #expect(error.message.contains("larger than the client accepts"))
                #expect(gateway.events.fallbacks.isEmpty)
                let log = try await peer.log()
                #expect(log.submissions(on: .api).count == 1)
                #expect(log.on(.api2).isEmpty)
                LoopbackGateway.expectKeysStayedHome(log)
            }
        }

        /// A status answer that is too large (256 MiB chunked, or a gzip bomb) fails the status call, typed,
        /// and says why.
        @Test(arguments: ["chunked", "gzip"])
        func oversizedStatusAnswerFailsTheStatusCall(shape: String) async throws {
            try await LoopbackPeer.run { peer in
                let gateway = try LoopbackGateway(peer: peer)
                let job = try await gateway.client.submit(LoopbackGateway.request)
                let answer: PeerAction =
                    shape == "gzip" ? .gzipBomb(inflated: Self.huge) : .stream(bytes: Self.huge, framing: "chunked")
                try await peer.script(Self.resultPath, server: .api, [answer])

                let error = try await #require(throws: VideoProviderError.self) {
                    try await gateway.client.status(of: job)
                }

                #expect(error.kind == .invalidResponse)
                #expect(error.taskID == job.taskID)
                #expect(error.message.contains("larger than the client accepts"))
                #expect(error.underlying?.contains("1048576") == true)
                LoopbackGateway.expectNoSecrets(in: error)
            }
        }

        /// An error page larger than the error-body bound is not read whole; for a submission that is
        /// ambiguous too (it was an answer the client could not read).
        @Test func oversizedErrorPageOnSubmitIsAmbiguous() async throws {
            try await LoopbackPeer.run { peer in
                let size = ResponseBodyDestination.errorBodyLimit + 1
                try await peer.script(
                    Self.submitPath, method: "POST", server: .api,
                    [.stream(bytes: size, framing: "chunked", status: 502)])
                let gateway = try LoopbackGateway(peer: peer, fallback: true)

                let error = try await FaultInjectionLoopbackTests.failedSubmission(gateway)

                #expect(error.kind == .ambiguousSubmission)
                #expect(error.underlying?.contains("HTTP 502") == true)
                #expect(try await peer.log().on(.api2).isEmpty)
            }
        }

        /// A download far past the client's ceiling (256 MiB against 16 MiB), announced by nothing, stops at
        /// the ceiling: the earlier file stays, no partial file is left.
        @Test func oversizedDownloadStopsAtTheCeiling() async throws {
            try await LoopbackPeer.run { peer in
                try await peer.configure(videoBytes: 64 << 10, pollsBeforeDone: 0)
                let gateway = try LoopbackGateway(peer: peer, maximumDownloadBytes: 16 << 20)
                let job = try await gateway.client.submit(LoopbackGateway.request)
                let final = try await gateway.client.result(for: job)
                try await peer.script("/videos/", server: .cdn, [.stream(bytes: Self.huge, framing: "chunked")])
                let scratch = try ScratchDirectory()
                defer { scratch.remove() }
                let destination = scratch.file("cat.mp4")
                let old = Data("an older video".utf8)
                try old.write(to: destination)

                let error = try await #require(throws: VideoProviderError.self) {
                    try await gateway.client.download(job, to: destination, snapshot: final)
                }

                #expect(error.kind == .download)
                #expect(error.underlying?.contains("16777216-byte limit") == true)
                #expect(try Data(contentsOf: destination) == old)
                #expect(scratch.contents == ["cat.mp4"])
                LoopbackGateway.expectKeysStayedHome(try await peer.log())
            }
        }

        // MARK: Submissions answered with a redirect

        /// A 307/308 (or 301/302) to another host: not followed, so the other host never sees the paid
        /// request or the key; the answer holds no task, so nothing was created and the client falls back.
        /// The error names the location.
        @Test(arguments: [301, 302, 307, 308])
        func redirectedSubmissionIsNotFollowedAndFallsBack(status: Int) async throws {
            try await LoopbackPeer.run { peer in
                let elsewhere = peer.url(.cdn, "/kyyReactApiServer/v1/grok/videos").absoluteString
                try await peer.script(
                    Self.submitPath, method: "POST", server: .api,
                    [.answer(status: status, headers: ["Location": elsewhere], body: "")])
                let gateway = try LoopbackGateway(peer: peer, fallback: true)

                let job = try await gateway.client.submit(LoopbackGateway.request)

                #expect(job.providerID == "xingchaoyiqing")
                #expect(job.attempts.map(\.outcome) == [.fellBack, .accepted])
                #expect(job.attempts.first?.httpStatus == status)
                #expect(job.attempts.first?.errorKind == .invalidResponse)
                #expect(job.attempts.first?.detail?.contains("redirect (HTTP \(status)) to \(elsewhere)") == true)
                #expect(job.attempts.first?.detail?.contains("nothing was created") == true)
                let log = try await peer.log()
                #expect(log.submissions(on: .api).count == 1)
                #expect(log.on(.cdn).isEmpty)
                #expect(log.tasksCreated == 1)
                LoopbackGateway.expectKeysStayedHome(log)
            }
        }

        /// A redirect whose body reads as a task (the gateway created it and then pointed elsewhere) is
        /// ambiguous, and the error carries the task id; so is a 303 See Other, whatever its body.
        @Test func redirectedSubmissionThatMayHaveCreatedATaskIsAmbiguous() async throws {
            try await LoopbackPeer.run { peer in
                let task = #"{"id":"video_from_redirect","object":"video","status":"queued","model":"grok_video3"}"#
                try await peer.script(
                    Self.submitPath, method: "POST", server: .api,
                    [.answer(status: 307, headers: ["Location": "/elsewhere"], body: task)])
                let withTask = try await FaultInjectionLoopbackTests.failedSubmission(
                    try LoopbackGateway(peer: peer, fallback: true))
                try await peer.script(
                    Self.submitPath, method: "POST", server: .api,
                    [.answer(status: 303, headers: ["Location": "/tasks/1"], body: "")])
                let seeOther = try await FaultInjectionLoopbackTests.failedSubmission(
                    try LoopbackGateway(peer: peer, fallback: true))

                #expect(withTask.kind == .ambiguousSubmission)
                #expect(withTask.taskID == "video_from_redirect")
                #expect(withTask.httpStatus == 307)
                #expect(withTask.message.contains("to /elsewhere"))
                #expect(seeOther.kind == .ambiguousSubmission)
                #expect(seeOther.httpStatus == 303)
                #expect(seeOther.message.contains("303 See Other"))
                let log = try await peer.log()
                #expect(log.submissions(on: .api).count == 2)
                #expect(log.on(.api2).isEmpty)
                #expect(!log.requests.contains { $0.path == "/elsewhere" || $0.path == "/tasks/1" })
            }
        }

        /// A same-origin redirect loop on the submit endpoint sends the paid request once, not once per hop.
        @Test func submitRedirectLoopSendsThePaidRequestOnce() async throws {
            try await LoopbackPeer.run { peer in
                try await peer.script(
                    Self.submitPath, method: "POST", server: .api,
                    [.answer(status: 308, headers: ["Location": Self.submitPath], body: "")])
                let gateway = try LoopbackGateway(peer: peer)

                let error = try await FaultInjectionLoopbackTests.failedSubmission(gateway)

                #expect(error.kind == .invalidResponse)
                #expect(error.httpStatus == 308)
                #expect(error.attempts.map(\.outcome) == [.fellBack])
                let log = try await peer.log()
                #expect(log.submissions(on: .api).count == 1)
                #expect(log.tasksCreated == 0)
            }
        }
    }
}
