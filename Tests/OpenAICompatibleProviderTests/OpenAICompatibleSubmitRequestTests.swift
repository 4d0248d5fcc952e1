import Foundation
import OpenAICompatibleProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Exact submit requests: method, URL, headers and every body byte.
@Suite struct OpenAICompatibleSubmitRequestTests {
    /// The page's text-to-video example, field for field.
    @Test func documentedExampleIsByteExact() throws {
        let (request, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video", prompt: Fixture.documentedPrompt, seconds: 8, aspectRatio: "16:9",
                resolution: .p720))
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "https://gateway.example.com/v1/videos")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.createsTask)
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"A city street in the early morning, sunlight filtering through leaves, camera slowly moving forward","seconds":"8","aspect_ratio":"16:9","resolution":"720P"}"#
        )
        #expect(request.body.length == Int64(body.utf8.count))
        #expect(!request.body.readsFiles)
    }

    @Test func defaultsAreWrittenExplicitly() throws {
        let (_, body) = try Fixture.submit(VideoRequest(model: "grok-imagine-video", prompt: "A lighthouse at dusk"))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"A lighthouse at dusk","seconds":"8","aspect_ratio":"16:9","resolution":"480P"}"#
        )
    }

    @Test(arguments: [(1, "1"), (15, "15")])
    func secondsIsAJSONString(seconds: Int, text: String) throws {
        let (_, body) = try Fixture.submit(VideoRequest(model: "grok-imagine-video", prompt: "Rain", seconds: seconds))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Rain","seconds":""# + text
                + #"","aspect_ratio":"16:9","resolution":"480P"}"#)
    }

    @Test(arguments: ["19.5:9", "9:20", "21:9", "2.39:1"])
    func presetAndCustomRatiosAreSentAsGiven(ratio: String) throws {
        let aspectRatio = try #require(AspectRatio(rawValue: ratio))
        let (_, body) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain", aspectRatio: aspectRatio))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"8","aspect_ratio":""# + ratio
                + #"","resolution":"480P"}"#)
    }

    @Test func oneImageTravelsInImage() throws {
        let (request, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video", prompt: "Animate", seconds: 6, images: [.data(Fixture.pngBytes)]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"6","aspect_ratio":"16:9","resolution":"480P","image":"data:image/png;base64,"#
                + Fixture.pngBase64 + #""}"#)
        #expect(!body.contains(#""images""#))
        #expect(request.body.length == Int64(body.utf8.count))
    }

    @Test func severalImagesTravelInImages() throws {
        let dataURI = URL(string: "data:image/webp;base64," + Fixture.webpBase64)!
        let (request, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video", prompt: "Animate", seconds: 10, aspectRatio: "9:16", resolution: .p720,
                images: [.data(Fixture.pngBytes), .data(Fixture.jpegBytes, format: .jpeg), .url(dataURI)]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"10","aspect_ratio":"9:16","resolution":"720P","images":["data:image/png;base64,"#
                + Fixture.pngBase64 + #"","data:image/jpeg;base64,"# + Fixture.jpegBase64
                + #"","data:image/webp;base64,"# + Fixture.webpBase64 + #""]}"#)
        #expect(!body.contains(#""image":"#))
        #expect(request.body.length == Int64(body.utf8.count))
    }

    @Test func aLocalFileIsStreamedAsADataURI() throws {
        try Fixture.withTemporaryFile(named: "reference.jpg", containing: Fixture.jpegBytes) { file in
            let resolved = try Fixture.resolve(
                VideoRequest(model: "grok-imagine-video", prompt: "Animate", images: [.file(file)]))
            #expect(resolved.images == [.dataURI(.file(file, byteCount: 22), .jpeg)])
            #expect(
                resolved.warnings.map(\.message) == [
                    "images[0] sent as data-uri (given as file): grok-imagine-video takes data-uri."
                ])
            let request = try Fixture.provider.submitRequest(for: resolved, context: Fixture.context)
            #expect(request.body.readsFiles)
            let body = String(decoding: try request.body.collect(), as: UTF8.self)
            #expect(
                body
                    == #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"8","aspect_ratio":"16:9","resolution":"480P","image":"data:image/jpeg;base64,"#
                    + Fixture.jpegBase64 + #""}"#)
            #expect(request.body.length == Int64(body.utf8.count))
        }
    }

    @Test func sevenImagesAreAccepted() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video", prompt: "Animate",
                images: Array(repeating: .data(Fixture.pngBytes), count: 7)))
        let member = #""data:image/png;base64,"# + Fixture.pngBase64 + #"""#
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"8","aspect_ratio":"16:9","resolution":"480P","images":["#
                + Array(repeating: member, count: 7).joined(separator: ",") + "]}")
    }

    @Test func vendorOptionsFollowTheTypedFieldsSortedByKey() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-imagine-video", prompt: "Rain", images: [.data(Fixture.pngBytes)],
                vendorOptions: ["watermark": false, "callback_url": "https://example.com/hook", "n": 1]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"8","aspect_ratio":"16:9","resolution":"480P","image":"data:image/png;base64,"#
                + Fixture.pngBase64 + #"","callback_url":"https://example.com/hook","n":1,"watermark":false}"#)
    }

    @Test func promptIsEscapedAndKeptAsUTF8() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Say \"hi\"\r\n猫咪 \\ 🐱\t"))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Say \"hi\"\r\n猫咪 \\ 🐱\t","seconds":"8","aspect_ratio":"16:9","resolution":"480P"}"#
        )
    }

    @Test func baseURLPathPrefixAndHeaders() throws {
        var headers = HTTPHeaders()
        headers["X-Team"] = "video"
        headers["Content-Type"] = "text/plain"
        let context = ProviderContext(
            baseURL: URL(string: "https://proxy.example.com/openai/")!, apiKey: APIKey(Fixture.secret),
            additionalHeaders: headers)
        let (request, _) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain"), context: context)
        #expect(request.url.absoluteString == "https://proxy.example.com/openai/v1/videos")
        #expect(request.headers["X-Team"] == "video")
        #expect(request.headers["Content-Type"] == "application/json")
    }

    @Test func noKeyMeansNoAuthorizationHeader() throws {
        let (request, _) = try Fixture.submit(
            VideoRequest(model: "grok-imagine-video", prompt: "Rain"),
            context: ProviderContext(baseURL: Fixture.baseURL, apiKey: nil))
        #expect(request.headers["Authorization"] == nil)
    }

    @Test func theKeyAppearsOnlyInTheAuthorizationHeader() throws {
        let (request, body) = try Fixture.submit(VideoRequest(model: "grok-imagine-video", prompt: "Rain"))
        #expect(!body.contains(Fixture.secret))
        #expect(!request.url.absoluteString.contains(Fixture.secret))
        #expect(request.headers.filter { $0.value.contains(Fixture.secret) }.map(\.name) == ["Authorization"])
        #expect(request.headers.redacted()["Authorization"] == "Bearer [redacted]")
    }

    /// A table that wrongly allowed public URLs would still never put one on the wire: the provider refuses.
    @Test func aPublicURLThatGetsPastValidationIsRefusedNotSent() throws {
        let valid = try Fixture.resolve(VideoRequest(model: "grok-imagine-video", prompt: "Rain"))
        let request = ResolvedVideoRequest(
            model: valid.model, prompt: valid.prompt, seconds: valid.seconds, sendsDuration: true,
            aspectRatio: valid.aspectRatio, resolution: valid.resolution,
            images: [.publicURL(URL(string: "https://example.com/a.png")!)], vendorOptions: [:], warnings: [],
            capabilities: valid.capabilities)
        let error = #expect(throws: VideoProviderError.self) {
            try Fixture.provider.submitRequest(for: request, context: Fixture.context)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(
            error?.violations == [
                Violation(
                    parameter: "images[0]", value: "https://example.com/a.png", allowed: "data-uri",
                    reason: "the OpenAI-format gateways take image bytes only")
            ])
    }

    /// Uploaded bytes (a multipart form) are still bytes: a JSON model carries them as a data URI.
    @Test func anUploadIsWrittenAsADataURI() throws {
        let valid = try Fixture.resolve(VideoRequest(model: "grok-imagine-video", prompt: "Rain"))
        let request = ResolvedVideoRequest(
            model: valid.model, prompt: valid.prompt, seconds: valid.seconds, sendsDuration: true,
            aspectRatio: valid.aspectRatio, resolution: valid.resolution,
            images: [.upload(.bytes(Fixture.pngBytes), .png, filename: "a.png")], vendorOptions: [:], warnings: [],
            capabilities: valid.capabilities)
        let body = String(
            decoding: try Fixture.provider.submitRequest(for: request, context: Fixture.context).body.collect(),
            as: UTF8.self)
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"8","aspect_ratio":"16:9","resolution":"480P","image":"data:image/png;base64,"#
                + Fixture.pngBase64 + #""}"#)
    }
}
