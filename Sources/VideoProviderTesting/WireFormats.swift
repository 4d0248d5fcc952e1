import Foundation
import VideoProviderKit

// The simulator reads request bytes with its own code: JSON through Foundation's `JSONSerialization`
// (a different parser from the library's), multipart with the parser below. Nothing here uses the
// library's encoders, so an encoder bug cannot hide behind a matching decoder bug.

/// `JSONSerialization` in both directions.
enum SimulatorJSON {
    /// The body as a JSON object, or `nil` when it is not exactly one JSON object.
    static func object(_ data: Data) -> JSONValue? {
        guard !data.isEmpty, let parsed = try? JSONSerialization.jsonObject(with: data, options: []),
            let value = convert(parsed), case .object = value
        else { return nil }
        return value
    }

    /// Foundation's output as a typed tree. Booleans and numbers both arrive as `NSNumber`; the
    /// Objective-C type code tells them apart (`c` is a boolean, `d`/`f` a number with a fraction or
    /// exponent), so `true` is never mistaken for `1`.
    static func convert(_ value: Any) -> JSONValue? {
        switch value {
        case is NSNull:
            return .null
        case let text as String:
            return .string(text)
        case let number as NSNumber:
            let type = String(cString: number.objCType)
            if type == "c" || type == "B" { return .bool(number.boolValue) }
            if type == "d" || type == "f" { return .double(number.doubleValue) }
            if type == "Q", number.uint64Value > UInt64(Int.max) { return .double(number.doubleValue) }
            return .int(number.intValue)
        case let array as [Any]:
            var out: [JSONValue] = []
            for element in array {
                guard let converted = convert(element) else { return nil }
                out.append(converted)
            }
            return .array(out)
        case let object as [String: Any]:
            var out: [String: JSONValue] = [:]
            for (key, element) in object {
                guard let converted = convert(element) else { return nil }
                out[key] = converted
            }
            return .object(out)
        default:
            return nil
        }
    }

    /// Serialized with sorted keys (deterministic bytes) and unescaped slashes (URLs stay readable).
    static func data(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
    }
}

/// A malformed multipart body (or data URI), with what was wrong.
struct MultipartError: Error, Equatable {
    let reason: String
}

/// An RFC 7578 / RFC 2046 `multipart/form-data` reader: CRLF line breaks, a boundary from `Content-Type`,
/// optional preamble and epilogue, part headers, `Content-Disposition` `name`/`filename`.
enum MultipartReader {
    /// The `boundary` parameter of a `multipart/form-data` content type, unquoted.
    static func boundary(fromContentType contentType: String) throws(MultipartError) -> String {
        let pieces = contentType.split(separator: ";", omittingEmptySubsequences: false)
        guard let media = pieces.first?.trimmingWhitespace().lowercased(),
            media == "multipart/form-data"
        else { throw MultipartError(reason: "Content-Type is not multipart/form-data") }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "boundary" else {
                continue
            }
            var value = pair[1].trimmingWhitespace()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard (1...70).contains(value.utf8.count), !value.hasSuffix(" ") else {
                throw MultipartError(reason: "the multipart boundary must be 1 to 70 characters")
            }
            return value
        }
        throw MultipartError(reason: "Content-Type has no boundary parameter")
    }

    static func parse(_ body: Data, boundary: String) throws(MultipartError) -> [GatewaySimulator.MultipartPart] {
        let bytes = [UInt8](body)
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n".utf8) + dashBoundary
        var position: Int
        if bytes.starts(with: dashBoundary) {
            position = dashBoundary.count
        } else if let found = search(delimiter, in: bytes, from: 0) {
            position = found + delimiter.count  // after a preamble
        } else {
            throw MultipartError(reason: "the body does not contain the boundary \"\(boundary)\"")
        }
        var parts: [GatewaySimulator.MultipartPart] = []
        while true {
            if bytes.count >= position + 2, bytes[position] == UInt8(ascii: "-"),
                bytes[position + 1] == UInt8(ascii: "-")
            {
                break  // the close delimiter; anything after it is epilogue
            }
            // Transport padding, then CRLF.
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
            guard position + 1 < bytes.count, bytes[position] == 0x0D, bytes[position + 1] == 0x0A else {
                throw MultipartError(reason: "a boundary line is not followed by CRLF (truncated body?)")
            }
            position += 2
            guard let end = search(delimiter, in: bytes, from: position) else {
                throw MultipartError(reason: "the body ends without a closing boundary (truncated body?)")
            }
            parts.append(try part(Array(bytes[position..<end])))
            position = end + delimiter.count
        }
        if parts.isEmpty { throw MultipartError(reason: "the body has no parts") }
        return parts
    }

    private static func part(_ bytes: [UInt8]) throws(MultipartError) -> GatewaySimulator.MultipartPart {
        let crlf = Array("\r\n".utf8)
        let headerEnd: Int
        let contentStart: Int
        if bytes.starts(with: crlf) {
            headerEnd = 0
            contentStart = 2
        } else if let found = search(crlf + crlf, in: bytes, from: 0) {
            headerEnd = found
            contentStart = found + 4
        } else {
            throw MultipartError(reason: "a part's headers are not followed by an empty line")
        }
        var headers = HTTPHeaders()
        if headerEnd > 0 {
            guard let block = String(bytes: bytes[0..<headerEnd], encoding: .utf8) else {
                throw MultipartError(reason: "a part's headers are not UTF-8")
            }
            for line in block.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "), !line.hasPrefix("\t") else {
                    throw MultipartError(reason: "a part has a malformed header line \"\(line.prefix(60))\"")
                }
                let name = line[..<colon].trimmingWhitespace()
                guard !name.isEmpty, !name.contains(" ") else {
                    throw MultipartError(reason: "a part has a malformed header name")
                }
                headers.add(name, line[line.index(after: colon)...].trimmingWhitespace())
            }
        }
        guard let disposition = headers["Content-Disposition"] else {
            throw MultipartError(reason: "a part has no Content-Disposition header")
        }
        let (kind, parameters) = try dispositionParameters(disposition)
        guard kind.lowercased() == "form-data" else {
            throw MultipartError(reason: "a part's Content-Disposition is \"\(kind)\", not form-data")
        }
        guard let name = parameters["name"], !name.isEmpty else {
            throw MultipartError(reason: "a part's Content-Disposition has no name")
        }
        return GatewaySimulator.MultipartPart(
            name: name, filename: parameters["filename"], contentType: headers["Content-Type"], headers: headers,
            body: Data(bytes[contentStart...]))
    }

    /// `form-data; name="a"; filename="b.png"`: the disposition type and its parameters (quoted strings
    /// may contain `;` and backslash escapes).
    static func dispositionParameters(_ value: String) throws(MultipartError) -> (String, [String: String]) {
        var scalars = Array(value.unicodeScalars)[...]
        func skipSpaces() { while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() } }
        func token() -> String {
            var out = ""
            while let first = scalars.first, first != ";", first != "=", first != " ", first != "\t" {
                out.unicodeScalars.append(first)
                scalars.removeFirst()
            }
            return out
        }
        skipSpaces()
        let kind = token()
        var parameters: [String: String] = [:]
        while true {
            skipSpaces()
            guard let first = scalars.first else { break }
            guard first == ";" else { throw MultipartError(reason: "malformed Content-Disposition \"\(value)\"") }
            scalars.removeFirst()
            skipSpaces()
            if scalars.isEmpty { break }
            let name = token().lowercased()
            skipSpaces()
            guard scalars.first == "=" else {
                throw MultipartError(reason: "malformed Content-Disposition parameter \"\(name)\"")
            }
            scalars.removeFirst()
            skipSpaces()
            var parameterValue = ""
            if scalars.first == "\"" {
                scalars.removeFirst()
                var closed = false
                while let next = scalars.first {
                    scalars.removeFirst()
                    if next == "\\", let escaped = scalars.first {
                        parameterValue.unicodeScalars.append(escaped)
                        scalars.removeFirst()
                    } else if next == "\"" {
                        closed = true
                        break
                    } else {
                        parameterValue.unicodeScalars.append(next)
                    }
                }
                guard closed else { throw MultipartError(reason: "unterminated quoted string in Content-Disposition") }
            } else {
                parameterValue = token()
            }
            parameters[name] = parameterValue
        }
        return (kind, parameters)
    }

    static func search(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}

/// Image checks that look at real bytes.
enum ImageSniffer {
    /// The format the magic bytes announce.
    static func kind(of data: Data) -> GatewaySimulator.ImageKind? {
        let bytes = [UInt8](data.prefix(12))
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.count == 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return .webp
        }
        return nil
    }

    /// The declared media type of `image/jpeg`, `image/png` or `image/webp` (parameters ignored).
    static func kind(mediaType: String) -> GatewaySimulator.ImageKind? {
        let bare = mediaType.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() }
        return GatewaySimulator.ImageKind.allCases.first { $0.mimeType == bare }
    }

    /// A `data:<media type>;base64,<payload>` string decoded; the error says what is wrong with it.
    static func dataURI(_ text: String) throws(MultipartError) -> (mediaType: String, bytes: Data) {
        guard text.lowercased().hasPrefix("data:"), let comma = text.firstIndex(of: ",") else {
            throw MultipartError(reason: "is not a data URI")
        }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma]
        let fields = header.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, fields.last?.lowercased() == "base64" else {
            throw MultipartError(reason: "is a data URI without ;base64")
        }
        let payload = text[text.index(after: comma)...]
        // At most two `=`, only at the end, after at least one digit. Foundation's decoder on Linux also
        // takes `=` inside the last quantum (`…2Q=9`) and padding alone (`====` is one byte), which the
        // library and a real gateway refuse (fuzz: data-uri).
        let padding = payload.reversed().prefix { $0 == "=" }.count
        guard padding <= 2, payload.count > padding, !payload.dropLast(padding).contains("="),
            let bytes = Data(base64Encoded: String(payload)), !bytes.isEmpty
        else {
            throw MultipartError(reason: "has a payload that is not valid base64")
        }
        return (fields[0], bytes)
    }

    /// An absolute `http(s)` URL to a host a vendor could reach (not loopback, link-local or private).
    static func isPublicHTTPURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty
        else { return false }
        if host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local") { return false }
        if host == "::1" || host == "[::1]" || host.hasPrefix("fe80:") || host.hasPrefix("[fe80:") { return false }
        let octets = host.split(separator: ".").compactMap { UInt8($0) }
        if octets.count == 4, host.split(separator: ".").count == 4 {
            switch (octets[0], octets[1]) {
            case (127, _), (10, _), (0, _), (169, 254), (192, 168): return false
            case (172, let second) where (16...31).contains(second): return false
            default: return true
            }
        }
        return true
    }
}
