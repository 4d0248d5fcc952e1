/// The usage text and the option reference, written from ``CommandSpec/all`` and ``OptionSpec/all``.
enum Usage {
    /// `videogen help`.
    static var summary: String {
        let synopses = CommandSpec.all.map { synopsis(of: $0, indent: "  ") } + ["  videogen --version"]
        return """
            videogen: generate Grok videos through any supported gateway.

            Usage:
            \(synopses.joined(separator: "\n"))

            JOB is a job file written by `generate`, or its JSON text. `videogen COMMAND --help` describes one command.
            FLAVOR (with --simulate): \(SimulatedGateways.flavorNames).
            API keys come from <ID>_API_KEY (e.g. AIZFW_API_KEY, OPENAI_COMPATIBLE_API_KEY); they are never printed.
            With KLING_ACCESS_KEY set, KLING_API_KEY is Kling's secret key and requests carry a signed JWT.
            Exit codes: 0 success; 1 the vendor or task failed; 2 invalid input or usage (nothing was sent);
            3 network failure, timeout, a submission that may have created a task, or a task not finished yet;
            130 interrupted (SIGINT), 143 terminated (SIGTERM).
            Full reference: docs/cli.md.
            """
    }

    /// `videogen COMMAND --help` and `videogen help COMMAND`; `nil` for an unknown command.
    static func command(_ name: String) -> String? {
        guard let command = CommandSpec.named(name) else { return nil }
        return "Usage:\n" + synopsis(of: command, indent: "  ") + "\n\n" + command.summary
            + "\nFull reference: docs/cli.md."
    }

    /// Where the notes after `generate`'s options start, counted from the first option.
    static let noteColumn = 30

    /// `videogen NAME …`, one line per synopsis line; later lines line up under the first option.
    static func synopsis(of command: CommandSpec, indent: String) -> String {
        var head = "videogen \(command.name)"
        if let positional = command.positional {
            head += positional.optional ? " [\(positional.name)]" : " \(positional.name)"
        }
        let continuation = indent + String(repeating: " ", count: head.count + 1)
        var lines: [String] = []
        for (index, items) in command.lines.enumerated() {
            var text = items.map { synopsis(of: $0, in: command) }.joined(separator: " ")
            let note = items.lazy.compactMap { item -> String? in
                if case .option(let id) = item { return OptionSpec.withID(id).note }
                return nil
            }.first
            if command.lines.count > 1, let note {
                text += String(repeating: " ", count: max(2, noteColumn - text.count)) + note
            }
            lines.append(index == 0 ? indent + head + (text.isEmpty ? "" : " " + text) : continuation + text)
        }
        return lines.joined(separator: "\n")
    }

    private static func synopsis(of item: CommandSpec.Item, in command: CommandSpec) -> String {
        switch item {
        case .option(let id): return OptionSpec.withID(id).synopsis()
        case .required(let id): return OptionSpec.withID(id).synopsis(required: true)
        case .oneOf(let ids): return "[" + ids.map { OptionSpec.withID($0).spelling }.joined(separator: " | ") + "]"
        case .optionsOf(let other): return "[\(other) options]"
        }
    }

    // MARK: The reference

    /// The markers around the generated reference in docs/cli.md.
    static let referenceStart =
        "<!-- options: generated from the option table by `videogen help --markdown`; do not edit by hand -->"
    static let referenceEnd = "<!-- end of options -->"

    /// `videogen help --markdown`: every option, the commands that take it and what it does, between the
    /// markers docs/cli.md keeps it in.
    static var reference: String {
        var lines = [referenceStart, "", "| Option | Commands | Meaning |", "|---|---|---|"]
        for option in OptionSpec.all {
            let commands = CommandSpec.all.filter { $0.optionIDs.contains(option.id) }
            let requiring = commands.filter { $0.requiredIDs.contains(option.id) }.map(\.name)
            var meaning = option.meaning
            if requiring.count == commands.count {
                meaning = "Required. " + meaning
            } else if !requiring.isEmpty {
                meaning += " Required by " + requiring.map { "`\($0)`" }.joined(separator: ", ") + "."
            }
            if let rule = option.value.flatMap(valueRule) { meaning += " " + rule }
            let cells = [
                "`\(option.synopsis(required: true))`", commands.map { "`\($0.name)`" }.joined(separator: ", "),
                meaning,
            ]
            lines.append("| " + cells.map(Render.markdownCell).joined(separator: " | ") + " |")
        }
        lines += ["", referenceEnd]
        return lines.joined(separator: "\n")
    }

    /// What the parser accepts as the value, as a sentence; `nil` for free text.
    private static func valueRule(_ value: OptionSpec.Value) -> String? {
        switch value {
        case .text: return nil
        case .wholeNumber(_, nil): return "A whole number."
        case .wholeNumber(_, let range?): return "A whole number from \(range.lowerBound) to \(range.upperBound)."
        case .seconds(_, let range):
            return
                "Seconds from \(Arguments.plain(range.lowerBound)) to \(Arguments.plain(range.upperBound)), fractions allowed."
        case .oneOf(let words): return "One of " + words.map { "`\($0)`" }.joined(separator: ", ") + "."
        }
    }
}
