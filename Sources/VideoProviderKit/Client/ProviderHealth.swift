import Foundation

/// One provider's standing with the client (see ``CooldownPolicy``), as a value that does no I/O: the
/// failures in a row, the cooldown and its reason, and probation after a cooldown.
package struct HealthRecord: Sendable, Hashable {
    package private(set) var consecutiveFailures = 0
    /// When the current cooldown ends, on the client's clock.
    package private(set) var coolingUntil: Duration?
    package private(set) var reason = ""
    /// Readmitted after a cooldown and not yet proven healthy: the next failure cools it down again.
    package private(set) var onProbation = false

    package init() {}

    /// The remaining cooldown and its reason, or `nil` when the provider is available at `now` (a cooldown
    /// that has passed puts it on probation).
    package mutating func cooldown(now: Duration) -> (remaining: Duration, reason: String)? {
        guard let until = coolingUntil else { return nil }
        if until <= now {
            readmit()
            return nil
        }
        return (until - now, reason)
    }

    /// Takes a failed submission's effect; returns the cooldown it started, if any. A failure starts one
    /// when it is the threshold's, when the provider is on probation, or when the effect says at once; the
    /// server's `Retry-After` lengthens it.
    package mutating func record(
        _ effect: SubmissionMachine.HealthEffect, now: Duration, reason: String, policy: CooldownPolicy
    ) -> Duration? {
        let immediate: Bool
        let retryAfter: Duration?
        switch effect {
        case .none: return nil
        case .failure(let wait): (immediate, retryAfter) = (false, wait)
        case .coolDown(let wait): (immediate, retryAfter) = (true, wait)
        }
        guard policy.isEnabled else { return nil }
        if let until = coolingUntil, until <= now {
            // The cooldown passed without anyone asking: the provider is back, on probation.
            readmit()
        }
        consecutiveFailures += 1
        guard immediate || onProbation || consecutiveFailures >= max(1, policy.failureThreshold) else { return nil }
        let duration = max(policy.duration, retryAfter ?? .zero)
        coolingUntil = now + duration
        self.reason = reason
        consecutiveFailures = 0
        onProbation = false
        return duration
    }

    /// A success: the provider is healthy again.
    package mutating func recordSuccess() { self = HealthRecord() }

    private mutating func readmit() {
        coolingUntil = nil
        onProbation = true
    }
}

/// Every provider's ``HealthRecord``, shared by every call on one client.
final class ProviderHealth: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [ProviderID: HealthRecord] = [:]  // guarded by `lock`

    /// The remaining cooldown and its reason, or `nil` when the provider is available at `now`.
    func cooldown(of id: ProviderID, now: Duration) -> (remaining: Duration, reason: String)? {
        lock.withLock {
            guard records[id]?.coolingUntil != nil else { return nil }
            return records[id]?.cooldown(now: now)
        }
    }

    func recordSuccess(_ id: ProviderID) {
        lock.withLock { records[id] = HealthRecord() }
    }

    /// Applies a failed submission's effect; returns the cooldown it started, if any.
    func record(
        _ effect: SubmissionMachine.HealthEffect, for id: ProviderID, now: Duration, reason: String,
        policy: CooldownPolicy
    ) -> Duration? {
        guard effect != .none, policy.isEnabled else { return nil }
        return lock.withLock {
            records[id, default: HealthRecord()].record(effect, now: now, reason: reason, policy: policy)
        }
    }
}
