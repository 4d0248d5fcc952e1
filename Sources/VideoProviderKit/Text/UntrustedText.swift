package import Foundation

// Text from a server (task ids, status words, error messages, HTML titles, the first bytes of a body) is
// untrusted twice over: it may carry escape sequences a terminal obeys (retitle, clear, move the cursor and
// print fake lines), and it may echo the API key, whole or cut. These helpers are the one place where both
// are handled, so every redaction point and every output path applies the same rules (docs/reliability.md,
// "Hostile servers").

/// How API keys are scrubbed from text (docs/reliability.md, "Redaction").
package enum SecretRedaction {
    /// What a scrubbed key, or a fragment of one, reads as.
    package static let placeholder = "[redacted]"
    /// The shortest run of a key's characters that is scrubbed on its own: a server that echoes the key where
    /// a text is cut (error texts at 300 bytes, HTML titles at 120 characters) leaves a prefix behind, and
    /// one that quotes it in pieces leaves the others. Eight characters of a random key are 40+ bits; shorter
    /// runs would also match ordinary words of ordinary text.
    package static let minimumFragment = 8
    /// Keys shorter than this are not scrubbed at all: replacing two or three characters everywhere would
    /// mangle every text without protecting anything.
    package static let minimumKeyLength = 4
}

extension String {
    /// This text with the key `secret` scrubbed: every occurrence of the whole key, and every run of at least
    /// ``SecretRedaction/minimumFragment`` consecutive bytes of it (a prefix left by a cut, a suffix, any
    /// middle piece), becomes `[redacted]`. Bytes are compared, never canonically equivalent spellings: a
    /// byte match is what leaks. `self` when there is nothing to scrub.
    package func redactingSecret(_ secret: String?) -> String {
        guard let secret, secret.utf8.count >= SecretRedaction.minimumKeyLength else { return self }
        guard secret.utf8.count >= SecretRedaction.minimumFragment else {
            return replacingBytes(of: secret, with: SecretRedaction.placeholder)
        }
        // Every status poll scrubs a few short texts: no copies of the key or the text unless something is found.
        guard utf8.count >= SecretRedaction.minimumFragment else { return self }
        let scrubbed = withBytes(of: secret) { key in withBytes(of: self) { Self.scrubFragments(of: key, in: $0) } }
        return scrubbed.map { String(decoding: $0, as: UTF8.self) } ?? self
    }

    /// The text's bytes with every run of ≥ ``SecretRedaction/minimumFragment`` bytes that also occurs in `key`
    /// replaced by the placeholder, longest run first at each position; `nil` when there is none.
    ///
    /// Short texts (a status word, a message) compare every position with every key byte; long ones (a hostile
    /// 16 MiB message) look each 8-byte window up in the set of the key's windows first, so the cost stays
    /// linear in the text.
    private static func scrubFragments(of key: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>)
        -> [UInt8]?
    {
        let windows: Set<UInt64>? = text.count * key.count > 1 << 16 ? Self.windows(of: key) : nil
        return replacingRuns(in: text, minimum: SecretRedaction.minimumFragment, as: [UInt8].self) { index in
            if let windows, !windows.contains(Self.window(text, at: index)) { return 0 }
            return Self.longestRun(in: text, at: index, within: key)
        }
    }

    /// The longest run of `text` starting at `start` that occurs somewhere in `key`.
    private static func longestRun(
        in text: UnsafeBufferPointer<UInt8>, at start: Int, within key: UnsafeBufferPointer<UInt8>
    ) -> Int {
        var best = 0
        let first = text[start]
        for offset in 0..<key.count where key[offset] == first {
            var length = 1
            while start + length < text.count, offset + length < key.count,
                text[start + length] == key[offset + length]
            {
                length += 1
            }
            best = Swift.max(best, length)
            if best == key.count { break }
        }
        return best
    }

    private static func window(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt64 {
        var value: UInt64 = 0
        for offset in 0..<SecretRedaction.minimumFragment { value = value << 8 | UInt64(bytes[start + offset]) }
        return value
    }

    private static func windows(of key: UnsafeBufferPointer<UInt8>) -> Set<UInt64> {
        Set((0...(key.count - SecretRedaction.minimumFragment)).map { window(key, at: $0) })
    }
}

/// `bytes` with each run that `runLength` measures at `minimum` bytes or more, from the position it is given,
/// replaced by the placeholder (a shorter run moves on by one byte); `nil` when there is none, so a caller
/// with nothing to scrub copies nothing.
private func replacingRuns<Output: RangeReplaceableCollection<UInt8>>(
    in bytes: UnsafeBufferPointer<UInt8>, minimum: Int, as _: Output.Type, runLength: (Int) -> Int
) -> Output? {
    var output = Output()
    var copied = 0
    var index = 0
    while index + minimum <= bytes.count {
        let length = runLength(index)
        if length >= minimum {
            if output.isEmpty { output.reserveCapacity(bytes.count) }
            output.append(contentsOf: bytes[copied..<index])
            output.append(contentsOf: SecretRedaction.placeholder.utf8)
            index += length
            copied = index
        } else {
            index += 1
        }
    }
    guard copied > 0 else { return nil }
    output.append(contentsOf: bytes[copied...])
    return output
}

/// Runs `body` on a string's UTF-8 bytes, in place when the string is stored contiguously (native strings are).
private func withBytes<T>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
    text.utf8.withContiguousStorageIfAvailable(body) ?? Array(text.utf8).withUnsafeBufferPointer(body)
}

extension Data {
    /// These bytes with the key `secret`, and every run of ≥ ``SecretRedaction/minimumFragment`` bytes that
    /// starts like it (a prefix the server cut), replaced by `[redacted]`; `self` when there is none.
    ///
    /// Applied to an answer before any provider reads it, so no text cut from the answer later (an error at
    /// 300 bytes, an HTML title at 120 characters) can cut the key in two. Runs holding `"`, `\` or control
    /// bytes are left for the text-level scrub: replacing them in raw JSON could change its structure.
    package func redactingSecretPrefixes(_ secret: String?) -> Data {
        guard let secret, secret.utf8.count >= SecretRedaction.minimumKeyLength else { return self }
        // Keys shorter than a fragment are scrubbed only whole.
        let minimum = Swift.min(secret.utf8.count, SecretRedaction.minimumFragment)
        guard count >= minimum else { return self }
        return withBytes(of: secret) { key in scrubPrefixes(of: key, minimum: minimum) }
    }

    private func scrubPrefixes(of key: UnsafeBufferPointer<UInt8>, minimum: Int) -> Data {
        let safe = !key.prefix(minimum).contains { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }
        guard safe else { return self }
        return withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Data in
            let bytes = raw.bindMemory(to: UInt8.self)
            let scrubbed = replacingRuns(in: bytes, minimum: minimum, as: Data.self) { index in
                var length = 0
                while length < key.count, index + length < bytes.count, bytes[index + length] == key[length] {
                    let byte = key[length]
                    if byte == 0x22 || byte == 0x5C || byte < 0x20 { break }
                    length += 1
                }
                return length
            }
            return scrubbed ?? self
        }
    }
}

extension String {
    /// This text with every character a terminal could act on written as a visible escape, so server text
    /// can be printed: C0 controls (ESC, BEL, CR, backspace, …), DEL, C1 controls (U+0080–U+009F, CSI
    /// among them), the bidirectional formatting characters that reorder what is shown (U+061C, U+200E,
    /// U+200F, U+202A–U+202E, U+2066–U+2069) and the Unicode line and paragraph separators.
    ///
    /// Newline, carriage return and tab read `\n`, `\r` and `\t`; anything else reads `\u` and four lower-case
    /// hex digits (`\u001b` for ESC), the spelling JSON uses, so a text shows the same in both output modes.
    /// With `keepingLineBreaks`, `\n` and `\r\n` stay line breaks (for text whose lines the caller composed);
    /// a lone `\r`, which would let a line overwrite itself, is still escaped. The escape is for reading, not
    /// reversible: a backslash already in the text stays as it is.
    package func escapingControlCharacters(keepingLineBreaks: Bool = false) -> String {
        // Printable ASCII is the common case and needs no work.
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F || (keepingLineBreaks && $0 == 0x0A) }) { return self }
        var output = String.UnicodeScalarView()
        var scalars = unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            let lineBreak = keepingLineBreaks && (scalar == "\n" || (scalar == "\r" && pending == "\n"))
            if lineBreak || !scalar.isTerminalControl {
                output.append(scalar)
                continue
            }
            switch scalar {
            case "\n": output.append(contentsOf: "\\n".unicodeScalars)
            case "\r": output.append(contentsOf: "\\r".unicodeScalars)
            case "\t": output.append(contentsOf: "\\t".unicodeScalars)
            default: output.append(contentsOf: scalar.jsonEscape.unicodeScalars)
            }
        }
        return String(output)
    }
}

extension Unicode.Scalar {
    /// Whether a terminal could act on this character, or it reorders how a line is shown: see
    /// `String.escapingControlCharacters(keepingLineBreaks:)`.
    package var isTerminalControl: Bool {
        switch value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        case 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// `\u` and four lower-case hex digits: JSON's escape for a character in the Basic Multilingual Plane.
    package var jsonEscape: String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: Swift.max(0, 4 - hex.count)) + hex
    }
}
