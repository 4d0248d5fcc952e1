public import Foundation

/// A JSON value, used for vendor options and for reading vendor responses without committing to a schema.
///
/// Objects keep no key order; when a value is written (``JSONValue/serialized()``), keys are sorted so the
/// bytes are deterministic. Request bodies whose field order matters are built with ``JSONBody`` instead.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer that fits in 64 bits. Numbers with a fraction or exponent decode as ``double(_:)``.
    case int(Int)
    /// Any other number. One too large for a `Double` (`1e400`) is kept as an infinity rather than refused,
    /// since the field holding it may be one nothing reads; ``doubleValue`` and ``intValue`` give `nil` for
    /// it, and ``serialized()`` writes `null`.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Member lookup for objects; `nil` for anything else or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as an integer when it is an integer, an integral double, or a string holding one
    /// (gateways send `"seconds": "6"` as often as `6`).
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 1e15: return Int(value)
        case .string(let value): return Int(value.trimmingWhitespace())
        default: return nil
        }
    }

    /// The value as a finite number when it is one, or a string holding one; `nil` for a number too large to
    /// hold, and for `"inf"` or `"nan"` in a string.
    public var doubleValue: Double? {
        let value: Double?
        switch self {
        case .int(let number): value = Double(number)
        case .double(let number): value = number
        case .string(let text): value = Double(text.trimmingWhitespace())
        default: value = nil
        }
        return value.flatMap { $0.isFinite ? $0 : nil }
    }

    public var isNull: Bool { self == .null }

    /// Parses UTF-8 JSON. Throws ``JSONValue/ParseError`` for anything that is not exactly one JSON value.
    public static func parse(_ data: Data) throws(ParseError) -> JSONValue {
        var parser = JSONParser(bytes: data)
        return try parser.parseDocument()
    }

    /// Compact JSON bytes with sorted object keys.
    public func serialized() -> Data {
        var out = Data()
        JSONWriter.write(self, into: &out)
        return out
    }

    /// Why some bytes are not JSON, with the byte offset where reading stopped.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { String(decoding: serialized(), as: UTF8.self) }
}

/// Writes JSON text. Shared by ``JSONValue`` and ``JSONBody`` so both escape strings identically.
enum JSONWriter {
    static func write(_ value: JSONValue, into out: inout Data) {
        switch value {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let flag): out.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .int(let number): out.append(contentsOf: Array(String(number).utf8))
        case .double(let number): writeDouble(number, into: &out)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(members[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeDouble(_ number: Double, into out: inout Data) {
        // JSON has no NaN or infinity; null is the only honest spelling.
        guard number.isFinite else {
            out.append(contentsOf: Array("null".utf8))
            return
        }
        if number.rounded() == number && abs(number) < 1e15 {
            out.append(contentsOf: Array(String(Int(number)).utf8))
        } else {
            out.append(contentsOf: Array("\(number)".utf8))
        }
    }

    static func writeString(_ text: String, into out: inout Data) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
