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
/// for try await snapshot in client.updates(for: job) { print(snapshot.status, snapshot.progress ?? 0) }
/// let video = try await client.download(job, to: URL(fileURLWithPath: "cat.mp4"))
/// ```
///
/// The client owns everything providers do not: sending, retries with backoff, fallback to the next
/// provider, cooldowns, polling and downloads. It is `Sendable` and meant to be shared.
///
/// Money is at stake on every submission, so one rule overrides the rest: a submission that may have
/// created a task (it was sent and no usable answer came back) is never sent again unless the caller
/// opted in with ``AmbiguousSubmissionPolicy/resubmit``.
public final class VideoClient: Sendable {
    public struct Configuration: Sendable {
        public var retry = RetryPolicy()
        public var cooldown = CooldownPolicy()
        public var polling = PollingStrategy.default
        public var validation: ValidationPolicy = .strict
        public var ambiguousSubmissions: AmbiguousSubmissionPolicy = .fail
        /// Job-level fallback in ``VideoClient/generate(_:options:downloadTo:)``: when a task fails for a
        /// reason that is not the prompt's (an upstream error, expiry), submit it to the next candidate.
        /// Off by default, since the failed task may have been billed.
        public var resubmitFailedTasks = false
        /// Random numbers in `0..<1` for backoff jitter; tests make it constant.
        public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }

        public init() {}
    }

    /// Per-call choices.
    public struct SubmitOptions: Sendable {
        /// Use only these providers, in this order (the `--provider` option of `videogen`).
        public var providers: [ProviderID]?
        /// Never use these providers.
        public var excluding: Set<ProviderID> = []
        public var validation: ValidationPolicy?
        public var ambiguousSubmissions: AmbiguousSubmissionPolicy?
        /// A fixed multipart boundary, for byte-exact tests.
        public var multipartBoundary: String?

        public init(
            providers: [ProviderID]? = nil, excluding: Set<ProviderID> = [], validation: ValidationPolicy? = nil
        ) {
            self.providers = providers
            self.excluding = excluding
            self.validation = validation
        }
    }

    public let registry: ProviderRegistry
    public let configuration: Configuration
    let transport: any HTTPTransport
    let clock: any VideoClock
    let observer: VideoClientObserver
    let health = ProviderHealth()

    public init(
        registry: ProviderRegistry,
        transport: any HTTPTransport = URLSessionTransport(),
        clock: any VideoClock = SystemClock(),
        configuration: Configuration = Configuration(),
        observer: VideoClientObserver = .none
    ) {
        self.registry = registry
        self.transport = transport
        self.clock = clock
        self.configuration = configuration
        self.observer = observer
    }

    // MARK: Planning

    /// Who would serve `request`, in order, and why not the others, including providers cooling down.
    /// Sends nothing.
    public func plan(_ request: VideoRequest, options: SubmitOptions = SubmitOptions()) -> RoutePlan {
        var plan = registry.plan(
            for: request, policy: options.validation ?? configuration.validation, only: options.providers)
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
    /// table says, and returns the job.
    public func submit(_ request: VideoRequest, options: SubmitOptions = SubmitOptions())
        async throws(VideoProviderError) -> VideoJob
    {
        let plan = plan(request, options: options)
        for skipped in plan.skipped { observer(.skipped(skipped)) }
        guard !plan.eligible.isEmpty else {
            throw plan.noCandidateError(knownModels: Array(Set(registry.allModels.map(\.capabilities.model))).sorted())
        }
        let ambiguousPolicy = options.ambiguousSubmissions ?? configuration.ambiguousSubmissions
        var attempts: [SubmissionAttempt] = []
        var lastError: VideoProviderError?

        for (index, entry) in plan.eligible.enumerated() {
            // A provider may have started cooling down during an earlier candidate's attempts.
            if index > 0, let cooldown = health.cooldown(of: entry.providerID, now: clock.now()) {
                observer(
                    .skipped(
                        SkippedCandidate(
                            providerID: entry.providerID, model: entry.model, reason: "cooling down: \(cooldown.reason)"
                        )))
                continue
            }
            var attempt = 0
            while true {
                attempt += 1
                let outcome = await attemptSubmission(entry, options: options)
                let error: VideoProviderError
                switch outcome {
                case .success(let snapshot):
                    health.recordSuccess(entry.providerID)
                    attempts.append(record(entry, .accepted, nil))
                    let job = VideoJob(
                        providerID: entry.providerID, model: entry.model, taskID: snapshot.taskID,
                        baseURL: entry.provider.baseURL!,
                        request: VideoJob.Summary(requestedModel: request.model, resolved: entry.resolved),
                        attempts: attempts, submittedAt: clock.wallTime(), initialSnapshot: snapshot)
                    observer(.submitted(job))
                    return job
                case .failure(let failure):
                    error = failure
                }
                lastError = error
                var action = FailureAction.forSubmission(error, retry: configuration.retry)
                if action == .ambiguous {
                    guard ambiguousPolicy == .resubmit else {
                        attempts.append(record(entry, .ambiguous, error))
                        var ambiguous = error
                        ambiguous.kind = .ambiguousSubmission
                        ambiguous.requestMayHaveBeenSent = true
                        ambiguous.message =
                            "\(entry.providerID) may have created a task for \(entry.model) but gave no usable answer"
                            + (error.httpStatus.map { " (HTTP \($0))" } ?? "")
                            + "; not resubmitting without your say-so. Cause: \(error.message)"
                        ambiguous.attempts = attempts
                        throw ambiguous
                    }
                    action = .retry(after: nil)
                }
                switch action {
                case .retry(let hinted) where attempt < configuration.retry.maximumAttempts:
                    attempts.append(record(entry, .retried, error))
                    let delay =
                        hinted ?? configuration.retry.backoff(afterAttempt: attempt, random: configuration.random())
                    observer(
                        .retry(
                            provider: entry.providerID, model: entry.model, attempt: attempt, delay: delay,
                            reason: error.message))
                    do {
                        try await clock.sleep(for: delay)
                    } catch {
                        throw VideoProviderError(
                            .cancelled, "Cancelled while waiting to retry \(entry.providerID).",
                            providerID: entry.providerID, model: entry.model, attempts: attempts)
                    }
                    continue
                case .retry, .fallBack:
                    attempts.append(record(entry, .fellBack, error))
                    let immediate = error.kind == .authentication
                    if let cooldown = health.recordFailure(
                        entry.providerID, now: clock.now(), reason: error.message, immediate: immediate,
                        policy: configuration.cooldown)
                    {
                        observer(.cooldown(provider: entry.providerID, duration: cooldown, reason: error.message))
                    }
                    observer(.fallback(from: entry.providerID, model: entry.model, reason: error.message))
                case .stop, .ambiguous:
                    attempts.append(record(entry, .stopped, error))
                    var stopped = error
                    stopped.attempts = attempts
                    throw stopped
                }
                break
            }
        }
        var final = lastError ?? plan.noCandidateError(knownModels: [])
        if plan.eligible.count > 1 || attempts.count > 1 {
            final.message =
                "Every provider failed for '\(request.model)' (\(attempts.count) attempts); last: \(final.message)"
        }
        final.attempts = attempts
        final.skipped = plan.skipped
        throw final
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
            request, provider: entry.providerID, model: entry.model, operation: .submit, destination: .memory)
        {
        case .success(let value): response = value
        case .failure(let error): return .failure(error.redacting(key))
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

    /// Sends one request, mapping transport failures to typed errors. A task-creating request that may
    /// have arrived becomes ``VideoProviderError/Kind/ambiguousSubmission``.
    func send(
        _ request: HTTPRequest, provider: ProviderID, model: String?, operation: VideoClientEvent.Operation,
        destination: ResponseBodyDestination, taskID: String? = nil
    ) async -> Result<HTTPResponse, VideoProviderError> {
        observer(.request(provider: provider, operation: operation, method: request.method, url: request.url))
        let start = clock.now()
        do {
            let response = try await transport.send(request, bodyDestination: destination)
            observer(
                .response(
                    provider: provider, operation: operation, status: response.status, elapsed: clock.now() - start))
            return .success(response)
        } catch {
            observer(.response(provider: provider, operation: operation, status: nil, elapsed: clock.now() - start))
            return .failure(
                Self.transportFailure(error, request: request, provider: provider, model: model, taskID: taskID))
        }
    }

    static func transportFailure(
        _ error: any Error, request: HTTPRequest, provider: ProviderID, model: String?, taskID: String?
    ) -> VideoProviderError {
        if error is CancellationError {
            return VideoProviderError(
                .cancelled, "Cancelled.", providerID: provider, model: model, taskID: taskID,
                requestMayHaveBeenSent: request.createsTask)
        }
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
            kind = .cancelled
            message = "Cancelled."
        case .localIO:
            kind = .invalidRequest
            message = "Could not read the request body for \(provider): \(transportError.message)"
        case .redirectRefused:
            kind = .invalidResponse
            message = "\(host) (\(provider)) redirected somewhere the client will not follow."
        case .timedOut:
            kind = request.createsTask ? .ambiguousSubmission : .timeout
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
        return try await poll(job, entry: entry).get()
    }

    /// Snapshots of the task until it ends, as the polling strategy schedules them. The sequence
    /// finishes after a terminal snapshot (completed, failed, cancelled or expired) and throws on
    /// timeout, cancellation, or a status call failure that will not heal (authentication, repeated
    /// errors). Cancelling the consuming task stops polling at once.
    public func updates(for job: VideoJob, polling: PollingStrategy? = nil) -> AsyncThrowingStream<
        TaskSnapshot, any Error
    > {
        let strategy = polling ?? configuration.polling
        return AsyncThrowingStream { continuation in
            let task = Task {
                do throws(VideoProviderError) {
                    _ = try await self.follow(job, strategy: strategy) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Follows the task to its end and returns the completed snapshot; throws
    /// ``VideoProviderError/Kind/taskFailed`` when it failed, was cancelled or expired.
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
                providerID: job.providerID, model: job.model, taskID: job.taskID)
        }
        guard let base = entry.baseURL, Self.sameBase(base, job.baseURL) else {
            throw VideoProviderError(
                .configuration,
                "The job was created at \(job.baseURL.absoluteString), but \(job.providerID) is configured for \(entry.baseURL?.absoluteString ?? "no base URL"); refusing to send the API key elsewhere.",
                providerID: job.providerID, model: job.model, taskID: job.taskID)
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

    private func poll(_ job: VideoJob, entry: RegisteredProvider) async -> Result<TaskSnapshot, VideoProviderError> {
        let key = entry.configuration.apiKey?.secret
        guard let context = entry.context() else {
            return .failure(
                VideoProviderError(.configuration, "\(job.providerID) has no base URL.", providerID: job.providerID))
        }
        let request: HTTPRequest
        do {
            request = try entry.provider.statusRequest(taskID: job.taskID, model: job.model, context: context)
        } catch {
            return .failure(Self.wrap(error, as: .invalidRequest, job.providerID, job.model).redacting(key))
        }
        let response: HTTPResponse
        switch await send(
            request, provider: job.providerID, model: job.model, operation: .status, destination: .memory,
            taskID: job.taskID)
        {
        case .success(let value): response = value
        case .failure(let error): return .failure(error.redacting(key))
        }
        do {
            var snapshot = try entry.provider.parseStatusResponse(response, taskID: job.taskID)
            if snapshot.pollAfter == nil { snapshot.pollAfter = VendorResponse.pollAfter(response.headers) }
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

    /// Polls until the task ends, calling `onSnapshot` with each observation; returns the terminal one.
    func follow(
        _ job: VideoJob, strategy: PollingStrategy, onSnapshot: (TaskSnapshot) -> Void
    ) async throws(VideoProviderError) -> TaskSnapshot {
        let entry = try registered(for: job)
        let recommendation = entry.descriptor.polling
        var last = job.initialSnapshot
        if last.status.isTerminal {
            onSnapshot(last)
            return last
        }
        let start = clock.now()
        var state = PollingStrategy.State()
        var delay = strategy.firstDelay(recommendation: recommendation, hint: last.pollAfter)
        var consecutiveErrors = 0
        var completedWithoutVideo = 0
        while true {
            let elapsed = clock.now() - start
            let remaining = strategy.timeout - elapsed
            guard remaining > .zero else {
                throw VideoProviderError(
                    .timeout,
                    "Gave up following task \(job.taskID) on \(job.providerID) after \(Int(strategy.timeout.seconds)) s; last status: \(last.rawStatus ?? last.status.rawValue).",
                    providerID: job.providerID, model: job.model, taskID: job.taskID,
                    rawStatus: last.rawStatus ?? last.status.rawValue, attempts: job.attempts)
            }
            do {
                try await clock.sleep(for: min(delay, remaining))
            } catch {
                throw VideoProviderError(
                    .cancelled, "Stopped following task \(job.taskID): cancelled.", providerID: job.providerID,
                    model: job.model, taskID: job.taskID)
            }
            switch await poll(job, entry: entry) {
            case .success(let snapshot):
                consecutiveErrors = 0
                last = snapshot
                onSnapshot(snapshot)
                if snapshot.status == .completed,
                    (try? entry.provider.contentRequest(for: snapshot, context: entry.context()!)) == nil,
                    completedWithoutVideo < 3
                {
                    // Some gateways flip the status before the URL is written; ask again shortly.
                    completedWithoutVideo += 1
                    delay = strategy.minimumInterval
                    continue
                }
                if snapshot.status.isTerminal { return snapshot }
                delay = strategy.nextDelay(
                    after: snapshot, elapsed: clock.now() - start, state: &state, recommendation: recommendation)
            case .failure(let error):
                if error.kind == .authentication || error.kind == .cancelled || error.kind == .configuration {
                    throw error
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
                let backoff = configuration.retry.backoff(
                    afterAttempt: consecutiveErrors, random: configuration.random())
                delay = max(error.retryAfter ?? backoff, strategy.minimumInterval)
            }
        }
    }
}
