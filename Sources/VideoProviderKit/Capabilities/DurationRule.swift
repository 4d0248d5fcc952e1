/// Which video lengths a model accepts, in whole seconds, and what it uses when none is given.
///
/// The four shapes are the ones the gateways document: a range with a default (`6–30`, default `10`),
/// a fixed length that some vendors want left out of the request, a set of allowed lengths
/// (`6, 10, 12, 16, 20, 30`), and an open minimum (`≥ 1`) that may carry an assumed upper bound.
///
/// Encoded as JSON exactly as `videogen capabilities --json` prints it:
/// `{"kind":"range","min":6,"max":30,"default":10}`, `{"kind":"fixed","value":10,"omitted":true}`,
/// `{"kind":"set","values":[6,10],"default":10}`, `{"kind":"minimum","min":1,"max":15,"default":8}`.
public enum DurationRule: Sendable, Hashable {
    /// Any whole number of seconds from `min` through `max`.
    case range(min: Int, max: Int, default: Int)
    /// Always `value` seconds. When `omitted` is `true` the vendor wants the duration field left out of
    /// the request entirely (sending it can be rejected).
    case fixed(value: Int, omitted: Bool)
    /// Exactly one of `values`.
    case set(values: [Int], default: Int)
    /// At least `min` seconds; `max` is an upper bound when one is known or assumed. Without a `default`
    /// the caller must choose a length, because the library never leaves billing to a server default.
    case minimum(min: Int, max: Int?, default: Int?)

    /// The length used when a request gives none, or `nil` when the caller must choose.
    public var defaultSeconds: Int? {
        switch self {
        case .range(_, _, let value), .set(_, let value): return value
        case .fixed(let value, _): return value
        case .minimum(_, _, let value): return value
        }
    }

    /// Whether `seconds` is allowed.
    public func allows(_ seconds: Int) -> Bool {
        switch self {
        case .range(let min, let max, _): return (min...max).contains(seconds)
        case .fixed(let value, _): return seconds == value
        case .set(let values, _): return values.contains(seconds)
        case .minimum(let min, let max, _): return seconds >= min && seconds <= (max ?? Int.max)
        }
    }

    /// The allowed length closest to `seconds`; ties go to the shorter (cheaper) length.
    public func nearestAllowed(to seconds: Int) -> Int {
        switch self {
        case .range(let min, let max, _): return Swift.min(Swift.max(seconds, min), max)
        case .fixed(let value, _): return value
        case .set(let values, _):
            return values.min { lhs, rhs in
                let (dl, dr) = (abs(lhs - seconds), abs(rhs - seconds))
                return dl != dr ? dl < dr : lhs < rhs
            } ?? seconds
        case .minimum(let min, let max, _): return Swift.min(Swift.max(seconds, min), max ?? Int.max)
        }
    }

    /// Whether the request must leave the duration field out.
    public var isOmittedFromRequest: Bool {
        if case .fixed(_, true) = self { return true }
        return false
    }

    /// A short human description: `6–30 s`, `fixed 10 s`, `one of 6, 10 s`, `≥ 1 s`.
    public var summary: String {
        switch self {
        case .range(let min, let max, _): return "\(min)–\(max) s"
        case .fixed(let value, let omitted): return omitted ? "fixed \(value) s (field omitted)" : "fixed \(value) s"
        case .set(let values, _): return "one of " + values.map(String.init).joined(separator: ", ") + " s"
        case .minimum(let min, let max, _):
            if let max { return "\(min)–\(max) s" }
            return "≥ \(min) s"
        }
    }
}

extension DurationRule: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, min, max, `default`, value, omitted, values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "range":
            self = .range(
                min: try container.decode(Int.self, forKey: .min),
                max: try container.decode(Int.self, forKey: .max),
                default: try container.decode(Int.self, forKey: .default))
        case "fixed":
            self = .fixed(
                value: try container.decode(Int.self, forKey: .value),
                omitted: try container.decodeIfPresent(Bool.self, forKey: .omitted) ?? false)
        case "set":
            self = .set(
                values: try container.decode([Int].self, forKey: .values),
                default: try container.decode(Int.self, forKey: .default))
        case "minimum":
            self = .minimum(
                min: try container.decode(Int.self, forKey: .min),
                max: try container.decodeIfPresent(Int.self, forKey: .max),
                default: try container.decodeIfPresent(Int.self, forKey: .default))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown duration rule kind '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .range(let min, let max, let value):
            try container.encode("range", forKey: .kind)
            try container.encode(min, forKey: .min)
            try container.encode(max, forKey: .max)
            try container.encode(value, forKey: .default)
        case .fixed(let value, let omitted):
            try container.encode("fixed", forKey: .kind)
            try container.encode(value, forKey: .value)
            try container.encode(omitted, forKey: .omitted)
        case .set(let values, let value):
            try container.encode("set", forKey: .kind)
            try container.encode(values, forKey: .values)
            try container.encode(value, forKey: .default)
        case .minimum(let min, let max, let value):
            try container.encode("minimum", forKey: .kind)
            try container.encode(min, forKey: .min)
            try container.encodeIfPresent(max, forKey: .max)
            try container.encodeIfPresent(value, forKey: .default)
        }
    }
}
