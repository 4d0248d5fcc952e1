import Foundation

/// What an app calls: submit a request, follow the task, download the video.
///
/// ```swift
/// var registry = ProviderRegistry()
/// try registry.register(AizfwProvider(), apiKey: aizfwKey)
/// try registry.register(OctopusXProvider(), apiKey: octopusKey)
/// let client = VideoClient(registry: registry)
///
/// let job = try await client.submit(VideoRequest(model: "grok-video-3", prompt: "A cat dancing in the rain", seconds: 8))
/// do {
///     for try await snapshot in client.updates(for: job) { print(snapshot.status, snapshot.progress ?? 0) }
///     let video = try await client.download(job, to: URL(fileURLWithPath: "cat.mp4"))
/// } catch let error as VideoProviderError {
///     print(error.message)  // a failed, moderated or expired task ends the loop with the vendor's reason
/// }
/// ```
///
/// The client owns everything providers do not: sending, retries with backoff, fallback to the next
/// provider, cooldowns, polling and downloads. It is `Sendable` and meant to be shared.
///
/// Money is at stake on every submission, so one rule overrides the rest: a submission whose answer does
/// not prove that nothing was created (it was sent, and then a timeout, a reset, a 5xx other than 501 and
/// 503, or an unreadable 2xx) is never sent again, to any provider, unless the caller opted in with
/// ``AmbiguousSubmissionPolicy/resubmit`` (and then within a bound). The decisions live in a value that
/// does no I/O (`SubmissionMachine`); the loop in ``submit(_:options:)`` only drives it.
public final class VideoClient: Sendable {
    /// How one client retries, cools providers down, polls and validates. Every default is the safe one.
    public struct Configuration: Sendable {
        /// Attempts per provider and the backoff between them.
        public var retry = RetryPolicy()
        /// When a failing provider is taken out of rotation.
        public var cooldown = CooldownPolicy()
        /// When status calls are made (see ``PollingStrategy`` for the exact rules).
        public var polling = PollingStrategy.default
        /// Refuse (the default) or adjust values a model does not allow.
        public var validation: ValidationPolicy = .strict
        /// Whether a submission that may have created a task is ever sent again. Off: never pay twice.
        public var ambiguousSubmissions: AmbiguousSubmissionPolicy = .fail
        /// Under ``AmbiguousSubmissionPolicy/resubmit``: how many times one ``VideoClient/submit(_:options:)``
        /// call may resend a submission that may have created a task. With the default of one, a call makes
        /// at most two possibly billed submissions, however many providers and attempts it has.
        public var maximumAmbiguousResubmissions = 1
        /// Job-level fallback in ``VideoClient/generate(_:options:downloadTo:onSnapshot:)``: when a task
        /// fails for a reason that is not the prompt's (an upstream error, expiry), submit it to the next
        /// candidate. Off by default, since the failed task may have been billed.
        public var resubmitFailedTasks = false
        /// Random numbers in `0..<1` for backoff jitter; tests make it constant.
        public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
        /// The most bytes a downloaded video may have (1 GiB): a server that sends more, or declares more,
        /// fails the download as it arrives rather than filling the disk. Generated videos are tens of MB.
        public var maximumDownloadBytes: Int64 = 1 << 30

        public init() {}
    }

    /// Per-call choices.
    public struct SubmitOptions: Sendable {
        /// Use only these providers, in this order (the `--provider` option of `videogen`).
        public var providers: [ProviderID]?
        /// Never use these providers.
        public var excluding: Set<ProviderID> = []
        /// Overrides ``Configuration/validation`` for this call. Under
        /// ``ValidationPolicy/adjustToNearest`` the candidates are reordered: those that make exactly what
        /// was asked first, then the closest (fewest values changed, then the smallest change), in route
        /// order among equals.
        public var validation: ValidationPolicy?
        /// Overrides ``Configuration/ambiguousSubmissions`` for this call.
        public var ambiguousSubmissions: AmbiguousSubmissionPolicy?
        /// What a fallback may make compared with the first choice. By default only what the first choice
        /// would make: the same length, aspect ratio and resolution.
        public var fallbacks: FallbackMatching = .sameOutput
        /// The most billable seconds this call may spend, summed over every submission that may be billed:
        /// the accepted one, ambiguous ones, resends, and (in ``VideoClient/generate(_:options:downloadTo:onSnapshot:)``)
        /// failed tasks that are resubmitted. A per-call model counts its fixed length. Candidates that alone
        /// would exceed it are passed over before anything is sent; `nil` sets no budget.
        public var maximumBillableSeconds: Int?
        /// Called before each submission is sent, with what is about to be sent; when it throws, nothing
        /// is sent and the call fails with ``VideoProviderError/Kind/configuration``. Lets an app record a
        /// paid attempt before it happens, so even a crash leaves a trace of a possibly billed submission.
        public var beforeSubmitting: (@Sendable (PendingSubmission) throws -> Void)?
        /// A fixed multipart boundary, for byte-exact tests.
        public var multipartBoundary: String?
        /// Seconds already possibly billed by earlier tasks of the same `generate` call.
        var committedSeconds = 0

        public init(
            providers: [ProviderID]? = nil, excluding: Set<ProviderID> = [], validation: ValidationPolicy? = nil,
            ambiguousSubmissions: AmbiguousSubmissionPolicy? = nil
        ) {
            self.providers = providers
            self.excluding = excluding
            self.validation = validation
            self.ambiguousSubmissions = ambiguousSubmissions
        }
    }

    /// The providers this client routes to.
    public let registry: ProviderRegistry
    public let configuration: Configuration
    let transport: any HTTPTransport
    let clock: any VideoClock
    let observer: VideoClientObserver
    let health = ProviderHealth()
    /// The boundary in contexts for status and content requests, which carry no body: drawn once rather
    /// than per poll (the random draw was a tenth of a poll's CPU).
    let bodilessRequestBoundary = MultipartBody.randomBoundary()

    /// The most bytes of a submit or status answer kept in memory (1 MiB; real answers are a few KiB).
    /// The transport enforces it as the answer arrives, after decoding, and error answers are bounded
    /// lower still (``ResponseBodyDestination/errorBodyLimit``). An oversized answer to a submission is
    /// ambiguous: it may hold a task.
    public static let answerLimit = 1 << 20

    /// A client over `registry`. Tests pass `GatewaySimulator` as the transport and a virtual clock.
    ///
    /// - Parameters:
    ///   - registry: the providers to route to.
    ///   - transport: `nil` for ``DefaultHTTPTransport`` (``CurlTransport`` on Linux,
    ///     ``URLSessionTransport`` on Apple platforms); when it has to fall back, `observer` hears
    ///     ``VideoClientEvent/transportFallback(reason:)`` once, here.
    ///   - clock: the time source for backoff, polling and cooldowns.
    ///   - configuration: retries, cooldowns, polling and validation.
    ///   - observer: receives every ``VideoClientEvent``.
    public init(
        registry: ProviderRegistry,
        transport: (any HTTPTransport)? = nil,
        clock: any VideoClock = SystemClock(),
        configuration: Configuration = Configuration(),
        observer: VideoClientObserver = .none
    ) {
        self.registry = registry
        if let transport {
            self.transport = transport
        } else {
            let choice = DefaultHTTPTransport.make()
            self.transport = choice.transport
            if let reason = choice.fallbackReason { observer(.transportFallback(reason: reason)) }
        }
        self.clock = clock
        self.configuration = configuration
        self.observer = observer
    }

    // MARK: Planning

    /// Who would serve `request`, in order, and why not the others, including providers cooling down.
    /// Sends nothing.
    ///
    /// On top of ``ProviderRegistry/plan(for:policy:only:)``: candidates over the budget
    /// (``SubmitOptions/maximumBillableSeconds``) are passed over; under
    /// ``ValidationPolicy/adjustToNearest`` the closest match comes first; with
    /// ``FallbackMatching/sameOutput`` (the default) a candidate that would make something else than the
    /// first choice is passed over with what it would make; then providers the caller excludes and those
    /// cooling down. The first choice is chosen before exclusions and cooldowns, so a fallback makes what
    /// the first choice would have made even when the first choice is cooling down.
    public func plan(_ request: VideoRequest, options: SubmitOptions = SubmitOptions()) -> RoutePlan {
        let policy = options.validation ?? configuration.validation
        var plan = registry.plan(for: request, policy: policy, only: options.providers)
        if let maximum = options.maximumBillableSeconds {
            plan = plan.keepingWithinBudget(maximum - options.committedSeconds, total: maximum)
        }
        if policy == .adjustToNearest { plan = plan.orderedByCloseness(to: request) }
        if options.fallbacks == .sameOutput, let first = plan.eligible.first {
            plan = plan.keepingSameOutput(as: first)
        }
        let now = clock.now()
        plan.eligible.removeAll { entry in
            if options.excluding.contains(entry.providerID) {
                plan.skipped.append(
                    SkippedCandidate(
                        providerID: entry.providerID, model: entry.model, reason: "excluded by the caller"))
                return true
            }
            if let cooldown = health.cooldown(of: entry.providerID, now: now) {
                plan.skipped.append(
                    SkippedCandidate(
                        providerID: entry.providerID, model: entry.model,
                        reason:
                            "cooling down for \(Int(cooldown.remaining.seconds.rounded(.up))) s after: \(cooldown.reason)"
                    ))
                return true
            }
            return false
        }
        return plan
    }

    // MARK: Submitting

    /// Creates a task on the first candidate that accepts it, retrying and falling back as the failure
    /// table says (``FailureAction/forSubmission(_:retry:)``), and returns the job.
    ///
    /// Every error thrown carries ``VideoProviderError/attempts`` (empty when nothing was sent) and the
    /// candidates that were passed over. A submission whose answer does not prove that nothing was created
    /// is never sent again, to any provider, unless ``AmbiguousSubmissionPolicy/resubmit`` is chosen (and
    /// then at most ``Configuration/maximumAmbiguousResubmissions`` times): the error is
    /// ``VideoProviderError/Kind/ambiguousSubmission`` and names the provider, the model and the HTTP status
    /// if one came. A task the vendor accepts and fails at once counts as a failed attempt: content-policy
    /// refusals stop, anything else falls back only with ``Configuration/resubmitFailedTasks`` (it may be
    /// billed). No submission is sent that would take the possibly billed seconds past
    /// ``SubmitOptions/maximumBillableSeconds``.
    public func submit(_ request: VideoRequest, options: SubmitOptions = SubmitOptions())
        async throws(VideoProviderError) -> VideoJob
    {
        let plan = plan(request, options: options)
        for skipped in plan.skipped { observer(.skipped(skipped)) }
        guard !plan.eligible.isEmpty else { throw plan.noCandidateError() }
        var limits = SubmissionMachine.Limits()
        limits.retry = configuration.retry
        limits.ambiguousSubmissions = options.ambiguousSubmissions ?? configuration.ambiguousSubmissions
        limits.maximumAmbiguousResubmissions = configuration.maximumAmbiguousResubmissions
        limits.resubmitFailedTasks = configuration.resubmitFailedTasks
        limits.maximumBillableSeconds = options.maximumBillableSeconds
        limits.alreadyCommittedSeconds = options.committedSeconds
        var machine = SubmissionMachine(
            candidates: plan.eligible.map {
                SubmissionMachine.Candidate(
                    providerID: $0.providerID, billableSeconds: $0.resolved.seconds, origin: $0.provider.origin)
            }, limits: limits)
        var attempts: [SubmissionAttempt] = []
        var skipped = plan.skipped
        var lastError: VideoProviderError?

        func finished(_ error: VideoProviderError) -> VideoProviderError {
            var copy = error
            copy.attempts = attempts
            copy.skipped = skipped
            if attempts.contains(where: { $0.outcome == .ambiguous }) { copy.requestMayHaveBeenSent = true }
            return copy
        }

        func passOver(_ candidates: [SubmissionMachine.PassedOver]) {
            for item in candidates {
                let entry = plan.eligible[item.candidate]
                let passed = SkippedCandidate(
                    providerID: entry.providerID, model: entry.model,
                    reason:
                        "shares its origin \(item.origin) with \(item.failedProvider), which could not be reached (a connection failure is the server's, not one provider's)"
                )
                skipped.append(passed)
                observer(.skipped(passed))
            }
        }

        var next = machine.start()
        while case .send(let index, let attempt, let delay) = next {
            let entry = plan.eligible[index]
            if delay > .zero {
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    throw finished(
                        VideoProviderError(
                            .cancelled, "Cancelled while waiting to retry \(entry.providerID).",
                            providerID: entry.providerID, model: entry.model))
                }
            }
            // A provider may have started cooling down during an earlier candidate's attempts (or another
            // call's).
            if attempt == 1, index > 0, let cooldown = health.cooldown(of: entry.providerID, now: clock.now()) {
                let passed = SkippedCandidate(
                    providerID: entry.providerID, model: entry.model, reason: "cooling down: \(cooldown.reason)")
                skipped.append(passed)
                observer(.skipped(passed))
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
            if let record = options.beforeSubmitting {
                try recordBeforeSending(entry, record, request: request, attempts: attempts, finished: finished)
            }
            let error: VideoProviderError
            var taskCreated = false
            switch await attemptSubmission(entry, options: options) {
            case .success(let snapshot):
                if let failure = immediateFailure(snapshot, entry: entry) {
                    error = failure
                    taskCreated = true
                } else {
                    return try accept(snapshot, entry: entry, request: request, attempts: &attempts)
                }
            case .failure(let failure):
                error = failure
            }
            lastError = error
            let decision = machine.failed(error, taskCreated: taskCreated, random: configuration.random())
            if decision.countsAgainstProvider { noteFailure(entry, error) }
            attempts.append(record(entry, decision.outcome, error))
            passOver(decision.passedOver)
            next = decision.next
            switch next {
            case .send(let nextIndex, _, let wait) where nextIndex == index:
                observer(
                    .retry(
                        provider: entry.providerID, model: entry.model, attempt: attempt, delay: wait,
                        reason: error.message))
            case .send:
                if decision.announcesFallback {
                    observer(.fallback(from: entry.providerID, model: entry.model, reason: error.message))
                }
            case .stop(let stop):
                throw finished(stopError(stop, error: error, entry: entry, request: request, attempts: attempts))
            }
        }
        throw finished(lastError ?? plan.noCandidateError())
    }

    /// Calls the app's record hook before a submission is sent; a failure stops the call with nothing sent.
    private func recordBeforeSending(
        _ entry: RoutePlan.Entry, _ hook: @Sendable (PendingSubmission) throws -> Void, request: VideoRequest,
        attempts: [SubmissionAttempt], finished: (VideoProviderError) -> VideoProviderError
    ) throws(VideoProviderError) {
        guard let baseURL = entry.provider.baseURL else { return }
        let pending = PendingSubmission(
            providerID: entry.providerID, model: entry.model, baseURL: baseURL, number: attempts.count + 1,
            request: VideoJob.Summary(requestedModel: request.model, resolved: entry.resolved), attempts: attempts,
            startedAt: clock.wallTime())
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

    /// The error that ends a call, from the machine's reason to stop and the last failure.
    private func stopError(
        _ stop: SubmissionMachine.Stop, error: VideoProviderError, entry: RoutePlan.Entry, request: VideoRequest,
        attempts: [SubmissionAttempt]
    ) -> VideoProviderError {
        switch stop {
        case .failed:
            return error
        case .ambiguousWithoutOptIn:
            return ambiguousError(
                error, entry: entry,
                resolution: "so it was not sent again: resending needs the caller's opt-in (the vendor may bill twice)")
        case .ambiguousResubmissionsUsed(let count):
            return ambiguousError(
                error, entry: entry,
                resolution:
                    "and the \(count == 1 ? "one resend" : "\(count) resends") allowed for a possibly billed submission \(count == 1 ? "is" : "are") used up, so it was not sent again"
            )
        case .budget(let committed, let next, let maximum):
            let reason =
                "sending it again would bring the possibly billed seconds to \(committed + next), over the budget of \(maximum)"
            if error.kind == .ambiguousSubmission || attempts.last?.outcome == .ambiguous {
                return ambiguousError(error, entry: entry, resolution: "and " + reason)
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

    /// Records the accepted attempt and builds the job.
    private func accept(
        _ snapshot: TaskSnapshot, entry: RoutePlan.Entry, request: VideoRequest, attempts: inout [SubmissionAttempt]
    ) throws(VideoProviderError) -> VideoJob {
        health.recordSuccess(entry.providerID)
        attempts.append(record(entry, .accepted, nil))
        guard let baseURL = entry.provider.baseURL else {
            // Unreachable: the plan only holds providers with a base URL.
            throw VideoProviderError(
                .configuration, "\(entry.providerID) has no base URL.", providerID: entry.providerID,
                model: entry.model, taskID: snapshot.taskID, attempts: attempts)
        }
        let job = VideoJob(
            providerID: entry.providerID, model: entry.model, taskID: snapshot.taskID, baseURL: baseURL,
            request: VideoJob.Summary(requestedModel: request.model, resolved: entry.resolved),
            attempts: attempts, submittedAt: clock.wallTime(),
            initialSnapshot: Self.redacting(snapshot, entry.provider.configuration.apiKey?.secret))
        observer(.submitted(job))
        return job
    }

    /// A submission the vendor answered with a task that had already ended badly, as an error.
    private func immediateFailure(_ snapshot: TaskSnapshot, entry: RoutePlan.Entry) -> VideoProviderError? {
        guard snapshot.status == .failed || snapshot.status == .cancelled || snapshot.status == .expired else {
            return nil
        }
        let policy = VendorResponse.isContentPolicy(code: snapshot.errorCode, message: snapshot.errorMessage)
        let reason = snapshot.errorMessage.map { ": \($0)" } ?? ""
        return VideoProviderError(
            policy ? .contentPolicy : .taskFailed,
            "\(entry.providerID) accepted task \(snapshot.taskID) for \(entry.model) and ended it \(snapshot.status) at once\(reason)",
            providerID: entry.providerID, model: entry.model, taskID: snapshot.taskID, vendorCode: snapshot.errorCode,
            vendorMessage: snapshot.errorMessage, rawStatus: snapshot.rawStatus ?? snapshot.status.rawValue
        ).redacting(entry.provider.configuration.apiKey?.secret)
    }

    /// The error for a submission that may have created a task: who, what, what is known, and why it was
    /// not sent again.
    private func ambiguousError(_ error: VideoProviderError, entry: RoutePlan.Entry, resolution: String)
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

    /// Counts a failed submission against the provider's health (see ``CooldownPolicy``).
    private func noteFailure(_ entry: RoutePlan.Entry, _ error: VideoProviderError) {
        // A missing model says nothing about the provider's health.
        guard !FailureAction.isModelNotFound(error) else { return }
        let tooLong = error.retryAfter.map { $0 > configuration.retry.maximumRetryAfter } ?? false
        let immediate = error.kind == .authentication || FailureAction.isAccountProblem(error) || tooLong
        if let cooldown = health.recordFailure(
            entry.providerID, now: clock.now(), reason: error.message, immediate: immediate,
            retryAfter: error.retryAfter, policy: configuration.cooldown)
        {
            observer(.cooldown(provider: entry.providerID, duration: cooldown, reason: error.message))
        }
    }

    private func record(_ entry: RoutePlan.Entry, _ outcome: SubmissionAttempt.Outcome, _ error: VideoProviderError?)
        -> SubmissionAttempt
    {
        SubmissionAttempt(
            providerID: entry.providerID, model: entry.model, outcome: outcome, httpStatus: error?.httpStatus,
            errorKind: error?.kind, detail: error?.message, endedAt: clock.wallTime().timeIntervalSince1970)
    }

    private func attemptSubmission(_ entry: RoutePlan.Entry, options: SubmitOptions) async -> Result<
        TaskSnapshot, VideoProviderError
    > {
        let key = entry.provider.configuration.apiKey?.secret
        guard
            let context = entry.provider.context(boundary: options.multipartBoundary ?? MultipartBody.randomBoundary())
        else {
            return .failure(
                VideoProviderError(.configuration, "\(entry.providerID) has no base URL.", providerID: entry.providerID)
            )
        }
        let request: HTTPRequest
        do {
            request = try entry.provider.provider.submitRequest(for: entry.resolved, context: context)
        } catch {
            return .failure(Self.wrap(error, as: .invalidRequest, entry.providerID, entry.model).redacting(key))
        }
        let response: HTTPResponse
        switch await send(
            request, provider: entry.providerID, model: entry.model, operation: .submit,
            destination: .memory(limit: Self.answerLimit))
        {
        case .success(let value): response = value
        case .failure(let error): return .failure(error.redacting(key))
        }
        if (300..<400).contains(response.status) {
            return .failure(redirectedSubmission(response, request: request, entry: entry).redacting(key))
        }
        do {
            var snapshot = try entry.provider.provider.parseSubmitResponse(response, for: entry.resolved)
            if snapshot.pollAfter == nil { snapshot.pollAfter = VendorResponse.pollAfter(response.headers) }
            return .success(snapshot)
        } catch {
            var failure = Self.wrap(error, as: .invalidResponse, entry.providerID, entry.model)
            if failure.httpStatus == nil { failure.httpStatus = response.status }
            if failure.retryAfter == nil { failure.retryAfter = VendorResponse.retryAfter(response.headers) }
            return .failure(failure.redacting(key))
        }
    }

    /// A submission answered with a redirect, which no transport follows (another host's answer must
    /// never be taken for the task, and a loop must not send the paid request again). It proves nothing
    /// was created only when its body is not one the provider reads as a task and it is not a 303 (See
    /// Other says the server processed the request): then the error lets the client fall back; otherwise
    /// the submission is ambiguous.
    private func redirectedSubmission(_ response: HTTPResponse, request: HTTPRequest, entry: RoutePlan.Entry)
        -> VideoProviderError
    {
        let host = request.url.host ?? "the server"
        let location = response.headers["Location"].map { "to \($0)" } ?? "without a Location"
        var asSuccess = response
        asSuccess.status = 200
        let task = try? entry.provider.provider.parseSubmitResponse(asSuccess, for: entry.resolved)
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

    /// Sends one request, mapping transport failures to typed errors. A task-creating request that may
    /// have arrived becomes ``VideoProviderError/Kind/ambiguousSubmission``.
    func send(
        _ request: HTTPRequest, provider: ProviderID, model: String?, operation: VideoClientEvent.Operation,
        destination: ResponseBodyDestination, taskID: String? = nil
    ) async -> Result<HTTPResponse, VideoProviderError> {
        let start = announce(request, provider: provider, operation: operation)
        do {
            let response = try await transport.send(request, bodyDestination: destination)
            return .success(received(response, provider: provider, operation: operation, since: start))
        } catch {
            return .failure(
                failed(
                    error, request: request, provider: provider, model: model, taskID: taskID, operation: operation,
                    since: start))
        }
    }

    @inline(never)
    private func announce(_ request: HTTPRequest, provider: ProviderID, operation: VideoClientEvent.Operation)
        -> Duration
    {
        observer(.request(provider: provider, operation: operation, method: request.method, url: request.url))
        return clock.now()
    }

    @inline(never)
    private func received(
        _ response: HTTPResponse, provider: ProviderID, operation: VideoClientEvent.Operation, since start: Duration
    ) -> HTTPResponse {
        observer(
            .response(provider: provider, operation: operation, status: response.status, elapsed: clock.now() - start))
        // The key is scrubbed from an answer before a provider reads it, so no text cut from it later can cut
        // the key in two (docs/reliability.md, "Redaction").
        var scrubbed = response
        scrubbed.body = response.body.redactingSecretPrefixes(registry.provider(provider)?.configuration.apiKey?.secret)
        return scrubbed
    }

    @inline(never)
    private func failed(
        _ error: any Error, request: HTTPRequest, provider: ProviderID, model: String?, taskID: String?,
        operation: VideoClientEvent.Operation, since start: Duration
    ) -> VideoProviderError {
        observer(.response(provider: provider, operation: operation, status: nil, elapsed: clock.now() - start))
        return Self.transportFailure(error, request: request, provider: provider, model: model, taskID: taskID)
    }

    static func transportFailure(
        _ error: any Error, request: HTTPRequest, provider: ProviderID, model: String?, taskID: String?
    ) -> VideoProviderError {
        func cancelled(mayHaveBeenSent: Bool) -> VideoProviderError {
            let uncertain = request.createsTask && mayHaveBeenSent
            return VideoProviderError(
                .cancelled,
                uncertain
                    ? "Cancelled while submitting to \(provider); the request may have arrived, so a task may exist."
                    : "Cancelled.",
                providerID: provider, model: model, taskID: taskID, requestMayHaveBeenSent: uncertain)
        }
        if error is CancellationError { return cancelled(mayHaveBeenSent: true) }
        guard let transportError = error as? HTTPTransportError else {
            return VideoProviderError(
                request.createsTask ? .ambiguousSubmission : .connectionFailed,
                "Request to \(provider) failed: \(error)", providerID: provider, model: model, taskID: taskID,
                requestMayHaveBeenSent: true, underlying: String(describing: error))
        }
        let host = request.url.host ?? "the server"
        let kind: VideoProviderError.Kind
        let message: String
        switch transportError.kind {
        case .connectionFailed:
            kind = .connectionFailed
            message = "Could not connect to \(host) (\(provider))."
        case .cancelled:
            return cancelled(mayHaveBeenSent: transportError.requestMayHaveBeenSent)
        case .localIO:
            kind = .invalidRequest
            // Reading an image file, or staging the body in the temporary folder: nothing was sent.
            message =
                "Could not prepare the request body for \(provider) (nothing was sent): \(transportError.message)."
        case .localWrite:
            // Only a body streamed to a file is written: a download. A submission may still have arrived.
            kind = request.createsTask && transportError.requestMayHaveBeenSent ? .ambiguousSubmission : .download
            message = "Could not save the answer from \(host) (\(provider)): \(transportError.message)."
        case .redirectRefused:
            kind = .invalidResponse
            message = "\(host) (\(provider)) redirected somewhere the client will not follow."
        case .responseTooLarge:
            // Part of the answer arrived and was dropped: for a submission it may have held the task.
            kind = request.createsTask ? .ambiguousSubmission : .invalidResponse
            message =
                "The answer from \(host) (\(provider)) was larger than the client accepts: \(transportError.message)"
        case .timedOut:
            // A timeout before the request went out (connecting) created nothing.
            kind = request.createsTask && transportError.requestMayHaveBeenSent ? .ambiguousSubmission : .timeout
            message = "No answer from \(host) (\(provider)) in time."
        default:
            kind =
                request.createsTask && transportError.requestMayHaveBeenSent ? .ambiguousSubmission : .connectionFailed
            message = "The connection to \(host) (\(provider)) failed after the request was sent."
        }
        return VideoProviderError(
            kind, message, providerID: provider, model: model, taskID: taskID,
            requestMayHaveBeenSent: transportError.requestMayHaveBeenSent, underlying: transportError.description)
    }

    static func wrap(_ error: any Error, as kind: VideoProviderError.Kind, _ provider: ProviderID, _ model: String?)
        -> VideoProviderError
    {
        if let typed = error as? VideoProviderError { return typed }
        return VideoProviderError(
            kind, "\(provider): \(error)", providerID: provider, model: model, underlying: String(describing: error))
    }

    // MARK: Following

    /// Asks once where the task stands.
    public func status(of job: VideoJob) async throws(VideoProviderError) -> TaskSnapshot {
        let entry = try registered(for: job)
        switch await poll(job, entry: entry) {
        case .success(let snapshot): return snapshot
        case .failure(let error): throw withAttempts(error, job)
        }
    }

    /// Snapshots of the task until it ends, as the polling strategy schedules them (see
    /// ``PollingStrategy`` for the exact rules).
    ///
    /// The sequence yields every snapshot, the terminal one included, and then:
    /// - finishes, when the task completed;
    /// - throws the error ``result(for:polling:)`` throws when the task failed, was cancelled or expired:
    ///   ``VideoProviderError/Kind/taskFailed``, or ``VideoProviderError/Kind/contentPolicy`` when it was
    ///   moderated, with the vendor's code and reason;
    /// - throws a ``VideoProviderError`` on timeout, cancellation, or a status call failure that will not
    ///   heal (repeated errors; a fourth refused call in a row for authentication or an exhausted
    ///   quota).
    ///
    /// So a `for try await` loop that ends normally means a video is ready. `unknown` statuses are yielded
    /// (the vendor's word is in ``TaskSnapshot/rawStatus``) and polling goes on. Cancelling the task that
    /// consumes the sequence, or abandoning the iteration, stops polling at once: no further status call is
    /// sent.
    public func updates(for job: VideoJob, polling: PollingStrategy? = nil) -> AsyncThrowingStream<
        TaskSnapshot, any Error
    > {
        let strategy = polling ?? configuration.polling
        let (stream, continuation) = AsyncThrowingStream<TaskSnapshot, any Error>.makeStream()
        let task = Task {
            do throws(VideoProviderError) {
                let final = try await self.follow(job, strategy: strategy) { continuation.yield($0) }
                guard final.status == .completed else { throw self.taskFailure(job, final) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        // Set before the consumer can iterate, so an early cancellation still reaches the polling task.
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Follows the task to its end and returns the completed snapshot; throws
    /// ``VideoProviderError/Kind/taskFailed`` (or ``VideoProviderError/Kind/contentPolicy``) when it failed,
    /// was cancelled or expired, ``VideoProviderError/Kind/timeout`` when the strategy's timeout passed, and
    /// ``VideoProviderError/Kind/cancelled`` as soon as the calling task is cancelled.
    public func result(for job: VideoJob, polling: PollingStrategy? = nil) async throws(VideoProviderError)
        -> TaskSnapshot
    {
        let final = try await follow(job, strategy: polling ?? configuration.polling) { _ in }
        guard final.status == .completed else { throw taskFailure(job, final) }
        return final
    }

    func taskFailure(_ job: VideoJob, _ snapshot: TaskSnapshot) -> VideoProviderError {
        let reason = snapshot.errorMessage.map { ": \($0)" } ?? ""
        let kind: VideoProviderError.Kind =
            VendorResponse.isContentPolicy(code: snapshot.errorCode, message: snapshot.errorMessage)
            ? .contentPolicy : .taskFailed
        return VideoProviderError(
            kind, "Task \(job.taskID) on \(job.providerID) ended \(snapshot.status)\(reason)",
            providerID: job.providerID, model: job.model, taskID: job.taskID, vendorCode: snapshot.errorCode,
            vendorMessage: snapshot.errorMessage, rawStatus: snapshot.rawStatus ?? snapshot.status.rawValue,
            attempts: job.attempts
        ).redacting(registry.provider(job.providerID)?.configuration.apiKey?.secret)
    }

    func registered(for job: VideoJob) throws(VideoProviderError) -> RegisteredProvider {
        guard let entry = registry.provider(job.providerID) else {
            throw VideoProviderError(
                .configuration, "The job's provider '\(job.providerID)' is not registered with this client.",
                providerID: job.providerID, model: job.model, taskID: job.taskID, attempts: job.attempts)
        }
        guard let base = entry.baseURL, Self.sameBase(base, job.baseURL) else {
            throw VideoProviderError(
                .configuration,
                "The job was created at \(job.baseURL.absoluteString), but \(job.providerID) is configured for \(entry.baseURL?.absoluteString ?? "no base URL"); refusing to send the API key elsewhere.",
                providerID: job.providerID, model: job.model, taskID: job.taskID, attempts: job.attempts)
        }
        return entry
    }

    static func sameBase(_ lhs: URL, _ rhs: URL) -> Bool {
        func normalized(_ url: URL) -> String {
            var text = url.absoluteString.lowercased()
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
        return normalized(lhs) == normalized(rhs)
    }

    /// `error` with the job's context and submission history.
    private func withAttempts(_ error: VideoProviderError, _ job: VideoJob) -> VideoProviderError {
        var copy = error
        if copy.attempts.isEmpty { copy.attempts = job.attempts }
        if copy.providerID == nil { copy.providerID = job.providerID }
        if copy.model == nil { copy.model = job.model }
        if copy.taskID == nil { copy.taskID = job.taskID }
        return copy
    }

    // The async functions on the polling path only await; the work around each await is in synchronous
    // helpers kept out of line. An async function's frame is allocated from its task's allocator and the
    // slabs stay with the task until it ends, so large frames here cost every live job (docs/performance.md,
    // `jobs`).

    @inline(never)
    private func poll(_ job: VideoJob, entry: RegisteredProvider) async -> Result<TaskSnapshot, VideoProviderError> {
        let request: HTTPRequest
        switch statusRequest(job, entry: entry) {
        case .success(let built): request = built
        case .failure(let error): return .failure(error)
        }
        let answer = await send(
            request, provider: job.providerID, model: job.model, operation: .status,
            destination: .memory(limit: Self.answerLimit), taskID: job.taskID)
        return statusResult(answer, job: job, entry: entry)
    }

    @inline(never)
    private func statusRequest(_ job: VideoJob, entry: RegisteredProvider) -> Result<HTTPRequest, VideoProviderError> {
        guard let context = entry.context(boundary: bodilessRequestBoundary) else {
            return .failure(
                VideoProviderError(.configuration, "\(job.providerID) has no base URL.", providerID: job.providerID))
        }
        do {
            return .success(try entry.provider.statusRequest(taskID: job.taskID, model: job.model, context: context))
        } catch {
            return .failure(
                Self.wrap(error, as: .invalidRequest, job.providerID, job.model).redacting(
                    entry.configuration.apiKey?.secret))
        }
    }

    @inline(never)
    private func statusResult(
        _ answer: Result<HTTPResponse, VideoProviderError>, job: VideoJob, entry: RegisteredProvider
    ) -> Result<TaskSnapshot, VideoProviderError> {
        let key = entry.configuration.apiKey?.secret
        let response: HTTPResponse
        switch answer {
        case .success(let value): response = value
        case .failure(let error): return .failure(error.redacting(key))
        }
        do {
            var snapshot = try entry.provider.parseStatusResponse(response, taskID: job.taskID)
            if snapshot.pollAfter == nil { snapshot.pollAfter = VendorResponse.pollAfter(response.headers) }
            snapshot = Self.redacting(snapshot, key)
            observer(.poll(job: job.id, provider: job.providerID, snapshot: snapshot))
            return .success(snapshot)
        } catch {
            var failure = Self.wrap(error, as: .invalidResponse, job.providerID, job.model)
            if failure.httpStatus == nil { failure.httpStatus = response.status }
            if failure.taskID == nil { failure.taskID = job.taskID }
            if failure.retryAfter == nil { failure.retryAfter = VendorResponse.retryAfter(response.headers) }
            return .failure(failure.redacting(key))
        }
    }

    /// The snapshot with vendor text scrubbed of the key and of its fragments (some gateways echo it).
    static func redacting(_ snapshot: TaskSnapshot, _ secret: String?) -> TaskSnapshot {
        guard let secret, secret.utf8.count >= SecretRedaction.minimumKeyLength else { return snapshot }
        func scrub(_ text: String?) -> String? { text?.redactingSecret(secret) }
        var copy = snapshot
        copy.errorMessage = scrub(snapshot.errorMessage)
        copy.errorCode = scrub(snapshot.errorCode)
        copy.rawStatus = scrub(snapshot.rawStatus)
        return copy
    }

    /// Polls until the task ends, calling `onSnapshot` with each observation; returns the terminal one.
    /// Every error it throws carries the job's provider, model, task and submission attempts.
    func follow(
        _ job: VideoJob, strategy: PollingStrategy, onSnapshot: (TaskSnapshot) -> Void
    ) async throws(VideoProviderError) -> TaskSnapshot {
        let entry = try registered(for: job)
        do {
            return try await poll(job, entry: entry, strategy: strategy, onSnapshot: onSnapshot)
        } catch {
            throw withAttempts(error, job)
        }
    }

    private func poll(
        _ job: VideoJob, entry: RegisteredProvider, strategy: PollingStrategy, onSnapshot: (TaskSnapshot) -> Void
    ) async throws(VideoProviderError) -> TaskSnapshot {
        if job.initialSnapshot.status.isTerminal {
            onSnapshot(job.initialSnapshot)
            return job.initialSnapshot
        }
        let following = Following(job: job, entry: entry, strategy: strategy, start: clock.now())
        while true {
            let wait = try following.nextWait(now: clock.now())
            do {
                try await clock.sleep(for: wait)
            } catch {
                throw following.cancelled()
            }
            let outcome = await poll(job, entry: entry)
            if let final = try advance(following, with: outcome, entry: entry, onSnapshot: onSnapshot) {
                return final
            }
        }
    }

    /// What the polling loop carries from one status call to the next (a class: the suspended loop then
    /// holds one reference instead of a job, a snapshot and a strategy).
    private final class Following {
        let job: VideoJob
        let strategy: PollingStrategy
        let recommendation: PollingRecommendation?
        let start: Duration
        var last: TaskSnapshot
        var state = PollingStrategy.State()
        var delay: Duration
        var consecutiveErrors = 0
        var consecutiveAccountRefusals = 0
        var completedWithoutVideo = 0

        @inline(never)
        init(job: VideoJob, entry: RegisteredProvider, strategy: PollingStrategy, start: Duration) {
            self.job = job
            self.strategy = strategy
            self.recommendation = entry.descriptor.polling
            self.start = start
            last = job.initialSnapshot
            delay = strategy.firstDelay(recommendation: recommendation, hint: job.initialSnapshot.pollAfter)
        }

        /// How long to sleep before the next status call, or the timeout error once the strategy's time is up.
        @inline(never)
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

        @inline(never)
        func cancelled() -> VideoProviderError {
            VideoProviderError(
                .cancelled, "Stopped following task \(job.taskID) on \(job.providerID): cancelled.",
                providerID: job.providerID, model: job.model, taskID: job.taskID)
        }
    }

    /// Takes one status call's outcome into the loop: the terminal snapshot when the task has ended, `nil`
    /// to poll again after `following.delay`, or the error that ends the follow.
    @inline(never)
    private func advance(
        _ following: Following, with outcome: Result<TaskSnapshot, VideoProviderError>,
        entry: RegisteredProvider, onSnapshot: (TaskSnapshot) -> Void
    ) throws(VideoProviderError) -> TaskSnapshot? {
        let strategy = following.strategy
        switch outcome {
        case .success(let snapshot):
            following.consecutiveErrors = 0
            following.consecutiveAccountRefusals = 0
            following.last = snapshot
            onSnapshot(snapshot)
            if snapshot.status == .completed, following.completedWithoutVideo < 3,
                !canFetchVideo(snapshot, entry: entry)
            {
                // Some gateways flip the status before the URL is written; ask again shortly.
                following.completedWithoutVideo += 1
                following.delay = strategy.minimumInterval
                return nil
            }
            if snapshot.status.isTerminal { return snapshot }
            following.delay = strategy.nextDelay(
                after: snapshot, elapsed: clock.now() - following.start, state: &following.state,
                recommendation: following.recommendation)
            return nil
        case .failure(let error):
            let permanent: Set<VideoProviderError.Kind> = [.cancelled, .configuration, .invalidRequest]
            if permanent.contains(error.kind) { throw error }
            // The task exists and was accepted with this key: kyy gateways refuse a status call now and then
            // (HTTP 401) and answer the next; clients of that backend tolerate three in a row
            // (docs/real-gateways.md). The fourth ends the follow.
            if error.kind == .authentication || error.kind == .quotaExceeded {
                following.consecutiveAccountRefusals += 1
                if following.consecutiveAccountRefusals > Self.toleratedAccountRefusals { throw error }
            } else {
                following.consecutiveAccountRefusals = 0
            }
            following.consecutiveErrors += 1
            let consecutiveErrors = following.consecutiveErrors
            if consecutiveErrors >= strategy.maximumConsecutiveErrors
                || (error.kind == .notFound && consecutiveErrors >= 3)
            {
                var final = error
                final.message =
                    "Gave up following task \(following.job.taskID) after \(consecutiveErrors) failed status calls; last: \(error.message)"
                throw final
            }
            let backoff = configuration.retry.backoff(afterAttempt: consecutiveErrors, random: configuration.random())
            var floor = strategy.minimumInterval
            if strategy.honorsVendorRecommendation, let recommendation = following.recommendation {
                floor = max(floor, recommendation.minimumInterval)
            }
            following.delay = max(error.retryAfter ?? backoff, floor)
            return nil
        }
    }

    /// Refused status calls (authentication, exhausted quota) tolerated in a row while following a task that
    /// exists; the next one ends the follow.
    static let toleratedAccountRefusals = 3

    /// Whether the provider has a way to fetch the video of this completed snapshot.
    private func canFetchVideo(_ snapshot: TaskSnapshot, entry: RegisteredProvider) -> Bool {
        guard let context = entry.context(boundary: bodilessRequestBoundary) else { return false }
        return ((try? entry.provider.contentRequest(for: snapshot, context: context)) ?? nil) != nil
    }
}
