import DuoyuanxProvider
import Foundation
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Exact submits in both encodings: JSON for `grok-imagine-video`, multipart for the grok-video family.
@Suite struct DuoyuanxSubmitRequestTests {
    // MARK: JSON (grok-imagine-video)

    /// The page's curl example, field for field.
    @Test func documentedJSONExampleIsByteExact() throws {
        let (request, body) = try Fixture.submitJSON(
            VideoRequest(
                model: "grok-imagine-video", prompt: Fixture.documentedPrompt, seconds: 8, aspectRatio: "16:9",
                resolution: .p720))
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "https://duoyuanx.com/v1/videos")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.createsTask)
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"A city street in the early morning, sunlight filtering through leaves, camera slowly moving forward","seconds":"8","aspect_ratio":"16:9","resolution":"720P"}"#
        )
        #expect(request.body.length == Int64(body.utf8.count))
    }

    @Test func jsonDefaultsAreWrittenExplicitly() throws {
        let (_, body) = try Fixture.submitJSON(VideoRequest(model: "grok-imagine-video", prompt: "Rain"))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Rain","seconds":"8","aspect_ratio":"16:9","resolution":"480P"}"#
        )
    }

    @Test func oneImageTravelsInImage() throws {
        let (_, body) = try Fixture.submitJSON(
            VideoRequest(
                model: "grok-imagine-video", prompt: "Animate", seconds: 3, aspectRatio: "20:9",
                images: [.data(Fixture.webpBytes)]))
        #expect(
            body
                == #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"3","aspect_ratio":"20:9","resolution":"480P","image":"data:image/webp;base64,"#
                + Fixture.webpBase64 + #""}"#)
    }

    @Test func severalImagesTravelInImages() throws {
        try Fixture.withTemporaryFile(named: "a.png", containing: Fixture.pngBytes) { file in
            let (request, body) = try Fixture.submitJSON(
                VideoRequest(
                    model: "grok-imagine-video", prompt: "Animate", images: [.file(file), .data(Fixture.jpegBytes)]))
            #expect(request.body.readsFiles)
            #expect(
                body
                    == #"{"model":"grok-imagine-video","prompt":"Animate","seconds":"8","aspect_ratio":"16:9","resolution":"480P","images":["data:image/png;base64,"#
                    + Fixture.pngBase64 + #"","data:image/jpeg;base64,"# + Fixture.jpegBase64 + #""]}"#)
            #expect(request.body.length == Int64(body.utf8.count))
        }
    }

    // MARK: Multipart (grok-video family)

    @Test(arguments: [
        ("grok-video-1.5", "6" as String?), ("grok-video-3", "6"), ("grok-video-3-pro", nil), ("grok-video-3-max", nil),
    ])
    func multipartDefaultsAreWrittenExplicitly(model: String, seconds: String?) throws {
        let (request, body) = try Fixture.submit(VideoRequest(model: model, prompt: "Rain"))
        #expect(request.url.absoluteString == "https://duoyuanx.com/v1/videos")
        #expect(request.headers["Content-Type"] == "multipart/form-data; boundary=\(Fixture.boundary)")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.createsTask)
        #expect(body == Fixture.leadingParts(model: model, seconds: seconds) + Fixture.closing)
        #expect(request.body.length == Int64(body.count))
    }

    /// A multipart body spelled out without helpers: every part, CRLF and the closing delimiter.
    @Test func multipartBodyIsByteExact() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-video-1.5", prompt: "Neon rain", seconds: 10, aspectRatio: "9:16", resolution: .p540,
                images: [.data(Fixture.jpegBytes)]))
        let head = Data(
            ("--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"model\"\r\n\r\ngrok-video-1.5\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"prompt\"\r\n\r\nNeon rain\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"aspect_ratio\"\r\n\r\n9:16\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"seconds\"\r\n\r\n10\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"size\"\r\n\r\n540P\r\n"
                + "--VPKTestBoundary7MA4YWxkTrZu0gW\r\n"
                + "Content-Disposition: form-data; name=\"input_reference\"; filename=\"image-1.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").utf8)
        let tail = Data("\r\n--VPKTestBoundary7MA4YWxkTrZu0gW--\r\n".utf8)
        #expect(body == head + Fixture.jpegBytes + tail)
    }

    @Test(arguments: [("grok-video-3-pro", Resolution.p1080, "1080P"), ("grok-video-3-max", .p480, "480P")])
    func fixedTiersOmitSeconds(model: String, resolution: Resolution, size: String) throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(model: model, prompt: "Rain", aspectRatio: "1:1", resolution: resolution))
        #expect(
            body == Fixture.leadingParts(model: model, aspectRatio: "1:1", seconds: nil, size: size) + Fixture.closing)
    }

    @Test(arguments: [
        ("grok_video3", "grok-video-3", "6" as String?), ("grok_video3_pro", "grok-video-3-pro", nil),
        ("grok_video3_max", "grok-video-3-max", nil),
    ])
    func familyAliasIsSentAsTheNativeName(alias: String, native: String, seconds: String?) throws {
        let (_, body) = try Fixture.submit(VideoRequest(model: alias, prompt: "Rain"))
        #expect(body == Fixture.leadingParts(model: native, seconds: seconds) + Fixture.closing)
    }

    /// Bytes, a local file and a data URI all become `input_reference` file parts.
    @Test func everyImageFormBecomesAFilePart() throws {
        let dataURI = URL(string: "data:image/png;base64," + Fixture.pngBase64)!
        try Fixture.withTemporaryFile(named: "still.webp", containing: Fixture.webpBytes) { file in
            let (request, body) = try Fixture.submit(
                VideoRequest(
                    model: "grok-video-3", prompt: "Animate",
                    images: [.url(dataURI), .file(file), .data(Fixture.jpegBytes, format: .jpeg)]))
            #expect(request.body.readsFiles)
            let expected = Fixture.joined([
                Fixture.leadingParts(model: "grok-video-3", prompt: "Animate", seconds: "6"),
                Fixture.filePart(
                    "input_reference", filename: "image-1.png", contentType: "image/png", Fixture.pngBytes),
                Fixture.filePart(
                    "input_reference", filename: "still.webp", contentType: "image/webp", Fixture.webpBytes),
                Fixture.filePart(
                    "input_reference", filename: "image-3.jpg", contentType: "image/jpeg", Fixture.jpegBytes),
                Fixture.closing,
            ])
            #expect(body == expected)
            #expect(request.body.length == Int64(body.count))
        }
    }

    @Test func vendorOptionsFollowTheImagesSortedByKey() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok-video-3-pro", prompt: "Rain", images: [.data(Fixture.pngBytes)],
                vendorOptions: ["user": "u-1", "enhance_prompt": true]))
        let expected = Fixture.joined([
            Fixture.leadingParts(model: "grok-video-3-pro", seconds: nil),
            Fixture.filePart("input_reference", filename: "image-1.png", contentType: "image/png", Fixture.pngBytes),
            Fixture.textPart("enhance_prompt", "true"),
            Fixture.textPart("user", "u-1"),
            Fixture.closing,
        ])
        #expect(body == expected)
    }
}
