import Foundation
import VideoProviderKit

extension GenerateCommand {
    /// `generate`: every local check first (options, numbers, files, route, keys, budget), then the job
    /// record, then the submission; under `--timeout` and SIGINT/SIGTERM (``RunControl``).
    static func generate(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        if args.flag("dry-run") { return try dryRun(args, console: console) }
        guard !args.flag("curl") else { throw Arguments.UsageError(description: "--curl needs --dry-run") }
        let toolbox = try Toolbox(arguments: args)
        let request = try request(args)
        let configuration = try configuration(args)
        var options = try submitOptions(args, configuration: configuration)
        let json = args.flag("json")
        let output: URL?
        if let path = args.value("output") {
            output = try LocalFiles.prepareFile(path, option: "output")
        } else {
            output = nil
        }
        let jobFile = try JobFile.location(jobFile: args.value("job-file"), output: output)

        // An invalid request, or one no provider with a key could serve within the budget, is exit 2 and
        // names what to fix.
        let registry: ProviderRegistry
        do throws(VideoProviderError) {
            let exploration = try explore(request, toolbox: toolbox, configuration: configuration, options: options)
            guard !exploration.plan.eligible.isEmpty else { throw exploration.plan.noCandidateError() }
            try requireKeys(exploration, model: request.model)
            registry = try toolbox.registry()
        } catch {
            return VideoGen.report(error, json: json, console: console, hints: VideoGen.hints(for: error))
        }
        let claim = try output.map { (url) throws(Arguments.UsageError) in try OutputClaim.acquire(url) }
        defer { claim?.release() }
        let scratch = try ScratchFolder.create()
        defer { scratch.remove() }

        let (transport, clock) = toolbox.transportAndClock(registry: registry, temporaryDirectory: scratch.url)
        let start = clock.now()
        let context = EventContext(
            json: json, console: console, output: output, jobFile: jobFile, simulated: toolbox.simulate,
            baseURLs: toolbox.baseURLs, flavorArguments: toolbox.flavorArguments,
            models: Dictionary(
                registry.plan(for: request, only: options.providers).eligible.map { ($0.providerID, $0.model) },
                uniquingKeysWith: { first, _ in first }), registrations: toolbox.registrationTypes)
        options.beforeSubmitting = { pending in try context.recordSubmission(pending) }
        let observer = VideoClientObserver { event in Self.report(event, context: context) }
        let client = VideoClient(
            registry: registry, transport: transport, clock: clock, configuration: configuration, observer: observer)
        let ticker = context.tick(clock: clock, from: start)
        defer { ticker?.cancel() }
        let submitOptions = options
        let (result, interruption) = await RunControl.run(
            timeout: configuration.polling.timeout, clock: clock,
            emergencyExit: { interruption in
                context.stopProgress()
                context.settleRecord(after: nil)
                console.err("error: \(interruption.summary); stopped without waiting for the run to unwind.")
                if let command = context.followCommand { console.err("To follow the job: \(command)") }
                scratch.remove()
                claim?.release()
                exit(interruption.exitCode.rawValue)
            },
            work: { () async throws(VideoProviderError) -> VideoClient.Generation in
                try await client.generate(request, options: submitOptions, downloadTo: output) { job, snapshot in
                    context.progress(job: job, snapshot: snapshot, elapsed: clock.now() - start)
                }
            })
        context.stopProgress()
        console.finishProgress()
        switch result {
        case .success(let generation):
            printCompletion(
                job: generation.job, snapshot: generation.snapshot, video: generation.video,
                elapsed: clock.now() - start, simulated: toolbox.simulate, context: context)
            return .success
        case .failure(let error):
            context.settleRecord(after: error)
            return context.reportFailure(error, interruption: interruption)
        }
    }

    /// Exit 2 naming the variables when no candidate that could serve the request has a key.
    static func requireKeys(_ exploration: Exploration, model: String) throws(VideoProviderError) {
        let keyed = exploration.plan.eligible.filter { !exploration.missingKeys.contains($0.providerID) }
        guard keyed.isEmpty else { return }
        // Any capable provider's key would do: with it set, that provider becomes the first choice.
        var variables: [String] = []
        for id in exploration.capable where !variables.contains(id.apiKeyEnvironmentVariable) {
            variables.append(id.apiKeyEnvironmentVariable)
        }
        let list =
            variables.count == 1
            ? variables[0] : variables.dropLast().joined(separator: ", ") + " or " + variables[variables.count - 1]
        throw VideoProviderError(
            .configuration,
            "No API key is set for any provider that can serve '\(model)': set \(list) (or try --simulate).",
            model: model)
    }

    /// The end of a successful `generate` or `follow`: the `completed` (and `downloaded`) events, or
    /// `Completed: …` and `Saved …` / `Video: …`.
    static func printCompletion(
        job: VideoJob, snapshot: TaskSnapshot, video: DownloadedVideo?, elapsed: Duration, simulated: Bool,
        context: EventContext
    ) {
        let console = context.console
        if context.json {
            console.event(
                JSONBody([
                    "event": "completed", "provider": job.providerID, "model": job.model, "taskID": job.taskID,
                    "status": snapshot.status.rawValue, "videoURL": snapshot.videoURL,
                    "actualDuration": snapshot.actualDuration, "elapsed": JSONView.seconds(elapsed),
                ]))
            if let video { console.event(JSONView.downloaded(video)) }
        } else {
            console.out(
                "Completed: \(job.providerID) · \(job.model) · task \(Render.oneLine(job.taskID)) in \(Render.elapsed(elapsed))"
                    + (simulated ? " (simulated time)" : ""))
            if let video {
                console.out("Saved \(video.fileURL.path) (\(video.byteCount) bytes)")
            } else if let url = snapshot.videoURL {
                console.out("Video: \(Render.oneLine(url.absoluteString))")
            }
        }
    }

    /// Observer events become JSON lines, or short notes on stderr.
    static func report(_ event: VideoClientEvent, context: EventContext) {
        let json = context.json
        let console = context.console
        switch event {
        case .request(let provider, .submit, let method, let url, _):
            let attempt = context.nextAttempt(provider)
            if json {
                console.event(
                    JSONBody([
                        "event": "attempt", "provider": provider, "model": context.models[provider], "attempt": attempt,
                        "method": method.rawValue, "url": url,
                    ]))
            }
        case .request(_, .content, _, _, _):
            if let job = context.job { context.enter(.downloading(job)) }
        case .retry(let provider, let model, let attempt, let delay, let reason):
            if json {
                console.event(
                    JSONBody([
                        "event": "retry", "provider": provider, "model": model, "attempt": attempt,
                        "delay": JSONView.seconds(delay), "reason": reason,
                    ]))
            } else {
                console.err(
                    "note: retrying \(provider) in \(String(format: "%.1f", delay.seconds)) s: \(Render.oneLine(reason))"
                )
            }
        case .fallback(let provider, let model, let reason):
            if json {
                console.event(
                    JSONBody(["event": "fallback", "from": provider, "model": model, "reason": reason]))
            } else {
                console.err("note: \(provider) failed, trying the next provider: \(Render.oneLine(reason))")
            }
        case .skipped(let skipped):
            if json {
                console.event(JSONBody(["event": "skipped"]).appending(JSONView.skipped(skipped)))
            }
        case .cooldown(let provider, let duration, let reason):
            if json {
                console.event(
                    JSONBody([
                        "event": "cooldown", "provider": provider, "seconds": JSONView.seconds(duration),
                        "reason": reason,
                    ]))
            }
        case .submitted(let job):
            let saved = context.recordJob(job)
            if json {
                console.event(
                    JSONBody([
                        "event": "submitted", "provider": job.providerID, "model": job.model, "taskID": job.taskID,
                        "jobFile": saved, "billable": JSONView.billable(job.request.billing),
                        "warnings": job.request.warnings.map(\.message),
                    ]))
            } else {
                console.err(
                    "Submitted to \(job.providerID) · \(job.model): task \(Render.oneLine(job.taskID)) (billable: \(job.request.billing))"
                )
                for warning in job.request.warnings { console.err("warning: \(warning.message)") }
                if let saved { console.err("Job saved to \(saved) (check it with `videogen status \(saved)`)") }
            }
        case .resubmitted(let previous, let reason):
            if json {
                console.event(
                    JSONBody([
                        "event": "resubmitting", "from": previous.providerID, "taskID": previous.taskID,
                        "reason": reason,
                    ]))
            } else {
                console.err(
                    "note: task \(Render.oneLine(previous.taskID)) on \(previous.providerID) failed; resubmitting elsewhere: \(Render.oneLine(reason))"
                )
            }
        default:
            break
        }
    }
}

/// A folder of this process's own under the temporary directory (mode 0700), where large request bodies
/// are staged: removed as a whole when the command ends, whatever interrupted it.
struct ScratchFolder: Sendable {
    let url: URL

    static func create() throws(Arguments.UsageError) -> ScratchFolder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "videogen-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: NSNumber(value: 0o700)])
        } catch {
            throw Arguments.UsageError(
                description: "cannot create a private temporary folder at \(url.path): \(error.localizedDescription)")
        }
        return ScratchFolder(url: url)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
