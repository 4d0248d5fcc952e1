/// One command: the options it takes, in the order its synopsis shows them, and what it does.
///
/// Options are named by their id in ``OptionSpec/all``; everything about an option (its value, whether it
/// repeats, its help) is declared there once.
struct CommandSpec {
    /// One piece of a synopsis.
    enum Item {
        /// An optional option: `[--json]`.
        case option(String)
        /// An option the command requires: `--model NAME`.
        case required(String)
        /// Options of which at most one may be given: `[--json | --markdown]`.
        case oneOf([String])
        /// Every option of another command: `[generate options]`.
        case optionsOf(String)
    }

    let name: String
    /// The positional argument, when the command takes one (`JOB`), and whether it may be left out.
    var positional: (name: String, optional: Bool)? = nil
    /// The synopsis, line by line (only `generate`'s needs more than one).
    let lines: [[Item]]
    /// What `videogen COMMAND --help` says after the synopsis.
    let summary: String

    /// Every command, in the order `videogen help` lists them.
    static let all: [CommandSpec] = [
        CommandSpec(
            name: "providers",
            lines: [[.option("json"), .option("base-url"), .option("register"), .option("simulate")]],
            summary: """
                Lists every provider: id, name, base URL, the variable its key comes from and whether it is set, and
                its models. Sends nothing.
                """),
        CommandSpec(
            name: "capabilities",
            lines: [
                [
                    .option("provider-filter"), .option("model-filter"), .oneOf(["json", "markdown"]),
                    .option("base-url"), .option("register"), .option("simulate"),
                ]
            ],
            summary: """
                What each model accepts: duration, aspect ratios, resolutions, reference images, prompt length,
                billing. Sends nothing. --json and --markdown are exclusive.
                """),
        CommandSpec(
            name: "plan", lines: [[.required("model"), .required("prompt"), .optionsOf("generate"), .option("json")]],
            summary: """
                Who would serve the request, in order, what each would make and bill, and why the others are passed
                over. Takes generate's options. Sends nothing and needs no API key. Exit 2 when nobody can serve it.
                """),
        CommandSpec(
            name: "generate",
            lines: [
                [.required("model"), .required("prompt")],
                [.option("provider")],
                [.option("seconds"), .option("aspect-ratio"), .option("resolution")],
                [.option("image")],
                [.option("first-frame"), .option("last-frame"), .option("reference-image")],
                [.option("seed"), .option("negative-prompt"), .oneOf(["audio", "no-audio"])],
                [.option("provider-option")],
                [.option("output")],
                [.option("job-file")],
                [.option("base-url")],
                [.option("register")],
                [.option("simulate")],
                [.option("simulate-outcome")],
                [.option("simulate-fault")],
                [.option("simulate-flavor")],
                [.option("dry-run"), .option("curl")],
                [.option("adjust")],
                [.option("allow-different-fallback")],
                [.option("max-billable-seconds")],
                [.option("resubmit-ambiguous")],
                [.option("resubmit-failed")],
                [.option("json"), .option("timeout"), .option("poll-interval")],
            ],
            summary: """
                Checks everything local first (options, numbers, --output and the job file's folder, the route,
                keys, --max-billable-seconds), writes the job file, then submits to the first provider that can
                serve the request, follows the task and, with --output, downloads the video. A fallback makes the
                same length, ratio and resolution as the first choice unless --allow-different-fallback. A
                submission that may have created a task is not sent again without --resubmit-ambiguous (then once).
                --timeout bounds the whole command; on timeout or SIGINT/SIGTERM the job file stays and the exact
                `videogen follow …` command is printed. Exit 0, 1, 2, 3, 130 or 143.
                """),
        CommandSpec(
            name: "follow", positional: ("JOB", false),
            lines: [
                [
                    .option("output"), .option("timeout"), .option("poll-interval"), .option("json"),
                    .option("base-url"), .option("register"), .option("simulate"), .option("simulate-flavor"),
                ]
            ],
            summary: """
                Follows a job to its end with the same progress display as generate (asking at once, then as the
                vendor advises), then downloads the video when --output is given. --timeout bounds the whole
                command (default 1800 s); --poll-interval never polls faster than the vendor asks. Needs the job's
                provider key. Exit 0 done, 1 the task failed, 2 bad input, 3 timeout or network, 130/143 signals.
                """),
        CommandSpec(
            name: "status", positional: ("JOB", false),
            lines: [
                [
                    .option("json"), .option("simulate"), .option("simulate-flavor"), .option("base-url"),
                    .option("register"),
                ]
            ],
            summary: """
                Asks the provider once where the task of a job stands. Needs the job's provider key (exit 2
                naming the variable otherwise). Exit 0 queued, processing or completed; 1 failed, cancelled or
                expired; 3 network failure.
                """),
        CommandSpec(
            name: "download", positional: ("JOB", false),
            lines: [
                [
                    .required("output"), .option("json"), .option("simulate"), .option("simulate-flavor"),
                    .option("base-url"), .option("register"),
                ]
            ],
            summary: """
                Downloads the finished video of a job. A task that is still running is exit 3 (try again, or use
                `videogen follow JOB --output FILE`); a task that failed is exit 1 with the vendor's reason.
                """),
        CommandSpec(
            name: "cancel", positional: ("JOB", false),
            lines: [
                [
                    .option("json"), .option("simulate"), .option("simulate-flavor"), .option("base-url"),
                    .option("register"),
                ]
            ],
            summary: """
                Asks the provider once to cancel the task of a job (never retried; nothing is ever submitted).
                Needs the job's provider key. Exit 0 cancelled; 1 the vendor refused; 2 bad input, or the
                provider has no cancel (nothing sent); 3 network failure.
                """),
        CommandSpec(
            name: "help", positional: ("COMMAND", true), lines: [[.option("reference")]],
            summary: """
                Prints the usage summary, one command's usage, or (--markdown) the option reference.
                """),
    ]

    static func named(_ name: String) -> CommandSpec? { all.first { $0.name == name } }

    /// The ids of the options the command takes, in synopsis order.
    var optionIDs: [String] {
        var ids: [String] = []
        for item in lines.joined() {
            let named: [String]
            switch item {
            case .option(let id), .required(let id): named = [id]
            case .oneOf(let group): named = group
            case .optionsOf(let command): named = Self.named(command)?.optionIDs ?? []
            }
            ids += named.filter { !ids.contains($0) }
        }
        return ids
    }

    /// The options the command requires.
    var requiredIDs: Set<String> {
        Set(
            lines.joined().compactMap { item in
                if case .required(let id) = item { return id }
                return nil
            })
    }

    /// The groups of options of which at most one may be given.
    var exclusiveGroups: [[String]] {
        lines.joined().compactMap { item in
            if case .oneOf(let ids) = item { return ids }
            return nil
        }
    }
}
