import AizfwProvider
import Foundation
import KyyReactDialect
import Testing
import VideoProviderKit

/// Every class of invalid request is refused before anything is sent, with a typed error whose
/// violations name the parameter, the value given and what is allowed.
@Suite struct AizfwValidationTests {
    @Test(arguments: [5, 31])
    func durationOutsideTheRange(seconds: Int) throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok_video3", prompt: "Rain", seconds: seconds)))
        #expect(error.kind == .invalidRequest)
        #expect(error.providerID == "aizfw")
        #expect(error.model == "grok_video3")
        #expect(error.violations == [Violation(parameter: "seconds", value: "\(seconds)", allowed: "6–30 s")])
    }

    @Test func proRefusesAnyLengthButTen() throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok_video3_pro", prompt: "Rain", seconds: 8)))
        #expect(error.kind == .invalidRequest)
        #expect(
            error.violations == [Violation(parameter: "seconds", value: "8", allowed: "fixed 10 s (field omitted)")])
    }

    @Test func proAcceptsTenAndStillOmitsIt() throws {
        let (_, body) = try Fixture.submit(VideoRequest(model: "grok_video3_pro", prompt: "Rain", seconds: 10))
        #expect(body == #"{"model":"grok_video3_pro","prompt":"Rain","aspect_ratio":"16:9"}"#)
    }

    @Test func unsupportedAspectRatio() throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok_video3", prompt: "Rain", aspectRatio: "4:3")))
        #expect(
            error.violations == [
                Violation(parameter: "aspect-ratio", value: "4:3", allowed: "16:9, 9:16, 1:1, 3:2, 2:3")
            ])
    }

    @Test func unsupportedResolution() throws {
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok_video3", prompt: "Rain", resolution: .p1080)))
        #expect(error.violations == [Violation(parameter: "resolution", value: "1080p", allowed: "480p, 720p")])
    }

    @Test func tooManyImages() throws {
        let images = (1...8).map { ImageInput.url(URL(string: "https://example.com/\($0).jpg")!) }
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok_video3", prompt: "Rain", images: images)))
        #expect(error.violations == [Violation(parameter: "images", value: "8 images", allowed: "at most 7")])
    }

    @Test func sevenImagesAreAccepted() throws {
        let images = (1...7).map { ImageInput.url(URL(string: "https://example.com/\($0).jpg")!) }
        let resolved = try Fixture.resolve(VideoRequest(model: "grok_video3", prompt: "Rain", images: images))
        #expect(resolved.images.count == 7)
    }

    @Test func imageBytesAreRefusedBecauseAizfwFetchesPublicURLsOnly() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok_video3", prompt: "Rain", images: [.data(Fixture.pngBytes)])))
        #expect(error.kind == .invalidRequest)
        let violation = try #require(error.violations.first)
        #expect(error.violations.count == 1)
        #expect(violation.parameter == "images[0]")
        #expect(violation.value == "70 bytes")
        #expect(violation.allowed == "public-url")
        #expect(violation.reason?.contains("only takes public URLs") == true)
    }

    @Test func dataURIsAreRefusedToo() throws {
        let dataURI = URL(string: "data:image/png;base64," + Fixture.pngBytes.base64EncodedString())!
        let error = try #require(
            Fixture.validationError(VideoRequest(model: "grok_video3_pro", prompt: "Rain", images: [.url(dataURI)])))
        #expect(error.violations.map(\.parameter) == ["images[0]"])
        #expect(error.violations.first?.allowed == "public-url")
    }

    @Test func emptyPrompt() throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: "grok_video3", prompt: "  ")))
        #expect(
            error.violations == [
                Violation(
                    parameter: "prompt", value: "\"  \"", allowed: "1–4096 characters", reason: "the prompt is empty")
            ])
    }

    @Test func promptOneCharacterTooLong() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok_video3", prompt: String(repeating: "a", count: 4097))))
        #expect(
            error.violations == [
                Violation(parameter: "prompt", value: "4097 characters", allowed: "at most 4096 characters")
            ])
        #expect(throws: Never.self) {
            try Fixture.resolve(VideoRequest(model: "grok_video3", prompt: String(repeating: "a", count: 4096)))
        }
    }

    @Test func unknownModel() throws {
        let error = try #require(Fixture.validationError(VideoRequest(model: "grok_video3_max", prompt: "Rain")))
        #expect(error.kind == .unknownModel)
        #expect(
            error.violations == [
                Violation(parameter: "model", value: "grok_video3_max", allowed: "grok_video3, grok_video3_pro")
            ])
    }

    @Test func reservedVendorOptionIsRefused() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok_video3", prompt: "Rain", vendorOptions: ["duration": 12])))
        #expect(error.violations.map(\.parameter) == ["vendor-options.duration"])
    }

    @Test func everyViolationIsReportedAtOnce() throws {
        let error = try #require(
            Fixture.validationError(
                VideoRequest(
                    model: "grok_video3", prompt: "", seconds: 31, aspectRatio: "4:3", resolution: .p1080,
                    images: [.data(Fixture.pngBytes)])))
        #expect(error.kind == .invalidRequest)
        #expect(error.violations.map(\.parameter) == ["prompt", "seconds", "aspect-ratio", "resolution", "images[0]"])
        #expect(error.violations[1].value == "31")
        #expect(error.violations[2].value == "4:3")
        #expect(error.violations[3].value == "1080p")
        #expect(error.message.contains("5 problems"))
    }

    @Test(arguments: [(3, 6), (5, 6), (31, 30), (90, 30)])
    func adjustToNearestClampsIntoTheRange(requested: Int, applied: Int) throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok_video3", prompt: "Rain", seconds: requested), policy: .adjustToNearest)
        #expect(resolved.seconds == applied)
        let warning = try #require(resolved.warnings.first)
        #expect(warning.kind == .adjusted)
        #expect(warning.parameter == "seconds")
        #expect(warning.requested == "\(requested)")
        #expect(warning.applied == "\(applied)")
    }

    @Test func adjustToNearestSnapsRatioAndResolution() throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok_video3", prompt: "Rain", aspectRatio: "4:3", resolution: .p1080),
            policy: .adjustToNearest)
        #expect(resolved.aspectRatio == "3:2")
        #expect(resolved.resolution == .p720)
        #expect(resolved.warnings.map(\.parameter) == ["aspect-ratio", "resolution"])
        #expect(resolved.warnings.allSatisfy { $0.kind == .adjusted })
    }
}
