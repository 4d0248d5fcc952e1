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

    /// Adjusting drops a resolution pro cannot choose, and says it ignored it.
    @Test func proDropsAResolutionWithAWarningWhenAdjusting() throws {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "grok_video3_pro", prompt: "A red fox", resolution: .p720), on: descriptor,
            policy: .adjustToNearest)
        #expect(resolved.resolution == nil)
        #expect(resolved.seconds == 10)
        #expect(resolved.sendsDuration == false)
        #expect(resolved.warnings.map(\.kind) == [.ignored])
        #expect(resolved.warnings.map(\.parameter) == ["resolution"])
        #expect(resolved.warnings.first?.requested == "720p")
        #expect(resolved.warnings.first?.applied == nil)
    }

    /// A request the page does not allow, let through by a loosened capability table, is refused by the
    /// simulator in the backend's own shape, and that refusal reaches the app as the vendor's message.
    @Test func theSimulatorRefusesWhatThePageDoesNotAllow() async throws {
        var loosened = try #require(descriptor.models.first { $0.model == "grok_video3" })
        loosened.duration = .range(min: 6, max: 40, default: 6)
        let (simulator, client) = try AizfwConformanceTests.conformance.harness(overrides: [loosened])
        let error = await #expect(throws: VideoProviderError.self) {
            try await client.submit(VideoRequest(model: "grok_video3", prompt: "A cat", seconds: 40))
        }
        #expect(error?.kind == .vendorRejected)
        #expect(error?.httpStatus == 400)
        #expect(error?.vendorMessage == "'duration' 40 is out of range for grok_video3; allowed: 6 to 30 seconds.")
        #expect(simulator.count(.submit) == 1)
        #expect(simulator.tasks.isEmpty)
    }
}
