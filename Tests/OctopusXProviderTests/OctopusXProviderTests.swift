import Foundation
import OctopusXProvider
import Testing
import VideoProviderKit

/// What is OctopusX's own: its table, value by value against the "Grok Video Generation" page (seed 003) and
/// the assumptions recorded where the page is silent.
@Suite struct OctopusXProviderTests {
    let descriptor = OctopusXProvider().descriptor
    static let models = ["grok-video-3", "grok-video-3-pro", "grok-video-3-max"]

    @Test func descriptorIdentity() {
        #expect(OctopusXProvider.id == "octopusx")
        #expect(descriptor.id == "octopusx")
        #expect(descriptor.id.apiKeyEnvironmentVariable == "OCTOPUSX_API_KEY")
        #expect(descriptor.name == "OctopusX")
        #expect(descriptor.defaultBaseURL?.absoluteString == "https://octopusx.ai")
        #expect(descriptor.documentationURL == nil)
        #expect(descriptor.polling == nil)
        #expect(descriptor.resultRetention == nil)
        // "Currently Available Models: grok-video-3, grok-video-3-pro, grok-video-3-max".
        #expect(descriptor.models.map(\.model) == Self.models)
    }

    /// What the three models share: ratios, sizes, images, prompt limit, and the assumptions about them.
    @Test(arguments: models)
    func sharedValues(name: String) throws {
        let model = try #require(descriptor.capabilities(for: name))
        // "Optional values are 16:9, 9:16, 2:3, 3:2, and 1:1."
        #expect(model.aspectRatios == AspectRatioRule(values: ["16:9", "9:16", "2:3", "3:2", "1:1"], default: "16:9"))
        #expect(model.aspectRatios.custom == false)
        // "Common values are 720P or 1080P."
        #expect(model.resolutions == ResolutionRule(values: [.p720, .p1080], default: .p720))
        #expect(
            model.images
                == ImageRule(
                    max: 7, transports: [.multipartFile], formats: [.jpeg, .png, .webp],
                    layout: .repeatedPart(field: "input_reference")))
        #expect(model.images.layout.summary == "input_reference × n")
        #expect(model.promptMaxLength == 4096)
        let assumptions = model.assumptions
        #expect(assumptions.count == 8)
        #expect(assumptions.contains { $0.contains("multipart/form-data") && $0.contains("JSON body") })
        #expect(assumptions.contains { $0.contains("aspect ratio 16:9") })
        #expect(assumptions.contains { $0.contains("size 720P") })
        #expect(assumptions.contains { $0.contains("7 reference images") })
        #expect(assumptions.contains { $0.contains("jpeg, png and webp") && $0.contains("public URLs are refused") })
        #expect(assumptions.contains { $0.contains("4096") })
    }

    /// grok-video-3 "is processed according to the actual parameters passed" (6–30 s assumed, billed per second);
    /// "grok-video-3-pro will be automatically fixed to 10 seconds, and grok-video-3-max … to 15 seconds".
    @Test(arguments: [
        ("grok-video-3", DurationRule.range(min: 6, max: 30, default: 6), "6–30 s", BillingUnit.perSecond),
        ("grok-video-3-pro", .fixed(value: 10, omitted: true), "fixed 10 s (field omitted)", .perCall),
        ("grok-video-3-max", .fixed(value: 15, omitted: true), "fixed 15 s (field omitted)", .perCall),
    ])
    func lengthAndBilling(name: String, duration: DurationRule, summary: String, billing: BillingUnit) throws {
        let model = try #require(descriptor.capabilities(for: name))
        #expect(model.duration == duration)
        #expect(model.duration.summary == summary)
        #expect(model.duration.isOmittedFromRequest == (billing == .perCall))
        #expect(model.duration.defaultSeconds == duration.defaultSeconds)
        #expect(model.billing == billing)
        let seconds = duration.defaultSeconds ?? 0
        let fixedTier = model.assumptions.contains { $0.contains("seconds left out") && $0.contains("\(seconds) s") }
        #expect(fixedTier == (billing == .perCall))
        #expect(model.assumptions.contains { $0.contains("6–30 s with default 6") } == (billing == .perSecond))
        #expect(
            model.assumptions.contains { $0.contains(billing == .perCall ? "Per-call billing" : "Per-second billing") })
    }

    @Test(arguments: [
        ("grok_video3", "grok-video-3"), ("grok_video3_pro", "grok-video-3-pro"),
        ("grok_video3_max", "grok-video-3-max"), ("GROK-VIDEO-3", "grok-video-3"),
    ])
    func familyAliasesFindTheNativeModels(alias: String, native: String) {
        #expect(descriptor.capabilities(for: alias)?.model == native)
    }

    @Test(arguments: ["grok_video3_stable", "grok-video-3-stable", "grok-imagine-video", "grok-video-1.5"])
    func modelsOctopusXDoesNotList(name: String) {
        #expect(descriptor.capabilities(for: name) == nil)
    }
}
