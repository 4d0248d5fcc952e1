import Foundation
import OctopusXProvider
import OpenAIVideoDialect
import Testing
import VideoProviderKit

/// Small helpers shared by the OctopusX tests. (The OpenAI-compatible and Duoyuanx tests keep their own
/// copies: test targets cannot share sources.)
enum Fixture {
    static let provider = OctopusXProvider()
    static let secret = "sk-octopusx-test-0123456789abcdef"
    static let baseURL = URL(string: "https://octopusx.ai")!
    /// A fixed boundary, so multipart bodies are byte-exact.
    static let boundary = "VPKTestBoundary7MA4YWxkTrZu0gW"
    static let context = ProviderContext(baseURL: baseURL, apiKey: APIKey(secret), multipartBoundary: boundary)

    /// The document's own example task id.
    static let documentedTaskID = "video_abc123"
    /// The document's own example prompt.
    static let documentedPrompt = "猫咪听歌摇头晃脑,下大雨"

    /// A real 1×1 RGBA PNG (70 bytes), so format sniffing sees genuine magic bytes.
    static let pngBytes = Data([
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
        0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
        0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ])
    /// `pngBytes` in standard base64, written out so the expected bodies are literal.
    static let pngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="

    /// The smallest JFIF file: SOI, an APP0 header and EOI (22 bytes).
    static let jpegBytes = Data([
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
        0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
    ])
    static let jpegBase64 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2Q=="

    /// A 1×1 lossless WebP (34 bytes).
    static let webpBytes = Data([
        0x52, 0x49, 0x46, 0x46, 0x1A, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4C,
        0x0D, 0x00, 0x00, 0x00, 0x2F, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE,
        0x07, 0x00,
    ])
    static let webpBase64 = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="

    static func resolve(_ request: VideoRequest, policy: ValidationPolicy = .strict) throws -> ResolvedVideoRequest {
        try RequestValidator.resolve(request, on: provider.descriptor, policy: policy)
    }

    /// The validation error `request` produces, or `nil` (recorded as a test failure) when it passes.
    static func validationError(
        _ request: VideoRequest, sourceLocation: SourceLocation = #_sourceLocation
    ) -> VideoProviderError? {
        #expect(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try RequestValidator.resolve(request, on: provider.descriptor)
        }
    }

    /// The submit request for `request` and its whole body.
    static func submit(
        _ request: VideoRequest, context: ProviderContext = context
    ) throws -> (request: HTTPRequest, body: Data) {
        let httpRequest = try provider.submitRequest(for: try resolve(request), context: context)
        return (httpRequest, try httpRequest.body.collect())
    }

    /// One text part as RFC 7578 writes it, after the fixed boundary. (The documented-example test spells
    /// a whole body out literally; this keeps the other expectations short.)
    static func textPart(_ name: String, _ value: String) -> Data {
        Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    /// One file part: headers, the raw bytes, CRLF.
    static func filePart(_ name: String, filename: String, contentType: String, _ bytes: Data) -> Data {
        Data(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: \(contentType)\r\n\r\n").utf8) + bytes + Data("\r\n".utf8)
    }

    /// `parts` one after another (long `+` chains of `Data` are slow to type-check).
    static func joined(_ parts: [Data]) -> Data {
        parts.reduce(into: Data()) { $0.append($1) }
    }

    /// The closing delimiter.
    static var closing: Data { Data("--\(boundary)--\r\n".utf8) }

    /// The text parts every submit starts with, in the document's curl order; `seconds` only when given.
    static func leadingParts(
        model: String, prompt: String = "Rain", aspectRatio: String = "16:9", seconds: String?, size: String = "720P"
    ) -> Data {
        var data = textPart("model", model) + textPart("prompt", prompt) + textPart("aspect_ratio", aspectRatio)
        if let seconds { data += textPart("seconds", seconds) }
        return data + textPart("size", size)
    }

    static func response(
        _ status: Int, _ body: String, contentType: String = "application/json", headers: HTTPHeaders = [:]
    ) -> HTTPResponse {
        var allHeaders = headers
        allHeaders["Content-Type"] = contentType
        return HTTPResponse(status: status, headers: allHeaders, body: Data(body.utf8))
    }

    /// The documented example request (without its image), to pair with submit responses.
    static func documentedRequest() throws -> ResolvedVideoRequest {
        try resolve(
            VideoRequest(
                model: "grok-video-3", prompt: documentedPrompt, seconds: 6, aspectRatio: "2:3", resolution: .p720))
    }

    /// Writes `bytes` to a new temporary file named `name`, runs `body`, then deletes the file.
    static func withTemporaryFile<Result>(
        named name: String, containing bytes: Data, _ body: (URL) throws -> Result
    ) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "octopusx-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(name)
        try bytes.write(to: file)
        return try body(file)
    }
}
