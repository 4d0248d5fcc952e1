import Foundation
import KyyReactDialect
import Testing
import VideoProviderKit
import XingchaoyiqingProvider

/// Small helpers shared by the Xingchaoyiqing tests. (The aizfw tests keep their own copy: test targets
/// cannot share sources.)
enum Fixture {
    static let provider = XingchaoyiqingProvider()
    static let secret = "sk-xcyq-test-0123456789abcdef"
    static let baseURL = URL(string: "https://zcbservice.aizfw.cn/kyyReactApiServer")!
    static let context = ProviderContext(baseURL: baseURL, apiKey: APIKey(secret))

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

    /// The submit request for `request` and its whole body as text.
    static func submit(_ request: VideoRequest) throws -> (request: HTTPRequest, body: String) {
        let httpRequest = try provider.submitRequest(for: try resolve(request), context: context)
        return (httpRequest, String(decoding: try httpRequest.body.collect(), as: UTF8.self))
    }

    static func response(_ status: Int, _ body: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var allHeaders = headers
        allHeaders["Content-Type"] = "application/json"
        return HTTPResponse(status: status, headers: allHeaders, body: Data(body.utf8))
    }

    /// Writes `bytes` to a new temporary file named `name`, runs `body`, then deletes the file.
    static func withTemporaryFile<Result>(
        named name: String, containing bytes: Data, _ body: (URL) throws -> Result
    ) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xcyq-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(name)
        try bytes.write(to: file)
        return try body(file)
    }
}
