import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Serialized writes to stdout and stderr, and whether stderr is a terminal (for the progress bar).
final class Console: @unchecked Sendable {
    private let lock = NSLock()
    let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    private var progressLineVisible = false  // guarded by `lock`

    func out(_ text: String) {
        lock.withLock {
            clearProgressLocked()
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }

    func err(_ text: String) {
        lock.withLock {
            clearProgressLocked()
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    /// One JSON object per line on stdout.
    func event(_ value: JSONLine) {
        out(value.rendered)
    }

    /// Redraws the single progress line on stderr (terminals only).
    func progress(_ text: String) {
        guard stderrIsTerminal else { return }
        lock.withLock {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
            progressLineVisible = true
        }
    }

    func finishProgress() {
        lock.withLock { clearProgressLocked() }
    }

    private func clearProgressLocked() {
        if progressLineVisible {
            FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
            progressLineVisible = false
        }
    }
}

/// An ordered JSON object for event lines and reports: keys print in the order they were added, so
/// `event` comes first and scripts (and people) read lines easily.
struct JSONLine {
    private var members: [(String, String)] = []

    init(_ pairs: KeyValuePairs<String, Any?> = [:]) {
        for (key, value) in pairs { self[key] = value }
    }

    subscript(key: String) -> Any? {
        get { nil }
        set {
            guard let newValue else { return }
            members.removeAll { $0.0 == key }
            members.append((key, JSONLine.render(newValue)))
        }
    }

    var rendered: String {
        "{" + members.map { "\(JSONLine.quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    static func render(_ value: Any) -> String {
        switch value {
        case let line as JSONLine: return line.rendered
        case let json as OrderedJSON: return json.rendered
        case let text as String: return quote(text)
        case let flag as Bool: return flag ? "true" : "false"
        case let number as Int: return String(number)
        case let number as Int64: return String(number)
        case let number as Double:
            guard number.isFinite else { return "null" }
            return number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case let list as [Any]: return "[" + list.map(render).joined(separator: ",") + "]"
        case let list as [JSONLine]: return "[" + list.map(\.rendered).joined(separator: ",") + "]"
        case let list as [String]: return "[" + list.map(quote).joined(separator: ",") + "]"
        case let list as [Int]: return "[" + list.map(String.init).joined(separator: ",") + "]"
        case Optional<Any>.none: return "null"
        case is NSNull: return "null"
        default: return quote(String(describing: value))
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
