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

    @Test(arguments: ["1e400", "-1e400", "1e999999"])
    func numbersBeyondDoubleAreOutOfRange(text: String) {
        let error = #expect(throws: JSONValue.ParseError.self) { try parse(text) }
        #expect(error?.reason == "number out of range")
        #expect(error?.offset == text.utf8.count)
    }

    @Test func nestingUpTo512LevelsParses() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        var value = try parse(deep)
        var depth = 0
        while case .array(let elements) = value, let first = elements.first {
            value = first
            depth += 1
        }
        #expect(depth == 511)
    }

    @Test func deeperNestingIsRefusedWithoutExhaustingTheStack() {
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let error = #expect(throws: JSONValue.ParseError.self) { try parse(tooDeep) }
        #expect(error?.offset == 512)
        #expect(error?.reason == "nesting deeper than 512")
        // A hostile body a million levels deep fails at the same place, in constant stack.
        let hostile = #expect(throws: JSONValue.ParseError.self) {
            try JSONValue.parse(
                Data(repeating: UInt8(ascii: "{"), count: 1) + Data(String(repeating: #""a":{"#, count: 1_000_000).utf8)
            )
        }
        #expect(hostile?.reason == "nesting deeper than 512")
    }
}

/// `JSONValue`'s accessors, writer and `Codable` conformance.
@Suite struct CoreJSONValueTests {
    @Test func accessors() {
        let value: JSONValue = ["s": "text", "i": 6, "d": 2.5, "si": " 7 ", "sd": "1.5", "b": true, "n": nil]
        #expect(value["s"]?.stringValue == "text")
        #expect(value["i"]?.stringValue == nil)
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([1])["s"] == nil)
        #expect(value["i"]?.intValue == 6)
        #expect(value["si"]?.intValue == 7)
        #expect(value["d"]?.intValue == nil)
        #expect(JSONValue.double(3).intValue == 3)
        #expect(JSONValue.double(1e16).intValue == nil)
        #expect(value["b"]?.intValue == nil)
        #expect(value["i"]?.doubleValue == 6)
        #expect(value["sd"]?.doubleValue == 1.5)
        #expect(value["n"]?.doubleValue == nil)
        #expect(value["n"]?.isNull == true)
        #expect(value["b"]?.isNull == false)
    }

    @Test func serializedIsCompactWithSortedKeys() {
        let value: JSONValue = ["z": [1, 2.5, nil], "a": ["y": "\"q\"", "b": false], "m": .double(.nan)]
        #expect(
            String(decoding: value.serialized(), as: UTF8.self)
                == #"{"a":{"b":false,"y":"\"q\""},"m":null,"z":[1,2.5,null]}"#)
        #expect(value.description == String(decoding: value.serialized(), as: UTF8.self))
        #expect(JSONValue.string("é\n").description == "\"é\\n\"")
    }

    @Test func serializedRoundTripsThroughTheParser() throws {
        let value: JSONValue = ["a": [1, -2, 3.25, "x\u{1}y", true, nil, ["k": []]], "b": .object([:])]
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test func codable() throws {
        let data = Data(#"{"a":1,"b":[true,null,"x",1.5],"c":{"d":-2}}"#.utf8)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(decoded == ["a": 1, "b": [true, nil, "x", 1.5], "c": ["d": -2]])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(
            String(decoding: try encoder.encode(decoded), as: UTF8.self)
                == #"{"a":1,"b":[true,null,"x",1.5],"c":{"d":-2}}"#)
    }
}
