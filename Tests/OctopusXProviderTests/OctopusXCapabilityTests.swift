import Foundation
import OctopusXProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// The capability table, value by value, against OctopusX's "Grok Video Generation" page (seed 003) and the
/// project's recorded assumptions.
@Suite struct OctopusXCapabilityTests {
    let descriptor = OctopusXProvider().descriptor

    static let models = ["grok-video-3", "grok-video-3-pro", "grok-video-3-max"]

    @Test func descriptorIdentity() {
        #expect(OctopusXProvider.id == "octopusx")
        #expect(OctopusXProvider().id == "octopusx")
        #expect(descriptor.id.apiKeyEnvironmentVariable == "OCTOPUSX_API_KEY")
        #expect(descriptor.name == "OctopusX")
        #expect(descriptor.defaultBaseURL?.absoluteString == "https://octopusx.ai")
        #expect(descriptor.documentationURL == nil)
        #expect(descriptor.polling == nil)
        #expect(descriptor.resultRetention == nil)
        // "Currently Available Models: grok-video-3, grok-video-3-pro, grok-video-3-max".
        #expect(descriptor.models.map(\.model) == Self.models)
    }

    /// What the three models share: ratios, sizes, images, prompt limit.
    @Test(arguments: models)
    func sharedValues(name: String) throws {
        let model = try #require(descriptor.capabilities(for: name))
        // "Optional values are 16:9, 9:16, 2:3, 3:2, and 1:1."
        #expect(model.aspectRatios.values == ["16:9", "9:16", "2:3", "3:2", "1:1"])
        #expect(model.aspectRatios.default == "16:9")
        #expect(model.aspectRatios.custom == false)
        // "Common values are 720P or 1080P."
        #expect(model.resolutions?.values == [.p720, .p1080])
        #expect(model.resolutions?.default == .p720)
        #expect(model.images.max == 7)
        #expect(model.images.transports == [.multipartFile])
        #expect(model.images.formats == [.jpeg, .png, .webp])
        #expect(model.images.layout == .repeatedPart(field: "input_reference"))
        #expect(model.images.layout.summary == "input_reference × n")
        #expect(model.promptMaxLength == 4096)
    }

    @Test func grokVideo3() throws {
        let model = try #require(descriptor.capabilities(for: "grok-video-3"))
        #expect(model.duration == .range(min: 6, max: 30, default: 6))
        #expect(model.duration.summary == "6–30 s")
        #expect(model.billing == .perSecond)
    }

    @Test(arguments: [("grok-video-3-pro", 10), ("grok-video-3-max", 15)])
    func fixedLengthTiers(name: String, seconds: Int) throws {
        let model = try #require(descriptor.capabilities(for: name))
        // "grok-video-3-pro will be automatically fixed to 10 seconds, and grok-video-3-max … to 15 seconds".
        #expect(model.duration == .fixed(value: seconds, omitted: true))
        #expect(model.duration.isOmittedFromRequest)
        #expect(model.duration.defaultSeconds == seconds)
        #expect(model.duration.summary == "fixed \(seconds) s (field omitted)")
        #expect(model.billing == .perCall)
    }

    @Test func grokVideo3Assumptions() throws {
        let assumptions = try #require(descriptor.capabilities(for: "grok-video-3")).assumptions
        #expect(assumptions.count == 8)
        #expect(assumptions.contains { $0.contains("6–30 s with default 6") })
        #expect(assumptions.contains { $0.contains("Per-second billing") })
        try expectSharedAssumptions(assumptions)
    }

    @Test(arguments: [("grok-video-3-pro", 10), ("grok-video-3-max", 15)])
    func fixedTierAssumptions(name: String, seconds: Int) throws {
        let assumptions = try #require(descriptor.capabilities(for: name)).assumptions
        #expect(assumptions.count == 8)
        #expect(assumptions.contains { $0.contains("seconds left out") && $0.contains("\(seconds) s") })
        #expect(assumptions.contains { $0.contains("Per-call billing") })
        try expectSharedAssumptions(assumptions)
    }

    private func expectSharedAssumptions(_ assumptions: [String]) throws {
        #expect(assumptions.contains { $0.contains("multipart/form-data") && $0.contains("JSON body") })
        #expect(assumptions.contains { $0.contains("aspect ratio 16:9") })
        #expect(assumptions.contains { $0.contains("size 720P") })
        #expect(assumptions.contains { $0.contains("7 reference images") })
        #expect(assumptions.contains { $0.contains("jpeg, png and webp") && $0.contains("public URLs are refused") })
        #expect(assumptions.contains { $0.contains("4096") })
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

    @Test func descriptorRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(descriptor)
        #expect(try JSONDecoder().decode(ProviderDescriptor.self, from: data) == descriptor)
    }
}
