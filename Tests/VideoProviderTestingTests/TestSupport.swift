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
            .file("input_reference", filename: "reference.png", contentType: "image/png", Images.png),
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
}

/// Real magic bytes of each format.
enum Images {
    /// A 1×1 RGBA PNG (70 bytes).
    static let png = Data([
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
        0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
        0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ])
    /// A JPEG's SOI and JFIF APP0 segment.
    static let jpeg = Data([
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
        0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
    ])
    /// A RIFF/WEBP header with a VP8L chunk tag.
    static let webp =
        Data("RIFF".utf8) + Data([0x1A, 0x00, 0x00, 0x00]) + Data("WEBPVP8L".utf8)
        + Data([
            0x0D, 0x00, 0x00, 0x00, 0x2F, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07, 0x00,
        ])
    /// A GIF, which no gateway accepts.
    static let gif = Data("GIF89a".utf8) + Data([0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x3B])
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
