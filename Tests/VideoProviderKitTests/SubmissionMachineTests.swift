import Testing
import VideoProviderKit

/// The submission decisions, without I/O: what `submit` records and does next after each failure, per
/// failure and per policy.
@Suite struct SubmissionMachineTests {
    typealias Machine = SubmissionMachine

    static let three = [
        Machine.Candidate(providerID: "a", billableSeconds: 8), Machine.Candidate(providerID: "b", billableSeconds: 8),
        Machine.Candidate(providerID: "c", billableSeconds: 8),
    ]

    static func limits(_ change: (inout Machine.Limits) -> Void = { _ in }) -> Machine.Limits {
        var limits = Machine.Limits()
        limits.retry.jitter = 0
        change(&limits)
        return limits
    }

    /// A machine whose caller accepts resending an ambiguous submission, with `change` on top.
    static func resubmitting(
        _ candidates: [Machine.Candidate] = three, _ change: (inout Machine.Limits) -> Void = { _ in }
    ) -> Machine {
        Machine(
            candidates: candidates,
            limits: limits {
                $0.ambiguousSubmissions = .resubmit
                change(&$0)
            })
    }

    static func failure(
        _ kind: VideoProviderError.Kind, status: Int? = nil, retryAfter: Duration? = nil, sent: Bool = false
    ) -> VideoProviderError {
        VideoProviderError(kind, "x", httpStatus: status, retryAfter: retryAfter, requestMayHaveBeenSent: sent)
    }

    static let dropped = failure(.ambiguousSubmission, sent: true)
    static let refused = failure(.connectionFailed)
    static let unavailable = failure(.serverError, status: 503)

    @Test func startsWithTheFirstCandidate() {
        let machine = Machine(candidates: Self.three, limits: Self.limits())
        #expect(machine.start() == .send(candidate: 0, attempt: 1, after: .zero))
        #expect(Machine(candidates: [], limits: Self.limits()).start() == .stop(.exhausted))
    }

    /// Nothing sent (refused): retried with backoff on the same provider, then the next, then exhausted.
    @Test func failuresBeforeSendingRetryThenFallBack() {
        var machine = Machine(candidates: Self.three, limits: Self.limits())
        let first = machine.failed(Self.refused, random: 0)
        #expect(first.outcome == .retried)
        #expect(first.next == .send(candidate: 0, attempt: 2, after: .seconds(1)))
        #expect(!first.countsAgainstProvider)
        #expect(machine.failed(Self.refused, random: 0).next == .send(candidate: 0, attempt: 3, after: .seconds(2)))
        let third = machine.failed(Self.refused, random: 0)
        #expect(third.outcome == .fellBack)
        #expect(third.countsAgainstProvider)
        #expect(third.announcesFallback)
        #expect(third.next == .send(candidate: 1, attempt: 1, after: .zero))
        #expect(machine.committedSeconds == 0)
    }

    @Test func theLastCandidatesFailureExhaustsWithoutAnnouncingAFallback() {
        var machine = Machine(candidates: [Self.three[0]], limits: Self.limits())
        let decision = machine.failed(Self.unavailable, random: 0)
        #expect(decision.outcome == .fellBack)
        #expect(!decision.announcesFallback)
        #expect(decision.next == .stop(.exhausted))
    }

    @Test func aHintedRetryWaitsAsTold() {
        var machine = Machine(candidates: Self.three, limits: Self.limits())
        let decision = machine.failed(Self.failure(.rateLimited, status: 429, retryAfter: .seconds(7)), random: 0)
        #expect(decision.next == .send(candidate: 0, attempt: 2, after: .seconds(7)))
    }

    /// The money rule: an answer that does not prove nothing was created stops the call by default, for
    /// every such failure, and nothing goes to another provider.
    @Test(arguments: [
        failure(.ambiguousSubmission, sent: true), failure(.serverError, status: 500),
        failure(.serverError, status: 502), failure(.serverError, status: 504), failure(.invalidResponse, status: 200),
        failure(.timeout, sent: true), failure(.connectionFailed, sent: true),
    ])
    func ambiguousAnswersStopWithoutOptIn(error: VideoProviderError) {
        var machine = Machine(candidates: Self.three, limits: Self.limits())
        let decision = machine.failed(error, random: 0)
        #expect(decision.outcome == .ambiguous)
        #expect(decision.countsAgainstProvider)
        #expect(!decision.announcesFallback)
        #expect(decision.next == .stop(.ambiguousWithoutOptIn))
        #expect(machine.committedSeconds == 8)
    }

    /// With the opt-in, one resend by default: two possibly billed submissions at most, whatever the
    /// number of providers and attempts (it was six before the bound).
    @Test func optingInResendsWithinTheBound() {
        var machine = Self.resubmitting()
        let first = machine.failed(Self.dropped, random: 0)
        #expect(first.outcome == .ambiguous)
        #expect(first.next == .send(candidate: 0, attempt: 2, after: .seconds(1)))
        let second = machine.failed(Self.dropped, random: 0)
        #expect(second.outcome == .ambiguous)
        #expect(second.next == .stop(.ambiguousResubmissionsUsed(1)))
        #expect(machine.committedSeconds == 16)
    }

    /// Sends that may be billed, over a whole call, for each allowance: at most 1 + the allowance.
    @Test(arguments: [0, 1, 2, 5])
    func theBoundHoldsWhenEveryAnswerIsLost(allowance: Int) {
        var machine = Self.resubmitting { $0.maximumAmbiguousResubmissions = allowance }
        var sends = 0
        var next = machine.start()
        while case .send = next {
            sends += 1
            next = machine.failed(Self.dropped, random: 0).next
        }
        #expect(sends == min(1 + allowance, 9))
    }

    /// Resends stay on the provider while its attempts last, then move on.
    @Test func resendsFallBackAfterTheProvidersAttempts() {
        var machine = Self.resubmitting { $0.maximumAmbiguousResubmissions = 3 }
        #expect(machine.failed(Self.dropped, random: 0).next == .send(candidate: 0, attempt: 2, after: .seconds(1)))
        #expect(machine.failed(Self.dropped, random: 0).next == .send(candidate: 0, attempt: 3, after: .seconds(2)))
        let third = machine.failed(Self.dropped, random: 0)
        #expect(third.outcome == .ambiguous)
        #expect(third.announcesFallback)
        #expect(third.next == .send(candidate: 1, attempt: 1, after: .zero))
        #expect(machine.failed(Self.dropped, random: 0).next == .stop(.ambiguousResubmissionsUsed(3)))
    }

    /// The budget counts every submission that may be billed, resends included.
    @Test func theBudgetStopsAResendThatWouldPassIt() {
        var machine = Self.resubmitting { $0.maximumBillableSeconds = 15 }
        let decision = machine.failed(Self.dropped, random: 0)
        #expect(decision.outcome == .ambiguous)
        #expect(decision.next == .stop(.budget(committed: 8, next: 8, maximum: 15)))
    }

    @Test func secondsAlreadySpentCountToo() {
        let limits = Self.limits {
            $0.maximumBillableSeconds = 20
            $0.alreadyCommittedSeconds = 16
        }
        #expect(
            Machine(candidates: Self.three, limits: limits).start()
                == .stop(.budget(committed: 16, next: 8, maximum: 20)))
    }

    /// A fallback that would not fit the budget is passed over for a cheaper one (with `anyOutput`
    /// candidates may differ), and when none fits the stop names the budget.
    @Test func fallbacksMustFitTheBudget() {
        let mixed = [
            Machine.Candidate(providerID: "a", billableSeconds: 6),
            Machine.Candidate(providerID: "b", billableSeconds: 10),
            Machine.Candidate(providerID: "c", billableSeconds: 6),
        ]
        var machine = Self.resubmitting(mixed) {
            $0.retry.maximumAttempts = 1
            $0.maximumBillableSeconds = 12
        }
        #expect(machine.failed(Self.dropped, random: 0).next == .send(candidate: 2, attempt: 1, after: .zero))

        var tight = Self.resubmitting(Array(mixed.prefix(2))) {
            $0.retry.maximumAttempts = 1
            $0.maximumBillableSeconds = 12
        }
        #expect(tight.failed(Self.dropped, random: 0).next == .stop(.budget(committed: 6, next: 10, maximum: 12)))
    }

    /// A task the vendor created and failed at once may be billed: no fallback without the opt-in.
    @Test func aTaskFailedAtOnceNeedsTheOptIn() {
        let failed = VideoProviderError(.taskFailed, "failed at once", taskID: "t1")
        var plain = Machine(candidates: Self.three, limits: Self.limits())
        let stopped = plain.failed(failed, taskCreated: true, random: 0)
        #expect(stopped.outcome == .stopped)
        #expect(stopped.next == .stop(.taskFailedWithoutOptIn))
        #expect(plain.committedSeconds == 8)

        var opted = Machine(candidates: Self.three, limits: Self.limits { $0.resubmitFailedTasks = true })
        let moved = opted.failed(failed, taskCreated: true, random: 0)
        #expect(moved.outcome == .fellBack)
        #expect(moved.next == .send(candidate: 1, attempt: 1, after: .zero))

        let policy = VideoProviderError(.contentPolicy, "refused at once", taskID: "t2")
        var refused = Machine(candidates: Self.three, limits: Self.limits { $0.resubmitFailedTasks = true })
        #expect(refused.failed(policy, taskCreated: true, random: 0).next == .stop(.failed))
    }

    @Test func refusalsOfTheRequestStop() {
        var machine = Machine(candidates: Self.three, limits: Self.limits())
        let decision = machine.failed(Self.failure(.vendorRejected, status: 400), random: 0)
        #expect(decision.outcome == .stopped)
        #expect(!decision.countsAgainstProvider)
        #expect(decision.next == .stop(.failed))
    }

    /// Cancelled in flight: recorded ambiguous (the request may have arrived), counted, and the call ends.
    @Test func cancellationEndsTheCall() {
        var inFlight = Self.resubmitting()
        let decision = inFlight.failed(Self.failure(.cancelled, sent: true), random: 0)
        #expect(decision.outcome == .ambiguous)
        #expect(decision.next == .stop(.failed))
        #expect(inFlight.committedSeconds == 8)
        var waiting = Machine(candidates: Self.three, limits: Self.limits())
        #expect(waiting.failed(Self.failure(.cancelled), random: 0).outcome == .stopped)
    }

    @Test func aCandidateCoolingDownIsPassedOver() {
        var machine = Machine(candidates: Self.three, limits: Self.limits())
        _ = machine.failed(Self.unavailable, random: 0)
        #expect(machine.candidateUnavailable().next == .send(candidate: 2, attempt: 1, after: .zero))
        #expect(machine.candidateUnavailable().next == .stop(.exhausted))
    }

    // MARK: One origin, one failure domain

    /// a and b live on one host, c elsewhere.
    static let sharedHost = [
        Machine.Candidate(providerID: "a", billableSeconds: 8, origin: "https://gw.example"),
        Machine.Candidate(providerID: "b", billableSeconds: 8, origin: "https://gw.example"),
        Machine.Candidate(providerID: "c", billableSeconds: 8, origin: "https://other.example"),
    ]

    /// A refused connection is retried on the first provider, then its neighbour on the same origin is
    /// passed over (named, with the origin) and the next origin is tried.
    @Test func aConnectionFailurePassesOverTheSameOrigin() {
        var machine = Machine(candidates: Self.sharedHost, limits: Self.limits())
        _ = machine.failed(Self.refused, random: 0)
        _ = machine.failed(Self.refused, random: 0)
        let third = machine.failed(Self.refused, random: 0)
        #expect(third.outcome == .fellBack)
        #expect(third.next == .send(candidate: 2, attempt: 1, after: .zero))
        #expect(
            third.passedOver == [Machine.PassedOver(candidate: 1, origin: "https://gw.example", failedProvider: "a")])
        #expect(machine.unreachableOrigins == ["https://gw.example": "a"])
    }

    /// When only the same origin is left, the call ends there: exhausted, after the one provider's retries.
    @Test func aConnectionFailureWithOnlyTheSameOriginLeftExhausts() {
        var machine = Machine(candidates: Array(Self.sharedHost.prefix(2)), limits: Self.limits())
        _ = machine.failed(Self.refused, random: 0)
        _ = machine.failed(Self.refused, random: 0)
        let third = machine.failed(Self.refused, random: 0)
        #expect(third.next == .stop(.exhausted))
        #expect(third.passedOver.map(\.candidate) == [1])
        #expect(!third.announcesFallback)
    }

    /// HTTP answers are per provider: a 503 from a falls back to b on the same origin.
    @Test(arguments: [
        SubmissionMachineTests.unavailable, SubmissionMachineTests.failure(.rateLimited, status: 429),
        SubmissionMachineTests.failure(.serverError, status: 501),
        SubmissionMachineTests.failure(.quotaExceeded, status: 403),
    ])
    func anHTTPAnswerStaysWithItsProvider(error: VideoProviderError) {
        var machine = Machine(candidates: Self.sharedHost, limits: Self.limits())
        var decision = machine.failed(error, random: 0)
        while case .send(0, _, _) = decision.next { decision = machine.failed(error, random: 0) }
        #expect(decision.next == .send(candidate: 1, attempt: 1, after: .zero))
        #expect(decision.passedOver.isEmpty)
        #expect(machine.unreachableOrigins.isEmpty)
    }

    /// A connection failure after the request may have been sent (a reset) is not the origin's verdict:
    /// the submission is ambiguous and stops, without marking the origin.
    @Test func aFailureAfterSendingDoesNotMarkTheOrigin() {
        var machine = Machine(candidates: Self.sharedHost, limits: Self.limits())
        let decision = machine.failed(Self.failure(.connectionFailed, sent: true), random: 0)
        #expect(decision.outcome == .ambiguous)
        #expect(machine.unreachableOrigins.isEmpty)
    }

    /// A provider cooling down that is passed over still reports the same-origin candidates it skips.
    @Test func passingOverACoolingCandidateAlsoSkipsAnUnreachableOrigin() {
        var machine = Machine(
            candidates: [
                Machine.Candidate(providerID: "a", billableSeconds: 8, origin: "https://gw.example"),
                Machine.Candidate(providerID: "x", billableSeconds: 8, origin: "https://x.example"),
                Machine.Candidate(providerID: "b", billableSeconds: 8, origin: "https://gw.example"),
                Machine.Candidate(providerID: "c", billableSeconds: 8, origin: "https://other.example"),
            ], limits: Self.limits { $0.retry.maximumAttempts = 1 })
        #expect(machine.failed(Self.refused, random: 0).next == .send(candidate: 1, attempt: 1, after: .zero))
        let next = machine.candidateUnavailable()
        #expect(next.next == .send(candidate: 3, attempt: 1, after: .zero))
        #expect(next.passedOver.map(\.candidate) == [2])
    }
}
