public import Foundation
public import VideoProviderKit

/// The smallest real images of each format a provider takes, with their base64 written out, so a test's
/// expected bytes are literal rather than produced by the encoder under test.
public enum SampleImage {
    /// A 1×1 RGBA PNG (70 bytes).
    public static let png = Data([
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
        0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
        0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ])
    /// ``png`` in standard base64.
    public static let pngBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="

    /// The smallest JFIF file: SOI, an APP0 header and EOI (22 bytes).
    public static let jpeg = Data([
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
        0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
    ])
    /// ``jpeg`` in standard base64.
    public static let jpegBase64 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2Q=="

    /// A 1×1 lossless WebP (34 bytes).
    public static let webp = Data([
        0x52, 0x49, 0x46, 0x46, 0x1A, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4C,
        0x0D, 0x00, 0x00, 0x00, 0x2F, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE,
        0x07, 0x00,
    ])
    /// ``webp`` in standard base64.
    public static let webpBase64 = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="

    /// The sample of `format`.
    public static func bytes(_ format: ImageFormat) -> Data {
        switch format {
        case .jpeg: return jpeg
        case .png: return png
        case .webp: return webp
        }
    }

    /// The sample of `format` as a `data:` URI, spelled out.
    public static func dataURI(_ format: ImageFormat) -> String {
        switch format {
        case .jpeg: return "data:image/jpeg;base64," + jpegBase64
        case .png: return "data:image/png;base64," + pngBase64
        case .webp: return "data:image/webp;base64," + webpBase64
        }
    }

    /// The sample of `format` written to a file named `name` in a temporary directory of this process, for
    /// requests that hand a local file in. The file is written again on every call.
    public static func file(_ format: ImageFormat, named name: String) -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "VideoProviderTesting-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name)
        try? bytes(format).write(to: file, options: .atomic)
        return file
    }
}
