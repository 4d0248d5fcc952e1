import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// A completed status that names its video elsewhere: the core makes the provider's follow-up call and
/// downloads from the URL in that second answer.
@Suite struct LifecycleFollowUpTests {
    static let success = ScriptedTransport.json(#"{"status":"Success","file_id":"176844028768320"}"#)
    static let retrieved = ScriptedTransport.json(
        #"{"file":{"file_id":176844028768320,"download_url":"https://cdn.life.example/output.mp4"},"base_resp":{"status_code":0}}"#
    )

    @Test func downloadAsksTheFollowUpAndUsesItsURL() async throws {
        let transport = Life.transport([
            Life.status: [Self.success], Life.retrieve: [Self.retrieved],
            "GET https://cdn.life.example/output.mp4": [ScriptedTransport.video],
        ])
        let client = try Life.client(LifecycleProvider(), transport)
        let job = try await Life.submitted(client)
        let destination = Life.destination()
        defer { try? FileManager.default.removeItem(at: destination.deletingLastPathComponent()) }
        let video = try await client.download(job, to: destination)
        #expect(
            transport.lines == [
                Life.submit, Life.status, Life.retrieve, "GET https://cdn.life.example/output.mp4",
            ])
        // The follow-up goes to the vendor with its key; the CDN never sees it.
        #expect(transport.sent[2].headers["Authorization"] == "Bearer \(Life.key)")
        #expect(transport.sent[2].headers["Accept"] == "application/json")
        #expect(transport.sent[3].headers["Authorization"] == nil)
        #expect(video.byteCount == Int64(SampleVideo.mp4.count))
        #expect(video.sourceHost == "cdn.life.example")
    }

    @Test func resultReturnsTheResolvedSnapshot() async throws {
        let transport = Life.transport([Life.status: [Self.success], Life.retrieve: [Self.retrieved]])
        let client = try Life.client(LifecycleProvider(), transport)
        let job = try await Life.submitted(client)
        let final = try await client.result(for: job, polling: .fixed(.seconds(5)))
        #expect(final.status == .completed)
        #expect(final.resultReference == "176844028768320")
        #expect(final.videoURL == URL(string: "https://cdn.life.example/output.mp4"))
        // One status call: a completed status with a follow-up is not asked again for a URL.
        #expect(transport.lines == [Life.submit, Life.status, Life.retrieve])
    }

    @Test func updatesEndWithTheResolvedSnapshot() async throws {
        let processing = ScriptedTransport.json(#"{"status":"Processing"}"#)
        let transport = Life.transport([
            Life.status: [processing, Self.success, Self.success],
            Life.retrieve: [ScriptedTransport.json(#"{"error":"busy"}"#, status: 500), Self.retrieved],
        ])
        let client = try Life.client(LifecycleProvider(), transport)
        let job = try await Life.submitted(client)
        var seen: [TaskSnapshot] = []
        for try await snapshot in client.updates(for: job, polling: .fixed(.seconds(5))) { seen.append(snapshot) }
        #expect(seen.map(\.status) == [.processing, .completed])
        #expect(seen.last?.videoURL == URL(string: "https://cdn.life.example/output.mp4"))
        // A failed follow-up is a failed poll: the status is asked again, then the follow-up.
        #expect(transport.lines == [Life.submit, Life.status, Life.status, Life.retrieve, Life.status, Life.retrieve])
    }

    @Test func aRefusedFollowUpIsTypedAndRedacted() async throws {
        let refusal = ScriptedTransport.json(#"{"error":{"message":"bad key \#(Life.key)"}}"#, status: 401)
        let transport = Life.transport([Life.status: [Self.success], Life.retrieve: [refusal]])
        let client = try Life.client(LifecycleProvider(), transport)
        let job = try await Life.submitted(client)
        let error = await #expect(throws: VideoProviderError.self) {
            try await client.download(job, to: Life.destination())
        }
        #expect(error?.kind == .authentication)
        #expect(error?.httpStatus == 401)
        #expect(error?.taskID == "T1")
        #expect(error?.vendorMessage?.contains(Life.key) == false)
        #expect(error?.description.contains("SECRET") == false)
        #expect(transport.lines == [Life.submit, Life.status, Life.retrieve])
    }

    @Test func theDefaultReaderTakesTheUsualURLFields() throws {
        struct Plain: VideoProvider {
            var descriptor: ProviderDescriptor { LifecycleProvider().descriptor }
            func submitRequest(for request: ResolvedVideoRequest, context: ProviderContext) -> HTTPRequest {
                LifecycleProvider().submitRequest(for: request, context: context)
            }
            func statusRequest(taskID: String, model: String, context: ProviderContext) -> HTTPRequest {
                LifecycleProvider().statusRequest(taskID: taskID, model: model, context: context)
            }
        }
        let pending = TaskSnapshot(taskID: "T1", status: .completed, resultReference: "f-1")
        let context = ProviderContext(baseURL: LifecycleProvider.base, apiKey: APIKey(Life.key))
        #expect(Plain().resultRequest(for: pending, context: context) == nil)
        let read = try Plain().parseResultResponse(
            ScriptedTransport.json(#"{"video_url":"https://cdn.life.example/a.mp4"}"#), for: pending)
        #expect(read.videoURL == URL(string: "https://cdn.life.example/a.mp4"))
        #expect(read.status == .completed)
        #expect(read.resultReference == "f-1")
        #expect(throws: VideoProviderError.self) {
            try Plain().parseResultResponse(ScriptedTransport.json(#"{"file":{}}"#), for: pending)
        }
    }
}

/// Video URLs that expire: an expired one, or one answered 403 or 410, is asked for again once.
@Suite struct LifecycleRefreshTests {
    static let old = "GET https://cdn.life.example/old.mp4"
    static let fresh = "GET https://cdn.life.example/fresh.mp4"
    static let freshStatus = ScriptedTransport.json(
        #"{"status":"succeeded","url":"https://cdn.life.example/fresh.mp4"}"#)

    static func completed(expires: Date? = nil) -> TaskSnapshot {
        TaskSnapshot(
            taskID: "T1", status: .completed, videoURL: URL(string: "https://cdn.life.example/old.mp4"),
            videoURLExpiresAt: expires)
    }

    @Test func anExpiredURLIsRefreshedBeforeDownloading() async throws {
        let transport = Life.transport([
            Life.status: [Self.freshStatus], Self.fresh: [ScriptedTransport.video], Self.old: [ScriptedTransport.video],
        ])
        let client = try Life.client(LifecycleProvider(), transport)
        let job = try await Life.submitted(client)
        let expired = Self.completed(expires: Date(timeIntervalSince1970: 1_000_000_000))
        let video = try await client.download(job, to: Life.destination(), snapshot: expired)
        #expect(transport.lines == [Life.submit, Life.status, Self.fresh])
        #expect(video.byteCount == Int64(SampleVideo.mp4.count))
    }

    @Test(arguments: [403, 410])
    func aRefusedURLIsRefreshedOnce(status: Int) async throws {
        let transport = Life.transport([
            Life.status: [Self.freshStatus], Self.old: [ScriptedTransport.refused(status)],
            Self.fresh: [ScriptedTransport.video],
        ])
        let client = try Life.client(LifecycleProvider(expiring: true), transport)
        let job = try await Life.submitted(client)
        _ = try await client.download(job, to: Life.destination(), snapshot: Self.completed())
        #expect(transport.lines == [Life.submit, Self.old, Life.status, Self.fresh])
    }

    @Test func anOldJobAsksTheStatusThenRefreshesTheRefusedURL() async throws {
        // `videogen download` on an old job file: no snapshot, so the status comes first; its URL has
        // expired on the CDN, so the status is asked once more.
        let oldStatus = ScriptedTransport.json(#"{"status":"succeeded","url":"https://cdn.life.example/old.mp4"}"#)
        let transport = Life.transport([
            Life.status: [oldStatus, Self.freshStatus], Self.old: [ScriptedTransport.refused(410)],
            Self.fresh: [ScriptedTransport.video],
        ])
        let client = try Life.client(LifecycleProvider(expiring: true), transport)
        let job = try await Life.submitted(client)
        let video = try await client.download(job, to: Life.destination())
        #expect(transport.lines == [Life.submit, Life.status, Self.old, Life.status, Self.fresh])
        #expect(video.sourceHost == "cdn.life.example")
    }

    @Test func aSecondRefusalEndsTheDownload() async throws {
        let transport = Life.transport([
            Life.status: [Self.freshStatus], Self.old: [ScriptedTransport.refused(403)],
            Self.fresh: [ScriptedTransport.refused(403)],
        ])
        let client = try Life.client(LifecycleProvider(expiring: true), transport)
        let job = try await Life.submitted(client)
        let error = await #expect(throws: VideoProviderError.self) {
            try await client.download(job, to: Life.destination(), snapshot: Self.completed())
        }
        #expect(error?.kind == .download)
        #expect(error?.httpStatus == 403)
        #expect(transport.lines == [Life.submit, Self.old, Life.status, Self.fresh])
    }

    @Test func aVendorWhoseURLsDoNotExpireIsNotAskedAgain() async throws {
        let transport = Life.transport([Life.status: [Self.freshStatus], Self.old: [ScriptedTransport.refused(403)]])
        let client = try Life.client(LifecycleProvider(), transport)
        let job = try await Life.submitted(client)
        let error = await #expect(throws: VideoProviderError.self) {
            try await client.download(job, to: Life.destination(), snapshot: Self.completed())
        }
        #expect(error?.httpStatus == 403)
        #expect(transport.lines == [Life.submit, Self.old])
    }

    @Test func aRefreshAlsoRepeatsTheFollowUp() async throws {
        let transport = Life.transport([
            Life.status: [LifecycleFollowUpTests.success], Life.retrieve: [LifecycleFollowUpTests.retrieved],
            "GET https://cdn.life.example/output.mp4": [ScriptedTransport.video],
        ])
        let client = try Life.client(LifecycleProvider(), transport)
        let job = try await Life.submitted(client)
        let expired = Self.completed(expires: Date(timeIntervalSince1970: 1_000_000_000))
        _ = try await client.download(job, to: Life.destination(), snapshot: expired)
        #expect(
            transport.lines == [
                Life.submit, Life.status, Life.retrieve, "GET https://cdn.life.example/output.mp4",
            ])
    }

    @Test func theExpiryTravelsInTheJobFile() throws {
        let snapshot = Self.completed(expires: Date(timeIntervalSince1970: 1_800_000_000))
        let data = try JSONEncoder().encode(snapshot)
        #expect(try JSONDecoder().decode(TaskSnapshot.self, from: data) == snapshot)
        // A snapshot without the new fields encodes as before.
        let sorted = JSONEncoder()
        sorted.outputFormatting = .sortedKeys
        let plain = try sorted.encode(TaskSnapshot(taskID: "T1", status: .queued))
        #expect(String(decoding: plain, as: UTF8.self) == #"{"status":"queued","taskID":"T1"}"#)
    }
}

/// A video URL that needs the key gets it only on the provider's own origin or one it declares.
@Suite struct LifecycleCredentialedURLTests {
    static func download(_ url: String, provider: LifecycleProvider) async throws -> HTTPRequest {
        let transport = Life.transport(["GET \(url)": [ScriptedTransport.video]])
        let client = try Life.client(provider, transport)
        let job = try await Life.submitted(client)
        let snapshot = TaskSnapshot(taskID: "T1", status: .completed, videoURL: URL(string: url))
        _ = try await client.download(job, to: Life.destination(), snapshot: snapshot)
        #expect(transport.lines == [Life.submit, "GET \(url)"])
        return transport.sent[1]
    }

    @Test func theProvidersOwnOriginGetsTheKey() async throws {
        let sent = try await Self.download(
            "https://api.life.example/v1beta/files/abc:download?alt=media", provider: LifecycleProvider())
        #expect(sent.headers["Authorization"] == "Bearer \(Life.key)")
    }

    @Test func anotherHostNeverGetsTheKey() async throws {
        let sent = try await Self.download("https://storage.other.example/abc.mp4", provider: LifecycleProvider())
        #expect(sent.headers["Authorization"] == nil)
    }

    @Test func aDeclaredOriginGetsTheKeyAndNoOtherDoes() async throws {
        let provider = LifecycleProvider(trusted: [URL(string: "https://media.life.example")!])
        let trusted = try await Self.download("https://media.life.example/v/abc.mp4", provider: provider)
        #expect(trusted.headers["Authorization"] == "Bearer \(Life.key)")
        // Same host, another port: another origin.
        let otherPort = try await Self.download("https://media.life.example:8443/v/abc.mp4", provider: provider)
        #expect(otherPort.headers["Authorization"] == nil)
        let other = try await Self.download("https://evil.example/v/abc.mp4", provider: provider)
        #expect(other.headers["Authorization"] == nil)
    }
}

/// `cancel`: one call where the vendor has one, a typed error where it has none, never a submission.
@Suite struct LifecycleCancelTests {
    static let delete = "DELETE https://api.life.example/v1/tasks/T1"

    @Test func cancelSendsTheVendorsRequestOnce() async throws {
        let transport = Life.transport([
            Self.delete: [HTTPResponse(status: 204, headers: HTTPHeaders(), body: Data())]
        ])
        let client = try Life.client(LifecycleProvider(), transport)
        let job = try await Life.submitted(client)
        let snapshot = try await client.cancel(job)
        #expect(snapshot == TaskSnapshot(taskID: "T1", status: .cancelled))
        #expect(transport.lines == [Life.submit, Self.delete])
        #expect(transport.sent[1].headers["Authorization"] == "Bearer \(Life.key)")
        #expect(transport.sent[1].body.isEmpty)
    }

    @Test func aVendorWithoutCancelIsATypedErrorAndSendsNothing() async throws {
        let transport = Life.transport([:])
        let client = try Life.client(LifecycleProvider(cancels: false), transport)
        let job = try await Life.submitted(client)
        let error = await #expect(throws: VideoProviderError.self) { try await client.cancel(job) }
        #expect(error?.kind == .unsupported)
        #expect(error?.kind.rawValue == "unsupported")
        #expect(
            error?.message
                == "lifecycle cannot cancel a task: its API has no cancel. Task T1 goes on; nothing was sent.")
        #expect(transport.lines == [Life.submit])
    }

    @Test func aRefusedCancelIsNotRetried() async throws {
        let transport = Life.transport([
            Self.delete: [ScriptedTransport.json(#"{"error":"Task already finished"}"#, status: 500)]
        ])
        let client = try Life.client(LifecycleProvider(), transport)
        let job = try await Life.submitted(client)
        let error = await #expect(throws: VideoProviderError.self) { try await client.cancel(job) }
        #expect(error?.kind == .serverError)
        #expect(error?.httpStatus == 500)
        #expect(error?.vendorMessage == "Task already finished")
        #expect(transport.lines == [Life.submit, Self.delete])
    }

    @Test func aCancelMarkedAsCreatingATaskIsNeverSent() async throws {
        let transport = Life.transport([:])
        let client = try Life.client(LifecycleProvider(cancelCreatesTask: true), transport)
        let job = try await Life.submitted(client)
        let error = await #expect(throws: VideoProviderError.self) { try await client.cancel(job) }
        #expect(error?.kind == .invalidRequest)
        #expect(transport.lines == [Life.submit])
    }

    @Test func providersWithoutCancelDefaultToNone() throws {
        let context = ProviderContext(baseURL: LifecycleProvider.base, apiKey: APIKey(Life.key))
        let plain = DefaultsOnly()
        #expect(plain.cancelRequest(taskID: "T1", model: "life-1", context: context) == nil)
        #expect(plain.credentialedContentOrigins == [])
        #expect(plain.resultURLsExpire == false)
        let refused = #expect(throws: VideoProviderError.self) {
            try plain.parseCancelResponse(
                ScriptedTransport.json(#"{"error":"no such task"}"#, status: 404), taskID: "T1")
        }
        #expect(refused?.kind == .notFound)
    }

    struct DefaultsOnly: VideoProvider {
        var descriptor: ProviderDescriptor { LifecycleProvider().descriptor }
        func submitRequest(for request: ResolvedVideoRequest, context: ProviderContext) -> HTTPRequest {
            LifecycleProvider().submitRequest(for: request, context: context)
        }
        func statusRequest(taskID: String, model: String, context: ProviderContext) -> HTTPRequest {
            LifecycleProvider().statusRequest(taskID: taskID, model: model, context: context)
        }
    }
}

/// Raw base64 in JSON bodies (Veo's `bytesBase64Encoded`, Kling's `image`), streamed like data URIs.
@Suite struct RawBase64BodyTests {
    @Test func smallImageExactBytes() throws {
        var image = JSONBody()
        image["bytesBase64Encoded"] = .base64(.bytes(Data([0x00, 0x01, 0x02, 0xFF])))
        image["mimeType"] = .string("image/png")
        var json = JSONBody()
        json["instances"] = .array([.object(image)])
        json["image"] = .base64(.bytes(Data("Man".utf8)))
        let body = json.httpBody
        let expected = #"{"instances":[{"bytesBase64Encoded":"AAEC/w==","mimeType":"image/png"}],"image":"TWFu"}"#
        #expect(String(decoding: try body.collect(), as: UTF8.self) == expected)
        #expect(body.length == Int64(expected.utf8.count))
        #expect(body.segments.filter { if case .base64 = $0 { return true } else { return false } }.count == 2)
    }

    @Test func aLargeFileIsStreamedFromDisk() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rawb64-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = Data((0..<(3 << 20) + 1).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let file = directory.appendingPathComponent("big.png")
        try bytes.write(to: file)
        var json = JSONBody()
        json["image"] = .base64(.file(file, byteCount: Int64(bytes.count)))
        let body = json.httpBody
        // The body holds the file's name, not its bytes nor their base64.
        #expect(
            body.segments == [
                .bytes(Data(#"{"image":""#.utf8)), .base64File(file, byteCount: Int64(bytes.count)),
                .bytes(Data(#""}"#.utf8)),
            ])
        #expect(body.readsFiles)
        var chunks = 0
        var largest = 0
        var written = Data()
        try body.write(chunkSize: 1 << 16) { chunk in
            chunks += 1
            largest = max(largest, chunk.count)
            written.append(chunk)
        }
        #expect(written == Data(#"{"image":""#.utf8) + bytes.base64EncodedData() + Data(#""}"#.utf8))
        #expect(largest <= 1 << 16)
        #expect(chunks > 60)
    }

    @Test func resolvedImagesAsRawBase64() throws {
        let bytes = Data([0x89, 0x50, 0x4E])
        #expect(
            try ResolvedImage.dataURI(.bytes(bytes), .png).jsonRawBase64(index: 0, model: "m", provider: "p")
                == .base64(.bytes(bytes)))
        let url = URL(string: "https://example.com/cat.png")!
        #expect(
            try ResolvedImage.publicURL(url).jsonRawBase64(index: 0, model: "m", provider: "p")
                == .string("https://example.com/cat.png"))
    }
}
