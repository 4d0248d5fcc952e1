import Foundation

/// A parsed JSON value that keeps object keys in document order and numbers as written, so a dry run's
/// structured body view shows exactly the fields, order and types that would be sent (`"seconds":"8"`
/// stays a string, `"duration":8` a number).
indirect enum OrderedJSON: Equatable {
    case null
    case bool(Bool)
    /// The number's text as it appears in the body.
    case number(String)
    case string(String)
    case array([OrderedJSON])
    case object([(key: String, value: OrderedJSON)])

    static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    struct ParseError: Error {}

    static func parse(_ text: String) throws(ParseError) -> OrderedJSON {
        var reader = Reader(scalars: Array(text.unicodeScalars))
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.atEnd else { throw ParseError() }
        return value
    }

    /// Compact JSON text, keys in order.
    var rendered: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return JSONLine.quote(text)
        case .array(let values): return "[" + values.map(\.rendered).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { JSONLine.quote($0.key) + ":" + $0.value.rendered }.joined(separator: ",") + "}"
        }
    }

    /// Image data URIs shortened to `data:<mime>;base64,…[N bytes]`, N being the image's size.
    func abbreviatingDataURIs() -> OrderedJSON {
        switch self {
        case .string(let text): return .string(Self.abbreviated(text))
        case .array(let values): return .array(values.map { $0.abbreviatingDataURIs() })
        case .object(let members): return .object(members.map { ($0.key, $0.value.abbreviatingDataURIs()) })
        default: return self
        }
    }

    static func abbreviated(_ text: String) -> String {
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

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0

        var atEnd: Bool { index >= scalars.count }

        mutating func skipWhitespace() {
            while index < scalars.count, [" ", "\n", "\r", "\t"].contains(scalars[index]) { index += 1 }
        }

        mutating func value() throws(ParseError) -> OrderedJSON {
            skipWhitespace()
            guard index < scalars.count else { throw ParseError() }
            switch scalars[index] {
            case "{": return try object()
            case "[": return try array()
            case "\"": return .string(try string())
            case "t": return try literal("true", .bool(true))
            case "f": return try literal("false", .bool(false))
            case "n": return try literal("null", .null)
            default: return try number()
            }
        }

        mutating func literal(_ word: String, _ value: OrderedJSON) throws(ParseError) -> OrderedJSON {
            let expected = Array(word.unicodeScalars)
            guard index + expected.count <= scalars.count, Array(scalars[index..<index + expected.count]) == expected
            else { throw ParseError() }
            index += expected.count
            return value
        }

        mutating func number() throws(ParseError) -> OrderedJSON {
            let start = index
            while index < scalars.count, "+-0123456789.eE".unicodeScalars.contains(scalars[index]) { index += 1 }
            guard index > start else { throw ParseError() }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[start..<index])
            guard Double(text) != nil else { throw ParseError() }
            return .number(text)
        }

        mutating func string() throws(ParseError) -> String {
            index += 1  // opening quote
            var out = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                switch scalar {
                case "\"":
                    return String(out)
                case "\\":
                    guard index < scalars.count else { throw ParseError() }
                    let escape = scalars[index]
                    index += 1
                    switch escape {
                    case "\"": out.append("\"")
                    case "\\": out.append("\\")
                    case "/": out.append("/")
                    case "b": out.append("\u{08}")
                    case "f": out.append("\u{0C}")
                    case "n": out.append("\n")
                    case "r": out.append("\r")
                    case "t": out.append("\t")
                    case "u":
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code), index + 1 < scalars.count, scalars[index] == "\\",
                            scalars[index + 1] == "u"
                        {
                            index += 2
                            let low = try hex4()
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: throw ParseError()
                    }
                default:
                    out.append(scalar)
                }
            }
            throw ParseError()
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard index + 4 <= scalars.count else { throw ParseError() }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[index..<index + 4])
            guard let code = UInt32(text, radix: 16) else { throw ParseError() }
            index += 4
            return code
        }

        mutating func array() throws(ParseError) -> OrderedJSON {
            index += 1
            var values: [OrderedJSON] = []
            skipWhitespace()
            if index < scalars.count, scalars[index] == "]" {
                index += 1
                return .array(values)
            }
            while true {
                values.append(try value())
                skipWhitespace()
                guard index < scalars.count else { throw ParseError() }
                let next = scalars[index]
                index += 1
                if next == "]" { return .array(values) }
                guard next == "," else { throw ParseError() }
            }
        }

        mutating func object() throws(ParseError) -> OrderedJSON {
            index += 1
            var members: [(key: String, value: OrderedJSON)] = []
            skipWhitespace()
            if index < scalars.count, scalars[index] == "}" {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < scalars.count, scalars[index] == "\"" else { throw ParseError() }
                let key = try string()
                skipWhitespace()
                guard index < scalars.count, scalars[index] == ":" else { throw ParseError() }
                index += 1
                members.append((key, try value()))
                skipWhitespace()
                guard index < scalars.count else { throw ParseError() }
                let next = scalars[index]
                index += 1
                if next == "}" { return .object(members) }
                guard next == "," else { throw ParseError() }
            }
        }
    }
}
