import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting
import XAIProvider
import XAIVideoDialect

/// Both xAI models through the whole client, `submit` → `updates(for:)` → `download(_:to:)`, against the
/// `GatewaySimulator`, which reads the JSON with `JSONSerialization` and checks it against its own copy of the
/// model rules. No seed covers xAI: the expected values are the brief's xAI decisions and
/// `docs/providers/xai.md` (each fact marked documented or assumed there), written out here rather than read
/// from the capability table.
@Suite struct XAILifecycleTests {
    // MARK: - The matrix

    /// What the simulator must have parsed out of a submit body.
    struct Wire: Sendable {
        /// The `duration` field, an integer, always sent.
        let duration: Int
        /// The length the task has.
        let seconds: Int
        let aspectRatio: String
        /// The `resolution` field, lower case.
        let resolution: String
    }

    /// Settings a request can name.
    struct Settings: Sendable {
        let seconds: Int?
        let aspectRatio: AspectRatio?
        let resolution: Resolution?
    }

    struct Model: Sendable, CustomTestStringConvertible {
        let name: String
        /// A request naming nothing: the documented defaults, sent explicitly.
        let defaults: Wire
        /// Non-default settings, and what they become on the wire.
        let custom: Settings
        let customWire: Wire
        /// The image forms the model accepts.
        let imageForms: [ImageForm]

        var testDescription: String { name }
    }

    /// "duration (int 1–15, default 8), aspect_ratio (1:1, 16:9 default, 9:16, 4:3, 3:4, 3:2, 2:3), resolution
    /// (480p default, 720p), image: {url} for one image, reference_images: [{url}] for 2–7"; a url is "a public
    /// HTTPS URL or a base64-encoded data URI", so every image form is accepted.
    static let models = [
        Model(
            name: "grok-imagine-video",
            defaults: Wire(duration: 8, seconds: 8, aspectRatio: "16:9", resolution: "480p"),
            custom: Settings(seconds: 15, aspectRatio: "4:3", resolution: .p720),
            customWire: Wire(duration: 15, seconds: 15, aspectRatio: "4:3", resolution: "720p"),
            imageForms: [.publicURL, .bytes, .file, .dataURI]),
        Model(
            name: "grok-imagine-video-1.5",
            defaults: Wire(duration: 8, seconds: 8, aspectRatio: "16:9", resolution: "480p"),
            custom: Settings(seconds: 1, aspectRatio: "3:4", resolution: .p720),
            customWire: Wire(duration: 1, seconds: 1, aspectRatio: "3:4", resolution: "720p"),
            imageForms: [.publicURL, .bytes, .file, .dataURI]),
    ]

    enum Mode: Sendable, Equatable, CustomStringConvertible {
        /// Text only, every setting left to the model's default.
        case textToVideo
        /// Text only, with non-default settings.
        case textToVideoWithSettings
        /// One image, in one form.
        case imageToVideo(ImageForm)
        /// Two images.
        case twoImages(ImageForm, ImageForm)

        var description: String {
            switch self {
            case .textToVideo: return "text-to-video, defaults"
            case .textToVideoWithSettings: return "text-to-video, settings"
            case .imageToVideo(let form): return "image-to-video (\(form.rawValue))"
            case .twoImages(let first, let second): return "two images (\(first.rawValue), \(second.rawValue))"
            }
        }

        var forms: [ImageForm] {
            switch self {
            case .textToVideo, .textToVideoWithSettings: return []
            case .imageToVideo(let form): return [form]
            case .twoImages(let first, let second): return [first, second]
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let model: Model
        let mode: Mode

        var testDescription: String { "\(model.name) · \(mode)" }

        var settings: Settings? { mode == .textToVideoWithSettings ? model.custom : nil }
        var wire: Wire { mode == .textToVideoWithSettings ? model.customWire : model.defaults }
    }

    /// Each model in text-to-video (defaults and settings), one image in every accepted form, and two images.
    static let matrix: [Case] = models.flatMap { model in
        [Case(model: model, mode: .textToVideo), Case(model: model, mode: .textToVideoWithSettings)]
            + model.imageForms.map { Case(model: model, mode: .imageToVideo($0)) }
            + [Case(model: model, mode: .twoImages(model.imageForms[0], model.imageForms[model.imageForms.count - 1]))]
    }

    // MARK: - Full cycle

    @Test(arguments: matrix)
    func submitFollowAndDownload(_ test: Case) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let harness = try Harness()
        let settings = test.settings
        let images = try test.mode.forms.enumerated().map { try $1.input(index: $0, in: scratch) }
        let request = VideoRequest(
            model: test.model.name, prompt: Harness.prompt, seconds: settings?.seconds,
            aspectRatio: settings?.aspectRatio, resolution: settings?.resolution, images: images)
        let wire = test.wire

        let job = try await harness.client.submit(request)
        var seen = [job.initialSnapshot]
        for try await snapshot in harness.client.updates(for: job) { seen.append(snapshot) }
        let video = try await harness.client.download(job, to: scratch.url.appendingPathComponent("video.mp4"))

        // What the app saw.
        expectQueuedThenProcessingThenCompleted(seen)
        // The submit answer is only `{"request_id"}`; every status answer carries an integer `progress`.
        #expect(seen[0].progress == nil)
        let progress = seen.dropFirst().compactMap(\.progress)
        #expect(progress.count == seen.count - 1, "every poll carries progress: \(seen.map(\.progress))")
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0 <= $1 }, "progress never falls: \(progress)")
        #expect(progress.last == 100)
        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)
        #expect(video.byteCount == Int64(SampleVideo.mp4.count))
        #expect(video.sourceHost == GatewaySimulator.defaultCDNBaseURL.host)

        // The request as the client resolved it.
        #expect(job.model == test.model.name)
        #expect(job.request.seconds == wire.seconds)
        #expect(job.request.sendsDuration)
        #expect(job.request.aspectRatio.rawValue == wire.aspectRatio)
        #expect(job.request.resolution?.rawValue == wire.resolution)
        #expect(job.request.imageCount == images.count)
        #expect(job.request.imageTransports == test.mode.forms.map(\.transport))

        // What the simulator received: one JSON submit.
        let simulator = harness.simulator
        let submits = simulator.requests(.submit)
        try #require(submits.count == 1)
        #expect(submits[0].method == .post)
        #expect(submits[0].url.absoluteString == "https://api.x.ai/v1/videos/generations")
        #expect(submits[0].headers["Content-Type"] == "application/json")
        #expect(submits[0].carriesBearerToken(Harness.key))
        let body = try #require(submits[0].json)
        #expect(body["model"] == .string(test.model.name))
        #expect(body["prompt"] == .string(Harness.prompt))
        #expect(body["duration"] == .int(wire.duration))
        #expect(body["aspect_ratio"] == .string(wire.aspectRatio))
        #expect(body["resolution"] == .string(wire.resolution))
        // One image is `image: {url}` (the first frame), several are `reference_images: [{url}]`, never both.
        let urls = test.mode.forms.enumerated().map { JSONValue.object(["url": .string($1.wireURL(index: $0))]) }
        #expect(body["image"] == (urls.count == 1 ? urls.first : JSONValue?.none))
        #expect(body["reference_images"] == (urls.count > 1 ? .array(urls) : JSONValue?.none))

        // The task as the simulator understood it.
        try #require(simulator.tasks.count == 1)
        let task = simulator.tasks[0]
        #expect(task.id == job.taskID)
        #expect(task.model == test.model.name)
        #expect(task.requestedSeconds == wire.duration)
        #expect(task.seconds == wire.seconds)
        #expect(task.aspectRatio == wire.aspectRatio)
        #expect(task.resolution == wire.resolution)
        #expect(task.imageCount == images.count)
        #expect(task.phase == .completed)
        #expect(task.downloads == 1)

        // Status calls with the key (every poll, plus the one `download` makes); the CDN without it.
        let statuses = simulator.requests(.status)
        #expect(statuses.count == seen.count)
        #expect(
            statuses.allSatisfy {
                $0.carriesBearerToken(Harness.key)
                    && $0.url.absoluteString == "https://api.x.ai/v1/videos/\(job.taskID)"
            })
        let content = simulator.requests(.content)
        try #require(content.count == 1)
        #expect(content[0].gatewayName == "CDN")
        #expect(!content[0].hasAuthorization)
        #expect(simulator.cdnReceivedAuthorization == false)
    }

    // MARK: - How tasks end

    enum Ending: String, Sendable, CaseIterable {
        case failed, expired, cancelled, moderated

        var outcome: GatewaySimulator.Outcome {
            switch self {
            case .failed: return .failure(message: Harness.failureMessage, code: Harness.failureCode)
            case .expired: return .expired
            case .cancelled: return .cancelled
            case .moderated: return .moderated
            }
        }
    }

    @Test(arguments: models, Ending.allCases)
    func unsuccessfulTasksEndTheFollowAndThrow(_ model: Model, _ ending: Ending) async throws {
        let harness = try Harness()
        harness.simulator.scriptNextTasks(GatewaySimulator.TaskScript(outcome: ending.outcome))
        let job = try await harness.client.submit(VideoRequest(model: model.name, prompt: Harness.prompt))
        var seen: [TaskSnapshot] = []
        var thrown: VideoProviderError?
        do {
            for try await snapshot in harness.client.updates(for: job) { seen.append(snapshot) }
        } catch {
            thrown = error as? VideoProviderError
        }

        let last = try #require(seen.last)
        #expect(last.status.isTerminal)
        #expect(seen.dropLast().allSatisfy { !$0.status.isTerminal })
        let error = await #expect(throws: VideoProviderError.self) { try await harness.client.result(for: job) }
        // The sequence ends with the error `result(for:)` throws, the vendor's code and reason included.
        #expect(thrown?.kind == error?.kind)
        #expect(thrown?.message == error?.message)
        #expect(thrown?.vendorMessage == error?.vendorMessage)
        #expect(thrown?.vendorCode == error?.vendorCode)
        #expect(error?.taskID == job.taskID)
        switch ending {
        case .failed:
            #expect(last.status == .failed)
            #expect(error?.kind == .taskFailed)
            #expect(error?.vendorMessage == Harness.failureMessage)
            #expect(error?.vendorCode == Harness.failureCode)
            #expect(error?.rawStatus == "failed")
        case .expired:
            #expect(last.status == .expired)
            #expect(error?.kind == .taskFailed)
            #expect(error?.rawStatus == "expired")
        case .cancelled:
            #expect(last.status == .cancelled)
            #expect(error?.kind == .taskFailed)
            #expect(error?.rawStatus == "cancelled")
        case .moderated:
            // `done` with `respect_moderation: false` and no URL: there is nothing to download.
            #expect(last.status == .failed)
            #expect(last.rawStatus == "done")
            #expect(error?.kind == .contentPolicy)
        }
        #expect(harness.simulator.count(.submit) == 1)
        #expect(harness.simulator.count(.content) == 0)
        #expect(harness.simulator.requests(.status).allSatisfy { $0.carriesBearerToken(Harness.key) })
    }

    @Test(arguments: models)
    func anUnknownStatusWordKeepsFollowingUntilCompletion(_ model: Model) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let harness = try Harness()
        harness.simulator.scriptNextTasks(
            GatewaySimulator.TaskScript(unknownStatus: "rendering", unknownStatusPolls: 2))
        let job = try await harness.client.submit(VideoRequest(model: model.name, prompt: Harness.prompt))
        var seen: [TaskSnapshot] = []
        for try await snapshot in harness.client.updates(for: job) { seen.append(snapshot) }

        let unknown = seen.filter { $0.status == .unknown }
        #expect(unknown.count == 2)
        #expect(unknown.allSatisfy { $0.rawStatus == "rendering" })
        #expect(seen.last?.status == .completed)
        let video = try await harness.client.download(job, to: scratch.url.appendingPathComponent("video.mp4"))
        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)
        #expect(harness.simulator.cdnReceivedAuthorization == false)
    }

    // MARK: - Refusals

    @Test(arguments: models)
    func aVendorRejectionIsReportedWithTheVendorsMessage(_ model: Model) async throws {
        let harness = try Harness()
        let message = "prompt rejected: unsupported characters"
        let code = "Client specified an invalid argument"
        harness.simulator.inject(.httpError(status: 400, message: message, code: code), on: .submit)
        let error = await #expect(throws: VideoProviderError.self) {
            try await harness.client.submit(VideoRequest(model: model.name, prompt: Harness.prompt))
        }
        #expect(error?.kind == .vendorRejected)
        #expect(error?.httpStatus == 400)
        #expect(error?.vendorMessage == message)
        #expect(error?.vendorCode == code)
        #expect(harness.simulator.count(.submit) == 1)
        #expect(harness.simulator.tasks.isEmpty)
        #expect(harness.simulator.count(.status) == 0)
    }

    /// A request the reference does not allow, let through by a loosened capability table, is refused by the
    /// simulator in xAI's own shape, and that refusal reaches the app as the vendor's message.
    @Test func theSimulatorRefusesWhatTheReferenceDoesNotAllow() async throws {
        var loosened = try #require(XAIProvider().descriptor.models.first { $0.model == "grok-imagine-video" })
        loosened.duration = .range(min: 1, max: 20, default: 8)
        let harness = try Harness(overrides: [loosened])
        let error = await #expect(throws: VideoProviderError.self) {
            try await harness.client.submit(
                VideoRequest(model: "grok-imagine-video", prompt: Harness.prompt, seconds: 20))
        }
        #expect(error?.kind == .vendorRejected)
        #expect(error?.httpStatus == 400)
        #expect(
            error?.vendorMessage == "'duration' 20 is out of range for grok-imagine-video; allowed: 1 to 15 seconds.")
        #expect(error?.vendorCode == "Client specified an invalid argument")
        #expect(harness.simulator.count(.submit) == 1)
        #expect(harness.simulator.tasks.isEmpty)
    }

    /// "The maximum duration allowed when using reference images is 10 seconds" (xAI's reference-to-video
    /// page): the provider refuses before sending anything, and the simulator refuses the same body when it is
    /// sent by hand.
    @Test(arguments: models)
    func referenceImagesWithMoreThanTenSecondsAreRefusedOnBothSides(_ model: Model) async throws {
        let harness = try Harness()
        let urls = [ImageForm.publicURL(index: 0), ImageForm.publicURL(index: 1)]
        let error = await #expect(throws: VideoProviderError.self) {
            try await harness.client.submit(
                VideoRequest(
                    model: model.name, prompt: Harness.prompt, seconds: 11,
                    images: urls.map { .url(URL(string: $0)!) }))
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.violations.map(\.parameter) == ["seconds"])
        #expect(harness.simulator.requests.isEmpty)

        let body =
            #"{"model":"\#(model.name)","prompt":"p","duration":11,"reference_images":[{"url":"\#(urls[0])"},{"url":"\#(urls[1])"}]}"#
        let response = try await harness.simulator.send(
            HTTPRequest(
                method: .post, url: URL(string: "https://api.x.ai/v1/videos/generations")!,
                headers: ["Authorization": "Bearer \(Harness.key)", "Content-Type": "application/json"],
                body: HTTPBody(Data(body.utf8)), createsTask: true))
        #expect(response.status == 400)
        #expect(
            String(decoding: response.body, as: UTF8.self).contains(
                "the maximum duration allowed when using reference images is 10 seconds"))
        #expect(harness.simulator.tasks.isEmpty)
    }

    /// Image inputs are "PNG/JPEG/WebP" (xAI's Imagine file-input page, `docs/providers/xai.md`): each format,
    /// given as bytes, reaches the simulator as a data URI of its own media type and the task completes.
    @Test(arguments: models, ["jpeg", "png", "webp"])
    func everyDocumentedImageFormatIsAccepted(_ model: Model, _ format: String) async throws {
        let harness = try Harness()
        let bytes = try #require(ImageForm.samples[format])
        let job = try await harness.client.submit(
            VideoRequest(model: model.name, prompt: Harness.prompt, images: [.data(bytes)]))
        let final = try await harness.client.result(for: job)
        #expect(final.status == .completed)
        let body = try #require(harness.simulator.requests(.submit).first?.json)
        #expect(body["image"]?["url"] == .string("data:image/\(format);base64,\(bytes.base64EncodedString())"))
        #expect(harness.simulator.tasks.first?.imageCount == 1)
    }

    // MARK: - Checks

    /// queued… processing… completed, in that order, each at least once, and nothing after completed.
    func expectQueuedThenProcessingThenCompleted(
        _ seen: [TaskSnapshot], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let order: [TaskStatus] = [.queued, .processing, .completed]
        let ranks = seen.map { order.firstIndex(of: $0.status) ?? -1 }
        #expect(ranks.first == 0, "starts queued: \(seen.map(\.status))", sourceLocation: sourceLocation)
        #expect(ranks.contains(1), "passes through processing: \(seen.map(\.status))", sourceLocation: sourceLocation)
        #expect(ranks.last == 2, "ends completed: \(seen.map(\.status))", sourceLocation: sourceLocation)
        #expect(
            zip(ranks, ranks.dropFirst()).allSatisfy { $0 >= 0 && $0 <= $1 } && ranks.filter { $0 == 2 }.count == 1,
            "never goes back, completes once: \(seen.map(\.status))", sourceLocation: sourceLocation)
    }

    // MARK: - Support

    /// A client with only xAI registered, the simulator as its transport and a virtual clock that jumps to each
    /// sleeper's deadline, so polling takes no real time.
    struct Harness {
        static let key = "xai-lifecycle-0123456789abcdef"
        static let prompt = "A glass of water tipping over in slow motion, studio lighting"
        static let failureMessage = "Video generation failed: internal error"
        static let failureCode = "internal_error"

        let simulator: GatewaySimulator
        let client: VideoClient

        init(overrides: [ModelCapabilities] = []) throws {
            let clock = VirtualClock()
            simulator = GatewaySimulator(clock: clock)
            var registry = ProviderRegistry()
            try registry.register(XAIProvider(), apiKey: Self.key, capabilityOverrides: overrides)
            client = VideoClient(registry: registry, transport: simulator, clock: clock)
        }
    }

    /// The forms an app can hand an image in.
    enum ImageForm: String, Sendable, CaseIterable {
        case publicURL = "public URL"
        case bytes
        case file = "local file"
        case dataURI = "data URI"

        /// A real 1×1 RGBA PNG (70 bytes).
        static let png = Data([
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
            0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
            0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
            0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
        ])
        /// `png` in base64, written out so the expected wire text does not come from the encoder under test.
        static let pngDataURI =
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="

        static func publicURL(index: Int) -> String { "https://example.com/frame\(index + 1).png" }

        /// The smallest JFIF file (22 bytes) and a 1×1 lossless WebP (34 bytes), beside `png`.
        static let samples = [
            "png": png,
            "jpeg": Data([
                0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
                0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
            ]),
            "webp": Data([
                0x52, 0x49, 0x46, 0x46, 0x1A, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4C,
                0x0D, 0x00, 0x00, 0x00, 0x2F, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE,
                0x07, 0x00,
            ]),
        ]

        func input(index: Int, in scratch: Scratch) throws -> ImageInput {
            switch self {
            case .publicURL: return .url(URL(string: Self.publicURL(index: index))!)
            case .bytes: return .data(Self.png)
            case .file:
                let file = scratch.url.appendingPathComponent("reference\(index + 1).png")
                try Self.png.write(to: file)
                return .file(file)
            case .dataURI: return .url(URL(string: Self.pngDataURI)!)
            }
        }

        /// How the client sends this form: as given when it is a URL, else as a data URI.
        var transport: ImageTransport { self == .publicURL ? .publicURL : .dataURI }

        /// The `url` the API must receive.
        func wireURL(index: Int) -> String {
            self == .publicURL ? Self.publicURL(index: index) : Self.pngDataURI
        }
    }

    /// A temporary directory for image files and downloads.
    struct Scratch {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("xai-lifecycle-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        func remove() { try? FileManager.default.removeItem(at: url) }
    }
}
