import Foundation

extension VideoClient {
    /// Cancels the job's task on the vendor and returns the task's snapshot after the cancel.
    ///
    /// One call, never retried, through the same pipeline as every other call (answer limits, typed errors,
    /// the key scrubbed). Nothing is ever submitted: a provider whose cancel request would create a task is
    /// refused before sending. A vendor without a cancel endpoint
    /// (``VideoProvider/cancelRequest(taskID:model:context:)`` is `nil`) is
    /// ``VideoProviderError/Kind/unsupported``, with nothing sent. A task that already ended may be refused
    /// by the vendor; its answer is the error.
    public func cancel(_ job: VideoJob) async throws(VideoProviderError) -> TaskSnapshot {
        let endpoint = try endpoint(for: job)
        let context = endpoint.context(boundary: bodilessRequestBoundary, signedAt: clock.wallTime())
        let built: HTTPRequest?
        do {
            built = try endpoint.provider.cancelRequest(taskID: job.taskID, model: job.model, context: context)
        } catch {
            throw error.adding(job).redacting(endpoint.secret)
        }
        guard let request = built else {
            throw VideoProviderError(
                .unsupported,
                "\(job.providerID) cannot cancel a task: its API has no cancel. Task \(job.taskID) goes on; nothing was sent.",
                providerID: job.providerID, model: job.model, taskID: job.taskID, attempts: job.attempts)
        }
        guard !request.createsTask else {
            throw VideoProviderError(
                .invalidRequest,
                "\(job.providerID)'s cancel request is marked as creating a task; it is not sent (a cancel never submits).",
                providerID: job.providerID, model: job.model, taskID: job.taskID, attempts: job.attempts)
        }
        let result = await exchange.run(
            .cancel, with: endpoint, model: job.model, taskID: job.taskID, into: .memory(limit: Self.answerLimit),
            request: { request },
            read: { response, _ throws(VideoProviderError) in
                try Exchange.snapshot(from: response, endpoint: endpoint, model: job.model, taskID: job.taskID) {
                    try endpoint.provider.parseCancelResponse($0, taskID: job.taskID)
                }
            })
        switch result {
        case .success(let snapshot):
            observer(.poll(job: job.id, provider: job.providerID, snapshot: snapshot))
            return snapshot
        case .failure(let error):
            throw error.adding(job)
        }
    }

    /// `snapshot` with its video's URL, after the provider's follow-up call when it needs one
    /// (``VideoProvider/resultRequest(for:context:)``); `snapshot` itself otherwise. The call goes through
    /// the exchange pipeline like a status call.
    func resolvingResult(_ snapshot: TaskSnapshot, of job: VideoJob, at endpoint: ProviderEndpoint)
        async throws(VideoProviderError) -> TaskSnapshot
    {
        guard snapshot.status == .completed else { return snapshot }
        let followUp: HTTPRequest?
        do {
            followUp = try endpoint.provider.resultRequest(
                for: snapshot, context: endpoint.context(boundary: bodilessRequestBoundary, signedAt: clock.wallTime()))
        } catch {
            throw error.adding(job).redacting(endpoint.secret)
        }
        guard let followUp else { return snapshot }
        let result = await exchange.run(
            .result, with: endpoint, model: job.model, taskID: job.taskID, into: .memory(limit: Self.answerLimit),
            request: { followUp },
            read: { response, _ throws(VideoProviderError) in
                try Exchange.snapshot(from: response, endpoint: endpoint, model: job.model, taskID: job.taskID) {
                    try endpoint.provider.parseResultResponse($0, for: snapshot)
                }
            })
        switch result {
        case .success(let resolved): return resolved
        case .failure(let error): throw error.adding(job)
        }
    }

    /// ``resolvingResult(_:of:at:)`` as a poll's outcome.
    func resolvedOutcome(_ snapshot: TaskSnapshot, of job: VideoJob, at endpoint: ProviderEndpoint) async -> Result<
        TaskSnapshot, VideoProviderError
    > {
        do {
            return .success(try await resolvingResult(snapshot, of: job, at: endpoint))
        } catch {
            return .failure(error)
        }
    }

    /// Asks again where the task stands, and its follow-up when it has one: a fresh video URL for a
    /// download whose URL expired or was refused.
    func freshResult(of job: VideoJob, at endpoint: ProviderEndpoint) async throws(VideoProviderError)
        -> TaskSnapshot
    {
        let snapshot = try await status(of: job)
        guard snapshot.status == .completed else {
            if snapshot.status.isTerminal { throw taskFailure(job, snapshot) }
            throw VideoProviderError(
                .download,
                "Task \(job.taskID) on \(job.providerID) no longer reports a finished video (\(snapshot.rawStatus ?? snapshot.status.rawValue)); nothing was saved.",
                providerID: job.providerID, model: job.model, taskID: job.taskID)
        }
        return try await resolvingResult(snapshot, of: job, at: endpoint)
    }
}
