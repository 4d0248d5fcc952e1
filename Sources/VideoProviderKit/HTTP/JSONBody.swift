import Foundation

/// Builds a JSON request body with fields in a fixed order and images inlined as data URIs without
/// ever holding their base64 text in memory.
///
/// ```swift
/// var json = JSONBody()
/// json["model"] = .string("grok-imagine-video")
/// json["seconds"] = .string("8")
/// json["image"] = .dataURI(payload, .png)
/// let body = json.httpBody   // {"model":"grok-imagine-video","seconds":"8","image":"data:image/png;base64,…"}
/// ```
///
/// The output is compact (no spaces), keys in insertion order, non-ASCII written as UTF-8, and only
/// `"`, `\` and control characters escaped; the same input always gives the same bytes.
public struct JSONBody: Sendable, Hashable {
    public indirect enum Value: Sendable, Hashable {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case null
        /// Any parsed or app-supplied JSON (vendor options).
        case json(JSONValue)
        case array([Value])
        case object(JSONBody)
        /// A `data:<mime>;base64,<bytes>` string, encoded while the body is written.
        case dataURI(ImagePayload, ImageFormat)
        /// The bytes as a plain standard base64 string, no `data:` prefix (Veo's `bytesBase64Encoded`,
        /// Kling's `image`), encoded while the body is written like ``dataURI(_:_:)``.
        case base64(ImagePayload)
    }

    public struct Member: Sendable, Hashable {
        public let key: String
        public var value: Value
    }

    public private(set) var members: [Member] = []

    public init() {}

    /// Reading finds a member; assigning replaces it in place or appends it; assigning `nil` removes it.
    public subscript(key: String) -> Value? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// The body, ready to send as `application/json`.
    public var httpBody: HTTPBody {
        var body = HTTPBody()
        var pending = Data()
        write(.object(self), into: &body, pending: &pending)
        body.append(pending)
        return body
    }

    private func write(_ value: Value, into body: inout HTTPBody, pending: inout Data) {
        switch value {
        case .string(let text): JSONWriter.writeString(text, into: &pending)
        case .int(let number): pending.append(contentsOf: Array(String(number).utf8))
        case .double(let number): JSONWriter.writeDouble(number, into: &pending)
        case .bool(let flag): pending.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .null: pending.append(contentsOf: Array("null".utf8))
        case .json(let json): JSONWriter.write(json, into: &pending)
        case .array(let elements):
            pending.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { pending.append(UInt8(ascii: ",")) }
                write(element, into: &body, pending: &pending)
            }
            pending.append(UInt8(ascii: "]"))
        case .object(let object):
            pending.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { pending.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(member.key, into: &pending)
                pending.append(UInt8(ascii: ":"))
                write(member.value, into: &body, pending: &pending)
            }
            pending.append(UInt8(ascii: "}"))
        case .dataURI(let payload, let format):
            pending.append(contentsOf: Array("\"data:\(format.mimeType);base64,".utf8))
            Self.writeBase64(payload, into: &body, pending: &pending)
        case .base64(let payload):
            pending.append(UInt8(ascii: "\""))
            Self.writeBase64(payload, into: &body, pending: &pending)
        }
    }

    /// The payload's base64 as a body segment (streamed from memory or disk when the body is written), then
    /// the closing quote. Base64 needs no JSON escaping.
    private static func writeBase64(_ payload: ImagePayload, into body: inout HTTPBody, pending: inout Data) {
        body.append(pending)
        pending = Data()
        switch payload {
        case .bytes(let data): body.append(.base64(data))
        case .file(let url, let count): body.append(.base64File(url, byteCount: count))
        }
        pending.append(UInt8(ascii: "\""))
    }
}

/// Builds a `multipart/form-data` body (RFC 7578) whose file parts stream from memory or disk.
public struct MultipartBody: Sendable, Hashable {
    public let boundary: String
    public private(set) var body = HTTPBody()

    /// `boundary` must not occur in any part; ``randomBoundary()`` makes one that will not.
    public init(boundary: String) {
        self.boundary = boundary
    }

    /// The `Content-Type` header value.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public mutating func addField(_ name: String, _ value: String) {
        body.append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.escape(name))\"\r\n\r\n")
        body.append(value)
        body.append("\r\n")
    }

    public mutating func addFile(_ name: String, filename: String, contentType: String, payload: ImagePayload) {
        body.append(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.escape(name))\"; "
                + "filename=\"\(Self.escape(filename))\"\r\nContent-Type: \(contentType)\r\n\r\n")
        switch payload {
        case .bytes(let data): body.append(.bytes(data))
        case .file(let url, let count): body.append(.file(url, byteCount: count))
        }
        body.append("\r\n")
    }

    /// The finished body, with the closing delimiter.
    public var httpBody: HTTPBody {
        var finished = body
        finished.append("--\(boundary)--\r\n")
        return finished
    }

    /// A boundary of 24 random alphanumerics after a fixed prefix.
    public static func randomBoundary() -> String {
        // Six bits per character from 64-bit draws (values 62 and 63 are skipped, so every character is
        // equally likely): about three `getrandom` calls instead of one per character. Contexts, and so
        // boundaries, are made for every status poll.
        var generator = SystemRandomNumberGenerator()
        var bytes = Array("VideoProviderKit-".utf8)
        let length = bytes.count + 24
        bytes.reserveCapacity(length)
        var word: UInt64 = 0
        var bitsLeft = 0
        while bytes.count < length {
            if bitsLeft < 6 {
                word = generator.next()
                bitsLeft = 64
            }
            let index = Int(word & 63)
            word >>= 6
            bitsLeft -= 6
            if index < boundaryAlphabet.count { bytes.append(boundaryAlphabet[index]) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let boundaryAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    // Per the HTML form encoding rules: quotes and line breaks in names are percent-encoded.
    private static func escape(_ text: String) -> String {
        text.replacingBytes(of: "\"", with: "%22")
            .replacingBytes(of: "\r", with: "%0D")
            .replacingBytes(of: "\n", with: "%0A")
    }
}
