import DuoyuanxProvider
import Foundation
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Every class of invalid request is refused before anything is sent, with a typed error whose
/// violations name the parameter, the value given and what is allowed.
@Suite struct DuoyuanxValidationTests {
    static let allModels = "grok-imagine-video, grok-video-1.5, grok-video-3, grok-video-3-pro, grok-video-3-max"

    /// The three rule kinds this table uses: minimum (with an assumed maximum), range and fixed.
    @Test(arguments: [
        ("grok-imagine-video", 0, "1–15 s"), ("grok-imagine-video", 16, "1–15 s"), ("grok-video-1.5", 5, "6–30 s"),
        ("grok-video-3", 31, "6–30 s"), ("grok-video-3-pro", 8, "fixed 10 s (field omitted)"),
        ("grok-video-3-max", 10, "fixed 15 s (field omitted)"),
    ])
    func badDuration(model: String, seconds: Int, allowed: String) throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: model, prompt: "Rain", seconds: seconds)))
        #expect(error.kind == .invalidRequest)
        #expect(error.providerID == "duoyuanx")
        #expect(error.model == model)
        #expect(error.violations == [Violation(parameter: "seconds", value: "\(seconds)", allowed: allowed)])
    }

    @Test func customRatiosOnlyWhereAllowed() throws {
        let custom = try #require(AspectRatio(rawValue: "21:9"))
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain", aspectRatio: custom))
        #expect(resolved.aspectRatio == custom)
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-video-3", prompt: "Rain", aspectRatio: custom)))
        #expect(
            error.violations == [
                Violation(parameter: "aspect-ratio", value: "21:9", allowed: "16:9, 9:16, 2:3, 3:2, 1:1")
            ])
    }

    @Test(arguments: ["4:3", "19.5:9"])
    func presetOfOneModelIsRefusedByTheFamily(ratio: String) throws {
        let aspectRatio = try #require(AspectRatio(rawValue: ratio))
        #expect(throws: Never.self) {
            try Fixture.resolve(VideoRequest(model: "grok-imagine-video", prompt: "Rain", aspectRatio: aspectRatio))
        }
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok-video-1.5", prompt: "Rain", aspectRatio: aspectRatio)))
        #expect(error.violations.map(\.parameter) == ["aspect-ratio"])
        #expect(error.violations.first?.value == ratio)
    }

    @Test(arguments: [
        ("grok-imagine-video", "1080p", "480p, 720p"), ("grok-imagine-video", "540p", "480p, 720p"),
        ("grok-video-3", "360p", "480p, 540p, 720p, 1080p"), ("grok-video-3-max", "2160p", "480p, 540p, 720p, 1080p"),
    ])
    func unsupportedResolution(model: String, text: String, allowed: String) throws {
        let resolution = try #require(Resolution(parsing: text))
        let error = try #require(
            Fixture.validationError(VideoRequest(model: model, prompt: "Rain", resolution: resolution)))
        #expect(error.violations == [Violation(parameter: "resolution", value: text, allowed: allowed)])
    }

    @Test(arguments: ["grok-imagine-video", "grok-video-3-pro"])
    func tooManyImages(model: String) throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: model, prompt: "Rain", images: Array(repeating: .data(Fixture.pngBytes), count: 8)))
        )
        #expect(error.violations == [Violation(parameter: "images", value: "8 images", allowed: "at most 7")])
    }

    /// Neither encoding takes a URL for the gateway to fetch; the allowed text names the model's transport.
    @Test(arguments: [("grok-imagine-video", "data-uri"), ("grok-video-1.5", "multipart-file")])
    func publicURLIsRefused(model: String, allowed: String) throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(model: model, prompt: "Rain", images: [.url(URL(string: "https://example.com/a.jpg")!)])))
        #expect(
            error.violations == [
                Violation(
                    parameter: "images[0]", value: "https://example.com/a.jpg", allowed: allowed,
                    reason: "\(model) does not fetch public URLs; pass the image as bytes or a file")
            ])
    }

    @Test(arguments: ["grok-imagine-video", "grok-video-3"])
    func emptyPrompt(model: String) throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: model, prompt: "\t")))
        #expect(
            error.violations == [
                Violation(
                    parameter: "prompt", value: "\"\t\"", allowed: "1–4096 characters", reason: "the prompt is empty")
            ])
    }

    @Test(arguments: ["grok-imagine-video", "grok-video-1.5"])
    func promptOneCharacterTooLong(model: String) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: model, prompt: String(repeating: "x", count: 4097))))
        #expect(
            error.violations == [
                Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")
            ])
    }

    @Test(arguments: ["grok_video3_stable", "grok-video-2", "sora-2"])
    func unknownModel(name: String) throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: name, prompt: "Rain")))
        #expect(error.kind == .unknownModel)
        #expect(error.providerID == "duoyuanx")
        #expect(error.violations == [Violation(parameter: "model", value: name, allowed: Self.allModels)])
    }

    @Test func everyViolationIsReportedAtOnce() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok-video-3-max", prompt: "", seconds: 6, aspectRatio: "4:3", resolution: .p1080,
                    images: [.url(URL(string: "https://example.com/a.jpg")!), .data(Data("nope".utf8))],
                    vendorOptions: ["size": "1080P"])))
        #expect(
            error.violations.map(\.parameter) == [
                "prompt", "seconds", "aspect-ratio", "images[0]", "images[1]", "vendor-options.size",
            ])
        #expect(error.message.contains("6 problems"))
    }
}
