import VideoProviderKit

/// `videogen`'s exit codes, part of its documented interface.
enum ExitCode: Int32 {
    case success = 0
    /// The vendor or the task failed.
    case failure = 1
    /// Invalid input or usage; nothing was sent.
    case usage = 2
    /// Network failure or timeout.
    case network = 3

    init(for error: VideoProviderError) {
        switch error.kind {
        case .invalidRequest, .unknownModel, .noEligibleProvider, .configuration:
            self = .usage
        case .connectionFailed, .timeout, .ambiguousSubmission:
            self = .network
        case .quotaExceeded:
            // The gateway answered: the account's quota or balance there is used up.
            self = .failure
        default:
            self = .failure
        }
    }
}
