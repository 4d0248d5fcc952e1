import Foundation
import Testing
import VideoProviderKit
import XAIProvider
import XAIVideoDialect

/// xAI's image roles: a plain list keeps its meaning (one image is the first frame, several are references;
/// the conformance suite's byte-exact bodies are the contract), and explicit roles reach the field xAI has for
/// them.
@Suite struct XAIImageRoleTests {
    let descriptor = XAIProvider().descriptor
    let url = URL(string: "https://example.com/a.png")!

    func body(_ request: VideoRequest) throws -> String {
        let resolved = try RequestValidator.resolve(request, on: descriptor)
        let body = try XAIProvider().submitRequest(
            for: resolved, context: ProviderContext(baseURL: URL(string: "https://api.x.ai")!, apiKey: nil)
        ).body.collect()
        return String(decoding: body, as: UTF8.self)
    }

    @Test func theTableSaysWhichRolesAndWhatAPlainListMeans() throws {
        let model = try #require(descriptor.capabilities(for: "grok-imagine-video"))
        #expect(model.images.roles == [ImageRoleLimit(.firstFrame, max: 1), ImageRoleLimit(.reference, max: 7)])
        #expect(model.images.unassignedRole == .byCount(single: .firstFrame, multiple: .reference))
        #expect(model.rules == XAIVideoDialect.imageRoleRules)
        #expect(model.seed == nil)
        #expect(model.negativePrompt == nil)
        #expect(model.audio == nil)
    }

    @Test func anExplicitFirstFrameIsTheSameBodyAsOnePlainImage() throws {
        var plain = VideoRequest(model: "grok-imagine-video", prompt: "One", images: [.url(url)])
        var explicit = VideoRequest(model: "grok-imagine-video", prompt: "One")
        explicit.addImage(.url(url), role: .firstFrame)
        let expected =
            #"{"model":"grok-imagine-video","prompt":"One","duration":8,"aspect_ratio":"16:9","resolution":"480p","image":{"url":"https://example.com/a.png"}}"#
        #expect(try body(plain) == expected)
        #expect(try body(explicit) == expected)
        plain.imageRoles[0] = .reference
        #expect(
            try body(plain)
                == #"{"model":"grok-imagine-video","prompt":"One","duration":8,"aspect_ratio":"16:9","resolution":"480p","reference_images":[{"url":"https://example.com/a.png"}]}"#
        )
    }

    @Test func oneReferenceIsReferenceToVideoAndSoAtMostTenSeconds() throws {
        var request = VideoRequest(model: "grok-imagine-video", prompt: "Ref", seconds: 12)
        request.addImage(.url(url), role: .reference)
        let error = try #require(
            #expect(throws: VideoProviderError.self) { try RequestValidator.resolve(request, on: descriptor) })
        #expect(
            error.violations == [
                Violation(
                    parameter: "seconds", value: "12", allowed: "at most 10 s when mode reference-to-video",
                    reason: "xAI: the maximum duration allowed when using reference images is 10 seconds")
            ])
    }

    @Test func aFirstFrameAndReferencesAreNeverCombinedAndThereIsNoLastFrame() throws {
        var request = VideoRequest(model: "grok-imagine-video", prompt: "Mixed")
        request.addImage(.url(url), role: .firstFrame)
        request.addImage(.url(url), role: .reference)
        request.addImage(.url(url), role: .lastFrame)
        let error = try #require(
            #expect(throws: VideoProviderError.self) { try RequestValidator.resolve(request, on: descriptor) })
        #expect(
            error.violations.map(\.description) == [
                "images[2] = role last-frame is not allowed (grok-imagine-video takes no last-frame image); allowed: first-frame (at most 1), reference (at most 7)",
                "images[1] = role reference is not allowed (xAI: reference images cannot be combined with image-to-video); allowed: no reference image when a first-frame image",
            ])
    }

    @Test func seedNegativePromptAndAudioAreRefusedSoTheBytesCannotChange() throws {
        var request = VideoRequest(model: "grok-imagine-video", prompt: "Seed")
        request.seed = 1
        request.negativePrompt = "blur"
        request.audio = true
        let error = try #require(
            #expect(throws: VideoProviderError.self) { try RequestValidator.resolve(request, on: descriptor) })
        #expect(error.violations.map(\.parameter) == ["seed", "negative-prompt", "audio"])
    }
}
