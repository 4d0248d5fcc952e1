public import Foundation

/// The time source for everything that waits: polling, backoff, `Retry-After`, cooldowns, timeouts.
///
/// ``SystemClock`` is real time. `VideoProviderTesting` has a virtual clock so tests of a 10-minute
/// polling schedule run in microseconds, and an accelerated one for demos.
public protocol VideoClock: Sendable {
    /// Monotonic time since an arbitrary origin.
    func now() -> Duration
    /// Suspends for `duration`; throws `CancellationError` promptly when the task is cancelled.
    func sleep(for duration: Duration) async throws
    /// Wall-clock time, for records that outlive the process (job files).
    func wallTime() -> Date
}

/// Real time: `ContinuousClock` for waiting, `Date()` for records.
public struct SystemClock: VideoClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else {
            try Task.checkCancellation()
            return
        }
        try await Task.sleep(for: duration)
    }

    public func wallTime() -> Date { Date() }
}
