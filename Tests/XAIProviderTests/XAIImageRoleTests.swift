import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting
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

/// xAI's body under a table with mistakes the conformance suite must catch: images without a role would be
/// last frames the model does not take, a role allows more images than the model, and a rule names a
/// resolution and a length the table does not offer.
struct MistakenRoleTable: XAIVideoProvider {
    var descriptor: ProviderDescriptor {
        var model = XAIProvider().descriptor.models[0]
        model.images.unassignedRole = .always(.lastFrame)
        model.images.roles = [ImageRoleLimit(.reference, max: 9)]
        model.rules = [CapabilityRule(when: .init(resolutions: [.p1080]), then: .init(seconds: [20]))]
        return ProviderDescriptor(id: "mistaken", name: "Mistaken", defaultBaseURL: nil, models: [model])
    }
}

@Suite struct RoleTableConformanceTests {
    @Test func theTableCheckFindsRoleAndRuleMistakes() async throws {
        let conformance = ProviderConformance(
            provider: MistakenRoleTable(), baseURL: URL(string: "https://mistaken.example")!,
            submitPath: "/v1/videos/generations", statusPath: "/v1/videos/{id}", content: .videoURL, requests: [])
        let table = try #require(conformance.checks.first { $0.name == "table" })
        let failures = await table.failures()
        let expected = [
            "grok-imagine-video: an image without a role among 1 is a last-frame, which the table does not take",
            "grok-imagine-video: an image without a role among 2 is a last-frame, which the table does not take",
            "grok-imagine-video: up to 9 reference images, more than the 7 the model takes",
            "grok-imagine-video: the rule 'when resolution 1080p: seconds 20' names 20 s, which 1–15 s excludes",
            "grok-imagine-video: the rule 'when resolution 1080p: seconds 20' names 1080p, which the table does not offer",
        ]
        for sentence in expected { #expect(failures.contains(sentence), "\(failures)") }
    }
}
