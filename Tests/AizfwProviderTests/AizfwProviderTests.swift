import AizfwProvider
import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// What is aizfw's own: its capability table, value by value against the "Grok Create Video Task" page, and
/// the rules only its models have.
@Suite struct AizfwProviderTests {
    let descriptor = AizfwProvider().descriptor

    @Test func descriptorIdentity() {
        #expect(AizfwProvider.id == "aizfw")
        #expect(descriptor.name == "aizfw (kyyReactApiServer)")
        #expect(descriptor.defaultBaseURL?.absoluteString == "https://zcbservice.aizfw.cn/kyyReactApiServer")
        #expect(
            descriptor.polling == PollingRecommendation(minimumInterval: .seconds(30), maximumInterval: .seconds(60)))
        #expect(descriptor.resultRetention == .seconds(86_400))
        #expect(descriptor.models.map(\.model) == ["grok_video3", "grok_video3_pro"])
    }

    @Test func grokVideo3() throws {
        let model = try #require(descriptor.capabilities(for: "grok_video3"))
        #expect(model.duration == .range(min: 6, max: 30, default: 6))
        #expect(model.aspectRatios == AspectRatioRule(values: ["16:9", "9:16", "1:1", "3:2", "2:3"], default: "16:9"))
        #expect(model.resolutions == ResolutionRule(values: [.p480, .p720], default: .p480))
        #expect(
            model.images
                == ImageRule(
                    max: 7, transports: [.publicURL], formats: [.jpeg, .png, .webp], layout: .array(field: "image_urls")
                ))
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perSecond)
        #expect(model.assumptions.count == 1)
        #expect(model.assumptions.contains { $0.contains("4096") })
    }

    @Test func grokVideo3Pro() throws {
        let model = try #require(descriptor.capabilities(for: "grok_video3_pro"))
        #expect(model.duration == .fixed(value: 10, omitted: true))
        #expect(model.aspectRatios == AspectRatioRule(values: ["16:9", "9:16", "1:1", "3:2", "2:3"], default: "16:9"))
        #expect(model.resolutions == nil)
        #expect(
            model.images
                == ImageRule(
                    max: 7, transports: [.publicURL], formats: [.jpeg, .png, .webp], layout: .array(field: "image_urls")
                ))
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perCall)
        // Image count, aspect ratios and prompt limit are assumptions, and say so.
        #expect(model.assumptions.count == 3)
        #expect(model.assumptions.contains { $0.contains("7 reference images") })
        #expect(model.assumptions.contains { $0.contains("aspect ratios") })
        #expect(model.assumptions.contains { $0.contains("4096") })
    }

    @Test func familyAliasesFindTheNativeModels() {
        #expect(descriptor.capabilities(for: "grok-video-3")?.model == "grok_video3")
        #expect(descriptor.capabilities(for: "grok-video-3-pro")?.model == "grok_video3_pro")
        #expect(descriptor.capabilities(for: "grok_video3_max") == nil)
    }
}
