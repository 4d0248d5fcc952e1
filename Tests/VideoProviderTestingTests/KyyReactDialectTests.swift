import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// kyyReactApiServer (seeds 000 aizfw, 001 Xingchaoyiqing): one backend, the union of both model tables.
@Suite struct KyyReactDialectTests {
    static let submitURL = Raw.kyyBase + "/v1/grok/videos"

    /// The doc's curl example, byte for byte.
    static let documentedBody = """
        {
            "model": "grok_video3",
            "prompt": "A cat dancing in the rain, cinematic style",
            "duration": 10,
            "aspect_ratio": "16:9",
            "resolution": "720p"
          }
        """

    @Test func acceptsTheDocumentedExampleWithTheDocumentedAnswerShape() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(simulator, Raw.postJSON(Self.submitURL, Self.documentedBody))
        #expect(response.status == 200)
        #expect(response.mediaType == "application/json")
        let json = try Raw.json(response)
        let id = try #require(json["id"]?.stringValue)
        #expect(id.hasPrefix("video_"))
        #expect(UUID(uuidString: String(id.dropFirst(6))) != nil)
        #expect(json["object"] == .string("video"))
        #expect(json["model"] == .string("grok_video3"))
        #expect(json["status"] == .string("queued"))
        #expect(json["error"] == .null)
        #expect(json["created"]?.intValue == 1_767_225_600)
        let task = try #require(simulator.task(id))
        #expect(task.seconds == 10)
        #expect(task.requestedSeconds == 10)
        #expect(task.resolution == "720p")
        #expect(task.aspectRatio == "16:9")
        #expect(task.gatewayName == "kyyReactApiServer")
        #expect(task.phase == .queued)
    }

    @Test(arguments: [
        // grok_video3_pro: no duration; resolution absent (aizfw) or 720p (Xingchaoyiqing); data URIs allowed.
        #"{"model":"grok_video3_pro","prompt":"p","aspect_ratio":"16:9"}"#,
        #"{"model":"grok_video3_pro","prompt":"p","aspect_ratio":"16:9","resolution":"720p"}"#,
        #"{"model":"grok_video3_max","prompt":"p","duration":30,"aspect_ratio":"1:1","resolution":"480p","image_urls":["https://example.com/a.jpg","https://example.com/b.webp"]}"#,
        #"{"model":"grok_video3_stable","prompt":"p","duration":6,"aspect_ratio":"2:3","resolution":"720p"}"#,
        #"{"model":"grok_video3","prompt":"p","duration":6}"#,
        #"{"model":"grok_video3","prompt":"p","duration":30,"aspect_ratio":"3:2","resolution":"480p","vendor_flag":true}"#,
    ])
    func acceptsDocumentedVariants(_ body: String) async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(simulator, Raw.postJSON(Self.submitURL, body))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(simulator.tasks.count == 1)
    }

    @Test func proTasksAreTenSecondsAndDataURIsWorkForGrokVideo3AndPro() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let png = Raw.dataURI(TinyImages.png, "image/png")
        let jpeg = Raw.dataURI(TinyImages.jpeg, "image/jpeg")
        let pro = try await Raw.send(
            simulator,
            Raw.postJSON(Self.submitURL, #"{"model":"grok_video3_pro","prompt":"p","image_urls":["\#(png)"]}"#))
        #expect(pro.status == 200)
        let basic = try await Raw.send(
            simulator,
            Raw.postJSON(
                Self.submitURL,
                #"{"model":"grok_video3","prompt":"p","duration":8,"image_urls":["\#(jpeg)","https://example.com/x.png"]}"#
            ))
        #expect(basic.status == 200)
        let tasks = simulator.tasks
        #expect(tasks.map(\.seconds) == [10, 8])
        #expect(tasks.map(\.requestedSeconds) == [nil, 8])
        #expect(tasks.map(\.imageCount) == [1, 2])
    }

    static let refusals: [(body: String, fragment: String)] = [
        (#"{"prompt":"p"}"#, "'model' is required"),
        (#"{"model":"grok-video-3","prompt":"p"}"#, "model 'grok-video-3' is not supported"),
        (#"{"model":"grok_video3"}"#, "'prompt' is required"),
        (#"{"model":"grok_video3","prompt":"   "}"#, "'prompt' is required"),
        (#"{"model":"grok_video3","prompt":42}"#, "'prompt' must be a string"),
        (#"{"model":"grok_video3","prompt":"p","duration":5}"#, "'duration' 5 is out of range"),
        (#"{"model":"grok_video3","prompt":"p","duration":31}"#, "'duration' 31 is out of range"),
        (#"{"model":"grok_video3","prompt":"p","duration":"10"}"#, "'duration' must be an integer"),
        (#"{"model":"grok_video3","prompt":"p","duration":true}"#, "'duration' must be an integer"),
        (#"{"model":"grok_video3","prompt":"p","duration":10.5}"#, "'duration' must be an integer"),
        (#"{"model":"grok_video3_pro","prompt":"p","duration":10}"#, "do not set 'duration'"),
        (#"{"model":"grok_video3_max","prompt":"p","duration":8}"#, "'duration' 8 is not supported"),
        (#"{"model":"grok_video3_stable","prompt":"p","duration":12}"#, "'duration' 12 is not supported"),
        (#"{"model":"grok_video3","prompt":"p","aspect_ratio":"4:3"}"#, "'aspect_ratio' '4:3' is not supported"),
        (#"{"model":"grok_video3_max","prompt":"p","aspect_ratio":"2:3"}"#, "'aspect_ratio' '2:3' is not supported"),
        (#"{"model":"grok_video3","prompt":"p","resolution":"720P"}"#, "'resolution' '720P' is not supported"),
        (#"{"model":"grok_video3","prompt":"p","resolution":"1080p"}"#, "'resolution' '1080p' is not supported"),
        (#"{"model":"grok_video3_pro","prompt":"p","resolution":"480p"}"#, "'resolution' '480p' is not supported"),
        (#"{"model":"grok_video3","prompt":"p","seconds":10}"#, "Unknown parameter 'seconds'"),
        (#"{"model":"grok_video3","prompt":"p","size":"720p"}"#, "Unknown parameter 'size'"),
        (
            #"{"model":"grok_video3","prompt":"p","image_urls":"https://example.com/a.png"}"#,
            "'image_urls' must be an array"
        ),
        (#"{"model":"grok_video3","prompt":"p","image_urls":[42]}"#, "'image_urls[0]' must be a string"),
        (#"{"model":"grok_video3","prompt":"p","image_urls":["http://localhost/a.png"]}"#, "publicly accessible"),
        (#"{"model":"grok_video3","prompt":"p","image_urls":["http://192.168.1.4/a.png"]}"#, "publicly accessible"),
        (#"{"model":"grok_video3","prompt":"p","image_urls":["ftp://example.com/a.png"]}"#, "publicly accessible"),
        (#"{"model":"grok_video3","prompt":"p","image_urls":["data:image/png,abc"]}"#, "without ;base64"),
        (#"{"model":"grok_video3","prompt":"p","image_urls":["data:image/png;base64,@@@"]}"#, "not valid base64"),
        (#"{"model":"grok_video3","prompt":"p"#, "not a valid JSON object"),
        (#"["grok_video3"]"#, "not a valid JSON object"),
    ]

    @Test(arguments: refusals)
    func refusesBadRequestsWithItsErrorShape(_ refusal: (body: String, fragment: String)) async throws {
        let message = try ErrorShape.kyy(try await Raw.refusal(Raw.postJSON(Self.submitURL, refusal.body)))
        #expect(message.contains(refusal.fragment), "\(message)")
    }

    @Test func refusesImageRulesPerModel() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        func images(_ count: Int) -> String {
            (0..<count).map { #""https://example.com/\#($0).jpg""# }.joined(separator: ",")
        }
        let png = Raw.dataURI(TinyImages.png, "image/png")
        let cases: [(String, String)] = [
            (#"{"model":"grok_video3_max","prompt":"p","image_urls":[\#(images(6))]}"#, "accepts at most 5"),
            (#"{"model":"grok_video3","prompt":"p","image_urls":[\#(images(8))]}"#, "accepts at most 7"),
            (#"{"model":"grok_video3_max","prompt":"p","image_urls":["\#(png)"]}"#, "public image URLs only"),
            (#"{"model":"grok_video3_stable","prompt":"p","image_urls":["\#(png)"]}"#, "public image URLs only"),
            (
                #"{"model":"grok_video3","prompt":"p","image_urls":["\#(Raw.dataURI(TinyImages.gif, "image/gif"))"]}"#,
                "not a jpeg, png or webp image"
            ),
            (
                #"{"model":"grok_video3","prompt":"p","image_urls":["\#(Raw.dataURI(TinyImages.jpeg, "image/png"))"]}"#,
                "declared as 'image/png' but its bytes are image/jpeg"
            ),
        ]
        for (body, fragment) in cases {
            let response = try await Raw.send(simulator, Raw.postJSON(Self.submitURL, body))
            #expect(response.status == 400)
            #expect(try ErrorShape.kyy(response).contains(fragment), "\(body)")
        }
        let prompt = String(repeating: "é", count: 4097)
        let long = try await Raw.send(
            simulator, Raw.postJSON(Self.submitURL, #"{"model":"grok_video3","prompt":"\#(prompt)"}"#))
        #expect(try ErrorShape.kyy(long).contains("4097 characters long; at most 4096"))
        #expect(simulator.tasks.isEmpty)
    }

    @Test func refusesAWrongContentType() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(
            simulator, Raw.postJSON(Self.submitURL, Self.documentedBody, contentType: "text/plain"))
        #expect(response.status == 400)
        #expect(try ErrorShape.kyy(response).contains("Content-Type must be application/json"))
    }

    @Test(arguments: [nil, "Basic abc", "Bearer ", "Bearer    "] as [String?])
    func refusesMissingOrMalformedAuthorizationWith401(_ header: String?) async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        var request = Raw.postJSON(Self.submitURL, Self.documentedBody, key: nil)
        request.headers["Authorization"] = header
        let response = try await Raw.send(simulator, request)
        #expect(response.status == 401)
        #expect(try ErrorShape.kyy(response).contains("Authorization"))
        #expect(simulator.tasks.isEmpty)
    }

    @Test func anExpectedKeyRefusesOtherKeysWithoutRepeatingThem() async throws {
        var gateway = GatewaySimulator.Gateway.kyyReactApiServer()
        gateway.expectedAPIKey = APIKey(Raw.key)
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual), gateways: [gateway])
        let wrong = try await Raw.send(simulator, Raw.postJSON(Self.submitURL, Self.documentedBody, key: "sk-wrong"))
        #expect(wrong.status == 401)
        #expect(try ErrorShape.kyy(wrong) == "Invalid API key.")
        let right = try await Raw.send(simulator, Raw.postJSON(Self.submitURL, Self.documentedBody))
        #expect(right.status == 200)
        #expect(!String(describing: gateway).contains(Raw.key))
    }

    @Test func unknownTaskIsA404InTheKyyShape() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(
            simulator, Raw.get(Raw.kyyBase + "/v1/result/video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd"))
        #expect(response.status == 404)
        #expect(try ErrorShape.kyy(response) == "Task 'video_fd35ee52-2a98-44a6-b930-29a88ce9b8fd' not found.")
    }

    @Test func wrongMethodAndUnknownPath() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let wrongMethod = try await Raw.send(simulator, Raw.get(Self.submitURL))
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["Allow"] == "POST")
        let unknown = try await Raw.send(simulator, Raw.get(Raw.kyyBase + "/v1/videos/abc"))
        #expect(unknown.status == 404)
        #expect(try ErrorShape.kyy(unknown).contains("No route"))
        // Without the /kyyReactApiServer prefix the path is not this backend's.
        let unprefixed = try await Raw.send(
            simulator, Raw.postJSON("https://zcbservice.aizfw.cn/v1/grok/videos", Self.documentedBody))
        #expect(unprefixed.status != 200)
        #expect(simulator.tasks.isEmpty)
    }
}
