import Foundation
import VideoProviderKit

// The core JSON parser on arbitrary bytes: it returns a value or a typed ParseError, never traps, and
// what it returns survives serialized() and a second parse. Values it cannot hold (numbers beyond Double,
// nesting deeper than its limit) never fail the document: a number reads as no value, deep nesting as null.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzData(bytes, count)
    let value: JSONValue
    do {
        value = try JSONValue.parse(input)
    } catch {
        require((0...input.count).contains(error.offset), "error offset \(error.offset) of \(input.count) bytes")
        return 0
    }
    // Numbers are tolerated, not trusted: one that cannot be held never reads as a number.
    func checkNumbers(_ value: JSONValue) {
        switch value {
        case .double(let number) where !number.isFinite:
            require(value.doubleValue == nil && value.intValue == nil, "an infinity read as a number")
        case .array(let elements): elements.forEach(checkNumbers)
        case .object(let members): members.values.forEach(checkNumbers)
        default: break
        }
    }
    checkNumbers(value)
    let written = value.serialized()
    let reparsed: JSONValue
    do {
        reparsed = try JSONValue.parse(written)
    } catch {
        fatalError(
            "serialized() wrote JSON its own parser refuses (\(error)): \(String(decoding: written, as: UTF8.self))")
    }
    require(
        normalized(reparsed) == normalized(value),
        "round trip changed \(value) into \(reparsed)")
    require(reparsed.serialized() == written, "serialized() is not stable for \(value)")
    return 0
}

/// The writer spells integral doubles below 1e15 as integers (`2.0` is written `2`), so they come back as
/// `.int`, and a number too large to hold (kept as an infinity) as `null`; comparing after the same mapping
/// is the round trip the writer promises.
func normalized(_ value: JSONValue) -> JSONValue {
    switch value {
    case .double(let number) where !number.isFinite: return .null
    case .double(let number) where number.rounded() == number && abs(number) < 1e15: return .int(Int(number))
    case .array(let elements): return .array(elements.map(normalized))
    case .object(let members): return .object(members.mapValues(normalized))
    default: return value
    }
}
