import Foundation
import Testing
import VideoProviderKit
import XAIProvider
import XAIVideoDialect

/// Exact submit requests: method, URL, headers and every body byte.
@Suite struct XAISubmitRequestTests {
    @Test func textToVideoWritesEveryDefaultExplicitly() throws {
        let (request, body) = try Fixture.submit(VideoRequest(model: "grok-imagine-video", prompt: "A cat playing"))
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "https://api.x.ai/v1/videos/generations")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.createsTask)
        #expect(request.body.length == Int64(body.utf8.count))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"A cat playing","duration":8,"aspect_ratio":"16:9","resolution":"480p"}"#
        )
    }

    @Test func documentedExampleIsByteExact() throws {
        // docs.x.ai's quick start: duration 10, 16:9, 720p.
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video",
                prompt: "A glowing crystal-powered rocket launching from the red dunes of Mars",
                seconds: 10, aspectRatio: "16:9", resolution: .p720))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"A glowing crystal-powered rocket launching from the red dunes of Mars","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
        )
    }

    @Test(arguments: [(1, "1:1", "480p"), (15, "2:3", "720p"), (6, "4:3", "720p")])
    func everySettingIsSentAsGiven(seconds: Int, ratio: String, resolution: String) throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video-1.5", prompt: "Waves", seconds: seconds,
                aspectRatio: AspectRatio(rawValue: ratio),
                resolution: Resolution(parsing: resolution)))
        #expect(
            body
                == #"{"model":"grok-imagine-video-1.5","prompt":"Waves","duration":\#(seconds),"aspect_ratio":"\#(ratio)","resolution":"\#(resolution)"}"#
        )
    }

    @Test func onePublicURLIsAnImageObject() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video", prompt: "Animate the photo",
                images: [.url(URL(string: "https://example.com/photos/cat.jpg?size=large&v=2")!)]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Animate the photo","duration":8,"aspect_ratio":"16:9","resolution":"480p","image":{"url":"https://example.com/photos/cat.jpg?size=large&v=2"}}"#
        )
    }

    @Test func imageBytesBecomeADataURIInsideTheImageObject() throws {
        let (request, body) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Animate", images: [.data(Fixture.pngBytes)]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Animate","duration":8,"aspect_ratio":"16:9","resolution":"480p","image":{"url":"data:image/png;base64,"#
                + Fixture.pngBase64 + #""}}"#)
        #expect(request.body.length == Int64(body.utf8.count))
        // The body is valid JSON whose URL decodes back to the very bytes given.
        let json = try JSONValue.parse(Data(body.utf8))
        let url = try #require(json["image"]?["url"]?.stringValue)
        #expect(Data(base64Encoded: String(url.dropFirst("data:image/png;base64,".count))) == Fixture.pngBytes)
    }

    @Test func aDataURIInputIsSentAsTheSameDataURI() throws {
        let input = URL(string: "data:image/jpeg;base64," + Fixture.jpegBase64)!
        let (_, body) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Animate", seconds: 5, images: [.url(input)]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Animate","duration":5,"aspect_ratio":"16:9","resolution":"480p","image":{"url":"data:image/jpeg;base64,/9j/4AAQSkZJRgAB"}}"#
        )
    }

    @Test func aLocalFileIsStreamedAsADataURI() throws {
        let file = try Fixture.temporaryFile(Fixture.webpBytes, name: "still.webp")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let (request, body) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Animate", images: [.file(file)]))
        #expect(request.body.readsFiles)
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Animate","duration":8,"aspect_ratio":"16:9","resolution":"480p","image":{"url":"data:image/webp;base64,UklGRhoAAABXRUJQVlA4IA=="}}"#
        )
    }

    @Test func severalImagesAreReferenceImagesInOrder() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video", prompt: "The model from <IMAGE_1> wears the shirt from <IMAGE_2>",
                seconds: 10, aspectRatio: "9:16", resolution: .p720,
                images: [
                    .url(URL(string: "https://example.com/model.png")!),
                    .data(Fixture.pngBytes),
                    .data(Fixture.jpegBytes, format: .jpeg),
                ]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"The model from <IMAGE_1> wears the shirt from <IMAGE_2>","duration":10,"aspect_ratio":"9:16","resolution":"720p","reference_images":[{"url":"https://example.com/model.png"},{"url":"data:image/png;base64,"#
                + Fixture.pngBase64 + #""},{"url":"data:image/jpeg;base64,/9j/4AAQSkZJRgAB"}]}"#)
        #expect(!body.contains(#""image":"#))
    }

    @Test func sevenReferenceImages() throws {
        let images = (1...7).map { ImageInput.url(URL(string: "https://example.com/\($0).png")!) }
        let (_, body) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Seven", seconds: 6, images: images))
        let json = try JSONValue.parse(Data(body.utf8))
        guard case .array(let references)? = json["reference_images"] else {
            Issue.record("reference_images is not an array: \(body)")
            return
        }
        #expect(references.map { $0["url"]?.stringValue } == (1...7).map { "https://example.com/\($0).png" })
        #expect(json["image"] == nil)
    }

    @Test(arguments: [11, 15])
    func referenceToVideoLongerThanTenSecondsIsRefusedBeforeSending(seconds: Int) throws {
        // A rule of the capability table, so validation (and routing) refuses it before any request is built.
        let error = Fixture.validationError(
            VideoRequest(
                model: "grok-imagine-video", prompt: "Two refs", seconds: seconds,
                images: [
                    .url(URL(string: "https://example.com/a.png")!), .url(URL(string: "https://example.com/b.png")!),
                ]
            ))
        #expect(Fixture.provider.descriptor.models.allSatisfy { $0.images.maximumSecondsWithMultipleImages == 10 })
        #expect(error?.kind == .invalidRequest)
        #expect(error?.providerID == "xai")
        #expect(error?.model == "grok-imagine-video")
        #expect(
            error?.violations == [
                Violation(
                    parameter: "seconds", value: "\(seconds)", allowed: "1–10 s with 2–7 images",
                    reason: "reference-to-video is limited to 10 s")
            ])
    }

    @Test func referenceToVideoAtTenSecondsAndImageToVideoAtFifteenAreSent() throws {
        let two: [ImageInput] = [
            .url(URL(string: "https://example.com/a.png")!), .url(URL(string: "https://example.com/b.png")!),
        ]
        #expect(throws: Never.self) {
            try Fixture.submit(VideoRequest(model: "grok-imagine-video", prompt: "Refs", seconds: 10, images: two))
        }
        let (_, body) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "One", seconds: 15, images: [two[0]]))
        #expect(body.contains(#""duration":15,"#))
    }

    @Test func vendorOptionsFollowTheTypedFieldsSortedByKey() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video", prompt: "Rain", seconds: 6,
                vendorOptions: [
                    "user": "user-42", "generate_audio": false,
                    "output": ["upload_url": "https://bucket.example.com/put?sig=1"],
                ]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Rain","duration":6,"aspect_ratio":"16:9","resolution":"480p","generate_audio":false,"output":{"upload_url":"https://bucket.example.com/put?sig=1"},"user":"user-42"}"#
        )
    }

    @Test func promptIsEscapedAndKeptAsUTF8() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Say \"hi\"\n猫 \\ 🐱\t\u{1}", seconds: 3))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Say \"hi\"\n猫 \\ 🐱\t\u0001","duration":3,"aspect_ratio":"16:9","resolution":"480p"}"#
        )
    }

    @Test func baseURLPrefixAndAdditionalHeadersAreKept() throws {
        var headers = HTTPHeaders()
        headers["X-Team"] = "video"
        headers["Content-Type"] = "text/plain"
        let context = ProviderContext(
            baseURL: URL(string: "https://proxy.example.com/xai/")!, apiKey: APIKey(Fixture.secret),
            additionalHeaders: headers)
        let (request, _) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain"), context: context)
        #expect(request.url.absoluteString == "https://proxy.example.com/xai/v1/videos/generations")
        #expect(request.headers["X-Team"] == "video")
        #expect(request.headers["Content-Type"] == "application/json")
    }

    @Test func noKeyMeansNoAuthorizationHeader() throws {
        let (request, _) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain"),
            context: ProviderContext(baseURL: Fixture.baseURL, apiKey: nil))
        #expect(request.headers["Authorization"] == nil)
    }

    @Test func aMultipartUploadFromAnOverriddenTableIsRefused() throws {
        // Only a capability override listing multipart files could produce an upload; the provider says so.
        var capabilities = try #require(Fixture.provider.descriptor.capabilities(for: "grok-imagine-video"))
        capabilities.images.transports = [.multipartFile]
        let resolved = try RequestValidator.resolve(
            VideoRequest(model: "grok-imagine-video", prompt: "Upload", images: [.data(Fixture.pngBytes)]),
            capabilities: capabilities)
        let error = #expect(throws: VideoProviderError.self) {
            try Fixture.provider.submitRequest(for: resolved, context: Fixture.context)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.violations.map(\.parameter) == ["images[0]"])
        #expect(error?.violations.first?.allowed == "public-url, data-uri")
    }
}
