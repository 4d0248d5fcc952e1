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
        request.images = try args.all("image").map { (text) throws(Arguments.UsageError) in try image(text) }
        return request
    }

    /// An `--image` value: anything with a `scheme://` prefix (or `data:`) is a URL, so the library
    /// judges its scheme (`ftp://…` is its "unsupported URL scheme" error, not a missing file); anything
    /// else is a local path.
    static func image(_ text: String) throws(Arguments.UsageError) -> ImageInput {
        guard hasURLScheme(text) || text.lowercased().hasPrefix("data:") else {
            return .file(URL(fileURLWithPath: text))
        }
        guard let url = URL(string: text) else {
            throw Arguments.UsageError(description: "--image '\(text)' is not a valid URL")
        }
        return .url(url)
    }

    /// Whether `text` starts with an RFC 3986 scheme (a letter, then letters, digits, `+`, `-` or `.`)
    /// followed by `://`.
    static func hasURLScheme(_ text: String) -> Bool {
        guard let range = text.range(of: "://") else { return false }
        let scheme = text[..<range.lowerBound].unicodeScalars
        guard let first = scheme.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return scheme.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "+-.".unicodeScalars.contains($0))
        }
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

    /// The boundary dry runs use, so their output is stable; real runs use a random one.
    static let dryRunBoundary = "VideoProviderKit-dryrun000000000000000000"

    /// What `plan` and `--dry-run` see: the route evaluated as if every provider had a key.
    struct Exploration {
        let registry: ProviderRegistry
        let plan: RoutePlan
        let missingKeys: Set<ProviderID>
        /// Providers that were not candidates because they do not offer the model at all.
        let notOffered: [SkippedCandidate]

        var allSkipped: [SkippedCandidate] { plan.skipped + notOffered }
    }

    static func explore(
        _ request: VideoRequest, toolbox: Toolbox, configuration: VideoClient.Configuration,
        providers: [ProviderID]?
    ) throws(VideoProviderError) -> Exploration {
        let (registry, missingKeys) = try toolbox.exploringRegistry()
        let client = VideoClient(registry: registry, transport: NoNetwork(), configuration: configuration)
        let plan = client.plan(request, options: VideoClient.SubmitOptions(providers: providers))
        var notOffered: [SkippedCandidate] = []
        let named = request.model.split(separator: ":", maxSplits: 1).first.map { ProviderID(String($0)) }
        let pinned = request.model.contains(":") && named.flatMap { registry.provider($0) } != nil
        if !pinned && !plan.modelIsUnknown {
            let considered = Set(plan.eligible.map(\.providerID) + plan.skipped.map(\.providerID))
            for entry in registry.providers where !considered.contains(entry.id) {
                if let providers, !providers.contains(entry.id) { continue }
                notOffered.append(
                    SkippedCandidate(
                        providerID: entry.id, model: nil, reason: "does not offer the model '\(request.model)'"))
            }
        }
        return Exploration(registry: registry, plan: plan, missingKeys: missingKeys, notOffered: notOffered)
    }

    /// One candidate of `plan --json` and `generate --dry-run --json` (see docs/cli.md).
    static func candidateJSON(_ entry: RoutePlan.Entry, order: Int, missingKeys: Set<ProviderID>) -> JSONLine {
        let configured = !missingKeys.contains(entry.providerID)
        var json = JSONLine(["order": order, "provider": entry.providerID.rawValue, "model": entry.model])
        json["baseURL"] = entry.provider.baseURL?.absoluteString ?? NSNull()
        json["apiKeyEnvironmentVariable"] = entry.providerID.apiKeyEnvironmentVariable
        json["apiKeyConfigured"] = configured
        json["note"] = configured ? NSNull() : missingKeyNote(entry.providerID)
        json["resolved"] = Render.resolvedJSON(entry.resolved)
        json["billable"] = Render.billableJSON(entry.resolved.billableEstimate)
        return json
    }

    static func missingKeyNote(_ id: ProviderID) -> String {
        "\(id.apiKeyEnvironmentVariable) is not set; a real run would skip this provider"
    }

    // MARK: plan

    static func plan(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        let toolbox = try Toolbox(arguments: args)
        let request = try request(args)
        let configuration = try configuration(args)
        let json = args.flag("json")
        let providers = try providerOrder(args)
        let exploration: Exploration
        do {
            exploration = try explore(request, toolbox: toolbox, configuration: configuration, providers: providers)
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
        let plan = exploration.plan
        if json {
            var output = JSONLine(["model": request.model])
            output["candidates"] = plan.eligible.enumerated().map {
                candidateJSON($1, order: $0 + 1, missingKeys: exploration.missingKeys)
            }
            output["skipped"] = exploration.allSkipped.map(Render.skippedJSON)
            if plan.eligible.isEmpty {
                let error = exploration.plan.noCandidateError()
                output["error"] = Render.errorJSON(error, exitCode: ExitCode(for: error))
            }
            console.out(output.rendered)
        } else if !plan.eligible.isEmpty {
            console.out("Would try, in order:")
            for (index, entry) in plan.eligible.enumerated() {
                let lines = Render.resolvedText(entry)
                console.out("\(index + 1). " + lines[0])
                for line in lines.dropFirst() { console.out(" " + line) }
                if exploration.missingKeys.contains(entry.providerID) {
                    console.out("   note:         " + missingKeyNote(entry.providerID))
                }
            }
            if !exploration.allSkipped.isEmpty {
                console.out("Passed over:")
                for skipped in exploration.allSkipped { console.out("  - \(skipped)") }
            }
        }
        guard plan.eligible.isEmpty else { return .success }
        return VideoGen.report(exploration.plan.noCandidateError(), json: false, console: console)
    }

    /// `--provider` ids, checked against the built-in providers.
    static func providerOrder(_ args: Arguments) throws(Arguments.UsageError) -> [ProviderID]? {
        let ids = args.all("provider").map { ProviderID($0) }
        let known = Set(Toolbox.providerIDs)
        for id in ids where !known.contains(id) {
            throw Arguments.UsageError(description: "unknown provider '\(id)'; known: \(Toolbox.providerList)")
        }
        return ids.isEmpty ? nil : ids
    }

    // MARK: generate

    static func generate(_ args: Arguments, console: Console) async throws(Arguments.UsageError) -> ExitCode {
        if args.flag("dry-run") { return try dryRun(args, console: console) }
        guard !args.flag("curl") else { throw Arguments.UsageError(description: "--curl needs --dry-run") }
        let toolbox = try Toolbox(arguments: args)
        let request = try request(args)
        let configuration = try configuration(args)
        let json = args.flag("json")
        let providers = try providerOrder(args)
        let output = args.value("output").map { URL(fileURLWithPath: $0) }
        let jobFile = args.value("job-file").map { URL(fileURLWithPath: $0) }

        // Validate everything before anything is sent: an invalid request, or one no provider with a key
        // could serve, is a usage error (exit 2) that names what to fix.
        let registry: ProviderRegistry
        do throws(VideoProviderError) {
            let exploration = try explore(
                request, toolbox: toolbox, configuration: configuration, providers: providers)
            guard !exploration.plan.eligible.isEmpty else { throw exploration.plan.noCandidateError() }
            let keyed = exploration.plan.eligible.filter { !exploration.missingKeys.contains($0.providerID) }
            if keyed.isEmpty {
                var variables: [String] = []
                for entry in exploration.plan.eligible
                where !variables.contains(entry.providerID.apiKeyEnvironmentVariable) {
                    variables.append(entry.providerID.apiKeyEnvironmentVariable)
                }
                let list =
                    variables.count == 1
                    ? variables[0]
                    : variables.dropLast().joined(separator: ", ") + " or " + variables[variables.count - 1]
                throw VideoProviderError(
                    .configuration,
                    "No API key is set for any provider that can serve '\(request.model)': set \(list) (or try --simulate).",
                    model: request.model)
            }
            registry = try toolbox.registry()
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
        var options = VideoClient.SubmitOptions(providers: providers)
        options.ambiguousSubmissions = configuration.ambiguousSubmissions

        let (transport, clock) = toolbox.transportAndClock(registry: registry)
        let start = clock.now()
        let context = EventContext(
            json: json, console: console, output: output, jobFile: jobFile, simulated: toolbox.simulate,
            models: Dictionary(
                registry.plan(for: request, only: providers).eligible.map { ($0.providerID, $0.model) },
                uniquingKeysWith: { first, _ in first }))
        let observer = VideoClientObserver { event in Self.report(event, context: context) }
        let client = VideoClient(
            registry: registry, transport: transport, clock: clock, configuration: configuration, observer: observer)
        // On a terminal the bar's clock keeps ticking between polls.
        let ticker: Task<Void, Never>? =
            !json && console.stderrIsTerminal
            ? Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    context.redraw(elapsed: clock.now() - start)
                }
            } : nil
        defer { ticker?.cancel() }
        do {
            let result = try await client.generate(request, options: options, downloadTo: output) { job, snapshot in
                context.progress(job: job, snapshot: snapshot, elapsed: clock.now() - start)
            }
            context.stopProgress()
            console.finishProgress()
            let elapsed = clock.now() - start
            if json {
                var event = JSONLine([
                    "event": "completed", "provider": result.job.providerID.rawValue, "model": result.job.model,
                ])
                event["taskID"] = result.job.taskID
                event["status"] = result.snapshot.status.rawValue
                event["videoURL"] = result.snapshot.videoURL?.absoluteString ?? NSNull()
                event["actualDuration"] = result.snapshot.actualDuration ?? NSNull()
                event["elapsed"] = Render.seconds(elapsed)
                console.event(event)
                if let video = result.video {
                    console.event(Render.downloadedJSON(video))
                }
            } else {
                console.out(
                    "Completed: \(result.job.providerID) · \(result.job.model) · task \(Render.oneLine(result.job.taskID)) in \(Render.elapsed(elapsed))"
                        + (toolbox.simulate ? " (simulated time)" : "")
                )
                if let video = result.video {
                    console.out("Saved \(video.fileURL.path) (\(video.byteCount) bytes)")
                } else if let url = result.snapshot.videoURL {
                    console.out("Video: \(Render.oneLine(url.absoluteString))")
                }
            }
            return .success
        } catch {
            context.stopProgress()
            return VideoGen.report(error, json: json, console: console)
        }
    }

    /// Shared by the observer and the progress callback of one `generate` run.
    final class EventContext: @unchecked Sendable {
        let json: Bool
        let console: Console
        let output: URL?
        let jobFile: URL?
        let simulated: Bool
        /// The native model each provider would run, for `attempt` events.
        let models: [ProviderID: String]
        private let lock = NSLock()
        private var attempts: [ProviderID: Int] = [:]  // guarded by `lock`
        private var lastStatus: String?  // guarded by `lock`
        private var lastSnapshot: TaskSnapshot?  // guarded by `lock`
        private var progressStopped = false  // guarded by `lock`

        init(
            json: Bool, console: Console, output: URL?, jobFile: URL?, simulated: Bool, models: [ProviderID: String]
        ) {
            self.json = json
            self.console = console
            self.output = output
            self.jobFile = jobFile
            self.simulated = simulated
            self.models = models
        }

        func nextAttempt(_ provider: ProviderID) -> Int {
            lock.withLock {
                attempts[provider, default: 0] += 1
                return attempts[provider, default: 0]
            }
        }

        /// Redraws the bar with the last status and the current time (terminals only).
        func redraw(elapsed: Duration) {
            lock.withLock {
                guard !progressStopped, let lastSnapshot else { return }
                console.progress(Render.progressBar(lastSnapshot, elapsed: elapsed))
            }
        }

        /// No bar is drawn after this returns, so the final output is not overwritten.
        func stopProgress() {
            lock.withLock { progressStopped = true }
        }

        func progress(job: VideoJob, snapshot: TaskSnapshot, elapsed: Duration) {
            if json {
                var event = JSONLine(["event": "progress", "provider": job.providerID.rawValue, "taskID": job.taskID])
                event["status"] = snapshot.status.rawValue
                event["rawStatus"] = snapshot.rawStatus ?? NSNull()
                event["progress"] = snapshot.progress ?? NSNull()
                event["elapsed"] = Render.seconds(elapsed)
                console.event(event)
            } else if console.stderrIsTerminal {
                lock.withLock {
                    lastSnapshot = snapshot
                    guard !progressStopped else { return }
                    console.progress(Render.progressBar(snapshot, elapsed: elapsed))
                }
            } else {
                // Logs get one line per status change instead of a redrawn bar.
                let status = Render.oneLine(snapshot.rawStatus ?? snapshot.status.rawValue)
                let changed = lock.withLock {
                    defer { lastStatus = status }
                    return lastStatus != status
                }
                if changed {
                    console.err(
                        "status: \(status)" + (snapshot.progress.map { " \($0)%" } ?? "")
                            + " after \(Render.elapsed(elapsed))")
                }
            }
        }
    }

    /// Observer events become JSON lines, or short notes on stderr.
    private static func report(_ event: VideoClientEvent, context: EventContext) {
        let json = context.json
        let console = context.console
        switch event {
        case .request(let provider, .submit, let method, let url):
            let attempt = context.nextAttempt(provider)
            if json {
                var line = JSONLine(["event": "attempt", "provider": provider.rawValue])
                line["model"] = context.models[provider] ?? NSNull()
                line["attempt"] = attempt
                line["method"] = method.rawValue
                line["url"] = url.absoluteString
                console.event(line)
            }
        case .retry(let provider, let model, let attempt, let delay, let reason):
            if json {
                console.event(
                    JSONLine([
                        "event": "retry", "provider": provider.rawValue, "model": model, "attempt": attempt,
                        "delay": Render.seconds(delay), "reason": reason,
                    ]))
            } else {
                console.err(
                    "note: retrying \(provider) in \(String(format: "%.1f", delay.seconds)) s: \(Render.oneLine(reason))"
                )
            }
        case .fallback(let provider, let model, let reason):
            if json {
                console.event(
                    JSONLine(["event": "fallback", "from": provider.rawValue, "model": model, "reason": reason]))
            } else {
                console.err("note: \(provider) failed, trying the next provider: \(Render.oneLine(reason))")
            }
        case .skipped(let skipped):
            if json {
                var line = JSONLine(["event": "skipped"])
                line["provider"] = skipped.providerID.rawValue
                line["model"] = skipped.model ?? NSNull()
                line["reason"] = skipped.reason
                line["violations"] = skipped.violations.map(Render.violationJSON)
                console.event(line)
            }
        case .cooldown(let provider, let duration, let reason):
            if json {
                console.event(
                    JSONLine([
                        "event": "cooldown", "provider": provider.rawValue, "seconds": Render.seconds(duration),
                        "reason": reason,
                    ]))
            }
        case .submitted(let job):
            let saved = JobCommands.save(
                job, simulated: context.simulated, file: context.jobFile, output: context.output)
            if json {
                var event = JSONLine([
                    "event": "submitted", "provider": job.providerID.rawValue, "model": job.model, "taskID": job.taskID,
                ])
                event["jobFile"] = saved ?? NSNull()
                event["billable"] = Render.billableJSON(job.request.billing)
                event["warnings"] = job.request.warnings.map(\.message)
                console.event(event)
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
                    JSONLine([
                        "event": "resubmitting", "from": previous.providerID.rawValue, "taskID": previous.taskID,
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

    // MARK: dry run

    static func dryRun(_ args: Arguments, console: Console) throws(Arguments.UsageError) -> ExitCode {
        let toolbox = try Toolbox(arguments: args)
        let request = try request(args)
        let configuration = try configuration(args)
        let json = args.flag("json")
        let providers = try providerOrder(args)
        // A dry run shows what would be sent even before keys are set up: a missing key is a note, and
        // the header shows `[redacted]` either way.
        let exploration: Exploration
        do {
            exploration = try explore(request, toolbox: toolbox, configuration: configuration, providers: providers)
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
        let plan = exploration.plan
        guard !plan.eligible.isEmpty else {
            return VideoGen.report(exploration.plan.noCandidateError(), json: json, console: console)
        }
        var candidates: [JSONLine] = []
        for (index, entry) in plan.eligible.enumerated() {
            let httpRequest: HTTPRequest
            do {
                guard let context = entry.provider.context(boundary: dryRunBoundary) else { continue }
                httpRequest = VideoGen.addingUserAgent(
                    try entry.provider.provider.submitRequest(for: entry.resolved, context: context))
            } catch {
                let typed =
                    (error as? VideoProviderError)
                    ?? VideoProviderError(
                        .invalidRequest, "\(entry.providerID) cannot build this request: \(error)",
                        providerID: entry.providerID, model: entry.model)
                return VideoGen.report(typed, json: json, console: console)
            }
            let curl =
                args.flag("curl") ? Render.curl(httpRequest, provider: entry.providerID, resolved: entry.resolved) : nil
            if json {
                var candidate = candidateJSON(entry, order: index + 1, missingKeys: exploration.missingKeys)
                candidate["request"] = Render.requestJSON(httpRequest)
                candidate["curl"] = curl ?? NSNull()
                candidates.append(candidate)
            } else {
                if index > 0 { console.out("") }
                let lines = Render.resolvedText(entry)
                console.out("\(index + 1). " + lines[0] + (index == 0 ? " (first choice)" : " (fallback)"))
                for line in lines.dropFirst() { console.out(" " + line) }
                if exploration.missingKeys.contains(entry.providerID) {
                    console.out("   note:         " + missingKeyNote(entry.providerID))
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
            output["skipped"] = exploration.allSkipped.map(Render.skippedJSON)
            console.out(output.rendered)
        } else if !exploration.allSkipped.isEmpty {
            console.out("")
            console.out("Passed over:")
            for skipped in exploration.allSkipped { console.out("  - \(skipped)") }
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
