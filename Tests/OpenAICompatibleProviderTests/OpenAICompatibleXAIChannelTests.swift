import Foundation
import OpenAICompatibleProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// `OpenAICompatibleProvider(upstream: .xAIChannel)`: a new-api gateway whose `grok-imagine-video` goes to an
/// xAI channel passes `/v1/videos` bodies to xAI unchanged, so the body must be xAI's (docs/real-gateways.md,
/// docs/providers/openai-compatible.md).
@Suite struct OpenAICompatibleXAIChannelTests {
    static let provider = OpenAICompatibleProvider(upstream: .xAIChannel)

    static func submit(_ request: VideoRequest) throws -> (request: HTTPRequest, body: String) {
        let resolved = try RequestValidator.resolve(request, on: provider.descriptor)
        let httpRequest = try provider.submitRequest(for: resolved, context: Fixture.context)
        return (httpRequest, String(decoding: try httpRequest.body.collect(), as: UTF8.self))
    }

    @Test func textToVideoIsXAIsBody() throws {
        let (request, body) = try Self.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain", seconds: 6, resolution: .p720))
        #expect(request.url.absoluteString == "https://gateway.example.com/v1/videos")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Rain","duration":6,"aspect_ratio":"16:9","resolution":"720p"}"#
        )
    }

    @Test func oneImageIsAnObjectWithAURL() throws {
        let (_, body) = try Self.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Animate", seconds: 6, images: [.data(Fixture.pngBytes)]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Animate","duration":6,"aspect_ratio":"16:9","resolution":"480p","image":{"url":"data:image/png;base64,"#
                + Fixture.pngBase64 + #""}}"#)
    }

    @Test func severalImagesAreReferenceImages() throws {
        let (_, body) = try Self.submit(
            VideoRequest(
                model: "grok-imagine-video", prompt: "Mix", seconds: 6,
                images: [.data(Fixture.pngBytes), .data(Fixture.jpegBytes)]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Mix","duration":6,"aspect_ratio":"16:9","resolution":"480p","reference_images":[{"url":"data:image/png;base64,"#
                + Fixture.pngBase64 + #""},{"url":"data:image/jpeg;base64,"# + Fixture.jpegBase64 + #""}]}"#)
    }

    /// xAI takes seven ratios and no custom one; the OpenAI-format page's 13 presets and `W:H` are refused
    /// before anything is sent.
    @Test func theRatiosAreXAIs() throws {
        let model = try #require(Self.provider.descriptor.models.first)
        #expect(model.aspectRatios.values.map(\.rawValue) == ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"])
        #expect(!model.aspectRatios.custom)
        #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(
                VideoRequest(model: "grok-imagine-video", prompt: "Rain", aspectRatio: "21:9"),
                on: Self.provider.descriptor)
        }
        #expect(OpenAICompatibleProvider().descriptor.models.first?.aspectRatios.custom == true)
    }

    @Test func theAnswerIsReadFromRequestID() throws {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain"), on: Self.provider.descriptor)
        let snapshot = try Self.provider.parseSubmitResponse(
            Fixture.response(200, #"{"request_id":"task_public","status":"pending"}"#), for: resolved)
        #expect(snapshot.taskID == "task_public")
        #expect(snapshot.status == .queued)
    }
}
