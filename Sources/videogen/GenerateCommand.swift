import Foundation
import VideoProviderKit

/// `plan` and `generate` (with `--dry-run`).
enum GenerateCommand {
    /// The request the options describe. Malformed values are usage errors (exit 2).
    static func request(_ args: Arguments) throws(Arguments.UsageError) -> VideoRequest {
        guard let model = args.value("model"), !model.isEmpty else {
            throw Arguments.UsageError(description: "--model is required")
        }
        guard let prompt = args.value("prompt") else { throw Arguments.UsageError(description: "--prompt is required") }
        var request = VideoRequest(model: model, prompt: prompt)
        request.seconds = try args.integer("seconds")
        if let text = args.value("aspect-ratio") {
            guard let ratio = AspectRatio(rawValue: text) else {
                throw Arguments.UsageError(
                    description: "--aspect-ratio must be W:H with positive numbers (like 16:9), not '\(text)'")
            }
            request.aspectRatio = ratio
        }
        if let text = args.value("resolution") {
            guard let resolution = Resolution(parsing: text) else {
                throw Arguments.UsageError(
                    description: "--resolution must be like 480p, 540p, 720p or 1080p, not '\(text)'")
            }
            request.resolution = resolution
        }
        request.images = args.all("image").map { text in
            let lower = text.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("data:"),
                let url = URL(string: text)
            {
                return .url(url)
            }
            return .file(URL(fileURLWithPath: text))
        }
        return request
    }

    static func configuration(_ args: Arguments) throws(Arguments.UsageError) -> VideoClient.Configuration {
        var configuration = VideoClient.Configuration()
        if args.flag("adjust") { configuration.validation = .adjustToNearest }
        if args.flag("resubmit-ambiguous") { configuration.ambiguousSubmissions = .resubmit }
        if args.flag("resubmit-failed") { configuration.resubmitFailedTasks = true }
        if let interval = try args.seconds("poll-interval") {
            configuration.polling = .fixed(interval, timeout: configuration.polling.timeout)
        }
        if let timeout = try args.seconds("timeout") { configuration.polling.timeout = timeout }
        return configuration
    }

    static func options(_ args: Arguments, registry: ProviderRegistry) throws(Arguments.UsageError)
        -> VideoClient.SubmitOptions
    {
        let ids = args.all("provider").map { ProviderID($0) }
        for id in ids where registry.provider(id) == nil {
            throw Arguments.UsageError(description: "unknown provider '\(id)'; known: \(Toolbox.providerList)")
        }
        return VideoClient.SubmitOptions(providers: ids.isEmpty ? nil : ids)
    }

    // MARK: plan

    static func plan(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        let toolbox = try Toolbox(arguments: args)
        let request = try request(args)
        let configuration = try configuration(args)
        let json = args.flag("json")
        let registry: ProviderRegistry
        do { registry = try toolbox.registry() } catch { return VideoGen.report(error, json: json, console: console) }
        let options = try options(args, registry: registry)
        let client = VideoClient(registry: registry, transport: NoNetwork(), configuration: configuration)
        let plan = client.plan(request, options: options)
        if json {
            var output = JSONLine(["model": request.model])
            output["eligible"] = plan.eligible.map { entry -> JSONLine in
                JSONLine([
                    "provider": entry.providerID.rawValue, "model": entry.model,
                    "resolved": Render.resolvedJSON(entry.resolved),
                ])
            }
            output["skipped"] = plan.skipped.map(Render.skippedJSON)
            console.out(output.rendered)
        } else {
            if plan.eligible.isEmpty {
                console.out("No provider can serve this request.")
            } else {
                console.out("Would try, in order:")
                for (index, entry) in plan.eligible.enumerated() {
                    let lines = Render.resolvedText(entry)
                    console.out("\(index + 1). " + lines[0])
                    for line in lines.dropFirst() { console.out("   " + line) }
                }
            }
            if !plan.skipped.isEmpty {
                console.out("Passed over:")
                for skipped in plan.skipped { console.out("  - \(skipped)") }
            }
        }
        guard plan.eligible.isEmpty else { return .success }
        let error = plan.noCandidateError(
            knownModels: Array(Set(registry.allModels.map(\.capabilities.model))).sorted())
        console.err("error: " + error.message)
        return ExitCode(for: error)
    }

    // MARK: generate

    static func generate(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        if args.flag("dry-run") { return try dryRun(args, console: console) }
        guard !args.flag("curl") else { throw Arguments.UsageError(description: "--curl needs --dry-run") }
        let toolbox = try Toolbox(arguments: args)
        let request = try request(args)
        let configuration = try configuration(args)
        let json = args.flag("json")
        let registry: ProviderRegistry
        do { registry = try toolbox.registry() } catch { return VideoGen.report(error, json: json, console: console) }
        let options = try options(args, registry: registry)
        let output = args.value("output").map { URL(fileURLWithPath: $0) }
        let jobFile = args.value("job-file").map { URL(fileURLWithPath: $0) }

        let (transport, clock) = toolbox.transportAndClock(registry: registry)
        let start = clock.now()
        let observer = VideoClientObserver { event in
            Self.report(event, json: json, console: console, output: output, jobFile: jobFile)
        }
        let client = VideoClient(
            registry: registry, transport: transport, clock: clock, configuration: configuration, observer: observer)
        do {
            let result = try await client.generate(request, options: options, downloadTo: output) { job, snapshot in
                let elapsed = clock.now() - start
                if json {
                    var event = JSONLine([
                        "event": "progress", "provider": job.providerID.rawValue, "taskID": job.taskID,
                    ])
                    event["status"] = snapshot.status.rawValue
                    event["rawStatus"] = snapshot.rawStatus
                    event["progress"] = snapshot.progress
                    event["elapsed"] = (elapsed.seconds * 10).rounded() / 10
                    console.event(event)
                } else {
                    console.progress(Render.progressBar(snapshot, elapsed: elapsed))
                }
            }
            console.finishProgress()
            let elapsed = clock.now() - start
            if json {
                var event = JSONLine([
                    "event": "completed", "provider": result.job.providerID.rawValue, "model": result.job.model,
                ])
                event["taskID"] = result.job.taskID
                event["videoURL"] = result.snapshot.videoURL?.absoluteString
                event["actualDuration"] = result.snapshot.actualDuration
                event["elapsed"] = (elapsed.seconds * 10).rounded() / 10
                console.event(event)
                if let video = result.video {
                    console.event(
                        JSONLine([
                            "event": "downloaded", "path": video.fileURL.path, "bytes": Int(video.byteCount),
                            "host": video.sourceHost,
                        ]))
                }
            } else {
                console.out(
                    "Completed: \(result.job.providerID) · \(result.job.model) · task \(result.job.taskID) in \(Render.elapsed(elapsed))"
                )
                if let video = result.video {
                    console.out("Saved \(video.fileURL.path) (\(video.byteCount) bytes)")
                } else if let url = result.snapshot.videoURL {
                    console.out("Video: \(url.absoluteString)")
                }
            }
            return .success
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
    }

    /// Observer events become JSON lines, or short notes on stderr.
    private static func report(_ event: VideoClientEvent, json: Bool, console: Console, output: URL?, jobFile: URL?) {
        switch event {
        case .request(let provider, .submit, _, let url):
            if json {
                console.event(JSONLine(["event": "attempt", "provider": provider.rawValue, "url": url.absoluteString]))
            }
        case .retry(let provider, let model, let attempt, let delay, let reason):
            if json {
                console.event(
                    JSONLine([
                        "event": "retry", "provider": provider.rawValue, "model": model, "attempt": attempt,
                        "delay": delay.seconds, "reason": reason,
                    ]))
            } else {
                console.err("note: retrying \(provider) in \(String(format: "%.1f", delay.seconds)) s: \(reason)")
            }
        case .fallback(let provider, let model, let reason):
            if json {
                console.event(
                    JSONLine(["event": "fallback", "from": provider.rawValue, "model": model, "reason": reason]))
            } else {
                console.err("note: \(provider) failed, trying the next provider: \(reason)")
            }
        case .skipped(let skipped):
            if json {
                var line = Render.skippedJSON(skipped)
                line = JSONLine(["event": "skipped", "candidate": line])
                console.event(line)
            }
        case .cooldown(let provider, let duration, let reason):
            if json {
                console.event(
                    JSONLine([
                        "event": "cooldown", "provider": provider.rawValue, "seconds": duration.seconds,
                        "reason": reason,
                    ]))
            }
        case .submitted(let job):
            let file =
                jobFile ?? output.map { URL(fileURLWithPath: $0.path + ".job.json") }
                ?? URL(fileURLWithPath: "videogen-\(job.id.uuidString.prefix(8).lowercased()).job.json")
            var saved: String?
            if let data = try? job.encoded(), (try? data.write(to: file, options: .atomic)) != nil { saved = file.path }
            if json {
                var event = JSONLine([
                    "event": "submitted", "provider": job.providerID.rawValue, "model": job.model, "taskID": job.taskID,
                ])
                event["jobFile"] = saved
                event["billable"] = Render.billableJSON(job.request.billing)
                event["warnings"] = job.request.warnings.map(\.message)
                console.event(event)
            } else {
                console.err(
                    "Submitted to \(job.providerID) · \(job.model): task \(job.taskID) (billable: \(job.request.billing))"
                )
                for warning in job.request.warnings { console.err("warning: \(warning.message)") }
                if let saved { console.err("Job saved to \(saved) (resume with `videogen status \(saved)`)") }
            }
        case .resubmitted(let previous, let reason):
            if json {
                console.event(
                    JSONLine([
                        "event": "resubmitting", "from": previous.providerID.rawValue, "taskID": previous.taskID,
                        "reason": reason,
                    ]))
            } else {
                console.err(
                    "note: task \(previous.taskID) on \(previous.providerID) failed; resubmitting elsewhere: \(reason)")
            }
        default:
            break
        }
    }

    // MARK: dry run

    static func dryRun(_ args: Arguments, console: Console) throws(Arguments.UsageError) -> ExitCode {
        let toolbox = try Toolbox(arguments: args)
        let request = try request(args)
        let configuration = try configuration(args)
        let json = args.flag("json")
        // A dry run shows what would be sent even before keys are set up: a missing key is a note, and
        // the header shows `[redacted]` either way.
        var registry = ProviderRegistry()
        var missingKeys: Set<ProviderID> = []
        do {
            for entry in try toolbox.registry().providers {
                var configuration = entry.configuration
                if configuration.apiKey == nil {
                    configuration.apiKey = APIKey("dry-run-placeholder")
                    missingKeys.insert(entry.id)
                }
                try registry.register(configuration)
            }
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
        let options = try options(args, registry: registry)
        let client = VideoClient(registry: registry, transport: NoNetwork(), configuration: configuration)
        let plan = client.plan(request, options: options)
        guard !plan.eligible.isEmpty else {
            let error = plan.noCandidateError(
                knownModels: Array(Set(registry.allModels.map(\.capabilities.model))).sorted())
            return VideoGen.report(error, json: json, console: console)
        }
        var candidates: [JSONLine] = []
        for (index, entry) in plan.eligible.enumerated() {
            let httpRequest: HTTPRequest
            do {
                guard let context = entry.provider.context() else { continue }
                httpRequest = try entry.provider.provider.submitRequest(for: entry.resolved, context: context)
            } catch {
                console.err("error: cannot build the request for \(entry.providerID): \(error)")
                return .failure
            }
            let curl =
                args.flag("curl") ? Render.curl(httpRequest, provider: entry.providerID, resolved: entry.resolved) : nil
            if json {
                var candidate = JSONLine(["provider": entry.providerID.rawValue, "model": entry.model])
                candidate["resolved"] = Render.resolvedJSON(entry.resolved)
                candidate["billable"] = Render.billableJSON(entry.resolved.billableEstimate)
                candidate["request"] = Render.requestJSON(httpRequest)
                candidate["apiKeyConfigured"] = !missingKeys.contains(entry.providerID)
                candidate["curl"] = curl
                candidates.append(candidate)
            } else {
                if index > 0 { console.out("") }
                let lines = Render.resolvedText(entry)
                console.out("\(index + 1). " + lines[0] + (index == 0 ? " (first choice)" : " (fallback)"))
                for line in lines.dropFirst() { console.out(line) }
                if missingKeys.contains(entry.providerID) {
                    console.out(
                        "  note:         \(entry.providerID.apiKeyEnvironmentVariable) is not set; a real run would skip this provider"
                    )
                }
                console.out("")
                for line in Render.requestText(httpRequest) { console.out(line) }
                if let curl {
                    console.out("")
                    console.out(curl)
                }
            }
        }
        if json {
            var output = JSONLine(["dryRun": true, "model": request.model])
            output["candidates"] = candidates
            output["skipped"] = plan.skipped.map(Render.skippedJSON)
            console.out(output.rendered)
        } else if !plan.skipped.isEmpty {
            console.out("")
            console.out("Passed over:")
            for skipped in plan.skipped { console.out("  - \(skipped)") }
        }
        return .success
    }
}

/// The transport for commands that must not send anything: any use is a bug.
struct NoNetwork: HTTPTransport {
    func send(_ request: HTTPRequest, bodyDestination: ResponseBodyDestination) async throws -> HTTPResponse {
        throw HTTPTransportError(
            .connectionFailed, requestMayHaveBeenSent: false, message: "this command sends nothing")
    }
}
