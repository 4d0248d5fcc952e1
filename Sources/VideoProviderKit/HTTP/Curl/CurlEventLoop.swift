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

    // The loop thread's own:
    /// Transfers whose handle is in the multi handle, by handle.
    private var active: [OpaquePointer: CurlTransfer] = [:]

    init?(maximumConnectionsPerHost: Int) {
        guard let multi = vpk_curl_multi_init() else { return nil }
        self.multi = multi
        _ = vpk_curl_multi_setopt_long(multi, VPK_CURLMOPT_PIPELINING, Int(VPK_CURLPIPE_MULTIPLEX))
        if maximumConnectionsPerHost > 0 {
            _ = vpk_curl_multi_setopt_long(multi, VPK_CURLMOPT_MAX_HOST_CONNECTIONS, maximumConnectionsPerHost)
        }
    }

    /// Queues `command` and wakes the loop (starting its thread on first use).
    func send(_ command: Command) {
        let startThread = lock.withLock { () -> Bool in
            commands.append(command)
            guard !threadStarted else { return false }
            threadStarted = true
            return true
        }
        if startThread {
            let thread = Thread { [self] in run() }
            thread.name = "VideoProviderKit.CurlTransport"
            thread.start()
        } else {
            _ = vpk_curl_multi_wakeup(multi)
        }
    }

    /// Ends the thread once its transfers are done (the transport is gone, so no new ones come).
    func shutdown() {
        let started = lock.withLock { () -> Bool in
            stopping = true
            return threadStarted
        }
        if started {
            _ = vpk_curl_multi_wakeup(multi)
        } else {
            _ = vpk_curl_multi_cleanup(multi)
        }
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
            _ = vpk_curl_multi_poll(multi, wait)
        }
        _ = vpk_curl_multi_cleanup(multi)
    }

    private func handle(_ command: Command) {
        switch command {
        case .start(let transfer):
            if transfer.isCancelRequested {
                fail(transfer, HTTPTransportError(.cancelled, requestMayHaveBeenSent: false, message: "cancelled"))
                return
            }
            startHop(transfer)
        case .cancel(let transfer):
            guard let easy = transfer.easy, active[easy] === transfer else { return }
            stop(
                transfer,
                with: HTTPTransportError(
                    .cancelled, requestMayHaveBeenSent: transfer.requestMayHaveBeenSent, message: "cancelled"))
        case .resume(let transfer):
            guard let easy = transfer.easy, active[easy] === transfer, transfer.paused else { return }
            transfer.paused = false
            _ = vpk_curl_easy_pause(easy, VPK_CURLPAUSE_CONT)
        }
    }

    /// Sets up the transfer's current hop and adds it to the multi handle.
    private func startHop(_ transfer: CurlTransfer) {
        if let error = transfer.prepareHop() {
            transfer.releaseHop()
            fail(transfer, error)
            return
        }
        guard let easy = transfer.easy, vpk_curl_multi_add_handle(multi, easy) == 0 else {
            transfer.releaseHop()
            fail(
                transfer,
                HTTPTransportError(.other, requestMayHaveBeenSent: false, message: "curl_multi_add_handle failed"))
            return
        }
        active[easy] = transfer
    }

    /// The hop ended (libcurl's `code`): complete the transfer, or send its next hop.
    private func finish(_ transfer: CurlTransfer, code: Int32) {
        guard let easy = transfer.easy else { return }
        _ = vpk_curl_multi_remove_handle(multi, easy)
        active[easy] = nil
        let outcome = transfer.finishHop(code: code)
        transfer.releaseHop()
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
            guard let file = transfer.file else {
                transfer.complete(.success(response))
                return
            }
            // The rest of the body reaches the disk before the caller sees the file.
            file.finish { failure in
                if let failure {
                    transfer.complete(
                        .failure(HTTPTransportError(.localIO, requestMayHaveBeenSent: true, message: failure)))
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
        transfer.releaseHop()
        fail(transfer, error)
    }

    /// Completes the transfer with `error` once its file (if any) is gone.
    private func fail(_ transfer: CurlTransfer, _ error: HTTPTransportError) {
        guard let file = transfer.file else {
            transfer.complete(.failure(error))
            return
        }
        file.discard { transfer.complete(.failure(error)) }
    }

    /// Fails every transfer silent for longer than its idle timeout (a paused one is waiting for the
    /// disk, not the server, and is not counted); returns how long the loop may sleep, in milliseconds.
    /// With transfers running the loop looks up at least once a second, whatever it is told (a wakeup
    /// lost to some platform quirk then costs a second, not an idle timeout; about 20 µs of CPU a
    /// second); with none it sleeps until woken.
    private func expireIdleTransfers() -> Int32 {
        guard !active.isEmpty else { return 3_600_000 }
        let now = monotonicNanoseconds()
        var soonest = UInt64(1_000) * 1_000_000
        for transfer in Array(active.values) where !transfer.paused {
            let idle = UInt64(CurlTransfer.milliseconds(transfer.settings.idleTimeout)) * 1_000_000
            let deadline = transfer.lastActivity + idle
            if deadline <= now {
                let seconds = Double(idle) / 1e9
                stop(
                    transfer,
                    with: HTTPTransportError(
                        .timedOut, requestMayHaveBeenSent: transfer.requestMayHaveBeenSent,
                        message: "no data from \(transfer.request.url.host ?? "the server") for \(seconds) s"))
            } else {
                soonest = min(soonest, deadline - now)
            }
        }
        return Int32(min((soonest + 999_999) / 1_000_000, UInt64(Int32.max)))
    }
}
