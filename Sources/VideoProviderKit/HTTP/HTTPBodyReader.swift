import Foundation

/// Reads an ``HTTPBody`` on demand, piece by piece, for a transport that pulls its request body (libcurl's
/// read callback): the same bytes ``HTTPBody/write(chunkSize:to:)`` pushes, with one piece in memory at
/// a time. Not thread-safe: one transfer reads it from one thread.
final class HTTPBodyReader {
    private var segments: IndexingIterator<[HTTPBody.Segment]>
    private let chunkSize: Int
    /// The piece being handed out, and how much of it is gone.
    private var piece = Data()
    private var offset = 0
    /// The file segment being read, if any.
    private var file: OpenFile?
    /// In-memory bytes being base64-encoded a chunk at a time, and how far.
    private var encoding: (data: Data, offset: Int)?

    private struct OpenFile {
        let handle: FileHandle
        let url: URL
        var remaining: Int64
        let base64: Bool
    }

    init(_ body: HTTPBody, chunkSize: Int = 256 << 10) {
        segments = body.segments.makeIterator()
        self.chunkSize = max(3, chunkSize / 3 * 3)
    }

    deinit { try? file?.handle.close() }

    /// Copies up to `buffer.count` bytes of the body into `buffer`; returns how many, 0 at the end.
    /// Throws when a file cannot be read or has become shorter than promised (the `Content-Length` was
    /// sent already, so a short body must fail rather than arrive corrupt).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        while written < buffer.count {
            if offset == piece.count {
                guard let next = try nextPiece() else { break }
                piece = next
                offset = 0
                continue
            }
            let count = min(buffer.count - written, piece.count - offset)
            piece.withUnsafeBytes { source in
                let start = source.baseAddress! + offset
                (buffer.baseAddress! + written).copyMemory(from: start, byteCount: count)
            }
            offset += count
            written += count
        }
        return written
    }

    /// The next non-empty piece, or `nil` at the end of the body.
    private func nextPiece() throws -> Data? {
        while true {
            if let (data, start) = encoding {
                // Whole 3-byte groups per piece, so padding appears only at the very end.
                let end = data.index(start, offsetBy: min(chunkSize, data.endIndex - start))
                encoding = end == data.endIndex ? nil : (data, end)
                return data[start..<end].base64EncodedData()
            }
            if var open = file {
                if open.remaining == 0 {
                    try? open.handle.close()
                    file = nil
                    continue
                }
                let want = Int(min(Int64(chunkSize), open.remaining))
                var chunk = Data()
                // Short reads must not break base64 groups: keep reading until the piece is whole.
                while chunk.count < want {
                    guard let more = try open.handle.read(upToCount: want - chunk.count), !more.isEmpty else { break }
                    chunk.append(more)
                }
                guard chunk.count == want else {
                    throw CocoaError(
                        .fileReadCorruptFile,
                        userInfo: [
                            NSFilePathErrorKey: open.url.path,
                            NSLocalizedDescriptionKey:
                                "\(open.url.lastPathComponent) is shorter than when it was validated",
                        ])
                }
                open.remaining -= Int64(want)
                file = open
                return open.base64 ? chunk.base64EncodedData() : chunk
            }
            guard let segment = segments.next() else { return nil }
            switch segment {
            case .bytes(let data):
                if !data.isEmpty { return data }
            case .base64(let data):
                if !data.isEmpty { encoding = (data, data.startIndex) }
            case .file(let url, let count), .base64File(let url, let count):
                guard count > 0 else { continue }
                var base64 = false
                if case .base64File = segment { base64 = true }
                file = OpenFile(handle: try FileHandle(forReadingFrom: url), url: url, remaining: count, base64: base64)
            }
        }
    }
}
