import Foundation
import VideoProviderKit

/// `videogen`: generate Grok videos through any configured gateway, inspect capabilities and plans,
/// and follow or download jobs. See `docs/cli.md` for the full interface.
@main
struct VideoGen {
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

    static func run(_ arguments: [String], console: Console) async -> ExitCode {
        guard let name = arguments.first else {
            console.err(Usage.summary)
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.out(Usage.command(name) ?? Usage.summary)
            return .success
        }
        do throws(Arguments.UsageError) {
            switch name {
            case "--help", "-h":
                console.out(Usage.summary)
                return .success
            case "--version":
                console.out("videogen \(version)")
                return .success
            default:
                break
            }
            guard let command = CommandSpec.named(name) else {
                console.err("error: unknown command '\(name)'. Run `videogen help` for usage.")
                return .usage
            }
            let args = try Arguments(rest, for: command)
            switch command.name {
            case "providers": return try InfoCommands.providers(args, console: console)
            case "capabilities": return try InfoCommands.capabilities(args, console: console)
            case "plan": return try GenerateCommand.plan(args, console: console)
            case "generate": return try await GenerateCommand.generate(args, console: console)
            case "follow": return try await JobCommands.follow(args, console: console)
            case "status": return try await JobCommands.status(args, console: console)
            case "download": return try await JobCommands.download(args, console: console)
            case "cancel": return try await JobCommands.cancel(args, console: console)
            default: return try help(args, console: console)
            }
        } catch {
            console.err("error: \(error.description)")
            console.err("Run `videogen help` for usage.")
            if rest.contains("--json") { console.event(JSONView.usageError(error.description)) }
            return .usage
        }
    }

    /// `videogen help [COMMAND] [--markdown]`.
    static func help(_ args: Arguments, console: Console) throws(Arguments.UsageError) -> ExitCode {
        if args.flag("markdown") {
            guard args.positionals.isEmpty else {
                throw Arguments.UsageError(description: "--markdown prints the whole reference; give no command")
            }
            console.out(Usage.reference)
        } else if let topic = args.positionals.first {
            guard let text = Usage.command(topic) else {
                throw Arguments.UsageError(description: "no help for '\(topic)'")
            }
            console.out(text)
        } else {
            console.out(Usage.summary)
        }
        return .success
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
            console.event(JSONView.error(error, exitCode: code, hints: hints, followCommand: followCommand))
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
