import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting
import XAIProvider
import XAIVideoDialect

/// What is xAI's own: its table against xAI's REST reference, SDK and docs (`docs/providers/xai.md` says
/// which values are documented and which assumed), the reference-to-video limit on both sides of the wire,
/// and what the client does with xAI's answers.
@Suite struct XAIProviderTests {
    let descriptor = XAIProvider().descriptor

    @Test func descriptorIdentity() {
        #expect(XAIProvider.id == "xai")
        #expect(descriptor.id == "xai")
        #expect(descriptor.id.apiKeyEnvironmentVariable == "XAI_API_KEY")
        #expect(descriptor.name == "xAI")
        #expect(descriptor.defaultBaseURL?.absoluteString == "https://api.x.ai")
        #expect(
            descriptor.documentationURL?.absoluteString
                == "https://docs.x.ai/developers/model-capabilities/video/generation")
        #expect(descriptor.polling == nil)
        #expect(descriptor.resultRetention == .seconds(86_400))
        #expect(descriptor.models.map(\.model) == ["grok-imagine-video", "grok-imagine-video-1.5"])
        #expect(XAIProvider.referenceToVideoMaximumSeconds == 10)
    }

    @Test(arguments: ["grok-imagine-video", "grok-imagine-video-1.5"])
    func sharedTable(name: String) throws {
        let model = try #require(descriptor.capabilities(for: name))
        #expect(model.model == name)
        #expect(model.duration == .range(min: 1, max: 15, default: 8))
        #expect(model.duration.summary == "1–15 s")
        #expect(model.duration.isOmittedFromRequest == false)
        #expect(
            model.aspectRatios
                == AspectRatioRule(values: ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"], default: "16:9"))
        #expect(model.aspectRatios.custom == false)
        #expect(model.resolutions == ResolutionRule(values: [.p480, .p720], default: .p480))
        #expect(model.images.max == 7)
        #expect(model.images.transports == [.publicURL, .dataURI])
        #expect(model.images.formats == [.jpeg, .png, .webp])
        #expect(model.images.layout == .singleOrArray(single: "image", multiple: "reference_images"))
        #expect(model.images.layout.summary == "image | reference_images[]")
        #expect(model.images.maximumSecondsWithMultipleImages == 10)
        #expect(model.promptMaxLength == 4096)
        #expect(model.billing == .perSecond)
        #expect(model.assumptions[0].hasPrefix("Default resolution 480p assumed"))
        #expect(model.assumptions[1].hasPrefix("Default aspect ratio 16:9 assumed"))
        #expect(model.assumptions[2].hasPrefix("Prompt limit of 4096 characters assumed"))
        #expect(model.assumptions[3].contains("`reference_images`"))
        #expect(model.assumptions[3].contains("at most 10 s"))
    }

    @Test func theAssumptionsOfEachModel() throws {
        #expect(descriptor.capabilities(for: "grok-imagine-video")?.assumptions.count == 4)
        let assumptions = try #require(descriptor.capabilities(for: "grok-imagine-video-1.5")).assumptions
        #expect(assumptions.count == 5)
        #expect(assumptions[4].hasPrefix("1080p not offered"))
        #expect(assumptions[4].contains("reference-to-video"))
    }

    @Test func modelNamesAreExactAndHaveNoFamilyAliases() {
        #expect(descriptor.capabilities(for: "GROK-IMAGINE-VIDEO")?.model == "grok-imagine-video")
        #expect(descriptor.capabilities(for: "grok-imagine-video-2") == nil)
        #expect(descriptor.capabilities(for: "grok-video-3") == nil)
        #expect(ModelAliases.aliases(of: "grok-imagine-video") == [])
    }

    @Test func billableEstimateIsPerSecond() throws {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain"), on: descriptor)
        #expect(resolved.billableEstimate == .seconds(8))
    }

    @Test func adjustingNeverFixesImagesOrPrompts() throws {
        let error = #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(
                VideoRequest(model: "grok-imagine-video", prompt: " ", images: [.data(XAIConformanceTests.gif)]),
                on: descriptor, policy: .adjustToNearest)
        }
        #expect(error?.violations.map(\.parameter) == ["prompt", "images[0]"])
    }

    /// Only a capability override listing multipart files could produce an upload; the provider says so.
    @Test func aMultipartUploadFromAnOverriddenTableIsRefused() throws {
        var capabilities = try #require(descriptor.capabilities(for: "grok-imagine-video"))
        capabilities.images.transports = [.multipartFile]
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Upload", images: [.data(SampleImage.png)]),
            capabilities: capabilities)
        let error = #expect(throws: VideoProviderError.self) {
            try XAIProvider().submitRequest(
                for: resolved, context: ProviderContext(baseURL: XAIConformanceTests.base, apiKey: nil))
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.violations.map(\.parameter) == ["images[0]"])
        #expect(error?.violations.first?.allowed == "public-url, data-uri")
    }

    /// Reference-to-video at 10 s and image-to-video at 15 s are sent.
    @Test func referenceToVideoAtTenSecondsAndImageToVideoAtFifteenAreSent() throws {
        let two: [ImageInput] = [
            .url(URL(string: "https://example.com/a.png")!), .url(URL(string: "https://example.com/b.png")!),
        ]
        #expect(throws: Never.self) {
            try RequestValidator.resolve(
                VideoRequest(model: "grok-imagine-video", prompt: "Refs", seconds: 10, images: two), on: descriptor)
        }
        let one = try RequestValidator.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "One", seconds: 15, images: [two[0]]), on: descriptor)
        let body = try XAIProvider().submitRequest(
            for: one, context: ProviderContext(baseURL: XAIConformanceTests.base, apiKey: nil)
        ).body.collect()
        #expect(String(decoding: body, as: UTF8.self).contains(#""duration":15,"#))
    }

    /// "The maximum duration allowed when using reference images is 10 seconds" (xAI's reference-to-video
    /// page): the provider refuses before sending anything, and the simulator refuses the same body when it is
    /// sent by hand.
    @Test(arguments: ["grok-imagine-video", "grok-imagine-video-1.5"])
    func referenceImagesWithMoreThanTenSecondsAreRefusedOnBothSides(model: String) async throws {
        let (simulator, client) = try XAIConformanceTests.conformance.harness()
        let urls = ["https://example.com/image1.png", "https://example.com/image2.png"]
        let error = await #expect(throws: VideoProviderError.self) {
            try await client.submit(
                VideoRequest(model: model, prompt: "p", seconds: 11, images: urls.map { .url(URL(string: $0)!) }))
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.violations.map(\.parameter) == ["seconds"])
        #expect(simulator.requests.isEmpty)

        let body =
            #"{"model":"\#(model)","prompt":"p","duration":11,"reference_images":[{"url":"\#(urls[0])"},{"url":"\#(urls[1])"}]}"#
        let key = try #require(XAIConformanceTests.conformance.lifecycle?.apiKey)
        let response = try await simulator.send(
            HTTPRequest(
                method: .post, url: URL(string: "https://api.x.ai/v1/videos/generations")!,
                headers: ["Authorization": "Bearer \(key)", "Content-Type": "application/json"],
                body: HTTPBody(Data(body.utf8)), createsTask: true))
        #expect(response.status == 400)
        #expect(
            String(decoding: response.body, as: UTF8.self).contains(
                "the maximum duration allowed when using reference images is 10 seconds"))
        #expect(simulator.tasks.isEmpty)
    }

    /// Both ways xAI says a video broke its content policy read as content-policy failures.
    @Test func moderationFailuresAreContentPolicy() throws {
        let withheld = try XAIProvider().parseStatusResponse(
            HTTPResponse(
                status: 200,
                body: Data(#"{"status":"done","video":{"duration":8,"respect_moderation":false}}"#.utf8)),
            taskID: "req_1")
        #expect(VendorResponse.isContentPolicy(code: withheld.errorCode, message: withheld.errorMessage))
        #expect(
            XAIProvider().contentRequest(
                for: withheld, context: ProviderContext(baseURL: XAIConformanceTests.base, apiKey: nil)) == nil)
        #expect(
            VendorResponse.isContentPolicy(
                code: "CONTENT_POLICY_VIOLATION", message: "The prompt violates content policy guidelines."))
    }

    /// What the client does with xAI's answers: a wrong key (an HTTP 400 that says so) falls back to the next
    /// provider; a submission whose answer cannot prove nothing was created is ambiguous, never resent.
    @Test(arguments: [
        (
            400,
            #"{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***ET. You can obtain an API key from https://console.x.ai."}"#,
            FailureAction.fallBack
        ),
        (500, "", .ambiguous),
        (200, "<!DOCTYPE html><html><title>Just a moment...</title></html>", .ambiguous),
        (200, #"{"request_id":"aa87081b-1a29"#, .ambiguous),
    ])
    func whatTheClientDoesWithAnAnswer(status: Int, body: String, action: FailureAction) throws {
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain"), on: descriptor)
        let error = #expect(throws: VideoProviderError.self) {
            try XAIProvider().parseSubmitResponse(
                HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data(body.utf8)),
                for: resolved)
        }
        #expect(FailureAction.forSubmission(try #require(error), retry: RetryPolicy()) == action)
    }
}
