import Foundation
import Testing
import VideoProviderKit

/// `JSONValue.parse`: a strict RFC 8259 parser over untrusted bytes that never traps.
@Suite struct CoreJSONParseTests {
    private func parse(_ text: String) throws(JSONValue.ParseError) -> JSONValue {
        try JSONValue.parse(Data(text.utf8))
    }

    @Test func validDocument() throws {
        let value = try parse(
            " \n\t{\"id\" : \"video_1\", \"n\":[1, 2.5, -3, \"x\", true, false, null, {}, []], \"o\":{\"k\":{}}}\r\n")
        #expect(
            value
                == .object([
                    "id": "video_1",
                    "n": [1, 2.5, -3, "x", true, false, nil, .object([:]), []],
                    "o": ["k": .object([:])],
                ]))
    }

    @Test(arguments: [
        ("0", JSONValue.int(0)), ("-0", .int(0)), ("42", .int(42)), ("-7", .int(-7)),
        ("9223372036854775807", .int(Int.max)), ("-9223372036854775808", .int(Int.min)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)), ("1.0", .double(1)), ("0.5", .double(0.5)),
        ("1e2", .double(100)), ("1E+2", .double(100)), ("-2.5e-3", .double(-0.0025)), ("1e308", .double(1e308)),
    ])
    func numbersKeepIntegersApartFromDoubles(text: String, value: JSONValue) throws {
        #expect(try parse(text) == value)
    }

    @Test(arguments: [
        (#""\u00e9""#, "é"), (#""\uD83D\uDE00""#, "😀"), (#""\ud83d\ude00""#, "😀"), (#""\u0000""#, "\u{0}"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"), ("\"猫 🐱\"", "猫 🐱"), (#""\u2028""#, "\u{2028}"),
        (#""a\u0041b""#, "aAb"),
    ])
    func stringsAndEscapes(text: String, value: String) throws {
        #expect(try parse(text) == .string(value))
    }

    @Test func byteOrderMarkIsTolerated() throws {
        #expect(try JSONValue.parse(Data([0xEF, 0xBB, 0xBF]) + Data(#"{"a":1}"#.utf8)) == ["a": 1])
    }

    @Test func duplicateKeysKeepTheLast() throws {
        #expect(try parse(#"{"a":1,"a":2}"#) == ["a": 2])
    }

    static let invalidCases: [(text: String, offset: Int, reason: String)] = [
        ("", 0, "unexpected end of input"),
        ("   ", 3, "unexpected end of input"),
        ("01", 1, "unexpected trailing characters"),
        ("{} x", 3, "unexpected trailing characters"),
        ("-", 1, "invalid number"),
        ("-a", 1, "invalid number"),
        ("1.", 2, "invalid fraction"),
        ("1.e3", 2, "invalid fraction"),
        ("1e", 2, "invalid exponent"),
        ("1e+", 3, "invalid exponent"),
        (".5", 0, "unexpected character"),
        ("+1", 0, "unexpected character"),
        ("NaN", 0, "unexpected character"),
        ("Infinity", 0, "unexpected character"),
        ("'a'", 0, "unexpected character"),
        ("tru", 3, "invalid literal"),
        ("trux", 3, "invalid literal"),
        ("nul", 3, "invalid literal"),
        ("False", 0, "unexpected character"),
        (#"{"a" 1}"#, 5, "expected ':'"),
        (#"{"a":1,}"#, 7, "expected a key"),
        ("{a:1}", 1, "expected a key"),
        ("[1,]", 3, "unexpected character"),
        ("[1 2]", 3, "expected ',' or ']'"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}'"),
        ("[1", 2, "unterminated array"),
        (#"{"a":1"#, 6, "unterminated object"),
        (#""abc"#, 4, "unterminated string"),
        (#""\"#, 2, "unterminated escape"),
        (#""\x""#, 3, "invalid escape"),
        (#""\u12""#, 3, #"truncated \u escape"#),
        (#""\u12G4""#, 5, "invalid hex digit"),
        (#""\uD800""#, 7, "lone surrogate"),
        (#""\uDC00""#, 7, "lone surrogate"),
        (#""\uD83Dx""#, 7, "lone surrogate"),
        (#""\uD83D\u0041""#, 13, "invalid surrogate pair"),
    ]

    @Test(arguments: invalidCases)
    func everyInvalidClassReportsItsOffset(text: String, offset: Int, reason: String) {
        let error = #expect(throws: JSONValue.ParseError.self) { try parse(text) }
        #expect(error?.offset == offset)
        #expect(error?.reason == reason)
        #expect(error?.description == "invalid JSON at byte \(offset): \(reason)")
    }

    @Test func rawControlCharactersAndInvalidUTF8InStrings() {
        let control = #expect(throws: JSONValue.ParseError.self) {
            try JSONValue.parse(Data([0x22, 0x61, 0x01, 0x22]))
        }
        #expect(control?.offset == 2)
        #expect(control?.reason == "control character in string")
        let utf8 = #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data([0x22, 0xFF, 0x22])) }
        #expect(utf8?.offset == 3)
        #expect(utf8?.reason == "invalid UTF-8 in string")
    }

    /// A number beyond `Double`'s range is valid JSON that Swift cannot hold: kept as an infinity, which reads
    /// as no number, so a field nothing reads never rejects the answer.
    @Test(arguments: [("1e400", Double.infinity), ("-1e400", -Double.infinity), ("1e999999", Double.infinity)])
    func numbersBeyondDoubleAreKeptAsNoValue(text: String, expected: Double) throws {
        let value = try parse(text)
        #expect(value == .double(expected))
        #expect(value.doubleValue == nil)
        #expect(value.intValue == nil)
        #expect(String(decoding: value.serialized(), as: UTF8.self) == "null")
        let answer = try parse(#"{"id":"video_1","created":"# + text + #","usage":{"cost":[1,"# + text + "]}}")
        #expect(answer["id"] == "video_1")
        #expect(answer["created"]?.doubleValue == nil)
    }

    /// How many arrays deep the first-element path of `value` goes, and the value it ends at.
    private static func firstElements(of value: JSONValue) -> (depth: Int, innermost: JSONValue) {
        var value = value
        var depth = 0
        while case .array(let elements) = value, let first = elements.first {
            value = first
            depth += 1
        }
        return (depth, value)
    }

    @Test func nestingUpTo512LevelsParses() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(Self.firstElements(of: try parse(deep)).depth == 511)
    }

    /// Deeper values are well-formed JSON too: checked without recursion and kept as `null`, so an answer with
    /// a deep field nothing reads still parses; malformed ones still fail, in constant stack.
    @Test func deeperNestingIsCheckedWithoutRecursionAndKeptAsNull() throws {
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let (depth, innermost) = Self.firstElements(of: try parse(tooDeep))
        #expect(depth == 512)
        #expect(innermost == .null)
        let levels = 100_000
        let deepObject =
            #"{"id":"video_1","extra":"# + String(repeating: #"{"a":["#, count: levels) + #""x",1e400,true"#
            + String(repeating: "]}", count: levels) + #","status":"queued"}"#
        let answer = try parse(deepObject)
        #expect(answer["id"] == "video_1")
        #expect(answer["status"] == "queued")
        // A hostile body a million levels deep that never closes fails where it ends, in constant stack.
        let hostile = #expect(throws: JSONValue.ParseError.self) {
            try JSONValue.parse(
                Data(repeating: UInt8(ascii: "{"), count: 1) + Data(String(repeating: #""a":{"#, count: 1_000_000).utf8)
            )
        }
        #expect(hostile?.reason == "unexpected end of input")
        #expect(hostile?.offset == 5_000_001)
        // Deep but malformed: a closer that does not match, a missing colon, a trailing comma.
        for bad in ["[{]}", #"{"a" 1}"#, "[1,]", #"{"a":1,}"#] {
            let nested = String(repeating: "[", count: 600) + bad + String(repeating: "]", count: 600)
            #expect(throws: JSONValue.ParseError.self) { try parse(nested) }
        }
    }
}
