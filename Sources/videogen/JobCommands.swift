import Foundation
import VideoProviderKit

/// `status`, `download`, `follow` and `cancel`: pick up a job written by `generate`.
enum JobCommands {
    /// A job ready to be asked about: its provider's key is set (checked before anything is sent).
    struct Loaded {
        let job: VideoJob
        /// The job file, when JOB named one (not inline JSON).
        let file: URL?
        let toolbox: Toolbox
        let registry: ProviderRegistry

        /// What the run knows as it follows or downloads the job.
        func context(json: Bool, console: Console, output: URL?) -> EventContext {
            EventContext(
                json: json, console: console, output: output, jobFile: file, simulated: toolbox.simulate,
                baseURLs: toolbox.baseURLs, flavorArguments: toolbox.flavorArguments, job: job,
                registrations: toolbox.registrationTypes)
        }
    }

    /// JOB, read and checked: exactly one positional; a job, not a submission record; the provider's key
    /// set (exit 2 naming the variable otherwise, nothing sent).
    static func load(_ args: Arguments) throws(Arguments.UsageError) -> Result<Loaded, VideoProviderError> {
        guard let reference = args.positionals.first else {
            throw Arguments.UsageError(description: "give a job file (or its JSON)")
        }
        let job: VideoJob
        let simulated: Bool
        switch try JobFile.load(reference) {
        case .job(let value, let marker):
            job = value
            simulated = marker
        case .submission(let pending, let state, _):
            return .failure(JobFile.noTaskError(pending, state: state, reference: reference))
        }
        let toolbox = try Toolbox(arguments: args, forceSimulation: simulated)
        guard toolbox.apiKey(for: job.providerID) != nil else {
            return .failure(
                VideoProviderError(
                    .configuration,
                    "\(job.providerID.apiKeyEnvironmentVariable) is not set: \(job.providerID) needs its key to answer about task \(job.taskID). Set it and run the command again; nothing was sent.",
                    providerID: job.providerID, model: job.model, taskID: job.taskID))
        }
        let registry: ProviderRegistry
        do { registry = try toolbox.registry() } catch { return .failure(error) }
        let inline = reference.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{")
        return .success(
            Loaded(
                job: job, file: inline ? nil : URL(fileURLWithPath: reference), toolbox: toolbox, registry: registry))
    }

    static func client(_ loaded: Loaded, configuration: VideoClient.Configuration = VideoClient.Configuration())
        -> (VideoClient, any VideoClock)
    {
        let (transport, clock) = loaded.toolbox.transportAndClock(registry: loaded.registry)
        return (
            VideoClient(registry: loaded.registry, transport: transport, clock: clock, configuration: configuration),
            clock
        )
    }

    // MARK: status

    static func status(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        let json = args.flag("json")
        let loaded: Loaded
        switch try load(args) {
        case .success(let value): loaded = value
        case .failure(let error): return VideoGen.report(error, json: json, console: console)
        }
        let job = loaded.job
        let (client, _) = client(loaded)
        do {
            let snapshot = try await client.status(of: job)
            if json {
                console.out(JSONView.status(job, snapshot).text)
            } else {
                console.out("\(job.providerID) · \(job.model) · task \(Render.oneLine(job.taskID))")
                console.out(
                    "  status:   \(snapshot.status)"
                        + (snapshot.rawStatus.map { $0 == snapshot.status.rawValue ? "" : " (\(Render.oneLine($0)))" }
                            ?? ""))
                if let progress = snapshot.progress { console.out("  progress: \(progress)%") }
                if let url = snapshot.videoURL { console.out("  video:    \(Render.oneLine(url.absoluteString))") }
                if let duration = snapshot.actualDuration { console.out("  duration: \(duration) s") }
                if let message = snapshot.errorMessage { console.out("  error:    \(Render.oneLine(message))") }
            }
            switch snapshot.status {
            case .failed, .cancelled, .expired: return .failure
            default: return .success
            }
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
    }

    // MARK: cancel

    static func cancel(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        let json = args.flag("json")
        let loaded: Loaded
        switch try load(args) {
        case .success(let value): loaded = value
        case .failure(let error): return VideoGen.report(error, json: json, console: console)
        }
        let job = loaded.job
        let (client, _) = client(loaded)
        do {
            let snapshot = try await client.cancel(job)
            if json {
                console.out(JSONView.status(job, snapshot).text)
            } else {
                console.out("\(job.providerID) · \(job.model) · task \(Render.oneLine(job.taskID))")
                console.out("  status:   \(snapshot.status) (cancel accepted)")
            }
            return .success
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
    }

    // MARK: download

    static func download(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        let json = args.flag("json")
        guard let path = args.value("output") else { throw Arguments.UsageError(description: "--output is required") }
        let loaded: Loaded
        switch try load(args) {
        case .success(let value): loaded = value
        case .failure(let error): return VideoGen.report(error, json: json, console: console)
        }
        let output = try LocalFiles.prepareFile(path, option: "output")
        let claim = try OutputClaim.acquire(output)
        defer { claim.release() }
        let job = loaded.job
        let (client, clock) = client(loaded)
        let context = loaded.context(json: json, console: console, output: output)
        context.enter(.downloading(job))
        let (result, interruption) = await RunControl.run(
            timeout: nil, clock: clock,
            emergencyExit: { interruption in
                claim.release()
                console.err("error: \(interruption.summary) while downloading; nothing was saved.")
                exit(interruption.exitCode.rawValue)
            },
            work: { () async throws(VideoProviderError) -> DownloadedVideo in
                try await client.download(job, to: output)
            })
        switch result {
        case .success(let video):
            if json {
                console.event(JSONView.downloaded(video))
            } else {
                console.out("Saved \(video.fileURL.path) (\(video.byteCount) bytes)")
            }
            return .success
        case .failure(let error):
            return context.reportFailure(error, interruption: interruption)
        }
    }

    // MARK: follow

    static func follow(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        let json = args.flag("json")
        var configuration = VideoClient.Configuration()
        if let interval = args.seconds("poll-interval") {
            configuration.polling = .fixed(interval)
            configuration.polling.fixedIntervalHonorsVendorMinimum = true
        }
        if let timeout = args.seconds("timeout") {
            configuration.polling.timeout = timeout
        }
        let loaded: Loaded
        switch try load(args) {
        case .success(let value): loaded = value
        case .failure(let error): return VideoGen.report(error, json: json, console: console)
        }
        let output: URL?
        if let path = args.value("output") {
            output = try LocalFiles.prepareFile(path, option: "output")
        } else {
            output = nil
        }
        let claim = try output.map { (url) throws(Arguments.UsageError) in try OutputClaim.acquire(url) }
        defer { claim?.release() }
        let job = loaded.job
        let (client, clock) = client(loaded, configuration: configuration)
        let context = loaded.context(json: json, console: console, output: output)
        if !json { console.err("Following task \(Render.oneLine(job.taskID)) on \(job.providerID) · \(job.model)") }
        let start = clock.now()
        let ticker = context.tick(clock: clock, from: start)
        defer { ticker?.cancel() }
        let (result, interruption) = await RunControl.run(
            timeout: configuration.polling.timeout, clock: clock,
            emergencyExit: { interruption in
                context.stopProgress()
                claim?.release()
                console.err("error: \(interruption.summary); stopped without waiting for the run to unwind.")
                exit(interruption.exitCode.rawValue)
            },
            work: { () async throws(VideoProviderError) -> (snapshot: TaskSnapshot, video: DownloadedVideo?) in
                try await followToTheEnd(
                    job, client: client, output: output, context: context, clock: clock, start: start)
            })
        context.stopProgress()
        console.finishProgress()
        switch result {
        case .success(let (snapshot, video)):
            GenerateCommand.printCompletion(
                job: job, snapshot: snapshot, video: video, elapsed: clock.now() - start,
                simulated: loaded.toolbox.simulate, context: context)
            return .success
        case .failure(let error):
            return context.reportFailure(error, interruption: interruption)
        }
    }

    /// Asks at once where the task stands (the job may be hours old), then follows it as `generate` does
    /// and downloads the video when `output` is given.
    static func followToTheEnd(
        _ job: VideoJob, client: VideoClient, output: URL?, context: EventContext, clock: any VideoClock,
        start: Duration
    ) async throws(VideoProviderError) -> (snapshot: TaskSnapshot, video: DownloadedVideo?) {
        var current = job
        var asked = false
        // Asked even when the job says the task ended: its video URL may have changed or expired since.
        do {
            let snapshot = try await client.status(of: job)
            context.progress(job: job, snapshot: snapshot, elapsed: clock.now() - start)
            asked = true
            current = VideoJob(
                id: job.id, providerID: job.providerID, model: job.model, taskID: job.taskID, baseURL: job.baseURL,
                request: job.request, attempts: job.attempts, submittedAt: job.submittedAt, initialSnapshot: snapshot)
        } catch {
            let final: Set<VideoProviderError.Kind> = [.authentication, .configuration, .cancelled, .invalidRequest]
            if final.contains(error.kind) { throw error }
            // Any other failed status call is one the polling below retries.
        }
        var last = current.initialSnapshot
        // A terminal answer to the first question was shown already; the sequence repeats it.
        var shown = asked && current.initialSnapshot.status.isTerminal
        do {
            for try await snapshot in client.updates(for: current) {
                if !shown { context.progress(job: job, snapshot: snapshot, elapsed: clock.now() - start) }
                shown = false
                last = snapshot
            }
        } catch let error as VideoProviderError {
            throw error
        } catch {
            throw VideoProviderError(.cancelled, "Stopped following task \(job.taskID): \(error)", taskID: job.taskID)
        }
        var video: DownloadedVideo?
        if let output {
            context.enter(.downloading(job))
            video = try await client.download(job, to: output, snapshot: last)
        }
        return (last, video)
    }
}
