import Foundation

extension VideoClient {
    /// One status call through the exchange pipeline; a snapshot is announced to the observer.
    func poll(_ job: VideoJob, at endpoint: ProviderEndpoint) async -> Result<TaskSnapshot, VideoProviderError> {
        let boundary = bodilessRequestBoundary
        let result = await exchange.run(
            .status, with: endpoint, model: job.model, taskID: job.taskID, into: .memory(limit: Self.answerLimit),
            request: {
                try endpoint.provider.statusRequest(
                    taskID: job.taskID, model: job.model,
                    context: endpoint.context(boundary: boundary, signedAt: clock.wallTime()))
            },
            read: { response, _ throws(VideoProviderError) in
                try Exchange.snapshot(from: response, endpoint: endpoint, model: job.model, taskID: job.taskID) {
                    try endpoint.provider.parseStatusResponse($0, taskID: job.taskID)
                }
            })
        if case .success(let snapshot) = result {
            observer(.poll(job: job.id, provider: job.providerID, snapshot: snapshot))
        }
        return result
    }

    /// Polls until the task ends, calling `onSnapshot` with each observation; returns the terminal one.
    /// Every error it throws carries the job's provider, model, task and submission attempts.
    func follow(
        _ job: VideoJob, strategy: PollingStrategy, onSnapshot: (TaskSnapshot) -> Void
    ) async throws(VideoProviderError) -> TaskSnapshot {
        let endpoint = try endpoint(for: job)
        if job.initialSnapshot.status.isTerminal {
            onSnapshot(job.initialSnapshot)
            return job.initialSnapshot
        }
        let following = Following(
            job: job, strategy: strategy, recommendation: endpoint.registration.descriptor.polling, start: clock.now())
        do throws(VideoProviderError) {
            while true {
                let wait = try following.nextWait(now: clock.now())
                do {
                    try await clock.sleep(for: wait)
                } catch {
                    throw following.cancelled()
                }
                var outcome = await poll(job, at: endpoint)
                // A completed task whose video is named elsewhere is completed once the follow-up answered;
                // a failed follow-up counts as a failed poll (retried with backoff).
                if case .success(let snapshot) = outcome, snapshot.status == .completed {
                    outcome = await resolvedOutcome(snapshot, of: job, at: endpoint)
                }
                if case .success(let snapshot) = outcome { onSnapshot(snapshot) }
                if let final = try following.take(
                    outcome, now: clock.now(), retry: configuration.retry, random: configuration.random,
                    canFetchVideo: { canFetchVideo($0, at: endpoint) })
                {
                    return final
                }
            }
        } catch {
            throw error.adding(job)
        }
    }

    /// Whether the provider has a way to fetch the video of this completed snapshot.
    private func canFetchVideo(_ snapshot: TaskSnapshot, at endpoint: ProviderEndpoint) -> Bool {
        let context = endpoint.context(boundary: bodilessRequestBoundary, signedAt: clock.wallTime())
        return ((try? endpoint.provider.contentRequest(for: snapshot, context: context)) ?? nil) != nil
            || ((try? endpoint.provider.resultRequest(for: snapshot, context: context)) ?? nil) != nil
    }
}

/// What following one task carries from one status call to the next, and the decision each outcome
/// leads to: poll again after ``delay``, stop with the terminal snapshot, or stop with an error. No I/O:
/// the loop in `VideoClient.follow` sleeps, sends and reports the outcome here.
///
/// A class, so the suspended loop holds one reference rather than a job, a snapshot and a strategy.
final class Following {
    let job: VideoJob
    let strategy: PollingStrategy
    let recommendation: PollingRecommendation?
    let start: Duration
    private(set) var last: TaskSnapshot
    private var state = PollingStrategy.State()
    private(set) var delay: Duration
    private var consecutiveErrors = 0
    private var consecutiveAccountRefusals = 0
    private var completedWithoutVideo = 0

    /// Refused status calls (authentication, exhausted quota) tolerated in a row while following a task that
    /// exists; the next one ends the follow. kyy gateways refuse a status call now and then (HTTP 401) and
    /// answer the next; clients of that backend tolerate three in a row (docs/real-gateways.md).
    static let toleratedAccountRefusals = 3

    init(job: VideoJob, strategy: PollingStrategy, recommendation: PollingRecommendation?, start: Duration) {
        self.job = job
        self.strategy = strategy
        self.recommendation = recommendation
        self.start = start
        last = job.initialSnapshot
        delay = strategy.firstDelay(recommendation: recommendation, hint: job.initialSnapshot.pollAfter)
    }

    /// How long to sleep before the next status call, or the timeout error once the strategy's time is up.
    func nextWait(now: Duration) throws(VideoProviderError) -> Duration {
        let remaining = strategy.timeout - (now - start)
        guard remaining > .zero else {
            let raw = last.rawStatus ?? last.status.rawValue
            throw VideoProviderError(
                .timeout,
                "Gave up following task \(job.taskID) on \(job.providerID) after \(Int(strategy.timeout.seconds)) s; last status: \(raw). The task may still finish: follow the same job again later.",
                providerID: job.providerID, model: job.model, taskID: job.taskID, rawStatus: raw)
        }
        return min(delay, remaining)
    }

    func cancelled() -> VideoProviderError {
        VideoProviderError(
            .cancelled, "Stopped following task \(job.taskID) on \(job.providerID): cancelled.",
            providerID: job.providerID, model: job.model, taskID: job.taskID)
    }

    /// Takes one status call's outcome: the terminal snapshot when the task has ended, `nil` to poll again
    /// after ``delay``, or the error that ends the follow.
    ///
    /// - Parameters:
    ///   - now: the clock's time, for the strategy's progress prediction.
    ///   - retry, random: the backoff after a failed call.
    ///   - canFetchVideo: whether the provider can fetch the video of a completed snapshot (some gateways
    ///     flip the status before the URL is written).
    func take(
        _ outcome: Result<TaskSnapshot, VideoProviderError>, now: Duration, retry: RetryPolicy,
        random: () -> Double, canFetchVideo: (TaskSnapshot) -> Bool
    ) throws(VideoProviderError) -> TaskSnapshot? {
        switch outcome {
        case .success(let snapshot):
            consecutiveErrors = 0
            consecutiveAccountRefusals = 0
            last = snapshot
            if snapshot.status == .completed, completedWithoutVideo < 3, !canFetchVideo(snapshot) {
                // Ask again shortly: the URL usually follows within seconds.
                completedWithoutVideo += 1
                delay = strategy.minimumInterval
                return nil
            }
            if snapshot.status.isTerminal { return snapshot }
            delay = strategy.nextDelay(
                after: snapshot, elapsed: now - start, state: &state, recommendation: recommendation)
            return nil
        case .failure(let error):
            let permanent: Set<VideoProviderError.Kind> = [.cancelled, .configuration, .invalidRequest]
            if permanent.contains(error.kind) { throw error }
            // The task exists and was accepted with this key: a refused call is tolerated a few times.
            if error.kind == .authentication || error.kind == .quotaExceeded {
                consecutiveAccountRefusals += 1
                if consecutiveAccountRefusals > Self.toleratedAccountRefusals { throw error }
            } else {
                consecutiveAccountRefusals = 0
            }
            consecutiveErrors += 1
            if consecutiveErrors >= strategy.maximumConsecutiveErrors
                || (error.kind == .notFound && consecutiveErrors >= 3)
            {
                var final = error
                final.message =
                    "Gave up following task \(job.taskID) after \(consecutiveErrors) failed status calls; last: \(error.message)"
                throw final
            }
            let backoff = retry.backoff(afterAttempt: consecutiveErrors, random: random())
            var floor = strategy.minimumInterval
            if strategy.honorsVendorRecommendation, let recommendation {
                floor = max(floor, recommendation.minimumInterval)
            }
            delay = max(error.retryAfter ?? backoff, floor)
            return nil
        }
    }
}
