import AizfwProvider
import Foundation
import KyyReactDialect
import Testing
import VideoProviderKit

/// Exact submit requests: method, URL, headers and every body byte.
@Suite struct AizfwSubmitRequestTests {
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

    @Test func defaultsAreWrittenExplicitly() throws {
        let (_, body) = try Fixture.submit(VideoRequest(model: "grok_video3", prompt: "A lighthouse at dusk"))
        #expect(
            body
                == #"{"model":"grok_video3","prompt":"A lighthouse at dusk","duration":6,"aspect_ratio":"16:9","resolution":"480p"}"#
        )
    }

    @Test func familyAliasIsSentAsTheNativeName() throws {
        let (_, body) = try Fixture.submit(VideoRequest(model: "grok-video-3", prompt: "Waves", seconds: 8))
        #expect(
            body == #"{"model":"grok_video3","prompt":"Waves","duration":8,"aspect_ratio":"16:9","resolution":"480p"}"#)
    }

    @Test func imageToVideoSendsPublicURLs() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok_video3", prompt: "Bring the photos to life", seconds: 12, aspectRatio: "9:16",
                images: [
                    .url(URL(string: "https://example.com/image1.jpg")!),
                    .url(URL(string: "https://example.com/image2.jpg")!),
                ]))
        #expect(
            body
                == #"{"model":"grok_video3","prompt":"Bring the photos to life","duration":12,"aspect_ratio":"9:16","resolution":"480p","image_urls":["https://example.com/image1.jpg","https://example.com/image2.jpg"]}"#
        )
    }

    @Test func proOmitsDurationAndResolution() throws {
        let (request, body) = try Fixture.submit(
            VideoRequest(
                model: "grok_video3_pro", prompt: "A red fox in snow", aspectRatio: "1:1",
                images: [.url(URL(string: "https://example.com/fox.png")!)]))
        #expect(request.url.absoluteString == "https://zcbservice.aizfw.cn/kyyReactApiServer/v1/grok/videos")
        #expect(
            body
                == #"{"model":"grok_video3_pro","prompt":"A red fox in snow","aspect_ratio":"1:1","image_urls":["https://example.com/fox.png"]}"#
        )
    }

    @Test func proRefusesAResolutionItCannotChoose() throws {
        // Seed 000: grok_video3_pro "does not support specifying resolution".
        let error = try #require(throws: VideoProviderError.self) {
            try Fixture.resolve(VideoRequest(model: "grok_video3_pro", prompt: "A red fox", resolution: .p720))
        }
        #expect(error.kind == .invalidRequest)
        #expect(
            error.violations == [
                Violation(
                    parameter: "resolution", value: "720p", allowed: "none",
                    reason: "grok_video3_pro does not let the caller choose a resolution")
            ])
    }

    @Test func proDropsAResolutionWithAWarningWhenAdjusting() throws {
        let resolved = try Fixture.resolve(
            VideoRequest(model: "grok_video3_pro", prompt: "A red fox", resolution: .p720), policy: .adjustToNearest)
        #expect(resolved.resolution == nil)
        #expect(resolved.seconds == 10)
        #expect(resolved.sendsDuration == false)
        let warning = try #require(resolved.warnings.first)
        #expect(resolved.warnings.count == 1)
        #expect(warning.kind == .ignored)
        #expect(warning.parameter == "resolution")
        #expect(warning.requested == "720p")
        #expect(warning.applied == nil)
        let body = String(
            decoding: try Fixture.provider.submitRequest(for: resolved, context: Fixture.context).body.collect(),
            as: UTF8.self)
        #expect(body == #"{"model":"grok_video3_pro","prompt":"A red fox","aspect_ratio":"16:9"}"#)
    }

    @Test func vendorOptionsFollowTheTypedFieldsSortedByKey() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(
                model: "grok_video3", prompt: "Rain", seconds: 6,
                vendorOptions: ["watermark": false, "callback_url": "https://example.com/hook", "tags": ["a", 1]]))
        #expect(
            body
                == #"{"model":"grok_video3","prompt":"Rain","duration":6,"aspect_ratio":"16:9","resolution":"480p","callback_url":"https://example.com/hook","tags":["a",1],"watermark":false}"#
        )
    }

    @Test func promptIsEscapedAndKeptAsUTF8() throws {
        let (_, body) = try Fixture.submit(
            VideoRequest(model: "grok_video3", prompt: "Say \"hi\"\n猫咪 \\ 🐱", seconds: 6))
        #expect(
            body
                == #"{"model":"grok_video3","prompt":"Say \"hi\"\n猫咪 \\ 🐱","duration":6,"aspect_ratio":"16:9","resolution":"480p"}"#
        )
    }

    @Test func additionalHeadersAreSentAndContentTypeStaysJSON() throws {
        var headers = HTTPHeaders()
        headers["X-Team"] = "video"
        headers["Content-Type"] = "text/plain"
        let context = ProviderContext(
            baseURL: URL(string: "https://proxy.example.com/kyyReactApiServer/")!,
            apiKey: APIKey(Fixture.secret), additionalHeaders: headers)
        let request = try Fixture.provider.submitRequest(
            for: try Fixture.resolve(VideoRequest(model: "grok_video3", prompt: "Rain")), context: context)
        #expect(request.url.absoluteString == "https://proxy.example.com/kyyReactApiServer/v1/grok/videos")
        #expect(request.headers["X-Team"] == "video")
        #expect(request.headers["Content-Type"] == "application/json")
    }

    @Test func noKeyMeansNoAuthorizationHeader() throws {
        let context = ProviderContext(baseURL: Fixture.baseURL, apiKey: nil)
        let request = try Fixture.provider.submitRequest(
            for: try Fixture.resolve(VideoRequest(model: "grok_video3", prompt: "Rain")), context: context)
        #expect(request.headers["Authorization"] == nil)
    }
}
