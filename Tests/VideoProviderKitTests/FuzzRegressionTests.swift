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
}
