import Foundation
import Testing
import VideoProviderKit
import XAIProvider
import XAIVideoDialect

/// The capability table, value by value, against xAI's REST reference, SDK and docs (see
/// `docs/providers/xai.md` for which values are documented and which assumed).
@Suite struct XAICapabilityTests {
    let descriptor = XAIProvider().descriptor

    @Test func descriptorIdentity() {
        #expect(XAIProvider.id == "xai")
        #expect(XAIProvider().id == "xai")
        #expect(descriptor.id == "xai")
        #expect(descriptor.id.apiKeyEnvironmentVariable == "XAI_API_KEY")
        #expect(descriptor.name == "xAI")
        #expect(descriptor.defaultBaseURL?.absoluteString == "https://api.x.ai")
        #expect(
            descriptor.documentationURL?.absoluteString
                == "https://docs.x.ai/developers/model-capabilities/video/generation")
        #expect(descriptor.polling == nil)
        #expect(descriptor.resultRetention == .seconds(86_400))
        #expect(descriptor.models.map(\.model) == ["grok-imagine-video", "grok-imagine-video-1.5"])
    }

    @Test func pathsAndLimits() {
        // The paths are checked in full by the submit and status request tests.
        #expect(XAIProvider.referenceToVideoMaximumSeconds == 10)
    }

    @Test(arguments: ["grok-imagine-video", "grok-imagine-video-1.5"])
    func sharedTable(name: String) throws {
        let model = try #require(descriptor.capabilities(for: name))
        #expect(model.model == name)
        #expect(model.duration == .range(min: 1, max: 15, default: 8))
        #expect(model.duration.summary == "1–15 s")
        #expect(model.duration.isOmittedFromRequest == false)
        #expect(model.aspectRatios.values == ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"])
        #expect(model.aspectRatios.default == "16:9")
        #expect(model.aspectRatios.custom == false)
        #expect(model.resolutions?.values == [.p480, .p720])
        #expect(model.resolutions?.default == .p480)
        #expect(model.images.max == 7)
        #expect(model.images.transports == [.publicURL, .dataURI])
        #expect(model.images.formats == [.jpeg, .png, .webp])
        #expect(model.images.layout == .singleOrArray(single: "image", multiple: "reference_images"))
        #expect(model.images.layout.summary == "image | reference_images[]")
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perSecond)
    }

    @Test func grokImagineVideoAssumptions() throws {
        let model = try #require(descriptor.capabilities(for: "grok-imagine-video"))
        #expect(model.assumptions.count == 4)
        #expect(model.assumptions[0].hasPrefix("Default resolution 480p assumed"))
        #expect(model.assumptions[1].hasPrefix("Default aspect ratio 16:9 assumed"))
        #expect(model.assumptions[2].hasPrefix("Prompt limit of 4096 characters assumed"))
        #expect(model.assumptions[3].contains("`reference_images`"))
        #expect(model.assumptions[3].contains("at most 10 s"))
    }

    @Test func grokImagineVideo15Assumptions() throws {
        let model = try #require(descriptor.capabilities(for: "grok-imagine-video-1.5"))
        #expect(model.assumptions.count == 5)
        #expect(model.assumptions[4].hasPrefix("1080p not offered"))
        #expect(model.assumptions[4].contains("reference-to-video"))
    }

    @Test func modelNamesAreExactAndHaveNoFamilyAliases() {
        #expect(descriptor.capabilities(for: "GROK-IMAGINE-VIDEO")?.model == "grok-imagine-video")
        #expect(descriptor.capabilities(for: "grok-imagine-video-2") == nil)
        #expect(descriptor.capabilities(for: "grok-video-3") == nil)
        #expect(ModelAliases.aliases(of: "grok-imagine-video") == [])
    }

    @Test func descriptorRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(descriptor)
        #expect(try JSONDecoder().decode(ProviderDescriptor.self, from: data) == descriptor)
    }
}
