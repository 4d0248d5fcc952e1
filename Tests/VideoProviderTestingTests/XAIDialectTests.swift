import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// xAI's first-party API (the brief's binding decisions for `xai`).
@Suite struct XAIDialectTests {
    static let submitURL = Raw.xAI + "/v1/videos/generations"

    static let documentedBody =
        #"{"model":"grok-imagine-video","prompt":"A rocket launch","duration":8,"aspect_ratio":"16:9","resolution":"480p","image":{"url":"https://example.com/a.png"}}"#

    @Test func acceptsTheDocumentedRequestAndAnswersARequestID() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(simulator, Raw.postJSON(Self.submitURL, Self.documentedBody))
        #expect(response.status == 200)
        guard case .object(let members) = try Raw.json(response) else {
            Issue.record("not an object")
            return
        }
        #expect(Array(members.keys) == ["request_id"])
        let id = try #require(members["request_id"]?.stringValue)
        #expect(UUID(uuidString: id) != nil)
        #expect(simulator.task(id)?.imageCount == 1)
    }

    @Test(arguments: [
        #"{"model":"grok-imagine-video-1.5","prompt":"p"}"#,
        #"{"model":"grok-imagine-video","prompt":"p","duration":1,"aspect_ratio":"3:4","resolution":"720p"}"#,
        #"{"model":"grok-imagine-video","prompt":"p","duration":10,"reference_images":[{"url":"https://example.com/a.png"},{"url":"https://example.com/b.jpg"}]}"#,
    ])
    func acceptsDocumentedVariants(_ body: String) async throws {
        try await Raw.expectAccepted(Raw.postJSON(Self.submitURL, body))
    }

    /// Image inputs are "PNG/JPEG/WebP" (xAI's Imagine file-input page, as sourced in docs/providers/xai.md).
    @Test func acceptsJPEGPNGAndWebPDataURIsButNotGIF() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let png = Raw.dataURI(TinyImages.png, "image/png")
        let jpeg = Raw.dataURI(TinyImages.jpeg, "image/jpeg")
        let webp = Raw.dataURI(TinyImages.webp, "image/webp")
        let gif = Raw.dataURI(TinyImages.gif, "image/gif")
        let accepted = try await Raw.send(
            simulator,
            Raw.postJSON(
                Self.submitURL,
                #"{"model":"grok-imagine-video","prompt":"p","reference_images":[{"url":"\#(png)"},{"url":"\#(jpeg)"},{"url":"\#(webp)"}]}"#
            ))
        #expect(accepted.status == 200)
        let refused = try await Raw.send(
            simulator,
            Raw.postJSON(Self.submitURL, #"{"model":"grok-imagine-video","prompt":"p","image":{"url":"\#(gif)"}}"#))
        #expect(refused.status == 400)
        #expect(try ErrorShape.xAI(refused).error.contains("is not a jpeg, png or webp image"))
    }

    static let refusals: [(body: String, fragment: String)] = [
        (#"{"model":"grok-video-3","prompt":"p"}"#, "model 'grok-video-3' is not supported"),
        (#"{"model":"grok-imagine-video","prompt":""}"#, "'prompt' is required"),
        (#"{"model":"grok-imagine-video","prompt":"p","duration":16}"#, "'duration' 16 is out of range"),
        (#"{"model":"grok-imagine-video","prompt":"p","duration":0}"#, "'duration' 0 is out of range"),
        (#"{"model":"grok-imagine-video","prompt":"p","duration":"8"}"#, "'duration' must be an integer"),
        (#"{"model":"grok-imagine-video","prompt":"p","aspect_ratio":"21:9"}"#, "'aspect_ratio' '21:9'"),
        (#"{"model":"grok-imagine-video","prompt":"p","resolution":"720P"}"#, "'resolution' '720P'"),
        (#"{"model":"grok-imagine-video","prompt":"p","seconds":"8"}"#, "Unknown parameter 'seconds'"),
        (#"{"model":"grok-imagine-video","prompt":"p","image":"https://example.com/a.png"}"#, "must be an object"),
        (
            #"{"model":"grok-imagine-video","prompt":"p","image":{"url":"https://example.com/a.png"},"reference_images":[{"url":"https://example.com/b.png"}]}"#,
            "cannot be combined"
        ),
        (#"{"model":"grok-imagine-video","prompt":"p","reference_images":[]}"#, "non-empty array"),
        (
            #"{"model":"grok-imagine-video","prompt":"p","duration":11,"reference_images":[{"url":"https://example.com/a.png"},{"url":"https://example.com/b.jpg"}]}"#,
            "the maximum duration allowed when using reference images is 10 seconds"
        ),
        (
            #"{"model":"grok-imagine-video","prompt":"p","image":{"url":"http://127.0.0.1/a.png"}}"#,
            "publicly accessible"
        ),
    ]

    @Test(arguments: refusals)
    func refusesBadRequestsWithTheXAIErrorShape(_ refusal: (body: String, fragment: String)) async throws {
        let error = try ErrorShape.xAI(try await Raw.refusal(Raw.postJSON(Self.submitURL, refusal.body)))
        #expect(error.code == "Client specified an invalid argument")
        #expect(error.error.contains(refusal.fragment), "\(error.error)")
    }

    @Test func tooManyReferenceImagesAreRefused() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let eight = (0..<8).map { #"{"url":"https://example.com/\#($0).png"}"# }.joined(separator: ",")
        let response = try await Raw.send(
            simulator,
            Raw.postJSON(Self.submitURL, #"{"model":"grok-imagine-video","prompt":"p","reference_images":[\#(eight)]}"#)
        )
        #expect(response.status == 400)
        #expect(try ErrorShape.xAI(response).error.contains("accepts at most 7"))
    }

    @Test func authAndUnknownIDsUseTheXAIShape() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let unauthorized = try await Raw.send(simulator, Raw.postJSON(Self.submitURL, Self.documentedBody, key: nil))
        #expect(unauthorized.status == 401)
        #expect(try ErrorShape.xAI(unauthorized).code == "Unauthenticated")
        let unknown = try await Raw.send(
            simulator, Raw.get(Raw.xAI + "/v1/videos/6b3b6f4e-1111-2222-3333-444455556666"))
        #expect(unknown.status == 404)
        #expect(try ErrorShape.xAI(unknown).code == "Some requested entity was not found")
    }
}
