import Foundation
import Testing
import VideoProviderKit

extension Tag {
    /// Long-running checks over thousands of jobs; `swift test --skip .soak` leaves them out.
    @Tag static var soak: Self
}

/// The soak run (`videogen-bench soak`): a few thousand jobs through `VideoClient` against the simulator
/// with random faults on every kind of request and random task outcomes. It runs as its own process so its
/// memory samples measure the client alone, not the rest of the test run.
@Suite(.tags(.soak)) struct SoakTests {
    static let bench = VideoGen.builtExecutable("videogen-bench", override: "VIDEOGEN_BENCH_BINARY")

    /// `VIDEOPROVIDERKIT_SOAK_JOBS` lowers the count where every job costs more (CI's ThreadSanitizer pass).
    static let jobs = ProcessInfo.processInfo.environment["VIDEOPROVIDERKIT_SOAK_JOBS"].flatMap(Int.init) ?? 3_000

    @Test func noJobIsLostNorPaidForTwiceAndMemoryStaysFlat() throws {
        let result = try VideoGen.run(
            ["soak", "--jobs", String(Self.jobs), "--waves", "6", "--seed", "20261204", "--json"],
            speedup: nil, executable: Self.bench)
        #expect(result.exitCode == 0, "\(result.stdout)\n\(result.stderr)")
        let report = try result.json()
        #expect(report["jobs"]?.intValue == Self.jobs)
        #expect(report["lost"]?.intValue == 0)
        #expect(report["violations"]?.intValue == 0, "\(report["first_violations"]?.stringValue ?? "")")
        #expect(report["passed"] == .bool(true))
        // Every job ended one of the three accounted ways.
        let endings = ["completed", "failed", "ambiguous"].compactMap { report[$0]?.intValue }
        #expect(endings.count == 3)
        #expect(endings.reduce(0, +) == Self.jobs)
        // The run exercised what it claims to: faults, failures, resumes and opt-in resubmissions happened.
        #expect((report["faults"]?.intValue ?? 0) > Self.jobs / 10)
        #expect((report["failed"]?.intValue ?? 0) > 0)
        #expect((report["ambiguous"]?.intValue ?? 0) > 0)
        #expect((report["resumed_jobs"]?.intValue ?? 0) > 0)
        #expect((report["second_tasks_with_opt_in"]?.intValue ?? 0) > 0)
        #expect((report["tasks_created"]?.intValue ?? 0) >= report["completed"]?.intValue ?? Int.max)
        if case .array(let samples)? = report["rss_after_wave_mib"] {
            #expect(samples.count == 6)
        } else {
            Issue.record("no rss_after_wave_mib samples")
        }
        #expect((report["rss_growth_mib"]?.doubleValue ?? .infinity) <= 24)
    }

    @Test func aBadArgumentIsAUsageError() throws {
        let result = try VideoGen.run(["soak", "--jobs", "many"], speedup: nil, executable: Self.bench)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--jobs: 'many' is not a number"))
    }
}
