import Foundation
import VideoProviderKit

/// A value in the tool's JSON output (docs/cli.md, "JSON formats").
///
/// Every document is a ``JSONBody``, the library's JSON object that keeps its keys in the order they were
/// set, and is written by the library's one JSON writer: keys come out in the order the formats list them.
protocol JSONOutput {
    var jsonValue: JSONBody.Value { get }
}

extension String: JSONOutput {
    var jsonValue: JSONBody.Value { .string(self) }
}

extension Int: JSONOutput {
    var jsonValue: JSONBody.Value { .int(self) }
}

extension Int64: JSONOutput {
    var jsonValue: JSONBody.Value { .int(Int(self)) }
}

extension Double: JSONOutput {
    var jsonValue: JSONBody.Value { .double(self) }
}

extension Bool: JSONOutput {
    var jsonValue: JSONBody.Value { .bool(self) }
}

/// A missing value is written `null`: a known key with no value.
extension Optional: JSONOutput where Wrapped: JSONOutput {
    var jsonValue: JSONBody.Value { self?.jsonValue ?? .null }
}

extension Array: JSONOutput where Element: JSONOutput {
    var jsonValue: JSONBody.Value { .array(map(\.jsonValue)) }
}

extension JSONBody: JSONOutput {
    var jsonValue: JSONBody.Value { .object(self) }
}

extension JSONBody.Value: JSONOutput {
    var jsonValue: JSONBody.Value { self }
}

extension ProviderID: JSONOutput {
    var jsonValue: JSONBody.Value { .string(rawValue) }
}

extension URL: JSONOutput {
    var jsonValue: JSONBody.Value { .string(absoluteString) }
}

extension JSONBody {
    /// An object with `members` in the order given.
    init(_ members: KeyValuePairs<String, any JSONOutput>) {
        self.init()
        for (key, value) in members { self[key] = value.jsonValue }
    }

    /// This object followed by `other`'s members.
    func appending(_ other: JSONBody) -> JSONBody {
        var combined = self
        for member in other.members { combined[member.key] = member.value }
        return combined
    }

    /// The compact JSON text.
    var text: String {
        // Only a data URI makes a segment that reads a file, and the tool's output has none: every segment
        // is bytes in memory, so collecting them cannot fail.
        String(decoding: (try? httpBody.collect()) ?? Data(), as: UTF8.self)
    }
}
