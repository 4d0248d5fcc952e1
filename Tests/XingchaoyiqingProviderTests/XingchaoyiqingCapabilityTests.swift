import Foundation
import KyyReactDialect
import Testing
import VideoProviderKit
import XingchaoyiqingProvider

/// The capability table, value by value, against Xingchaoyiqing's "Create Video Task" page.
@Suite struct XingchaoyiqingCapabilityTests {
    let descriptor = XingchaoyiqingProvider().descriptor

    @Test func descriptorIdentity() {
        #expect(XingchaoyiqingProvider.id == "xingchaoyiqing")
        #expect(XingchaoyiqingProvider().id == "xingchaoyiqing")
        #expect(descriptor.id == "xingchaoyiqing")
        #expect(descriptor.name == "Xingchaoyiqing")
        #expect(descriptor.defaultBaseURL?.absoluteString == "https://zcbservice.aizfw.cn/kyyReactApiServer")
        #expect(
            descriptor.documentationURL?.absoluteString
                == "https://docs.xingchaoyiqing.com/api-reference/video/grok-create")
        #expect(
            descriptor.polling == PollingRecommendation(minimumInterval: .seconds(30), maximumInterval: .seconds(60)))
        #expect(descriptor.resultRetention == .seconds(86_400))
        #expect(
            descriptor.models.map(\.model) == [
                "grok_video3", "grok_video3_pro", "grok_video3_max", "grok_video3_stable",
            ])
    }

    @Test func grokVideo3() throws {
        let model = try #require(descriptor.capabilities(for: "grok_video3"))
        #expect(model.duration == .range(min: 6, max: 30, default: 10))
        #expect(model.aspectRatios.values == ["16:9", "9:16", "1:1", "3:2", "2:3"])
        #expect(model.aspectRatios.default == "16:9")
        #expect(model.aspectRatios.custom == false)
        #expect(model.resolutions?.values == [.p480, .p720])
        #expect(model.resolutions?.default == .p720)
        #expect(model.images.max == 7)
        #expect(model.images.transports == [.publicURL, .dataURI])
        #expect(model.images.formats == [.jpeg, .png, .webp])
        #expect(model.images.layout == .array(field: "image_urls"))
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perSecond)
        #expect(model.assumptions.contains { $0.contains("image_urls") })
        #expect(model.assumptions.contains { $0.contains("jpeg, png and webp") })
        #expect(model.assumptions.contains { $0.contains("4096") })
    }

    @Test func grokVideo3Pro() throws {
        let model = try #require(descriptor.capabilities(for: "grok_video3_pro"))
        #expect(model.duration == .fixed(value: 10, omitted: true))
        #expect(model.aspectRatios.values == ["16:9"])
        #expect(model.aspectRatios.default == "16:9")
        #expect(model.aspectRatios.custom == false)
        #expect(model.resolutions?.values == [.p720])
        #expect(model.resolutions?.default == .p720)
        #expect(model.images.max == 7)
        #expect(model.images.transports == [.publicURL, .dataURI])
        #expect(model.images.formats == [.jpeg, .png, .webp])
        #expect(model.images.layout == .array(field: "image_urls"))
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perCall)
        #expect(model.assumptions.contains { $0.contains("7 reference images") })
        #expect(model.assumptions.contains { $0.contains("image_urls") })
        #expect(model.assumptions.contains { $0.contains("4096") })
    }

    @Test func grokVideo3Max() throws {
        let model = try #require(descriptor.capabilities(for: "grok_video3_max"))
        #expect(model.duration == .set(values: [6, 10, 12, 16, 20, 30], default: 10))
        #expect(model.aspectRatios.values == ["16:9", "9:16", "1:1"])
        #expect(model.aspectRatios.default == "16:9")
        #expect(model.aspectRatios.custom == false)
        #expect(model.resolutions?.values == [.p480, .p720])
        #expect(model.resolutions?.default == .p720)
        #expect(model.images.max == 5)
        #expect(model.images.transports == [.publicURL])
        #expect(model.images.formats == [.jpeg, .png, .webp])
        #expect(model.images.layout == .array(field: "image_urls"))
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perSecond)
        #expect(model.assumptions.contains { $0.contains("4096") })
    }

    @Test func grokVideo3Stable() throws {
        let model = try #require(descriptor.capabilities(for: "grok_video3_stable"))
        #expect(model.duration == .set(values: [6, 10], default: 10))
        #expect(model.aspectRatios.values == ["16:9", "9:16", "3:2", "2:3", "1:1"])
        #expect(model.aspectRatios.default == "16:9")
        #expect(model.aspectRatios.custom == false)
        #expect(model.resolutions?.values == [.p480, .p720])
        #expect(model.resolutions?.default == .p720)
        #expect(model.images.max == 7)
        #expect(model.images.transports == [.publicURL])
        #expect(model.images.formats == [.jpeg, .png, .webp])
        #expect(model.images.layout == .array(field: "image_urls"))
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perCall)
        #expect(model.assumptions.contains { $0.contains("fixed 10 s, 720p only") })
        #expect(model.assumptions.contains { $0.contains("4096") })
    }

    @Test(arguments: [
        ("grok-video-3", "grok_video3"), ("grok-video-3-pro", "grok_video3_pro"),
        ("grok-video-3-max", "grok_video3_max"), ("grok-video-3-stable", "grok_video3_stable"),
    ])
    func familyAliasesFindTheNativeModels(alias: String, native: String) {
        #expect(descriptor.capabilities(for: alias)?.model == native)
    }

    @Test func descriptorRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(descriptor)
        #expect(try JSONDecoder().decode(ProviderDescriptor.self, from: data) == descriptor)
    }
}
