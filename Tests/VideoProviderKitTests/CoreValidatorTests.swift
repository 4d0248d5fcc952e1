import Foundation
import Testing
import VideoProviderKit

/// Sample bytes and tables shared by the core tests (test files of one target share their declarations).
enum CoreSamples {
    /// A real 1×1 RGBA PNG (70 bytes).
    static let png = Data([
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
        0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
        0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ])
    static let pngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01])
    static let webp = Data("RIFF".utf8) + Data([0x1A, 0x00, 0x00, 0x00]) + Data("WEBPVP8 ".utf8)

    /// A model with every rule kind in play: a range, three presets, two resolutions, three images.
    static func capabilities(
        duration: DurationRule = .range(min: 6, max: 30, default: 10),
        custom: Bool = false,
        resolutions: ResolutionRule? = ResolutionRule(values: [.p480, .p720], default: .p720),
        transports: [ImageTransport] = [.dataURI],
        formats: [ImageFormat] = [.jpeg, .png, .webp]
    ) -> ModelCapabilities {
        ModelCapabilities(
            model: "test-model", duration: duration,
            aspectRatios: AspectRatioRule(values: ["16:9", "9:16", "1:1"], default: "16:9", custom: custom),
            resolutions: resolutions,
            images: ImageRule(max: 3, transports: transports, formats: formats, layout: .array(field: "images")),
            promptMaxLength: 100, billing: .perSecond)
    }

    static func resolve(
        _ request: VideoRequest, _ capabilities: ModelCapabilities = capabilities(), provider: ProviderID? = "test",
        policy: ValidationPolicy = .strict
    ) throws(VideoProviderError) -> ResolvedVideoRequest {
        try RequestValidator.resolve(request, capabilities: capabilities, providerID: provider, policy: policy)
    }

    static func error(
        _ request: VideoRequest, _ capabilities: ModelCapabilities = capabilities(), provider: ProviderID? = "test",
        policy: ValidationPolicy = .strict, sourceLocation: SourceLocation = #_sourceLocation
    ) -> VideoProviderError? {
        #expect(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try resolve(request, capabilities, provider: provider, policy: policy)
        }
    }

    /// A new directory for test files; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vpk-core-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// `RequestValidator`'s generic behaviour, against a synthetic model.
@Suite struct CoreRequestValidatorTests {
    @Test func defaultsAreFilledIn() throws {
        let resolved = try CoreSamples.resolve(VideoRequest(model: "test-model", prompt: "Rain"))
        #expect(resolved.model == "test-model")
        #expect(resolved.prompt == "Rain")
        #expect(resolved.seconds == 10)
        #expect(resolved.sendsDuration)
        #expect(resolved.aspectRatio == "16:9")
        #expect(resolved.resolution == .p720)
        #expect(resolved.images == [])
        #expect(resolved.warnings == [])
        #expect(resolved.capabilities == CoreSamples.capabilities())
        #expect(resolved.billableEstimate == .seconds(10))
        #expect(resolved.billableEstimate.description == "10 s (billed per second)")
    }

    @Test func fixedOmittedLengthIsKeptButNotSent() throws {
        let resolved = try CoreSamples.resolve(
            VideoRequest(model: "test-model", prompt: "Rain"),
            CoreSamples.capabilities(duration: .fixed(value: 15, omitted: true)))
        #expect(resolved.seconds == 15)
        #expect(resolved.sendsDuration == false)
    }

    @Test func everyViolationIsListedAtOnceInRequestOrder() throws {
        let error = try #require(
            CoreSamples.error(
                VideoRequest(
                    model: "test-model", prompt: " ", seconds: 31, aspectRatio: "4:3", resolution: .p1080,
                    images: [
                        .data(CoreSamples.png), .data(Data([0x00])), .data(CoreSamples.png), .data(CoreSamples.png),
                    ],
                    vendorOptions: ["seconds": 5, "watermark": false, "aspect_ratio": "1:1"])))
        #expect(error.kind == .invalidRequest)
        #expect(error.providerID == "test")
        #expect(error.model == "test-model")
        #expect(
            error.violations == [
                Violation(
                    parameter: "prompt", value: #"" ""#, allowed: "1–100 characters", reason: "the prompt is empty"),
                Violation(parameter: "seconds", value: "31", allowed: "6–30 s"),
                Violation(parameter: "aspect-ratio", value: "4:3", allowed: "16:9, 9:16, 1:1"),
                Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p"),
                Violation(parameter: "images", value: "4 images", allowed: "at most 3"),
                Violation(
                    parameter: "images[1]", value: "1 byte of unknown format", allowed: "jpeg, png, webp",
                    reason: "not a jpeg, png or webp image"),
                Violation(
                    parameter: "vendor-options.aspect_ratio", value: #""1:1""#,
                    allowed: "any field but " + RequestValidator.reservedFieldNames.sorted().joined(separator: ", "),
                    reason: "the library sets 'aspect_ratio' itself; use the typed parameter"),
                Violation(
                    parameter: "vendor-options.seconds", value: "5",
                    allowed: "any field but " + RequestValidator.reservedFieldNames.sorted().joined(separator: ", "),
                    reason: "the library sets 'seconds' itself; use the typed parameter"),
            ])
        #expect(
            error.message
                == "Invalid request for test-model on test: 8 problems: prompt, seconds, aspect-ratio, resolution, "
                + "images, images[1], vendor-options.aspect_ratio, vendor-options.seconds.")
    }

    @Test func oneViolationIsSpelledOut() throws {
        let error = try #require(
            CoreSamples.error(VideoRequest(model: "test-model", prompt: "Rain", seconds: 2), provider: nil))
        #expect(error.providerID == nil)
        #expect(error.message == "Invalid request for test-model: seconds = 2 is not allowed; allowed: 6–30 s.")
    }

    @Test func reservedNamesAreTheFieldsDialectsSet() {
        #expect(
            RequestValidator.reservedFieldNames.sorted() == [
                "aspect_ratio", "duration", "image", "image_urls", "images", "input_reference", "model", "prompt",
                "reference_images", "resolution", "seconds", "size",
            ])
        let resolved = try? CoreSamples.resolve(
            VideoRequest(model: "test-model", prompt: "Rain", vendorOptions: ["watermark": false, "seed": 7]))
        #expect(resolved?.vendorOptions == ["watermark": false, "seed": 7])
    }

    @Test func promptLimitCountsUnicodeScalars() throws {
        // "é" as e + combining accent is one Character but two scalars.
        let hundredScalars = String(repeating: "e\u{301}", count: 50)
        #expect(hundredScalars.count == 50)
        #expect(throws: Never.self) {
            try CoreSamples.resolve(VideoRequest(model: "test-model", prompt: hundredScalars))
        }
        let error = try #require(CoreSamples.error(VideoRequest(model: "test-model", prompt: hundredScalars + "x")))
        #expect(
            error.violations == [
                Violation(parameter: "prompt", value: "101 characters", allowed: "at most 100 characters")
            ])
    }

    @Test func minimumWithoutDefaultRequiresALength() throws {
        let capabilities = CoreSamples.capabilities(duration: .minimum(min: 1, max: nil, default: nil))
        let error = try #require(CoreSamples.error(VideoRequest(model: "test-model", prompt: "Rain"), capabilities))
        #expect(
            error.violations == [
                Violation(
                    parameter: "seconds", value: "(none)", allowed: "≥ 1 s",
                    reason: "test-model has no default length; choose one")
            ])
        #expect(
            try CoreSamples.resolve(VideoRequest(model: "test-model", prompt: "R", seconds: 600), capabilities).seconds
                == 600)
    }

    // MARK: Policies

    @Test func adjustToNearestWarnsForEachChangeInRequestOrder() throws {
        let resolved = try CoreSamples.resolve(
            VideoRequest(model: "test-model", prompt: "Rain", seconds: 45, aspectRatio: "2:1", resolution: .p1080),
            policy: .adjustToNearest)
        #expect(resolved.seconds == 30)
        #expect(resolved.aspectRatio == "16:9")
        #expect(resolved.resolution == .p720)
        #expect(
            resolved.warnings == [
                ValidationWarning(
                    kind: .adjusted, parameter: "seconds", requested: "45", applied: "30",
                    message: "seconds 45 adjusted to 30: test-model allows 6–30 s."),
                ValidationWarning(
                    kind: .adjusted, parameter: "aspect-ratio", requested: "2:1", applied: "16:9",
                    message: "aspect ratio 2:1 adjusted to 16:9: test-model allows 16:9, 9:16, 1:1."),
                ValidationWarning(
                    kind: .adjusted, parameter: "resolution", requested: "1080p", applied: "720p",
                    message: "resolution 1080p adjusted to 720p: test-model allows 480p, 720p."),
            ])
        #expect(resolved.warnings.map(\.description) == resolved.warnings.map(\.message))
    }

    @Test(arguments: [0, -5])
    func adjustToNearestStillRefusesNonPositiveLengths(seconds: Int) throws {
        let error = try #require(
            CoreSamples.error(
                VideoRequest(model: "test-model", prompt: "Rain", seconds: seconds), policy: .adjustToNearest))
        #expect(error.violations == [Violation(parameter: "seconds", value: "\(seconds)", allowed: "6–30 s")])
    }

    @Test func strictRefusesWhatAdjustWouldChange() throws {
        let error = try #require(
            CoreSamples.error(VideoRequest(model: "test-model", prompt: "Rain", seconds: 45), policy: .strict))
        #expect(error.violations.map(\.parameter) == ["seconds"])
        #expect(ValidationPolicy.adjustToNearest.rawValue == "adjust")
    }

    @Test func customRatiosPassAsGiven() throws {
        let resolved = try CoreSamples.resolve(
            VideoRequest(model: "test-model", prompt: "Rain", aspectRatio: "19.5:9"),
            CoreSamples.capabilities(custom: true))
        #expect(resolved.aspectRatio.rawValue == "19.5:9")
        let error = try #require(
            CoreSamples.error(
                VideoRequest(model: "test-model", prompt: "Rain", aspectRatio: "4:3"),
                CoreSamples.capabilities(custom: false)))
        #expect(error.violations.first?.allowed == "16:9, 9:16, 1:1")
    }

    @Test func aResolutionTheModelCannotChooseIsRefusedStrictlyAndDroppedWhenAdjusting() throws {
        let capabilities = CoreSamples.capabilities(resolutions: nil)
        let request = VideoRequest(model: "test-model", prompt: "Rain", resolution: .p1080)
        let error = try #require(CoreSamples.error(request, capabilities))
        #expect(
            error.violations == [
                Violation(
                    parameter: "resolution", value: "1080p", allowed: "none",
                    reason: "test-model does not let the caller choose a resolution")
            ])
        let adjusted = try CoreSamples.resolve(request, capabilities, policy: .adjustToNearest)
        #expect(adjusted.resolution == nil)
        #expect(
            adjusted.warnings == [
                ValidationWarning(
                    kind: .ignored, parameter: "resolution", requested: "1080p", applied: nil,
                    message: "resolution 1080p ignored: test-model does not let the caller choose a resolution.")
            ])
        #expect(try CoreSamples.resolve(VideoRequest(model: "test-model", prompt: "Rain"), capabilities).warnings == [])
    }

    // MARK: Images

    @Test func bytesBecomeADataURIWithTheSniffedFormat() throws {
        let resolved = try CoreSamples.resolve(
            VideoRequest(
                model: "test-model", prompt: "Rain",
                images: [.data(CoreSamples.png), .data(CoreSamples.jpeg, format: .jpeg), .data(CoreSamples.webp)]))
        #expect(
            resolved.images == [
                .dataURI(.bytes(CoreSamples.png), .png), .dataURI(.bytes(CoreSamples.jpeg), .jpeg),
                .dataURI(.bytes(CoreSamples.webp), .webp),
            ])
        #expect(resolved.images.map(\.transport) == [.dataURI, .dataURI, .dataURI])
        #expect(resolved.warnings == [])
    }

    @Test func bytesBecomeAnUploadNamedAfterTheirPosition() throws {
        let resolved = try CoreSamples.resolve(
            VideoRequest(
                model: "test-model", prompt: "Rain", images: [.data(CoreSamples.jpeg), .data(CoreSamples.png)]),
            CoreSamples.capabilities(transports: [.multipartFile]))
        #expect(
            resolved.images == [
                .upload(.bytes(CoreSamples.jpeg), .jpeg, filename: "image-1.jpg"),
                .upload(.bytes(CoreSamples.png), .png, filename: "image-2.png"),
            ])
    }

    @Test func aDataURIConvertedToAnUploadIsReported() throws {
        let uri = URL(string: "data:image/png;base64," + CoreSamples.pngBase64)!
        let resolved = try CoreSamples.resolve(
            VideoRequest(model: "test-model", prompt: "Rain", images: [.url(uri)]),
            CoreSamples.capabilities(transports: [.multipartFile]))
        #expect(resolved.images == [.upload(.bytes(CoreSamples.png), .png, filename: "image-1.png")])
        #expect(
            resolved.warnings == [
                ValidationWarning(
                    kind: .converted, parameter: "images[0]", requested: "data-uri", applied: "multipart-file",
                    message: "images[0] sent as multipart-file (given as data-uri): test-model takes multipart-file.")
            ])
    }

    @Test func publicURLsNeedAModelThatFetchesThem() throws {
        let url = URL(string: "https://example.com/a.png")!
        #expect(
            try CoreSamples.resolve(
                VideoRequest(model: "test-model", prompt: "R", images: [.url(url)]),
                CoreSamples.capabilities(transports: [.publicURL])
            ).images == [.publicURL(url)])
        let error = try #require(
            CoreSamples.error(VideoRequest(model: "test-model", prompt: "R", images: [.url(url)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "https://example.com/a.png", allowed: "data-uri",
                    reason: "test-model does not fetch public URLs; pass the image as bytes or a file")
            ])
    }

    @Test func bytesForAPublicURLOnlyModelAreRefused() throws {
        let error = try #require(
            CoreSamples.error(
                VideoRequest(model: "test-model", prompt: "R", images: [.data(CoreSamples.png)]),
                CoreSamples.capabilities(transports: [.publicURL])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "70 bytes", allowed: "public-url",
                    reason: "test-model only takes public URLs; host the image and pass its https URL")
            ])
    }

    @Test func aFormatTheModelDoesNotTakeIsRefused() throws {
        let error = try #require(
            CoreSamples.error(
                VideoRequest(model: "test-model", prompt: "R", images: [.data(CoreSamples.webp)]),
                CoreSamples.capabilities(formats: [.jpeg, .png])))
        #expect(error.violations == [Violation(parameter: "images[0]", value: "webp image", allowed: "jpeg, png")])
    }

    @Test(arguments: [
        "ftp://example.com/a.png", "mailto:someone@example.com", "https:///nohost.png", "about:blank",
    ])
    func unsupportedURLs(text: String) throws {
        let url = try #require(URL(string: text))
        let error = try #require(CoreSamples.error(VideoRequest(model: "test-model", prompt: "R", images: [.url(url)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: text, allowed: "an http(s) URL, a data: URI, bytes or a local file",
                    reason: "unsupported URL scheme")
            ])
    }

    // MARK: Data URIs

    @Test(arguments: [
        "data:image/png;base64,", "DATA:image/png;BASE64,", "data:;base64,", "data:image/png;charset=x;base64,",
    ])
    func dataURIsDecode(prefix: String) throws {
        let url = try #require(URL(string: prefix + CoreSamples.pngBase64))
        let resolved = try CoreSamples.resolve(VideoRequest(model: "test-model", prompt: "R", images: [.url(url)]))
        #expect(resolved.images == [.dataURI(.bytes(CoreSamples.png), .png)])
    }

    @Test(arguments: [
        "data:image/png,iVBORw0KGgo", "data:image/png;base64,", "data:image/png;base64,!!!!", "data:image/png;base64",
        "data:", "data:image/png;utf8,abc",
    ])
    func malformedDataURIs(text: String) throws {
        let url = try #require(URL(string: text))
        let error = try #require(CoreSamples.error(VideoRequest(model: "test-model", prompt: "R", images: [.url(url)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: text, allowed: "data:image/(jpeg|png|webp);base64,…",
                    reason: "malformed data URI")
            ])
    }

    @Test func aLongMalformedDataURIIsAbbreviated() throws {
        let text = "data:image/png;utf8," + String(repeating: "A", count: 200)
        let error = try #require(
            CoreSamples.error(VideoRequest(model: "test-model", prompt: "R", images: [.url(URL(string: text)!)])))
        #expect(error.violations.first?.value == String(text.prefix(60)) + "…(220 characters)")
    }

    @Test func aDataURIWhoseTypeDisagreesWithItsBytesIsRefused() throws {
        let url = URL(string: "data:image/jpeg;base64," + CoreSamples.pngBase64)!
        let error = try #require(CoreSamples.error(VideoRequest(model: "test-model", prompt: "R", images: [.url(url)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "70 bytes declared jpeg", allowed: "jpeg, png, webp",
                    reason: "the bytes are png, not jpeg")
            ])
    }

    // MARK: Files

    @Test func filesAreCheckedNowAndReadOnlyWhenTheBodyIsWritten() throws {
        let directory = try CoreSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("photo.png")
        try CoreSamples.png.write(to: file)
        let resolved = try CoreSamples.resolve(
            VideoRequest(model: "test-model", prompt: "R", images: [.file(file)]),
            CoreSamples.capabilities(transports: [.multipartFile]))
        #expect(resolved.images == [.upload(.file(file, byteCount: 70), .png, filename: "photo.png")])

        // The payload is a reference: the bytes sent are the file's at write time.
        var json = JSONBody()
        json["image"] = .dataURI(.file(file, byteCount: 70), .png)
        var replaced = CoreSamples.png
        replaced[69] = 0x00
        try replaced.write(to: file)
        let body = String(decoding: try json.httpBody.collect(), as: UTF8.self)
        #expect(body == #"{"image":"data:image/png;base64,"# + replaced.base64EncodedString() + #""}"#)

        // A file that shrank since validation is an error, not a silently short request.
        try CoreSamples.png.prefix(40).write(to: file)
        #expect(throws: (any Error).self) { try json.httpBody.collect() }
    }

    @Test func fileURLsAreFiles() throws {
        let directory = try CoreSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("still.jpg")
        try CoreSamples.jpeg.write(to: file)
        let resolved = try CoreSamples.resolve(VideoRequest(model: "test-model", prompt: "R", images: [.url(file)]))
        #expect(resolved.images == [.dataURI(.file(file, byteCount: 12), .jpeg)])
        // Inlined into the body: reported, as a data URI uploaded as a file part is.
        #expect(
            resolved.warnings == [
                ValidationWarning(
                    kind: .converted, parameter: "images[0]", requested: "file", applied: "data-uri",
                    message: "images[0] sent as data-uri (given as file): test-model takes data-uri.")
            ])
    }

    @Test func bytesAndUploadedFilesNeedNoConversionWarning() throws {
        let directory = try CoreSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("still.jpg")
        try CoreSamples.jpeg.write(to: file)
        let bytes = VideoRequest(model: "test-model", prompt: "R", images: [.data(CoreSamples.png, format: .png)])
        #expect(try CoreSamples.resolve(bytes).warnings == [])
        let upload = VideoRequest(model: "test-model", prompt: "R", images: [.file(file)])
        #expect(try CoreSamples.resolve(upload, CoreSamples.capabilities(transports: [.multipartFile])).warnings == [])
    }

    @Test func unreadableAndForeignFiles() throws {
        let directory = try CoreSamples.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = directory.appendingPathComponent("notes.png")
        try Data("just text".utf8).write(to: text)
        let missing = directory.appendingPathComponent("missing.png")
        let error = try #require(
            CoreSamples.error(VideoRequest(model: "test-model", prompt: "R", images: [.file(missing), .file(text)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: missing.path, allowed: "a readable jpeg, png or webp file",
                    reason: "cannot open the file: No such file or directory (ENOENT)"),
                Violation(
                    parameter: "images[1]", value: "9 bytes of unknown format", allowed: "jpeg, png, webp",
                    reason: "not a jpeg, png or webp image"),
            ])
    }

    // MARK: Descriptors

    @Test func descriptorsResolveNativeNamesAndAliases() throws {
        var native = CoreSamples.capabilities()
        native.model = "grok_video3"
        let descriptor = ProviderDescriptor(
            id: "gw", name: "Gateway", defaultBaseURL: URL(string: "https://gw.example.com"), models: [native])
        #expect(
            try RequestValidator.resolve(VideoRequest(model: "grok-video-3", prompt: "R"), on: descriptor).model
                == "grok_video3")
        let error = #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(VideoRequest(model: "grok-video-3-pro", prompt: "R"), on: descriptor)
        }
        #expect(error?.kind == .unknownModel)
        #expect(error?.message == "Gateway has no model 'grok-video-3-pro'.")
        #expect(error?.violations == [Violation(parameter: "model", value: "grok-video-3-pro", allowed: "grok_video3")])
    }
}
