import Foundation
import VideoProviderKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Serialized writes to stdout and stderr, and whether stderr is a terminal (for the progress bar).
///
/// Every byte the tool prints passes through here, and here the text is made safe for a terminal: whatever a
/// server put in a task id, a status word or an error message, no control character, escape sequence, C1
/// control or bidirectional override reaches stdout or stderr raw; each is shown escaped (`\u001b`, `\r`;
/// see docs/cli.md, "Text from servers"). Line breaks survive, since the tool composes multi-line output
/// itself; texts from servers never bring their own, because the library's descriptions and the renderers
/// escape them (`\n`) first.
final class Console: @unchecked Sendable {
    private let lock = NSLock()
    let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    private var progressLineVisible = false  // guarded by `lock`

    func out(_ text: String) {
        let safe = text.escapingControlCharacters(keepingLineBreaks: true)
        lock.withLock {
            clearProgressLocked()
            FileHandle.standardOutput.write(Data((safe + "\n").utf8))
        }
    }

    func err(_ text: String) {
        let safe = text.escapingControlCharacters(keepingLineBreaks: true)
        lock.withLock {
            clearProgressLocked()
            FileHandle.standardError.write(Data((safe + "\n").utf8))
        }
    }

    /// One JSON object per line on stdout.
    func event(_ value: JSONLine) {
        out(value.rendered)
    }

    /// Redraws the single progress line on stderr (terminals only).
    func progress(_ text: String) {
        guard stderrIsTerminal else { return }
        // One line, redrawn in place: its own escape clears it; the text may bring none, nor a line break.
        let safe = text.escapingControlCharacters()
        lock.withLock {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(safe)".utf8))
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

    /// A JSON string. Besides what JSON requires (quote, backslash, U+0000–U+001F), DEL, the C1 controls,
    /// the bidirectional formatting characters and U+2028/U+2029 are written as `\uXXXX` too: the document
    /// stays valid, parses back to the original text, and never carries a byte a terminal would act on.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.isTerminalControl: out += scalar.jsonEscape
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
