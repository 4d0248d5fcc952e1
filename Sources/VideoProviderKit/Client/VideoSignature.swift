import Foundation

/// Whether a downloaded body is a video, judged from its first bytes and its `Content-Type`.
///
/// A content endpoint or CDN that fails often still answers 200: with a JSON error, an HTML or XML page (S3's
/// `<Error><Code>AccessDenied`), a sentence of text, or nothing at all. Saving that as the video would replace
/// the user's previous file with garbage. The label alone cannot decide either way: CDNs serve real MP4s as
/// `application/octet-stream` or `binary/octet-stream` (S3's default), and broken gateways label JSON
/// `video/mp4`. So the bytes decide when they are recognisably video or recognisably text, and the label only
/// for opaque binary.
enum VideoSignature {
    enum Verdict: Equatable {
        /// A known video container: `MP4/MOV`, `WebM/Matroska`, `AVI`, `MPEG-TS`, `MPEG-PS`, `FLV`.
        case video(String)
        /// Not a video; the words say what it is instead (`an empty body`, `JSON`, `an HTML page`, …).
        case notVideo(String)
    }

    /// How many leading bytes ``judge(head:totalSize:contentType:)`` looks at (and errors quote from).
    static let headLength = 512

    /// ISO base media file format box types that can start a file: `ftyp` (every modern MP4, MOV, M4V, 3GP),
    /// `styp` (a fragmented segment), and the boxes older QuickTime files open with.
    private static let isoBoxes: Set<String> = ["ftyp", "styp", "moov", "mdat", "free", "skip", "wide", "pnot"]

    /// - Parameters:
    ///   - head: the body's first bytes (up to ``headLength``).
    ///   - totalSize: the whole body's length.
    ///   - contentType: the media type, without parameters, lower-cased.
    static func judge(head: Data, totalSize: Int64, contentType: String?) -> Verdict {
        let bytes = [UInt8](head.prefix(headLength))
        guard !bytes.isEmpty, totalSize > 0 else { return .notVideo("an empty body") }
        if let container = container(bytes, totalSize: totalSize) { return .video(container) }
        if let text = textKind(bytes) { return .notVideo(text) }
        // Opaque binary: only a video label lets it through (a container this sniffer does not know).
        if let contentType, contentType.hasPrefix("video/") || contentType == "application/mp4" {
            return .video(contentType)
        }
        return .notVideo("binary data that is not a known video format")
    }

    private static func container(_ bytes: [UInt8], totalSize: Int64) -> String? {
        if bytes.count >= 8, let type = String(bytes: bytes[4..<8], encoding: .ascii), isoBoxes.contains(type) {
            // The box's size must fit the body: text such as "The free plan…" has "free" at offset 4 too, but
            // its first four bytes read as a size of over 500 MB. 1 means a 64-bit size follows; 0, to the end.
            let size = bytes[0..<4].reduce(Int64(0)) { $0 << 8 | Int64($1) }
            if size == 0 || size == 1 || (size >= 8 && size <= totalSize) { return "MP4/MOV" }
        }
        if bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return "WebM/Matroska" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), bytes[8..<12].elementsEqual("AVI ".utf8) {
            return "AVI"
        }
        if bytes.count > 188, bytes[0] == 0x47, bytes[188] == 0x47 { return "MPEG-TS" }
        if bytes.starts(with: [0x00, 0x00, 0x01, 0xBA]) { return "MPEG-PS" }
        if bytes.starts(with: [0x46, 0x4C, 0x56, 0x01]) { return "FLV" }
        return nil
    }

    /// What a text body is, or `nil` for binary.
    private static func textKind(_ bytes: [UInt8]) -> String? {
        let start = bytes.drop {
            $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF
        }
        if let first = start.first {
            switch first {
            case UInt8(ascii: "{"), UInt8(ascii: "["): return "JSON"
            case UInt8(ascii: "<"):
                let head = String(decoding: start.prefix(64), as: UTF8.self).lowercased()
                if head.hasPrefix("<?xml") { return "an XML document" }
                return head.hasPrefix("<!doctype html") || head.hasPrefix("<html") || head.hasPrefix("<head")
                    ? "an HTML page" : "markup"
            default: break
            }
        }
        // Valid UTF-8 without control bytes (bar tab and line breaks) is text. When the head was cut from a
        // longer body, a character cut in two at its end is forgiven.
        let cuts = bytes.count == headLength ? 0...3 : 0...0
        return cuts.contains { isPlainText(bytes.dropLast($0)) } ? "text" : nil
    }

    private static func isPlainText(_ bytes: ArraySlice<UInt8>) -> Bool {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var decoded = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" { return false }
                if scalar.value == 0x7F { return false }
                decoded += 1
            case .emptyInput: return decoded > 0
            case .error: return false
            }
        }
    }
}
