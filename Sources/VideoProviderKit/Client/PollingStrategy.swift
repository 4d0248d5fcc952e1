/// When to ask a vendor how a task is doing.
///
/// The default adapts to what the vendor offers, in this order:
/// 1. a server hint (`openai-poll-after-ms`, `Retry-After`) is a floor: never ask sooner than told;
/// 2. a vendor's recommended interval (30–60 s on the kyyReactApiServer gateways) is honoured: never
///    faster than its minimum, and its minimum is also the first delay;
/// 3. reported progress predicts completion: two observations give a rate, and the next poll is aimed
///    just after the predicted finish (capped by ``maximumInterval``);
/// 4. otherwise the interval backs off geometrically from ``minimumInterval`` to ``maximumInterval``.
/// ``fixed(_:timeout:)`` polls at one interval and ignores everything else but the timeout.
public struct PollingStrategy: Sendable, Hashable {
    /// Wait before the first status call (no vendor recommendation).
    public var initialDelay: Duration = .seconds(2)
    public var minimumInterval: Duration = .seconds(1)
    public var maximumInterval: Duration = .seconds(15)
    /// Growth of the interval per poll when nothing better is known.
    public var backoffMultiplier: Double = 1.5
    /// Give up following a task after this long (measured from the start of following).
    public var timeout: Duration = .seconds(30 * 60)
    /// A fixed interval overrides everything else.
    public var fixedInterval: Duration?
    public var honorsVendorRecommendation = true
    public var honorsServerHints = true
    public var usesProgress = true
    /// Consecutive failed status calls tolerated before following gives up.
    public var maximumConsecutiveErrors = 8

    public init() {}

    /// One poll every `interval`, starting after one `interval`.
    public static func fixed(_ interval: Duration, timeout: Duration = .seconds(30 * 60)) -> PollingStrategy {
        var strategy = PollingStrategy()
        strategy.fixedInterval = interval
        strategy.initialDelay = interval
        strategy.timeout = timeout
        return strategy
    }

    public static let `default` = PollingStrategy()

    /// What the strategy has seen so far.
    public struct State: Sendable, Hashable {
        public var polls = 0
        public var lastInterval: Duration?
        /// (elapsed, progress) of the last observation with progress.
        public var lastProgress: (elapsed: Duration, value: Int)?

        public init() {}

        public static func == (lhs: State, rhs: State) -> Bool {
            lhs.polls == rhs.polls && lhs.lastInterval == rhs.lastInterval
                && lhs.lastProgress?.elapsed == rhs.lastProgress?.elapsed
                && lhs.lastProgress?.value == rhs.lastProgress?.value
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(polls)
            hasher.combine(lastInterval)
        }
    }

    /// The delay before the first poll.
    public func firstDelay(recommendation: PollingRecommendation?, hint: Duration?) -> Duration {
        if let fixedInterval { return fixedInterval }
        var delay = initialDelay
        if honorsVendorRecommendation, let recommendation { delay = max(delay, recommendation.minimumInterval) }
        if honorsServerHints, let hint { delay = max(delay, hint) }
        return delay
    }

    /// The delay after a poll that returned `snapshot` at `elapsed` since following began.
    public func nextDelay(
        after snapshot: TaskSnapshot, elapsed: Duration, state: inout State, recommendation: PollingRecommendation?
    ) -> Duration {
        state.polls += 1
        if let fixedInterval {
            state.lastInterval = fixedInterval
            return fixedInterval
        }
        var delay: Duration
        if honorsVendorRecommendation, let recommendation {
            delay = recommendation.minimumInterval
        } else if usesProgress, let progress = snapshot.progress, progress > 0, progress < 100,
            let predicted = predictedRemaining(progress: progress, elapsed: elapsed, state: state)
        {
            // Aim just past the predicted finish; a short margin absorbs uneven progress.
            delay = min(max(predicted + .milliseconds(250), minimumInterval), maximumInterval)
        } else {
            let previous = state.lastInterval ?? minimumInterval
            delay = state.lastInterval == nil ? minimumInterval : min(previous * backoffMultiplier, maximumInterval)
            delay = max(delay, minimumInterval)
        }
        if let progress = snapshot.progress, progress > 0 { state.lastProgress = (elapsed, progress) }
        if honorsServerHints, let hint = snapshot.pollAfter { delay = max(delay, hint) }
        state.lastInterval = delay
        return delay
    }

    private func predictedRemaining(progress: Int, elapsed: Duration, state: State) -> Duration? {
        if let last = state.lastProgress, progress > last.value, elapsed > last.elapsed {
            let rate = Double(progress - last.value) / (elapsed - last.elapsed).seconds  // percent per second
            return .milliseconds(Int64(Double(100 - progress) / rate * 1000))
        }
        // One observation: assume progress started when following did. Capped later by the maximum.
        guard elapsed > .zero else { return nil }
        let rate = Double(progress) / elapsed.seconds
        return .milliseconds(Int64(Double(100 - progress) / rate * 1000))
    }
}
