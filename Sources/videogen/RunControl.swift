import Dispatch
import Foundation
import VideoProviderKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a command's work under `--timeout` and SIGINT/SIGTERM: either cancels it, the work unwinds
/// (requests in flight are cancelled, partial downloads and staged uploads are deleted on the way out),
/// and the command reports what is left (the job file and the `videogen follow …` command).
///
/// `--timeout` bounds the whole command this way, a transfer in flight included: the transport's own
/// timeouts only notice silence, not an answer that drips one byte every few seconds.
enum RunControl {
    /// Why the work was stopped.
    enum Interruption: Sendable, Equatable {
        case timeout(Duration)
        case signal(Int32)

        /// For messages: "gave up after 10 s (--timeout)", "interrupted by SIGINT".
        var summary: String {
            switch self {
            case .timeout(let limit): return "gave up after \(Render.plainSeconds(limit)) s (--timeout)"
            case .signal(let number): return "interrupted by \(number == SIGINT ? "SIGINT" : "SIGTERM")"
            }
        }

        /// 130 for SIGINT, 143 for SIGTERM (128 + the signal), 3 for a timeout.
        var exitCode: ExitCode {
            switch self {
            case .timeout: return .network
            case .signal(SIGINT): return .interrupted
            case .signal: return .terminated
            }
        }
    }

    /// How long the work may take to unwind once cancelled, before the command reports and exits anyway.
    static let unwindGrace: Duration = .seconds(10)

    /// Runs `work`; returns its result and, when it was stopped, why. A second signal, or work that
    /// does not unwind within ``unwindGrace``, runs `emergencyExit` (which must clean up and exit).
    static func run<T: Sendable>(
        timeout: Duration?, clock: any VideoClock, emergencyExit: @escaping @Sendable (Interruption) -> Never,
        work: @escaping @Sendable () async throws(VideoProviderError) -> T
    ) async -> (result: Result<T, VideoProviderError>, interruption: Interruption?) {
        let state = State()
        let task = Task { () async -> Result<T, VideoProviderError> in
            do throws(VideoProviderError) {
                return .success(try await work())
            } catch {
                return .failure(error)
            }
        }
        let stop: @Sendable (Interruption) -> Void = { interruption in
            guard state.interrupt(interruption) else {
                // Asked twice: the user wants out now.
                if case .signal = interruption { emergencyExit(state.interruption ?? interruption) }
                return
            }
            task.cancel()
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: unwindGrace.seconds)
                if !state.isFinished { emergencyExit(interruption) }
            }
        }
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop(.signal(number)) }
            source.resume()
            return source
        }
        let deadline: Task<Void, Never>? = timeout.map { limit in
            Task {
                do {
                    try await clock.sleep(for: limit)
                } catch {
                    return
                }
                stop(.timeout(limit))
            }
        }
        let result = await task.value
        state.finish()
        deadline?.cancel()
        for source in sources { source.cancel() }
        return (result, state.interruption)
    }

    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped: Interruption?  // guarded by `lock`
        private var finished = false  // guarded by `lock`

        /// Records the first interruption; `false` when one was already recorded.
        func interrupt(_ interruption: Interruption) -> Bool {
            lock.withLock {
                guard stopped == nil, !finished else { return false }
                stopped = interruption
                return true
            }
        }

        var interruption: Interruption? { lock.withLock { stopped } }
        var isFinished: Bool { lock.withLock { finished } }
        func finish() { lock.withLock { finished = true } }
    }
}
