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

    /// `--timeout`: at least a second, at most a week.
    static let timeoutRange: ClosedRange<Double> = 1...604_800
    /// `--poll-interval`: at least a second (a vendor's own advice can raise it), at most an hour.
    static let pollIntervalRange: ClosedRange<Double> = 1...3_600
    /// `--max-billable-seconds`: a day of video at most.
    static let budgetRange: ClosedRange<Int> = 1...86_400

    static func configuration(_ args: Arguments) throws(Arguments.UsageError) -> VideoClient.Configuration {
        var configuration = VideoClient.Configuration()
        if args.flag("adjust") { configuration.validation = .adjustToNearest }
        if args.flag("resubmit-ambiguous") { configuration.ambiguousSubmissions = .resubmit }
        if args.flag("resubmit-failed") { configuration.resubmitFailedTasks = true }
        if let interval = try args.seconds("poll-interval", in: pollIntervalRange) {
            configuration.polling = .fixed(interval, timeout: configuration.polling.timeout)
            // Never faster than the vendor asks (30 s on kyyReactApiServer), whatever the user gives.
            configuration.polling.fixedIntervalHonorsVendorMinimum = true
        }
        if let timeout = try args.seconds("timeout", in: timeoutRange) { configuration.polling.timeout = timeout }
        return configuration
    }

    /// `--max-billable-seconds`, `--allow-different-fallback` and `--provider` as submit options.
    static func submitOptions(_ args: Arguments, configuration: VideoClient.Configuration)
        throws(Arguments.UsageError) -> VideoClient.SubmitOptions
    {
        var options = VideoClient.SubmitOptions(providers: try providerOrder(args))
        options.ambiguousSubmissions = configuration.ambiguousSubmissions
        options.maximumBillableSeconds = try args.integer("max-billable-seconds", in: budgetRange)
        options.fallbacks = args.flag("allow-different-fallback") ? .anyOutput : .sameOutput
        return options
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
        /// Every provider that can serve the request, whatever it would make: with the right key set, any
        /// of them could be the first choice.
        let capable: [ProviderID]

        var allSkipped: [SkippedCandidate] { plan.skipped + notOffered }
    }

    /// The route as `generate` would take it, evaluated as if every provider had a key: the first
    /// choice is the first candidate whose key is set (the first candidate when none is), as in a real
    /// run, and fallbacks that would make something else are passed over unless `--allow-different-fallback`.
    static func explore(
        _ request: VideoRequest, toolbox: Toolbox, configuration: VideoClient.Configuration,
        options: VideoClient.SubmitOptions
    ) throws(VideoProviderError) -> Exploration {
        let (registry, missingKeys) = try toolbox.exploringRegistry()
        let client = VideoClient(registry: registry, transport: NoNetwork(), configuration: configuration)
        var everyOutput = options
        everyOutput.fallbacks = .anyOutput
        var plan = client.plan(request, options: everyOutput)
        let capable = plan.providerIDs
        if options.fallbacks == .sameOutput,
            let reference = plan.eligible.first(where: { !missingKeys.contains($0.providerID) }) ?? plan.eligible.first
        {
            plan = plan.keepingSameOutput(as: reference)
        }
        let providers = options.providers
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
        return Exploration(
            registry: registry, plan: plan, missingKeys: missingKeys, notOffered: notOffered, capable: capable)
    }

    /// One candidate of `plan --json` and `generate --dry-run --json` (see docs/cli.md).
    static func candidateJSON(
        _ entry: RoutePlan.Entry, order: Int, missingKeys: Set<ProviderID>, plan: RoutePlan
    ) -> JSONLine {
        let configured = !missingKeys.contains(entry.providerID)
        var json = JSONLine(["order": order, "provider": entry.providerID.rawValue, "model": entry.model])
        json["baseURL"] = entry.provider.baseURL?.absoluteString ?? NSNull()
        json["sharesOriginWith"] = plan.providers(sharingOriginWith: entry).map(\.rawValue)
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
        let options = try submitOptions(args, configuration: configuration)
        let exploration: Exploration
        do {
            exploration = try explore(request, toolbox: toolbox, configuration: configuration, options: options)
        } catch {
            return VideoGen.report(error, json: json, console: console)
        }
        let plan = exploration.plan
        if json {
            var output = JSONLine(["model": request.model])
            output["candidates"] = plan.eligible.enumerated().map {
                candidateJSON($1, order: $0 + 1, missingKeys: exploration.missingKeys, plan: plan)
            }
            output["skipped"] = exploration.allSkipped.map(Render.skippedJSON)
            if plan.eligible.isEmpty {
                let error = exploration.plan.noCandidateError()
                output["error"] = Render.errorJSON(
                    error, exitCode: ExitCode(for: error), hints: VideoGen.hints(for: error))
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
                let neighbours = plan.providers(sharingOriginWith: entry)
                if !neighbours.isEmpty, let origin = entry.provider.origin {
                    console.out(
                        "   note:         shares \(origin) with \(neighbours.map(\.rawValue).joined(separator: ", ")): "
                            + "a connection failure on one passes over the others")
                }
            }
            if !exploration.allSkipped.isEmpty {
                console.out("Passed over:")
                for skipped in exploration.allSkipped { console.out("  - \(skipped)") }
            }
            for note in notes(exploration.allSkipped) { console.out("note: " + note) }
        }
        guard plan.eligible.isEmpty else { return .success }
        return VideoGen.report(exploration.plan.noCandidateError(), json: false, console: console)
    }

    /// What the user can change about candidates passed over, in the tool's options.
    static func notes(_ skipped: [SkippedCandidate]) -> [String] {
        VideoGen.hints(for: VideoProviderError(.noEligibleProvider, "", skipped: skipped))
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

    // MARK: dry run

    static func dryRun(_ args: Arguments, console: Console) throws(Arguments.UsageError) -> ExitCode {
        let toolbox = try Toolbox(arguments: args)
        let request = try request(args)
        let configuration = try configuration(args)
        let json = args.flag("json")
        let options = try submitOptions(args, configuration: configuration)
        // A dry run shows what would be sent even before keys are set up: a missing key is a note, and
        // the header shows `[redacted]` either way.
        let exploration: Exploration
        do {
            exploration = try explore(request, toolbox: toolbox, configuration: configuration, options: options)
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
                // Providers throw `VideoProviderError` only (typed throws).
                return VideoGen.report(error, json: json, console: console)
            }
            let curl =
                args.flag("curl") ? Render.curl(httpRequest, provider: entry.providerID, resolved: entry.resolved) : nil
            if json {
                var candidate = candidateJSON(
                    entry, order: index + 1, missingKeys: exploration.missingKeys, plan: plan)
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
                let neighbours = plan.providers(sharingOriginWith: entry)
                if !neighbours.isEmpty, let origin = entry.provider.origin {
                    console.out(
                        "   note:         shares \(origin) with \(neighbours.map(\.rawValue).joined(separator: ", ")): "
                            + "a connection failure on one passes over the others")
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
            for note in notes(exploration.allSkipped) { console.out("note: " + note) }
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
