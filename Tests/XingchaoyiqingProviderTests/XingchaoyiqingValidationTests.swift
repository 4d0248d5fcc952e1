import Foundation
import KyyReactDialect
import Testing
import VideoProviderKit
import XingchaoyiqingProvider

/// Every class of invalid request is refused before anything is sent, with a typed error whose
/// violations name the parameter, the value given and what is allowed.
@Suite struct XingchaoyiqingValidationTests {
    static let publicOnlyReason = "only takes public URLs"

    @Test(arguments: [5, 31])
    func durationOutsideTheRange(seconds: Int) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok_video3", prompt: "Rain", seconds: seconds)))
        #expect(error.kind == .invalidRequest)
        #expect(error.providerID == "xingchaoyiqing")
        #expect(error.model == "grok_video3")
        #expect(error.violations == [Violation(parameter: "seconds", value: "\(seconds)", allowed: "6–30 s")])
    }

    @Test func proRefusesAnyLengthButTen() throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok_video3_pro", prompt: "Rain", seconds: 8)))
        #expect(
            error.violations == [Violation(parameter: "seconds", value: "8", allowed: "fixed 10 s (field omitted)")])
    }

    @Test(arguments: [
        ("grok_video3_max", 7, "one of 6, 10, 12, 16, 20, 30 s"), ("grok_video3_stable", 8, "one of 6, 10 s"),
    ])
    func durationOutsideTheSet(model: String, seconds: Int, allowed: String) throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: model, prompt: "Rain", seconds: seconds)))
        #expect(error.kind == .invalidRequest)
        #expect(error.model == model)
        #expect(error.violations == [Violation(parameter: "seconds", value: "\(seconds)", allowed: allowed)])
    }

    @Test(arguments: [("grok_video3_pro", "9:16", "16:9"), ("grok_video3_max", "3:2", "16:9, 9:16, 1:1")])
    func unsupportedAspectRatio(model: String, ratio: String, allowed: String) throws {
        let aspectRatio = try #require(AspectRatio(rawValue: ratio))
        let error = try #require(
            Fixture.validationError(VideoRequest(model: model, prompt: "Rain", aspectRatio: aspectRatio)))
        #expect(error.violations == [Violation(parameter: "aspect-ratio", value: ratio, allowed: allowed)])
    }

    @Test(arguments: [
        ("grok_video3", "1080p", "480p, 720p"), ("grok_video3_pro", "480p", "720p"),
        ("grok_video3_stable", "1080p", "480p, 720p"),
    ])
    func unsupportedResolution(model: String, resolution: String, allowed: String) throws {
        let value = try #require(Resolution(parsing: resolution))
        let error = try #require(Fixture.validationError(VideoRequest(model: model, prompt: "Rain", resolution: value)))
        #expect(error.violations == [Violation(parameter: "resolution", value: resolution, allowed: allowed)])
    }

    @Test(arguments: [("grok_video3", 8, 7), ("grok_video3_max", 6, 5), ("grok_video3_stable", 8, 7)])
    func tooManyImages(model: String, count: Int, maximum: Int) throws {
        let images = (1...count).map { ImageInput.url(URL(string: "https://example.com/\($0).jpg")!) }
        let error = try #require(Fixture.validationError(VideoRequest(model: model, prompt: "Rain", images: images)))
        #expect(
            error.violations == [
                Violation(parameter: "images", value: "\(count) images", allowed: "at most \(maximum)")
            ])
    }

    @Test func fiveImagesFitOnMax() throws {
        let images = (1...5).map { ImageInput.url(URL(string: "https://example.com/\($0).jpg")!) }
        #expect(
            try Fixture.resolve(VideoRequest(model: "grok_video3_max", prompt: "Rain", images: images)).images.count
                == 5)
    }

    @Test(arguments: ["grok_video3_max", "grok_video3_stable"])
    func imageBytesAreRefusedByPublicURLOnlyModels(model: String) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: model, prompt: "Rain", images: [.data(Fixture.pngBytes)])))
        let violation = try #require(error.violations.first)
        #expect(error.violations.count == 1)
        #expect(violation.parameter == "images[0]")
        #expect(violation.value == "70 bytes")
        #expect(violation.allowed == "public-url")
        #expect(violation.reason?.contains(Self.publicOnlyReason) == true)
    }

    @Test(arguments: ["grok_video3_max", "grok_video3_stable"])
    func localFilesAreRefusedByPublicURLOnlyModels(model: String) throws {
        try Fixture.withTemporaryFile(named: "reference.png", containing: Fixture.pngBytes) { file in
            let error = try #require(
                Fixture.validationError(VideoRequest(model: model, prompt: "Rain", images: [.file(file)])))
            #expect(
                error.violations == [
                    Violation(
                        parameter: "images[0]", value: "file reference.png", allowed: "public-url",
                        reason: "\(model) only takes public URLs; host the image and pass its https URL")
                ])
        }
    }

    @Test func dataURIsAreRefusedByMax() throws {
        let dataURI = URL(string: "data:image/png;base64," + Fixture.pngBase64)!
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok_video3_max", prompt: "Rain", images: [.url(dataURI)])))
        #expect(error.violations.map(\.parameter) == ["images[0]"])
        #expect(error.violations.first?.allowed == "public-url")
    }

    @Test func bytesThatAreNotAnImageAreRefused() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok_video3", prompt: "Rain", images: [.data(Data("GIF89a-not-allowed".utf8))])))
        #expect(error.violations.first?.parameter == "images[0]")
        #expect(error.violations.first?.allowed == "jpeg, png, webp")
    }

    @Test func emptyPrompt() throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: "grok_video3_max", prompt: "")))
        #expect(
            error.violations == [
                Violation(
                    parameter: "prompt", value: "\"\"", allowed: "1–4096 characters", reason: "the prompt is empty")
            ])
    }

    @Test func promptOneCharacterTooLong() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok_video3_stable", prompt: String(repeating: "猫", count: 4097))))
        #expect(
            error.violations == [
                Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")
            ])
    }

    @Test func unknownModel() throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: "grok_video4", prompt: "Rain")))
        #expect(error.kind == .unknownModel)
        #expect(
            error.violations == [
                Violation(
                    parameter: "model", value: "grok_video4",
                    allowed: "grok_video3, grok_video3_pro, grok_video3_max, grok_video3_stable")
            ])
    }

    @Test func everyViolationIsReportedAtOnce() throws {
        let images =
            [ImageInput.data(Fixture.pngBytes)]
            + (1...5).map { ImageInput.url(URL(string: "https://example.com/\($0).jpg")!) }
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok_video3_max", prompt: "Rain", seconds: 7, aspectRatio: "3:2", resolution: .p1080,
                    images: images)))
        #expect(error.kind == .invalidRequest)
        #expect(error.violations.map(\.parameter) == ["seconds", "aspect-ratio", "resolution", "images", "images[0]"])
        #expect(error.violations.map(\.value) == ["7", "3:2", "1080p", "6 images", "70 bytes"])
    }

    /// `DurationRule.nearestAllowed` breaks ties toward the shorter (cheaper) length.
    @Test(arguments: [
        ("grok_video3_max", 7, 6), ("grok_video3_max", 8, 6), ("grok_video3_max", 11, 10), ("grok_video3_max", 25, 20),
        ("grok_video3_max", 45, 30), ("grok_video3_stable", 8, 6), ("grok_video3_stable", 9, 10),
        ("grok_video3_pro", 8, 10),
        ("grok_video3", 3, 6),
    ])
    func adjustToNearestSnapsTheLength(model: String, requested: Int, applied: Int) throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: model, prompt: "Rain", seconds: requested), policy: .adjustToNearest)
        #expect(resolved.seconds == applied)
        #expect(resolved.warnings.count == 1)
        let warning = try #require(resolved.warnings.first)
        #expect(warning.kind == .adjusted)
        #expect(warning.parameter == "seconds")
        #expect(warning.requested == "\(requested)")
        #expect(warning.applied == "\(applied)")
        #expect(warning.message.contains(model))
    }

    @Test func adjustedMaxRequestSendsTheSnappedLength() throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok_video3_max", prompt: "Rain", seconds: 7, aspectRatio: "3:2"),
            policy: .adjustToNearest)
        let body = String(
            decoding: try Fixture.provider.submitRequest(for: resolved, context: Fixture.context).body.collect(),
            as: UTF8.self)
        #expect(resolved.warnings.map(\.parameter) == ["seconds", "aspect-ratio"])
        #expect(
            body
                == #"{"model":"grok_video3_max","prompt":"Rain","duration":6,"aspect_ratio":"16:9","resolution":"720p"}"#
        )
    }

    @Test func adjustingNeverTouchesImages() throws {
        let images = (1...6).map { ImageInput.url(URL(string: "https://example.com/\($0).jpg")!) }
        #expect(throws: VideoProviderError.self) {
            try Fixture.resolve(
                VideoRequest(model: "grok_video3_max", prompt: "Rain", images: images), policy: .adjustToNearest)
        }
    }
}
