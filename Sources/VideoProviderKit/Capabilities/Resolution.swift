import Foundation

/// An output resolution tier, in its canonical spelling: `480p`, `540p`, `720p`, `1080p`.
///
/// Vendors spell these differently (`720p`, `720P`, `720`); each provider encodes its own spelling,
/// and ``init(parsing:)`` accepts all of them.
public struct Resolution: Sendable, Hashable, Codable, Comparable, RawRepresentable, CustomStringConvertible {
    /// The canonical spelling, such as `720p`.
    public let rawValue: String
    /// The vertical line count, such as `720`.
    public let lines: Int

    public init?(rawValue: String) { self.init(parsing: rawValue) }

    /// Accepts `720p`, `720P` and `720`, and canonicalizes to `720p`.
    public init?(parsing text: String) {
        var digits = text.trimmingWhitespace()
        if digits.last == "p" || digits.last == "P" { digits.removeLast() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 5,
            let lines = Int(digits), lines > 0
        else { return nil }
        self.lines = lines
        self.rawValue = "\(lines)p"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Resolution(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a resolution"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    /// Upper-case spelling (`720P`) used by the OpenAI-format gateways.
    public var upperCased: String { "\(lines)P" }

    public static func < (lhs: Resolution, rhs: Resolution) -> Bool { lhs.lines < rhs.lines }

    public static let p480 = Resolution(parsing: "480p")!
    public static let p540 = Resolution(parsing: "540p")!
    public static let p720 = Resolution(parsing: "720p")!
    public static let p1080 = Resolution(parsing: "1080p")!
}

/// The resolutions a model lets the caller choose. A model whose resolution is not configurable has no
/// rule at all (`ModelCapabilities.resolutions == nil`).
public struct ResolutionRule: Sendable, Hashable, Codable {
    public var values: [Resolution]
    public var `default`: Resolution

    public init(values: [Resolution], default: Resolution) {
        self.values = values
        self.default = `default`
    }

    /// The allowed value closest in line count; ties go to the lower (cheaper) resolution.
    public func nearest(to resolution: Resolution) -> Resolution {
        values.min { lhs, rhs in
            let (dl, dr) = (abs(lhs.lines - resolution.lines), abs(rhs.lines - resolution.lines))
            return dl != dr ? dl < dr : lhs.lines < rhs.lines
        } ?? `default`
    }
}
