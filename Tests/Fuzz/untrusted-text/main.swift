import Foundation
import VideoProviderKit

// The helpers every byte from a server passes through before it is shown (docs/reliability.md, "Hostile
// servers"): the terminal escape and the two key scrubs. The input's first byte gives the key's length
// (0–63); the key is the next bytes mapped onto the characters API keys are made of, the rest is the text.
//
// Invariants:
// - escaping leaves no character a terminal acts on (line breaks only when asked to keep them, and then
//   only `\n` and `\r\n`), and changes nothing in text that has none;
// - after the text scrub no run of 8 or more of the key's characters is left (keys that contain the
//   placeholder's own characters excepted: `[`, `]`, or the word "redacted");
// - after the raw scrub the key's first 8 characters (all of a shorter key) appear nowhere, and bytes without
//   them come back unchanged.

private let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = [UInt8](fuzzData(bytes, count))
    guard let first = input.first else { return 0 }
    let keyLength = min(Int(first) % 64, input.count - 1)
    let key = String(decoding: input[1..<(1 + keyLength)].map { alphabet[Int($0) % alphabet.count] }, as: UTF8.self)
    let body = Data(input[(1 + keyLength)...])
    let text = String(decoding: body, as: UTF8.self)

    checkEscapes(text)
    checkTextScrub(text, key: key)
    checkRawScrub(body, key: key)
    return 0
}

private func checkEscapes(_ text: String) {
    let escaped = text.escapingControlCharacters()
    require(!escaped.unicodeScalars.contains { $0.isTerminalControl }, "a control character survived: \(escaped)")
    if !text.unicodeScalars.contains(where: \.isTerminalControl) {
        require(escaped == text, "text without control characters changed")
    }
    let lines = text.escapingControlCharacters(keepingLineBreaks: true)
    let scalars = Array(lines.unicodeScalars)
    for (index, scalar) in scalars.enumerated() where scalar.isTerminalControl {
        let lineBreak = scalar == "\n" || (scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n")
        require(lineBreak, "U+\(String(scalar.value, radix: 16)) survived with line breaks kept")
    }
}

/// The longest run of `text` that also occurs in `key`.
private func longestRun(of key: [UInt8], in text: [UInt8]) -> Int {
    var best = 0
    for start in text.indices {
        for offset in key.indices where key[offset] == text[start] {
            var length = 0
            while start + length < text.count, offset + length < key.count, text[start + length] == key[offset + length]
            {
                length += 1
            }
            best = max(best, length)
        }
    }
    return best
}

private func checkTextScrub(_ text: String, key: String) {
    let scrubbed = text.redactingSecret(key)
    if key.utf8.count < 4 {
        require(scrubbed == text, "a key shorter than 4 characters changed the text")
        return
    }
    if key.utf8.count < 8 {
        require(Data(scrubbed.utf8).range(of: Data(key.utf8)) == nil, "the whole short key survived")
        return
    }
    guard !key.contains("redacted") else { return }
    let run = longestRun(of: Array(key.utf8), in: Array(scrubbed.utf8))
    require(run < 8, "a run of \(run) key characters survived: key \(key), text \(scrubbed)")
}

private func checkRawScrub(_ body: Data, key: String) {
    let scrubbed = body.redactingSecretPrefixes(key)
    guard key.utf8.count >= 4 else {
        require(scrubbed == body, "a key shorter than 4 characters changed the bytes")
        return
    }
    let prefix = Data(key.utf8.prefix(8))
    if body.range(of: prefix) == nil { require(scrubbed == body, "bytes without the key changed") }
    guard !key.contains("redacted") else { return }
    require(scrubbed.range(of: prefix) == nil, "the key's first characters survived: key \(key)")
}
