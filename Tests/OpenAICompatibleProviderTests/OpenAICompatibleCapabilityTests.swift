import Foundation
import OpenAICompatibleProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// The capability table, value by value, against the generic "OpenAI Format — Grok Imagine Video" page
/// (seed 002) and the project's recorded assumptions.
@Suite struct OpenAICompatibleCapabilityTests {
    let descriptor = OpenAICompatibleProvider().descriptor

    @Test func descriptorIdentity() {
        #expect(OpenAICompatibleProvider.id == "openai-compatible")
        #expect(OpenAICompatibleProvider().id == "openai-compatible")
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
        // "Minimum is 1 second"; 15 s and 8 s are assumed from the upstream model.
        #expect(model.duration == .minimum(min: 1, max: 15, default: 8))
        #expect(model.duration.summary == "1–15 s")
        #expect(model.duration.defaultSeconds == 8)
        #expect(!model.duration.isOmittedFromRequest)
        #expect(
            model.aspectRatios.values == [
                "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "2:1", "1:2", "19.5:9", "9:19.5", "20:9", "9:20",
            ])
        #expect(model.aspectRatios.default == "16:9")
        #expect(model.aspectRatios.custom == true)
        #expect(model.resolutions?.values == [.p480, .p720])
        #expect(model.resolutions?.default == .p480)
        #expect(model.images.max == 7)
        #expect(model.images.transports == [.dataURI])
        #expect(model.images.formats == [.jpeg, .png, .webp])
        #expect(model.images.layout == .singleOrArray(single: "image", multiple: "images"))
        #expect(model.images.layout.summary == "image | images[]")
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perSecond)
    }

    @Test func everyAssumptionIsRecorded() throws {
        let assumptions = try #require(descriptor.capabilities(for: "grok-imagine-video")).assumptions
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
        let model = try #require(descriptor.capabilities(for: "grok-imagine-video"))
        #expect(model.duration.allows(seconds) == allowed)
    }

    @Test func noFamilyAliasReachesTheGrokVideo3Family() {
        #expect(descriptor.capabilities(for: "grok-video-3") == nil)
        #expect(descriptor.capabilities(for: "grok_video3") == nil)
        #expect(descriptor.capabilities(for: "GROK-IMAGINE-VIDEO")?.model == "grok-imagine-video")
    }

    @Test func descriptorRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(descriptor)
        #expect(try JSONDecoder().decode(ProviderDescriptor.self, from: data) == descriptor)
    }
}
