import Foundation

/// Per-provider failure counts and cooldowns, shared by every call on one client (see ``CooldownPolicy``).
final class ProviderHealth: @unchecked Sendable {
    private struct Entry {
        var consecutiveFailures = 0
        var coolingUntil: Duration?
        var reason = ""
        /// Readmitted after a cooldown and not yet proven healthy: the next failure cools it down again.
        var onProbation = false
    }

    private let lock = NSLock()
    private var entries: [ProviderID: Entry] = [:]  // guarded by `lock`

    /// The remaining cooldown and its reason, or `nil` when the provider is available at `now`.
    func cooldown(of id: ProviderID, now: Duration) -> (remaining: Duration, reason: String)? {
        lock.withLock {
            guard let entry = entries[id], let until = entry.coolingUntil else { return nil }
            if until <= now {
                entries[id]?.coolingUntil = nil
                entries[id]?.onProbation = true
                return nil
            }
            return (until - now, entry.reason)
        }
    }

    func recordSuccess(_ id: ProviderID) {
        lock.withLock { entries[id] = Entry() }
    }

    /// Counts a failure; returns the cooldown it started, if any. `immediate` starts one whatever the
    /// count; `retryAfter` lengthens it to what the server asked for.
    func recordFailure(
        _ id: ProviderID, now: Duration, reason: String, immediate: Bool, retryAfter: Duration?,
        policy: CooldownPolicy
    ) -> Duration? {
        guard policy.isEnabled else { return nil }
        return lock.withLock {
            var entry = entries[id] ?? Entry()
            if let until = entry.coolingUntil, until <= now {
                // The cooldown passed without anyone asking: the provider is back, on probation.
                entry.coolingUntil = nil
                entry.onProbation = true
            }
            entry.consecutiveFailures += 1
            var started: Duration?
            if immediate || entry.onProbation || entry.consecutiveFailures >= max(1, policy.failureThreshold) {
                let duration = max(policy.duration, retryAfter ?? .zero)
                entry.coolingUntil = now + duration
                entry.reason = reason
                entry.consecutiveFailures = 0
                entry.onProbation = false
                started = duration
            }
            entries[id] = entry
            return started
        }
    }
}
