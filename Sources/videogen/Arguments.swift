/// A small hand-written command-line parser: `--name value`, `--name=value`, repeatable options,
/// boolean flags and positionals. The design card allows no package dependencies.
///
/// Anything the command does not expect is a usage error, never silently dropped: an unknown option, a
/// single-value option given twice, or a positional argument beyond the ones the command takes (also
/// after `--`).
struct Arguments {
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []
    private(set) var positionals: [String] = []

    /// - Parameters:
    ///   - options: names that take a value (without `--`).
    ///   - repeatable: the options among `options` that may be given more than once; any other option
    ///     given twice is an error.
    ///   - flags: names that take none.
    ///   - positionals: how many positional arguments the command takes (`status JOB`: one).
    ///   - command: the command's name and what its positionals are, for the error when there are too many.
    ///   - knownNames: every option and flag name of the tool, any command: a value that spells one of
    ///     them (`--prompt --dry-run`) is refused, since the option's value was most likely forgotten.
    init(
        _ arguments: [String], options: Set<String>, repeatable: Set<String> = [], flags allowedFlags: Set<String>,
        positionals maximumPositionals: Int = 0, command: String, knownNames: Set<String> = VideoGen.allOptionNames
    ) throws(UsageError) {
        func addPositional(_ argument: String) throws(UsageError) {
            guard positionals.count < maximumPositionals else {
                let takes = maximumPositionals == 0 ? "no positional arguments" : "exactly one job"
                throw UsageError(description: "unexpected argument '\(argument)': \(command) takes \(takes)")
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
            if allowedFlags.contains(name) {
                guard inlineValue == nil else { throw UsageError(description: "--\(name) takes no value") }
                flags.insert(name)
            } else if options.contains(name) {
                guard values[name] == nil || repeatable.contains(name) else {
                    throw UsageError(description: "--\(name) is given more than once; it takes one value")
                }
                if let inlineValue {
                    values[name, default: []].append(inlineValue)
                } else {
                    guard index < arguments.count else { throw UsageError(description: "--\(name) needs a value") }
                    let value = arguments[index]
                    if Self.spellsAnOption(value, knownNames: knownNames) {
                        throw UsageError(
                            description:
                                "--\(name) needs a value, but '\(value)' is one of videogen's options; to use it as the value, write --\(name)=\(value)"
                        )
                    }
                    values[name, default: []].append(value)
                    index += 1
                }
            } else {
                throw UsageError(description: "unknown option '--\(name)'")
            }
        }
    }

    /// Whether `text`, given where a value was expected, is one of the tool's options (`--dry-run`,
    /// `--seconds=8`), `--help`, `-h` or the `--` marker.
    static func spellsAnOption(_ text: String, knownNames: Set<String>) -> Bool {
        if text == "--" || text == "-h" { return true }
        guard text.hasPrefix("--") else { return false }
        let name = text.dropFirst(2).prefix { $0 != "=" }
        return knownNames.contains(String(name))
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    func integer(_ name: String) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text) else {
            throw UsageError(description: "--\(name) must be a whole number, not '\(text)'")
        }
        return number
    }

    /// A number of seconds within `range` (fractions allowed). Anything else, `1e300` and `0.0001`
    /// included, is a usage error naming the range: never a crash, never a busy loop.
    func seconds(_ name: String, in range: ClosedRange<Double>) throws(UsageError) -> Duration? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw UsageError(
                description:
                    "--\(name) must be a number of seconds from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound)), not '\(text)'"
            )
        }
        return .milliseconds(Int64((number * 1000).rounded()))
    }

    /// A whole number within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let number = try integer(name) else { return nil }
        guard range.contains(number) else {
            throw UsageError(
                description:
                    "--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(number)'")
        }
        return number
    }

    private static func plain(_ number: Double) -> String {
        number.rounded() == number ? String(Int(number)) : String(number)
    }
}
