package import Foundation

/// A small strict JSON parser (RFC 8259) over raw bytes.
///
/// Vendor responses are untrusted: this parser never traps, bounds its recursion, and reports the byte
/// offset of the first problem. It exists so that decoding a gateway's answer never depends on
/// platform differences in `JSONSerialization`.
///
/// Strict about the text, tolerant of values: what RFC 8259 allows but Swift cannot hold never rejects the
/// document, because the field may be one nothing reads (docs/reliability.md, "Parsers read only what they
/// use"). A number beyond `Double`'s range is kept as an infinity, which ``JSONValue/doubleValue`` and
/// ``JSONValue/intValue`` report as no value; a value nested deeper than ``maximumDepth`` is checked
/// without recursion and kept as `null`.
struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    /// How deep values are built; deeper ones are skipped (see the type's documentation).
    static let maximumDepth = 512

    init(bytes: Data) { self.bytes = [UInt8](bytes) }

    mutating func parseDocument() throws(JSONValue.ParseError) -> JSONValue {
        try parseWholeDocument { (parser: inout JSONParser) throws(JSONValue.ParseError) in try parser.parseValue() }
    }

    /// The document's one value, read by `parseValue`, with nothing but whitespace around it. A UTF-8 byte
    /// order mark is tolerated: some gateways emit one.
    private mutating func parseWholeDocument<Value>(
        _ parseValue: (inout JSONParser) throws(JSONValue.ParseError) -> Value
    ) throws(JSONValue.ParseError) -> Value {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        skipWhitespace()
        let value = try parseValue(&self)
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected trailing characters") }
        return value
    }

    private func fail(_ reason: String) -> JSONValue.ParseError {
        JSONValue.ParseError(offset: index, reason: reason)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONValue.ParseError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws(JSONValue.ParseError) {
        for expected in literal.utf8 {
            guard index < bytes.count, bytes[index] == expected else { throw fail("invalid literal") }
            index += 1
        }
    }

    private mutating func parseObject() throws(JSONValue.ParseError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        let built = try readObject { (parser: inout JSONParser, key: String) throws(JSONValue.ParseError) in
            members[key] = try parser.parseValue()
        }
        return built ? .object(members) : .null
    }

    private mutating func parseArray() throws(JSONValue.ParseError) -> JSONValue {
        var elements: [JSONValue] = []
        let built = try readArray { (parser: inout JSONParser) throws(JSONValue.ParseError) in
            elements.append(try parser.parseValue())
        }
        return built ? .array(elements) : .null
    }

    /// Reads an object, handing each key to `readValue`, which reads the value that follows it. Returns
    /// `false` for an object nested deeper than ``maximumDepth``, which is checked but not built.
    private mutating func readObject(
        _ readValue: (inout JSONParser, String) throws(JSONValue.ParseError) -> Void
    ) throws(JSONValue.ParseError) -> Bool {
        try readContainer(closing: UInt8(ascii: "}"), name: "object") {
            (parser: inout JSONParser) throws(JSONValue.ParseError) in
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
                throw parser.fail("expected a key")
            }
            let key = try parser.parseString()
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else {
                throw parser.fail("expected ':'")
            }
            parser.index += 1
            parser.skipWhitespace()
            try readValue(&parser, key)
        }
    }

    /// Reads an array, calling `readElement` to read each element. Returns `false` for an array nested
    /// deeper than ``maximumDepth``, which is checked but not built.
    private mutating func readArray(
        _ readElement: (inout JSONParser) throws(JSONValue.ParseError) -> Void
    ) throws(JSONValue.ParseError) -> Bool {
        try readContainer(closing: UInt8(ascii: "]"), name: "array", readElement)
    }

    /// What objects and arrays share: the depth limit, the empty container, and members (read by
    /// `readMember`) separated by commas up to the `closing` bracket.
    private mutating func readContainer(
        closing: UInt8, name: String, _ readMember: (inout JSONParser) throws(JSONValue.ParseError) -> Void
    ) throws(JSONValue.ParseError) -> Bool {
        guard depth < Self.maximumDepth else {
            _ = try skipNested()
            return false
        }
        depth += 1
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == closing {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            try readMember(&self)
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated \(name)") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == closing else {
                throw fail("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
            }
            index += 1
            return true
        }
    }

    private mutating func parseNumber() throws(JSONValue.ParseError) -> JSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid fraction") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        // The grammar was checked above, so `Double` reads it; `1e400` reads as an infinity, which is how a
        // number too large to hold is kept (the field may be one nothing reads).
        return .double(Double(text) ?? (bytes[start] == UInt8(ascii: "-") ? -.infinity : .infinity))
    }

    /// Checks an array or object nested deeper than ``maximumDepth`` without recursion, and stands `null` in
    /// for it. Only brackets outside strings count; strings and scalars between them are checked by the
    /// same rules as everywhere else.
    private mutating func skipNested() throws(JSONValue.ParseError) -> JSONValue {
        // Open brackets as bits, 1 for `{`: the matching closer is checked without a stack of values.
        var open: [UInt64] = []
        var count = 0
        func push(_ isObject: Bool) {
            if count % 64 == 0 { open.append(0) }
            if isObject { open[count / 64] |= 1 << UInt64(count % 64) }
            count += 1
        }
        func pop() -> Bool {
            count -= 1
            let isObject = open[count / 64] & (1 << UInt64(count % 64)) != 0
            open[count / 64] &= ~(1 << UInt64(count % 64))
            if count % 64 == 0 { open.removeLast() }
            return isObject
        }
        // What may come next: a value (after `[`, `:` or `,` in an array), a key (after `{` or `,` in an
        // object), or a separator or closer.
        enum Expect { case value, key, separator }
        var expect = Expect.value
        var afterOpen = false
        repeat {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            let byte = bytes[index]
            switch expect {
            case .value, .key:
                if afterOpen, byte == UInt8(ascii: count > 0 && isInnermostObject(open, count) ? "}" : "]") {
                    index += 1
                    _ = pop()
                    expect = .separator
                    afterOpen = false
                    continue
                }
                afterOpen = false
                if expect == .key {
                    guard byte == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    _ = try parseString()
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    index += 1
                    expect = .value
                    continue
                }
                if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    index += 1
                    push(byte == UInt8(ascii: "{"))
                    expect = byte == UInt8(ascii: "{") ? .key : .value
                    afterOpen = true
                } else {
                    _ = try parseScalar()
                    expect = .separator
                }
            case .separator:
                let isObject = isInnermostObject(open, count)
                if byte == UInt8(ascii: ",") {
                    index += 1
                    expect = isObject ? .key : .value
                } else if byte == UInt8(ascii: isObject ? "}" : "]") {
                    index += 1
                    _ = pop()
                } else {
                    throw fail(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            }
        } while count > 0
        return .null
    }

    private func isInnermostObject(_ open: [UInt64], _ count: Int) -> Bool {
        let top = count - 1
        return open[top / 64] & (1 << UInt64(top % 64)) != 0
    }

    /// A string, number or literal (anything but an array or object).
    private mutating func parseScalar() throws(JSONValue.ParseError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "["), UInt8(ascii: "{"): throw fail("unexpected character")
        default: return try parseValue()
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private mutating func parseString() throws(JSONValue.ParseError) -> String {
        index += 1  // opening quote
        var runStart = index
        var utf8Run: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                utf8Run.append(contentsOf: bytes[runStart..<index])
                index += 1
                break
            }
            if byte < 0x20 { throw fail("control character in string") }
            if byte == UInt8(ascii: "\\") {
                utf8Run.append(contentsOf: bytes[runStart..<index])
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): utf8Run.append(0x22)
                case UInt8(ascii: "\\"): utf8Run.append(0x5C)
                case UInt8(ascii: "/"): utf8Run.append(0x2F)
                case UInt8(ascii: "b"): utf8Run.append(0x08)
                case UInt8(ascii: "f"): utf8Run.append(0x0C)
                case UInt8(ascii: "n"): utf8Run.append(0x0A)
                case UInt8(ascii: "r"): utf8Run.append(0x0D)
                case UInt8(ascii: "t"): utf8Run.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800..<0xDC00).contains(code) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            let low = try parseHex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid surrogate pair") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            throw fail("lone surrogate")
                        }
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw fail("lone surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid code point") }
                    utf8Run.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw fail("invalid escape")
                }
                runStart = index
                continue
            }
            index += 1
        }
        // Not `String(bytes:encoding:)`: it drops a leading U+FEFF, so `"\u{FEFF}1"` read as `"1"` (fuzz: json).
        // Decoding replaces invalid UTF-8 with U+FFFD, so the bytes differ exactly when the input is invalid.
        let decoded = String(decoding: utf8Run, as: UTF8.self)
        guard decoded.utf8.elementsEqual(utf8Run) else { throw fail("invalid UTF-8 in string") }
        return decoded
    }

    private mutating func parseHex4() throws(JSONValue.ParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw fail("invalid hex digit")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}

// MARK: - Document order

extension JSONParser {
    /// Parses the document keeping every object's members in document order, as ``JSONBody`` values, under
    /// the same rules as ``parseDocument()``: for showing a body exactly as it was written.
    mutating func parseOrderedDocument() throws(JSONValue.ParseError) -> JSONBody.Value {
        try parseWholeDocument { (parser: inout JSONParser) throws(JSONValue.ParseError) in
            try parser.parseOrderedValue()
        }
    }

    private mutating func parseOrderedValue() throws(JSONValue.ParseError) -> JSONBody.Value {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            var object = JSONBody()
            let built = try readObject { (parser: inout JSONParser, key: String) throws(JSONValue.ParseError) in
                object[key] = try parser.parseOrderedValue()
            }
            return built ? .object(object) : .null
        case UInt8(ascii: "["):
            var elements: [JSONBody.Value] = []
            let built = try readArray { (parser: inout JSONParser) throws(JSONValue.ParseError) in
                elements.append(try parser.parseOrderedValue())
            }
            return built ? .array(elements) : .null
        default:
            switch try parseValue() {
            case .string(let text): return .string(text)
            case .int(let number): return .int(number)
            case .double(let number): return .double(number)
            case .bool(let flag): return .bool(flag)
            case .null: return .null
            case let other: return .json(other)
            }
        }
    }
}

extension JSONBody.Value {
    /// Parses UTF-8 JSON keeping object members in document order (``JSONValue/parse(_:)`` sorts them when
    /// it writes). Throws ``JSONValue/ParseError`` for anything that is not exactly one JSON value.
    package static func parse(_ data: Data) throws(JSONValue.ParseError) -> JSONBody.Value {
        var parser = JSONParser(bytes: data)
        return try parser.parseOrderedDocument()
    }
}
