import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

extension HeavyLoopback {
    /// Large bodies over real loopback sockets: uploads that stream from files, downloads that stream to
    /// files, and the whole submit → poll → download flow with a 200 MiB video.
    ///
    /// Nested in ``HeavyLoopback`` so the memory figures are this suite's alone (the bounds are generous:
    /// they catch a body held in memory, not noise).
    @Suite("Loopback: large bodies and memory", .timeLimit(.minutes(3)))
    struct LoopbackLargeBodyTests {
        static let memoryBound: Int64 = 100 << 20

        /// Writes `byteCount` bytes that start like a PNG and continue pseudo-randomly, 1 MiB at a time.
        static func writeImage(_ url: URL, byteCount: Int) throws {
            #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            var generator = SystemRandomNumberGenerator()
            var block = Data(capacity: 1 << 20)
            for _ in 0..<((1 << 20) / 8) {
                withUnsafeBytes(of: generator.next() as UInt64) { block.append(contentsOf: $0) }
            }
            block.replaceSubrange(0..<8, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            var written = 0
            var index: UInt32 = 0
            while written < byteCount {
                var piece = block.prefix(byteCount - written)
                if index > 0 { piece.replaceSubrange(0..<4, with: withUnsafeBytes(of: index.bigEndian) { Data($0) }) }
                try handle.write(contentsOf: piece)
                written += piece.count
                index += 1
            }
        }

        /// The memory measurement itself sees a body held in memory, so the bounds below mean something.
        @Test func residentMemoryMeasurementSeesAnAllocation() async throws {
            let (count, growth) = await ResidentMemory.peakGrowth { () async -> Int in
                let held = Data(repeating: 0x5A, count: 64 << 20)
                try? await Task.sleep(for: .milliseconds(20))
                return held.count
            }
            #expect(count == 64 << 20)
            let rss = try #require(growth)
            #expect(rss >= 60 << 20)
        }

        /// A 20 MB multipart body whose image parts stream from files arrives intact: the peer's hash of
        /// what it received equals the hash of the body written out locally, with an exact `Content-Length`
        /// and no chunking, and the staged copy is deleted afterwards.
        @Test func twentyMegabyteMultipartUploadStreamsFromFiles() async throws {
            try await LoopbackPeer.run { peer in
                let scratch = try ScratchDirectory()
                defer { scratch.remove() }
                let staging = scratch.file("staging")
                try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
                let first = scratch.file("first.png")
                let second = scratch.file("second.png")
                try Self.writeImage(first, byteCount: 12 << 20)
                try Self.writeImage(second, byteCount: 8 << 20)
                var multipart = MultipartBody(boundary: "VideoProviderKit-loopback-0123456789abcdef")
                multipart.addField("model", "grok-video-3")
                multipart.addField("prompt", "A cat dancing in the rain, cinematic style")
                multipart.addFile(
                    "input_reference", filename: "first.png", contentType: "image/png",
                    payload: .file(first, byteCount: 12 << 20))
                multipart.addFile(
                    "input_reference", filename: "second.png", contentType: "image/png",
                    payload: .file(second, byteCount: 8 << 20))
                let body = multipart.httpBody
                let request = HTTPRequest(
                    method: .post, url: peer.url(.api, "/echo/upload"),
                    headers: ["Content-Type": multipart.contentType, "Authorization": "Bearer sk-canary-upload"],
                    body: body, createsTask: true)
                let transport = try TransportKind.selected.make(temporaryDirectory: staging)

                let (response, growth) = try await ResidentMemory.peakGrowth { try await transport.send(request) }

                #expect(response.status == 200)
                let echo = try TransportConformanceTests.echo(response)
                let reference = try body.writeToTemporaryFile(in: scratch.url)
                let expected = try await peer.digest(ofFile: reference)
                #expect(body.length > 20_000_000)
                #expect(expected.size == body.length)
                #expect(echo.bodyLength == Int(body.length))
                #expect(echo.bodySha256 == expected.sha256)
                #expect(echo.header("Content-Length") == String(body.length))
                #expect(echo.transferEncoding == nil)
                #expect(echo.header("Content-Type") == multipart.contentType)
                #expect(FileManager.default.fileExists(atPath: staging.path))
                #expect((try FileManager.default.contentsOfDirectory(atPath: staging.path)) == [])
                let rss = try #require(growth)
                print("loopback: \(body.length)-byte multipart upload, RSS growth \(rss >> 20) MiB")
                #expect(rss < Self.memoryBound)
            }
        }

        /// A 100 MiB body streams to a file in the requested directory, intact, and nothing else is left there.
        @Test func largeDownloadStreamsToAFile() async throws {
            try await LoopbackPeer.run { peer in
                let scratch = try ScratchDirectory()
                defer { scratch.remove() }
                let size = 100 << 20
                let request = HTTPRequest(method: .get, url: peer.url(.cdn, "/bytes?n=\(size)&seed=transport"))

                let response = try await TransportKind.selected.make()
                    .send(request, bodyDestination: .temporaryFile(in: scratch.url))

                #expect(response.status == 200)
                #expect(response.body.isEmpty)
                #expect(response.headers["Content-Length"] == String(size))
                let file = try #require(response.bodyFile)
                #expect(file.deletingLastPathComponent().path == scratch.url.path)
                #expect(scratch.contents == [file.lastPathComponent])
                #expect(
                    try await peer.digest(ofFile: file) == (try await peer.digest(ofPattern: size, seed: "transport")))
            }
        }

        /// A download cut mid-body is an error, and leaves no partial file: not in the destination directory,
        /// and not in the temporary directory either (where `URLSession.download(for:)` leaves one on Linux).
        /// The partial size is unusual on purpose, so another process's file cannot be mistaken for ours.
        @Test func downloadResetMidBodyLeavesNoFile() async throws {
            try await LoopbackPeer.run { peer in
                let scratch = try ScratchDirectory()
                defer { scratch.remove() }
                let partial = 1_048_583
                try await peer.script("/bytes", [.fault("reset-body", declaredLength: 8 << 20, sendBytes: partial)])
                let request = HTTPRequest(method: .get, url: peer.url(.cdn, "/bytes?n=\(8 << 20)"))

                let error = try await #require(throws: HTTPTransportError.self) {
                    try await TransportKind.selected.make()
                        .send(request, bodyDestination: .temporaryFile(in: scratch.url))
                }
                #expect(error.kind == .connectionLost)
                #expect(scratch.contents == [])
                let temporary = FileManager.default.temporaryDirectory
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: temporary.path).filter { name in
                    let size =
                        try? FileManager.default.attributesOfItem(
                            atPath: temporary.appendingPathComponent(name).path)[.size] as? NSNumber
                    return size?.intValue == partial
                }
                #expect(leftovers == [])
            }
        }

        /// The "done means", end to end: the real aizfw provider against the kyyReactApiServer
        /// emulation; submit, poll (on the vendor's 30 s advice, in virtual time), then download a 200 MiB
        /// video from the CDN on the other loopback host. It lands intact, replaces the older file whole,
        /// leaves no temporary file, the CDN never sees credentials, and memory stays bounded.
        @Test func clientDownloadsA200MegabyteVideoFromTheCDN() async throws {
            try await LoopbackPeer.run { peer in
                let size = 200 << 20
                try await peer.configure(videoBytes: size, pollsBeforeDone: 2)
                let gateway = try LoopbackGateway(peer: peer)
                let scratch = try ScratchDirectory()
                defer { scratch.remove() }

                let job = try await gateway.client.submit(LoopbackGateway.request)
                #expect(job.providerID == "aizfw")
                #expect(job.model == "grok_video3")
                #expect(job.initialSnapshot.status == .queued)
                let final = try await gateway.client.result(for: job)
                #expect(final.status == .completed)
                #expect(final.videoURL?.host == peer.cdn.host)
                // Three polls, 30 s apart (aizfw's advice), cost no real time.
                #expect(gateway.clock.now() == .seconds(90))

                let destination = scratch.file("cat.mp4")
                try Data("an older video".utf8).write(to: destination)
                let (video, growth) = try await ResidentMemory.peakGrowth {
                    try await gateway.client.download(job, to: destination, snapshot: final)
                }

                #expect(video.byteCount == Int64(size))
                #expect(video.fileURL == destination)
                #expect(video.sourceHost == peer.cdn.host)
                #expect(video.contentType == "video/mp4")
                #expect(
                    try await peer.digest(ofFile: destination)
                        == (try await peer.digest(ofPattern: size, seed: "video")))
                #expect(scratch.contents == ["cat.mp4"])
                let rss = try #require(growth)
                print("loopback: \(size)-byte video download through VideoClient, RSS growth \(rss >> 20) MiB")
                #expect(rss < Self.memoryBound)

                let log = try await peer.log()
                #expect(log.tasksCreated == 1)
                #expect(log.submissions(on: .api).count == 1)
                #expect(log.on(.api).map(\.method) == ["POST", "GET", "GET", "GET"])
                #expect(log.on(.cdn).map(\.pathOnly) == ["/videos/\(job.taskID).mp4"])
                #expect(log.on(.api2).isEmpty)
                LoopbackGateway.expectKeysStayedHome(log)
                LoopbackGateway.expectGatewaysGotTheirKeys(log)
                #expect(!String(decoding: try job.encoded(), as: UTF8.self).contains(LoopbackGateway.primaryKey))
            }
        }
    }
}
