/// Every decision one ``VideoClient/submit(_:options:)`` call makes about sending (try again, fall back,
/// stop, give up on an ambiguous answer) and what a failure does to the provider's health (cooldowns), as
/// a value that does no I/O.
///
/// The submission loop only drives it: it asks where to send, sends, and reports what happened; the
/// machine answers with what to record and what to do next. Kept apart from the loop, as
/// async-http-client keeps its connection decisions in state machines, so each rule is tested without a
/// network, a clock or a simulator.
///
/// The rules, on top of ``FailureAction/forSubmission(_:retry:)``:
/// - **Ambiguous answers.** A submission whose answer does not prove that nothing was created is sent
///   again, to any provider, only under ``AmbiguousSubmissionPolicy/resubmit``, and then at most
///   ``Limits/maximumAmbiguousResubmissions`` times per call. With the defaults one call makes at most one
///   possibly billed submission; with `.resubmit`, at most two.
/// - **Tasks failed at once.** A task the vendor created and failed in the same answer may be billed: the
///   next candidate is tried only when the caller resubmits failed tasks.
/// - **Budget.** Every submission that may be billed (the ambiguous ones, the tasks failed at once, and the
///   one about to be sent) counts its billable seconds; nothing is sent that would take the sum past
///   ``Limits/maximumBillableSeconds``.
/// - **One origin, one failure domain.** A connection failure (refused, DNS, TLS: no HTTP answer at all) on
///   one candidate passes over the later candidates on the same origin for this call: they are the same
///   server, so trying them only repeats the failure (and its retries). HTTP answers (429, 5xx) stay per
///   candidate, because one gateway origin serves many channels.
/// - **Cooldowns.** A submission that ends by leaving a provider counts one failure against it (its retries
///   do not), except a 404 that says the *model* is missing; an authentication failure, an account problem
///   and a `Retry-After` too long to wait for cool it down at once (``HealthEffect``, applied by
///   ``ProviderHealth``).
package struct SubmissionMachine: Sendable, Hashable {
    /// One candidate, in the order of the route.
    package struct Candidate: Sendable, Hashable {
        package let providerID: ProviderID
        /// What one submission to it may bill, in seconds (a per-call model counts its fixed length).
        package let billableSeconds: Int
        /// Where it lives (`https://host`), the unit of connection failures; `nil` when unknown.
        package let origin: String?

        package init(providerID: ProviderID, billableSeconds: Int, origin: String? = nil) {
            self.providerID = providerID
            self.billableSeconds = billableSeconds
            self.origin = origin
        }
    }

    /// The caller's limits for this call.
    package struct Limits: Sendable, Hashable {
        package var retry = RetryPolicy()
        package var ambiguousSubmissions: AmbiguousSubmissionPolicy = .fail
        package var maximumAmbiguousResubmissions = 1
        package var resubmitFailedTasks = false
        /// The most billable seconds every possibly billed submission may add up to; `nil`: no budget.
        package var maximumBillableSeconds: Int?
        /// Seconds already possibly billed before this call (an earlier task of the same `generate`).
        package var alreadyCommittedSeconds = 0

        package init() {}
    }

    /// What the loop does next.
    package enum Next: Sendable, Hashable {
        /// Send to candidate `candidate` (its `attempt`-th try), after waiting `after`.
        case send(candidate: Int, attempt: Int, after: Duration)
        /// Stop; the call fails.
        case stop(Stop)
    }

    /// Why the call stops.
    package enum Stop: Sendable, Hashable {
        /// The failure itself ends the call (a refusal of the request, a content-policy refusal, …).
        case failed
        /// Every candidate was tried.
        case exhausted
        /// A task may exist and may not be sent again: the caller did not opt in.
        case ambiguousWithoutOptIn
        /// A task may exist; the caller opted in but the resends allowed are used up.
        case ambiguousResubmissionsUsed(Int)
        /// Sending again would take the possibly billed seconds past the budget.
        case budget(committed: Int, next: Int, maximum: Int)
        /// A task was created and failed at once; the caller does not resubmit failed tasks.
        case taskFailedWithoutOptIn
    }

    /// A later candidate passed over because an earlier one on its origin could not be reached.
    package struct PassedOver: Sendable, Hashable {
        package let candidate: Int
        /// The origin that failed.
        package let origin: String
        /// The candidate whose connection failed there.
        package let failedProvider: ProviderID

        package init(candidate: Int, origin: String, failedProvider: ProviderID) {
            self.candidate = candidate
            self.origin = origin
            self.failedProvider = failedProvider
        }
    }

    /// What a failed attempt does to the provider's health (see ``CooldownPolicy``).
    package enum HealthEffect: Sendable, Hashable {
        /// Nothing: a retry, the caller's cancellation, a refusal of the request, a missing model.
        case none
        /// One more failure toward ``CooldownPolicy/failureThreshold``; `retryAfter` lengthens the cooldown it
        /// may start.
        case failure(retryAfter: Duration?)
        /// A cooldown at once: an authentication failure, an account problem (HTTP 402, an exhausted quota),
        /// or a `Retry-After` too long to wait for.
        case coolDown(retryAfter: Duration?)
    }

    /// What to make of one failed attempt.
    package struct Decision: Sendable, Hashable {
        /// How the attempt is recorded.
        package let outcome: SubmissionAttempt.Outcome
        /// What it does to the provider's health.
        package var health: HealthEffect = .none
        /// Whether the loop announces that the next candidate is tried.
        package let announcesFallback: Bool
        package let next: Next
        /// Candidates passed over on the way to `next`, because they share an origin that could not be
        /// reached.
        package var passedOver: [PassedOver] = []

        init(outcome: SubmissionAttempt.Outcome, countsAgainstProvider: Bool, announcesFallback: Bool, next: Next) {
            self.outcome = outcome
            self.health = countsAgainstProvider ? .failure(retryAfter: nil) : .none
            self.announcesFallback = announcesFallback
            self.next = next
        }

        /// Whether it counts against the provider's health at all.
        package var countsAgainstProvider: Bool { health != .none }
    }

    package let candidates: [Candidate]
    package let limits: Limits
    package private(set) var current = 0
    package private(set) var attempt = 1
    /// Seconds every submission so far may have billed (the accepted one excluded: there is none yet).
    package private(set) var committedSeconds: Int
    package private(set) var ambiguousResubmissions = 0
    /// Origins a connection could not be made to in this call, with the candidate that found out.
    package private(set) var unreachableOrigins: [String: ProviderID] = [:]
    private var passedOver: [PassedOver] = []

    package init(candidates: [Candidate], limits: Limits) {
        self.candidates = candidates
        self.limits = limits
        committedSeconds = limits.alreadyCommittedSeconds
    }

    /// The first send, or why nothing can be sent.
    package func start() -> Next {
        guard !candidates.isEmpty else { return .stop(.exhausted) }
        if let over = overBudget(candidate: 0) { return .stop(over) }
        return .send(candidate: 0, attempt: 1, after: .zero)
    }

    /// The candidate the loop was about to try cannot be used now (it started cooling down): the next one,
    /// and any passed over on the way.
    package mutating func candidateUnavailable() -> (next: Next, passedOver: [PassedOver]) {
        let next = fallBack() ?? .stop(.exhausted)
        defer { passedOver = [] }
        return (next, passedOver)
    }

    /// Whether `error` says the server could not be reached at all: no HTTP answer, nothing sent.
    package static func isConnectionFailure(_ error: VideoProviderError) -> Bool {
        error.kind == .connectionFailed && error.httpStatus == nil && !error.requestMayHaveBeenSent
    }

    /// Takes the failure of the current attempt.
    ///
    /// - Parameters:
    ///   - error: the typed failure.
    ///   - taskCreated: the vendor created the task and ended it at once (``VideoProviderError/taskID`` is
    ///     its id).
    ///   - random: a number in `0..<1` for the backoff's jitter.
    package mutating func failed(_ error: VideoProviderError, taskCreated: Bool = false, random: Double) -> Decision {
        var decision = decide(error, taskCreated: taskCreated, random: random)
        if decision.countsAgainstProvider { decision.health = healthEffect(of: error) }
        decision.passedOver = passedOver
        passedOver = []
        return decision
    }

    /// What a failure that counts against its provider does to the provider's health.
    private func healthEffect(of error: VideoProviderError) -> HealthEffect {
        // A missing model says nothing about the provider's health: its table is stale.
        if FailureAction.isModelNotFound(error) { return .none }
        let tooLong = error.retryAfter.map { $0 > limits.retry.maximumRetryAfter } ?? false
        if error.kind == .authentication || FailureAction.isAccountProblem(error) || tooLong {
            return .coolDown(retryAfter: error.retryAfter)
        }
        return .failure(retryAfter: error.retryAfter)
    }

    private mutating func decide(_ error: VideoProviderError, taskCreated: Bool, random: Double) -> Decision {
        let seconds = candidates[current].billableSeconds
        if Self.isConnectionFailure(error), let origin = candidates[current].origin,
            unreachableOrigins[origin] == nil
        {
            unreachableOrigins[origin] = candidates[current].providerID
        }
        if error.kind == .cancelled {
            // The caller's cancellation ends the call; a request in flight may have arrived.
            let mayExist = error.requestMayHaveBeenSent
            if mayExist { committedSeconds += seconds }
            return Decision(
                outcome: mayExist ? .ambiguous : .stopped, countsAgainstProvider: false, announcesFallback: false,
                next: .stop(.failed))
        }
        if taskCreated {
            committedSeconds += seconds
            let classified = FailureAction.forSubmission(error, retry: limits.retry)
            guard classified == .fallBack else {
                return Decision(
                    outcome: .stopped, countsAgainstProvider: false, announcesFallback: false, next: .stop(.failed))
            }
            guard limits.resubmitFailedTasks else {
                return Decision(
                    outcome: .stopped, countsAgainstProvider: false, announcesFallback: false,
                    next: .stop(.taskFailedWithoutOptIn))
            }
            return fallBackDecision(outcome: .fellBack)
        }
        switch FailureAction.forSubmission(error, retry: limits.retry) {
        case .ambiguous:
            committedSeconds += seconds
            guard limits.ambiguousSubmissions == .resubmit else {
                return Decision(
                    outcome: .ambiguous, countsAgainstProvider: true, announcesFallback: false,
                    next: .stop(.ambiguousWithoutOptIn))
            }
            guard ambiguousResubmissions < limits.maximumAmbiguousResubmissions else {
                return Decision(
                    outcome: .ambiguous, countsAgainstProvider: true, announcesFallback: false,
                    next: .stop(.ambiguousResubmissionsUsed(ambiguousResubmissions)))
            }
            ambiguousResubmissions += 1
            if attempt < limits.retry.maximumAttempts {
                if let over = overBudget(candidate: current) {
                    return Decision(
                        outcome: .ambiguous, countsAgainstProvider: true, announcesFallback: false, next: .stop(over))
                }
                attempt += 1
                return Decision(
                    outcome: .ambiguous, countsAgainstProvider: true, announcesFallback: false,
                    next: .send(
                        candidate: current, attempt: attempt,
                        after: limits.retry.backoff(afterAttempt: attempt - 1, random: random)))
            }
            return fallBackDecision(outcome: .ambiguous)
        case .retry(let hinted) where attempt < limits.retry.maximumAttempts:
            attempt += 1
            let delay = hinted ?? limits.retry.backoff(afterAttempt: attempt - 1, random: random)
            return Decision(
                outcome: .retried, countsAgainstProvider: false, announcesFallback: false,
                next: .send(candidate: current, attempt: attempt, after: delay))
        case .retry, .fallBack:
            return fallBackDecision(outcome: .fellBack)
        case .stop:
            return Decision(
                outcome: .stopped, countsAgainstProvider: false, announcesFallback: false, next: .stop(.failed))
        }
    }

    /// Moves on to the next candidate that fits the budget; when the budget rules every one out, the stop
    /// says so.
    private mutating func fallBackDecision(outcome: SubmissionAttempt.Outcome) -> Decision {
        let budgetStop = current + 1 < candidates.count ? overBudget(candidate: current + 1) : nil
        let next = fallBack() ?? .stop(budgetStop ?? .exhausted)
        var announces = false
        if case .send = next { announces = true }
        return Decision(outcome: outcome, countsAgainstProvider: true, announcesFallback: announces, next: next)
    }

    private mutating func fallBack() -> Next? {
        var index = current + 1
        while index < candidates.count {
            if let origin = candidates[index].origin, let failed = unreachableOrigins[origin] {
                passedOver.append(PassedOver(candidate: index, origin: origin, failedProvider: failed))
            } else if overBudget(candidate: index) == nil {
                current = index
                attempt = 1
                return .send(candidate: index, attempt: 1, after: .zero)
            }
            index += 1
        }
        current = candidates.count
        return nil
    }

    /// Why sending to `candidate` now would break the budget, or `nil`.
    private func overBudget(candidate: Int) -> Stop? {
        guard let maximum = limits.maximumBillableSeconds else { return nil }
        let next = candidates[candidate].billableSeconds
        guard committedSeconds + next > maximum else { return nil }
        return .budget(committed: committedSeconds, next: next, maximum: maximum)
    }
}
