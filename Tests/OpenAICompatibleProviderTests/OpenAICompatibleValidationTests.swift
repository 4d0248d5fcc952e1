import Foundation
import OpenAICompatibleProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Every class of invalid request is refused before anything is sent, with a typed error whose
/// violations name the parameter, the value given and what is allowed.
@Suite struct OpenAICompatibleValidationTests {
    /// The `.minimum(1, max: 15)` rule: below the documented minimum and above the assumed maximum.
    @Test(arguments: [0, -3, 16, 60])
    func durationOutsideTheMinimumRule(seconds: Int) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-imagine-video", prompt: "Rain", seconds: seconds)))
        #expect(error.kind == .invalidRequest)
        #expect(error.providerID == "openai-compatible")
        #expect(error.model == "grok-imagine-video")
        #expect(error.violations == [Violation(parameter: "seconds", value: "\(seconds)", allowed: "1–15 s")])
    }

    @Test(arguments: [1, 15])
    func durationAtTheBounds(seconds: Int) throws {
        #expect(
            try Fixture.resolve(VideoRequest(model: "grok-imagine-video", prompt: "Rain", seconds: seconds)).seconds
                == seconds)
    }

    /// Custom `W:H` ratios are allowed ("as well as custom number:number ratios"), so no well-formed ratio
    /// is refused; malformed ones cannot even be written as an `AspectRatio`.
    @Test(arguments: ["21:9", "7:5", "2.39:1", "1:3"])
    func customRatiosAreAccepted(ratio: String) throws {
        let aspectRatio = try #require(AspectRatio(rawValue: ratio))
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain", aspectRatio: aspectRatio))
        #expect(resolved.aspectRatio.rawValue == ratio)
        #expect(resolved.warnings.isEmpty)
    }

    @Test(arguments: ["16-9", "16:", ":9", "0:1", "a:b"])
    func malformedRatiosCannotBeWritten(ratio: String) {
        #expect(AspectRatio(rawValue: ratio) == nil)
    }

    @Test(arguments: [("1080p", Resolution.p1080), ("540p", Resolution.p540)])
    func unsupportedResolution(text: String, resolution: Resolution) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-imagine-video", prompt: "Rain", resolution: resolution)))
        #expect(error.violations == [Violation(parameter: "resolution", value: text, allowed: "480p, 720p")])
    }

    @Test func tooManyImages() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok-imagine-video", prompt: "Rain",
                    images: Array(repeating: .data(Fixture.pngBytes), count: 8))))
        #expect(error.violations == [Violation(parameter: "images", value: "8 images", allowed: "at most 7")])
    }

    /// A public URL is refused: the gateway takes data URIs only, and the library never fetches an image
    /// on the user's behalf.
    @Test func publicURLIsRefused() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok-imagine-video", prompt: "Rain",
                    images: [.data(Fixture.pngBytes), .url(URL(string: "https://example.com/cat.png")!)])))
        #expect(error.kind == .invalidRequest)
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[1]", value: "https://example.com/cat.png", allowed: "data-uri",
                    reason: "grok-imagine-video does not fetch public URLs; pass the image as bytes or a file")
            ])
    }

    @Test func bytesThatAreNotAnImageAreRefused() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: "grok-imagine-video", prompt: "Rain", images: [.data(Data("GIF89a-no".utf8))])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "9 bytes of unknown format", allowed: "jpeg, png, webp",
                    reason: "not a jpeg, png or webp image")
            ])
    }

    @Test func aDeclaredFormatMustMatchTheBytes() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok-imagine-video", prompt: "Rain", images: [.data(Fixture.pngBytes, format: .jpeg)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "70 bytes declared jpeg", allowed: "jpeg, png, webp",
                    reason: "the bytes are png, not jpeg")
            ])
    }

    @Test func malformedDataURI() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok-imagine-video", prompt: "Rain", images: [.url(URL(string: "data:image/png,abc")!)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "data:image/png,abc", allowed: "data:image/(jpeg|png|webp);base64,…",
                    reason: "malformed data URI")
            ])
    }

    @Test func emptyPrompt() throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: "grok-imagine-video", prompt: "\n ")))
        #expect(
            error.violations == [
                Violation(
                    parameter: "prompt", value: "\"\n \"", allowed: "1–4096 characters", reason: "the prompt is empty")
            ])
    }

    /// "Up to 4096 characters", counted in Unicode scalars: an emoji is one.
    @Test func promptOneCharacterTooLong() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: "grok-imagine-video", prompt: String(repeating: "🐱", count: 4097))))
        #expect(
            error.violations == [
                Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")
            ])
        #expect(throws: Never.self) {
            try Fixture.resolve(VideoRequest(model: "grok-imagine-video", prompt: String(repeating: "🐱", count: 4096)))
        }
    }

    @Test func unknownModel() throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: "grok-video-3", prompt: "Rain")))
        #expect(error.kind == .unknownModel)
        #expect(error.providerID == "openai-compatible")
        #expect(
            error.violations == [Violation(parameter: "model", value: "grok-video-3", allowed: "grok-imagine-video")])
    }

    @Test(arguments: ["seconds", "image", "images", "resolution"])
    func reservedVendorOptionIsRefused(key: String) throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: "grok-imagine-video", prompt: "Rain", vendorOptions: [key: "x"])))
        #expect(error.violations.map(\.parameter) == ["vendor-options.\(key)"])
        #expect(error.violations.first?.value == #""x""#)
    }

    @Test func everyViolationIsReportedAtOnce() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok-imagine-video", prompt: "", seconds: 20, resolution: .p1080,
                    images: [.url(URL(string: "https://example.com/a.png")!)])))
        #expect(error.kind == .invalidRequest)
        #expect(error.violations.map(\.parameter) == ["prompt", "seconds", "resolution", "images[0]"])
        #expect(error.violations.map(\.value) == [#""""#, "20", "1080p", "https://example.com/a.png"])
        #expect(error.message.contains("4 problems"))
    }

    @Test(arguments: [(16, 15), (90, 15)])
    func adjustToNearestClampsToTheAssumedMaximum(requested: Int, applied: Int) throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain", seconds: requested), policy: .adjustToNearest)
        #expect(resolved.seconds == applied)
        #expect(
            resolved.warnings.map(\.message) == [
                "seconds \(requested) adjusted to \(applied): grok-imagine-video allows 1–15 s."
            ])
    }

    @Test func adjustToNearestSnapsTheResolution() throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain", resolution: .p1080), policy: .adjustToNearest)
        #expect(resolved.resolution == .p720)
        #expect(resolved.warnings.map(\.parameter) == ["resolution"])
    }
}
