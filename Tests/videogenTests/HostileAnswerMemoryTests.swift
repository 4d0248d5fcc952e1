import Foundation
import Testing
import VideoProviderKit

/// Issue 13's memory bound, measured where nothing else shares the heap: `videogen-bench answer-memory`
/// runs each hostile answer (1 GiB announced, unannounced, endless, or a 1 MB gzip that inflates to 1 GiB,
/// announced or chunked; on submit and on status) against the loopback peer in a fresh child process and reads its peak RSS
/// growth from `VmHWM`. With CurlTransport every case must stay under 64 MiB and end with the right error.
@Suite struct HostileAnswerMemoryTests {
    @Test func aGibibyteAnswerNeverCostsMoreThan64MiB() throws {
        let result = try VideoGen.run(
            ["answer-memory", "--transport", "curl", "--json"], speedup: nil, executable: SoakTests.bench)
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr)")
        let report = try result.json()
        #expect(report["passed"] == .bool(true))
        guard case .array(let cases)? = report["cases"] else {
            Issue.record("no cases in \(result.stdout)")
            return
        }
        #expect(cases.count == 10)
        for item in cases {
            let name = item["case"]?.stringValue ?? "?"
            let growth = try #require(item["peak_growth_mib"]?.doubleValue)
            #expect(growth < 64, "\(name): \(growth) MiB")
            let expected = name.hasPrefix("submit") ? "ambiguous-submission" : "invalid-response"
            #expect(item["error_kind"]?.stringValue == expected, "\(name)")
            print("answer-memory (debug build): \(name): peak growth \(growth) MiB")
        }
    }
}
