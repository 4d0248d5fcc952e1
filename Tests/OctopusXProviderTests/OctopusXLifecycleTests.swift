import Foundation
import OctopusXProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Every OctopusX model through the whole client, `submit` → `updates(for:)` → `download(_:to:)`, against the
/// `GatewaySimulator`, which reads the multipart wire with its own reader and checks it against its own copy of
/// the model rules. The expected values are seed 003's (OctopusX's "Grok Video Generation" page) and the
/// brief's recorded assumptions where the page is silent, written out here rather than read from the
/// capability table.
@Suite struct OctopusXLifecycleTests {
    // MARK: - The matrix

    /// What the simulator must have parsed out of a submit body.
    struct Wire: Sendable {
        /// The `seconds` field; `nil` when it must be absent (the fixed Pro and Max tiers).
        let secondsField: Int?
        /// The length the task has.
        let seconds: Int
        let aspectRatio: String
        /// `size`, upper case: "Common values are 720P or 1080P".
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
        /// A request naming nothing: the defaults, sent explicitly.
        let defaults: Wire
        /// Non-default settings, and what they become on the wire.
        let custom: Settings
        let customWire: Wire

        /// "input_reference: Reference image file. Can be passed multiple times": bytes, files and data URIs
        /// become file parts. A public URL is refused; we never fetch on the user's behalf.
        var imageForms: [ImageForm] { [.bytes, .file, .dataURI] }

        var testDescription: String { name }
    }

    /// Seed 003: "grok-video-3-pro will be automatically fixed to 10 seconds, and grok-video-3-max will be
    /// automatically fixed to 15 seconds" (sent without `seconds`); grok-video-3 "is processed according to the
    /// actual parameters passed" (6–30 s with default 6 assumed; the example sends 6); ratios "16:9, 9:16, 2:3,
    /// 3:2, and 1:1" (16:9 default assumed); sizes "720P or 1080P" (720P default assumed).
    static let models = [
        Model(
            name: "grok-video-3",
            defaults: Wire(secondsField: 6, seconds: 6, aspectRatio: "16:9", resolution: "720P"),
            custom: Settings(seconds: 15, aspectRatio: "2:3", resolution: .p1080),
            customWire: Wire(secondsField: 15, seconds: 15, aspectRatio: "2:3", resolution: "1080P")),
        Model(
            name: "grok-video-3-pro",
            defaults: Wire(secondsField: nil, seconds: 10, aspectRatio: "16:9", resolution: "720P"),
            custom: Settings(seconds: nil, aspectRatio: "3:2", resolution: .p1080),
            customWire: Wire(secondsField: nil, seconds: 10, aspectRatio: "3:2", resolution: "1080P")),
        Model(
            name: "grok-video-3-max",
            defaults: Wire(secondsField: nil, seconds: 15, aspectRatio: "16:9", resolution: "720P"),
            custom: Settings(seconds: nil, aspectRatio: "1:1", resolution: .p720),
            customWire: Wire(secondsField: nil, seconds: 15, aspectRatio: "1:1", resolution: "720P")),
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
            + [Case(model: model, mode: .twoImages(model.imageForms[1], model.imageForms[2]))]
    }

    /// Every image form a model does not take, as a one-image case.
    static let refusedImages: [Case] = models.flatMap { model in
        ImageForm.allCases.filter { !model.imageForms.contains($0) }.map { Case(model: model, mode: .imageToVideo($0)) }
    }

    // MARK: - Full cycle

    @Test(arguments: matrix)
    func submitFollowAndDownload(_ test: Case) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let harness = try Harness()
        let settings = test.settings
        let forms = test.mode.forms
        let images = try forms.enumerated().map { try $1.input(index: $0, in: scratch) }
        let request = VideoRequest(
            model: test.model.name, prompt: Harness.prompt, seconds: settings?.seconds,
            aspectRatio: settings?.aspectRatio, resolution: settings?.resolution, images: images)
        let wire = test.wire

        let job = try await harness.client.submit(request)
        var seen = [job.initialSnapshot]
        for try await snapshot in harness.client.updates(for: job) { seen.append(snapshot) }
        let video = try await harness.client.download(job, to: scratch.url.appendingPathComponent("video.mp4"))

        // What the app saw: statuses in order, progress on every answer, never going back.
        expectQueuedThenProcessingThenCompleted(seen)
        let progress = seen.compactMap(\.progress)
        #expect(progress.count == seen.count, "every answer carries progress: \(seen.map(\.progress))")
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0 <= $1 }, "progress never falls: \(progress)")
        #expect(progress.first == 0)
        #expect(progress.last == 100)
        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)
        #expect(video.byteCount == Int64(SampleVideo.mp4.count))
        #expect(video.sourceHost == "octopusx.ai")

        // The request as the client resolved it.
        #expect(job.model == test.model.name)
        #expect(job.request.seconds == wire.seconds)
        #expect(job.request.sendsDuration == (wire.secondsField != nil))
        #expect(job.request.aspectRatio.rawValue == wire.aspectRatio)
        #expect(job.request.resolution?.upperCased == wire.resolution)
        #expect(job.request.imageCount == images.count)
        #expect(job.request.imageTransports == forms.map { _ in .multipartFile })

        // What the simulator received: one multipart submit.
        let simulator = harness.simulator
        let submits = simulator.requests(.submit)
        try #require(submits.count == 1)
        let submit = submits[0]
        #expect(submit.method == .post)
        #expect(submit.url.absoluteString == "https://octopusx.ai/v1/videos")
        #expect(submit.carriesBearerToken(Harness.key))
        #expect(submit.headers["Content-Type"]?.hasPrefix("multipart/form-data; boundary=") == true)
        #expect(submit.json == nil)
        let parts = try #require(submit.parts)
        // The curl order: model, prompt, aspect_ratio, seconds, size, then one input_reference per image.
        let texts = ["model", "prompt", "aspect_ratio"] + (wire.secondsField == nil ? [] : ["seconds"]) + ["size"]
        #expect(parts.map(\.name) == texts + forms.map { _ in "input_reference" })
        #expect(submit.part("model")?.text == test.model.name)
        #expect(submit.part("prompt")?.text == Harness.prompt)
        #expect(submit.part("aspect_ratio")?.text == wire.aspectRatio)
        #expect(submit.part("seconds")?.text == wire.secondsField.map(String.init))
        #expect(submit.part("size")?.text == wire.resolution)
        let files = parts.filter(\.isFile)
        #expect(files.map(\.filename) == forms.enumerated().map { $1.filename(index: $0) })
        #expect(files.allSatisfy { $0.name == "input_reference" && $0.contentType == "image/png" })
        #expect(files.allSatisfy { $0.body == ImageForm.png })

        // The task as the simulator understood it.
        try #require(simulator.tasks.count == 1)
        let task = simulator.tasks[0]
        #expect(task.id == job.taskID)
        #expect(task.model == test.model.name)
        #expect(task.requestedSeconds == wire.secondsField)
        #expect(task.seconds == wire.seconds)
        #expect(task.aspectRatio == wire.aspectRatio)
        #expect(task.resolution == wire.resolution)
        #expect(task.imageCount == images.count)
        #expect(task.phase == .completed)
        #expect(task.downloads == 1)

        // Status and content on the gateway's own host, with the key (every poll, plus the one `download`
        // makes); the CDN is not needed and never sees the key.
        let statuses = simulator.requests(.status)
        #expect(statuses.count == seen.count)
        #expect(
            statuses.allSatisfy {
                $0.carriesBearerToken(Harness.key)
                    && $0.url.absoluteString == "https://octopusx.ai/v1/videos/\(job.taskID)"
            })
        let content = simulator.requests(.content)
        try #require(content.count == 1)
        #expect(content[0].url.absoluteString == "https://octopusx.ai/v1/videos/\(job.taskID)/content")
        #expect(content[0].carriesBearerToken(Harness.key))
        #expect(simulator.count(.content, at: simulator.cdnBaseURL) == 0)
        #expect(simulator.cdnReceivedAuthorization == false)
    }

    /// When the content endpoint fails, `download` falls back to the status answer's `video_url` on the CDN,
    /// and the key stays behind: the CDN never sees `Authorization`.
    @Test(arguments: models)
    func aFailingContentEndpointFallsBackToTheVideoURLWithoutTheKey(_ model: Model) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let harness = try Harness()
        harness.simulator.inject(
            .httpError(status: 404, message: "Not found.", code: "not_found"), on: .content,
            at: GatewaySimulator.Gateway.octopusXBaseURL)
        let job = try await harness.client.submit(VideoRequest(model: model.name, prompt: Harness.prompt))
        let final = try await harness.client.result(for: job)
        let video = try await harness.client.download(
            job, to: scratch.url.appendingPathComponent("video.mp4"), snapshot: final)

        #expect(try Data(contentsOf: video.fileURL) == SampleVideo.mp4)
        #expect(video.sourceHost == GatewaySimulator.defaultCDNBaseURL.host)
        let content = harness.simulator.requests(.content)
        #expect(
            content.map(\.url) == [URL(string: "https://octopusx.ai/v1/videos/\(job.taskID)/content")!, final.videoURL])
        #expect(content.first?.carriesBearerToken(Harness.key) == true)
        #expect(content.last?.hasAuthorization == false)
        #expect(harness.simulator.cdnReceivedAuthorization == false)
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
            #expect(last.status == .failed)
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
        harness.simulator.inject(.httpError(status: 400, message: message, code: "invalid_prompt"), on: .submit)
        let error = await #expect(throws: VideoProviderError.self) {
            try await harness.client.submit(VideoRequest(model: model.name, prompt: Harness.prompt))
        }
        #expect(error?.kind == .vendorRejected)
        #expect(error?.httpStatus == 400)
        #expect(error?.vendorMessage == message)
        #expect(error?.vendorCode == "invalid_prompt")
        #expect(harness.simulator.count(.submit) == 1)
        #expect(harness.simulator.tasks.isEmpty)
        #expect(harness.simulator.count(.status) == 0)
    }

    /// A request the page does not allow, let through by a loosened capability table, is refused by the
    /// simulator in the gateway's own shape, and that refusal reaches the app as the vendor's message.
    @Test func theSimulatorRefusesWhatThePageDoesNotAllow() async throws {
        var loosened = try #require(OctopusXProvider().descriptor.models.first { $0.model == "grok-video-3" })
        loosened.aspectRatios = AspectRatioRule(values: ["16:9", "9:16", "2:3", "3:2", "1:1", "4:3"], default: "16:9")
        let harness = try Harness(overrides: [loosened])
        let error = await #expect(throws: VideoProviderError.self) {
            try await harness.client.submit(
                VideoRequest(model: "grok-video-3", prompt: Harness.prompt, aspectRatio: "4:3"))
        }
        #expect(error?.kind == .vendorRejected)
        #expect(error?.httpStatus == 400)
        #expect(
            error?.vendorMessage
                == "'aspect_ratio' '4:3' is not supported by grok-video-3; allowed: 16:9, 9:16, 2:3, 3:2, 1:1.")
        #expect(harness.simulator.count(.submit) == 1)
        #expect(harness.simulator.tasks.isEmpty)
    }

    /// Public URLs are refused before anything is sent: the gateway takes uploaded files only.
    @Test(arguments: refusedImages)
    func imageFormsTheModelDoesNotTakeNeverReachTheGateway(_ test: Case) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let harness = try Harness()
        let images = try test.mode.forms.enumerated().map { try $1.input(index: $0, in: scratch) }
        let error = await #expect(throws: VideoProviderError.self) {
            try await harness.client.submit(
                VideoRequest(model: test.model.name, prompt: Harness.prompt, images: images))
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.violations.map(\.parameter) == ["images[0]"])
        #expect(harness.simulator.requests.isEmpty)
    }

    /// jpeg, png and webp (assumed: the page names no formats), given as bytes, reach the simulator as
    /// `input_reference` files of their own type, and the task completes.
    @Test(arguments: models, ["jpeg", "png", "webp"])
    func everyImageFormatIsAccepted(_ model: Model, _ format: String) async throws {
        let harness = try Harness()
        let bytes = try #require(ImageForm.samples[format])
        let job = try await harness.client.submit(
            VideoRequest(model: model.name, prompt: Harness.prompt, images: [.data(bytes)]))
        #expect(try await harness.client.result(for: job).status == .completed)
        let file = try #require(harness.simulator.requests(.submit).first?.part("input_reference"))
        #expect(file.contentType == "image/\(format)")
        #expect(file.filename == "image-1.\(format == "jpeg" ? "jpg" : format)")
        #expect(file.body == bytes)
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

    /// A client with only OctopusX registered, the simulator as its transport and a virtual clock that jumps
    /// to each sleeper's deadline, so polling takes no real time.
    struct Harness {
        static let key = "sk-octopusx-lifecycle-0123456789abcdef"
        /// Seed 003's example prompt.
        static let prompt = "猫咪听歌摇头晃脑,下大雨"
        static let failureMessage = "GPU pool exhausted, please retry later"
        static let failureCode = "upstream_error"

        let simulator: GatewaySimulator
        let client: VideoClient

        init(overrides: [ModelCapabilities] = []) throws {
            let clock = VirtualClock()
            simulator = GatewaySimulator(clock: clock)
            var registry = ProviderRegistry()
            try registry.register(OctopusXProvider(), apiKey: Self.key, capabilityOverrides: overrides)
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
            case .publicURL: return .url(URL(string: "https://example.com/image\(index + 1).png")!)
            case .bytes: return .data(Self.png)
            case .file:
                let file = scratch.url.appendingPathComponent("reference\(index + 1).png")
                try Self.png.write(to: file)
                return .file(file)
            case .dataURI:
                // Written out, so the test does not use an encoder to build its input.
                return .url(
                    URL(
                        string:
                            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
                    )!)
            }
        }

        /// The `input_reference` part's filename: the local file's own name, else `image-<n>.<ext>`.
        func filename(index: Int) -> String {
            self == .file ? "reference\(index + 1).png" : "image-\(index + 1).png"
        }
    }

    /// A temporary directory for image files and downloads.
    struct Scratch {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent(
                "octopusx-lifecycle-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        func remove() { try? FileManager.default.removeItem(at: url) }
    }
}
