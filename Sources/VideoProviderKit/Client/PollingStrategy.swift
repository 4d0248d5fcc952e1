/// When to ask a vendor how a task is doing.
///
/// The default adapts to what the vendor offers. The rules, exactly (tests derive poll counts from them):
///
/// **First poll.** ``firstDelay(recommendation:hint:)`` waits ``fixedInterval`` when it is set, else the
/// largest of ``initialDelay`` (2 s), the vendor's recommended minimum interval (when
/// ``honorsVendorRecommendation``) and the submit answer's server hint (when ``honorsServerHints``).
///
/// **Next polls.** After each answer that is not terminal, ``nextDelay(after:elapsed:state:recommendation:)``
/// takes the first rule that applies:
/// 1. ``fixedInterval``, when set (nothing else is consulted but, with ``fixedIntervalHonorsVendorMinimum``,
///    the vendor's recommended minimum as a floor);
/// 2. a vendor recommendation (when ``honorsVendorRecommendation``): its minimum interval, every time. The
///    kyyReactApiServer gateways recommend 30–60 s, so their polls fall at 30, 60, 90 … s, and a task that
///    ends at *T* s is seen by poll number ⌈*T* / 30⌉;
/// 3. progress *p* with 0 < *p* < 100 (when ``usesProgress``): the time left is predicted from the rate
///    of progress since the previous answer that carried progress (when it has risen since). The delay is
///    that prediction plus 250 ms, clamped to ``minimumInterval``…``maximumInterval`` and rounded to the
///    millisecond. Without an earlier answer with lower progress there is no rate yet: the delay is
///    ``minimumInterval``, so the next answer gives one;
/// 4. otherwise geometric backoff: ``minimumInterval`` after the first answer, then the previous interval
///    times ``backoffMultiplier``, capped at ``maximumInterval`` (1, 1.5, 2.25, 3.375 … 15 s).
///
/// Then a server hint on that answer (`openai-poll-after-ms`, `Retry-After`) is a floor (when
/// ``honorsServerHints``): the client never asks sooner than told.
///
/// With the defaults, a 60 s task that reports steady progress, on a gateway that sends
/// `openai-poll-after-ms: 1000`, is polled 6 times (at 2, 3, 18, 33, 48 and 60.25 s) and seen 0.25 s after
/// it finished; without progress or hints the same task takes 10 polls and is seen 4.17 s late.
///
/// **Around the schedule** (``VideoClient`` applies these): a `completed` answer that does not yet say
/// where the video is gets asked again after ``minimumInterval``, up to three times; a failed status call
/// is retried after the ``RetryPolicy`` backoff (or its `Retry-After`), never sooner than
/// ``minimumInterval`` or the vendor's recommended minimum, and following gives up after
/// ``maximumConsecutiveErrors`` failures in a row (three for "not found", recognised by the vendor's code at
/// any HTTP status; the fourth refused call in a row for authentication or an exhausted quota);
/// ``timeout`` counts from when following began; `unknown` statuses keep the schedule going; cancelling
/// the task that follows stops it at once.
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
    /// Whether a ``fixedInterval`` shorter than the vendor's recommended minimum is raised to it (a user's
    /// `--poll-interval 5` on a gateway that asks for 30–60 s polls every 30 s). Off by default: a fixed
    /// interval is exactly what it says.
    public var fixedIntervalHonorsVendorMinimum = false
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
        if let fixedInterval { return floored(fixedInterval, recommendation) }
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
            let interval = floored(fixedInterval, recommendation)
            state.lastInterval = interval
            return interval
        }
        var delay: Duration
        if honorsVendorRecommendation, let recommendation {
            delay = recommendation.minimumInterval
        } else if usesProgress, let progress = snapshot.progress, progress > 0, progress < 100 {
            let predicted = predictedRemaining(progress: progress, elapsed: elapsed, state: state)
            // Aim just past the predicted finish; a short margin absorbs uneven progress. Clamped in
            // seconds before converting, so an absurd prediction cannot overflow.
            let seconds = min(max(predicted + 0.25, minimumInterval.seconds), maximumInterval.seconds)
            delay = .milliseconds(Int64((seconds * 1000).rounded()))
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

    /// A fixed interval, raised to the vendor's minimum when ``fixedIntervalHonorsVendorMinimum`` says so.
    private func floored(_ interval: Duration, _ recommendation: PollingRecommendation?) -> Duration {
        guard fixedIntervalHonorsVendorMinimum, let recommendation else { return interval }
        return max(interval, recommendation.minimumInterval)
    }

    /// The predicted time left, in seconds.
    private func predictedRemaining(progress: Int, elapsed: Duration, state: State) -> Double {
        if let last = state.lastProgress, progress > last.value, elapsed > last.elapsed {
            let rate = Double(progress - last.value) / (elapsed - last.elapsed).seconds  // percent per second
            return Double(100 - progress) / rate
        }
        // One observation gives no rate: progress may have begun long after following did (a queue), so
        // dividing by the time followed would overestimate what is left. Ask again soon (the minimum
        // interval) and measure a rate from two answers; on a long task that costs one poll.
        return 0
    }
}
