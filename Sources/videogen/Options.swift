import VideoProviderKit

/// One option of the tool, declared once. The table below drives the parser (``Arguments``), the usage
/// text (`videogen help`, `videogen COMMAND --help`) and the option reference in docs/cli.md
/// (`videogen help --markdown`; a test keeps the document equal to it).
struct OptionSpec {
    /// What the option's value must be; the parser checks it before the command runs.
    enum Value {
        /// Any text; the command judges it (a path, a URL, `ID=URL`).
        case text(String)
        /// A whole number, within `range` when there is one.
        case wholeNumber(String, range: ClosedRange<Int>?)
        /// A number of seconds within `range`, fractions allowed.
        case seconds(String, range: ClosedRange<Double>)
        /// One of these words.
        case oneOf([String])

        /// How the usage text names the value: `NAME`, `SECONDS`, `success|failure|…`.
        var placeholder: String {
            switch self {
            case .text(let name), .wholeNumber(let name, _), .seconds(let name, _): return name
            case .oneOf(let words): return words.joined(separator: "|")
            }
        }
    }

    /// Tells options apart in the command table; usually the name, unless two options share a name with
    /// different meanings on different commands (`--model` filters `capabilities`).
    let id: String
    /// The name without `--`.
    let name: String
    /// `nil` for a flag.
    let value: Value?
    /// Whether it may be given more than once (marked `...` in the usage).
    var repeatable = false
    /// The few words after it in `generate`'s usage, if any.
    var note: String? = nil
    /// What it does, in Markdown, for the reference.
    let meaning: String

    /// An option that takes a value.
    init(
        _ name: String, id: String? = nil, _ value: Value, repeatable: Bool = false, note: String? = nil,
        _ meaning: String
    ) {
        self.id = id ?? name
        self.name = name
        self.value = value
        self.repeatable = repeatable
        self.note = note
        self.meaning = meaning
    }

    /// A flag.
    init(_ name: String, id: String? = nil, note: String? = nil, _ meaning: String) {
        self.id = id ?? name
        self.name = name
        self.value = nil
        self.note = note
        self.meaning = meaning
    }

    /// `--seconds N`, `--json`.
    var spelling: String { "--\(name)" + (value.map { " " + $0.placeholder } ?? "") }

    /// The option as the tool's synopses show it: `[--seconds N]`, `[--image PATH_OR_URL]...`, or without
    /// brackets when the command requires it.
    func synopsis(required: Bool = false) -> String {
        (required ? spelling : "[\(spelling)]") + (repeatable ? "..." : "")
    }
}

extension OptionSpec {
    /// `--timeout`: at least a second, at most a week.
    static let timeoutRange: ClosedRange<Double> = 1...604_800
    /// `--poll-interval`: at least a second (a vendor's own advice can raise it), at most an hour.
    static let pollIntervalRange: ClosedRange<Double> = 1...3_600

    /// Every option of every command, in the order the reference lists them.
    static let all: [OptionSpec] = [
        OptionSpec(
            "model", .text("NAME"),
            "A native model name (`grok_video3`), a family alias (`grok-video-3` for `grok_video3`; names match ignoring case and the separators `-` and `_`, so `grok_imagine_video` and `grok-video3` work too), or `ID:NAME` to pin one provider (`octopusx:grok-video-3`)."
        ),
        OptionSpec(
            "model", id: "model-filter", .text("NAME"),
            "Only that model, by native name or family alias (`grok-video-3` also matches `grok_video3`); providers without it are left out. No provider having it is exit 2."
        ),
        OptionSpec("prompt", .text("TEXT"), "What the video shows."),
        OptionSpec(
            "provider", .text("ID"), repeatable: true, note: "fallback order (default: the registry's route)",
            "Use only these providers, in this order (the fallback order). Default: every provider that has the model, in registry order: \(Toolbox.providerList)."
        ),
        OptionSpec("provider", id: "provider-filter", .text("ID"), "One provider only."),
        OptionSpec(
            "seconds", .wholeNumber("N", range: nil),
            "The video's length. Default: the model's default. Fixed-length models accept only their length, and leave the field out of the request when their table says so."
        ),
        OptionSpec("aspect-ratio", .text("W:H"), "Default: the model's default (16:9 everywhere)."),
        OptionSpec(
            "resolution", .text("480p|540p|720p|1080p"),
            "Also spelled `720P` or `720`. Default: the model's default; refused for models whose resolution is not configurable."
        ),
        OptionSpec(
            "image", .text("PATH_OR_URL"), repeatable: true,
            "A reference image, in order: a local file (jpeg, png or webp, sniffed from its bytes), an `http(s)` URL, or a `data:image/…;base64,…` URI. A value starting with a URL scheme and `://` (`ftp://…`, `file:///…`) is taken as a URL, never as a path: schemes other than `http`, `https` and `file` are refused (exit 2, `unsupported URL scheme`); anything else without one is a local path. Converted to the form each model takes where that is safe (a file becomes a data URI or a multipart file part); a public URL is never fetched on your behalf, so models that take only uploads refuse it. A local file must be a regular file (or a link to one): a FIFO, a directory or a device is refused at once (exit 2, e.g. `a FIFO (named pipe), not a regular file`), never opened in a way that could wait. An image sent as bytes may not be larger than the model's ceiling (`maxBytes` in [`capabilities --json`](#capabilities---json); 20 MiB unless the vendor states another), checked from the file's size before anything is sent (exit 2, `images[0] = huge.png, 1,073,741,824 bytes (1 GiB) is not allowed (too large for …); allowed: at most 20,971,520 bytes (20 MiB) per image`)."
        ),
        OptionSpec(
            "first-frame", .text("PATH_OR_URL"),
            "An image the video starts on (role `first-frame`), in the forms `--image` takes. Refused (exit 2, naming `images[i]`, the role and the roles the model takes) by models that take no first frame; `capabilities` lists each model's roles. Images are numbered `images[0]`, `images[1]`, … in the order the image options are given."
        ),
        OptionSpec(
            "last-frame", .text("PATH_OR_URL"), "An image the video ends on (role `last-frame`), like `--first-frame`."
        ),
        OptionSpec(
            "reference-image", .text("PATH_OR_URL"), repeatable: true,
            "An image that guides content or style without being a frame (role `reference`), like `--first-frame`. `--image` gives an image without a role: it takes the role the model's table gives such images (`unassignedRole` in [`capabilities --json`](#capabilities---json): `reference` on the gateways; on xAI one image is the `first-frame`, two or more are references)."
        ),
        OptionSpec(
            "seed", .wholeNumber("N", range: nil),
            "A seed, for models that take one (`seed` in [`capabilities --json`](#capabilities---json) gives the range). Refused (exit 2, `seed = N is not allowed (… does not take a seed); allowed: none`) by models that take none; with `--adjust` left out with a warning instead. No Grok model takes one."
        ),
        OptionSpec(
            "negative-prompt", .text("TEXT"),
            "What the video should not show, for models that take it (`negativePrompt.maxLength` in `capabilities --json`). Refused by models that take none, like `--seed`."
        ),
        OptionSpec(
            "audio",
            "Ask for sound, for models with an audio switch (`audio` in `capabilities --json` gives the default and whether it may be changed). Refused by models without one, like `--seed`. Default: the model's default, written into the request."
        ),
        OptionSpec("no-audio", "Ask for a silent video; see `--audio`. Not with `--audio`."),
        OptionSpec(
            "provider-option", .text("ID.KEY=JSON"), repeatable: true,
            note: "a vendor field for one provider only",
            "Add field KEY with the JSON value (`5`, `true`, `\"text\"`, `{\"type\":\"simple\"}`; anything that is not JSON is taken as a string) to provider ID's request only, never to another fallback candidate (the library's `providerOptions[ID]`). Fields the library sets itself in that provider's body (the Grok gateways' `model`, `prompt`, `duration`, …; a vendor's own names, such as Veo's `durationSeconds`) are refused (exit 2, `provider-options.ID.KEY`). ID must be a provider of the tool. `--dry-run` shows the field in that provider's body."
        ),
        OptionSpec(
            "output", .text("FILE"), note: "download the video when done",
            "Download the finished video to FILE (atomically: never a partial file). Checked before anything is sent: its folder is created if missing; a folder, a FIFO, a device, a socket or a path under something that is not a folder is exit 2. The run claims FILE for itself with `FILE.lock` (an advisory lock the system drops when the process ends, removed on exit): a second `videogen` writing the same FILE meanwhile is exit 2 (`--output FILE is being written by another videogen (pid N); …`). Only a video is saved; see [Downloads](#downloads)."
        ),
        OptionSpec(
            "job-file", .text("FILE"), note: "where to save the job (default: FILE.job.json)",
            "Where to write the [job file](#job-files), checked like `--output`. Default: `FILE.job.json` next to `--output`, else `videogen-<8 hex>.job.json` in the current directory."
        ),
        OptionSpec(
            "base-url", .text("ID=URL"), repeatable: true,
            note: "override a provider's base URL (http only for loopback)",
            "Use URL as that provider's base URL (path prefixes are kept). `https://` anywhere; plain `http://` only to a loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`), because the key would travel unencrypted; anything else is exit 2. `follow`, `status` and `download` need the base URL the job was created at."
        ),
        OptionSpec(
            "register", .text("ID=TYPE"), repeatable: true,
            note: "register provider TYPE again under its own ID (key: <ID>_API_KEY)",
            "Registers the built-in provider TYPE (a provider id, such as `openai-compatible`) a second time under ID, beside the built-in one: two OpenAI-format gateways, or two accounts of one gateway. ID is lower-case letters, digits and `-`, not a built-in id; its key comes from `<ID>_API_KEY` (upper-cased, `-` written `_`: `--register gw-b=openai-compatible` reads `GW_B_API_KEY`), its base URL from `--base-url ID=URL` (the type's documented default otherwise). It is routed like any provider (`ID:MODEL` pins it, `--provider ID` chooses it). `follow`, `status` and `download` need the same `--register` as the run that made the job. A malformed entry, an unknown TYPE or a repeated ID is exit 2."
        ),
        OptionSpec(
            "simulate", note: "every provider answered by the in-process simulator",
            "Every provider is answered by the in-process simulator. See [Simulation](#simulation)."
        ),
        OptionSpec(
            "simulate-outcome", .oneOf(SimulatedGateways.outcomes.map(\.name)),
            "With `--simulate`: how every task ends (`success` by default)."
        ),
        OptionSpec(
            "simulate-fault", .text("ID=refuse|html|drop|timeout|quota|STATUS"), repeatable: true,
            "With `--simulate`: every submission of provider ID suffers KIND: `refuse` (connection refused; a refusal is the host's, so it reaches every provider on the same origin — `aizfw=refuse` also refuses `xingchaoyiqing`, which the route then passes over), `html` (a proxy's 502 HTML page), `drop` (the answer is lost after the task was created), `timeout` (the same, as a timeout), `quota` (the account's quota or balance is used up, answered as the gateway's flavour does: new-api HTTP 403 `insufficient_user_quota`, a kyy deployment HTTP 200 `{\"code\",\"msg\":\"余额不足\"}`, otherwise HTTP 402; exit 1, kind `quota-exceeded`, the next provider is tried), or an HTTP status `400`–`599` answered in the gateway's own error format. Every kind but `refuse` is an answer to that provider's requests only (told apart by its key), even where two providers share one gateway."
        ),
        OptionSpec(
            "simulate-flavor", .text("[ID=]FLAVOR"), repeatable: true,
            note: "answer as a deployed gateway does (see below)",
            "With `--simulate`: the simulated gateways answer as deployed gateways do, not only as their pages say. `ID=FLAVOR` flavours one provider (the flavour must fit its wire format); a bare `FLAVOR` flavours every provider whose wire format it fits. See [Flavours](#flavours). `follow`, `status` and `download` take the same flavours as the `generate` that made the job."
        ),
        OptionSpec(
            "dry-run", note: "print the resolved request and exact HTTP request; send nothing",
            "Print the resolved request and the exact HTTP request for every candidate, in order; send nothing. Works without API keys. See [below](#generate---dry-run)."
        ),
        OptionSpec(
            "curl",
            "With `--dry-run`: also an equivalent `curl` command per candidate. The key is written as `$<ID>_API_KEY`, never its value. See [below](#curl-commands) for when it cannot run as printed."
        ),
        OptionSpec(
            "adjust", note: "pick the closest match across providers (exact first)",
            "Snap an unsupported duration, aspect ratio or resolution to the nearest allowed value (with a warning that says what changed) instead of refusing, choosing across all candidates: those that make exactly what was asked first, then the closest (fewest values changed, then the smallest change; route order among equals). 540p goes to the gateway that makes 540p, not to the first one snapped to 480p. A model's dependent rules (`rules` in [`capabilities --json`](#capabilities---json), e.g. 1080p only at 8 s) are respected: the value the rule narrows is snapped (1080p at 6 s becomes 8 s); without `--adjust` a default the rule does not allow is moved anyway (with a warning) and a value you chose is refused. A `--seed`, `--negative-prompt` or `--audio`/`--no-audio` the model does not take is left out with a warning; audio a model cannot switch is set to what it makes. Images, prompts, seeds and models are never adjusted."
        ),
        OptionSpec(
            "allow-different-fallback", note: "let a fallback make another length, ratio or resolution",
            "Let a fallback make another length, aspect ratio or resolution than the first choice (and bill accordingly). Off by default: such candidates are passed over, with what they would make and bill."
        ),
        OptionSpec(
            "max-billable-seconds", .wholeNumber("N", range: 1...86_400),
            note: "cap on the seconds every possibly billed submission adds up to",
            "The most billable seconds the run may spend, summed over every submission that may be billed: the accepted one, ambiguous ones, resends, and failed tasks resubmitted with `--resubmit-failed`. A per-call model counts its fixed length. Candidates over it are passed over before sending (exit 2 when none is left); a resend that would pass it is not sent. No budget by default."
        ),
        OptionSpec(
            "resubmit-ambiguous", note: "allow resending a submission that may have created a task",
            "Allow resending a submission that may already have created (and billed) a task: once per run (to the same provider while its attempts last, else the next), so one dropped answer costs at most two possibly billed submissions. Off by default: such a submission stops with exit 3."
        ),
        OptionSpec(
            "resubmit-failed", note: "resubmit a failed task to the next provider",
            "When a task fails for a reason that is not the prompt's (an upstream error, expiry), or the vendor fails it in its answer to the submission, submit it to the next provider. Off by default (the failed task may be billed)."
        ),
        OptionSpec(
            "json",
            "Machine-readable output on stdout: the command's [JSON object](#json-formats), or for `generate`, `follow` and `download` one [event line](#event-lines) per event. Errors are the [error object](#error-object)."
        ),
        OptionSpec(
            "markdown",
            "The tables of [capabilities.md](capabilities.md) (that file is generated from this output). Not with `--json`."
        ),
        OptionSpec(
            "timeout", .seconds("SECONDS", range: timeoutRange),
            "Give up after this long, whatever the run is doing: submitting, waiting, following or downloading (a transfer in flight is cut; an answer that drips one byte at a time does not keep it alive). Exit 3; see [Timeouts and interruptions](#timeouts-and-interruptions). Default 1800."
        ),
        OptionSpec(
            "poll-interval", .seconds("SECONDS", range: pollIntervalRange),
            "Poll at this fixed interval, overriding the adaptive strategy (which honours the vendor's advice, e.g. 30–60 s on kyyReactApiServer, and server hints) — but never faster than the vendor's recommended minimum: on kyyReactApiServer `--poll-interval 5` polls every 30 s."
        ),
        OptionSpec(
            "markdown", id: "reference",
            "Print the option reference of docs/cli.md (the table between its `options` markers), generated from the same table as the usage text."
        ),
    ]

    /// The option with this id.
    static func withID(_ id: String) -> OptionSpec {
        guard let option = all.first(where: { $0.id == id }) else { preconditionFailure("no option '\(id)'") }
        return option
    }

    /// Every option name of the tool, `--help` and `--version` included: what an option's value may not
    /// be (`--prompt --dry-run` forgot the prompt).
    static let knownNames = Set(all.map(\.name) + ["help", "version"])
}
