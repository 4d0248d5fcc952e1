public import Foundation

/// A request body as a list of segments, written out only when it is sent.
///
/// Image bytes are never copied into the body or base64-encoded ahead of time: a data-URI JSON body is
/// `prefix bytes + base64(image) + suffix bytes`, and the encoding happens chunk by chunk while the body
/// is written (to a socket, a temporary file, or memory). Peak memory stays near the image bytes
/// themselves, whatever the body's size.
public struct HTTPBody: Sendable, Hashable {
    public enum Segment: Sendable, Hashable {
        case bytes(Data)
        /// The bytes of a file, streamed.
        case file(URL, byteCount: Int64)
        /// Standard base64 (with padding) of some bytes.
        case base64(Data)
        /// Standard base64 of a file's bytes, streamed.
        case base64File(URL, byteCount: Int64)

        public var encodedLength: Int64 {
            switch self {
            case .bytes(let data): return Int64(data.count)
            case .file(_, let count): return count
            case .base64(let data): return HTTPBody.base64Length(Int64(data.count))
            case .base64File(_, let count): return HTTPBody.base64Length(count)
            }
        }
    }

    public private(set) var segments: [Segment]

    public init(segments: [Segment] = []) {
        self.segments = []
        for segment in segments { append(segment) }
    }

    public init(_ data: Data) { self.init(segments: [.bytes(data)]) }

    public static let empty = HTTPBody()

    public var isEmpty: Bool { length == 0 }

    /// The exact number of bytes the body writes (the `Content-Length`).
    public var length: Int64 { segments.reduce(0) { $0 + $1.encodedLength } }

    /// Whether writing the body reads local files.
    public var readsFiles: Bool {
        segments.contains {
            switch $0 {
            case .file, .base64File: return true
            default: return false
            }
        }
    }

    /// Appends a segment, merging adjacent literal bytes.
    public mutating func append(_ segment: Segment) {
        if case .bytes(let new) = segment {
            if new.isEmpty { return }
            if case .bytes(let last)? = segments.last, last.count + new.count <= 64 << 10 {
                segments[segments.count - 1] = .bytes(last + new)
                return
            }
        }
        segments.append(segment)
    }

    public mutating func append(_ data: Data) { append(.bytes(data)) }
    public mutating func append(_ text: String) { append(.bytes(Data(text.utf8))) }

    static func base64Length(_ count: Int64) -> Int64 { (count + 2) / 3 * 4 }

    /// Writes the body in pieces of at most about `chunkSize` bytes. Memory use is one chunk.
    public func write(chunkSize: Int = 1 << 20, to sink: (Data) throws -> Void) throws {
        for segment in segments {
            switch segment {
            case .bytes(let data):
                try sink(data)
            case .file(let url, let count):
                try Self.readFile(url, expected: count, chunkSize: chunkSize, into: sink)
            case .base64(let data):
                // Encode whole 3-byte groups per chunk so padding appears only at the very end.
                // Index from `startIndex`: a slice of larger data does not start at zero.
                let step = max(3, chunkSize / 4 * 3)
                var offset = data.startIndex
                while offset < data.endIndex {
                    let end = min(offset + step, data.endIndex)
                    try sink(data[offset..<end].base64EncodedData())
                    offset = end
                }
            case .base64File(let url, let count):
                let step = max(3, chunkSize / 4 * 3)
                try Self.readFile(url, expected: count, chunkSize: step, alignment: 3) { chunk in
                    try sink(chunk.base64EncodedData())
                }
            }
        }
    }

    /// The whole body in memory. Meant for small bodies, tests and the simulator.
    public func collect() throws -> Data {
        var out = Data()
        out.reserveCapacity(Int(clamping: length))
        try write { out.append($0) }
        return out
    }

    /// Writes the body to a new file and returns its URL; the caller deletes it.
    public func writeToTemporaryFile(in directory: URL = FileManager.default.temporaryDirectory) throws -> URL {
        let url = directory.appendingPathComponent("videoproviderkit-body-\(UUID().uuidString)")
        // Readable by the owner only: the copy holds the user's images, often in a shared /tmp.
        guard
            FileManager.default.createFile(
                atPath: url.path, contents: nil, attributes: [.posixPermissions: NSNumber(value: 0o600)])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try write { try handle.write(contentsOf: $0) }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return url
    }

    private static func readFile(
        _ url: URL, expected: Int64, chunkSize: Int, alignment: Int = 1, into sink: (Data) throws -> Void
    ) throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var remaining = expected
        var carry = Data()
        while remaining > 0 {
            let want = Int(min(Int64(chunkSize), remaining))
            guard let chunk = try handle.read(upToCount: want), !chunk.isEmpty else { break }
            remaining -= Int64(chunk.count)
            var piece = carry.isEmpty ? chunk : carry + chunk
            carry = Data()
            // Short reads must not break base64 groups: carry the remainder into the next read.
            if alignment > 1, remaining > 0, piece.count % alignment != 0 {
                let keep = piece.count - piece.count % alignment
                carry = piece.subdata(in: keep..<piece.count)
                piece = piece.subdata(in: 0..<keep)
            }
            if !piece.isEmpty { try sink(piece) }
        }
        if !carry.isEmpty { try sink(carry) }
        // The length was promised in Content-Length; a file that changed size is an error, not a
        // silently corrupt request.
        guard remaining == 0 else {
            throw CocoaError(
                .fileReadCorruptFile,
                userInfo: [
                    NSFilePathErrorKey: url.path,
                    NSLocalizedDescriptionKey: "\(url.lastPathComponent) is shorter than when it was validated",
                ])
        }
    }
}
