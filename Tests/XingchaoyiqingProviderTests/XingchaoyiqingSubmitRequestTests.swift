import Foundation
import KyyReactDialect
import Testing
import VideoProviderKit
import XingchaoyiqingProvider

/// Exact submit requests: method, URL, headers and every body byte.
@Suite struct XingchaoyiqingSubmitRequestTests {
    @Test func documentedExampleIsByteExact() throws {
        let (request, body) = try Fixture.submit(
            VideoRequest(
                model: "grok_video3", prompt: "A cat dancing in the rain, cinematic style", seconds: 10,
                aspectRatio: "16:9", resolution: .p720))
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "https://zcbservice.aizfw.cn/kyyReactApiServer/v1/grok/videos")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Authorization"] == "Bearer \(Fixture.secret)")
        #expect(request.createsTask)
        #expect(
            body
                == #"{"model":"grok_video3","prompt":"A cat dancing in the rain, cinematic style","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
        )
    }

    @Test(arguments: [
        (
            "grok_video3",
            #"{"model":"grok_video3","prompt":"Rain","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
        ),
        ("grok_video3_pro", #"{"model":"grok_video3_pro","prompt":"Rain","aspect_ratio":"16:9","resolution":"720p"}"#),
        (
            "grok_video3_max",
            #"{"model":"grok_video3_max","prompt":"Rain","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
        ),
        (
            "grok_video3_stable",
            #"{"model":"grok_video3_stable","prompt":"Rain","duration":10,"aspect_ratio":"16:9","resolution":"720p"}"#
        ),
    ])
    func defaultsAreWrittenExplicitly(model: String, expectedBody: String) throws {
        let (_, body) = try Fixture.submit(VideoRequest(model: model, prompt: "Rain"))
        #expect(body == expectedBody)
    }

    @Test func proOmitsDurationEvenWhenTenIsGiven() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok_video3_pro", prompt: "Rain", seconds: 10, aspectRatio: "16:9", resolution: .p720))
        #expect(body == #"{"model":"grok_video3_pro","prompt":"Rain","aspect_ratio":"16:9","resolution":"720p"}"#)
    }

    @Test func stableWithExplicitSettings() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok_video3_stable", prompt: "Rain", seconds: 6, aspectRatio: "2:3", resolution: .p480))
        #expect(
            body
                == #"{"model":"grok_video3_stable","prompt":"Rain","duration":6,"aspect_ratio":"2:3","resolution":"480p"}"#
        )
    }

    @Test func maxImageToVideoSendsPublicURLs() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok_video3_max", prompt: "Bring them to life", seconds: 16, aspectRatio: "1:1",
                images: [
                    .url(URL(string: "https://example.com/ref1.jpg")!),
                    .url(URL(string: "https://example.com/ref2.jpg")!),
                ]))
        #expect(
            body
                == #"{"model":"grok_video3_max","prompt":"Bring them to life","duration":16,"aspect_ratio":"1:1","resolution":"720p","image_urls":["https://example.com/ref1.jpg","https://example.com/ref2.jpg"]}"#
        )
    }

    @Test func imageBytesBecomeDataURIsInImageURLs() throws {
        let (request, body) = try Fixture.submit(
            VideoRequest(
                model: "grok_video3", prompt: "Animate", seconds: 6,
                images: [
                    .data(Fixture.pngBytes),
                    .url(URL(string: "https://example.com/ref.webp")!),
                    .data(Fixture.jpegBytes, format: .jpeg),
                ]))
        #expect(
            body
                == #"{"model":"grok_video3","prompt":"Animate","duration":6,"aspect_ratio":"16:9","resolution":"720p","image_urls":["data:image/png;base64,"#
                + Fixture.pngBase64 + #"","https://example.com/ref.webp","data:image/jpeg;base64,"# + Fixture.jpegBase64
                + #""]}"#)
        // The length is known before writing, so the body can be streamed with a Content-Length.
        #expect(request.body.length == Int64(body.utf8.count))
    }

    @Test func imageBytesAreConvertedWithoutAnyWarning() throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok_video3_pro", prompt: "Animate", images: [.data(Fixture.pngBytes)]))
        #expect(resolved.images == [.dataURI(.bytes(Fixture.pngBytes), .png)])
        #expect(resolved.warnings.isEmpty)
    }

    @Test func aDataURIGivenAsAURLIsResent() throws {
        let dataURI = URL(string: "data:image/png;base64," + Fixture.pngBase64)!
        let (_, body) = try Fixture.submit(
            VideoRequest(model: "grok_video3_pro", prompt: "Animate", images: [.url(dataURI)]))
        #expect(
            body
                == #"{"model":"grok_video3_pro","prompt":"Animate","aspect_ratio":"16:9","resolution":"720p","image_urls":["data:image/png;base64,"#
                + Fixture.pngBase64 + #""]}"#)
    }

    @Test func aLocalFileIsStreamedAsADataURI() throws {
        try Fixture.withTemporaryFile(named: "reference.png", containing: Fixture.pngBytes) { file in
            let (request, body) = try Fixture.submit(
                VideoRequest(model: "grok_video3", prompt: "Animate", images: [.file(file)]))
            #expect(request.body.readsFiles)
            #expect(
                body
                    == #"{"model":"grok_video3","prompt":"Animate","duration":10,"aspect_ratio":"16:9","resolution":"720p","image_urls":["data:image/png;base64,"#
                    + Fixture.pngBase64 + #""]}"#)
        }
    }

    @Test func vendorOptionsFollowTheTypedFieldsSortedByKey() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok_video3_stable", prompt: "Rain", vendorOptions: ["user": "u-1", "enhance_prompt": true]))
        #expect(
            body
                == #"{"model":"grok_video3_stable","prompt":"Rain","duration":10,"aspect_ratio":"16:9","resolution":"720p","enhance_prompt":true,"user":"u-1"}"#
        )
    }
}
