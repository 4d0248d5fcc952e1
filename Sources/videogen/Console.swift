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

    /// One JSON document per line on stdout. Whatever JSON leaves unescaped that a terminal acts on (DEL,
    /// C1 controls, bidirectional formatting characters, U+2028/U+2029) is written as a `\uXXXX` escape by
    /// ``out(_:)``: the line stays valid JSON and parses back to the same text.
    func event(_ value: JSONBody) {
        out(value.text)
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
