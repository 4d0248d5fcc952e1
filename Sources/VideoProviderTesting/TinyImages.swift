package import Foundation

/// Tiny images with real magic bytes, for tests of image inputs: the library, the tool and the simulator
/// tell formats from a file's first bytes, never from its name, so a test image must start like a real one.
/// The formats providers take are ``SampleImage``'s; this adds one no gateway takes.
package enum TinyImages {
    /// A complete 1×1 RGBA PNG.
    package static var png: Data { SampleImage.png }
    /// A JPEG's SOI, JFIF APP0 segment and EOI.
    package static var jpeg: Data { SampleImage.jpeg }
    /// A 1×1 lossless WebP.
    package static var webp: Data { SampleImage.webp }
    /// A GIF, which no gateway accepts.
    package static let gif = Data("GIF89a".utf8) + Data([0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x3B])
}
