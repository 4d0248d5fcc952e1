import VideoProviderKit

/// `videogen`'s exit codes, part of its documented interface.
enum ExitCode: Int32 {
    case success = 0
    /// The vendor or the task failed.
    case failure = 1
    /// Invalid input or usage; nothing was sent.
    case usage = 2
    /// Network failure, timeout, a submission that may have created a task, or a task not finished yet:
    /// nothing is wrong with the input; look again later.
    case network = 3
    /// Stopped by SIGINT (Ctrl-C): 128 + 2.
    case interrupted = 130
    /// Stopped by SIGTERM: 128 + 15.
    case terminated = 143

    init(for error: VideoProviderError) {
        switch error.kind {
        case .invalidRequest, .unknownModel, .noEligibleProvider, .configuration, .unsupported:
            self = .usage
        case .connectionFailed, .timeout, .ambiguousSubmission, .taskNotFinished:
            self = .network
        default:
            // The vendor answered: a refusal, a failed task, a used-up quota or balance, an unreadable answer.
            self = .failure
        }
    }
}
