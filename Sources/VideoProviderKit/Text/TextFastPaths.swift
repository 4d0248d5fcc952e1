import Foundation

// Foundation's `trimmingCharacters(in:)` and `replacingOccurrences(of:with:)` bridge through `NSString` on
// Linux: on every status poll they were a fifth of the client's CPU (docs/performance.md, `jobs`). Vendor
// answers are nearly always ASCII, so these helpers settle the ASCII cases byte by byte and leave anything
// else to Foundation, with the same results (HTTPFastPathTests compares them).

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation when both ends are ASCII.
    package func trimmingWhitespace() -> String { trimmingASCIIFirst(newlines: false) }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, without Foundation when both ends are ASCII.
    package func trimmingWhitespaceAndNewlines() -> String { trimmingASCIIFirst(newlines: true) }

    private func trimmingASCIIFirst(newlines: Bool) -> String {
        let bytes = utf8
        // ASCII members of `.whitespaces` are space and tab; `.newlines` adds U+000A–U+000D.
        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || (newlines && byte >= 0x0A && byte <= 0x0D)
        }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { bytes.formIndex(after: &start) }
        while start < end {
            let last = bytes.index(before: end)
            guard isSpace(bytes[last]) else { break }
            end = last
        }
        // Whitespace beyond ASCII (no-break space, U+3000, U+0085, U+2028…) is Foundation's to judge.
        if start < end, bytes[start] >= 0x80 || bytes[bytes.index(before: end)] >= 0x80 {
            return trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
        }
        return String(self[start..<end])
    }
}

extension String {
    /// Every occurrence of `target`'s exact bytes replaced by `replacement`; `self` when there is none.
    ///
    /// Used to scrub secrets: a byte match is what leaks, so unlike Foundation's default comparison this
    /// never treats a canonically equivalent spelling as a match, and never misses the bytes of a key that
    /// a combining mark happens to follow.
    package func replacingBytes(of target: String, with replacement: String) -> String {
        let needle = Array(target.utf8)
        guard !needle.isEmpty, utf8.count >= needle.count else { return self }
        func replace(_ haystack: UnsafeBufferPointer<UInt8>) -> String? {
            var output: [UInt8] = []
            var copied = 0
            var index = 0
            let last = haystack.count - needle.count
            while index <= last {
                if haystack[index] == needle[0], matches(haystack, at: index) {
                    output.append(contentsOf: haystack[copied..<index])
                    output.append(contentsOf: replacement.utf8)
                    index += needle.count
                    copied = index
                } else {
                    index += 1
                }
            }
            guard copied > 0 else { return nil }
            output.append(contentsOf: haystack[copied...])
            return String(decoding: output, as: UTF8.self)
        }
        func matches(_ haystack: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
            for offset in 1..<needle.count where haystack[start + offset] != needle[offset] { return false }
            return true
        }
        if let result = utf8.withContiguousStorageIfAvailable(replace) { return result ?? self }
        return Array(utf8).withUnsafeBufferPointer(replace) ?? self
    }
}
