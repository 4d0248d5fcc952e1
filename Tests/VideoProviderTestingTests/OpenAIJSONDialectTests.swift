import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The OpenAI-format JSON dialect: `grok-imagine-video` (seed 002 generic gateway, seed 004 Duoyuanx).
@Suite struct OpenAIJSONDialectTests {
    static let duoyuanxSubmit = Raw.duoyuanx + "/v1/videos"

    /// Seed 004's curl example.
    static let documentedBody = """
        {
            "model": "grok-imagine-video",
            "prompt": "A city street in the early morning, sunlight filtering through leaves, camera slowly moving forward",
            "seconds": "8",
            "aspect_ratio": "16:9",
            "resolution": "720P"
          }
        """

    @Test(arguments: [Raw.duoyuanx, Raw.openAICompatible])
    func acceptsTheDocumentedExampleWithTheDocumentedAnswerShape(_ base: String) async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(simulator, Raw.postJSON(base + "/v1/videos", Self.documentedBody))
        #expect(response.status == 200)
        let json = try Raw.json(response)
        let id = try #require(json["id"]?.stringValue)
        #expect(id.hasPrefix("video_") && id.count == 38)
        #expect(json["object"] == .string("video"))
        #expect(json["model"] == .string("grok-imagine-video"))
        #expect(json["status"] == .string("queued"))
        #expect(json["progress"] == .int(0))
        #expect(json["created_at"] == .int(1_767_225_600))
        #expect(json["seconds"] == .string("8"))
        #expect(json["size"] == .string("720P"))
        #expect(json["video_url"] == .string(""))
        #expect(simulator.task(id)?.seconds == 8)
    }

    @Test(arguments: [
        #"{"model":"grok-imagine-video","prompt":"p"}"#,
        #"{"model":"grok-imagine-video","prompt":"p","seconds":"1","aspect_ratio":"9:19.5","resolution":"480P"}"#,
        #"{"model":"grok-imagine-video","prompt":"p","seconds":"15","aspect_ratio":"21:9","resolution":"720"}"#,
        #"{"model":"grok-imagine-video","prompt":"p","aspect_ratio":"2.39:1","resolution":"480"}"#,
        #"{"model":"grok-imagine-video","prompt":"p","seed":7}"#,
    ])
    func acceptsDocumentedVariants(_ body: String) async throws {
        try await Raw.expectAccepted(Raw.postJSON(Self.duoyuanxSubmit, body))
    }

    @Test func defaultsAndNumericResolutionsAreEchoedInTheVendorsSpelling() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let bare = try Raw.json(
            try await Raw.send(
                simulator, Raw.postJSON(Self.duoyuanxSubmit, #"{"model":"grok-imagine-video","prompt":"p"}"#)))
        #expect(bare["seconds"] == .string("8"))
        #expect(bare["size"] == .string("480P"))
        let numeric = try Raw.json(
            try await Raw.send(
                simulator,
                Raw.postJSON(Self.duoyuanxSubmit, #"{"model":"grok-imagine-video","prompt":"p","resolution":"720"}"#)))
        #expect(numeric["size"] == .string("720P"))
    }

    @Test func acceptsOneImageAsImageAndSeveralAsImages() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let png = Raw.dataURI(TinyImages.png, "image/png")
        let jpeg = Raw.dataURI(TinyImages.jpeg, "image/jpeg")
        let webp = Raw.dataURI(TinyImages.webp, "image/webp")
        let one = try await Raw.send(
            simulator,
            Raw.postJSON(Self.duoyuanxSubmit, #"{"model":"grok-imagine-video","prompt":"p","image":"\#(png)"}"#))
        #expect(one.status == 200)
        let three = try await Raw.send(
            simulator,
            Raw.postJSON(
                Self.duoyuanxSubmit,
                #"{"model":"grok-imagine-video","prompt":"p","images":["\#(png)","\#(jpeg)","\#(webp)"]}"#))
        #expect(three.status == 200)
        #expect(simulator.tasks.map(\.imageCount) == [1, 3])
        // What the server saw, parsed with JSONSerialization.
        let recorded = try #require(simulator.requests(.submit).last?.json)
        #expect(recorded["images"]?[2] == .string(webp))
    }

    static let refusals: [(body: String, code: String, fragment: String)] = [
        (#"{"prompt":"p"}"#, "missing_model", "'model' is required"),
        (#"{"model":"sora-2","prompt":"p"}"#, "model_not_found", "model 'sora-2' is not supported"),
        (#"{"model":"grok-imagine-video"}"#, "invalid_prompt", "'prompt' is required"),
        (#"{"model":"grok-imagine-video","prompt":"p","seconds":8}"#, "invalid_seconds", "must be a string"),
        (
            #"{"model":"grok-imagine-video","prompt":"p","seconds":"0"}"#, "invalid_seconds",
            "'seconds' 0 is out of range"
        ),
        (#"{"model":"grok-imagine-video","prompt":"p","seconds":"16"}"#, "invalid_seconds", "out of range"),
        (#"{"model":"grok-imagine-video","prompt":"p","seconds":"8.5"}"#, "invalid_seconds", "not a whole number"),
        (#"{"model":"grok-imagine-video","prompt":"p","seconds":"8s"}"#, "invalid_seconds", "not a whole number"),
        (#"{"model":"grok-imagine-video","prompt":"p","resolution":"720p"}"#, "invalid_resolution", "'720p'"),
        (#"{"model":"grok-imagine-video","prompt":"p","resolution":"1080P"}"#, "invalid_resolution", "'1080P'"),
        (#"{"model":"grok-imagine-video","prompt":"p","aspect_ratio":"0:1"}"#, "invalid_aspect_ratio", "'0:1'"),
        (#"{"model":"grok-imagine-video","prompt":"p","aspect_ratio":"wide"}"#, "invalid_aspect_ratio", "'wide'"),
        (#"{"model":"grok-imagine-video","prompt":"p","aspect_ratio":"16:9:1"}"#, "invalid_aspect_ratio", "16:9:1"),
        (#"{"model":"grok-imagine-video","prompt":"p","size":"720P"}"#, "unknown_parameter", "takes 'resolution'"),
        (#"{"model":"grok-imagine-video","prompt":"p","duration":8}"#, "unknown_parameter", "takes 'seconds'"),
        (
            #"{"model":"grok-imagine-video","prompt":"p","image":"https://example.com/a.png"}"#, "invalid_image",
            "must be a data URI"
        ),
        (#"{"model":"grok-imagine-video","prompt":"p","image":["x"]}"#, "invalid_image", "must be a data URI string"),
        (#"{"model":"grok-imagine-video","prompt":"p","image":"x","images":["y","z"]}"#, "invalid_images", "together"),
        (#"{"model":"grok-video-3","prompt":"p","seconds":"6"}"#, "invalid_content_type", "multipart/form-data"),
    ]

    @Test(arguments: refusals)
    func refusesBadRequestsWithTheOpenAIErrorShape(_ refusal: (body: String, code: String, fragment: String))
        async throws
    {
        let error = try ErrorShape.openAI(try await Raw.refusal(Raw.postJSON(Self.duoyuanxSubmit, refusal.body)))
        #expect(error.type == "invalid_request_error")
        #expect(error.code == refusal.code)
        #expect(error.message.contains(refusal.fragment), "\(error.message)")
    }

    @Test func refusesImageCountsAndFormats() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let png = Raw.dataURI(TinyImages.png, "image/png")
        let eight = Array(repeating: #""\#(png)""#, count: 8).joined(separator: ",")
        let cases: [(String, String)] = [
            (#"{"model":"grok-imagine-video","prompt":"p","images":["\#(png)"]}"#, "use 'image' for a single image"),
            (#"{"model":"grok-imagine-video","prompt":"p","images":[\#(eight)]}"#, "accepts at most 7"),
            (
                #"{"model":"grok-imagine-video","prompt":"p","image":"\#(Raw.dataURI(TinyImages.gif, "image/gif"))"}"#,
                "not a jpeg, png or webp image"
            ),
            (
                #"{"model":"grok-imagine-video","prompt":"p","image":"\#(Raw.dataURI(TinyImages.png, "image/webp"))"}"#,
                "declared as 'image/webp' but its bytes are image/png"
            ),
            (
                #"{"model":"grok-imagine-video","prompt":"p","image":"\#(Raw.dataURI(Data("hello".utf8), "image/png"))"}"#,
                "unrecognised bytes"
            ),
        ]
        for (body, fragment) in cases {
            let response = try await Raw.send(simulator, Raw.postJSON(Self.duoyuanxSubmit, body))
            #expect(response.status == 400)
            #expect(try ErrorShape.openAI(response).message.contains(fragment), "\(fragment)")
        }
        let prompt = String(repeating: "a", count: 4097)
        let long = try await Raw.send(
            simulator, Raw.postJSON(Self.duoyuanxSubmit, #"{"model":"grok-imagine-video","prompt":"\#(prompt)"}"#))
        #expect(try ErrorShape.openAI(long).code == "invalid_prompt")
        #expect(simulator.tasks.isEmpty)
    }

    @Test func aMultipartBodyForTheJSONModelIsRefused() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(
            simulator,
            Raw.postMultipart(Self.duoyuanxSubmit, [.text("model", "grok-imagine-video"), .text("prompt", "p")]))
        #expect(response.status == 400)
        let error = try ErrorShape.openAI(response)
        #expect(error.code == "invalid_content_type")
        #expect(error.message.contains("application/json"))
    }

    @Test func theGenericGatewayRunsOnlyTheJSONModel() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(
            simulator, Raw.postMultipart(Raw.openAICompatible + "/v1/videos", Raw.octopusXExample()))
        #expect(response.status == 400)
        #expect(try ErrorShape.openAI(response).code == "model_not_found")
    }

    @Test func authFailuresAre401WithTheOpenAIShape() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let missing = try await Raw.send(simulator, Raw.postJSON(Self.duoyuanxSubmit, Self.documentedBody, key: nil))
        #expect(missing.status == 401)
        let error = try ErrorShape.openAI(missing)
        #expect(error.type == "authentication_error")
        #expect(error.code == "missing_api_key")
        let status = try await Raw.send(simulator, Raw.get(Raw.duoyuanx + "/v1/videos/video_x", key: nil))
        #expect(status.status == 401)
    }

    @Test func unknownTaskIsA404InTheOpenAIShape() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(simulator, Raw.get(Raw.duoyuanx + "/v1/videos/video_abc123"))
        #expect(response.status == 404)
        let error = try ErrorShape.openAI(response)
        #expect(error.code == "task_not_found")
        let content = try await Raw.send(simulator, Raw.get(Raw.duoyuanx + "/v1/videos/video_abc123/content"))
        #expect(content.status == 404)
        #expect(try ErrorShape.openAI(content).code == "task_not_found")
    }

    @Test func aTaskBelongsToTheGatewayThatCreatedIt() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let submitted = try Raw.json(
            try await Raw.send(simulator, Raw.postJSON(Self.duoyuanxSubmit, Self.documentedBody)))
        let id = try #require(submitted["id"]?.stringValue)
        let elsewhere = try await Raw.send(simulator, Raw.get(Raw.octopusX + "/v1/videos/\(id)"))
        #expect(elsewhere.status == 404)
        let here = try await Raw.send(simulator, Raw.get(Raw.duoyuanx + "/v1/videos/\(id)"))
        #expect(here.status == 200)
    }
}
