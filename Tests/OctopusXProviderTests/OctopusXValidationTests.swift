import Foundation
import OctopusXProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Every class of invalid request is refused before anything is sent, with a typed error whose
/// violations name the parameter, the value given and what is allowed.
@Suite struct OctopusXValidationTests {
    static let ratios = "16:9, 9:16, 2:3, 3:2, 1:1"

    @Test(arguments: [5, 31, 0])
    func durationOutsideTheRange(seconds: Int) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-video-3", prompt: "Rain", seconds: seconds)))
        #expect(error.kind == .invalidRequest)
        #expect(error.providerID == "octopusx")
        #expect(error.model == "grok-video-3")
        #expect(error.violations == [Violation(parameter: "seconds", value: "\(seconds)", allowed: "6–30 s")])
    }

    @Test(arguments: [6, 30])
    func durationAtTheRangeBounds(seconds: Int) throws {
        #expect(
            try Fixture.resolve(VideoRequest(model: "grok-video-3", prompt: "Rain", seconds: seconds)).seconds
                == seconds)
    }

    @Test(arguments: [("grok-video-3-pro", 8, 10), ("grok-video-3-pro", 15, 10), ("grok-video-3-max", 10, 15)])
    func fixedTiersRefuseAnyOtherLength(model: String, seconds: Int, fixed: Int) throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: model, prompt: "Rain", seconds: seconds)))
        #expect(error.model == model)
        #expect(
            error.violations == [
                Violation(parameter: "seconds", value: "\(seconds)", allowed: "fixed \(fixed) s (field omitted)")
            ])
    }

    @Test(arguments: [("grok-video-3", "4:3"), ("grok-video-3-pro", "21:9"), ("grok-video-3-max", "19.5:9")])
    func unsupportedAspectRatioAndNoCustomRatios(model: String, ratio: String) throws {
        let aspectRatio = try #require(AspectRatio(rawValue: ratio))
        let error = try #require(
            Fixture.validationError(VideoRequest(model: model, prompt: "Rain", aspectRatio: aspectRatio)))
        #expect(error.violations == [Violation(parameter: "aspect-ratio", value: ratio, allowed: Self.ratios)])
    }

    @Test(arguments: [("grok-video-3", Resolution.p480), ("grok-video-3-max", .p540)])
    func unsupportedResolution(model: String, resolution: Resolution) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: model, prompt: "Rain", resolution: resolution)))
        #expect(
            error.violations == [
                Violation(parameter: "resolution", value: resolution.rawValue, allowed: "720p, 1080p")
            ])
    }

    @Test(arguments: ["grok-video-3", "grok-video-3-pro"])
    func tooManyImages(model: String) throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: model, prompt: "Rain", images: Array(repeating: .data(Fixture.pngBytes), count: 8)))
        )
        #expect(error.violations == [Violation(parameter: "images", value: "8 images", allowed: "at most 7")])
    }

    /// The gateway takes uploaded files only, and the library never fetches a URL on the user's behalf.
    @Test(arguments: ["grok-video-3", "grok-video-3-pro", "grok-video-3-max"])
    func publicURLIsRefused(model: String) throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: model, prompt: "Rain", images: [.url(URL(string: "https://example.com/cat.png")!)]))
        )
        #expect(error.kind == .invalidRequest)
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "https://example.com/cat.png", allowed: "multipart-file",
                    reason: "\(model) does not fetch public URLs; pass the image as bytes or a file")
            ])
    }

    @Test func unsupportedURLScheme() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok-video-3", prompt: "Rain", images: [.url(URL(string: "ftp://example.com/cat.png")!)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "ftp://example.com/cat.png",
                    allowed: "an http(s) URL, a data: URI, bytes or a local file", reason: "unsupported URL scheme")
            ])
    }

    @Test func missingLocalFile() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/octopusx/ref.png")
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-video-3", prompt: "Rain", images: [.file(missing)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "/nonexistent/octopusx/ref.png",
                    allowed: "a readable jpeg, png or webp file",
                    reason: "cannot open the file: No such file or directory (ENOENT)")
            ])
    }

    @Test func bytesThatAreNotAnImageAreRefused() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: "grok-video-3", prompt: "Rain", images: [.data(Data("GIF89a-no".utf8))])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "9 bytes of unknown format", allowed: "jpeg, png, webp",
                    reason: "not a jpeg, png or webp image")
            ])
    }

    @Test func emptyPrompt() throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: "grok-video-3-pro", prompt: "")))
        #expect(
            error.violations == [
                Violation(
                    parameter: "prompt", value: #""""#, allowed: "1–4096 characters", reason: "the prompt is empty")
            ])
    }

    @Test func promptOneCharacterTooLong() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: "grok-video-3-max", prompt: String(repeating: "猫", count: 4097))))
        #expect(
            error.violations == [
                Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")
            ])
        #expect(throws: Never.self) {
            try Fixture.resolve(VideoRequest(model: "grok-video-3-max", prompt: String(repeating: "猫", count: 4096)))
        }
    }

    @Test(arguments: ["grok-imagine-video", "grok_video3_stable", "grok-video-1.5"])
    func unknownModel(name: String) throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: name, prompt: "Rain")))
        #expect(error.kind == .unknownModel)
        #expect(error.providerID == "octopusx")
        #expect(
            error.violations == [
                Violation(parameter: "model", value: name, allowed: "grok-video-3, grok-video-3-pro, grok-video-3-max")
            ])
    }

    @Test(arguments: ["seconds", "size", "input_reference", "aspect_ratio"])
    func reservedVendorOptionIsRefused(key: String) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-video-3", prompt: "Rain", vendorOptions: [key: 1])))
        #expect(error.violations.map(\.parameter) == ["vendor-options.\(key)"])
    }

    @Test func everyViolationIsReportedAtOnce() throws {
        let images =
            [ImageInput.url(URL(string: "https://example.com/a.png")!)]
            + Array(repeating: .data(Fixture.pngBytes), count: 7)
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok-video-3-pro", prompt: " ", seconds: 6, aspectRatio: "4:3", resolution: .p480,
                    images: images)))
        #expect(error.kind == .invalidRequest)
        #expect(
            error.violations.map(\.parameter) == [
                "prompt", "seconds", "aspect-ratio", "resolution", "images", "images[0]",
            ])
        #expect(
            error.violations.map(\.value) == [#"" ""#, "6", "4:3", "480p", "8 images", "https://example.com/a.png"])
        #expect(error.message.contains("6 problems"))
    }

    @Test(arguments: [
        ("grok-video-3", 3, 6), ("grok-video-3", 45, 30), ("grok-video-3-pro", 6, 10), ("grok-video-3-max", 30, 15),
    ])
    func adjustToNearestSnapsTheLength(model: String, requested: Int, applied: Int) throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: model, prompt: "Rain", seconds: requested), policy: .adjustToNearest)
        #expect(resolved.seconds == applied)
        #expect(resolved.warnings.map(\.parameter) == ["seconds"])
        #expect(resolved.warnings.first?.applied == "\(applied)")
    }

    @Test func adjustToNearestSnapsRatioAndSize() throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok-video-3", prompt: "Rain", aspectRatio: "4:3", resolution: .p480),
            policy: .adjustToNearest)
        #expect(resolved.aspectRatio == "3:2")
        #expect(resolved.resolution == .p720)
        #expect(resolved.warnings.map(\.parameter) == ["aspect-ratio", "resolution"])
    }
}
