import Foundation

/// What an app calls: submit a request, follow the task, download the video.
///
/// Given a ``ProviderRegistry`` of the gateways the app holds keys for:
///
/// ```swift
/// let client = VideoClient(registry: registry)
/// let job = try await client.submit(VideoRequest(model: "grok-video-3", prompt: "A cat dancing in the rain", seconds: 8))
/// do {
///     for try await snapshot in client.updates(for: job) { print(snapshot.status, snapshot.progress ?? 0) }
///     let video = try await client.download(job, to: URL(fileURLWithPath: "cat.mp4"))
///     print(video.fileURL.path)
/// } catch let error as VideoProviderError {
///     print(error.message)  // a failed, moderated or expired task ends the loop with the vendor's reason
/// }
/// ```
///
/// The client owns everything providers do not: sending, retries with backoff, fallback to the next
/// provider, cooldowns, polling and downloads. It is `Sendable` and meant to be shared.
///
/// It is a thin layer over three parts: one exchange pipeline that every HTTP call goes through (send,
/// answer limits, parse, classify, redact), a submission decision machine that does no I/O (retry, fall
/// back, stop, ambiguous, cooldown), and the follower and downloader built on the pipeline.
///
/// Money is at stake on every submission, so one rule overrides the rest: a submission whose answer does
/// not prove that nothing was created (it was sent, and then a timeout, a reset, a 5xx other than 501 and
/// 503, or an unreadable 2xx) is never sent again, to any provider, unless the caller opted in with
/// ``AmbiguousSubmissionPolicy/resubmit`` (and then within a bound).
public final class VideoClient: Sendable {
    /// The providers this client routes to, as they are now (see ``updateRegistry(_:)``).
    public var registry: ProviderRegistry { registrations.current }
    private let registrations: Registrations
    public let configuration: Configuration
    let clock: any VideoClock
    let observer: VideoClientObserver
    let exchange: Exchange
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
        registrations = Registrations(registry)
        var chosen: any HTTPTransport
        if let transport {
            chosen = transport
        } else {
            let choice = DefaultHTTPTransport.make()
            chosen = choice.transport
            if let reason = choice.fallbackReason { observer(.transportFallback(reason: reason)) }
        }
        self.clock = clock
        self.configuration = configuration
        self.observer = observer
        exchange = Exchange(transport: chosen, clock: clock, observer: observer)
    }

    // MARK: Registrations

    /// Changes the registrations of a running client: add a gateway or an account, remove one, reorder
    /// fallbacks, register a model family. Keys change without this (``APIKeySource/rotate(to:)``).
    ///
    /// The change is all or nothing: when `change` throws, the registry stays as it was. Calls under way
    /// keep the registry they started with; the next call sees the new one. A job whose provider was
    /// removed can no longer be followed or downloaded by this client (a configuration error says so),
    /// and one whose provider was registered again at another base URL is refused, as for any client.
    ///
    /// ```swift
    /// try client.updateRegistry { registry in
    ///     try registry.register(OpenAICompatibleProvider(), as: "gw-b", apiKey: keyB, baseURL: gatewayB)
    /// }
    /// ```
    @discardableResult
    public func updateRegistry<Result, Failure: Error>(
        _ change: (inout ProviderRegistry) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try registrations.update(change)
    }

    /// The registry behind a lock: reads take a copy (registries are values), writes replace it whole.
    private final class Registrations: @unchecked Sendable {
        private let lock = NSLock()
        private var registry: ProviderRegistry

        init(_ registry: ProviderRegistry) { self.registry = registry }

        var current: ProviderRegistry { lock.withLock { registry } }

        func update<Result, Failure: Error>(_ change: (inout ProviderRegistry) throws(Failure) -> Result)
            throws(Failure) -> Result
        {
            lock.lock()
            defer { lock.unlock() }
            var copy = registry
            let result = try change(&copy)
            registry = copy
            return result
        }
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
        return plan.passingOver(options.excluding) { self.health.cooldown(of: $0, now: now) }
    }

    // MARK: Submitting

    /// Creates a task on the first candidate that accepts it, retrying and falling back as the table in
    /// <doc:ErrorsRetriesAndFallback> says, and returns the job.
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
        var submission = Submission(client: self, request: request, options: options, plan: plan)
        return try await submission.run()
    }

    // MARK: Following

    /// Asks once where the task stands.
    public func status(of job: VideoJob) async throws(VideoProviderError) -> TaskSnapshot {
        let endpoint = try endpoint(for: job)
        switch await poll(job, at: endpoint) {
        case .success(let snapshot): return snapshot
        case .failure(let error): throw error.adding(job)
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
        return try await resolvingResult(final, of: job, at: endpoint(for: job))
    }

    // MARK: Jobs

    /// Where a job's requests go: its provider must be registered with the same base URL the job was
    /// created at, so a tampered job file cannot send the API key elsewhere.
    func endpoint(for job: VideoJob) throws(VideoProviderError) -> ProviderEndpoint {
        guard let registration = registry.provider(job.providerID) else {
            throw VideoProviderError(
                .configuration, "The job's provider '\(job.providerID)' is not registered with this client.",
                providerID: job.providerID, model: job.model, taskID: job.taskID, attempts: job.attempts)
        }
        guard let endpoint = ProviderEndpoint(registration), Self.sameBase(endpoint.baseURL, job.baseURL) else {
            throw VideoProviderError(
                .configuration,
                "The job was created at \(job.baseURL.absoluteString), but \(job.providerID) is configured for \(registration.baseURL?.absoluteString ?? "no base URL"); refusing to send the API key elsewhere.",
                providerID: job.providerID, model: job.model, taskID: job.taskID, attempts: job.attempts)
        }
        return endpoint
    }

    static func sameBase(_ lhs: URL, _ rhs: URL) -> Bool {
        func normalized(_ url: URL) -> String {
            var text = url.absoluteString.lowercased()
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
        return normalized(lhs) == normalized(rhs)
    }

    /// The error for a task that ended without a video: ``VideoProviderError/Kind/contentPolicy`` when the
    /// vendor says it was moderated, else ``VideoProviderError/Kind/taskFailed``, with the vendor's reason.
    func taskFailure(_ job: VideoJob, _ snapshot: TaskSnapshot) -> VideoProviderError {
        let reason = snapshot.errorMessage.map { ": \($0)" } ?? ""
        let kind: VideoProviderError.Kind = snapshot.isContentPolicyRefusal ? .contentPolicy : .taskFailed
        return VideoProviderError(
            kind, "Task \(job.taskID) on \(job.providerID) ended \(snapshot.status)\(reason)",
            providerID: job.providerID, model: job.model, taskID: job.taskID, vendorCode: snapshot.errorCode,
            vendorMessage: snapshot.errorMessage, rawStatus: snapshot.rawStatus ?? snapshot.status.rawValue,
            attempts: job.attempts
        ).redacting(registry.provider(job.providerID)?.apiKey?.secret)
    }
}

extension VideoProviderError {
    /// This error with the job's provider, model, task and submission history where it has none.
    func adding(_ job: VideoJob) -> VideoProviderError {
        var copy = self
        if copy.attempts.isEmpty { copy.attempts = job.attempts }
        if copy.providerID == nil { copy.providerID = job.providerID }
        if copy.model == nil { copy.model = job.model }
        if copy.taskID == nil { copy.taskID = job.taskID }
        return copy
    }
}
