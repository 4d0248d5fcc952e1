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
        request.seconds = args.integer("seconds")
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
        try addExtras(args, to: &request)
        return request
    }

    /// An `--image` value: anything with a `scheme://` prefix (or `data:`) is a URL, so the library
    /// judges its scheme (`ftp://…` is its "unsupported URL scheme" error, not a missing file); anything
    /// else is a local path.
    static func image(_ text: String, option: String = "image") throws(Arguments.UsageError) -> ImageInput {
        guard hasURLScheme(text) || text.lowercased().hasPrefix("data:") else {
            return .file(URL(fileURLWithPath: text))
        }
        guard let url = URL(string: text) else {
            throw Arguments.UsageError(description: "--\(option) '\(text)' is not a valid URL")
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
        if let interval = args.seconds("poll-interval") {
            configuration.polling = .fixed(interval, timeout: configuration.polling.timeout)
            // Never faster than the vendor asks (30 s on kyyReactApiServer), whatever the user gives.
            configuration.polling.fixedIntervalHonorsVendorMinimum = true
        }
        if let timeout = args.seconds("timeout") { configuration.polling.timeout = timeout }
        return configuration
    }

    /// `--max-billable-seconds`, `--allow-different-fallback` and `--provider` as submit options.
    static func submitOptions(_ args: Arguments, configuration: VideoClient.Configuration)
        throws(Arguments.UsageError) -> VideoClient.SubmitOptions
    {
        var options = VideoClient.SubmitOptions(providers: try providerOrder(args))
        options.ambiguousSubmissions = configuration.ambiguousSubmissions
        options.maximumBillableSeconds = args.integer("max-billable-seconds")
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

    static func missingKeyNote(_ id: ProviderID) -> String {
        "\(id.apiKeyEnvironmentVariable) is not set; a real run would skip this provider"
    }

    // MARK: plan

    /// Runs `body` with the request the options describe and its route as `plan` and `--dry-run` see it;
    /// when the route cannot be worked out, reports why instead.
    static func exploring(
        _ args: Arguments, console: Console, _ body: (VideoRequest, Exploration) -> ExitCode
    ) throws(Arguments.UsageError) -> ExitCode {
        let toolbox = try Toolbox(arguments: args)
        let request = try request(args)
        let configuration = try configuration(args)
        let options = try submitOptions(args, configuration: configuration)
        do throws(VideoProviderError) {
            return body(
                request, try explore(request, toolbox: toolbox, configuration: configuration, options: options))
        } catch {
            return VideoGen.report(error, json: args.flag("json"), console: console)
        }
    }

    /// One candidate in the text output of `plan` and `--dry-run`, with notes on a missing key and on the
    /// providers that share its origin.
    static func printCandidate(
        _ entry: RoutePlan.Entry, number: Int, label: String = "", exploration: Exploration, console: Console
    ) {
        let lines = Render.resolvedText(entry)
        console.out("\(number). " + lines[0] + label)
        for line in lines.dropFirst() { console.out(" " + line) }
        if exploration.missingKeys.contains(entry.providerID) {
            console.out("   note:         " + missingKeyNote(entry.providerID))
        }
        let neighbours = exploration.plan.providers(sharingOriginWith: entry)
        if !neighbours.isEmpty, let origin = entry.provider.origin {
            console.out(
                "   note:         shares \(origin) with \(neighbours.map(\.rawValue).joined(separator: ", ")): "
                    + "a connection failure on one passes over the others")
        }
    }

    /// The candidates passed over and why, then what the user can change about them, in the tool's options.
    static func printPassedOver(_ exploration: Exploration, console: Console) {
        guard !exploration.allSkipped.isEmpty else { return }
        console.out("Passed over:")
        for skipped in exploration.allSkipped { console.out("  - \(skipped)") }
        let hints = VideoGen.hints(for: VideoProviderError(.noEligibleProvider, "", skipped: exploration.allSkipped))
        for note in hints { console.out("note: " + note) }
    }

    static func plan(_ args: Arguments, console: Console) throws(Arguments.UsageError) -> ExitCode {
        try exploring(args, console: console) { request, exploration in
            printPlan(request, exploration, json: args.flag("json"), console: console)
        }
    }

    private static func printPlan(
        _ request: VideoRequest, _ exploration: Exploration, json: Bool, console: Console
    ) -> ExitCode {
        let plan = exploration.plan
        if json {
            var output = JSONBody([
                "model": request.model,
                "candidates": plan.eligible.enumerated().map {
                    JSONView.candidate($1, order: $0 + 1, missingKeys: exploration.missingKeys, plan: plan)
                },
                "skipped": exploration.allSkipped.map(JSONView.skipped),
            ])
            if plan.eligible.isEmpty {
                let error = exploration.plan.noCandidateError()
                output["error"] = .object(
                    JSONView.error(error, exitCode: ExitCode(for: error), hints: VideoGen.hints(for: error)))
            }
            console.out(output.text)
        } else if !plan.eligible.isEmpty {
            console.out("Would try, in order:")
            for (index, entry) in plan.eligible.enumerated() {
                printCandidate(entry, number: index + 1, exploration: exploration, console: console)
            }
            printPassedOver(exploration, console: console)
        }
        guard plan.eligible.isEmpty else { return .success }
        return VideoGen.report(exploration.plan.noCandidateError(), json: false, console: console)
    }

    /// `--provider` ids, checked against the built-in providers and `--register` ids.
    static func providerOrder(_ args: Arguments) throws(Arguments.UsageError) -> [ProviderID]? {
        let ids = args.all("provider").map { ProviderID($0) }
        let known = Toolbox.providerIDs + (try Toolbox.registrations(args.all("register"))).map(\.id)
        for id in ids where !known.contains(id) {
            throw Arguments.UsageError(
                description: "unknown provider '\(id)'; known: \(known.map(\.rawValue).joined(separator: ", "))")
        }
        return ids.isEmpty ? nil : ids
    }

    // MARK: dry run

    /// A dry run shows what would be sent even before keys are set up: a missing key is a note, and the
    /// header shows `[redacted]` either way.
    static func dryRun(_ args: Arguments, console: Console) throws(Arguments.UsageError) -> ExitCode {
        try exploring(args, console: console) { request, exploration in
            printDryRun(request, exploration, json: args.flag("json"), curl: args.flag("curl"), console: console)
        }
    }

    private static func printDryRun(
        _ request: VideoRequest, _ exploration: Exploration, json: Bool, curl printsCurl: Bool, console: Console
    ) -> ExitCode {
        let plan = exploration.plan
        guard !plan.eligible.isEmpty else {
            return VideoGen.report(exploration.plan.noCandidateError(), json: json, console: console)
        }
        var candidates: [JSONBody] = []
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
                printsCurl
                ? Render.curl(
                    httpRequest, provider: entry.providerID, resolved: entry.resolved,
                    credentials: entry.provider.credentialScheme) : nil
            if json {
                let candidate = JSONView.candidate(
                    entry, order: index + 1, missingKeys: exploration.missingKeys, plan: plan)
                candidates.append(
                    candidate.appending(JSONBody(["request": JSONView.request(httpRequest), "curl": curl])))
            } else {
                if index > 0 { console.out("") }
                printCandidate(
                    entry, number: index + 1, label: index == 0 ? " (first choice)" : " (fallback)",
                    exploration: exploration, console: console)
                console.out("")
                for line in Render.requestText(httpRequest) { console.out(line) }
                if let curl {
                    console.out("")
                    console.out(curl)
                }
            }
        }
        if json {
            console.out(
                JSONBody([
                    "dryRun": true, "model": request.model, "candidates": candidates,
                    "skipped": exploration.allSkipped.map(JSONView.skipped),
                ]).text)
        } else if !exploration.allSkipped.isEmpty {
            console.out("")
            printPassedOver(exploration, console: console)
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
