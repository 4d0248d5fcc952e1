public import Foundation

/// Helpers every provider uses to read vendor answers defensively.
///
/// Gateways answer errors in many shapes (`{"error":{"message","type","code"}}`,
/// `{"code","message","data"}`, `{"code","error"}`, `{"error":"text"}`, HTML pages from a proxy) and
/// sometimes with the wrong status code. These functions turn any of them into a typed
/// ``VideoProviderError`` without trapping.
public enum VendorResponse {
    /// The body as a JSON object, or an ``VideoProviderError/Kind/invalidResponse`` error that says what
    /// arrived instead (an HTML page, truncated JSON, an array).
    public static func jsonObject(
        _ response: HTTPResponse, provider: ProviderID, model: String? = nil, taskID: String? = nil, operation: String
    ) throws(VideoProviderError) -> JSONValue {
        func invalid(_ what: String) -> VideoProviderError {
            VideoProviderError(
                .invalidResponse, "\(provider) answered the \(operation) with \(what).",
                providerID: provider, model: model, taskID: taskID, httpStatus: response.status)
        }
        if looksLikeHTML(response) {
            throw invalid("an HTML page (\(htmlTitle(response.body) ?? "no title")) instead of JSON")
        }
        if response.body.isEmpty { throw invalid("an empty body") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(response.body)
        } catch {
            throw invalid("malformed JSON (\(error.reason) at byte \(error.offset))")
        }
        guard case .object = value else { throw invalid("JSON that is not an object") }
        return value
    }

    /// The typed error for a response that is not a success (or a success whose body is an error).
    public static func error(
        for response: HTTPResponse, provider: ProviderID, model: String? = nil, taskID: String? = nil, operation: String
    ) -> VideoProviderError {
        var code: String?
        var message: String?
        if let json = try? JSONValue.parse(response.body) {
            (code, message) = extractError(from: json)
        } else if looksLikeHTML(response) {
            message = htmlTitle(response.body).map { "HTML page: \($0)" } ?? "an HTML page"
        } else if !response.body.isEmpty {
            let text = String(decoding: response.body.prefix(300), as: UTF8.self)
                .trimmingWhitespaceAndNewlines()
            message = text.isEmpty ? nil : text
        }
        let kind = classify(status: response.status, code: code, message: message)
        let summary = message.map { ": \($0)" } ?? ""
        return VideoProviderError(
            kind, "\(provider) refused the \(operation) (HTTP \(response.status))\(summary)",
            providerID: provider, model: model, taskID: taskID, httpStatus: response.status,
            vendorCode: code, vendorMessage: message, retryAfter: retryAfter(response.headers))
    }

    /// The vendor's error code and message, from any of the common shapes; `(nil, nil)` when none.
    ///
    /// A generic `error` that only names the HTTP status (Spring's `{"error":"Not Found","message":"No
    /// handler found for …"}`, as kyyReactApiServer answers) gives way to the `message` beside it, and a
    /// message that is itself a JSON object (new-api passes an upstream's error body on as its message) is
    /// read once more for its code and message.
    public static func extractError(from json: JSONValue) -> (code: String?, message: String?) {
        extractError(from: json, unwrapping: true)
    }

    static func extractError(from json: JSONValue, unwrapping: Bool) -> (code: String?, message: String?) {
        func text(_ value: JSONValue?) -> String? {
            switch value {
            case .string(let string)? where !string.isEmpty: return string
            case .int(let number)?: return String(number)
            default: return nil
            }
        }
        var code: String?
        var message: String?
        if let error = json["error"], case .object = error {
            (code, message) = (text(error["code"]) ?? text(error["type"]), text(error["message"]) ?? text(error["msg"]))
        } else if let errorText = text(json["error"]) {
            code = text(json["code"]) ?? text(json["error_code"])
            let beside = text(json["message"]) ?? text(json["msg"])
            message = isGenericHTTPReason(errorText) ? beside ?? errorText : errorText
        } else {
            message = text(json["message"]) ?? text(json["msg"]) ?? text(json["detail"]) ?? text(json["fail_reason"])
            code = text(json["code"]) ?? text(json["error_code"])
        }
        if unwrapping, let outer = message {
            let (innerCode, innerMessage) = unwrappingNestedJSON(outer)
            message = innerMessage
            code = innerCode ?? code
        }
        return (code, message)
    }

    /// Whether a text only names an HTTP status (`Not Found`, `Internal Server Error`, …).
    static func isGenericHTTPReason(_ text: String) -> Bool {
        [
            "bad request", "unauthorized", "payment required", "forbidden", "not found", "method not allowed",
            "conflict", "unprocessable entity", "too many requests", "internal server error", "bad gateway",
            "service unavailable", "gateway timeout",
        ].contains(text.trimmingWhitespaceAndNewlines().lowercased())
    }

    /// Words vendors use when they refuse content on policy grounds, in English and Chinese, and a dotted
    /// code with a `SAFETY` part (Runway's `failureCode` `SAFETY.INPUT.TEXT`, `INPUT_PREPROCESSING.SAFETY.TEXT`).
    public static func isContentPolicy(code: String?, message: String?) -> Bool {
        if let code, code.contains("."), code.uppercased().split(separator: ".").contains("SAFETY") { return true }
        let haystack = [code, message].compactMap { $0?.lowercased() }.joined(separator: " ")
        return [
            "content_policy", "content policy", "moderation", "safety system", "policy violation",
            "sensitive content", "inappropriate", "nsfw", "prohibited content", "policy rejected",
            "rejected by policy", "sensitive_words_detected", "sensitive words", "审核", "违规", "敏感", "违禁",
            // MiniMax's 1026/1027: "input new_sensitive", "output new_sensitive".
            "new_sensitive",
        ].contains { haystack.contains($0) }
    }

    /// The error kind an answer implies: its wording first (content policy at any status; an exhausted
    /// quota or balance, a task that does not exist and refused credentials below HTTP 500), then its
    /// HTTP status.
    public static func classify(status: Int, code: String?, message: String?) -> VideoProviderError.Kind {
        if isContentPolicy(code: code, message: message) { return .contentPolicy }
        if status < 500 {
            if status == 402 || isQuotaExhausted(code: code, message: message) { return .quotaExceeded }
            if isTaskNotFound(code: code, message: message) { return .notFound }
            if isAuthenticationWording(code: code, message: message) { return .authentication }
        }
        switch status {
        case 401, 403: return .authentication
        case 404: return .notFound
        case 408: return .timeout
        case 429: return .rateLimited
        case 500...599: return .serverError
        default: return .vendorRejected
        }
    }

    /// `Retry-After` as seconds (`120`) or an HTTP date, relative to now.
    public static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let value = headers["Retry-After"]?.trimmingWhitespace(), !value.isEmpty else {
            return nil
        }
        if let seconds = Double(value), seconds >= 0, seconds.isFinite {
            // Capped so the milliseconds fit in Int64 (`1e300` trapped). The cap is still far longer than any
            // retry policy waits, so the client falls back instead of retrying (fuzz: *-responses).
            return .milliseconds(Int64(min(seconds, maximumRetryAfterSeconds) * 1000))
        }
        guard let date = httpDate(value) else { return nil }
        return .milliseconds(Int64(min(max(0, date.timeIntervalSinceNow), maximumRetryAfterSeconds) * 1000))
    }

    /// An RFC 9110 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`; `UTC` also taken), or `nil`.
    ///
    /// Parsed by hand: `DateFormatter` is costly to build per header, and on Linux it leaked an internal
    /// character set for some non-ASCII input (fuzz: `octopusx-responses`).
    public static func httpDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        // "Sun, 06 Nov 1994 08:49:37 GMT": 29 bytes, fields at fixed offsets.
        guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), bytes[4] == 0x20, bytes[7] == 0x20,
            bytes[11] == 0x20, bytes[16] == 0x20, bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"),
            bytes[25] == 0x20
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 0x30
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        func word(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard days.contains(word(0..<3)), let monthIndex = months.firstIndex(of: word(8..<11)),
            ["GMT", "UTC"].contains(word(26..<29)),
            let day = number(5..<7), let year = number(12..<16), let hour = number(17..<19),
            let minute = number(20..<22), let second = number(23..<25),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let month = monthIndex + 1
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let daysSinceEpoch = era * 146_097 + dayOfEra - 719_468
        let seconds = daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The longest `Retry-After` in seconds that is kept as sent, about 31.7 million years.
    static let maximumRetryAfterSeconds = 1e15

    /// The server's polling hint: `openai-poll-after-ms`, else `Retry-After`.
    public static func pollAfter(_ headers: HTTPHeaders) -> Duration? {
        if let text = headers["openai-poll-after-ms"],
            let milliseconds = Int64(text.trimmingWhitespace()),
            milliseconds >= 0
        {
            return .milliseconds(milliseconds)
        }
        return retryAfter(headers)
    }

    /// Progress as an integer 0–100 from `42`, `42.5`, `"42"` or `"42%"`.
    public static func progress(_ value: JSONValue?) -> Int? {
        guard let value else { return nil }
        if case .string(let text) = value {
            let trimmed = text.trimmingWhitespace().replacingBytes(of: "%", with: "")
            return Double(trimmed).flatMap { $0.isFinite ? Int(min(max($0, 0), 100).rounded()) : nil }
        }
        return value.doubleValue.flatMap { $0.isFinite ? Int(min(max($0, 0), 100).rounded()) : nil }
    }

    /// An absolute http(s) URL with a host from a string field; empty strings, other schemes and host-less
    /// text such as `https:/-/cdn…` give `nil` (fuzz: `gateway-answer`).
    public static func url(_ value: JSONValue?) -> URL? {
        guard let text = value?.stringValue?.trimmingWhitespaceAndNewlines(), !text.isEmpty,
            let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false
        else { return nil }
        return url
    }

    static func looksLikeHTML(_ response: HTTPResponse) -> Bool {
        if response.mediaType == "text/html" { return true }
        // Only a body whose first visible character is `<` (or not ASCII) can be HTML; JSON answers are
        // ruled out on their first bytes without decoding and trimming a string for every status poll.
        let first = response.body.prefix(256).first { !(0x09...0x0D).contains($0) && $0 != 0x20 }
        guard let first, first == UInt8(ascii: "<") || first >= 0x80 else { return false }
        let head = String(decoding: response.body.prefix(256), as: UTF8.self)
            .trimmingWhitespaceAndNewlines().lowercased()
        return head.hasPrefix("<!doctype html") || head.hasPrefix("<html") || head.hasPrefix("<head")
    }

    static func htmlTitle(_ body: Data) -> String? {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        guard let start = text.range(of: "<title>", options: .caseInsensitive),
            let end = text.range(of: "</title>", options: .caseInsensitive, range: start.upperBound..<text.endIndex)
        else { return nil }
        let title = text[start.upperBound..<end.lowerBound].trimmingWhitespaceAndNewlines()
        return title.isEmpty ? nil : String(title.prefix(120))
    }
}
