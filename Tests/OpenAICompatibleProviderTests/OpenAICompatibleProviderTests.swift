import Foundation
import OpenAICompatibleProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit
import VideoProviderTesting

/// What is the OpenAI-compatible provider's own: its table against the generic "OpenAI Format — Grok Imagine
/// Video" page (seed 002), the xAI-channel variant's table, and how the dialect treats image forms a table
/// should never let through.
@Suite struct OpenAICompatibleProviderTests {
    let descriptor = OpenAICompatibleProvider().descriptor

    @Test func descriptorIdentity() {
        #expect(OpenAICompatibleProvider.id == "openai-compatible")
        #expect(descriptor.id == "openai-compatible")
        #expect(descriptor.id.apiKeyEnvironmentVariable == "OPENAI_COMPATIBLE_API_KEY")
        #expect(descriptor.name == "OpenAI-compatible gateway")
        // Every deployment has its own host: the app must configure one.
        #expect(descriptor.defaultBaseURL == nil)
        #expect(descriptor.documentationURL == nil)
        #expect(descriptor.polling == nil)
        #expect(descriptor.resultRetention == nil)
        #expect(descriptor.models.map(\.model) == ["grok-imagine-video"])
    }

    @Test func grokImagineVideo() throws {
        let model = try #require(descriptor.capabilities(for: "grok-imagine-video"))
        #expect(model == OpenAIVideoDialect.grokImagineVideo())
        // "Minimum is 1 second"; 15 s and 8 s are assumed from the upstream model.
        #expect(model.duration == .minimum(min: 1, max: 15, default: 8))
        #expect(model.duration.summary == "1–15 s")
        #expect(model.duration.defaultSeconds == 8)
        #expect(!model.duration.isOmittedFromRequest)
        #expect(
            model.aspectRatios
                == AspectRatioRule(
                    values: [
                        "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "2:1", "1:2", "19.5:9", "9:19.5", "20:9",
                        "9:20",
                    ], default: "16:9", custom: true))
        #expect(model.resolutions == ResolutionRule(values: [.p480, .p720], default: .p480))
        #expect(
            model.images
                == ImageRule(
                    max: 7, transports: [.dataURI], formats: [.jpeg, .png, .webp],
                    layout: .singleOrArray(single: "image", multiple: "images")))
        #expect(model.images.layout.summary == "image | images[]")
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perSecond)
        let assumptions = model.assumptions
        #expect(assumptions.count == 6)
        #expect(assumptions.contains { $0.contains("15 s") && $0.contains("8 s") && $0.contains("Minimum is 1") })
        #expect(assumptions.contains { $0.contains("aspect ratio 16:9") })
        #expect(assumptions.contains { $0.contains("resolution 480p") })
        #expect(assumptions.contains { $0.contains("7 reference images") })
        #expect(assumptions.contains { $0.contains("jpeg, png and webp") })
        #expect(assumptions.contains { $0.contains("Per-second billing") })
        // Documented values are not listed as assumptions.
        #expect(!assumptions.contains { $0.contains("4096") })
    }

    @Test(arguments: [(1, true), (8, true), (15, true), (0, false), (16, false), (-1, false)])
    func durationBounds(seconds: Int, allowed: Bool) throws {
        #expect(descriptor.capabilities(for: "grok-imagine-video")?.duration.allows(seconds) == allowed)
    }

    @Test func noFamilyAliasReachesTheGrokVideo3Family() {
        #expect(descriptor.capabilities(for: "grok-video-3") == nil)
        #expect(descriptor.capabilities(for: "grok_video3") == nil)
        #expect(descriptor.capabilities(for: "GROK-IMAGINE-VIDEO")?.model == "grok-imagine-video")
    }

    @Test(arguments: ["16-9", "16:", ":9", "0:1", "a:b"])
    func malformedRatiosCannotBeWritten(ratio: String) {
        #expect(AspectRatio(rawValue: ratio) == nil)
    }

    /// xAI takes seven ratios and no custom one, and its own image fields (new-api's xAI channel passes the
    /// body to xAI unchanged).
    @Test func theXAIChannelsTable() throws {
        let model = try #require(OpenAICompatibleProvider(upstream: .xAIChannel).descriptor.models.first)
        #expect(model.aspectRatios.values.map(\.rawValue) == ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"])
        #expect(!model.aspectRatios.custom)
        #expect(model.images.layout == .singleOrArray(single: "image", multiple: "reference_images"))
        #expect(OpenAICompatibleProvider(upstream: .xAIChannel).jsonStyle == .xAINative)
        #expect(OpenAICompatibleProvider().jsonStyle == .openAI)
    }

    /// `images` resolved on the table, as if validation had let them through.
    func submit(_ images: [ResolvedImage]) throws -> HTTPRequest {
        let valid = try RequestValidator.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain"), on: descriptor)
        let request = ResolvedVideoRequest(
            model: valid.model, prompt: valid.prompt, seconds: valid.seconds, sendsDuration: true,
            aspectRatio: valid.aspectRatio, resolution: valid.resolution, images: images, vendorOptions: [:],
            warnings: [], capabilities: valid.capabilities)
        let context = ProviderContext(baseURL: URL(string: "https://gateway.example.com")!, apiKey: APIKey("sk-x"))
        return try OpenAICompatibleProvider().submitRequest(for: request, context: context)
    }

    /// A table that wrongly allowed public URLs would still never put one on the wire: the provider refuses.
    @Test func aPublicURLThatGetsPastValidationIsRefusedNotSent() throws {
        let error = #expect(throws: VideoProviderError.self) {
            try submit([.publicURL(URL(string: "https://example.com/a.png")!)])
        }
        #expect(error?.kind == .invalidRequest)
        #expect(
            error?.violations == [
                Violation(
                    parameter: "images[0]", value: "https://example.com/a.png", allowed: "data-uri",
                    reason: "the OpenAI-format gateways take image bytes only")
            ])
    }

    /// Uploaded bytes (a multipart form) are still bytes: a JSON model carries them as a data URI.
    @Test func anUploadIsWrittenAsADataURI() throws {
        let body = try submit([.upload(.bytes(SampleImage.png), .png, filename: "a.png")]).body.collect()
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"8","aspect_ratio":"16:9","resolution":"480P","image":""#
                + SampleImage.dataURI(.png) + #""}"#)
    }
}
