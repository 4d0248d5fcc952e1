import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Inputs the fuzz targets in Tests/Fuzz found (docs/fuzzing.md), kept as tests so the fixes stay fixed.
@Suite struct FuzzRegressionTests {
    /// `data-uri`: misplaced base64 padding. Foundation's strict decoder on Linux decodes `=` inside the
    /// last quantum (`…/2Q=9`, a JPEG here) and padding alone (`====`, one zero byte), so the simulator
    /// accepted images the library refuses as malformed.
    @Test(arguments: [
        "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2Q=9",
        "data:image/jpeg;base64," + String(repeating: "=", count: 92),
    ])
    func dataURIWithMisplacedPaddingIsRefused(uri: String) async throws {
        let body = #"{"model":"grok_video3_pro","prompt":"p","image_urls":["\#(uri)"]}"#
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(simulator, Raw.postJSON(KyyReactDialectTests.submitURL, body))
        #expect(response.status == 400)
        #expect(try ErrorShape.kyy(response) == "'image_urls[0]' has a payload that is not valid base64.")
        #expect(simulator.tasks.isEmpty)

        // The library's own decoder already refused it: the same request never reaches a gateway.
        let error = #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(
                VideoRequest(model: "grok-imagine-video", prompt: "p", images: [.url(URL(string: uri)!)]),
                capabilities: Self.dataURIModel)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.violations.first?.reason == "malformed data URI")
    }

    /// A model that takes data URIs, for the library side of the comparison.
    static let dataURIModel = ModelCapabilities(
        model: "grok-imagine-video", duration: .range(min: 1, max: 15, default: 6),
        aspectRatios: AspectRatioRule(values: ["16:9"], default: "16:9", custom: false), resolutions: nil,
        images: ImageRule(max: 1, transports: [.dataURI], layout: .singleOrArray(single: "image", multiple: "images")),
        promptMaxLength: 4096, billing: .perSecond)
}
