import Foundation
import VideoProviderKit

/// A request body as a dry run shows it: readable text, plus a structured view a script can check
/// (the JSON fields in order, or the multipart parts in order).
///
/// Image bytes are never shown: base64 longer than a short preview and file contents are replaced by a
/// byte count, so a dry run of a 30 MB request stays readable and files are not read.
struct BodyView {
    enum Format: String {
        case none, json, multipart, other
    }

    /// The body as text; elided image data reads `…[base64 of N bytes]` or `[N bytes of image/png]`.
    let text: String
    /// `true` when `text` is byte for byte what would be sent.
    let complete: Bool
    let format: Format
    /// JSON bodies: the parsed top-level value, keys in body order, image data URIs abbreviated to
    /// `data:<mime>;base64,…[N bytes]`.
    let json: JSONBody.Value?
    /// Multipart bodies: every part in order.
    let parts: [Part]?

    struct Part {
        let name: String
        /// Text parts.
        let value: String?
        /// File parts.
        let filename: String?
        let contentType: String?
        let bytes: Int64?

        /// `{"name","value"}` for a text part, `{"name","filename","contentType","bytes"}` for a file part.
        var json: JSONBody {
            guard let filename else { return JSONBody(["name": name, "value": value ?? ""]) }
            return JSONBody(["name": name, "filename": filename, "contentType": contentType, "bytes": bytes ?? 0])
        }
    }

    /// Bodies shown in full up to this many base64 input bytes; longer ones are elided.
    static let base64PreviewLimit = 96

    init(_ request: HTTPRequest) {
        let body = request.body
        let contentType = request.headers["Content-Type"]?.lowercased() ?? ""
        if body.isEmpty {
            self.init(text: "", complete: true, format: .none, json: nil, parts: nil)
        } else if contentType.hasPrefix("multipart/form-data"), let boundary = Self.boundary(request) {
            self = Self.multipart(body, boundary: boundary)
        } else if contentType.hasPrefix("application/json") || contentType.hasSuffix("+json") {
            self = Self.json(body)
        } else {
            let flat = Flattened(body, preview: true)
            self.init(
                text: flat.text(), complete: flat.complete, format: .other, json: nil, parts: nil)
        }
    }

    private init(text: String, complete: Bool, format: Format, json: JSONBody.Value?, parts: [Part]?) {
        self.text = text
        self.complete = complete
        self.format = format
        self.json = json
        self.parts = parts
    }

    private static func boundary(_ request: HTTPRequest) -> String? {
        guard let header = request.headers["Content-Type"] else { return nil }
        for parameter in header.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces)
            if pair.lowercased().hasPrefix("boundary=") {
                return String(pair.dropFirst("boundary=".count)).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    // MARK: JSON

    private static func json(_ body: HTTPBody) -> BodyView {
        let display = Flattened(body, preview: true)
        // The structured view parses a copy whose elided base64 carries the byte count only.
        let structured = Flattened(body, preview: false).text()
        let parsed = (try? JSONBody.Value.parse(Data(structured.utf8))).map(abbreviatingDataURIs)
        return BodyView(text: display.text(), complete: display.complete, format: .json, json: parsed, parts: nil)
    }

    /// `value` with every image data URI shortened to `data:<mime>;base64,…[N bytes]`, N being the image's
    /// size.
    private static func abbreviatingDataURIs(_ value: JSONBody.Value) -> JSONBody.Value {
        switch value {
        case .string(let text): return .string(abbreviated(text))
        case .array(let values): return .array(values.map(abbreviatingDataURIs))
        case .object(let object):
            var abbreviated = JSONBody()
            for member in object.members { abbreviated[member.key] = abbreviatingDataURIs(member.value) }
            return .object(abbreviated)
        default: return value
        }
    }

    private static func abbreviated(_ text: String) -> String {
        guard text.hasPrefix("data:"), let marker = text.range(of: ";base64,") else { return text }
        let head = text[..<marker.upperBound]
        let payload = text[marker.upperBound...]
        let count: Int
        if payload.hasPrefix("…[base64 of "), let end = payload.range(of: " bytes]") {
            count =
                Int(payload[payload.index(payload.startIndex, offsetBy: "…[base64 of ".count)..<end.lowerBound]) ?? 0
        } else {
            let padding = payload.reversed().prefix { $0 == "=" }.count
            count = max(0, payload.count / 4 * 3 - padding)
        }
        return "\(head)…[\(count) bytes]"
    }

    // MARK: Multipart

    private static func multipart(_ body: HTTPBody, boundary: String) -> BodyView {
        let flat = Flattened(body, preview: false)
        let data = flat.data
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [Part] = []
        var text = ""
        var complete = flat.complete
        var chunks: [Data] = []
        var searchStart = data.startIndex
        var previous: Int?
        while let range = data.range(of: delimiter, in: searchStart..<data.endIndex) {
            if let previous { chunks.append(data.subdata(in: previous..<range.lowerBound)) }
            previous = range.upperBound
            searchStart = range.upperBound
        }
        for chunk in chunks {
            // Each chunk is "\r\n" headers "\r\n\r\n" content "\r\n".
            var part = chunk
            if part.starts(with: Data("\r\n".utf8)) { part = part.dropFirst(2) }
            guard let separator = part.range(of: Data("\r\n\r\n".utf8)) else { continue }
            let headerText = String(decoding: part[part.startIndex..<separator.lowerBound], as: UTF8.self)
            var content = part[separator.upperBound...]
            if content.suffix(2) == Data("\r\n".utf8) { content = content.dropLast(2) }
            let name = Self.parameter("name", in: headerText) ?? ""
            let filename = Self.parameter("filename", in: headerText)
            let partType = headerText.components(separatedBy: "\r\n").first {
                $0.lowercased().hasPrefix("content-type:")
            }.map { String($0.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces) }
            text += "--\(boundary)\r\n\(headerText)\r\n\r\n"
            if filename != nil {
                let count = flat.byteCount(of: Data(content))
                parts.append(Part(name: name, value: nil, filename: filename, contentType: partType, bytes: count))
                text += "[\(count) bytes of \(partType ?? "application/octet-stream")]\r\n"
                complete = false
            } else {
                let value = flat.text(of: Data(content))
                parts.append(Part(name: name, value: value, filename: nil, contentType: partType, bytes: nil))
                text += value + "\r\n"
            }
        }
        text += "--\(boundary)--\r\n"
        return BodyView(text: text, complete: complete, format: .multipart, json: nil, parts: parts)
    }

    /// `name="value"` from a Content-Disposition header block. A `;` inside quotes belongs to the value
    /// (`filename="a;b.png"`).
    private static func parameter(_ key: String, in headers: String) -> String? {
        for line in headers.components(separatedBy: "\r\n")
        where line.lowercased().hasPrefix("content-disposition:") {
            var pieces: [String] = []
            var current = ""
            var quoted = false
            for character in line {
                if character == "\"" { quoted.toggle() }
                if character == ";" && !quoted {
                    pieces.append(current)
                    current = ""
                } else {
                    current.append(character)
                }
            }
            pieces.append(current)
            for piece in pieces.dropFirst() {
                let pair = piece.trimmingCharacters(in: .whitespaces)
                guard pair.hasPrefix("\(key)=") else { continue }
                var value = String(pair.dropFirst(key.count + 1))
                if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                return value
            }
        }
        return nil
    }
}

/// A body's bytes with streamed and large segments replaced by placeholders, so nothing large is read
/// or held. A placeholder is `NUL "VGPH" index NUL`: NUL never occurs in JSON text or multipart headers,
/// and image bytes that happen to hold that exact sequence are vanishingly unlikely.
private struct Flattened {
    enum Placeholder {
        /// Base64 of this many input bytes, with an optional short preview of its text.
        case base64(count: Int64, preview: String?)
        case file(count: Int64, path: String)
    }

    private static let markerStart: [UInt8] = [0, 0x56, 0x47, 0x50, 0x48]

    private(set) var data = Data()
    private(set) var placeholders: [Placeholder] = []
    private(set) var complete = true

    init(_ body: HTTPBody, preview: Bool) {
        for segment in body.segments {
            switch segment {
            case .bytes(let bytes):
                data.append(bytes)
            case .base64(let bytes):
                if bytes.count <= BodyView.base64PreviewLimit {
                    data.append(bytes.base64EncodedData())
                } else {
                    let text = preview ? bytes.prefix(48).base64EncodedString() : nil
                    add(.base64(count: Int64(bytes.count), preview: text))
                }
            case .base64File(_, let count):
                add(.base64(count: count, preview: nil))
            case .file(let url, let count):
                add(.file(count: count, path: url.path))
            }
        }
    }

    private mutating func add(_ placeholder: Placeholder) {
        complete = false
        data.append(contentsOf: Self.markerStart)
        data.append(contentsOf: Array(String(placeholders.count).utf8))
        data.append(0)
        placeholders.append(placeholder)
    }

    private enum Piece {
        case literal(Data)
        case placeholder(Placeholder)
    }

    private func pieces(of bytes: Data) -> [Piece] {
        var out: [Piece] = []
        var cursor = bytes.startIndex
        let marker = Data(Self.markerStart)
        while let found = bytes.range(of: marker, in: cursor..<bytes.endIndex) {
            guard let end = bytes[found.upperBound...].firstIndex(of: 0),
                let number = Int(String(decoding: bytes[found.upperBound..<end], as: UTF8.self)),
                placeholders.indices.contains(number)
            else {
                out.append(.literal(bytes.subdata(in: cursor..<found.upperBound)))
                cursor = found.upperBound
                continue
            }
            out.append(.literal(bytes.subdata(in: cursor..<found.lowerBound)))
            out.append(.placeholder(placeholders[number]))
            cursor = bytes.index(after: end)
        }
        out.append(.literal(bytes.subdata(in: cursor..<bytes.endIndex)))
        return out
    }

    func text() -> String { text(of: data) }

    /// The bytes as text, each placeholder spelled out.
    func text(of bytes: Data) -> String {
        var out = ""
        for piece in pieces(of: bytes) {
            switch piece {
            case .literal(let data): out += String(decoding: data, as: UTF8.self)
            case .placeholder(.base64(let count, let preview)): out += (preview ?? "") + "…[base64 of \(count) bytes]"
            case .placeholder(.file(let count, let path)): out += "[\(count) bytes from \(path)]"
            }
        }
        return out
    }

    /// How many bytes `bytes` stands for once placeholders are expanded.
    func byteCount(of bytes: Data) -> Int64 {
        var total: Int64 = 0
        for piece in pieces(of: bytes) {
            switch piece {
            case .literal(let data): total += Int64(data.count)
            case .placeholder(.base64(let count, _)): total += (count + 2) / 3 * 4
            case .placeholder(.file(let count, _)): total += count
            }
        }
        return total
    }
}
