import Foundation

/// A video aspect ratio written `W:H`, such as `16:9` or `19.5:9`.
///
/// Both sides are positive decimal numbers. The spelling is kept as given (`19.5:9` stays `19.5:9`)
/// because vendors compare strings; ``value`` gives the numeric ratio for comparisons.
public struct AspectRatio: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    /// Width divided by height.
    public let value: Double

    /// Parses `W:H`; `nil` when the text is not two positive decimal numbers around a colon.
    public init?(rawValue: String) {
        let text = rawValue.trimmingWhitespace()
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Self.positiveNumber(parts[0]), let height = Self.positiveNumber(parts[1])
        else { return nil }
        self.rawValue = text
        self.value = width / height
    }

    /// For literals in code and tables; a malformed literal is a programming error.
    public init(stringLiteral value: String) {
        guard let ratio = AspectRatio(rawValue: value) else {
            preconditionFailure("'\(value)' is not a W:H aspect ratio")
        }
        self = ratio
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let ratio = AspectRatio(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not W:H"))
        }
        self = ratio
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    private static func positiveNumber(_ text: Substring) -> Double? {
        // Digits with at most one decimal point; no signs, exponents or spaces.
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            text.filter({ $0 == "." }).count <= 1, text.first != ".", text.last != ".",
            let number = Double(text), number > 0, number.isFinite
        else { return nil }
        return number
    }

    public static let landscape16x9: AspectRatio = "16:9"
    public static let portrait9x16: AspectRatio = "9:16"
    public static let square: AspectRatio = "1:1"
}

/// The aspect ratios a model accepts.
public struct AspectRatioRule: Sendable, Hashable, Codable {
    /// The presets, in the vendor's documented order.
    public var values: [AspectRatio]
    /// Used when a request gives none.
    public var `default`: AspectRatio
    /// Whether any other `W:H` ratio is accepted too.
    public var custom: Bool

    public init(values: [AspectRatio], default: AspectRatio, custom: Bool = false) {
        self.values = values
        self.default = `default`
        self.custom = custom
    }

    public func allows(_ ratio: AspectRatio) -> Bool {
        custom || values.contains(ratio)
    }

    /// The preset closest to `ratio` in shape (compared on a log scale, so 2:1 and 1:2 are equally far
    /// from 1:1).
    public func nearestPreset(to ratio: AspectRatio) -> AspectRatio {
        values.min { abs(log($0.value / ratio.value)) < abs(log($1.value / ratio.value)) } ?? `default`
    }
}
