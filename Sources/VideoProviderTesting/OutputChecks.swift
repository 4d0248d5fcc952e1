package import Foundation

// Checks tests make on what the library and the tool produce: a video's layout, a key's absence.

extension SampleVideo {
    /// The types of the top-level boxes of an MP4 (`ftyp`, `moov`, …) in order, and where the last one
    /// ends: the whole file when its boxes span it.
    package static func topLevelBoxes(of data: Data) -> (types: [String], end: Int) {
        let bytes = [UInt8](data)
        var offset = 0
        var types: [String] = []
        while offset + 8 <= bytes.count {
            let size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            types.append(String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self))
            guard size >= 8 else { break }
            offset += size
        }
        return (types, offset)
    }
}

extension String {
    /// The longest run of consecutive characters of `secret`, counted in UTF-8 bytes, found anywhere in
    /// this text: a test that a key never leaks, not even a fragment, expects it to stay short.
    package func longestRun(from secret: String) -> Int {
        let key = Array(secret.utf8)
        let bytes = Array(utf8)
        var best = 0
        for start in bytes.indices {
            for offset in key.indices {
                var length = 0
                while start + length < bytes.count, offset + length < key.count,
                    bytes[start + length] == key[offset + length]
                {
                    length += 1
                }
                best = max(best, length)
            }
        }
        return best
    }
}
