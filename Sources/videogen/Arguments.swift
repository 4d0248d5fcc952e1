/// A command's arguments, parsed and checked against its entry in the option table (``CommandSpec``,
/// ``OptionSpec``): `--name value`, `--name=value`, repeatable options, flags and positionals. The design
/// card allows no package dependencies.
///
/// Anything the command does not expect is a usage error, never silently dropped: an unknown option, a
/// single-value option given twice, a missing required option, two options of which only one may be
/// given, a value the option does not take, or a positional argument the command does not take (also
/// after `--`).
struct Arguments {
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []
    private(set) var positionals: [String] = []
    /// Every option value in command-line order, so options that fill one list (`--image`, `--first-frame`)
    /// keep the order they were given in.
    private(set) var ordered: [(name: String, value: String)] = []

    init(_ arguments: [String], for command: CommandSpec) throws(UsageError) {
        let options = command.optionIDs.map(OptionSpec.withID)
        let maximumPositionals = command.positional == nil ? 0 : 1
        func addPositional(_ argument: String) throws(UsageError) {
            guard positionals.count < maximumPositionals else {
                let takes =
                    command.positional.map { "exactly one \($0.name.lowercased())" } ?? "no positional arguments"
                throw UsageError(description: "unexpected argument '\(argument)': \(command.name) takes \(takes)")
            }
            positionals.append(argument)
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                for rest in arguments[index...] { try addPositional(rest) }
                break
            }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                if argument.hasPrefix("-") && argument.count > 1 && Double(argument) == nil {
                    throw UsageError(description: "unknown option '\(argument)'")
                }
                try addPositional(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = options.first(where: { $0.name == name }) else {
                throw UsageError(description: "unknown option '--\(name)'")
            }
            guard let kind = option.value else {
                guard inlineValue == nil else { throw UsageError(description: "--\(name) takes no value") }
                flags.insert(name)
                continue
            }
            guard values[name] == nil || option.repeatable else {
                throw UsageError(description: "--\(name) is given more than once; it takes one value")
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw UsageError(description: "--\(name) needs a value") }
                value = arguments[index]
                index += 1
                if Self.spellsAnOption(value) {
                    throw UsageError(
                        description:
                            "--\(name) needs a value, but '\(value)' is one of videogen's options; to use it as the value, write --\(name)=\(value)"
                    )
                }
            }
            try Self.check(value, of: name, kind)
            values[name, default: []].append(value)
            ordered.append((name, value))
        }
        for id in command.requiredIDs {
            let name = OptionSpec.withID(id).name
            guard values[name] != nil || flags.contains(name) else {
                throw UsageError(description: "--\(name) is required")
            }
        }
        for group in command.exclusiveGroups {
            let given = group.map { OptionSpec.withID($0).name }.filter { values[$0] != nil || flags.contains($0) }
            guard given.count <= 1 else {
                throw UsageError(description: "choose one of " + given.map { "--\($0)" }.joined(separator: " and "))
            }
        }
    }

    /// Whether `text`, given where a value was expected, is one of the tool's options (`--dry-run`,
    /// `--seconds=8`), `--help`, `-h` or the `--` marker.
    static func spellsAnOption(_ text: String) -> Bool {
        if text == "--" || text == "-h" { return true }
        guard text.hasPrefix("--") else { return false }
        return OptionSpec.knownNames.contains(String(text.dropFirst(2).prefix { $0 != "=" }))
    }

    /// Refuses a value the option does not take, naming what it does take: never a crash on `1e300` or
    /// `nan`, never a busy loop on `0.0001`.
    private static func check(_ text: String, of name: String, _ kind: OptionSpec.Value) throws(UsageError) {
        switch kind {
        case .text:
            return
        case .wholeNumber(_, let range):
            guard let number = Int(text) else {
                throw UsageError(description: "--\(name) must be a whole number, not '\(text)'")
            }
            if let range, !range.contains(number) {
                throw UsageError(
                    description:
                        "--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(number)'"
                )
            }
        case .seconds(_, let range):
            guard let number = Double(text), number.isFinite, range.contains(number) else {
                throw UsageError(
                    description:
                        "--\(name) must be a number of seconds from \(plain(range.lowerBound)) to \(plain(range.upperBound)), not '\(text)'"
                )
            }
        case .oneOf(let words):
            guard words.contains(text) else {
                throw UsageError(
                    description: "--\(name) must be one of \(words.sorted().joined(separator: ", ")), not '\(text)'")
            }
        }
    }

    /// `1` for 1.0, `2.5` for 2.5.
    static func plain(_ number: Double) -> String {
        number.rounded() == number ? String(Int(number)) : String(number)
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// A whole-number option's value (checked when parsed).
    func integer(_ name: String) -> Int? { value(name).flatMap { Int($0) } }

    /// A seconds option's value (checked when parsed).
    func seconds(_ name: String) -> Duration? {
        value(name).flatMap(Double.init).map { .milliseconds(Int64(($0 * 1000).rounded())) }
    }
}
