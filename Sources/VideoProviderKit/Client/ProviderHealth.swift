import Foundation

/// Per-provider failure counts and cooldowns, shared by every call on one client.
final class ProviderHealth: @unchecked Sendable {
    private struct Entry {
        var consecutiveFailures = 0
        var coolingUntil: Duration?
        var reason = ""
    }

    private let lock = NSLock()
    private var entries: [ProviderID: Entry] = [:]  // guarded by `lock`

    /// The remaining cooldown and its reason, or `nil` when the provider is available at `now`.
    func cooldown(of id: ProviderID, now: Duration) -> (remaining: Duration, reason: String)? {
        lock.withLock {
            guard let entry = entries[id], let until = entry.coolingUntil else { return nil }
            if until <= now {
                // Readmitted: one more failure puts it straight back.
                entries[id]?.coolingUntil = nil
                return nil
            }
            return (until - now, entry.reason)
        }
    }

    func recordSuccess(_ id: ProviderID) {
        lock.withLock { entries[id] = Entry() }
    }

    /// Counts a failure; returns the cooldown it started, if any.
    func recordFailure(_ id: ProviderID, now: Duration, reason: String, immediate: Bool, policy: CooldownPolicy)
        -> Duration?
    {
        guard policy.isEnabled else { return nil }
        return lock.withLock {
            var entry = entries[id] ?? Entry()
            entry.consecutiveFailures += 1
            var started: Duration?
            if immediate || entry.consecutiveFailures >= policy.failureThreshold {
                entry.coolingUntil = now + policy.duration
                entry.reason = reason
                entry.consecutiveFailures = 0
                started = policy.duration
            }
            entries[id] = entry
            return started
        }
    }
}
