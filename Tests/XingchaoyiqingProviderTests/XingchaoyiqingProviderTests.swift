import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting
import XingchaoyiqingProvider

/// What is Xingchaoyiqing's own: its table, value by value against the "Create Video Task" page, and the
/// rules of its enumerated lengths.
@Suite struct XingchaoyiqingProviderTests {
    let descriptor = XingchaoyiqingProvider().descriptor
    static let formats: [ImageFormat] = [.jpeg, .png, .webp]
    static let layout = ImageFieldLayout.array(field: "image_urls")

    @Test func descriptorIdentity() {
        #expect(XingchaoyiqingProvider.id == "xingchaoyiqing")
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

    @Test func theTable() throws {
        let video3 = try #require(descriptor.capabilities(for: "grok_video3"))
        #expect(video3.duration == .range(min: 6, max: 30, default: 10))
        #expect(video3.aspectRatios == AspectRatioRule(values: ["16:9", "9:16", "1:1", "3:2", "2:3"], default: "16:9"))
        #expect(video3.resolutions == ResolutionRule(values: [.p480, .p720], default: .p720))
        #expect(
            video3.images
                == ImageRule(max: 7, transports: [.publicURL, .dataURI], formats: Self.formats, layout: Self.layout))
        #expect(video3.billing == .perSecond)
        let pro = try #require(descriptor.capabilities(for: "grok_video3_pro"))
        #expect(pro.duration == .fixed(value: 10, omitted: true))
        #expect(pro.aspectRatios == AspectRatioRule(values: ["16:9"], default: "16:9"))
        #expect(pro.resolutions == ResolutionRule(values: [.p720], default: .p720))
        #expect(
            pro.images
                == ImageRule(max: 7, transports: [.publicURL, .dataURI], formats: Self.formats, layout: Self.layout))
        #expect(pro.billing == .perCall)
        let max = try #require(descriptor.capabilities(for: "grok_video3_max"))
        #expect(max.duration == .set(values: [6, 10, 12, 16, 20, 30], default: 10))
        #expect(max.aspectRatios == AspectRatioRule(values: ["16:9", "9:16", "1:1"], default: "16:9"))
        #expect(max.resolutions == ResolutionRule(values: [.p480, .p720], default: .p720))
        #expect(max.images == ImageRule(max: 5, transports: [.publicURL], formats: Self.formats, layout: Self.layout))
        #expect(max.billing == .perSecond)
        let stable = try #require(descriptor.capabilities(for: "grok_video3_stable"))
        #expect(stable.duration == .set(values: [6, 10], default: 10))
        #expect(stable.aspectRatios == AspectRatioRule(values: ["16:9", "9:16", "3:2", "2:3", "1:1"], default: "16:9"))
        #expect(stable.resolutions == ResolutionRule(values: [.p480, .p720], default: .p720))
        #expect(
            stable.images == ImageRule(max: 7, transports: [.publicURL], formats: Self.formats, layout: Self.layout))
        #expect(stable.billing == .perCall)
        #expect(descriptor.models.allSatisfy { $0.promptMaxLength == 4096 })
    }

    @Test func assumptionsSayWhatThePageLeftOut() throws {
        let assumptions = Dictionary(uniqueKeysWithValues: descriptor.models.map { ($0.model, $0.assumptions) })
        #expect(assumptions["grok_video3"]?.contains { $0.contains("image_urls") } == true)
        #expect(assumptions["grok_video3"]?.contains { $0.contains("jpeg, png and webp") } == true)
        #expect(assumptions["grok_video3_pro"]?.contains { $0.contains("7 reference images") } == true)
        #expect(assumptions["grok_video3_pro"]?.contains { $0.contains("image_urls") } == true)
        #expect(assumptions["grok_video3_stable"]?.contains { $0.contains("fixed 10 s, 720p only") } == true)
        #expect(descriptor.models.allSatisfy { model in model.assumptions.contains { $0.contains("4096") } })
    }

    @Test(arguments: [
        ("grok-video-3", "grok_video3"), ("grok-video-3-pro", "grok_video3_pro"),
        ("grok-video-3-max", "grok_video3_max"), ("grok-video-3-stable", "grok_video3_stable"),
    ])
    func familyAliasesFindTheNativeModels(alias: String, native: String) {
        #expect(descriptor.capabilities(for: alias)?.model == native)
    }

    @Test func adjustingNeverTouchesImages() throws {
        let images = (1...6).map { ImageInput.url(URL(string: "https://example.com/\($0).jpg")!) }
        #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(
                VideoRequest(model: "grok_video3_max", prompt: "Rain", images: images), on: descriptor,
                policy: .adjustToNearest)
        }
    }
}
