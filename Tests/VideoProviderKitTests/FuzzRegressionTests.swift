import Foundation
import Testing
import VideoProviderKit

/// Inputs the fuzz targets in Tests/Fuzz found (docs/fuzzing.md), kept as tests so the fixes stay fixed.
@Suite struct CoreFuzzRegressionTests {
    /// `*-responses`: a `Retry-After` of more seconds than Int64 milliseconds hold trapped converting
    /// `seconds * 1000` to Int64. It is capped at 1e15 s: still longer than any retry policy waits.
    @Test(arguments: ["1e300", "9223372036854775807", "1.7976931348623157e308"])
    func hugeRetryAfterIsCappedNotATrap(value: String) {
        let cap = Duration.seconds(1_000_000_000_000_000)
        #expect(VendorResponse.retryAfter(["Retry-After": value]) == cap)
        #expect(VendorResponse.pollAfter(["Retry-After": value]) == cap)

        let answer = HTTPResponse(
            status: 429, headers: ["Content-Type": "application/json", "Retry-After": value],
            body: Data(#"{"error":{"message":"slow down","code":"rate_limit"}}"#.utf8))
        let error = VendorResponse.error(for: answer, provider: "aizfw", operation: "video submission")
        #expect(error.kind == .rateLimited)
        #expect(error.httpStatus == 429)
        #expect(error.retryAfter == cap)
        #expect(error.retryAfter! > RetryPolicy().maximumRetryAfter)
    }

    /// `gateway-answer`: `https:/-/cdn.example/result.mp4` parses as an https URL without a host, and was
    /// read as a video URL. A video URL needs a host now.
    @Test(arguments: ["https:/-/cdn.example/result.mp4", "https:///v.mp4", "http:v.mp4"])
    func aHostlessURLIsNoVideoURL(text: String) throws {
        #expect(VendorResponse.url(.string(text)) == nil)
        let answer = GatewayAnswer(
            json: try JSONValue.parse(Data(#"{"status":"completed","result_url":"\#(text)"}"#.utf8)))
        #expect(answer.videoURL == nil)
        #expect(answer.status == .completed)
    }

    /// `octopusx-responses`: a `Retry-After` of non-ASCII bytes made `DateFormatter` leak an internal
    /// character set. HTTP dates are parsed by hand now; this input is simply not a date.
    @Test func nonASCIIRetryAfterIsNotADate() {
        let value = String(decoding: [0xF3, 0x90, 0x8F, 0x90, 0xDF, 0xCB, 0x93, 0xCF, 0x30], as: UTF8.self)
        #expect(VendorResponse.retryAfter(["Retry-After": value]) == nil)
    }

    /// `json`: Foundation's `String(bytes:encoding:)` drops a leading byte order mark, so a string value
    /// that starts with U+FEFF lost it (and `parse(serialized())` lost the next one).
    @Test func stringValueKeepsALeadingByteOrderMark() throws {
        let text = "{\"id\":\"\u{FEFF}\u{FEFF}1\"}"
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value["id"] == .string("\u{FEFF}\u{FEFF}1"))
        #expect(value.serialized() == Data(text.utf8))
        #expect(try JSONValue.parse(value.serialized()) == value)
        // A byte order mark before the document is still skipped.
        #expect(try JSONValue.parse(Data("\u{FEFF}\"\u{FEFF}x\"".utf8)) == .string("\u{FEFF}x"))
    }
}
