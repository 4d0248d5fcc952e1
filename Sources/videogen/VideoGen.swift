import Foundation
import VideoProviderKit

/// `videogen`: generate Grok videos through any configured gateway, inspect capabilities and plans,
/// and follow or download jobs. See `docs/cli.md` for the full interface.
@main
struct VideoGen {
    static let usage = """
        videogen: generate Grok videos through any supported gateway.

        Usage:
          videogen providers [--json] [--base-url ID=URL]... [--simulate]
          videogen capabilities [--provider ID] [--model NAME] [--json | --markdown] [--base-url ID=URL]... [--simulate]
          videogen plan --model NAME --prompt TEXT [generate options] [--json]
          videogen generate --model NAME --prompt TEXT
                            [--provider ID]...            fallback order (default: the registry's route)
                            [--seconds N] [--aspect-ratio W:H] [--resolution 480p|540p|720p|1080p]
                            [--image PATH_OR_URL]...
                            [--output FILE]               download the video when done
                            [--job-file FILE]             where to save the job (default: FILE.job.json)
                            [--base-url ID=URL]...        override a provider's base URL (http only for loopback)
                            [--simulate]                  every provider answered by the in-process simulator
                            [--simulate-outcome success|failure|moderated|expired|cancelled]
                            [--simulate-fault ID=refuse|html|drop|timeout|quota|STATUS]...
                            [--simulate-flavor [ID=]FLAVOR]...  answer as a deployed gateway does (see below)
                            [--dry-run] [--curl]          print the resolved request and exact HTTP request; send nothing
                            [--adjust]                    snap unsupported values to the nearest allowed one
                            [--resubmit-ambiguous]        allow resending a submission that may have created a task
                            [--resubmit-failed]           resubmit a failed task to the next provider
                            [--json] [--timeout SECONDS] [--poll-interval SECONDS]
          videogen status JOB [--json] [--simulate] [--simulate-flavor [ID=]FLAVOR]... [--base-url ID=URL]...
          videogen download JOB --output FILE [--json] [--simulate] [--simulate-flavor [ID=]FLAVOR]... [--base-url ID=URL]...
          videogen help
          videogen --version

        JOB is a job file written by `generate`, or its JSON text.
        FLAVOR (with --simulate): documented, new-api-sora, new-api-xai, new-api-generic, kyy-deployment, xai-mirror.
        API keys come from <ID>_API_KEY (e.g. AIZFW_API_KEY, OPENAI_COMPATIBLE_API_KEY); they are never printed.
        Exit codes: 0 success; 1 the vendor or task failed; 2 invalid input or usage (nothing was sent);
        3 network failure or timeout.
        Full reference: docs/cli.md.
        """

    /// The tool's version: `videogen --version`, and the `User-Agent` of every request it sends.
    static let version = "0.1.0"
    static let userAgent = "videogen/\(version)"

    /// `request` with videogen's `User-Agent` appended, unless it already has one.
    static func addingUserAgent(_ request: HTTPRequest) -> HTTPRequest {
        guard !request.headers.contains("User-Agent") else { return request }
        var copy = request
        copy.headers.add("User-Agent", userAgent)
        return copy
    }

    static func main() async {
        let console = Console()
        let code = await run(Array(CommandLine.arguments.dropFirst()), console: console)
        exit(code.rawValue)
    }

    static let generateOptions: Set<String> = [
        "model", "prompt", "provider", "seconds", "aspect-ratio", "resolution", "image", "output", "job-file",
        "base-url", "timeout", "poll-interval", "simulate-outcome", "simulate-fault", "simulate-flavor",
    ]
    /// The options marked `...` in the usage; every other option takes one value.
    static let repeatableGenerateOptions: Set<String> = [
        "provider", "image", "base-url", "simulate-fault", "simulate-flavor",
    ]
    static let generateFlags: Set<String> = [
        "simulate", "dry-run", "curl", "json", "adjust", "resubmit-ambiguous", "resubmit-failed",
    ]

    static func run(_ arguments: [String], console: Console) async -> ExitCode {
        guard let command = arguments.first else {
            console.err(usage)
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.out(usage)
            return .success
        }
        do {
            switch command {
            case "help", "--help", "-h":
                console.out(usage)
                return .success
            case "--version":
                console.out("videogen \(version)")
                return .success
            case "providers":
                let args = try Arguments(
                    rest, options: ["base-url"], repeatable: ["base-url"], flags: ["json", "simulate"],
                    command: command)
                return try InfoCommands.providers(args, console: console)
            case "capabilities":
                let args = try Arguments(
                    rest, options: ["provider", "model", "base-url"], repeatable: ["base-url"],
                    flags: ["json", "markdown", "simulate"], command: command)
                return try InfoCommands.capabilities(args, console: console)
            case "plan":
                let args = try Arguments(
                    rest, options: generateOptions, repeatable: repeatableGenerateOptions, flags: generateFlags,
                    command: command)
                return try await GenerateCommand.plan(args, console: console)
            case "generate":
                let args = try Arguments(
                    rest, options: generateOptions, repeatable: repeatableGenerateOptions, flags: generateFlags,
                    command: command)
                return try await GenerateCommand.generate(args, console: console)
            case "status":
                let args = try Arguments(
                    rest, options: ["base-url", "simulate-flavor"], repeatable: ["base-url", "simulate-flavor"],
                    flags: ["json", "simulate"], positionals: 1, command: command)
                return try await JobCommands.status(args, console: console)
            case "download":
                let args = try Arguments(
                    rest, options: ["output", "base-url", "simulate-flavor"],
                    repeatable: ["base-url", "simulate-flavor"], flags: ["json", "simulate"], positionals: 1,
                    command: command)
                return try await JobCommands.download(args, console: console)
            default:
                console.err("error: unknown command '\(command)'. Run `videogen help` for usage.")
                return .usage
            }
        } catch {
            console.err("error: \(error.description)")
            console.err("Run `videogen help` for usage.")
            if rest.contains("--json") {
                var line = JSONLine(["event": "error", "kind": "usage", "message": error.description])
                line["exitCode"] = Int(ExitCode.usage.rawValue)
                console.event(line)
            }
            return .usage
        }
    }

    /// Reports a typed error: the first line is one clear sentence, details follow; JSON mode also
    /// prints an `error` event on stdout.
    static func report(_ error: VideoProviderError, json: Bool, console: Console) -> ExitCode {
        let code = ExitCode(for: error)
        console.finishProgress()
        var shown = error
        if !error.violations.isEmpty && error.skipped.allSatisfy({ $0.violations == error.violations }) {
            shown.skipped = []  // the same violations, once is enough
        }
        shown.model = nil  // already in the message
        console.err("error: " + shown.description)
        if json { console.event(Render.errorJSON(error, exitCode: code)) }
        return code
    }
}
