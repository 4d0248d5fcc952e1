import Foundation
import VideoProviderKit

/// What one `generate` or `follow` run knows as it goes: where it is (submitting, following,
/// downloading), the job and its file, the progress display. Shared by the client's observer, the
/// progress callback and the code that reports how the run ended.
final class EventContext: @unchecked Sendable {
    /// Where the run is.
    enum Phase {
        case planning
        case submitting(PendingSubmission)
        case following(VideoJob)
        case downloading(VideoJob)
    }

    let json: Bool
    let console: Console
    let output: URL?
    /// Where the job (or the submission record) is written; for `follow`, the job file given.
    let jobFile: URL?
    let simulated: Bool
    /// The `--base-url` overrides, repeated in the `videogen follow …` command.
    let baseURLs: [ProviderID: URL]
    /// The `--register` entries (registration id → provider type), repeated in the `videogen follow …` command.
    let registrations: [ProviderID: ProviderID]
    /// The `--simulate-flavor` values, repeated in the `videogen follow …` command.
    let flavorArguments: [String]
    /// The native model each provider would run, for `attempt` events.
    let models: [ProviderID: String]
    private let lock = NSLock()
    private var attempts: [ProviderID: Int] = [:]  // guarded by `lock`
    private var lastStatus: String?  // guarded by `lock`
    private var lastSnapshot: TaskSnapshot?  // guarded by `lock`
    private var progressStopped = false  // guarded by `lock`
    private var currentPhase = Phase.planning  // guarded by `lock`
    private var acceptedJob: VideoJob?  // guarded by `lock`
    private var pending: PendingSubmission?  // guarded by `lock`
    private var jobFileWritten = false  // guarded by `lock`

    init(
        json: Bool, console: Console, output: URL?, jobFile: URL?, simulated: Bool, baseURLs: [ProviderID: URL] = [:],
        flavorArguments: [String] = [], models: [ProviderID: String] = [:], job: VideoJob? = nil,
        registrations: [ProviderID: ProviderID] = [:]
    ) {
        self.registrations = registrations
        self.json = json
        self.console = console
        self.output = output
        self.jobFile = jobFile
        self.simulated = simulated
        self.baseURLs = baseURLs
        self.flavorArguments = flavorArguments
        self.models = models
        if let job {
            acceptedJob = job
            currentPhase = .following(job)
            jobFileWritten = jobFile != nil
        }
    }

    var phase: Phase { lock.withLock { currentPhase } }
    var job: VideoJob? { lock.withLock { acceptedJob } }

    func enter(_ phase: Phase) { lock.withLock { currentPhase = phase } }

    func nextAttempt(_ provider: ProviderID) -> Int {
        lock.withLock {
            attempts[provider, default: 0] += 1
            return attempts[provider, default: 0]
        }
    }

    // MARK: The job file

    /// Writes the submission record before a submission is sent; throwing stops it (nothing is sent).
    func recordSubmission(_ submission: PendingSubmission) throws {
        if let jobFile {
            try JobFile.write(submission, state: .underWay, simulated: simulated, to: jobFile)
        }
        lock.withLock {
            pending = submission
            acceptedJob = nil
            currentPhase = .submitting(submission)
        }
    }

    /// Replaces the record with the accepted job. Returns its path, or `nil` (with the job printed on
    /// stderr, so the handle on a paid task is not lost) when it could not be written.
    func recordJob(_ job: VideoJob) -> String? {
        lock.withLock {
            acceptedJob = job
            pending = nil
            currentPhase = .following(job)
        }
        guard let jobFile else { return nil }
        do {
            try JobFile.write(job, simulated: simulated, to: jobFile)
            lock.withLock { jobFileWritten = true }
            return jobFile.path
        } catch {
            let text = (try? JobFile.encoded(job, simulated: simulated)).map { String(decoding: $0, as: UTF8.self) }
            console.err(
                "warning: the job could not be saved to \(jobFile.path) (\(error.localizedDescription)); keep it:")
            if let text { console.err(text) }
            return nil
        }
    }

    /// After a run that ended without a job: a submission that may have created a task leaves its record,
    /// marked ambiguous; one that created nothing leaves none.
    func settleRecord(after error: VideoProviderError?) {
        guard let jobFile, let error else { return }
        let submission = lock.withLock { acceptedJob == nil ? pending : nil }
        guard let submission else { return }
        let mayExist =
            error.kind == .ambiguousSubmission || error.requestMayHaveBeenSent
            || error.attempts.contains { $0.outcome == .ambiguous }
        if mayExist {
            let record = PendingSubmission(
                providerID: submission.providerID, model: submission.model, baseURL: submission.baseURL,
                number: submission.number, request: submission.request, attempts: error.attempts,
                startedAt: submission.startedAt)
            try? JobFile.write(record, state: .ambiguous, message: error.message, simulated: simulated, to: jobFile)
        } else {
            try? FileManager.default.removeItem(at: jobFile)
        }
        lock.withLock { pending = nil }
    }

    /// Whether the job file now records a possibly billed submission without a task id.
    var recordsAnAmbiguousSubmission: Bool {
        guard let jobFile, job == nil,
            case .submission(_, .ambiguous, _)? = try? JobFile.load(jobFile.path)
        else { return false }
        return true
    }

    /// The exact command that picks the job up again, once there is a job in a file.
    var followCommand: String? {
        guard let job, let jobFile, lock.withLock({ jobFileWritten }) else { return nil }
        var words = ["videogen", "follow", jobFile.path]
        if let output { words += ["--output", output.path] }
        if let type = registrations[job.providerID] { words += ["--register", "\(job.providerID)=\(type)"] }
        if let base = baseURLs[job.providerID] { words += ["--base-url", "\(job.providerID)=\(base.absoluteString)"] }
        for flavor in flavorArguments { words += ["--simulate-flavor", flavor] }
        return words.map(VideoGen.shellWord).joined(separator: " ")
    }

    // MARK: Progress

    /// Redraws the bar with the last status and the current time (terminals only).
    func redraw(elapsed: Duration) {
        lock.withLock {
            guard !progressStopped, let lastSnapshot else { return }
            console.progress(Render.progressBar(lastSnapshot, elapsed: elapsed))
        }
    }

    /// On a terminal, redraws the bar four times a second so its clock keeps ticking between polls, until
    /// the returned task is cancelled; `nil` elsewhere.
    func tick(clock: any VideoClock, from start: Duration) -> Task<Void, Never>? {
        guard !json, console.stderrIsTerminal else { return nil }
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                redraw(elapsed: clock.now() - start)
            }
        }
    }

    /// No bar is drawn after this returns, so the final output is not overwritten.
    func stopProgress() {
        lock.withLock { progressStopped = true }
    }

    /// The vendor's last word on the task, for messages.
    var lastKnownStatus: String? { lock.withLock { lastStatus } }

    func progress(job: VideoJob, snapshot: TaskSnapshot, elapsed: Duration) {
        let status = snapshot.rawStatus ?? snapshot.status.rawValue
        let changed = lock.withLock {
            defer { lastStatus = status }
            return lastStatus != status
        }
        if json {
            console.event(
                JSONBody([
                    "event": "progress", "provider": job.providerID, "taskID": job.taskID,
                    "status": snapshot.status.rawValue, "rawStatus": snapshot.rawStatus, "progress": snapshot.progress,
                    "elapsed": JSONView.seconds(elapsed),
                ]))
        } else if console.stderrIsTerminal {
            lock.withLock {
                lastSnapshot = snapshot
                guard !progressStopped else { return }
                console.progress(Render.progressBar(snapshot, elapsed: elapsed))
            }
        } else if changed {
            // Logs get one line per status change instead of a redrawn bar.
            console.err(
                "status: \(Render.oneLine(status))" + (snapshot.progress.map { " \($0)%" } ?? "")
                    + " after \(Render.elapsed(elapsed))")
        }
    }

    // MARK: How the run ended

    /// Reports a failed or interrupted run: the error, what is left (a job to follow, a record of a
    /// possibly billed submission), and the exit code (130/143 after a signal, 3 after `--timeout`).
    func reportFailure(_ error: VideoProviderError, interruption: RunControl.Interruption?) -> ExitCode {
        var shown = error
        var code = ExitCode(for: error)
        if let interruption {
            shown = interrupted(error, by: interruption)
            code = interruption.exitCode
        }
        var hints = VideoGen.hints(for: shown)
        let follow = job != nil && shown.kind != .taskFailed && shown.kind != .contentPolicy ? followCommand : nil
        if let follow { hints.append("To follow the job again: \(follow)") }
        if let jobFile, recordsAnAmbiguousSubmission {
            hints.append(
                "The submission is recorded in \(jobFile.path). A task may exist and be billed: check the provider's task history before submitting again."
            )
        }
        return VideoGen.report(shown, json: json, console: console, hints: hints, followCommand: follow, exitCode: code)
    }

    /// The error to show for a run stopped by `--timeout` or a signal, from where it was.
    private func interrupted(_ error: VideoProviderError, by interruption: RunControl.Interruption)
        -> VideoProviderError
    {
        var shown = error
        let stopped: String
        switch interruption {
        case .timeout(let limit): stopped = "Gave up after \(Render.plainSeconds(limit)) s (--timeout)"
        case .signal(let number): stopped = "Interrupted by \(number == SIGINT ? "SIGINT" : "SIGTERM")"
        }
        if case .signal = interruption { shown.kind = .cancelled } else { shown.kind = .timeout }
        switch phase {
        case .planning:
            shown.message = "\(stopped) before anything was sent."
        case .submitting(let submission):
            let mayExist =
                error.kind == .ambiguousSubmission || error.requestMayHaveBeenSent
                || error.attempts.contains { $0.outcome == .ambiguous }
            if mayExist {
                shown.kind = .ambiguousSubmission
                shown.requestMayHaveBeenSent = true
                shown.message =
                    "\(stopped) while submitting to \(submission.providerID) (\(submission.model)): the submission may have reached it, so a task may exist and be billed."
            } else {
                shown.message =
                    "\(stopped) while waiting to submit to \(submission.providerID); nothing was sent that could have created a task."
            }
            shown.providerID = submission.providerID
        case .following(let job):
            let status = lastKnownStatus ?? job.initialSnapshot.rawStatus ?? job.initialSnapshot.status.rawValue
            if case .timeout(let limit) = interruption {
                shown.message =
                    "Gave up following task \(job.taskID) on \(job.providerID) after \(Render.plainSeconds(limit)) s (--timeout); last status: \(status). The task may still finish."
            } else {
                shown.message =
                    "\(stopped) while following task \(job.taskID) on \(job.providerID) (last status: \(status)); the task goes on at the vendor."
            }
            shown.providerID = job.providerID
            shown.taskID = job.taskID
        case .downloading(let job):
            shown.message =
                "\(stopped) while downloading the video of task \(job.taskID) from \(job.providerID); nothing was saved."
            shown.providerID = job.providerID
            shown.taskID = job.taskID
        }
        return shown
    }
}
