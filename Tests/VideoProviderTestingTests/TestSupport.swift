import Foundation
import Testing
import VideoProviderKit
import VideoProviderTesting

/// Hand-built raw requests and small readers. Nothing here uses the library's vendor targets or body
/// encoders: the simulator is tested against bytes written out in the tests.
enum Raw {
    static let key = "sk-simulator-test-0123456789abcdef"

    static let kyyBase = "https://zcbservice.aizfw.cn/kyyReactApiServer"
    static let octopusX = "https://octopusx.ai"
    static let duoyuanx = "https://duoyuanx.com"
    static let xAI = "https://api.x.ai"
    static let openAICompatible = "https://openai-compatible.simulator.invalid"

    static func url(_ text: String) -> URL { URL(string: text)! }

    static func headers(key: String?, contentType: String?) -> HTTPHeaders {
        var headers = HTTPHeaders()
        if let key { headers["Authorization"] = "Bearer \(key)" }
        if let contentType { headers["Content-Type"] = contentType }
        headers["Accept"] = "application/json"
        return headers
    }

    static func postJSON(
        _ url: String, _ json: String, key: String? = Raw.key, contentType: String = "application/json"
    ) -> HTTPRequest {
        HTTPRequest(
            method: .post, url: Raw.url(url), headers: headers(key: key, contentType: contentType),
            body: HTTPBody(Data(json.utf8)), createsTask: true)
    }

    static func get(_ url: String, key: String? = Raw.key) -> HTTPRequest {
        HTTPRequest(method: .get, url: Raw.url(url), headers: headers(key: key, contentType: nil))
    }

    /// One multipart part, written out by hand.
    struct Part {
        var headerLines: [String]
        var body: Data

        static func text(_ name: String, _ value: String) -> Part {
            Part(headerLines: ["Content-Disposition: form-data; name=\"\(name)\""], body: Data(value.utf8))
        }

        static func file(_ name: String, filename: String, contentType: String?, _ bytes: Data) -> Part {
            var lines = ["Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\""]
            if let contentType { lines.append("Content-Type: \(contentType)") }
            return Part(headerLines: lines, body: bytes)
        }
    }

    static let boundary = "----SimTestBoundary7MA4YWxkTrZu0gW"

    static func multipartBody(_ parts: [Part], boundary: String = Raw.boundary) -> Data {
        var data = Data()
        for part in parts {
            data.append(Data("--\(boundary)\r\n".utf8))
            for line in part.headerLines { data.append(Data("\(line)\r\n".utf8)) }
            data.append(Data("\r\n".utf8))
            data.append(part.body)
            data.append(Data("\r\n".utf8))
        }
        data.append(Data("--\(boundary)--\r\n".utf8))
        return data
    }

    static func postMultipart(
        _ url: String, _ parts: [Part], key: String? = Raw.key,
        contentType: String = "multipart/form-data; boundary=\(Raw.boundary)"
    ) -> HTTPRequest {
        postBytes(url, multipartBody(parts), key: key, contentType: contentType)
    }

    static func postBytes(_ url: String, _ body: Data, key: String? = Raw.key, contentType: String) -> HTTPRequest {
        HTTPRequest(
            method: .post, url: Raw.url(url), headers: headers(key: key, contentType: contentType),
            body: HTTPBody(body),
            createsTask: true)
    }

    /// The doc's multipart example (seed 003) with a PNG as `input_reference`.
    static func octopusXExample(model: String = "grok-video-3", extra: [Part] = []) -> [Part] {
        [
            .text("model", model), .text("prompt", "猫咪听歌摇头晃脑,下大雨"), .text("aspect_ratio", "2:3"),
            .text("seconds", "6"), .text("size", "720P"),
            .file("input_reference", filename: "reference.png", contentType: "image/png", TinyImages.png),
        ] + extra
    }

    static func json(_ response: HTTPResponse) throws -> JSONValue {
        try JSONValue.parse(response.body)
    }

    static func dataURI(_ bytes: Data, _ mediaType: String) -> String {
        "data:\(mediaType);base64,\(bytes.base64EncodedString())"
    }

    static func send(_ simulator: GatewaySimulator, _ request: HTTPRequest) async throws -> HTTPResponse {
        try await simulator.send(request, bodyDestination: .memory)
    }

    /// A fresh simulator (on a manual clock) and its answer to `request`.
    static func answer(_ request: HTTPRequest) async throws -> (simulator: GatewaySimulator, response: HTTPResponse) {
        let simulator = GatewaySimulator(clock: VirtualClock(mode: .manual))
        return (simulator, try await send(simulator, request))
    }

    /// A fresh simulator's answer to a submission it must refuse: a 400, and no task created.
    static func refusal(
        _ request: HTTPRequest, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> HTTPResponse {
        let (simulator, response) = try await answer(request)
        #expect(response.status == 400, sourceLocation: sourceLocation)
        #expect(simulator.tasks.isEmpty, sourceLocation: sourceLocation)
        return response
    }

    /// A fresh simulator's answer to a submission it must accept: a 200.
    static func expectAccepted(_ request: HTTPRequest, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (_, response) = try await answer(request)
        #expect(
            response.status == 200, "\(String(decoding: response.body, as: UTF8.self))", sourceLocation: sourceLocation)
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }
}

/// The error shapes, read strictly.
enum ErrorShape {
    /// kyy: `{"error": "message"}`.
    static func kyy(_ response: HTTPResponse) throws -> String {
        let json = try Raw.json(response)
        return try #require(json["error"]?.stringValue)
    }

    /// OpenAI format: `{"error": {"message", "type", "code"}}`.
    static func openAI(_ response: HTTPResponse) throws -> (message: String, type: String, code: String) {
        let error = try #require(try Raw.json(response)["error"])
        return (
            try #require(error["message"]?.stringValue), try #require(error["type"]?.stringValue),
            try #require(error["code"]?.stringValue)
        )
    }

    /// xAI: `{"code", "error"}`.
    static func xAI(_ response: HTTPResponse) throws -> (code: String, error: String) {
        let json = try Raw.json(response)
        return (try #require(json["code"]?.stringValue), try #require(json["error"]?.stringValue))
    }
}
