import Foundation
import Testing
import VideoProviderKit
import XAIProvider
import XAIVideoDialect

/// Every class of invalid request is refused before anything is sent, with a typed error whose violations
/// name the parameter, the value given and what is allowed.
@Suite struct XAIValidationTests {
    @Test(arguments: [0, 16, 30, -1])
    func durationOutsideOneToFifteen(seconds: Int) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-imagine-video", prompt: "Rain", seconds: seconds)))
        #expect(error.kind == .invalidRequest)
        #expect(error.providerID == "xai")
        #expect(error.model == "grok-imagine-video")
        #expect(error.violations == [Violation(parameter: "seconds", value: "\(seconds)", allowed: "1–15 s")])
        #expect(error.message == "Invalid request for grok-imagine-video on xai: \(error.violations[0]).")
    }

    @Test(arguments: [1, 15])
    func durationBoundsAreAccepted(seconds: Int) throws {
        #expect(
            try Fixture.resolve(VideoRequest(model: "grok-imagine-video", prompt: "Rain", seconds: seconds)).seconds
                == seconds)
    }

    @Test(arguments: ["21:9", "2:1", "19.5:9", "16:10"])
    func unknownAspectRatio(ratio: String) throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: "grok-imagine-video", prompt: "Rain", aspectRatio: AspectRatio(rawValue: ratio))))
        #expect(
            error.violations == [
                Violation(parameter: "aspect-ratio", value: ratio, allowed: "1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3")
            ])
    }

    @Test(arguments: ["grok-imagine-video", "grok-imagine-video-1.5"])
    func resolution1080pIsRefused(model: String) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: model, prompt: "Rain", resolution: .p1080)))
        #expect(error.violations == [Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p")])
    }

    @Test func eightImagesAreTooMany() throws {
        let images = (1...8).map { ImageInput.url(URL(string: "https://example.com/\($0).jpg")!) }
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-imagine-video", prompt: "Rain", images: images)))
        #expect(error.violations == [Violation(parameter: "images", value: "8 images", allowed: "at most 7")])
    }

    @Test func webpIsAccepted() throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain", images: [.data(Fixture.webpBytes)]))
        #expect(resolved.images == [.dataURI(.bytes(Fixture.webpBytes), .webp)])
        #expect(resolved.warnings == [])
    }

    @Test func gifIsRefused() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: "grok-imagine-video", prompt: "Rain", images: [.data(Fixture.gifBytes)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "12 bytes of unknown format", allowed: "jpeg, png, webp",
                    reason: "not a jpeg, png or webp image")
            ])
    }

    @Test func declaredFormatMustMatchTheBytes() throws {
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

    @Test func unsupportedURLSchemeIsRefused() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok-imagine-video", prompt: "Rain", images: [.url(URL(string: "ftp://example.com/a.png")!)]
                )))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "ftp://example.com/a.png",
                    allowed: "an http(s) URL, a data: URI, bytes or a local file", reason: "unsupported URL scheme")
            ])
    }

    @Test func missingFileIsRefused() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/xai-\(UUID().uuidString).png")
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-imagine-video", prompt: "Rain", images: [.file(missing)]))
        )
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: missing.path, allowed: "a readable jpeg, png or webp file",
                    reason: "cannot open the file: No such file or directory (ENOENT)")
            ])
    }

    @Test(arguments: ["", "   ", "\n\t"])
    func emptyPrompt(prompt: String) throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: "grok-imagine-video", prompt: prompt)))
        #expect(
            error.violations == [
                Violation(
                    parameter: "prompt", value: "\"\(prompt)\"", allowed: "1–4096 characters",
                    reason: "the prompt is empty")
            ])
    }

    @Test func promptOneScalarTooLong() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: "grok-imagine-video", prompt: String(repeating: "a", count: 4097))))
        #expect(
            error.violations == [
                Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")
            ])
        // The limit counts Unicode scalars: 4096 emoji (16 384 UTF-8 bytes) still fit.
        #expect(throws: Never.self) {
            try Fixture.resolve(VideoRequest(model: "grok-imagine-video", prompt: String(repeating: "🐱", count: 4096)))
        }
    }

    @Test func unknownModel() throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: "grok-video-3", prompt: "Rain")))
        #expect(error.kind == .unknownModel)
        #expect(error.providerID == "xai")
        #expect(
            error.violations == [
                Violation(
                    parameter: "model", value: "grok-video-3", allowed: "grok-imagine-video, grok-imagine-video-1.5")
            ])
    }

    @Test(arguments: ["image", "reference_images", "duration", "resolution"])
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
                    model: "grok-imagine-video-1.5", prompt: "", seconds: 20, aspectRatio: "21:9", resolution: .p1080,
                    images: [.data(Fixture.gifBytes), .url(URL(string: "https://example.com/ok.png")!)],
                    vendorOptions: ["image": "x"])))
        #expect(error.kind == .invalidRequest)
        #expect(
            error.violations.map(\.parameter) == [
                "prompt", "seconds", "aspect-ratio", "resolution", "images[0]", "vendor-options.image",
            ])
        #expect(
            error.message == "Invalid request for grok-imagine-video-1.5 on xai: 6 problems: "
                + "prompt, seconds, aspect-ratio, resolution, images[0], vendor-options.image.")
    }

    @Test(arguments: [(16, 15), (90, 15)])
    func adjustToNearestClampsIntoTheRange(requested: Int, applied: Int) throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain", seconds: requested), policy: .adjustToNearest)
        #expect(resolved.seconds == applied)
        #expect(
            resolved.warnings == [
                ValidationWarning(
                    kind: .adjusted, parameter: "seconds", requested: "\(requested)", applied: "\(applied)",
                    message: "seconds \(requested) adjusted to \(applied): grok-imagine-video allows 1–15 s.")
            ])
    }

    @Test func adjustToNearestSnapsRatioAndResolution() throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain", aspectRatio: "21:9", resolution: .p1080),
            policy: .adjustToNearest)
        #expect(resolved.aspectRatio == "16:9")
        #expect(resolved.resolution == .p720)
        #expect(resolved.warnings.map(\.parameter) == ["aspect-ratio", "resolution"])
        #expect(resolved.warnings.map(\.applied) == ["16:9", "720p"])
        #expect(resolved.warnings.allSatisfy { $0.kind == .adjusted })
    }

    @Test func adjustToNearestNeverFixesImagesOrPrompts() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: "grok-imagine-video", prompt: " ", images: [.data(Fixture.gifBytes)]),
                policy: .adjustToNearest))
        #expect(error.violations.map(\.parameter) == ["prompt", "images[0]"])
    }

    @Test func billableEstimateIsPerSecond() throws {
        #expect(
            try Fixture.resolve(VideoRequest(model: "grok-imagine-video", prompt: "Rain")).billableEstimate
                == .seconds(8))
    }
}
