public import Foundation
public import VideoProviderKit

/// A clock that only moves when told to, or (in ``Mode/autoAdvance``) jumps straight to each sleeper's
/// wake-up time. Tests of polling schedules, backoff and cooldowns run in microseconds and count exactly.
///
/// - ``Mode/manual``: ``advance(by:)`` moves time and wakes every sleeper that is due, in deadline order.
///   ``waitForSleepers(_:)`` lets a driver wait until the code under test has gone to sleep.
/// - ``Mode/autoAdvance``: `sleep(for:)` returns at once after moving time forward to the sleeper's
///   deadline (never backwards). Right for one flow at a time; concurrent flows share the one timeline.
public final class VirtualClock: VideoClock, @unchecked Sendable {
    /// How time moves.
    public enum Mode: Sendable {
        /// Only ``VirtualClock/advance(by:)`` and ``VirtualClock/advanceToNextDeadline()`` move time.
        case manual
        /// Every `sleep(for:)` moves time to its own deadline and returns at once.
        case autoAdvance
    }

    private struct Sleeper {
        let id: UInt64
        let deadline: Duration
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private let mode: Mode
    private let wallOrigin: Date
    // Guarded by `lock`:
    private var current: Duration = .zero
    private var sleepers: [Sleeper] = []
    private var nextID: UInt64 = 0

    /// A clock at time zero whose wall time starts at `wallOrigin` (2026-01-01 00:00:00 UTC by default, so
    /// timestamps in tests are fixed).
    public init(mode: Mode = .autoAdvance, wallOrigin: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        self.mode = mode
        self.wallOrigin = wallOrigin
    }

    /// Virtual time since the clock was made.
    public func now() -> Duration { lock.withLock { current } }

    /// `wallOrigin` plus ``now()``.
    public func wallTime() -> Date { wallOrigin.addingTimeInterval(now().seconds) }

    /// How many sleepers are waiting (manual mode).
    public var pendingSleepers: Int { lock.withLock { sleepers.count } }

    /// Waits until virtual time reaches now + `duration` (at once in ``Mode/autoAdvance``); throws
    /// `CancellationError` when the task is cancelled.
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        if mode == .autoAdvance {
            lock.withLock {
                current = max(current, current + max(duration, .zero))
            }
            // Let other tasks run, as a real sleep would.
            await Task.yield()
            try Task.checkCancellation()
            return
        }
        let id = lock.withLock { () -> UInt64 in
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = lock.withLock {
                    let deadline = current + max(duration, .zero)
                    if deadline <= current && duration <= .zero { return true }
                    sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled: Sleeper? = lock.withLock {
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration`, waking due sleepers in deadline order.
    public func advance(by duration: Duration) {
        let due: [Sleeper] = lock.withLock {
            current += max(duration, .zero)
            let ready = sleepers.filter { $0.deadline <= current }.sorted { $0.deadline < $1.deadline }
            sleepers.removeAll { $0.deadline <= current }
            return ready
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time to the earliest sleeper's deadline and wakes it (and any others due then). Returns
    /// `false` when nobody is sleeping.
    @discardableResult
    public func advanceToNextDeadline() -> Bool {
        let next: Duration? = lock.withLock { sleepers.map(\.deadline).min() }
        guard let next else { return false }
        advance(by: max(.zero, next - now()))
        return true
    }

    /// Waits (yielding) until at least `count` sleepers are pending, or `timeout` of real time passes.
    @discardableResult
    public func waitForSleepers(_ count: Int, timeout: Duration = .seconds(5)) async -> Bool {
        let start = ContinuousClock.now
        while pendingSleepers < count {
            if ContinuousClock.now - start > timeout { return false }
            await Task.yield()
            try? await Task.sleep(for: .microseconds(50))
        }
        return true
    }
}

/// Real time, sped up: `sleep(for: 60 s)` at factor 60 takes one real second, and ``now()`` runs 60×
/// fast. For demos (`videogen generate --simulate`) where a realistic task should finish in seconds.
public struct AcceleratedClock: VideoClock {
    /// How many virtual seconds pass per real second.
    public let factor: Double
    private let origin = ContinuousClock.now
    private let wallOrigin = Date()

    /// A clock running `factor` times faster than real time, starting now.
    public init(factor: Double) {
        precondition(factor > 0, "factor must be positive")
        self.factor = factor
    }

    public func now() -> Duration { (ContinuousClock.now - origin) * factor }

    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else { return try Task.checkCancellation() }
        try await Task.sleep(for: duration / factor)
    }

    public func wallTime() -> Date { wallOrigin.addingTimeInterval(now().seconds) }
}
