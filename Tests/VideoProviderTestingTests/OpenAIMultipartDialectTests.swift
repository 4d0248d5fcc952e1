import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// The OpenAI-format multipart dialect: the grok-video-3 family (seed 003 OctopusX, seed 004 Duoyuanx).
@Suite struct OpenAIMultipartDialectTests {
    static let octopusXSubmit = Raw.octopusX + "/v1/videos"
    static let duoyuanxSubmit = Raw.duoyuanx + "/v1/videos"

    @Test func acceptsTheDocumentedExampleWithTheDocumentedAnswerShape() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let response = try await Raw.send(simulator, Raw.postMultipart(Self.octopusXSubmit, Raw.octopusXExample()))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let json = try Raw.json(response)
        let id = try #require(json["id"]?.stringValue)
        #expect(id.hasPrefix("video_"))
        #expect(json["object"] == .string("video"))
        #expect(json["model"] == .string("grok-video-3"))
        #expect(json["status"] == .string("queued"))
        #expect(json["progress"] == .int(0))
        #expect(json["created_at"] == .int(1_767_225_600))
        #expect(json["size"] == .string("720P"))
        let task = try #require(simulator.task(id))
        #expect(task.seconds == 6)
        #expect(task.aspectRatio == "2:3")
        #expect(task.imageCount == 1)
        #expect(task.prompt == "猫咪听歌摇头晃脑,下大雨")
        // The server's own parse of the parts, for assertions.
        let received = try #require(simulator.requests(.submit).first)
        #expect(
            received.parts?.map(\.name) == ["model", "prompt", "aspect_ratio", "seconds", "size", "input_reference"])
        let file = try #require(received.part("input_reference"))
        #expect(file.filename == "reference.png")
        #expect(file.contentType == "image/png")
        #expect(file.body == TinyImages.png)
        #expect(received.part("prompt")?.text == "猫咪听歌摇头晃脑,下大雨")
    }

    @Test(arguments: [("grok-video-3-pro", 10), ("grok-video-3-max", 15)])
    func fixedTiersAcceptAbsentSecondsAndCorrectAnyValue(_ model: String, _ fixed: Int) async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let absent = try await Raw.send(
            simulator,
            Raw.postMultipart(
                Self.octopusXSubmit, [.text("model", model), .text("prompt", "p"), .text("size", "1080P")]))
        #expect(absent.status == 200)
        #expect(try Raw.json(absent)["seconds"] == .string(String(fixed)))
        let corrected = try await Raw.send(
            simulator,
            Raw.postMultipart(
                Self.octopusXSubmit, [.text("model", model), .text("prompt", "p"), .text("seconds", "6")]))
        #expect(corrected.status == 200)
        #expect(simulator.tasks.map(\.seconds) == [fixed, fixed])
        #expect(simulator.tasks.map(\.requestedSeconds) == [nil, 6])
    }

    @Test func duoyuanxHasMoreSizesAndGrokVideo15() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let parts: [Raw.Part] = [.text("model", "grok-video-1.5"), .text("prompt", "p"), .text("size", "540P")]
        #expect(try await Raw.send(simulator, Raw.postMultipart(Self.duoyuanxSubmit, parts)).status == 200)
        let atOctopus = try await Raw.send(simulator, Raw.postMultipart(Self.octopusXSubmit, parts))
        #expect(atOctopus.status == 400)
        #expect(try ErrorShape.openAI(atOctopus).code == "model_not_found")
    }

    @Test func acceptsSeveralFilesOfEachFormatAndOptionsAsTextParts() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let parts: [Raw.Part] = [
            .text("model", "grok-video-3"), .text("prompt", "p"), .text("seconds", "30"),
            .file("input_reference", filename: "a.jpg", contentType: "image/jpeg", TinyImages.jpeg),
            .file("input_reference", filename: "b.webp", contentType: "image/webp", TinyImages.webp),
            .file("input_reference", filename: "image-3.png", contentType: "image/png", TinyImages.png),
            .text("watermark", "false"),
        ]
        let response = try await Raw.send(simulator, Raw.postMultipart(Self.octopusXSubmit, parts))
        #expect(response.status == 200)
        #expect(simulator.tasks.first?.imageCount == 3)
    }

    @Test func quotedBoundaryAndPreambleAreFine() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        let body = Data("This is a preamble.\r\n".utf8) + Raw.multipartBody(Raw.octopusXExample())
        let response = try await Raw.send(
            simulator,
            Raw.postBytes(
                Self.octopusXSubmit, body,
                contentType: "multipart/form-data; charset=utf-8; boundary=\"\(Raw.boundary)\""))
        #expect(response.status == 200)
    }

    static func replacing(_ name: String, with part: Raw.Part?) -> [Raw.Part] {
        var parts = Raw.octopusXExample().filter {
            $0.headerLines[0] != "Content-Disposition: form-data; name=\"\(name)\""
        }
        if let part { parts.insert(part, at: 2) }
        return parts
    }

    static let refusals: [(parts: [Raw.Part], code: String, fragment: String)] = [
        (replacing("model", with: nil), "missing_model", "'model' is required"),
        (replacing("prompt", with: nil), "invalid_prompt", "'prompt' is required"),
        (replacing("seconds", with: .text("seconds", "5")), "invalid_seconds", "'seconds' 5 is out of range"),
        (replacing("seconds", with: .text("seconds", "31")), "invalid_seconds", "out of range"),
        (replacing("seconds", with: .text("seconds", "six")), "invalid_seconds", "not a whole number"),
        (replacing("size", with: .text("size", "720p")), "invalid_size", "'size' '720p' is not supported"),
        (replacing("size", with: .text("size", "480P")), "invalid_size", "'size' '480P' is not supported"),
        (replacing("aspect_ratio", with: .text("aspect_ratio", "4:3")), "invalid_aspect_ratio", "'4:3'"),
        (replacing("aspect_ratio", with: .text("aspect_ratio", "21:9")), "invalid_aspect_ratio", "'21:9'"),
        (
            replacing("size", with: .text("resolution", "720P")), "unknown_parameter",
            "takes 'size'"
        ),
        (
            replacing("input_reference", with: .text("input_reference", "https://example.com/a.png")),
            "unknown_parameter", "must be a file upload"
        ),
        (
            replacing(
                "input_reference",
                with: .file("input_reference", filename: "a.txt", contentType: "text/plain", Data("hello".utf8))),
            "invalid_input_reference", "not a jpeg, png or webp image"
        ),
        (
            replacing(
                "input_reference",
                with: .file("input_reference", filename: "a.png", contentType: "image/png", TinyImages.jpeg)),
            "invalid_input_reference", "declared as 'image/png' but its bytes are image/jpeg"
        ),
        (
            replacing(
                "input_reference", with: .file("input_reference", filename: "a.png", contentType: nil, TinyImages.png)),
            "invalid_input_reference", "has no Content-Type"
        ),
        (
            replacing(
                "input_reference", with: .file("input_reference", filename: "a.png", contentType: "image/png", Data())),
            "invalid_input_reference", "is empty"
        ),
        (
            replacing(
                "input_reference", with: .file("image", filename: "a.png", contentType: "image/png", TinyImages.png)),
            "unknown_parameter", "Unexpected file field 'image'"
        ),
        (Raw.octopusXExample(extra: [.text("model", "grok-video-3")]), "invalid_model", "sent more than once"),
        (
            Raw.octopusXExample(
                extra: Array(
                    repeating: .file("input_reference", filename: "x.png", contentType: "image/png", TinyImages.png),
                    count: 7)),
            "invalid_input_reference", "8 reference images"
        ),
    ]

    @Test(arguments: refusals)
    func refusesBadRequestsWithTheOpenAIErrorShape(_ refusal: (parts: [Raw.Part], code: String, fragment: String))
        async throws
    {
        let error = try ErrorShape.openAI(try await Raw.refusal(Raw.postMultipart(Self.octopusXSubmit, refusal.parts)))
        #expect(error.code == refusal.code)
        #expect(error.message.contains(refusal.fragment), "\(error.message)")
    }

    static var exampleBytes: Data { Raw.multipartBody(Raw.octopusXExample()) }

    static let malformed: [(body: Data, contentType: String, fragment: String)] = [
        (exampleBytes, "multipart/form-data", "no boundary parameter"),
        (exampleBytes, "multipart/form-data; boundary=other-boundary", "does not contain the boundary"),
        (
            exampleBytes.prefix(exampleBytes.count - 40), "multipart/form-data; boundary=\(Raw.boundary)",
            "closing boundary"
        ),
        (
            Data(String(decoding: exampleBytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8),
            "multipart/form-data; boundary=\(Raw.boundary)", "not followed by CRLF"
        ),
        (
            Raw.multipartBody([Raw.Part(headerLines: ["Content-Type: text/plain"], body: Data("x".utf8))]),
            "multipart/form-data; boundary=\(Raw.boundary)", "no Content-Disposition"
        ),
        (
            Raw.multipartBody([Raw.Part(headerLines: ["Content-Disposition: form-data"], body: Data("x".utf8))]),
            "multipart/form-data; boundary=\(Raw.boundary)", "has no name"
        ),
        (
            Raw.multipartBody([Raw.Part(headerLines: ["Content-Disposition: attachment; name=\"a\""], body: Data())]),
            "multipart/form-data; boundary=\(Raw.boundary)", "not form-data"
        ),
        (
            Raw.multipartBody([Raw.Part(headerLines: ["Content-Disposition: form-data; name=\"a"], body: Data())]),
            "multipart/form-data; boundary=\(Raw.boundary)", "unterminated quoted string"
        ),
        (
            Raw.multipartBody([Raw.Part(headerLines: ["no colon here"], body: Data())]),
            "multipart/form-data; boundary=\(Raw.boundary)", "malformed header line"
        ),
        (Data("--\(Raw.boundary)--\r\n".utf8), "multipart/form-data; boundary=\(Raw.boundary)", "has no parts"),
    ]

    @Test(arguments: malformed)
    func malformedMultipartBodiesAre400(_ malformed: (body: Data, contentType: String, fragment: String)) async throws {
        let error = try ErrorShape.openAI(
            try await Raw.refusal(
                Raw.postBytes(Self.octopusXSubmit, malformed.body, contentType: malformed.contentType)))
        #expect(error.code == "invalid_multipart")
        #expect(error.message.contains(malformed.fragment), "\(error.message)")
    }

    @Test func aJSONBodyForAMultipartModelIsRefused() async throws {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        // Seed 003's curl header block shows JSON, but the page says the API is multipart.
        let response = try await Raw.send(
            simulator,
            Raw.postJSON(
                Self.octopusXSubmit,
                #"{"model":"grok-video-3","prompt":"p","aspect_ratio":"16:9","seconds":6,"size":"720P"}"#))
        #expect(response.status == 400)
        let error = try ErrorShape.openAI(response)
        #expect(error.code == "invalid_content_type")
        #expect(error.message.contains("multipart/form-data"))
    }
}
