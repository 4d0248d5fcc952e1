import Foundation
import RunwayProvider
import Testing
import VideoProviderKit
import VideoProviderTesting

/// What the shared contract cannot hold for Runway: the image-to-video endpoint, the version header, the
/// pixel-size ratios both ways, `DELETE` cancel, expiring output URLs and the mode rules on the real table.
@Suite struct RunwayRequestTests {
    static let key = "key_0123456789abcdef"
    static let context = ProviderContext(
        baseURL: RunwayConformanceTests.base, apiKey: APIKey(key), credentials: RunwayProvider().credentialScheme)
    static let pngURI = RunwayConformanceTests.pngURI
    static func video(
        _ model: String, _ prompt: String = "Rain", seconds: Int? = nil, aspectRatio: AspectRatio? = nil,
        resolution: Resolution? = nil, images: [ImageInput] = [], roles: [Int: ImageRole] = [:], seed: Int? = nil,
        negativePrompt: String? = nil, audio: Bool? = nil
    ) -> VideoRequest {
        RunwayConformanceTests.video(
            model, prompt: prompt, seconds: seconds, aspectRatio: aspectRatio, resolution: resolution, images: images,
            roles: roles, seed: seed, negativePrompt: negativePrompt, audio: audio)
    }

    static func submit(_ request: VideoRequest) throws -> (HTTPRequest, String) {
        let resolved = try RequestValidator.resolve(request, on: RunwayProvider().descriptor)
        let built = try RunwayProvider().submitRequest(for: resolved, context: context)
        return (built, String(decoding: try built.body.collect(), as: UTF8.self))
    }

    /// Image-to-video bodies, from Runway's examples and schema (`POST /v1/image_to_video`).
    static let imageToVideo: [(String, VideoRequest, String)] = [
        // Runway's skill, verbatim but for the array form: {"model":"gen4.5","promptImage":
        // "https://example.com/cover.jpg","promptText":"A slow dolly-in shot","ratio":"1280:720","duration":5}
        (
            "gen4.5, a public URL as the first frame",
            video("gen4.5", "A slow dolly-in shot", images: [.url(URL(string: "https://example.com/cover.jpg")!)]),
            #"{"model":"gen4.5","promptText":"A slow dolly-in shot","promptImage":[{"uri":"https://example.com/cover.jpg","position":"first"}],"ratio":"1280:720","duration":5}"#
        ),
        (
            "gen4_turbo, 1:1 is 960:960, a seed",
            video(
                "gen4_turbo", "The cat turns its head", aspectRatio: "1:1",
                images: [.url(URL(string: "https://example.com/cat.png")!)], seed: 42),
            #"{"model":"gen4_turbo","promptText":"The cat turns its head","promptImage":[{"uri":"https://example.com/cat.png","position":"first"}],"ratio":"960:960","duration":5,"seed":42}"#
        ),
        (
            "gen4.5, 4:3 / 3:4 / 21:9 are 1104:832, 832:1104, 1584:672",
            video("gen4.5", seconds: 2, aspectRatio: "21:9", images: [.data(SampleImage.png)]),
            #"{"model":"gen4.5","promptText":"Rain","promptImage":[{"uri":"\#(pngURI)","position":"first"}],"ratio":"1584:672","duration":2}"#
        ),
        (
            "gen4.5 at 3:4",
            video("gen4.5", aspectRatio: "3:4", images: [.url(URL(string: "https://example.com/a.webp")!)]),
            #"{"model":"gen4.5","promptText":"Rain","promptImage":[{"uri":"https://example.com/a.webp","position":"first"}],"ratio":"832:1104","duration":5}"#
        ),
        // The openapi's array example: [{"uri":"https://example.com/firstFrame.jpg","position":"first"},
        // {"uri":"https://example.com/lastFrame.jpg","position":"last"}]
        (
            "veo3.1, first and last frame, no audio, a negative prompt",
            video(
                "veo3.1", "The kite drifts over the dunes", resolution: .p1080,
                images: [.data(SampleImage.png), .url(URL(string: "https://example.com/lastFrame.jpg")!)],
                roles: [0: .firstFrame, 1: .lastFrame], negativePrompt: "blurry", audio: false),
            #"{"model":"veo3.1","promptText":"The kite drifts over the dunes","promptImage":[{"uri":"\#(pngURI)","position":"first"},{"uri":"https://example.com/lastFrame.jpg","position":"last"}],"ratio":"1920:1080","duration":8,"audio":false,"negativePrompt":"blurry"}"#
        ),
        (
            "gen4.5 at 4:3",
            video("gen4.5", aspectRatio: "4:3", images: [.url(URL(string: "https://example.com/a.jpg")!)]),
            #"{"model":"gen4.5","promptText":"Rain","promptImage":[{"uri":"https://example.com/a.jpg","position":"first"}],"ratio":"1104:832","duration":5}"#
        ),
    ]

    @Test(arguments: imageToVideo.indices)
    func imageToVideoBodies(_ index: Int) throws {
        let (name, request, body) = Self.imageToVideo[index]
        let (built, sent) = try Self.submit(request)
        #expect(built.url.absoluteString == "https://api.dev.runwayml.com/v1/image_to_video", "\(name)")
        #expect(sent == body, "\(name)")
        #expect(built.createsTask)
    }

    @Test func everyRequestCarriesTheVersionHeaderAndTheBearerKey() throws {
        let (submit, _) = try Self.submit(Self.video("gen4.5"))
        let status = try RunwayProvider().statusRequest(
            taskID: RunwayConformanceTests.taskID, model: "gen4.5", context: Self.context)
        let cancel = try #require(
            try RunwayProvider().cancelRequest(
                taskID: RunwayConformanceTests.taskID, model: "gen4.5", context: Self.context))
        for request in [submit, status, cancel] {
            #expect(request.headers["Authorization"] == "Bearer \(Self.key)")
            #expect(request.headers["X-Runway-Version"] == "2024-11-06")
            #expect(request.headers.redacted()["Authorization"] == "Bearer [redacted]")
            #expect(request.headers.redacted()["X-Runway-Version"] == "2024-11-06")
        }
        #expect(
            submit.headers.map(\.name) == ["Authorization", "Accept", "X-Runway-Version", "Content-Type"])
        #expect(status.method == .get)
        #expect(
            status.url.absoluteString == "https://api.dev.runwayml.com/v1/tasks/3086d332-1963-4c9d-8103-0f90efa72e20")
        #expect(cancel.method == .delete)
        #expect(
            cancel.url.absoluteString == "https://api.dev.runwayml.com/v1/tasks/3086d332-1963-4c9d-8103-0f90efa72e20")
        #expect(cancel.headers["Accept"] == "*/*")
        #expect(!cancel.createsTask)
        #expect(cancel.body.isEmpty)
    }

    @Test(arguments: ["", " "])
    func aCancelForABlankIDIsRefused(_ taskID: String) {
        #expect(throws: VideoProviderError.self) {
            try RunwayProvider().cancelRequest(taskID: taskID, model: "gen4.5", context: Self.context)
        }
    }

    @Test func aCancelAnsweredNoContentIsCancelledAndAnErrorIsRunways() throws {
        let taskID = RunwayConformanceTests.taskID
        let cancelled = try RunwayProvider().parseCancelResponse(HTTPResponse(status: 204), taskID: taskID)
        #expect(cancelled == TaskSnapshot(taskID: taskID, status: .cancelled))
        let missing = HTTPResponse(
            status: 404, headers: ["Content-Type": "application/json"], body: Data(#"{"error":"Task not found"}"#.utf8))
        #expect(throws: VideoProviderError.self) { try RunwayProvider().parseCancelResponse(missing, taskID: taskID) }
        do {
            _ = try RunwayProvider().parseCancelResponse(missing, taskID: taskID)
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.vendorMessage == "Task not found")
        }
    }

    /// "1280:720" ↔ 16:9 at 720p, and so on for every size the models take.
    @Test func theRatiosMapBothWays() {
        let table: [(AspectRatio, Resolution, String)] = [
            ("16:9", .p720, "1280:720"), ("9:16", .p720, "720:1280"), ("16:9", .p1080, "1920:1080"),
            ("9:16", .p1080, "1080:1920"), ("4:3", .p720, "1104:832"), ("3:4", .p720, "832:1104"),
            ("1:1", .p720, "960:960"), ("21:9", .p720, "1584:672"),
        ]
        for (aspect, resolution, ratio) in table {
            #expect(RunwayProvider.pixelRatio(aspectRatio: aspect, resolution: resolution) == ratio)
            let back = RunwayProvider.aspectRatioAndResolution(pixelRatio: ratio)
            #expect(back?.0 == aspect && back?.1 == resolution, "\(ratio)")
        }
        #expect(RunwayProvider.pixelRatio(aspectRatio: "1:1", resolution: .p1080) == nil)
        #expect(RunwayProvider.aspectRatioAndResolution(pixelRatio: "1280x720") == nil)
    }

    /// A completed task's URL counts as expiring 24 h after `createdAt` ("expire within 24-48 hours"), and the
    /// provider says its URLs expire, so a refused download asks for the task again.
    @Test func outputURLsExpire() throws {
        let body =
            #"{"id":"t1","createdAt":"2026-08-11T06:12:01.171Z","status":"SUCCEEDED","output":["https://dnznrvs05pmza.cloudfront.net/v.mp4?_jwt=a"]}"#
        let snapshot = try RunwayProvider().parseStatusResponse(
            HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Data(body.utf8)),
            taskID: "t1")
        let expiry = try #require(snapshot.videoURLExpiresAt).timeIntervalSince1970
        #expect(abs(expiry - (1_786_428_721.171 + 24 * 3600)) < 0.001)
        #expect(RunwayProvider().resultURLsExpire)
        let withoutDate = try RunwayProvider().parseStatusResponse(
            HTTPResponse(
                status: 200,
                body: Data(#"{"id":"t1","status":"SUCCEEDED","output":["https://cdn.example.com/v.mp4"]}"#.utf8)),
            taskID: "t1")
        #expect(withoutDate.videoURLExpiresAt == nil)
        #expect(withoutDate.videoURL?.absoluteString == "https://cdn.example.com/v.mp4")
    }

    /// Runway's `failureCode`s with a `SAFETY` part are content-policy refusals; the others are task failures.
    @Test func safetyFailureCodesAreContentPolicy() {
        for code in [
            "SAFETY.INPUT.TEXT", "SAFETY.INPUT.IMAGE", "SAFETY.OUTPUT.VIDEO", "INPUT_PREPROCESSING.SAFETY.TEXT",
        ] {
            #expect(VendorResponse.isContentPolicy(code: code, message: "Generation failed."), "\(code)")
        }
        for code in ["INTERNAL", "INTERNAL.BAD_OUTPUT.CODE01", "ASSET.INVALID", "THIRD_PARTY.UNAVAILABLE"] {
            #expect(!VendorResponse.isContentPolicy(code: code, message: "Generation failed."), "\(code)")
        }
    }

    /// "measured in UTF-16 code units": 1000 cats fit the table's 1000 characters but are 2000 units.
    @Test func aPromptOverAThousandUTF16UnitsIsRefusedBeforeSending() {
        do {
            _ = try Self.submit(Self.video("gen4.5", String(repeating: "🐱", count: 501)))
            Issue.record("accepted")
        } catch let error as VideoProviderError {
            #expect(error.kind == .invalidRequest)
            #expect(
                error.violations == [
                    Violation(
                        parameter: "prompt", value: "1002 UTF-16 code units", allowed: "at most 1000",
                        reason: "Runway measures promptText in UTF-16 code units")
                ])
        } catch {
            Issue.record("\(error)")
        }
    }

    /// sdk-python 5.13.0: `negative_prompt` (alias `negativePrompt`) in the text_to_video params of veo3.1,
    /// veo3.1_fast and veo3, as in their image_to_video params.
    @Test func aNegativePromptGoesToTextToVideoToo() throws {
        let (built, body) = try Self.submit(Self.video("veo3.1", negativePrompt: "blurry"))
        #expect(built.url.path == "/v1/text_to_video")
        #expect(
            body
                == #"{"model":"veo3.1","promptText":"Rain","ratio":"1280:720","duration":8,"audio":true,"negativePrompt":"blurry"}"#
        )
        let (_, veo3) = try Self.submit(Self.video("veo3", negativePrompt: "blurry"))
        #expect(
            veo3 == #"{"model":"veo3","promptText":"Rain","ratio":"1280:720","duration":8,"negativePrompt":"blurry"}"#)
    }

    /// "HTTPS only" ("Only HTTPS URLs are allowed.", docs "Inputs"): a plain-http image URL is refused before
    /// anything is sent.
    @Test func aPlainHTTPImageURLIsRefusedBeforeSending() {
        let error = #expect(throws: VideoProviderError.self) {
            try Self.submit(Self.video("gen4.5", images: [.url(URL(string: "http://example.com/a.jpg")!)]))
        }
        #expect(error?.kind == .invalidRequest)
        #expect(
            error?.violations == [
                Violation(
                    parameter: "images[0]", value: "http://example.com/a.jpg", allowed: "an https URL or a data URI",
                    reason: "Runway fetches HTTPS URLs only")
            ])
    }

    @Test func gen4TurboWithAnImageIsAccepted() throws {
        let (built, _) = try Self.submit(
            Self.video("gen4_turbo", images: [.data(SampleImage.jpeg)]))
        #expect(built.url.path == "/v1/image_to_video")
    }

    /// Options reach the body only under names the body does not set itself: Runway's `ratio` as an option
    /// is refused (it would be dropped behind the typed ratio), `contentModeration` goes in as given.
    @Test func optionsCannotShadowRunwaysOwnFields() throws {
        var shadowing = Self.video("gen4.5")
        shadowing.providerOptions = ["runway": ["ratio": "1920:1080"]]
        let error = #expect(throws: VideoProviderError.self) {
            try RequestValidator.resolve(shadowing, on: RunwayProvider().descriptor)
        }
        #expect(error?.violations.map(\.parameter) == ["provider-options.runway.ratio"])
        var moderated = Self.video("gen4.5")
        moderated.providerOptions = ["runway": ["contentModeration": ["publicFigureThreshold": "low"]]]
        let (_, body) = try Self.submit(moderated)
        #expect(
            body
                == #"{"model":"gen4.5","promptText":"Rain","ratio":"1280:720","duration":5,"contentModeration":{"publicFigureThreshold":"low"}}"#
        )
    }
}
