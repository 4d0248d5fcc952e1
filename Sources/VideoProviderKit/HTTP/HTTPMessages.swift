public import Foundation

/// An HTTP method.
public struct HTTPMethod: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public var description: String { rawValue }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let delete = HTTPMethod(rawValue: "DELETE")
}

/// Header fields in order, with case-insensitive lookup.
///
/// Two header lists are equal when their fields are: which names are marked sensitive
/// (``markSensitive(_:)``) is how they are shown, not what is sent.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Field: Sendable, Hashable {
        public let name: String
        public let value: String
    }

    public private(set) var fields: [Field] = []
    /// Lower-cased names marked secret beyond ``sensitiveNames`` (a provider's own key header).
    public private(set) var markedSensitiveNames: Set<String> = []

    public init() {}

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool { lhs.fields == rhs.fields }
    public func hash(into hasher: inout Hasher) { hasher.combine(fields) }

    /// Marks `name` as carrying a secret: ``redacted()`` hides its value, transports never send it through a
    /// proxy in clear, and a download on another host drops it. The mark stays with these headers' copies.
    public mutating func markSensitive(_ name: String) { markedSensitiveNames.insert(name.lowercased()) }

    /// Whether `name`'s value is a secret: a built-in ``sensitiveNames`` entry or a marked one.
    public func isSensitive(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return Self.sensitiveNames.contains(lowered) || markedSensitiveNames.contains(lowered)
    }
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    /// The first value for `name`, compared case-insensitively; setting replaces every value.
    public subscript(name: String) -> String? {
        get { fields.first { Self.namesMatch($0.name, name) }?.value }
        set {
            let matches = { (field: Field) in Self.namesMatch(field.name, name) }
            let position = fields.firstIndex(where: matches)
            let spelling = position.map { fields[$0].name } ?? name
            fields.removeAll(where: matches)
            guard let newValue else { return }
            fields.insert(Field(name: spelling, value: newValue), at: position ?? fields.count)
        }
    }

    public mutating func add(_ name: String, _ value: String) { fields.append(Field(name: name, value: value)) }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Case-insensitive name equality. Field names are ASCII tokens, compared byte by byte with ASCII case
    /// folding: every status poll looks up several headers, and Foundation's locale-aware
    /// `caseInsensitiveCompare` cost microseconds per lookup. Names with other bytes keep Foundation's rules.
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        if lhs.utf8.elementsEqual(rhs.utf8, by: asciiCaseInsensitiveEqual) { return true }
        if lhs.utf8.allSatisfy({ $0 < 0x80 }) && rhs.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        return lhs.caseInsensitiveCompare(rhs) == .orderedSame
    }

    private static func asciiCaseInsensitiveEqual(_ lhs: UInt8, _ rhs: UInt8) -> Bool {
        lhs == rhs || (lhs | 0x20 == rhs | 0x20 && (0x61...0x7A).contains(lhs | 0x20))
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Header names whose values are secrets and are shown as `[redacted]` by ``redacted()``.
    public static let sensitiveNames: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "x-goog-api-key",
    ]

    /// A copy with credentials replaced by `[redacted]`, for logs, dry runs and observers.
    public func redacted() -> HTTPHeaders {
        var copy = HTTPHeaders()
        copy.markedSensitiveNames = markedSensitiveNames
        for field in fields {
            if isSensitive(field.name) {
                let scheme = field.value.split(separator: " ", maxSplits: 1).first.map(String.init)
                let isScheme = scheme.map { ["bearer", "basic", "token"].contains($0.lowercased()) } ?? false
                copy.add(field.name, isScheme ? "\(scheme!) [redacted]" : "[redacted]")
            } else {
                copy.add(field.name, field.value)
            }
        }
        return copy
    }
}

/// An HTTP request as a provider describes it: no I/O has happened yet.
public struct HTTPRequest: Sendable, Hashable {
    public var method: HTTPMethod
    public var url: URL
    public var headers: HTTPHeaders
    public var body: HTTPBody
    /// `true` for requests that may create a billable task. The client never sends such a request twice
    /// unless it is certain the first one did not arrive, or the caller opted in. Transports never follow
    /// a redirect for such a request: the redirect itself is the response.
    public var createsTask: Bool
    /// The most response-body bytes the caller accepts, counted after any content decoding and enforced
    /// while the body arrives, whatever the destination (a download's ceiling). `nil`: no bound beyond
    /// the destination's own (``ResponseBodyDestination/memory(limit:)``) and
    /// ``ResponseBodyDestination/errorBodyLimit``.
    public var maximumResponseBytes: Int64?

    public init(
        method: HTTPMethod, url: URL, headers: HTTPHeaders = HTTPHeaders(), body: HTTPBody = .empty,
        createsTask: Bool = false, maximumResponseBytes: Int64? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.createsTask = createsTask
        self.maximumResponseBytes = maximumResponseBytes
    }
}

/// An HTTP response. The body is in memory, or in a file when the request asked for one.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: HTTPHeaders
    /// The body in memory; empty when it was written to ``bodyFile``.
    public var body: Data
    /// Where the body was written, for ``ResponseBodyDestination/temporaryFile(in:)`` requests. The caller
    /// owns the file and must move or delete it.
    public var bodyFile: URL?
    /// The URL that answered, after redirects.
    public var url: URL?

    public init(
        status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(), bodyFile: URL? = nil, url: URL? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyFile = bodyFile
        self.url = url
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The media type without parameters, lower-cased (`application/json`).
    public var mediaType: String? {
        headers["Content-Type"].map { value in
            guard let type = value.split(separator: ";").first else { return "" }
            guard type.utf8.allSatisfy({ $0 < 0x80 }) else {
                return type.trimmingWhitespace().lowercased()
            }
            // ASCII, as every real media type is: the same trimming (spaces, tabs) and lower-casing without
            // Foundation, which costs microseconds on every response.
            var bytes = Array(type.utf8)
            while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
            let start = bytes.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? bytes.endIndex
            return String(decoding: bytes[start...].map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
    }
}

/// Where a transport puts a response body.
///
/// Every limit is enforced while the body arrives, counted after content decoding (a small gzip body
/// that inflates past the limit stops at the limit), and exceeding one is
/// ``HTTPTransportError/Kind/responseTooLarge``: never a truncated body.
public enum ResponseBodyDestination: Sendable, Hashable {
    /// In memory, up to `limit` bytes; a longer body is an error rather than a memory spike.
    case memory(limit: Int)
    /// Streamed to a new file in `directory` (on the same volume as the final destination, so the
    /// caller can move it atomically), up to ``HTTPRequest/maximumResponseBytes``.
    case temporaryFile(in: URL)

    /// In memory, up to 16 MiB: status and error bodies are small.
    public static let memory = ResponseBodyDestination.memory(limit: 16 << 20)

    /// The most bytes a transport accepts of a body whose status is outside 200–299 (errors, and
    /// redirects it does not follow), whatever the destination: such a body is read for a message, and
    /// a gateway's error page is a few KiB. 256 KiB.
    public static let errorBodyLimit = 256 << 10

    /// The bound for a body that answered `status`: the smallest of the destination's limit, the
    /// request's ``HTTPRequest/maximumResponseBytes`` and, for a status outside 200–299,
    /// ``errorBodyLimit``. `nil` when nothing bounds it.
    package func limit(status: Int, request: HTTPRequest) -> Int64? {
        var bound = request.maximumResponseBytes
        func tighten(_ value: Int64) { bound = min(bound ?? value, value) }
        if case .memory(let limit) = self { tighten(Int64(limit)) }
        if !(200..<300).contains(status) { tighten(Int64(Self.errorBodyLimit)) }
        return bound
    }
}
