import Foundation
import Testing
import VideoProviderKit

/// `PollingStrategy`'s schedule, step by step.
@Suite struct CorePollingStrategyTests {
    private func snapshot(progress: Int? = nil, pollAfter: Duration? = nil) -> TaskSnapshot {
        TaskSnapshot(taskID: "t", status: .processing, progress: progress, pollAfter: pollAfter)
    }

    @Test func defaults() {
        let strategy = PollingStrategy.default
        #expect(strategy.initialDelay == .seconds(2))
        #expect(strategy.minimumInterval == .seconds(1))
        #expect(strategy.maximumInterval == .seconds(15))
        #expect(strategy.backoffMultiplier == 1.5)
        #expect(strategy.timeout == .seconds(1800))
        #expect(strategy.fixedInterval == nil)
        #expect(strategy.maximumConsecutiveErrors == 8)
        #expect(strategy.honorsVendorRecommendation && strategy.honorsServerHints && strategy.usesProgress)
    }

    @Test func fixedIgnoresEverythingButItsInterval() {
        let strategy = PollingStrategy.fixed(.seconds(5), timeout: .seconds(60))
        #expect(strategy.timeout == .seconds(60))
        let recommendation = PollingRecommendation(minimumInterval: .seconds(30), maximumInterval: .seconds(60))
        #expect(strategy.firstDelay(recommendation: recommendation, hint: .seconds(40)) == .seconds(5))
        var state = PollingStrategy.State()
        for poll in 1...3 {
            let delay = strategy.nextDelay(
                after: snapshot(progress: 50, pollAfter: .seconds(99)), elapsed: .seconds(poll * 5), state: &state,
                recommendation: recommendation)
            #expect(delay == .seconds(5))
            #expect(state.polls == poll)
            #expect(state.lastInterval == .seconds(5))
        }
    }

    @Test func firstDelayTakesTheLargestFloor() {
        let strategy = PollingStrategy()
        let recommendation = PollingRecommendation(minimumInterval: .seconds(30), maximumInterval: .seconds(60))
        #expect(strategy.firstDelay(recommendation: nil, hint: nil) == .seconds(2))
        #expect(strategy.firstDelay(recommendation: nil, hint: .milliseconds(500)) == .seconds(2))
        #expect(strategy.firstDelay(recommendation: nil, hint: .seconds(7)) == .seconds(7))
        #expect(strategy.firstDelay(recommendation: recommendation, hint: nil) == .seconds(30))
        #expect(strategy.firstDelay(recommendation: recommendation, hint: .seconds(45)) == .seconds(45))
        var deaf = PollingStrategy()
        deaf.honorsServerHints = false
        deaf.honorsVendorRecommendation = false
        #expect(deaf.firstDelay(recommendation: recommendation, hint: .seconds(45)) == .seconds(2))
    }

    @Test func backsOffGeometricallyToTheCap() {
        let strategy = PollingStrategy()
        var state = PollingStrategy.State()
        let delays = (1...10).map { poll in
            strategy.nextDelay(after: snapshot(), elapsed: .seconds(poll), state: &state, recommendation: nil)
        }
        #expect(
            delays.map(\.seconds) == [1, 1.5, 2.25, 3.375, 5.0625, 7.59375, 11.390625, 15, 15, 15])
        #expect(state.polls == 10)
        #expect(state.lastInterval == .seconds(15))
        #expect(state.lastProgress == nil)
    }

    @Test func vendorRecommendationIsTheInterval() {
        let strategy = PollingStrategy()
        let recommendation = PollingRecommendation(minimumInterval: .seconds(30), maximumInterval: .seconds(60))
        var state = PollingStrategy.State()
        #expect(
            strategy.nextDelay(
                after: snapshot(progress: 90), elapsed: .seconds(30), state: &state, recommendation: recommendation)
                == .seconds(30))
        #expect(
            strategy.nextDelay(after: snapshot(), elapsed: .seconds(60), state: &state, recommendation: recommendation)
                == .seconds(30))
        // A server hint is a floor above it.
        #expect(
            strategy.nextDelay(
                after: snapshot(pollAfter: .seconds(45)), elapsed: .seconds(90), state: &state,
                recommendation: recommendation)
                == .seconds(45))
        #expect(
            strategy.nextDelay(
                after: snapshot(pollAfter: .seconds(10)), elapsed: .seconds(135), state: &state,
                recommendation: recommendation)
                == .seconds(30))
    }

    @Test func serverHintIsAFloorForTheBackoffToo() {
        let strategy = PollingStrategy()
        var state = PollingStrategy.State()
        #expect(
            strategy.nextDelay(
                after: snapshot(pollAfter: .seconds(5)), elapsed: .seconds(2), state: &state, recommendation: nil)
                == .seconds(5))
        // The backoff grows from the interval actually used.
        #expect(
            strategy.nextDelay(after: snapshot(), elapsed: .seconds(7), state: &state, recommendation: nil)
                == .seconds(7.5))
        var deaf = PollingStrategy()
        deaf.honorsServerHints = false
        var fresh = PollingStrategy.State()
        #expect(
            deaf.nextDelay(
                after: snapshot(pollAfter: .seconds(5)), elapsed: .seconds(2), state: &fresh, recommendation: nil)
                == .seconds(1))
    }

    @Test func progressPredictsTheFinish() {
        var strategy = PollingStrategy()
        strategy.maximumInterval = .seconds(60)
        var state = PollingStrategy.State()
        // One observation gives no rate (progress may have begun after a queue): look again after the minimum.
        #expect(
            strategy.nextDelay(after: snapshot(progress: 20), elapsed: .seconds(10), state: &state, recommendation: nil)
                == .seconds(1))
        #expect(state.lastProgress?.elapsed == .seconds(10))
        #expect(state.lastProgress?.value == 20)
        // Two observations: 20 → 60 % in 10 s is 4 %/s, so 40 % more takes 10 s.
        #expect(
            strategy.nextDelay(after: snapshot(progress: 60), elapsed: .seconds(20), state: &state, recommendation: nil)
                == .milliseconds(10_250))
        // Predictions are capped by the maximum interval: 1 → 2 % in 10 s predicts 980 s more.
        var capped = PollingStrategy()
        var fresh = PollingStrategy.State()
        _ = capped.nextDelay(after: snapshot(progress: 1), elapsed: .seconds(10), state: &fresh, recommendation: nil)
        #expect(
            capped.nextDelay(after: snapshot(progress: 2), elapsed: .seconds(20), state: &fresh, recommendation: nil)
                == .seconds(15))
        // …and floored by the minimum.
        capped.minimumInterval = .seconds(3)
        fresh = PollingStrategy.State()
        #expect(
            capped.nextDelay(after: snapshot(progress: 99), elapsed: .seconds(100), state: &fresh, recommendation: nil)
                == .seconds(3))
    }

    @Test func progressWithoutElapsedTimeOrDisabledFallsBackToBackoff() {
        let strategy = PollingStrategy()
        var state = PollingStrategy.State()
        #expect(
            strategy.nextDelay(after: snapshot(progress: 50), elapsed: .zero, state: &state, recommendation: nil)
                == .seconds(1))
        var blind = PollingStrategy()
        blind.usesProgress = false
        var fresh = PollingStrategy.State()
        #expect(
            blind.nextDelay(after: snapshot(progress: 50), elapsed: .seconds(10), state: &fresh, recommendation: nil)
                == .seconds(1))
        // Finished or zero progress predicts nothing.
        var other = PollingStrategy.State()
        #expect(
            strategy.nextDelay(after: snapshot(progress: 0), elapsed: .seconds(10), state: &other, recommendation: nil)
                == .seconds(1))
        #expect(other.lastProgress == nil)
    }

    @Test func stateEquality() {
        var lhs = PollingStrategy.State()
        var rhs = PollingStrategy.State()
        #expect(lhs == rhs)
        lhs.lastProgress = (.seconds(1), 5)
        #expect(lhs != rhs)
        rhs.lastProgress = (.seconds(1), 5)
        #expect(lhs == rhs)
    }
}

/// `RetryPolicy.backoff`: exponential, capped, and shortened by jitter.
@Suite struct CoreRetryPolicyTests {
    @Test func defaults() {
        let policy = RetryPolicy()
        #expect(policy.maximumAttempts == 3)
        #expect(policy.initialBackoff == .seconds(1))
        #expect(policy.maximumBackoff == .seconds(30))
        #expect(policy.multiplier == 2)
        #expect(policy.jitter == 0.2)
        #expect(policy.maximumRetryAfter == .seconds(30))
    }

    @Test func withoutJitter() {
        var policy = RetryPolicy()
        policy.jitter = 0
        #expect(
            (0...7).map { policy.backoff(afterAttempt: $0, random: 0.9) } == [
                .seconds(1), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30),
                .seconds(30),
            ])
        #expect(policy.backoff(afterAttempt: 2_000, random: 0.5) == .seconds(30))
    }

    @Test func withAFixedRandom() {
        let policy = RetryPolicy()
        #expect(policy.backoff(afterAttempt: 1, random: 0) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 1, random: 0.5) == .milliseconds(900))
        #expect(policy.backoff(afterAttempt: 3, random: 0.5) == .milliseconds(3600))
        #expect(policy.backoff(afterAttempt: 6, random: 0.5) == .seconds(27))
        #expect(policy.backoff(afterAttempt: 2, random: 0.25) == .milliseconds(1900))
        // Out-of-range randoms are clamped, so jitter never lengthens or negates a delay.
        #expect(policy.backoff(afterAttempt: 1, random: 1) == .milliseconds(800))
        #expect(policy.backoff(afterAttempt: 1, random: 7) == .milliseconds(800))
        #expect(policy.backoff(afterAttempt: 1, random: -3) == .seconds(1))
    }

    @Test func customShape() {
        var policy = RetryPolicy()
        policy.initialBackoff = .milliseconds(250)
        policy.multiplier = 3
        policy.maximumBackoff = .seconds(5)
        policy.jitter = 0
        #expect(
            (1...5).map { policy.backoff(afterAttempt: $0, random: 0) } == [
                .milliseconds(250), .milliseconds(750), .milliseconds(2250), .seconds(5), .seconds(5),
            ])
    }

    @Test func randomDefaultStaysWithinTheJitterBand() {
        let policy = RetryPolicy()
        // The band is closed at both ends once rounded to milliseconds: a draw just below 1 gives 3,200 ms.
        #expect(policy.backoff(afterAttempt: 3, random: 0.999_9) == .milliseconds(3200))
        #expect(policy.backoff(afterAttempt: 3, random: 0.000_1) == .seconds(4))
        for _ in 0..<1_000 {
            let delay = policy.backoff(afterAttempt: 3)
            #expect(delay >= .milliseconds(3200) && delay <= .seconds(4))
        }
    }
}

/// `FailureAction.forSubmission`: every row of the documented table.
@Suite struct CoreFailureActionTests {
    let retry = RetryPolicy()

    @Test func rateLimits() {
        #expect(FailureAction.forSubmission(vendorError(.rateLimited, status: 429), retry: retry) == .retry(after: nil))
        #expect(
            FailureAction.forSubmission(vendorError(.rateLimited, status: 429, retryAfter: .seconds(10)), retry: retry)
                == .retry(after: .seconds(10)))
        #expect(
            FailureAction.forSubmission(vendorError(.rateLimited, status: 429, retryAfter: .seconds(30)), retry: retry)
                == .retry(after: .seconds(30)))
        #expect(
            FailureAction.forSubmission(vendorError(.rateLimited, status: 429, retryAfter: .seconds(31)), retry: retry)
                == .fallBack)
    }

    /// A 5xx after the body was sent proves nothing was created only when it is 501 or 503: every other
    /// one is ambiguous, with or without a body (a 502 or 504 from a proxy says nothing about the
    /// upstream, which may have created the task before failing). This replaced the old rows "500, 502,
    /// 504 with a body: fall back", which paid twice when the first gateway had created the task.
    @Test func serverErrors() {
        #expect(FailureAction.forSubmission(vendorError(.serverError, status: 500), retry: retry) == .ambiguous)
        #expect(
            FailureAction.forSubmission(vendorError(.serverError, status: 500, message: ""), retry: retry) == .ambiguous
        )
        #expect(
            FailureAction.forSubmission(vendorError(.serverError, status: 500, message: "boom"), retry: retry)
                == .ambiguous)
        #expect(
            FailureAction.forSubmission(vendorError(.serverError, status: 500, code: "internal"), retry: retry)
                == .ambiguous)
        for status in [502, 504, 505, 507, 520, 599] {
            #expect(
                FailureAction.forSubmission(vendorError(.serverError, status: status, message: "x"), retry: retry)
                    == .ambiguous)
        }
        #expect(
            FailureAction.forSubmission(vendorError(.serverError, status: 503, retryAfter: .seconds(5)), retry: retry)
                == .retry(after: .seconds(5)))
        #expect(
            FailureAction.forSubmission(vendorError(.serverError, status: 503, retryAfter: .seconds(60)), retry: retry)
                == .fallBack)
        #expect(FailureAction.forSubmission(vendorError(.serverError, status: 503), retry: retry) == .fallBack)
        #expect(
            FailureAction.forSubmission(vendorError(.serverError, status: 501, message: "x"), retry: retry) == .fallBack
        )
        // A content-policy refusal stops whatever its status.
        #expect(FailureAction.forSubmission(vendorError(.contentPolicy, status: 500), retry: retry) == .stop)
    }

    @Test func transportFailures() {
        #expect(FailureAction.forSubmission(vendorError(.connectionFailed), retry: retry) == .retry(after: nil))
        #expect(FailureAction.forSubmission(vendorError(.connectionFailed, sent: true), retry: retry) == .ambiguous)
        #expect(
            FailureAction.forSubmission(vendorError(.timeout, status: 408, retryAfter: .seconds(2)), retry: retry)
                == .retry(after: .seconds(2)))
        #expect(FailureAction.forSubmission(vendorError(.timeout, status: 408), retry: retry) == .retry(after: nil))
        #expect(FailureAction.forSubmission(vendorError(.timeout, sent: true), retry: retry) == .ambiguous)
        #expect(FailureAction.forSubmission(vendorError(.timeout), retry: retry) == .retry(after: nil))
        #expect(FailureAction.forSubmission(vendorError(.ambiguousSubmission), retry: retry) == .ambiguous)
    }

    @Test func unreadableAnswers() {
        #expect(FailureAction.forSubmission(vendorError(.invalidResponse, status: 200), retry: retry) == .ambiguous)
        #expect(FailureAction.forSubmission(vendorError(.invalidResponse, status: 201), retry: retry) == .ambiguous)
        #expect(FailureAction.forSubmission(vendorError(.invalidResponse, status: 502), retry: retry) == .ambiguous)
        #expect(FailureAction.forSubmission(vendorError(.invalidResponse, status: 503), retry: retry) == .fallBack)
        #expect(FailureAction.forSubmission(vendorError(.invalidResponse, status: 404), retry: retry) == .fallBack)
        #expect(FailureAction.forSubmission(vendorError(.invalidResponse), retry: retry) == .fallBack)
    }

    @Test(arguments: [
        VideoProviderError.Kind.authentication, .notFound, .download, .unknownModel, .noEligibleProvider, .taskFailed,
    ])
    func fallBackKinds(kind: VideoProviderError.Kind) {
        #expect(FailureAction.forSubmission(vendorError(kind, status: 401), retry: retry) == .fallBack)
    }

    @Test(arguments: [
        VideoProviderError.Kind.contentPolicy, .vendorRejected, .invalidRequest, .cancelled, .configuration,
    ])
    func stopKinds(kind: VideoProviderError.Kind) {
        #expect(
            FailureAction.forSubmission(
                vendorError(kind, status: 400, retryAfter: .seconds(1), sent: true), retry: retry)
                == .stop)
    }

    @Test func aLongerAllowanceKeepsRetrying() {
        var patient = RetryPolicy()
        patient.maximumRetryAfter = .seconds(120)
        #expect(
            FailureAction.forSubmission(vendorError(.rateLimited, retryAfter: .seconds(90)), retry: patient)
                == .retry(after: .seconds(90)))
        #expect(
            FailureAction.forSubmission(
                vendorError(.serverError, status: 503, retryAfter: .seconds(90)), retry: patient)
                == .retry(after: .seconds(90)))
    }
}

/// An error as a vendor answer classifies it (message "x"), for the failure-table suites (here and in
/// ClientJobTests).
func vendorError(
    _ kind: VideoProviderError.Kind, status: Int? = nil, code: String? = nil, message: String? = nil,
    retryAfter: Duration? = nil, sent: Bool = false
) -> VideoProviderError {
    VideoProviderError(
        kind, "x", httpStatus: status, vendorCode: code, vendorMessage: message, retryAfter: retryAfter,
        requestMayHaveBeenSent: sent)
}
