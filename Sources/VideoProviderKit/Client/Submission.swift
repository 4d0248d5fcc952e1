import Foundation

/// One ``VideoClient/submit(_:options:)`` call: drives the ``SubmissionMachine`` over the plan's candidates.
///
/// It sends where the machine says, reports each failure back, records what the machine decides (the
/// attempt, the provider's health, the events) and turns the machine's reason to stop into the error the
/// call throws. Every decision is the machine's; what happens here is the I/O around them.
struct Submission {
    let client: VideoClient
    let request: VideoRequest
    let options: VideoClient.SubmitOptions
    let plan: RoutePlan
    private var machine: SubmissionMachine
    private var attempts: [SubmissionAttempt] = []
    private var skipped: [SkippedCandidate]
    private var lastError: VideoProviderError?

    init(client: VideoClient, request: VideoRequest, options: VideoClient.SubmitOptions, plan: RoutePlan) {
        self.client = client
        self.request = request
        self.options = options
        self.plan = plan
        skipped = plan.skipped
        let configuration = client.configuration
        var limits = SubmissionMachine.Limits()
        limits.retry = options.retry ?? configuration.retry
        limits.ambiguousSubmissions = options.ambiguousSubmissions ?? configuration.ambiguousSubmissions
        limits.maximumAmbiguousResubmissions = configuration.maximumAmbiguousResubmissions
        limits.resubmitFailedTasks = configuration.resubmitFailedTasks
        limits.maximumBillableSeconds = options.maximumBillableSeconds
        limits.alreadyCommittedSeconds = options.committedSeconds
        machine = SubmissionMachine(
            candidates: plan.eligible.map {
                SubmissionMachine.Candidate(
                    providerID: $0.providerID, billableSeconds: $0.resolved.seconds, origin: $0.endpoint.origin)
            }, limits: limits)
    }

    private var observer: VideoClientObserver { client.observer }

    // The async function only awaits; the work between awaits is in synchronous helpers kept out of line,
    // so a submission waiting on the network holds a small frame (docs/performance.md, `jobs`).
    mutating func run() async throws(VideoProviderError) -> VideoJob {
        var next = machine.start()
        while case .send(let index, let attempt, let delay) = next {
            let entry = plan.eligible[index]
            if delay > .zero {
                do {
                    try await client.clock.sleep(for: delay)
                } catch {
                    throw finished(
                        VideoProviderError(
                            .cancelled, "Cancelled while waiting to retry \(entry.providerID).",
                            providerID: entry.providerID, model: entry.model))
                }
            }
            // A provider may have started cooling down during an earlier candidate's attempts (or another
            // call's).
            if attempt == 1, index > 0,
                let cooling = client.health.cooldown(of: entry.providerID, now: client.clock.now())
            {
                passOver(
                    SkippedCandidate(
                        providerID: entry.providerID, model: entry.model, reason: "cooling down: \(cooling.reason)"))
                let fallback = machine.candidateUnavailable()
                passOver(fallback.passedOver)
                next = fallback.next
                continue
            }
            if Task.isCancelled {
                throw finished(
                    VideoProviderError(
                        .cancelled, "Cancelled before submitting to \(entry.providerID).",
                        providerID: entry.providerID, model: entry.model))
            }
            if let hook = options.beforeSubmitting { try recordBeforeSending(entry, hook) }
            switch await client.send(entry, boundary: options.multipartBoundary ?? MultipartBody.randomBoundary()) {
            case .success(let snapshot):
                guard let failure = immediateFailure(snapshot, entry: entry) else {
                    return accept(snapshot, entry: entry)
                }
                next = try failed(failure, taskCreated: true, entry: entry, index: index, attempt: attempt)
            case .failure(let failure):
                next = try failed(failure, taskCreated: false, entry: entry, index: index, attempt: attempt)
            }
        }
        throw finished(lastError ?? plan.noCandidateError())
    }

    /// Reports a failed attempt to the machine and carries out its decision: the provider's health, the
    /// attempt's record, the candidates passed over, the event; throws when the machine says stop.
    @inline(never)
    private mutating func failed(
        _ error: VideoProviderError, taskCreated: Bool, entry: RoutePlan.Entry, index: Int, attempt: Int
    ) throws(VideoProviderError) -> SubmissionMachine.Next {
        lastError = error
        let decision = machine.failed(error, taskCreated: taskCreated, random: client.configuration.random())
        if let cooldown = client.health.record(
            decision.health, for: entry.providerID, now: client.clock.now(), reason: error.message,
            policy: client.configuration.cooldown)
        {
            observer(.cooldown(provider: entry.providerID, duration: cooldown, reason: error.message))
        }
        attempts.append(record(entry, decision.outcome, error))
        passOver(decision.passedOver)
        switch decision.next {
        case .send(let nextIndex, _, let wait) where nextIndex == index:
            observer(
                .retry(
                    provider: entry.providerID, model: entry.model, attempt: attempt, delay: wait, reason: error.message
                ))
        case .send:
            if decision.announcesFallback {
                observer(.fallback(from: entry.providerID, model: entry.model, reason: error.message))
            }
        case .stop(let stop):
            throw finished(stopError(stop, error: error, entry: entry))
        }
        return decision.next
    }

    /// `error` as the call's end: every attempt made and every candidate passed over.
    @inline(never)
    private func finished(_ error: VideoProviderError) -> VideoProviderError {
        var copy = error
        copy.attempts = attempts
        copy.skipped = skipped
        if attempts.contains(where: { $0.outcome == .ambiguous }) { copy.requestMayHaveBeenSent = true }
        return copy
    }

    @inline(never)
    private mutating func passOver(_ candidate: SkippedCandidate) {
        skipped.append(candidate)
        observer(.skipped(candidate))
    }

    @inline(never)
    private mutating func passOver(_ candidates: [SubmissionMachine.PassedOver]) {
        for item in candidates {
            let entry = plan.eligible[item.candidate]
            passOver(
                SkippedCandidate(
                    providerID: entry.providerID, model: entry.model,
                    reason:
                        "shares its origin \(item.origin) with \(item.failedProvider), which could not be reached (a connection failure is the server's, not one provider's)"
                ))
        }
    }

    /// Calls the app's record hook before a submission is sent; a failure stops the call with nothing sent.
    @inline(never)
    private func recordBeforeSending(_ entry: RoutePlan.Entry, _ hook: @Sendable (PendingSubmission) throws -> Void)
        throws(VideoProviderError)
    {
        let pending = PendingSubmission(
            providerID: entry.providerID, model: entry.model, baseURL: entry.baseURL, number: attempts.count + 1,
            request: VideoJob.Summary(requestedModel: request.model, resolved: entry.resolved), attempts: attempts,
            startedAt: client.clock.wallTime())
        do {
            try hook(pending)
        } catch {
            throw finished(
                VideoProviderError(
                    .configuration,
                    "Nothing was sent to \(entry.providerID): the submission could not be recorded first (\(error)).",
                    providerID: entry.providerID, model: entry.model, underlying: String(describing: error)))
        }
    }

    /// Records the accepted attempt and builds the job.
    @inline(never)
    private mutating func accept(_ snapshot: TaskSnapshot, entry: RoutePlan.Entry) -> VideoJob {
        client.health.recordSuccess(entry.providerID)
        attempts.append(record(entry, .accepted, nil))
        let job = VideoJob(
            providerID: entry.providerID, model: entry.model, taskID: snapshot.taskID, baseURL: entry.baseURL,
            request: VideoJob.Summary(requestedModel: request.model, resolved: entry.resolved), attempts: attempts,
            submittedAt: client.clock.wallTime(), initialSnapshot: snapshot)
        observer(.submitted(job))
        return job
    }

    private func record(_ entry: RoutePlan.Entry, _ outcome: SubmissionAttempt.Outcome, _ error: VideoProviderError?)
        -> SubmissionAttempt
    {
        SubmissionAttempt(
            providerID: entry.providerID, model: entry.model, outcome: outcome, httpStatus: error?.httpStatus,
            errorKind: error?.kind, detail: error?.message, endedAt: client.clock.wallTime().timeIntervalSince1970)
    }

    // MARK: Errors

    /// A submission the vendor answered with a task that had already ended badly, as an error.
    @inline(never)
    private func immediateFailure(_ snapshot: TaskSnapshot, entry: RoutePlan.Entry) -> VideoProviderError? {
        guard snapshot.status == .failed || snapshot.status == .cancelled || snapshot.status == .expired else {
            return nil
        }
        let reason = snapshot.errorMessage.map { ": \($0)" } ?? ""
        return VideoProviderError(
            snapshot.isContentPolicyRefusal ? .contentPolicy : .taskFailed,
            "\(entry.providerID) accepted task \(snapshot.taskID) for \(entry.model) and ended it \(snapshot.status) at once\(reason)",
            providerID: entry.providerID, model: entry.model, taskID: snapshot.taskID, vendorCode: snapshot.errorCode,
            vendorMessage: snapshot.errorMessage, rawStatus: snapshot.rawStatus ?? snapshot.status.rawValue
        ).redacting(entry.endpoint.secret)
    }

    /// The error that ends a call, from the machine's reason to stop and the last failure.
    @inline(never)
    private func stopError(_ stop: SubmissionMachine.Stop, error: VideoProviderError, entry: RoutePlan.Entry)
        -> VideoProviderError
    {
        switch stop {
        case .failed:
            return error
        case .ambiguousWithoutOptIn:
            return Self.ambiguous(
                error, entry: entry,
                resolution: "so it was not sent again: resending needs the caller's opt-in (the vendor may bill twice)")
        case .ambiguousResubmissionsUsed(let count):
            return Self.ambiguous(
                error, entry: entry,
                resolution:
                    "and the \(count == 1 ? "one resend" : "\(count) resends") allowed for a possibly billed submission \(count == 1 ? "is" : "are") used up, so it was not sent again"
            )
        case .budget(let committed, let next, let maximum):
            let reason =
                "sending it again would bring the possibly billed seconds to \(committed + next), over the budget of \(maximum)"
            if error.kind == .ambiguousSubmission || attempts.last?.outcome == .ambiguous {
                return Self.ambiguous(error, entry: entry, resolution: "and " + reason)
            }
            var copy = error
            copy.message += " Not sent again: " + reason + "."
            return copy
        case .taskFailedWithoutOptIn:
            var copy = error
            copy.message +=
                ". The task may be billed, so no other provider was tried (resubmitting failed tasks needs the caller's opt-in)."
            return copy
        case .exhausted:
            var final = error
            let triedProviders = Set(attempts.map(\.providerID))
            if triedProviders.count > 1 {
                final.message =
                    "Every provider failed for '\(request.model)' (\(triedProviders.count) providers, "
                    + "\(attempts.count) attempts); last: \(final.message)"
            } else if attempts.count > 1, let only = triedProviders.first {
                final.message = "\(only) failed \(attempts.count) times for '\(request.model)'; last: \(final.message)"
            }
            let uncertain = Set(attempts.filter { $0.outcome == .ambiguous }.map(\.providerID.rawValue)).sorted()
            if !uncertain.isEmpty {
                final.message +=
                    " A task may exist on \(uncertain.joined(separator: ", ")) (a submission got no answer that proves nothing was created)."
            }
            return final
        }
    }

    /// The error for a submission that may have created a task: who, what, what is known, and why it was
    /// not sent again.
    private static func ambiguous(_ error: VideoProviderError, entry: RoutePlan.Entry, resolution: String)
        -> VideoProviderError
    {
        var ambiguous = error
        ambiguous.kind = .ambiguousSubmission
        ambiguous.requestMayHaveBeenSent = true
        ambiguous.providerID = entry.providerID
        ambiguous.model = entry.model
        let answer =
            error.httpStatus.map { "HTTP \($0), which does not prove that nothing was created" } ?? "no answer"
        ambiguous.message =
            "\(entry.providerID) may have created a task for \(entry.model): the submission was sent and got \(answer)"
            + (error.taskID.map { " (task \($0))" } ?? "")
            + ". A task may exist and be billed, \(resolution). Cause: \(error.message)"
        return ambiguous
    }
}

extension VideoClient {
    /// Sends one submission through the exchange pipeline: the provider's request for the resolved
    /// request, and its reading of the answer. A redirect is never followed (see
    /// ``redirectedSubmission(_:request:entry:)``).
    @inline(never)
    func send(_ entry: RoutePlan.Entry, boundary: String) async -> Result<TaskSnapshot, VideoProviderError> {
        let endpoint = entry.endpoint
        return await exchange.run(
            .submit, with: endpoint, model: entry.model, into: .memory(limit: Self.answerLimit),
            request: {
                try endpoint.provider.submitRequest(
                    for: entry.resolved, context: endpoint.context(boundary: boundary, signedAt: clock.wallTime()))
            },
            read: { response, request throws(VideoProviderError) in
                if (300..<400).contains(response.status) {
                    throw Self.redirectedSubmission(response, request: request, entry: entry)
                }
                return try Exchange.snapshot(from: response, endpoint: endpoint, model: entry.model, taskID: nil) {
                    try endpoint.provider.parseSubmitResponse($0, for: entry.resolved)
                }
            })
    }

    /// A submission answered with a redirect, which no transport follows (another host's answer must
    /// never be taken for the task, and a loop must not send the paid request again). It proves nothing
    /// was created only when its body is not one the provider reads as a task and it is not a 303 (See
    /// Other says the server processed the request): then the error lets the client fall back; otherwise
    /// the submission is ambiguous.
    static func redirectedSubmission(_ response: HTTPResponse, request: HTTPRequest, entry: RoutePlan.Entry)
        -> VideoProviderError
    {
        let host = request.url.host ?? "the server"
        let location = response.headers["Location"].map { "to \($0)" } ?? "without a Location"
        var asSuccess = response
        asSuccess.status = 200
        let task = try? entry.endpoint.provider.parseSubmitResponse(asSuccess, for: entry.resolved)
        if task != nil || response.status == 303 {
            let reason =
                task.map { "its body reads as task \($0.taskID)" } ?? "303 See Other means the server processed it"
            return VideoProviderError(
                .ambiguousSubmission,
                "\(host) (\(entry.providerID)) answered the submission with a redirect (HTTP \(response.status)) \(location); submissions are never redirected, and \(reason).",
                providerID: entry.providerID, model: entry.model, taskID: task?.taskID, httpStatus: response.status,
                requestMayHaveBeenSent: true)
        }
        return VideoProviderError(
            .invalidResponse,
            "\(host) (\(entry.providerID)) answered the submission with a redirect (HTTP \(response.status)) \(location); submissions are never redirected, and the answer holds no task, so nothing was created.",
            providerID: entry.providerID, model: entry.model, httpStatus: response.status)
    }
}
