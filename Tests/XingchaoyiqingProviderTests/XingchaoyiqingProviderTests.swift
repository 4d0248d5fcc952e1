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

    /// Seed 001's model table, one model per case, compared whole (assumptions are checked below).
    @Test(
        arguments: [
            (
                "grok_video3", DurationRule.range(min: 6, max: 30, default: 10), ["16:9", "9:16", "1:1", "3:2", "2:3"],
                [Resolution.p480, .p720], 7, [ImageTransport.publicURL, .dataURI], BillingUnit.perSecond
            ),
            (
                "grok_video3_pro", .fixed(value: 10, omitted: true), ["16:9"], [.p720], 7, [.publicURL, .dataURI],
                .perCall
            ),
            (
                "grok_video3_max", .set(values: [6, 10, 12, 16, 20, 30], default: 10), ["16:9", "9:16", "1:1"],
                [.p480, .p720], 5, [.publicURL], .perSecond
            ),
            (
                "grok_video3_stable", .set(values: [6, 10], default: 10), ["16:9", "9:16", "3:2", "2:3", "1:1"],
                [.p480, .p720], 7, [.publicURL], .perCall
            ),
        ] as [(String, DurationRule, [AspectRatio], [Resolution], Int, [ImageTransport], BillingUnit)])
    func theTable(
        name: String, duration: DurationRule, ratios: [AspectRatio], sizes: [Resolution], images: Int,
        transports: [ImageTransport], billing: BillingUnit
    ) throws {
        let model = try #require(descriptor.capabilities(for: name))
        let expected = ModelCapabilities(
            model: name, duration: duration, aspectRatios: AspectRatioRule(values: ratios, default: "16:9"),
            resolutions: ResolutionRule(values: sizes, default: .p720),
            images: ImageRule(max: images, transports: transports, formats: Self.formats, layout: Self.layout),
            promptMaxLength: 4096, billing: billing, assumptions: model.assumptions)
        #expect(model == expected)
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
