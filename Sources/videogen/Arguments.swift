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
    init(
        _ arguments: [String], options: Set<String>, repeatable: Set<String> = [], flags allowedFlags: Set<String>,
        positionals maximumPositionals: Int = 0, command: String
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
                    values[name, default: []].append(arguments[index])
                    index += 1
                }
            } else {
                throw UsageError(description: "unknown option '--\(name)'")
            }
        }
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

    func seconds(_ name: String) throws(UsageError) -> Duration? {
        guard let text = value(name) else { return nil }
        guard let number = Double(text), number > 0, number.isFinite else {
            throw UsageError(description: "--\(name) must be a positive number of seconds, not '\(text)'")
        }
        return .milliseconds(Int64(number * 1000))
    }
}
