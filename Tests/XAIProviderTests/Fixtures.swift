import Foundation
import Testing
import VideoProviderKit
import XAIProvider
import XAIVideoDialect

/// Small helpers shared by the xAI tests.
enum Fixture {
    static let provider = XAIProvider()
    static let secret = "xai-test-0123456789abcdefSECRET"
    static let baseURL = URL(string: "https://api.x.ai")!
    static let context = ProviderContext(baseURL: baseURL, apiKey: APIKey(secret))

    /// The request id from xAI's own REST example.
    static let documentedRequestID = "aa87081b-1a29-d8a6-e5bf-5807e3a7a561"

    /// A real 1×1 RGBA PNG (70 bytes), so format sniffing sees genuine magic bytes.
    static let pngBytes = Data([
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
        0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
        0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ])
    /// `pngBytes` in standard base64, written out by hand so the test does not trust the encoder it checks.
    static let pngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="

    /// The first 12 bytes of a JFIF file: enough for sniffing.
    static let jpegBytes = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01])
    static let jpegBase64 = "/9j/4AAQSkZJRgAB"

    /// A RIFF/WEBP header (16 bytes).
    static let webpBytes = Data("RIFF".utf8) + Data([0x1A, 0x00, 0x00, 0x00]) + Data("WEBPVP8 ".utf8)
    static let webpBase64 = "UklGRhoAAABXRUJQVlA4IA=="

    /// A GIF header: a real image format that xAI does not take.
    static let gifBytes = Data("GIF89a".utf8) + Data([0x01, 0x00, 0x01, 0x00, 0x80, 0x00])

    static func resolve(_ request: VideoRequest, policy: ValidationPolicy = .strict) throws -> ResolvedVideoRequest {
        try RequestValidator.resolve(request, on: provider.descriptor, policy: policy)
    }

    /// The validation error `request` produces, or `nil` (recorded as a test failure) when it passes.
    static func validationError(
        _ request: VideoRequest, policy: ValidationPolicy = .strict, sourceLocation: SourceLocation = #_sourceLocation
    ) -> VideoProviderError? {
        #expect(throws: VideoProviderError.self, sourceLocation: sourceLocation) {
            try RequestValidator.resolve(request, on: provider.descriptor, policy: policy)
        }
    }

    /// The submit request for `request` and its whole body as text.
    static func submit(
        _ request: VideoRequest, context: ProviderContext = context
    ) throws -> (request: HTTPRequest, body: String) {
        let httpRequest = try provider.submitRequest(for: try resolve(request), context: context)
        return (httpRequest, String(decoding: try httpRequest.body.collect(), as: UTF8.self))
    }

    static func response(
        _ status: Int, _ body: String, contentType: String = "application/json", headers: HTTPHeaders = [:]
    ) -> HTTPResponse {
        var allHeaders = headers
        allHeaders["Content-Type"] = contentType
        return HTTPResponse(status: status, headers: allHeaders, body: Data(body.utf8))
    }

    /// A resolved request to pair with submit responses.
    static func documentedRequest() throws -> ResolvedVideoRequest {
        try resolve(
            VideoRequest(
                model: "grok-imagine-video", prompt: "A cat playing with a ball", seconds: 10, aspectRatio: "16:9",
                resolution: .p720))
    }

    /// A unique temporary file holding `bytes`; the caller removes it.
    static func temporaryFile(_ bytes: Data, name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "xai-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try bytes.write(to: url)
        return url
    }
}
