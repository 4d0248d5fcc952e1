import CCurlLoader
import Foundation

/// One thread that runs a libcurl multi handle for every transfer of one ``CurlTransport``.
///
/// The thread sleeps in `curl_multi_poll` until a socket is ready, libcurl's next timer is due, an idle
/// deadline passes, or another thread hands it work (`curl_multi_wakeup`): a request waiting for its
/// answer costs no CPU. Other threads never touch a libcurl handle; they queue ``Command``s.
final class CurlEventLoop: @unchecked Sendable {
    enum Command {
        case start(CurlTransfer)
        case cancel(CurlTransfer)
        /// The transfer's file writer has room again.
        case resume(CurlTransfer)
    }

    private let multi: OpaquePointer

    private let lock = NSLock()
    // Guarded by `lock`:
    private var commands: [Command] = []
    private var threadStarted = false
    private var stopping = false
    /// The loop is in (or about to enter) `curl_multi_poll`: a new command must wake it. Otherwise it
    /// looks at the commands before it sleeps again, and a wakeup (a system call) would be wasted.
    private var sleeping = false

    // The loop thread's own:
    /// Transfers whose handle is in the multi handle, by handle.
    private var active: [OpaquePointer: CurlTransfer] = [:]
    /// Reset easy handles kept for the next transfers (an easy handle owns buffers worth keeping).
    private var idleHandles: [OpaquePointer] = []
    private let idleHandleLimit = 16
    /// When the earliest idle deadline may have passed: transfers are scanned then, not on every turn.
    private var nextIdleCheck = UInt64.max
    /// Transfers in the multi handle per origin, and those waiting for a turn. libcurl keeps every
    /// handle it cannot connect yet in its list and visits each on every `curl_multi_perform`, so 1,000
    /// status polls handed over at once cost it 1,000 visits per turn; they wait here instead, in order.
    private var admitted: [String: Int] = [:]
    private var waiting: [String: TransferQueue] = [:]
    /// How many transfers to one origin are handed to libcurl at once: the connection limit for plain
    /// http (HTTP/1.1, one request per connection), more for https, where HTTP/2 multiplexes.
    private let perOriginLimit: (http: Int, https: Int)

    init?(maximumConnectionsPerHost: Int) {
        guard let multi = vpk_curl_multi_init() else { return nil }
        self.multi = multi
        perOriginLimit =
            maximumConnectionsPerHost > 0
            ? (maximumConnectionsPerHost, max(maximumConnectionsPerHost, 100)) : (Int.max, Int.max)
        _ = vpk_curl_multi_setopt_long(multi, VPK_CURLMOPT_PIPELINING, Int(VPK_CURLPIPE_MULTIPLEX))
        if maximumConnectionsPerHost > 0 {
            _ = vpk_curl_multi_setopt_long(multi, VPK_CURLMOPT_MAX_HOST_CONNECTIONS, maximumConnectionsPerHost)
        }
    }

    /// Queues `command` and wakes the loop (starting its thread on first use).
    func send(_ command: Command) {
        let (startThread, wake) = lock.withLock { () -> (Bool, Bool) in
            // After shutdown the multi handle is gone (or going): nothing may reach it.
            guard !stopping else { return (false, false) }
            commands.append(command)
            guard threadStarted else {
                threadStarted = true
                return (true, false)
            }
            return (false, sleeping)
        }
        if startThread {
            let thread = Thread { [self] in run() }
            thread.name = "VideoProviderKit.CurlTransport"
            thread.start()
        } else if wake {
            // Outside the lock: `stopping` was false, and only shutdown (from the transport's deinit, after
            // its last send) sets it, so the multi handle outlives this call.
            _ = vpk_curl_multi_wakeup(multi)
        }
    }

    /// Ends the thread once its transfers are done (the transport is gone, so no new ones come).
    func shutdown() {
        let started = lock.withLock { () -> Bool in
            stopping = true
            // Woken under the lock: the loop sees `stopping` (and cleans the multi handle up) only after.
            if threadStarted { _ = vpk_curl_multi_wakeup(multi) }
            return threadStarted
        }
        if !started { _ = vpk_curl_multi_cleanup(multi) }
    }

    // MARK: The loop thread

    private func run() {
        var batch: [Command] = []
        while true {
            let stop = lock.withLock { () -> Bool in
                swap(&batch, &commands)
                return stopping
            }
            for command in batch { handle(command) }
            batch.removeAll(keepingCapacity: true)
            if stop && active.isEmpty { break }

            var running: Int32 = 0
            _ = vpk_curl_multi_perform(multi, &running)
            var easy: OpaquePointer?
            var code: Int32 = 0
            while vpk_curl_multi_next_done(multi, &easy, &code) == 1 {
                if let easy, let transfer = active[easy] { finish(transfer, code: code) }
            }
            let wait = expireIdleTransfers()
            let sleep = lock.withLock { () -> Bool in
                // Work that arrived meanwhile is taken at once, without a wakeup.
                guard commands.isEmpty else { return false }
                sleeping = true
                return true
            }
            if sleep {
                _ = vpk_curl_multi_poll(multi, wait)
                lock.withLock { sleeping = false }
            }
        }
        for easy in idleHandles { vpk_curl_easy_cleanup(easy) }
        idleHandles = []
        _ = vpk_curl_multi_cleanup(multi)
    }

    /// Resets a handle for the next transfer, or cleans it up when enough are kept.
    private func recycle(_ easy: OpaquePointer?) {
        guard let easy else { return }
        if idleHandles.count < idleHandleLimit {
            vpk_curl_easy_reset(easy)
            idleHandles.append(easy)
        } else {
            vpk_curl_easy_cleanup(easy)
        }
    }

    private func handle(_ command: Command) {
        switch command {
        case .start(let transfer):
            guard transfer.phase == .new else { return }
            if transfer.isCancelRequested {
                fail(transfer, HTTPTransportError(.cancelled, requestMayHaveBeenSent: false, message: "cancelled"))
                return
            }
            startHop(transfer)
        case .cancel(let transfer):
            // Not yet started: `.start` sees the request. Done: too late to matter.
            if transfer.phase == .waiting {
                // Still waiting for its turn (it is skipped when its turn comes): nothing was sent.
                fail(transfer, HTTPTransportError(.cancelled, requestMayHaveBeenSent: false, message: "cancelled"))
            }
            guard transfer.phase == .active, let easy = transfer.easy, active[easy] === transfer else { return }
            stop(
                transfer,
                with: HTTPTransportError(
                    .cancelled, requestMayHaveBeenSent: transfer.requestMayHaveBeenSent, message: "cancelled"))
        case .resume(let transfer):
            guard let easy = transfer.easy, active[easy] === transfer, transfer.paused else { return }
            transfer.paused = false
            transfer.markActive()
            nextIdleCheck = min(nextIdleCheck, transfer.lastActivity + Self.nanoseconds(transfer.settings.idleTimeout))
            _ = vpk_curl_easy_pause(easy, VPK_CURLPAUSE_CONT)
        }
    }

    static func origin(of url: URL) -> String { Origin(url)?.description ?? url.absoluteString }

    /// Sets up the transfer's current hop and adds it to the multi handle, or queues it behind the
    /// transfers already running to the same origin.
    private func startHop(_ transfer: CurlTransfer) {
        let origin = Self.origin(of: transfer.request.url)
        let limit = transfer.request.url.scheme?.lowercased() == "https" ? perOriginLimit.https : perOriginLimit.http
        guard admitted[origin, default: 0] < limit else {
            transfer.phase = .waiting
            waiting[origin, default: TransferQueue()].push(transfer)
            return
        }
        transfer.phase = .active
        admitted[origin, default: 0] += 1
        transfer.admittedOrigin = origin
        if let error = transfer.prepareHop(recycled: idleHandles.popLast()) {
            if let easy = transfer.releaseHop() { vpk_curl_easy_cleanup(easy) }
            leave(transfer)
            fail(transfer, error)
            return
        }
        guard let easy = transfer.easy, vpk_curl_multi_add_handle(multi, easy) == 0 else {
            if let easy = transfer.releaseHop() { vpk_curl_easy_cleanup(easy) }
            leave(transfer)
            fail(
                transfer,
                HTTPTransportError(.other, requestMayHaveBeenSent: false, message: "curl_multi_add_handle failed"))
            return
        }
        active[easy] = transfer
        nextIdleCheck = min(nextIdleCheck, transfer.lastActivity + Self.nanoseconds(transfer.settings.idleTimeout))
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 { UInt64(CurlTransfer.milliseconds(duration)) * 1_000_000 }

    /// The transfer's hop left the multi handle: the next one waiting for its origin gets its turn.
    private func leave(_ transfer: CurlTransfer) {
        guard let origin = transfer.admittedOrigin else { return }
        transfer.admittedOrigin = nil
        admitted[origin, default: 1] -= 1
        if admitted[origin] == 0 { admitted[origin] = nil }
        while var queue = waiting[origin], let next = queue.pop() {
            waiting[origin] = queue.isEmpty ? nil : queue
            // A transfer cancelled while it waited has been failed already.
            guard next.phase == .waiting else { continue }
            startHop(next)
            break
        }
    }

    /// The hop ended (libcurl's `code`): complete the transfer, or send its next hop.
    private func finish(_ transfer: CurlTransfer, code: Int32) {
        guard let easy = transfer.easy else { return }
        _ = vpk_curl_multi_remove_handle(multi, easy)
        active[easy] = nil
        let outcome = transfer.finishHop(code: code)
        recycle(transfer.releaseHop())
        leave(transfer)
        switch outcome {
        case .redirect:
            if transfer.isCancelRequested {
                fail(transfer, HTTPTransportError(.cancelled, requestMayHaveBeenSent: true, message: "cancelled"))
            } else {
                startHop(transfer)
            }
        case .failure(let error):
            fail(transfer, error)
        case .response(let response):
            transfer.phase = .done
            guard let file = transfer.file else {
                transfer.complete(.success(response))
                return
            }
            // The rest of the body reaches the disk before the caller sees the file.
            file.finish { failure in
                if let failure {
                    transfer.complete(
                        .failure(HTTPTransportError(.localWrite, requestMayHaveBeenSent: true, message: failure)))
                } else {
                    transfer.complete(.success(response))
                }
            }
        }
    }

    /// Takes an active transfer out of the multi handle and fails it.
    private func stop(_ transfer: CurlTransfer, with error: HTTPTransportError) {
        guard let easy = transfer.easy else { return }
        _ = vpk_curl_multi_remove_handle(multi, easy)
        active[easy] = nil
        recycle(transfer.releaseHop())
        leave(transfer)
        fail(transfer, error)
    }

    /// Completes the transfer with `error` once its file (if any) is gone.
    private func fail(_ transfer: CurlTransfer, _ error: HTTPTransportError) {
        guard transfer.phase != .done else { return }
        transfer.phase = .done
        guard let file = transfer.file else {
            transfer.complete(.failure(error))
            return
        }
        file.discard { transfer.complete(.failure(error)) }
    }

    /// Fails every transfer silent for longer than its idle timeout (a paused one is waiting for the
    /// disk, not the server, and is not counted); returns how long the loop may sleep, in milliseconds.
    /// Transfers are scanned only once the earliest deadline may have passed (activity only moves
    /// deadlines later). With transfers running the loop looks up at least once a second, whatever it is
    /// told (a wakeup lost to some platform quirk then costs a second, not an idle timeout; about 20 µs of
    /// CPU a second); with none it sleeps until woken.
    private func expireIdleTransfers() -> Int32 {
        guard !active.isEmpty else {
            nextIdleCheck = .max
            return 3_600_000
        }
        var now = monotonicNanoseconds()
        if now >= nextIdleCheck {
            nextIdleCheck = .max
            for transfer in Array(active.values) where !transfer.paused {
                let idle = Self.nanoseconds(transfer.settings.idleTimeout)
                let deadline = transfer.lastActivity + idle
                if deadline <= now {
                    stop(
                        transfer,
                        with: HTTPTransportError(
                            .timedOut, requestMayHaveBeenSent: transfer.requestMayHaveBeenSent,
                            message:
                                "no data from \(transfer.request.url.host ?? "the server") for \(Double(idle) / 1e9) s")
                    )
                } else {
                    nextIdleCheck = min(nextIdleCheck, deadline)
                }
            }
            now = monotonicNanoseconds()
        }
        let wait = nextIdleCheck > now ? nextIdleCheck - now : 0
        return Int32(min((wait + 999_999) / 1_000_000, 1_000))
    }
}

/// A first-in, first-out queue of transfers (removal from the front without moving the rest).
struct TransferQueue {
    private var items: [CurlTransfer] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }

    mutating func push(_ transfer: CurlTransfer) { items.append(transfer) }

    mutating func pop() -> CurlTransfer? {
        guard head < items.count else { return nil }
        let next = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return next
    }
}
