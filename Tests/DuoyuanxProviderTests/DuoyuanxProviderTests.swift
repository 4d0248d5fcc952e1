import DuoyuanxProvider
import Foundation
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// What is Duoyuanx's own: its table, value by value against the "Grok Imagine Video" page (seed 004), its
/// "Differences from Grok 1.5 / 3" table and the assumptions recorded where they are silent.
@Suite struct DuoyuanxProviderTests {
    let descriptor = DuoyuanxProvider().descriptor
    static let familyModels = ["grok-video-1.5", "grok-video-3", "grok-video-3-pro", "grok-video-3-max"]

    @Test func descriptorIdentity() {
        #expect(DuoyuanxProvider.id == "duoyuanx")
        #expect(descriptor.id == "duoyuanx")
        #expect(descriptor.id.apiKeyEnvironmentVariable == "DUOYUANX_API_KEY")
        #expect(descriptor.name == "Duoyuanx")
        #expect(descriptor.defaultBaseURL?.absoluteString == "https://duoyuanx.com")
        #expect(descriptor.documentationURL == nil)
        #expect(descriptor.polling == nil)
        #expect(descriptor.resultRetention == nil)
        #expect(descriptor.models.map(\.model) == ["grok-imagine-video"] + Self.familyModels)
    }

    /// The OpenAI-format page's table, which Duoyuanx's page repeats (its values are pinned, value by value, in
    /// OpenAICompatibleProviderTests); Duoyuanx's example sends "8".
    @Test func grokImagineVideo() throws {
        let model = try #require(descriptor.capabilities(for: "grok-imagine-video"))
        #expect(model == OpenAIVideoDialect.grokImagineVideo(exampleSeconds: 8))
        #expect(model.assumptions.count == 6)
        #expect(model.assumptions[0].hasSuffix("(the document's example sends \"8\")."))
        #expect(OpenAIVideoDialect.Encoding(layout: model.images.layout) == .json)
    }

    @Test(arguments: familyModels)
    func familySharedValues(name: String) throws {
        let model = try #require(descriptor.capabilities(for: name))
        #expect(model.aspectRatios == AspectRatioRule(values: ["16:9", "9:16", "2:3", "3:2", "1:1"], default: "16:9"))
        #expect(model.aspectRatios.custom == false)
        // Comparison table: "Resolution values | 480P, 720P | 480P, 540P, 720P, 1080P".
        #expect(model.resolutions == ResolutionRule(values: [.p480, .p540, .p720, .p1080], default: .p720))
        // Comparison table: "Image field | image / images | input_reference".
        #expect(
            model.images
                == ImageRule(
                    max: 7, transports: [.multipartFile], formats: [.jpeg, .png, .webp],
                    layout: .repeatedPart(field: "input_reference")))
        #expect(model.promptMaxLength == 4096)
        let assumptions = model.assumptions
        #expect(assumptions.count == 7)
        #expect(assumptions.contains { $0.contains("Aspect ratios 16:9, 9:16, 2:3, 3:2, 1:1") })
        #expect(assumptions.contains { $0.contains("size 720P") })
        #expect(assumptions.contains { $0.contains("7 reference images") })
        #expect(assumptions.contains { $0.contains("public URLs are refused") })
        #expect(assumptions.contains { $0.contains("4096") })
    }

    @Test(arguments: ["grok-video-1.5", "grok-video-3"])
    func rangedFamilyModels(name: String) throws {
        let model = try #require(descriptor.capabilities(for: name))
        #expect(model.duration == .range(min: 6, max: 30, default: 6))
        #expect(model.billing == .perSecond)
        #expect(model.assumptions.contains { $0.contains("6–30 s with default 6") })
        #expect(model.assumptions.contains { $0.contains("Per-second billing") })
    }

    /// Comparison table, "Duration rules": "10s for Pro tier, 15s for Max tier".
    @Test(arguments: [("grok-video-3-pro", 10), ("grok-video-3-max", 15)])
    func fixedLengthTiers(name: String, seconds: Int) throws {
        let model = try #require(descriptor.capabilities(for: name))
        #expect(model.duration == .fixed(value: seconds, omitted: true))
        #expect(model.duration.isOmittedFromRequest)
        #expect(model.billing == .perCall)
        #expect(model.assumptions.contains { $0.contains("seconds left out") && $0.contains("\(seconds) s") })
        #expect(model.assumptions.contains { $0.contains("Per-call billing") })
    }

    /// The encoding follows each model's image layout: JSON for `grok-imagine-video`, multipart for the rest.
    @Test func encodingPerModel() {
        let encodings = descriptor.models.map { OpenAIVideoDialect.Encoding(layout: $0.images.layout) }
        #expect(encodings == [.json, .multipart, .multipart, .multipart, .multipart])
    }

    @Test(arguments: [
        ("grok_video3", "grok-video-3"), ("grok_video3_pro", "grok-video-3-pro"),
        ("grok_video3_max", "grok-video-3-max"),
    ])
    func familyAliasesFindTheNativeModels(alias: String, native: String) {
        #expect(descriptor.capabilities(for: alias)?.model == native)
    }

    @Test(arguments: ["grok_video3_stable", "grok-video-1", "grok-imagine-video-1.5"])
    func modelsDuoyuanxDoesNotList(name: String) {
        #expect(descriptor.capabilities(for: name) == nil)
    }
}
