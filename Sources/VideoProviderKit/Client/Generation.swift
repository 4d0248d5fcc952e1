public import Foundation

extension VideoClient {
    /// The end of a ``VideoClient/generate(_:options:downloadTo:onSnapshot:)`` run.
    public struct Generation: Sendable {
        /// The job that completed.
        public let job: VideoJob
        public let snapshot: TaskSnapshot
        /// Earlier jobs whose tasks failed and were resubmitted elsewhere (job-level fallback).
        public let failedJobs: [VideoJob]
        public let video: DownloadedVideo?
    }

    /// Submit, follow to the end, and optionally download: the whole flow in one call.
    ///
    /// With ``Configuration/resubmitFailedTasks`` on, a task that fails for a reason that is not the
    /// prompt's (an upstream error, expiry) is submitted to the next candidate that has not been tried, which
    /// must make the same video as the first choice (unless ``SubmitOptions/fallbacks`` allows otherwise).
    /// Content-policy failures and vendor-side cancellations are never resubmitted. The failed task's
    /// seconds count against ``SubmitOptions/maximumBillableSeconds``.
    public func generate(
        _ request: VideoRequest, options: SubmitOptions = SubmitOptions(), downloadTo destination: URL? = nil,
        onSnapshot: @Sendable (VideoJob, TaskSnapshot) -> Void = { _, _ in }
    ) async throws(VideoProviderError) -> Generation {
        var options = options
        var failed: [VideoJob] = []
        while true {
            let job = try await submit(request, options: options)
            // A failed task may be billed: its seconds count against the budget of the next submission.
            options.committedSeconds += job.request.seconds
            let final = try await follow(job, strategy: options.polling ?? configuration.polling) {
                onSnapshot(job, $0)
            }
            if final.status == .completed {
                var video: DownloadedVideo?
                if let destination { video = try await download(job, to: destination, snapshot: final) }
                return Generation(job: job, snapshot: final, failedJobs: failed, video: video)
            }
            let error = taskFailure(job, final)
            let resubmittable =
                configuration.resubmitFailedTasks && error.kind == .taskFailed
                && (final.status == .failed || final.status == .expired)
            guard resubmittable else {
                var terminal = error
                terminal.attempts = failed.flatMap(\.attempts) + job.attempts
                throw terminal
            }
            failed.append(job)
            options.excluding.insert(job.providerID)
            observer(.resubmitted(previous: job, reason: error.message))
            let next = plan(request, options: options)
            if next.eligible.isEmpty {
                var terminal = error
                let overBudget = next.skipped.contains { $0.reason == RoutePlan.overBudgetReason }
                terminal.message +=
                    overBudget
                    ? " Resubmitting it would go over the billable-seconds budget, so no other provider was tried."
                    : " No other provider is left to try."
                terminal.attempts = failed.flatMap(\.attempts)
                throw terminal
            }
        }
    }
}
