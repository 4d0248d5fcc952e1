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
        \(generateSynopsis)
          videogen follow JOB [--output FILE] [--timeout S] [--poll-interval S] [--json] [--base-url ID=URL]... [--simulate] [--simulate-flavor [ID=]FLAVOR]...
          videogen status JOB [--json] [--simulate] [--simulate-flavor [ID=]FLAVOR]... [--base-url ID=URL]...
          videogen download JOB --output FILE [--json] [--simulate] [--simulate-flavor [ID=]FLAVOR]... [--base-url ID=URL]...
          videogen help [COMMAND]
          videogen --version

        JOB is a job file written by `generate`, or its JSON text. `videogen COMMAND --help` describes one command.
        FLAVOR (with --simulate): documented, new-api-sora, new-api-xai, new-api-generic, kyy-deployment, xai-mirror.
        API keys come from <ID>_API_KEY (e.g. AIZFW_API_KEY, OPENAI_COMPATIBLE_API_KEY); they are never printed.
        Exit codes: 0 success; 1 the vendor or task failed; 2 invalid input or usage (nothing was sent);
        3 network failure, timeout, a submission that may have created a task, or a task not finished yet;
        130 interrupted (SIGINT), 143 terminated (SIGTERM).
        Full reference: docs/cli.md.
        """

    /// `generate`'s synopsis, as `videogen help` and `videogen generate --help` print it (two spaces in).
    static let generateSynopsis = """
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
                            [--adjust]                    pick the closest match across providers (exact first)
                            [--allow-different-fallback]  let a fallback make another length, ratio or resolution
                            [--max-billable-seconds N]    cap on the seconds every possibly billed submission adds up to
                            [--resubmit-ambiguous]        allow resending a submission that may have created a task
                            [--resubmit-failed]           resubmit a failed task to the next provider
                            [--json] [--timeout SECONDS] [--poll-interval SECONDS]
        """

    /// `videogen COMMAND --help` and `videogen help COMMAND`.
    static func commandUsage(_ command: String) -> String? {
        let lines = usage.components(separatedBy: "\n")
        let synopsis: String
        switch command {
        case "generate": synopsis = generateSynopsis
        case "help", "providers", "capabilities", "plan", "follow", "status", "download":
            guard
                let line = lines.first(where: {
                    $0.hasPrefix("  videogen \(command) ") || $0 == "  videogen \(command)"
                })
            else { return nil }
            synopsis = line
        default: return nil
        }
        guard let description = commandDescriptions[command] else { return nil }
        return "Usage:\n" + synopsis + "\n\n" + description + "\nFull reference: docs/cli.md."
    }

    static let commandDescriptions: [String: String] = [
        "providers": """
        Lists every provider: id, name, base URL, the variable its key comes from and whether it is set, and
        its models. Sends nothing.
        """,
        "capabilities": """
        What each model accepts: duration, aspect ratios, resolutions, reference images, prompt length,
        billing. Sends nothing. --json and --markdown are exclusive.
        """,
        "plan": """
        Who would serve the request, in order, what each would make and bill, and why the others are passed
        over. Takes generate's options. Sends nothing and needs no API key. Exit 2 when nobody can serve it.
        """,
        "generate": """
        Checks everything local first (options, numbers, --output and the job file's folder, the route,
        keys, --max-billable-seconds), writes the job file, then submits to the first provider that can
        serve the request, follows the task and, with --output, downloads the video. A fallback makes the
        same length, ratio and resolution as the first choice unless --allow-different-fallback. A
        submission that may have created a task is not sent again without --resubmit-ambiguous (then once).
        --timeout bounds the whole command; on timeout or SIGINT/SIGTERM the job file stays and the exact
        `videogen follow …` command is printed. Exit 0, 1, 2, 3, 130 or 143.
        """,
        "follow": """
        Follows a job to its end with the same progress display as generate (asking at once, then as the
        vendor advises), then downloads the video when --output is given. --timeout bounds the whole
        command (default 1800 s); --poll-interval never polls faster than the vendor asks. Needs the job's
        provider key. Exit 0 done, 1 the task failed, 2 bad input, 3 timeout or network, 130/143 signals.
        """,
        "status": """
        Asks the provider once where the task of a job stands. Needs the job's provider key (exit 2
        naming the variable otherwise). Exit 0 queued, processing or completed; 1 failed, cancelled or
        expired; 3 network failure.
        """,
        "download": """
        Downloads the finished video of a job. A task that is still running is exit 3 (try again, or use
        `videogen follow JOB --output FILE`); a task that failed is exit 1 with the vendor's reason.
        """,
        "help": """
        Prints the usage summary, or one command's usage.
        """,
    ]

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
        "max-billable-seconds",
    ]
    /// The options marked `...` in the usage; every other option takes one value.
    static let repeatableGenerateOptions: Set<String> = [
        "provider", "image", "base-url", "simulate-fault", "simulate-flavor",
    ]
    static let generateFlags: Set<String> = [
        "simulate", "dry-run", "curl", "json", "adjust", "resubmit-ambiguous", "resubmit-failed",
        "allow-different-fallback",
    ]
    static let followOptions: Set<String> = ["output", "timeout", "poll-interval", "base-url", "simulate-flavor"]

    /// Every option and flag of every command, `--help` and `--version`: what an option's value may not
    /// be (`--prompt --dry-run` forgot the prompt).
    static let allOptionNames: Set<String> = generateOptions.union(generateFlags).union(followOptions).union([
        "markdown", "help", "version",
    ])

    static func run(_ arguments: [String], console: Console) async -> ExitCode {
        guard let command = arguments.first else {
            console.err(usage)
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.out(commandUsage(command) ?? usage)
            return .success
        }
        do throws(Arguments.UsageError) {
            switch command {
            case "help", "--help", "-h":
                if command == "help", let topic = rest.first {
                    guard rest.count == 1, let text = commandUsage(topic) else {
                        throw Arguments.UsageError(description: "no help for '\(rest.joined(separator: " "))'")
                    }
                    console.out(text)
                } else {
                    console.out(usage)
                }
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
            case "follow":
                let args = try Arguments(
                    rest, options: followOptions, repeatable: ["base-url", "simulate-flavor"],
                    flags: ["json", "simulate"],
                    positionals: 1, command: command)
                return try await JobCommands.follow(args, console: console)
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

    /// Reports a typed error: the first line is one clear sentence, details follow, then `hint:` lines
    /// that name the tool's own options; JSON mode also prints an `error` event on stdout.
    static func report(
        _ error: VideoProviderError, json: Bool, console: Console, hints: [String] = [], followCommand: String? = nil,
        exitCode: ExitCode? = nil
    ) -> ExitCode {
        let code = exitCode ?? ExitCode(for: error)
        console.finishProgress()
        var shown = error
        if !error.violations.isEmpty && error.skipped.allSatisfy({ $0.violations == error.violations }) {
            shown.skipped = []  // the same violations, once is enough
        }
        shown.model = nil  // already in the message
        console.err("error: " + shown.description)
        for hint in hints { console.err("hint: " + hint) }
        if json {
            console.event(Render.errorJSON(error, exitCode: code, hints: hints, followCommand: followCommand))
        }
        return code
    }

    /// What the user can do about `error`, in the tool's own terms (its options, not the library's types).
    static func hints(for error: VideoProviderError) -> [String] {
        var hints: [String] = []
        let text = error.message
        if error.kind == .ambiguousSubmission {
            if text.contains("resending needs the caller's opt-in") {
                hints.append(
                    "--resubmit-ambiguous allows sending it again (once); the vendor may then bill twice. Check the provider's task history first."
                )
            }
            if text.contains("resends allowed") || text.contains("resend allowed") {
                hints.append("--resubmit-ambiguous resends a possibly billed submission at most once per run.")
            }
        }
        let overBudget = error.violations + error.skipped.flatMap(\.violations)
        if text.contains("over the budget of")
            || overBudget.contains(where: { $0.reason == "over the billable-seconds budget" })
        {
            hints.append("The budget is --max-billable-seconds; raise it, or ask for a shorter video.")
        }
        if text.contains("resubmitting failed tasks needs the caller's opt-in") {
            hints.append("--resubmit-failed sends a task that failed this way to the next provider.")
        }
        if error.skipped.contains(where: { $0.reason.hasSuffix("unless differences are allowed") }) {
            hints.append(
                "Providers that would make another length, aspect ratio or resolution were passed over; --allow-different-fallback lets a fallback use them, --adjust picks the closest match."
            )
        }
        return hints
    }

    /// `text` as one shell word: as it is when it holds nothing the shell would split or expand, else
    /// single-quoted.
    static func shellWord(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_./=:@%+,".unicodeScalars.contains($0))
            }
        return plain ? text : Render.shellQuote(text)
    }
}
