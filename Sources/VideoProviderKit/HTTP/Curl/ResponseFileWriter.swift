import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a response body to its file on a queue of its own, so a slow disk never stalls the thread that
/// runs every transfer, with a bound on what waits in memory: when ``highWater`` bytes are queued the
/// transfer is told to pause (libcurl stops reading the socket), and once the queue is down to
/// ``lowWater`` the writer asks for it to resume. Memory stays under about `highWater` plus one piece,
/// whatever the network's speed against the disk's.
///
/// Pieces from libcurl (16 KiB each) are gathered into 1 MiB buffers, so the disk sees few large writes
/// and the queue hand-offs are few.
final class ResponseFileWriter: @unchecked Sendable {
    enum Offer {
        case accepted
        /// Queue full: the caller pauses the transfer; ``resume`` is called when there is room again.
        case full
        /// Writing failed earlier (the message says how, with the path).
        case failed(String)
    }

    let url: URL
    private let descriptor: Int32
    private let highWater: Int
    private let lowWater: Int
    private let gatherSize = 1 << 20
    private let resume: @Sendable () -> Void
    private let queue = DispatchQueue(label: "VideoProviderKit.ResponseFileWriter")

    private let lock = NSLock()
    // Guarded by `lock`:
    private var gathering = Data()
    private var pending: [Data] = []
    private var pendingBytes = 0
    private var draining = false
    private var resumeWanted = false
    private var failure: String?
    private var closed = false

    /// Creates `url` (which must not exist) and opens it for writing.
    init(url: URL, highWater: Int, resume: @escaping @Sendable () -> Void) throws(HTTPTransportError) {
        // Owner-only while it is being written, as the other transport's downloads.
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw HTTPTransportError(
                .localWrite, requestMayHaveBeenSent: false,
                message: "cannot create \(url.path): \(SystemErrorText.describe(errno: errno))")
        }
        self.url = url
        self.descriptor = descriptor
        self.highWater = max(highWater, 2 << 20)
        self.lowWater = self.highWater / 4
        self.resume = resume
    }

    /// Takes a copy of `bytes`, or says the queue is full. An empty queue always accepts, so a piece larger
    /// than the bound cannot stall the transfer.
    func offer(_ bytes: UnsafeRawBufferPointer) -> Offer {
        var startDrain = false
        let offer = lock.withLock { () -> Offer in
            if let failure { return .failed(failure) }
            if pendingBytes > 0 && pendingBytes + gathering.count + bytes.count > highWater {
                resumeWanted = true
                return .full
            }
            if gathering.isEmpty { gathering.reserveCapacity(gatherSize) }
            gathering.append(bytes.bindMemory(to: UInt8.self))
            if gathering.count >= gatherSize { startDrain = enqueueGathered() }
            return .accepted
        }
        if startDrain { queue.async { self.drain() } }
        return offer
    }

    /// Moves the gathered buffer to the queue; `true` when a drain must be started. Under `lock`.
    private func enqueueGathered() -> Bool {
        pending.append(gathering)
        pendingBytes += gathering.count
        gathering = Data()
        guard !draining else { return false }
        draining = true
        return true
    }

    private func drain() {
        while true {
            let batch = lock.withLock { () -> [Data]? in
                guard !pending.isEmpty, failure == nil, !closed else {
                    draining = false
                    return nil
                }
                let batch = pending
                pending = []
                return batch
            }
            guard let batch else { return }
            var written = 0
            var error: String?
            for piece in batch where error == nil {
                error = writeAll(piece)
                written += piece.count
            }
            let wake = lock.withLock { () -> Bool in
                pendingBytes -= written
                if let error, failure == nil { failure = error }
                guard resumeWanted, pendingBytes <= lowWater || failure != nil else { return false }
                resumeWanted = false
                return true
            }
            if wake { resume() }
        }
    }

    /// `nil`, or what went wrong, with the path (`No space left on device (ENOSPC)`).
    private func writeAll(_ data: Data) -> String? {
        data.withUnsafeBytes { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return "cannot write \(url.path): \(SystemErrorText.describe(errno: errno))"
                }
                offset += count
            }
            return nil
        }
    }

    /// Writes what is left, closes the file and calls `completion` with `nil`, or with what went wrong
    /// (the file is then deleted).
    func finish(_ completion: @escaping @Sendable (String?) -> Void) {
        let startDrain = lock.withLock { () -> Bool in
            guard !gathering.isEmpty else { return false }
            return enqueueGathered()
        }
        if startDrain { queue.async { self.drain() } }
        // The queue is serial: this runs after every drain scheduled so far.
        queue.async {
            let failure = self.lock.withLock { () -> String? in
                // A drain may still be scheduled behind this block if it was started just now; write inline.
                let rest = self.pending
                self.pending = []
                self.closed = true
                if self.failure == nil {
                    for piece in rest {
                        if let error = self.writeAll(piece) {
                            self.failure = error
                            break
                        }
                    }
                }
                return self.failure
            }
            close(self.descriptor)
            if failure != nil { unlink(self.url.path) }
            completion(failure)
        }
    }

    /// Stops writing, closes and deletes the file (a failed or cancelled transfer leaves nothing behind),
    /// then calls `completion`.
    func discard(then completion: @escaping @Sendable () -> Void) {
        lock.withLock {
            closed = true
            pending = []
            gathering = Data()
        }
        // After any write in progress (the queue is serial).
        queue.async {
            close(self.descriptor)
            unlink(self.url.path)
            completion()
        }
    }
}
