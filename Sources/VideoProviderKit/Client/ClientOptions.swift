// The client's settings: one `Configuration` per client, `SubmitOptions` per call.
extension VideoClient {
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
        /// Random numbers in `0..<1` for backoff jitter; the package's tests make it constant.
        package var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
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
        /// Overrides ``Configuration/retry`` for this call's submissions: attempts per provider and backoff.
        public var retry: RetryPolicy?
        /// Overrides ``Configuration/polling`` for this call's following in
        /// ``VideoClient/generate(_:options:downloadTo:onSnapshot:)``: the interval schedule and the
        /// ``PollingStrategy/timeout`` after which the call gives up waiting. (``VideoClient/result(for:polling:)``
        /// and ``VideoClient/updates(for:polling:)`` take theirs as an argument.)
        public var polling: PollingStrategy?
        /// A fixed multipart boundary, for the package's byte-exact tests.
        package var multipartBoundary: String?
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
}
