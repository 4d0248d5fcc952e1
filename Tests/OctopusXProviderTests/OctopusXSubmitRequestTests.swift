import Foundation
import OctopusXProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Exact multipart submits: method, URL, headers and every body byte.
@Suite struct OctopusXSubmitRequestTests {
    /// The document's curl example (`-F model=grok-video-3 … -F input_reference=@reference.png`), byte for
    /// byte, spelled out without helpers.
    @Test func documentedExampleIsByteExact() throws {
        try Fixture.withTemporaryFile(named: "reference.png", containing: Fixture.pngBytes) { file in
            let (request, body) = try Fixture.submit(
                VideoRequest(
                    model: "grok-video-3", prompt: "猫咪听歌摇头晃脑,下大雨", seconds: 6, aspectRatio: "2:3",
                    resolution: .p720, images: [.file(file)]))
            #expect(request.method == .post)
            #expect(request.url.absoluteString == "https://octopusx.ai/v1/videos")
            #expect(request.headers["Content-Type"] == "multipart/form-data; boundary=VPKTestBoundary7MA4YWxkTrZu0gW")
            #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
            #expect(request.headers["Accept"] == "application/json")
            #expect(request.createsTask)
            // The file is streamed when the body is written, not loaded up front.
            #expect(request.body.readsFiles)
            let head =
                Data(
                    ("--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                        + "Content-Disposition: form-data; name=\"model\"\r\n"
                        + "\r\n"
                        + "grok-video-3\r\n"
                        + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                        + "Content-Disposition: form-data; name=\"prompt\"\r\n"
                        + "\r\n"
                        + "猫咪听歌摇头晃脑,下大雨\r\n"
                        + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                        + "Content-Disposition: form-data; name=\"aspect_ratio\"\r\n"
                        + "\r\n"
                        + "2:3\r\n"
                        + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                        + "Content-Disposition: form-data; name=\"seconds\"\r\n"
                        + "\r\n"
                        + "6\r\n"
                        + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                        + "Content-Disposition: form-data; name=\"size\"\r\n"
                        + "\r\n"
                        + "720P\r\n"
                        + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                        + "Content-Disposition: form-data; name=\"input_reference\"; filename=\"reference.png\"\r\n"
                        + "Content-Type: image/png\r\n"
                        + "\r\n").utf8)
            let tail = Data("\r\n--VPKTestBoundary7MA4YWxkTrZu0gW--\r\n".utf8)
            #expect(body == head + Fixture.pngBytes + tail)
            // What URLSessionTransport sends as Content-Length.
            #expect(request.body.length == Int64(body.count))
            #expect(body.count == 734)
        }
    }

    /// The helpers used below produce exactly the literal bytes above.
    @Test func helpersMatchTheLiteralSpelling() {
        #expect(
            Fixture.textPart("model", "grok-video-3")
                == Data(
                    "--VPKTestBoundary7MA4YWxkTrZu0gW\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ngrok-video-3\r\n"
                        .utf8))
        #expect(Fixture.closing == Data("--VPKTestBoundary7MA4YWxkTrZu0gW--\r\n".utf8))
    }

    @Test func textToVideoDefaultsAreWrittenExplicitly() throws {
        let (request, body) = try Fixture.submit(VideoRequest(model: "grok-video-3", prompt: "Rain"))
        #expect(body == Fixture.leadingParts(model: "grok-video-3", seconds: "6") + Fixture.closing)
        #expect(request.body.length == Int64(body.count))
        #expect(!request.body.readsFiles)
    }

    @Test(arguments: ["grok-video-3-pro", "grok-video-3-max"])
    func fixedTiersOmitSeconds(model: String) throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(model: model, prompt: "Rain", aspectRatio: "9:16", resolution: .p1080))
        #expect(
            body
                == Fixture.leadingParts(model: model, aspectRatio: "9:16", seconds: nil, size: "1080P")
                + Fixture.closing)
        #expect(!String(decoding: body, as: UTF8.self).contains("name=\"seconds\""))
    }

    @Test(arguments: [("grok-video-3-pro", 10), ("grok-video-3-max", 15)])
    func fixedTiersOmitSecondsEvenWhenTheFixedValueIsGiven(model: String, seconds: Int) throws {
        let resolved = try Fixture.resolve(VideoRequest(model: model, prompt: "Rain", seconds: seconds))
        #expect(resolved.seconds == seconds)
        #expect(resolved.sendsDuration == false)
        let (_, body) = try Fixture.submit(VideoRequest(model: model, prompt: "Rain", seconds: seconds))
        #expect(body == Fixture.leadingParts(model: model, seconds: nil) + Fixture.closing)
    }

    @Test(arguments: [
        ("grok_video3", "grok-video-3", "6" as String?), ("grok_video3_pro", "grok-video-3-pro", nil),
        ("grok_video3_max", "grok-video-3-max", nil),
    ])
    func familyAliasIsSentAsTheNativeName(alias: String, native: String, seconds: String?) throws {
        let (_, body) = try Fixture.submit(VideoRequest(model: alias, prompt: "Rain"))
        #expect(body == Fixture.leadingParts(model: native, seconds: seconds) + Fixture.closing)
    }

    /// Bytes, a local file and a data URI all become `input_reference` file parts, in order.
    @Test func everyImageFormBecomesAFilePart() throws {
        let dataURI = URL(string: "data:image/webp;base64," + Fixture.webpBase64)!
        try Fixture.withTemporaryFile(named: "ref.jpg", containing: Fixture.jpegBytes) { file in
            let resolved = try Fixture.resolve(
                VideoRequest(
                    model: "grok-video-3", prompt: "Animate", seconds: 12,
                    images: [.data(Fixture.pngBytes), .file(file), .url(dataURI)]))
            #expect(
                resolved.images == [
                    .upload(.bytes(Fixture.pngBytes), .png, filename: "image-1.png"),
                    .upload(.file(file, byteCount: 22), .jpeg, filename: "ref.jpg"),
                    .upload(.bytes(Fixture.webpBytes), .webp, filename: "image-3.webp"),
                ])
            // Only the data URI changed form, and that is reported.
            #expect(resolved.warnings.map(\.kind) == [.converted])
            #expect(resolved.warnings.map(\.parameter) == ["images[2]"])
            #expect(resolved.warnings.first?.requested == "data-uri")
            #expect(resolved.warnings.first?.applied == "multipart-file")
            let request = try Fixture.provider.submitRequest(for: resolved, context: Fixture.context)
            let body = try request.body.collect()
            let expected = Fixture.joined([
                Fixture.leadingParts(model: "grok-video-3", prompt: "Animate", seconds: "12"),
                Fixture.filePart(
                    "input_reference", filename: "image-1.png", contentType: "image/png", Fixture.pngBytes),
                Fixture.filePart("input_reference", filename: "ref.jpg", contentType: "image/jpeg", Fixture.jpegBytes),
                Fixture.filePart(
                    "input_reference", filename: "image-3.webp", contentType: "image/webp", Fixture.webpBytes),
                Fixture.closing,
            ])
            #expect(body == expected)
            #expect(request.body.length == Int64(body.count))
        }
    }

    @Test func sevenImagesAreSevenParts() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-video-3-max", prompt: "Rain", images: Array(repeating: .data(Fixture.jpegBytes), count: 7))
        )
        var expected = Fixture.leadingParts(model: "grok-video-3-max", seconds: nil)
        for index in 1...7 {
            expected += Fixture.filePart(
                "input_reference", filename: "image-\(index).jpg", contentType: "image/jpeg", Fixture.jpegBytes)
        }
        #expect(body == expected + Fixture.closing)
    }

    @Test func filenamesAreEscapedPerTheFormEncodingRules() throws {
        try Fixture.withTemporaryFile(named: "my \"ref\".png", containing: Fixture.pngBytes) { file in
            let (_, body) = try Fixture.submit(
                VideoRequest(model: "grok-video-3-pro", prompt: "Rain", images: [.file(file)]))
            let expected = Fixture.joined([
                Fixture.leadingParts(model: "grok-video-3-pro", seconds: nil),
                Fixture.filePart(
                    "input_reference", filename: "my %22ref%22.png", contentType: "image/png", Fixture.pngBytes),
                Fixture.closing,
            ])
            #expect(body == expected)
        }
    }

    /// Vendor options come last, sorted; strings as themselves, other values as compact JSON, null left out.
    @Test func vendorOptionsFollowAsTextPartsSortedByKey() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-video-3", prompt: "Rain", images: [.data(Fixture.pngBytes)],
                vendorOptions: [
                    "watermark": false, "callback_url": "https://example.com/hook", "n": 1, "extra": nil,
                    "meta": ["b": 2, "a": "x"],
                ]))
        let expected = Fixture.joined([
            Fixture.leadingParts(model: "grok-video-3", seconds: "6"),
            Fixture.filePart("input_reference", filename: "image-1.png", contentType: "image/png", Fixture.pngBytes),
            Fixture.textPart("callback_url", "https://example.com/hook"),
            Fixture.textPart("meta", #"{"a":"x","b":2}"#),
            Fixture.textPart("n", "1"),
            Fixture.textPart("watermark", "false"),
            Fixture.closing,
        ])
        #expect(body == expected)
    }

    @Test func promptIsSentRawAsUTF8() throws {
        let prompt = "Say \"hi\"\r\n猫咪 \\ 🐱"
        let (_, body) = try Fixture.submit(VideoRequest(model: "grok-video-3", prompt: prompt, seconds: 30))
        #expect(body == Fixture.leadingParts(model: "grok-video-3", prompt: prompt, seconds: "30") + Fixture.closing)
    }

    @Test func productionContextUsesARandomBoundaryThatMatchesTheHeader() throws {
        let context = ProviderContext(baseURL: Fixture.baseURL, apiKey: APIKey(Fixture.secret))
        let (request, body) = try Fixture.submit(VideoRequest(model: "grok-video-3", prompt: "Rain"), context: context)
        let contentType = try #require(request.headers["Content-Type"])
        let prefix = "multipart/form-data; boundary="
        #expect(contentType.hasPrefix(prefix))
        let boundary = String(contentType.dropFirst(prefix.count))
        #expect(boundary == context.multipartBoundary)
        #expect(boundary.count == "VideoProviderKit-".count + 24)
        #expect(body.starts(with: Data("--\(boundary)\r\n".utf8)))
        #expect(body.suffix(boundary.count + 6) == Data("--\(boundary)--\r\n".utf8))
    }

    @Test func baseURLPathPrefixAndHeaders() throws {
        let context = ProviderContext(
            baseURL: URL(string: "https://proxy.example.com/octopus/")!, apiKey: nil,
            additionalHeaders: ["X-Team": "video", "Content-Type": "text/plain"], multipartBoundary: Fixture.boundary)
        let (request, _) = try Fixture.submit(VideoRequest(model: "grok-video-3", prompt: "Rain"), context: context)
        #expect(request.url.absoluteString == "https://proxy.example.com/octopus/v1/videos")
        #expect(request.headers["X-Team"] == "video")
        #expect(request.headers["Content-Type"] == "multipart/form-data; boundary=\(Fixture.boundary)")
        #expect(request.headers["Authorization"] == nil)
    }

    /// A table that wrongly allowed public URLs would still never put one on the wire: the provider refuses.
    @Test func aPublicURLThatGetsPastValidationIsRefusedNotSent() throws {
        let valid = try Fixture.resolve(VideoRequest(model: "grok-video-3", prompt: "Rain"))
        let request = ResolvedVideoRequest(
            model: valid.model, prompt: valid.prompt, seconds: valid.seconds, sendsDuration: true,
            aspectRatio: valid.aspectRatio, resolution: valid.resolution,
            images: [.publicURL(URL(string: "https://example.com/a.png")!)], vendorOptions: [:], warnings: [],
            capabilities: valid.capabilities)
        let error = #expect(throws: VideoProviderError.self) {
            try Fixture.provider.submitRequest(for: request, context: Fixture.context)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.providerID == "octopusx")
        #expect(error?.violations.map(\.allowed) == ["multipart-file"])
    }
}
